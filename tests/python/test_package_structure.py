"""The package's shape: a layered import graph, type information shipped, and docstrings on the public API."""
import ast
import inspect
import pathlib

import bridge
import bridge.nn.functional

PACKAGE = pathlib.Path(bridge.__file__).parent


def _module_imports(path, package):
    """Modules of the package that ``path`` imports at module level (not inside functions)."""
    tree = ast.parse(path.read_text())
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if name.endswith(".__init__"):
        name = name[: -len(".__init__")]
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in tree.body:  # module level only
        if isinstance(node, ast.ImportFrom) and node.level:
            parent = base[: len(base) - node.level + 1]
            target = ".".join(parent + ([node.module] if node.module else []))
            if node.module is None:
                found.update(f"{target}.{a.name}" for a in node.names)
            else:
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(package))
    return name, found


def test_import_graph_has_no_cycles():
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name, deps = _module_imports(path, "bridge")
        graph[name] = deps
    graph = {k: {d for d in v if d in graph and d != k} for k, v in graph.items()}
    # A package's __init__ importing its own submodules is the package's surface, not a layer: drop those edges
    # from submodules back up to their package, which Python resolves before the submodule runs.
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for dep in graph[node]:
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                if not all(c == dep or c.startswith(dep + ".") for c in cycle):
                    raise AssertionError("module-level import cycle: " + " -> ".join(cycle))
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_no_module_assigns_into_another_after_import():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        modules = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level and node.module is None:
                modules.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Import):
                modules.update(a.asname or a.name.split(".")[0] for a in node.names)
        for node in tree.body:
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in modules:
                            raise AssertionError(f"{path.name}:{node.lineno} patches {t.value.id}.{t.attr} at import")


def test_type_information_is_shipped():
    assert (PACKAGE / "py.typed").exists()
    stub = PACKAGE / "__init__.pyi"
    assert stub.exists()
    tree = ast.parse(stub.read_text())
    names = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for public in ("tanh", "sin", "cos", "zeros", "Tensor", "from_numpy"):
        assert public in names, public


# Docstrings and signatures of the whole public API: tests/python/test_docstrings.py.


def test_help_shows_signature_and_doc():
    assert str(inspect.signature(bridge.tanh)) == "(input, *, out=None)"
    assert "hyperbolic tangent" in bridge.tanh.__doc__
    assert "sine" in bridge.Tensor.sin.__doc__


def test_failing_tensor_tensor_op_runs_once(monkeypatch):
    from bridge import _tensor_math

    def second_call(*args):
        raise AssertionError("the failed op ran again through _arith")

    monkeypatch.setattr(_tensor_math, "_arith", second_call)
    a, b = bridge.ones(2), bridge.ones(3)
    for op in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / b):
        try:
            op()
        except RuntimeError as e:
            assert "must match the size" in str(e)
        else:
            raise AssertionError("mismatched shapes did not raise")


def test_stubs_match_the_package():
    """The shipped .pyi files are what scripts/python-stubs.py writes for this package (run it after changing the API)."""
    import importlib.util
    root = pathlib.Path(__file__).resolve().parents[2]
    script = root / "scripts" / "python-stubs.py"
    source = root / "python" / "bridge"  # the committed stubs (the installed copy is from the last install)
    spec = importlib.util.spec_from_file_location("python_stubs", script)
    stubs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stubs)
    public = stubs.public_names(bridge)
    assert (source / "__init__.pyi").read_text() == stubs.stub(bridge, public), "run scripts/python-stubs.py"
    F = bridge.nn.functional
    assert (source / "nn" / "functional.pyi").read_text() == stubs.stub(F, F.__all__), "run scripts/python-stubs.py"
