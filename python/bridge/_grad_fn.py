"""grad_fn objects: nodes of the autograd graph as torch shows them (``MulBackward0``, ``next_functions``)."""

from . import _core

_classes = {}
# Nodes torch implements in C++ only, whose name() is qualified (their Python type name is not).
_CPP_NAMED = {"AccumulateGrad"}


class GradFn:
    """One recorded op of the autograd graph (torch's ``grad_fn``): its name, the nodes its gradients flow to
    (``next_functions``), printed as torch prints it. Each node name is its own subclass, as in torch, so
    ``type(t.grad_fn).__name__`` is ``"MulBackward0"``."""
    __slots__ = ("_node", "__weakref__")

    def __new__(cls, node):
        name = _core.call("node_name", node)
        sub = _classes.get(name)
        if sub is None:
            sub = _classes[name] = type(name, (GradFn,), {"__slots__": (), "__module__": "bridge.autograd.graph"})
        self = object.__new__(sub)
        self._node = node
        return self

    def name(self):
        """torch's name of the backward node (``MulBackward0``; a leaf's is ``torch::autograd::AccumulateGrad``)."""
        name = type(self).__name__
        return "torch::autograd::" + name if name in _CPP_NAMED else name

    @property
    def next_functions(self):
        """For each input of the op: (the node its gradient goes to, that node's input slot); (None, 0) for an input
        that needs no gradient. A leaf's node is ``AccumulateGrad``."""
        slots = _core.call("node_next_input_nrs", self._node)
        result = []
        for i, slot in enumerate(slots):
            node = _core.call("node_next_function", self._node, i)
            result.append((None, 0) if node is None else (GradFn(node), slot))
        return tuple(result)

    @property
    def variable(self):
        """For a leaf's ``AccumulateGrad`` node: the leaf tensor its gradient accumulates into."""
        if type(self).__name__ != "AccumulateGrad":
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'variable'")
        return _core.call("node_variable", self._node)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


def grad_fn_of(tensor):
    """The GradFn of ``tensor``, or None for a leaf or a tensor outside autograd."""
    node = _core.call("grad_fn_node", tensor)
    return None if node is None else GradFn(node)
