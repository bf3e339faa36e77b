"""Writes the type stubs of the Python package (python/bridge/__init__.pyi, nn/functional.pyi) from the package
itself: every public function and class with its signature and first docstring line, so IDEs and type checkers
see the names that are created from the op declarations, and the calls that return a tensor say so (-> Tensor). Imports the installed package (it needs libbridge.so); run after scripts/python-package.sh:
    .venv/bin/python scripts/python-stubs.py
"""
import inspect
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "python" / "bridge"


# What returns a Tensor, so that an IDE completes ``torch.zeros(3).`` and ``x.sin().`` with Tensor's methods: the
# declared ops (added in main()) and these, torch's common calls that return one tensor whatever their arguments
# (not max/min/sort, which may return a pair, nor anything that may return a tuple). Others stay unannotated (Any).
TENSOR_FUNCTIONS = {
    "zeros", "ones", "empty", "full", "rand", "randn", "randint", "randperm", "arange", "linspace", "logspace", "eye",
    "tensor", "as_tensor", "from_numpy", "from_dlpack", "zeros_like", "ones_like", "empty_like", "full_like",
    "rand_like", "randn_like", "randint_like", "normal", "bernoulli", "multinomial", "cat", "concat", "stack",
    "matmul", "mm", "bmm", "mv", "dot", "where", "clamp", "clip", "add", "sub", "mul", "div", "pow", "maximum",
    "minimum", "eq", "ne", "lt", "le", "gt", "ge", "sum", "mean", "softmax", "log_softmax", "transpose", "reshape",
    "flatten", "squeeze", "unsqueeze", "permute", "t", "clone", "detach", "narrow", "select", "gather",
    "index_select", "masked_fill", "outer", "einsum", "cumsum", "prod", "argmax", "argmin",
    # nn.functional
    "relu", "relu6", "gelu", "silu", "mish", "elu", "leaky_relu", "softplus", "hardtanh", "hardswish", "hardsigmoid",
    "logsigmoid", "linear",
    "conv1d", "conv2d", "conv_transpose2d", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss",
    "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "dropout", "dropout2d",
    "layer_norm", "group_norm", "batch_norm", "embedding", "pad", "one_hot", "normalize", "avg_pool2d",
    "adaptive_avg_pool2d", "interpolate", "unfold", "fold", "scaled_dot_product_attention",
}
TENSOR_METHODS = TENSOR_FUNCTIONS | {
    "abs_", "add_", "sub_", "mul_", "div_", "pow_", "clamp_", "zero_", "fill_", "copy_", "uniform_", "normal_",
    "requires_grad_", "detach_", "masked_fill_", "contiguous", "view", "view_as", "reshape_as", "expand", "expand_as",
    "repeat", "to", "cpu", "cuda", "float", "double", "long", "int", "bool", "half", "type_as", "new_zeros",
    "new_ones", "new_empty", "new_full", "new_tensor", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__",
    "__rmul__", "__truediv__", "__rtruediv__", "__matmul__", "__neg__", "__pow__", "__eq__", "__ne__", "__lt__",
    "__le__", "__gt__", "__ge__", "__getitem__",
}


def _signature(obj, returns_tensor=False):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(*args, **kwargs)"
    params = []
    for p in sig.parameters.values():
        if p.default is not inspect.Parameter.empty:
            p = p.replace(default=_Ellipsis())
        params.append(p)
    text = str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))
    return text + (" -> Tensor" if returns_tensor else "")


class _Ellipsis:
    def __repr__(self):
        return "..."


def _doc(obj, indent):
    doc = (inspect.getdoc(obj) or "").strip()
    if doc and doc == (inspect.getdoc(getattr(object, getattr(obj, "__name__", ""), None)) or "").strip():
        return ""  # inherited from object ("Return self==value."): says nothing about Bridge
    doc = doc.splitlines()
    return f'{indent}"""{doc[0]}"""\n' if doc else ""


def _function(name, obj, indent="", returns_tensor=False):
    # x == y is elementwise (a Tensor), where object's == returns bool: torch's own stubs say the same
    ignore = "  # type: ignore[override]" if returns_tensor and name in ("__eq__", "__ne__") else ""
    return f"{indent}def {name}{_signature(obj, returns_tensor)}:{ignore}\n{_doc(obj, indent + '    ')}{indent}    ...\n"


def _class(name, cls, defined):
    # Only bases the stub itself defines: the members of the others (mixins such as MathMethods) are listed on the
    # class, and a base the stub does not define would make type checkers give up on the class.
    bases = [b.__name__ for b in cls.__bases__ if b.__name__ in defined and b.__module__.startswith("bridge")]
    out = f"class {name}{'(' + ', '.join(bases) + ')' if bases else ''}:\n{_doc(cls, '    ')}"
    from bridge._fast import python_version
    members = []
    for attr in sorted(dir(cls)):
        if attr.startswith("_") and attr not in ("__init__", "__call__", "__getitem__", "__setitem__", "__len__",
                                                 "__iter__", "__enter__", "__exit__", "__add__", "__sub__", "__mul__",
                                                 "__truediv__", "__matmul__", "__neg__", "__pow__", "__eq__", "__lt__",
                                                 "__le__", "__gt__", "__ge__", "__ne__", "__radd__", "__rsub__",
                                                 "__rmul__", "__rtruediv__"):
            continue
        value = inspect.getattr_static(cls, attr)
        value = python_version(cls, attr, value)  # what a C-level descriptor (bridge/_fast.py) stands for
        if isinstance(value, property):
            members.append(f"    @property\n    def {attr}(self):\n{_doc(value, '        ')}        ...\n")
        elif isinstance(value, (staticmethod, classmethod)):
            kind = "staticmethod" if isinstance(value, staticmethod) else "classmethod"
            members.append(f"    @{kind}\n" + _function(attr, getattr(cls, attr), "    "))
        elif inspect.isfunction(value):
            members.append(_function(attr, value, "    ", name == "Tensor" and attr in TENSOR_METHODS))
        elif not callable(value) and not attr.startswith("_"):
            members.append(f"    {attr}: object\n")
    return out + ("".join(members) if members else "    ...\n")


def _declared_ops_return_tensors():
    """Every declared op (bridge.sin, Tensor.sin, Tensor.sin_) returns a tensor."""
    from bridge import _declared
    TENSOR_FUNCTIONS.update(_declared.__all__)
    TENSOR_METHODS.update(_declared.__all__)
    TENSOR_METHODS.update(n + "_" for n in _declared.__all__)


def stub(module, names):
    _declared_ops_return_tensors()
    lines = [f'"""Type stub of {module.__name__}, generated by scripts/python-stubs.py: do not edit."""\n',
             "from typing import Any\n"]
    defined = {n for n in names if inspect.isclass(getattr(module, n))}
    if "Tensor" not in defined:
        lines.append("from bridge import Tensor\n")
    for name in sorted(names):
        obj = getattr(module, name)
        if inspect.isclass(obj):
            lines.append(_class(name, obj, defined))
        elif callable(obj) and not inspect.ismodule(obj):
            lines.append(_function(name, obj, returns_tensor=name in TENSOR_FUNCTIONS))
        elif inspect.ismodule(obj):
            lines.append(f"from . import {name} as {name}\n")
        else:
            lines.append(f"{name}: Any\n")
    return "\n".join(lines)


# Submodules bridge/__init__.py imports itself; others (bridge.parity) appear as attributes only once imported.
PUBLIC_SUBMODULES = ("nn", "optim", "cuda")


def public_names(module):
    return [n for n in dir(module) if not n.startswith("_") and n != "annotations"
            and (not inspect.ismodule(getattr(module, n)) or n in PUBLIC_SUBMODULES)]


def main():
    import bridge
    import bridge.nn.functional as F
    public = public_names(bridge)
    (ROOT / "__init__.pyi").write_text(stub(bridge, public))
    (ROOT / "nn" / "functional.pyi").write_text(stub(F, F.__all__))
    (ROOT / "py.typed").write_text("")
    print("wrote", ROOT / "__init__.pyi", ROOT / "nn" / "functional.pyi")


if __name__ == "__main__":
    main()
