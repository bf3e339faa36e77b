"""Device memory from Python on the host emulator: a tensor's memory goes back to the caching allocator at refcount
zero, as in torch, and a training loop that drops its temporaries holds only what is live.

Runs in a subprocess because the driver is chosen when the engine first touches CUDA."""

import subprocess
import sys

import pytest

import cuda_driver


SCRIPT = r"""
import gc
import bridge
from bridge import nn, optim
cuda = bridge.cuda
assert cuda.is_available(), cuda.status()
gc.disable()  # every release below must come from reference counting alone
MiB = 1 << 20

base = cuda.memory_allocated()
x = bridge.zeros(16 * MiB, device="cuda")          # 64 MiB of float32
assert cuda.memory_allocated() == base + 64 * MiB, cuda.memory_allocated()
view = x[1:]
del x
assert cuda.memory_allocated() == base + 64 * MiB, "a view keeps the storage"
del view
assert cuda.memory_allocated() == base, ("del frees at once", cuda.memory_allocated(), base)
assert cuda.memory_reserved() >= 64 * MiB and cuda.max_memory_allocated() >= base + 64 * MiB
cuda.empty_cache()
assert cuda.memory_reserved() < 64 * MiB, cuda.memory_reserved()
cuda.reset_peak_memory_stats()
assert cuda.max_memory_allocated() == cuda.memory_allocated()

model = nn.Sequential(nn.Linear(64, 128), nn.Tanh(), nn.Linear(128, 8)).to("cuda")
opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
data = bridge.randn(32, 64, device="cuda")
target = bridge.randn(32, 8, device="cuda")
levels = []
for step in range(20):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(data), target)
    loss.backward()
    opt.step()
    del loss
    levels.append(cuda.memory_allocated())
params = sum(p.numel() * 4 for p in model.parameters())
live = levels[1]
assert all(level == live for level in levels[1:]), levels
# parameters, their grads, momentum buffers and the two inputs, each block rounded up to 512 bytes
assert live - base <= 3 * params + 2 * 32 * 64 * 4 + 64 * 1024, (live - base, params)
stats = cuda.memory_stats()
assert stats["oom_collections"] == 0 and stats["cache_hits"] > 0, stats
assert cuda.current_device() == 0 and cuda.device_count() >= 1 and cuda.get_device_name()
cuda.set_device("cuda:0")
cuda.synchronize()
y = bridge.ones(8, device="cuda")
for stream in (None, -1, 1, 2, 12345):   # DLPack: same queue, opt-out, per-thread default, a stream handle
    assert bridge.from_dlpack(y.__dlpack__(stream=stream)).sum().item() == 8
try:
    y.__dlpack__(stream=0)
    raise AssertionError("stream 0 is ambiguous in DLPack and must be refused")
except ValueError:
    pass
print("levels", levels[0], live, "stats", stats)
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
@pytest.mark.parametrize("sync", ["0", "1"], ids=["async", "BRIDGE_CUDA_SYNC=1"])
def test_device_memory_is_released_at_refcount_zero_on_the_emulator(sync):
    env = cuda_driver.driver_env(BRIDGE_CUDA_SYNC=sync)
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
