"""Recorder: writes what a run computes (values, module outputs, parameter gradients) as a parity CSV.

    with Recorder("torch_run.csv") as rec:        # the runtime (torch or bridge) is found from what is recorded
        rec.watch(model)                          # every submodule's output, every parameter's grad, per step
        for x, y in batches:
            loss = loss_fn(model(x), y)
            rec.record("loss", loss)              # at the current step
            opt.zero_grad(); loss.backward(); opt.step()

Names: a module's output is ``forward/<named_modules name>`` (the model itself is ``(root)``), a gradient is
``grad/<named_parameters name>``, a value given to ``record`` is ``record/<name>``. The C# recorder
(``Bridge.Parity.Recorder``) writes the same names, so a port's CSV lines up with the PyTorch run's row for row.

Steps: an automatic counter, which moves on after each backward through the watched model (gradients are
recorded at the step of the forward that produced them) or, when no backward comes (inference, or
``grads=False``), when a module's output comes a second time. Calling ``step()`` takes the counter over.
"""

import os

from . import schema

ROOT_NAME = "(root)"
FORWARD, GRAD, RECORD = "forward", "grad", "record"


class Recorder:
    """Collects records and writes them to ``path`` on ``close()`` (or leaving the ``with`` block, also after an
    exception: a run that crashed still shows where it got to)."""

    def __init__(self, path, runtime=None, *, case=None, version=None):
        self.path = os.fspath(path) if path is not None else None
        self.runtime = runtime
        self.version = None if version is None else str(version)
        self.case = case if case is not None else (
            os.path.splitext(os.path.basename(self.path))[0] if self.path else "run")
        self._records = {}  # (checkpoint, step, name) -> rows; dicts keep insertion (= execution) order
        self._step = 0
        self._auto_step = True
        self._handles = []
        self._closed = False

    # ---- values --------------------------------------------------------------------------------------

    @property
    def current_step(self):
        """The step that new records are filed under."""
        return self._step

    def step(self):
        """Moves to the next step and returns it; from the first call on, steps move only here."""
        self._auto_step = False
        self._step += 1
        return self._step

    def record(self, name, value, step=None, *, checkpoint=RECORD):
        """Records a tensor (torch or bridge), numpy array, bool, int or float at ``step`` (default: the
        current step). Recording the same (checkpoint, step, name) twice is an error."""
        step = self._step if step is None else int(step)
        key = (checkpoint, step, str(name))
        if key in self._records:
            raise ValueError(f"{checkpoint}/{name} is already recorded at step {step} (each name once per step; "
                             f"pass step= or call step() between iterations)")
        self._records[key] = self._rows(key, value)

    def _rows(self, key, value):
        checkpoint, step, name = key
        dtype, shape, flat = schema.flatten(value)
        expected = 1
        for d in shape:
            expected *= d
        if len(flat) != expected:
            raise ValueError(f"{checkpoint}/{name}: {len(flat)} values for shape {shape}")
        self._note_runtime(value)
        shape_text = "x".join(str(d) for d in shape)
        return [[self.case, checkpoint, step, name, dtype, shape_text, i, schema.format_value(v, dtype)]
                for i, v in enumerate(flat)]

    def _note_runtime(self, value):
        if self.runtime is not None and self.version is not None:
            return
        top = type(value).__module__.split(".", 1)[0]
        runtime = top if top in ("torch", "bridge") else None
        if self.runtime is None and runtime is not None:
            self.runtime = runtime
        if self.version is None and runtime is not None:
            import sys
            self.version = str(getattr(sys.modules.get(runtime), "__version__", "unknown"))

    # ---- a model -------------------------------------------------------------------------------------

    def watch(self, module, outputs=True, grads=True):
        """Hooks ``module`` (torch.nn.Module or bridge.nn.Module): every named submodule's forward output, and
        after each backward that reaches its parameters, every parameter's ``.grad`` (in backward order: the
        reverse of ``named_parameters``). Hooks are removed on ``close()``."""
        self._note_runtime(module)
        if outputs:
            for name, sub in module.named_modules():
                self._handles.append(sub.register_forward_hook(self._output_hook(name or ROOT_NAME)))
        if grads:
            params = [(n, p) for n, p in module.named_parameters() if getattr(p, "requires_grad", False)]
            self._handles.extend(_after_backward(params, lambda: self._record_grads(params)))
        return self

    def _output_hook(self, name):
        def hook(_module, _args, output):
            key = (FORWARD, self._step, name)
            if key in self._records and self._auto_step:
                self._step += 1  # a second forward with no backward between: the next step
            self._record_output(name, output)
        return hook

    def _record_output(self, name, output):
        if isinstance(output, (tuple, list)):
            items = [(f"{name}.{i}", o) for i, o in enumerate(output)]
        elif isinstance(output, dict):
            items = [(f"{name}.{k}", o) for k, o in output.items()]
        else:
            items = [(name, output)]
        for item_name, value in items:
            if not (hasattr(value, "detach") and hasattr(value, "dtype")):
                continue  # only tensors are compared
            key = (FORWARD, self._step, item_name)
            call = 2
            while key in self._records:  # a module called twice in one step (shared layer)
                key = (FORWARD, self._step, f"{item_name}#{call}")
                call += 1
            self._records[key] = self._rows(key, value)

    def _record_grads(self, params):
        for name, p in reversed(params):
            if p.grad is not None:
                key = (GRAD, self._step, name)
                self._records[key] = self._rows(key, p.grad)  # a second backward in the step: the sum wins
        if self._auto_step:
            self._step += 1

    # ---- output --------------------------------------------------------------------------------------

    def rows(self):
        """The recorded rows in HEADER order (runtime and version appended), as write() saves them."""
        runtime = self.runtime or "unknown"
        version = self.version or "unknown"
        for rows in self._records.values():
            for r in rows:
                yield r + [runtime, version]

    def __len__(self):
        return sum(len(rows) for rows in self._records.values())

    def write(self, path=None):
        """Writes the recording as CSV to ``path`` (the Recorder's own path if None)."""
        path = path or self.path
        if path is None:
            raise ValueError("no path: give Recorder(path) or write(path)")
        schema.write_rows(path, self.rows())

    def close(self):
        """Removes the hooks and writes the file (once)."""
        for h in self._handles:
            h.remove()
        self._handles = []
        if not self._closed and self.path is not None:
            self._closed = True
            self.write()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _after_backward(params, callback):
    """Runs ``callback()`` once after every backward that computes a gradient for one of ``params``. Returns
    handles to remove. torch: a tensor hook per parameter queues the callback on the autograd engine, which
    runs it after all gradients are accumulated (as DDP does). bridge: its post-backward hook."""
    if not params:
        return []
    sample = params[0][1]
    if type(sample).__module__.split(".", 1)[0] == "bridge":
        from .._tensor import _register_post_backward_hook

        def after():
            # bridge's hook runs after every backward: record once the model has gradients at all
            if any(p.grad is not None for _, p in params):
                callback()
        return [_register_post_backward_hook(after)]

    import torch
    state = {"queued": False}

    def run():
        state["queued"] = False
        callback()

    def on_grad(grad):
        if not state["queued"]:
            state["queued"] = True
            torch.autograd.Variable._execution_engine.queue_callback(run)
        return None
    return [p.register_hook(on_grad) for _, p in params]
