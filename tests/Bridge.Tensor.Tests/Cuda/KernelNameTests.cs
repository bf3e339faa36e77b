using System.Reflection;
using System.Text.RegularExpressions;

using Bridge.Ops;

namespace Bridge.Tests.Cuda;

/// <summary>
/// The CUDA backend finds kernels by the operator's declared name (<c>un_tanh_f32</c>): every name the declarations
/// and operator structs can produce must be an <c>.entry</c> of the embedded PTX, so a missing kernel fails here,
/// on any machine, rather than at a launch on a GPU.
/// </summary>
[TestClass]
public sealed partial class KernelNameTests
{
    [GeneratedRegex(@"\.entry\s+([A-Za-z_$][\w$]*)\s*\(")]
    private static partial Regex Entry();

    static HashSet<string> Entries()
    {
        using var stream = typeof(Tensor).Assembly.GetManifestResourceStream("Bridge.Cuda.kernels.ptx");
        if (stream is null) Assert.Inconclusive("no PTX embedded (clang-14 missing at build time)");
        var ptx = new StreamReader(stream).ReadToEnd();
        return Entry().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet();
    }

    static string Suffix(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Int64 => "i64",
        DType.Int32 => "i32",
        DType.Int16 => "i16",
        DType.Int8 => "i8",
        DType.UInt8 => "u8",
        // The half types run the float32 kernels (CudaHalfWidening).
        DType.Float16 or DType.BFloat16 => "f32",
        _ => "b8",
    };

    [TestMethod]
    public void EveryDeclaredOp_HasAPtxEntry_ForEveryDTypeItLaunches()
    {
        var entries = Entries();
        var missing = new List<string>();
        foreach (var op in Declarations.All.Where(d => d.Kernel is not null && !OpInfo.OpSamples.DeviceGaps.ContainsKey(d.TorchName)))
        {
            // Dtypes without device kernels yet (OpSamples.DeviceDTypeGaps) raise NotSupportedException there instead.
            foreach (var dtype in op.DTypes.Where(d => !OpInfo.OpSamples.DeviceDTypeGaps.ContainsKey(d)))
            {
                // The kernel runs on the promoted dtype (int64 / int64 -> float32): ask the op on the CPU which one.
                var x = Torch.Ones([2], dtype, Device.Cpu);
                var kernelDType = op switch
                {
                    UnaryOp u => u.Apply(x).DType,
                    BinaryOp { Family: OpFamily.Comparison } => dtype,
                    // Bool operands run on the int64 kernel (Tensor.Binary promotes bool to int64).
                    BinaryOp b => b.Apply(x, x).DType is var r && r == DType.Bool ? DType.Int64 : r,
                    _ => throw new NotSupportedException(op.GetType().Name),
                };
                if (OpInfo.OpSamples.DeviceDTypeGaps.ContainsKey(kernelDType)) continue;
                if (op is UnaryOp && kernelDType == DType.Bool) continue;   // bool to itself (sign): a clone, no kernel
                string name = $"{(op is UnaryOp ? "un" : op.Family == OpFamily.Comparison ? "cmp" : "bin")}_{op.Kernel}_{Suffix(kernelDType)}";
                if (!entries.Contains(name)) missing.Add($"{op.TorchName}[{dtype.TorchName()}] -> {name}");
            }
        }
        Assert.AreEqual(0, missing.Count, "declared ops without a CUDA kernel: " + string.Join(", ", missing));
    }

    /// <summary>Operators used only inside backward formulas (relu_backward...) are checked through their structs.</summary>
    [TestMethod]
    public void EveryOperatorStruct_HasAPtxEntry_ForFloat32AndFloat64()
    {
        var entries = Entries();
        var prefixes = new Dictionary<string, string> { ["IUnaryOperator"] = "un", ["IFloatUnaryOperator"] = "un", ["IBinaryOperator"] = "bin", ["ICompareOperator"] = "cmp" };
        var missing = new List<string>();
        int count = 0;
        foreach (var type in typeof(Tensor).Assembly.GetTypes().Where(t => t.IsValueType && t.Namespace == "Bridge.Backends.Cpu"))
        {
            var kind = type.GetInterfaces().Select(i => i.Name).FirstOrDefault(prefixes.ContainsKey);
            if (kind is null) continue;
            var name = (string)type.GetProperty("Name", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            count++;
            if (OpInfo.OpSamples.DeviceGaps.ContainsKey(name)) continue;
            // Bitwise operators exist for integers only.
            foreach (var suffix in name.StartsWith("bitwise_", StringComparison.Ordinal) ? ["i64"] : new[] { "f32", "f64" })
                if (!entries.Contains($"{prefixes[kind]}_{name}_{suffix}")) missing.Add($"{type.Name} -> {prefixes[kind]}_{name}_{suffix}");
        }
        Assert.IsTrue(count >= 25, $"found only {count} operator structs");
        Assert.AreEqual(0, missing.Count, "operators without a CUDA kernel: " + string.Join(", ", missing));
    }

    /// <summary>A listed device gap really lacks its kernels: one that gains them must leave OpSamples.DeviceGaps.</summary>
    [TestMethod]
    public void DeviceGaps_AreStillMissingFromThePtx()
    {
        var entries = Entries();
        var stale = OpInfo.OpSamples.DeviceGaps.Keys.Where(op => new[] { "un", "bin" }.Any(kind => entries.Contains($"{kind}_{op}_f32") || entries.Contains($"{kind}_{op}_f64"))).ToList();
        Assert.AreEqual(0, stale.Count, "kernels exist now; remove from OpSamples.DeviceGaps: " + string.Join(", ", stale));
    }
}
