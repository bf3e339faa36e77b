"""bridge.cuda.amp: torch.cuda.amp's GradScaler (dynamic loss scaling), with torch 1.13's states and messages.

There is no autocast here (mixed-precision compute belongs to the dtype work); the scaler itself only multiplies
the loss, unscales gradients, skips steps whose gradients are not finite and adapts the scale, which works for any
floating dtype. As in torch, a scaler asked for where CUDA is unavailable warns and passes everything through."""

import warnings

_READY, _UNSCALED, _STEPPED = 0, 1, 2


class GradScaler:
    """torch.cuda.amp.GradScaler: ``scale(loss).backward()``, then ``step(optimizer)`` and ``update()``."""

    def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000, enabled=True):
        from . import cuda
        if enabled and not cuda.is_available():
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.")
            enabled = False
        self._enabled = enabled
        if enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._scale = float(init_scale)
        self._growth_factor, self._backoff_factor = float(growth_factor), float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._per_optimizer = {}

    def is_enabled(self):
        """Whether the scaler scales (False where it was disabled or CUDA is unavailable)."""
        return self._enabled

    def scale(self, outputs):
        """``outputs`` (a tensor or nested sequence of tensors) times the current scale; unchanged when disabled."""
        if not self._enabled:
            return outputs
        from ._tensor import Tensor
        if isinstance(outputs, Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def _state(self, optimizer):
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": False})

    def unscale_(self, optimizer):
        """Divides the optimizer's gradients by the scale (in place) and notes whether any is inf or NaN."""
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state["stage"] is _UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        from ._functions import tensor
        inv_scale = float(tensor(1.0 / self._scale, dtype=None))  # rounded to float32 as torch's inv_scale tensor
        found_inf = False
        from ._grad_mode import no_grad
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    if not bool(p.grad.isfinite().all()):
                        found_inf = True
                    p.grad.mul_(inv_scale)
        state["found_inf"], state["stage"] = found_inf, _UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscales (unless done already) and runs ``optimizer.step`` unless a gradient was inf or NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        state = self._state(optimizer)
        if state["stage"] is _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is _READY:
            self.unscale_(optimizer)
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result

    def update(self, new_scale=None):
        """Sets the scale for the next iteration: ``new_scale``, or backoff after a skipped step, growth after
        ``growth_interval`` clean steps in a row."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale)
        else:
            if not self._per_optimizer:
                raise AssertionError("No inf checks were recorded prior to update.")
            if any(s["found_inf"] for s in self._per_optimizer.values()):
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    self._scale *= self._growth_factor
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def get_scale(self):
        """The current scale (1.0 when disabled)."""
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self):
        """Factor the scale grows by after growth_interval clean steps."""
        return self._growth_factor

    def get_backoff_factor(self):
        """Factor the scale shrinks by after a step with inf or NaN gradients."""
        return self._backoff_factor

    def get_growth_interval(self):
        """Clean steps in a row before the scale grows."""
        return self._growth_interval

    def state_dict(self):
        """The scaler's state as torch saves it ({} when disabled)."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor, "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval, "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict):
        """Restores a state from ``state_dict()``; ignored when disabled."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.")
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict.get("_growth_tracker", 0))


__all__ = ["GradScaler"]
