"""Training resumed across runtimes from a torch .pt checkpoint ends on the numbers of an uninterrupted run.

A model trained with AdamW + OneCycleLR from a shuffled DataLoader is saved mid-training by one runtime (model,
optimizer, scheduler and the loader's generator state in one torch-format file) and resumed by the other: torch to
bridge and bridge to torch, each compared with torch's uninterrupted run.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import bridge  # noqa: E402

EPOCHS, BATCH = 4, 8


def _data(lib):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5)).astype(np.float32)
    y = rng.integers(0, 3, 40)
    return lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))


def _setup(lib):
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(5, 16), lib.nn.ReLU(), lib.nn.Linear(16, 3))
    opt = lib.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.05)
    sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=EPOCHS * (40 // BATCH))
    gen = lib.Generator().manual_seed(1234)
    loader = lib.utils.data.DataLoader(_data(lib), batch_size=BATCH, shuffle=True, generator=gen)
    return model, opt, sched, gen, loader


def _epochs(lib, model, opt, sched, loader, count):
    for _ in range(count):
        for xb, yb in loader:
            loss = lib.nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()


def _save(lib, path, model, opt, sched, gen):
    lib.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
              "generator": gen.get_state(), "epoch": EPOCHS // 2}, path)


def _resume(lib, path):
    model, opt, sched, gen, loader = _setup(lib)
    checkpoint = lib.load(path)
    model.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optimizer"])
    sched.load_state_dict(checkpoint["scheduler"])
    state = checkpoint["generator"]
    if lib is torch and state.dtype != torch.uint8:
        state = state.to(torch.uint8)  # bridge has no uint8 yet: it keeps the generator's bytes in an int64 tensor
    gen.set_state(state)
    assert checkpoint["epoch"] == EPOCHS // 2
    _epochs(lib, model, opt, sched, loader, EPOCHS - EPOCHS // 2)
    return [p.detach().numpy().copy() for p in model.parameters()]


def _uninterrupted_torch():
    model, opt, sched, _, loader = _setup(torch)
    _epochs(torch, model, opt, sched, loader, EPOCHS)
    return [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("first, second", [(torch, bridge), (bridge, torch), (bridge, bridge)],
                         ids=["torch_to_bridge", "bridge_to_torch", "bridge_to_bridge"])
def test_resume_across_runtimes_matches_an_uninterrupted_run(tmp_path, first, second):
    model, opt, sched, gen, loader = _setup(first)
    _epochs(first, model, opt, sched, loader, EPOCHS // 2)
    path = str(tmp_path / "checkpoint.pt")
    _save(first, path, model, opt, sched, gen)
    resumed = _resume(second, path)
    for got, want in zip(resumed, _uninterrupted_torch()):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
