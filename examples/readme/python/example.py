import numpy as np
import bridge as torch                       # every parity case runs unchanged under this import

torch.manual_seed(7)                         # same draws as PyTorch 1.13
net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
x = torch.from_numpy(np.random.rand(8, 3).astype(np.float32))   # no copy: x and the array share memory
loss = torch.nn.functional.mse_loss(net(x), torch.zeros(8, 1))
opt.zero_grad(); loss.backward(); opt.step()
print(net[0].weight.grad)                    # printed as torch prints it

a = net[0].weight.detach().numpy()           # a NumPy view of the engine's memory (keeps it alive)
t = torch.from_dlpack(np.arange(3.0))        # DLPack both ways: real_torch.from_dlpack(t), np.from_dlpack(t)
torch.save(net.state_dict(), "net.npz")      # .npy / .npz / .safetensors, by extension
net.load_state_dict(torch.load("net.npz"))
s = torch.shared("readme_frames", (1024, 1024), torch.float32, overwrite=True)  # /dev/shm/readme_frames:
s.fill_(1.0)                                 # another process: torch.shared("readme_frames") or
print(s.sum())                               # np.load("/dev/shm/readme_frames", mmap_mode="r+")
torch.unlink_shared("readme_frames")
