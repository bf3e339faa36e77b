using System.Text;

using Bridge.Ops;

namespace Bridge.Tests.OpInfo;

/// <summary>
/// Renders the code that follows from the declarations: the C# facades (Tensor.X, Torch.X, Functional.X) and the
/// Python binding (methods and functions with docstrings). <see cref="CodegenTests"/> fails when a committed file
/// differs; BRIDGE_REGENERATE=1 rewrites them.
/// </summary>
internal static class Codegen
{
    const string Header = "Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.\n"
        + "Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen";

    static IEnumerable<UnaryOp> Published(Surface surface) =>
        Declarations.All.OfType<UnaryOp>().Where(d => d.Surface.HasFlag(surface)).OrderBy(d => d.TorchName, StringComparer.Ordinal);

    /// <summary>(path relative to the repository root, contents) of every generated file.</summary>
    public static IEnumerable<(string Path, string Text)> Files()
    {
        yield return ("src/Tensor/Ops/Generated/Declared.g.cs", CSharp());
        yield return ("python/bridge/_declared.py", Python());
        yield return ("python/bridge/_declared_functional.py", PythonFunctional());
    }

    static string CSharp()
    {
        var s = new StringBuilder();
        foreach (var line in Header.Split('\n')) s.Append("// ").Append(line).Append('\n');
        s.Append("\nusing Bridge.Ops;\n\nnamespace Bridge\n{\n");
        s.Append("    public sealed partial class Tensor\n    {\n");
        Join(s, Published(Surface.Tensor), d => $"        /// <summary>{Xml(d.Doc)}</summary>\n        public Tensor {d.DotNetName}() => Declarations.{d.DotNetName}.Apply(this);\n");
        foreach (var d in Published(Surface.InPlace))
            s.Append($"\n        /// <summary>In place ({d.TorchName}_): {Xml(d.Doc)}</summary>\n        public Tensor {d.DotNetName}_() => Declarations.{d.DotNetName}.ApplyInPlace(this);\n");
        s.Append("    }\n\n    public static partial class Torch\n    {\n");
        Join(s, Published(Surface.Tensor), d => $"        /// <summary>{Xml(d.Doc)}</summary>\n        public static Tensor {d.DotNetName}(Tensor x) => Declarations.{d.DotNetName}.Apply(x);\n");
        s.Append("    }\n}\n\nnamespace Bridge.Nn\n{\n    public static partial class Functional\n    {\n");
        Join(s, Published(Surface.Functional), d => $"        /// <summary>{Xml(d.Doc)}</summary>\n        public static Tensor {d.DotNetName}(Tensor x) => Declarations.{d.DotNetName}.Apply(x);\n");
        s.Append("    }\n}\n");
        return s.ToString();
    }

    static string Python()
    {
        var s = new StringBuilder();
        s.Append("\"\"\"").Append(Header).Append("\n\nThe declared elementwise ops of one tensor: Tensor methods (a mixin) and torch-level functions.\n\"\"\"\n\n");
        s.Append("from ._math import _out\nfrom ._tensor_math import TensorMath, _self_op, _unary\n\n");
        var ops = Published(Surface.Tensor).ToList();
        s.Append("__all__ = [").Append(string.Join(", ", ops.Select(d => $"\"{d.TorchName}\""))).Append("]\n\n\n");
        s.Append("class DeclaredMethods(TensorMath):\n    \"\"\"Methods of bridge.Tensor generated from the op declarations.\"\"\"\n    __slots__ = ()\n");
        foreach (var d in ops)
            s.Append($"\n    def {d.TorchName}(self):\n        \"\"\"{d.Doc}\"\"\"\n        return _unary(\"{d.TorchName}\", self)\n");
        foreach (var d in Published(Surface.InPlace))
            s.Append($"\n    def {d.TorchName}_(self):\n        \"\"\"In place ({d.TorchName}_): {d.Doc}\"\"\"\n        return _self_op(\"{d.TorchName}_\", self)\n");
        // Ops with a kernel take torch's out= (written without autograd, as torch does); the predicates take none, as in torch.
        foreach (var d in ops)
            s.Append(d.Kernel is null
                ? $"\n\ndef {d.TorchName}(input):\n{PythonFunctionDoc(d.Doc, withOut: false)}    return _unary(\"{d.TorchName}\", input)\n"
                : $"\n\ndef {d.TorchName}(input, *, out=None):\n{PythonFunctionDoc(d.Doc, withOut: true)}    return _unary(\"{d.TorchName}\", input) if out is None else _out(_unary(\"{d.TorchName}\", input), out)\n");
        return s.ToString();
    }

    /// <summary>A torch-style docstring for a generated function: the declaration's doc, then its arguments.</summary>
    static string PythonFunctionDoc(string doc, bool withOut) =>
        $"    \"\"\"{doc}\n\n    Args:\n        input (Tensor): the input tensor.\n"
        + (withOut ? "        out (Tensor, optional): the output tensor, written without autograd (as torch does).\n" : "")
        + "    \"\"\"\n";

    static string PythonFunctional()
    {
        var s = new StringBuilder();
        s.Append("\"\"\"").Append(Header).Append("\n\nThe declared ops that torch.nn.functional also publishes.\n\"\"\"\n\n");
        var ops = Published(Surface.Functional).ToList();
        s.Append("from ._tensor_math import _unary\n\n");
        s.Append("__all__ = [").Append(string.Join(", ", ops.Select(d => $"\"{d.TorchName}\""))).Append("]\n");
        foreach (var d in ops)
            s.Append($"\n\ndef {d.TorchName}(input):\n{PythonFunctionDoc(d.Doc, withOut: false)}    return _unary(\"{d.TorchName}\", input)\n");
        return s.ToString();
    }

    static void Join<T>(StringBuilder s, IEnumerable<T> items, Func<T, string> render)
    {
        bool first = true;
        foreach (var item in items)
        {
            if (!first) s.Append('\n');
            s.Append(render(item));
            first = false;
        }
    }

    static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
