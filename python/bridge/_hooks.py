"""RemovableHandle: what the ``register_*_hook`` functions return (torch.utils.hooks.RemovableHandle)."""

import itertools

_ids = itertools.count(1)


class RemovableHandle:
    """Holds one hook in a dict of hooks; ``remove()`` (or leaving a ``with`` block) unregisters it."""

    def __init__(self, hooks, hook):
        self.id = next(_ids)
        self._hooks = hooks
        hooks[self.id] = hook

    def remove(self):
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
