"""copy.copy, copy.deepcopy and pickle for bridge tensors, as torch does them.

A tensor's Python object only holds an engine handle, so the default protocols would copy the handle: a "deep"
copy would then edit the original, and a pickle would carry a number that means nothing in another process.
Here a deep copy owns new memory, a shallow copy shares it (as torch's), and a pickle carries the data.
"""

import copy


class CopyProtocols:
    """Mixed into Tensor (and so Parameter)."""

    __slots__ = ()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        with _no_grad():
            data = self.detach().clone()
        result = _retype(self, data, self.requires_grad)
        memo[id(self)] = result
        if self.grad is not None:
            result.grad = copy.deepcopy(self.grad, memo)
        return result

    def __copy__(self):
        # torch's shallow copy shares the storage and keeps requires_grad
        return _retype(self, self.detach(), self.requires_grad)

    def __reduce_ex__(self, protocol):
        if self.requires_grad and not self.is_leaf:
            raise RuntimeError("Can't pickle a non-leaf tensor that requires grad: detach() it first, as torch requires")
        host = self.detach().cpu()
        return (_rebuild, (type(self), host.numpy().copy(), str(self.device), self.requires_grad))


def _no_grad():
    from ._grad_mode import no_grad
    return no_grad()


def _retype(original, data, requires_grad):
    """data as the same Python class as original (a Parameter stays a Parameter), with requires_grad set."""
    return _retype_class(type(original), data, requires_grad)


def _retype_class(cls, data, requires_grad):
    if cls.__name__ == "Parameter":
        return cls(data, requires_grad=requires_grad)
    if requires_grad:
        data.requires_grad_(True)
    return data


def _rebuild(cls, array, device, requires_grad):
    """Unpickles a tensor: the data, on the device it came from, as its class."""
    from ._numpy import from_numpy
    t = from_numpy(array)
    if device != "cpu":
        t = t.to(device)
    return _retype_class(cls, t, requires_grad)
