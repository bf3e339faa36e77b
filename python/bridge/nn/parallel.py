"""bridge.nn.parallel: DistributedDataParallel over the engine's gradient reducer (Bridge.Distributed)."""

import contextlib
import weakref

from .. import distributed as _dist
from .._core import call
from .modules import Module

__all__ = ["DistributedDataParallel"]


def _dispose(reducer):
    try:
        call("ddp_dispose", reducer)
    except Exception:  # interpreter shutdown: nothing to protect any more
        pass


class DistributedDataParallel(Module):
    """torch's DistributedDataParallel: wrapping broadcasts rank 0's parameters and buffers to every rank; each
    backward averages gradients over the ranks in ~bucket_cap_mb buckets (reverse parameter order), each bucket's
    all-reduce starting as soon as its last gradient is accumulated, while backward goes on."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False):
        super().__init__()
        params = []
        for p in module.parameters():
            if not any(p is q for q in params):
                params.append(p)
        if not any(p.requires_grad for p in params):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.process_group = process_group
        buffers = list(module.buffers())
        group = _dist._group(process_group)
        if group is None:
            raise ValueError("DistributedDataParallel: this rank is not a member of process_group")
        object.__setattr__(self, "_module_buffers", buffers)
        reducer = call("ddp_reducer", group, params, buffers or None, int(bucket_cap_mb * 1024 * 1024))
        object.__setattr__(self, "_reducer", reducer)
        # The hooks live on the parameters: when this wrapper goes, they must go too, or the module would keep
        # all-reducing its gradients in backward passes that no longer use DDP.
        weakref.finalize(self, _dispose, reducer)

    def forward(self, *inputs, **kwargs):
        """Runs the wrapped module on the inputs (broadcasting rank 0's buffers first when ``broadcast_buffers`` and
        training)."""
        call("ddp_prepare_forward", self._reducer)
        if self.broadcast_buffers and self._module_buffers and self.training:
            call("ddp_broadcast", self._reducer, self._module_buffers)
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside only accumulate local gradients; the first one after averages the sum."""
        previous = call("ddp_require_sync", self._reducer)
        call("ddp_set_require_sync", self._reducer, False)
        try:
            yield
        finally:
            call("ddp_set_require_sync", self._reducer, previous)
