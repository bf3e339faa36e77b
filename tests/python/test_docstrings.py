"""Every public function, method, property and class of the package has a docstring and a signature that
``help()``, ``inspect`` and IDEs can read (issue 21).

The public API is found, not listed: every importable module of ``bridge`` whose dotted name has no ``_`` part
(``bridge.nn.functional``, ``bridge.optim.lr_scheduler``, ``bridge.utils.data`` ...), its ``__all__`` or else its
names without a leading ``_``, and every public method and property of each class found there (Tensor, Module
and its subclasses, optimizers, schedulers, datasets ...), inherited ones included. A new module or function is
covered the moment it exists. Each test prints its offenders, so progress is measurable:
    .venv/bin/python -m pytest tests/python/test_docstrings.py -q -rA
"""
import ast
import importlib
import inspect
import pathlib
import pkgutil

import bridge

PACKAGE = pathlib.Path(bridge.__file__).parent

# Importing these has a side effect the walk must not cause: ``bridge.clr`` starts .NET inside this interpreter
# (checked from its source instead, below); ``__main__`` modules run a command line.
NOT_IMPORTED = {"bridge.clr"}

# Callables whose ``(*args, **kwargs)`` is their real signature, as it is torch's: they forward or dispatch on
# whatever they are given.
VARIADIC_ON_PURPOSE = {
    "bridge.Tensor",  # torch.Tensor(*args): the legacy constructor (sizes, data, or another tensor)
    "bridge.BoolTensor", "bridge.DoubleTensor", "bridge.FloatTensor", "bridge.LongTensor",  # the same, typed
    "bridge.BFloat16Tensor", "bridge.ByteTensor", "bridge.CharTensor", "bridge.HalfTensor", "bridge.IntTensor",
    "bridge.ShortTensor",
    "bridge.Tensor.to",  # to(dtype), to(device, dtype), to(tensor): overloads torch documents as to(*args, **kwargs)
    "bridge.nn.Module.to",  # the same overloads
    "bridge.nn.rnn.PackedSequence.to",  # the same overloads
    "bridge.nn.Identity",  # takes and ignores any arguments, as torch's
    "bridge.nn.parallel.DistributedDataParallel.forward",  # passes everything to the wrapped module
}


def _public_module_names():
    names = ["bridge"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="bridge."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or info.name in NOT_IMPORTED:
            continue
        spec = info.module_finder.find_spec(info.name)
        if spec is None or not (spec.origin or "").endswith(".py"):
            continue  # libbridge.so beside the modules is the engine, not a Python extension module
        names.append(info.name)
    return sorted(names)


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return names


def _ours(obj):
    """Defined by this package (not a re-exported standard-library or NumPy name)."""
    return (getattr(obj, "__module__", None) or "").startswith("bridge")


def _members(cls):
    """(name, kind, object) for the public methods and properties a user reaches on ``cls``, inherited ones
    included, from the classes of this package only (object's and builtins' members are theirs)."""
    for name in dir(cls):
        if name.startswith("_"):
            continue
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is None or not _ours(owner):
            continue
        raw = vars(owner)[name]
        if isinstance(raw, property):
            yield name, "property", raw, owner
        elif isinstance(raw, (staticmethod, classmethod)):
            yield name, "method", getattr(cls, name), owner
        elif inspect.isfunction(raw) or inspect.isclass(raw):
            yield name, "method", raw, owner


def public_api():
    """(qualified name, kind, object) for every public callable, each object once (under its first name)."""
    seen, found = set(), []

    def add(qualname, kind, obj, key):
        if key in seen:
            return
        seen.add(key)
        found.append((qualname, kind, obj))

    classes = []
    for module_name in _public_module_names():
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            obj = getattr(module, name, None)
            if obj is None or inspect.ismodule(obj) or not _ours(obj) or not callable(obj):
                continue
            if isinstance(obj, type(bridge.float32)):  # dtypes are values, not functions
                continue
            if inspect.isclass(obj):
                if ("class", obj) not in seen:
                    classes.append((f"{module_name}.{name}", obj))
                add(f"{module_name}.{name}", "class", obj, ("class", obj))
            else:
                add(f"{module_name}.{name}", "function", obj, ("function", id(obj)))
    for qualname, cls in classes:
        for name, kind, obj, owner in _members(cls):
            add(f"{qualname}.{name}", kind, obj, (owner, name))
    return found


def _documented(kind, obj):
    doc = obj.__doc__ if kind == "property" else inspect.getdoc(obj)
    if kind == "class" and obj.__doc__ is None:  # a class's own docstring, not one inherited from its base
        return False
    return bool((doc or "").strip())


def _constructor_is_builtin(cls):
    """Neither __init__ nor __new__ is written in Python anywhere in the class's own hierarchy."""
    return not any(_ours(k) and ("__init__" in vars(k) or "__new__" in vars(k)) for k in cls.__mro__)


def _signature_problem(qualname, kind, obj):
    if kind == "property":
        return None
    if kind == "class" and _constructor_is_builtin(obj):
        return None  # str's or Exception's own constructor: inspect cannot read those, help() shows the builtin's
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError) as e:
        return f"no signature ({e})"
    kinds = [p.kind for p in sig.parameters.values() if p.name not in ("self", "cls")]
    variadic_only = kinds and all(k in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
                                  for k in kinds) and inspect.Parameter.VAR_KEYWORD in kinds
    if variadic_only and qualname not in VARIADIC_ON_PURPOSE:
        return f"only {sig}"
    return None


def _report(title, offenders):
    if offenders:
        print(f"\n{title}: {len(offenders)}")
        for line in offenders:
            print("  " + line)
    return offenders


def test_the_walk_covers_the_public_api():
    """The walk itself reaches what people use (a walk that finds nothing would pass everything below)."""
    names = {q for q, _, _ in public_api()}
    for expected in ("bridge.tanh", "bridge.zeros", "bridge.Tensor", "bridge.Tensor.backward", "bridge.Tensor.shape",
                     "bridge.nn.Linear", "bridge.nn.Module.forward", "bridge.nn.functional.cross_entropy",
                     "bridge.nn.init.kaiming_uniform_", "bridge.optim.Adam", "bridge.optim.Optimizer.step",
                     "bridge.optim.lr_scheduler.StepLR", "bridge.utils.data.DataLoader", "bridge.autograd.grad",
                     "bridge.linalg.norm", "bridge.cuda.is_available", "bridge.distributed.all_reduce",
                     "bridge.parity.Recorder"):
        assert expected in names, expected
    assert len(names) > 800, len(names)


def test_every_public_callable_has_a_docstring():
    offenders = [f"{q} ({kind})" for q, kind, obj in public_api() if not _documented(kind, obj)]
    assert not _report("public callables without a docstring", offenders), \
        f"{len(offenders)} public callables have no docstring (listed above)"


def test_every_public_callable_has_a_readable_signature():
    offenders = [f"{q}: {problem}" for q, kind, obj in public_api()
                 if (problem := _signature_problem(q, kind, obj)) is not None]
    assert not _report("public callables whose signature hides their parameters", offenders), \
        f"{len(offenders)} public callables have no usable signature (listed above)"


def test_the_most_used_functions_have_torch_parameter_names():
    """help(bridge.x) names the parameters torch's documentation names, for the calls ported scripts make most."""
    expected = {
        bridge.zeros: ["size", "dtype", "device", "requires_grad"],  # torch's out= and layout= are not taken
        bridge.tensor: ["data", "dtype", "device", "requires_grad"],
        bridge.sum: ["input", "dim", "keepdim", "dtype"],
        bridge.nn.functional.cross_entropy: ["input", "target", "weight", "size_average", "ignore_index",
                                             "reduce", "reduction", "label_smoothing"],
        bridge.nn.Linear.__init__: ["self", "in_features", "out_features", "bias", "device", "dtype"],
        bridge.optim.SGD.__init__: ["self", "params", "lr", "momentum", "dampening", "weight_decay", "nesterov"],
        bridge.optim.Adam.__init__: ["self", "params", "lr", "betas", "eps", "weight_decay", "amsgrad"],
        bridge.Tensor.backward: ["self", "gradient", "retain_graph", "create_graph", "inputs"],
        bridge.utils.data.DataLoader.__init__: ["self", "dataset", "batch_size", "shuffle", "sampler"],
        bridge.nn.LSTM: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
                         "proj_size"],
        bridge.nn.RNN: ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first"],
        bridge.nn.GRU: ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"],
    }
    wrong = []
    for fn, names in expected.items():
        params = list(inspect.signature(fn).parameters)
        if params[: len(names)] != names and not set(names) <= set(params):
            wrong.append(f"{fn.__qualname__}{inspect.signature(fn)}: expected {names}")
    assert not _report("signatures that differ from torch's names", wrong), "; ".join(wrong)


def test_clr_module_is_documented():
    """bridge.clr starts .NET when imported, so its public functions are read from the source."""
    tree = ast.parse((PACKAGE / "clr.py").read_text())
    public = set(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)))
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert public <= set(defs), public - set(defs)
    offenders = [name for name in sorted(public) if not (ast.get_docstring(defs[name]) or "").strip()]
    assert ast.get_docstring(tree)
    assert not _report("bridge.clr functions without a docstring", offenders), offenders


def test_the_checks_catch_what_they_look_for():
    """The checks above flag an undocumented function, an inherited class docstring, an empty docstring and a
    signature of only ``*args, **kwargs`` (so their passing means something)."""
    def undocumented(x):
        return x

    def blank(x):
        """   """
        return x

    def variadic(*args, **kwargs):
        """Documented, but its parameters are hidden."""

    def named(x, *rest, key=None, **kwargs):
        """Named parameters besides the variadic ones."""

    class Documented:
        """A documented base."""

    class Undocumented(Documented):
        pass

    assert not _documented("function", undocumented)
    assert not _documented("function", blank)
    assert not _documented("class", Undocumented)
    assert _documented("class", Documented) and _documented("function", variadic)
    assert not _documented("property", property(lambda self: 1))
    assert _signature_problem("x.variadic", "function", variadic) == "only (*args, **kwargs)"
    assert _signature_problem("x.named", "function", named) is None
    assert _signature_problem("bridge.Tensor.to", "method", variadic) is None  # listed on purpose
