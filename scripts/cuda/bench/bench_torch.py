"""PyTorch side of gpu-check.sh: the same cases as Program.cs, printed as "op,size,ms" (median, synchronised)."""
import sys
import time

import torch


def main() -> int:
    device = torch.device(sys.argv[1] if len(sys.argv) > 1 else "cuda:0")
    if device.type == "cuda" and not torch.cuda.is_available():
        print("torch: CUDA unavailable", file=sys.stderr)
        return 2
    print(f"torch {torch.__version__} on {device}: {torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'}", file=sys.stderr)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def bench(op, size, run, reps=20):
        for _ in range(3):
            run()
        sync()
        samples = []
        for _ in range(reps):
            start = time.perf_counter()
            run()
            sync()
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        print(f"{op},{size},{samples[reps // 2]:.4f}")

    torch.manual_seed(0)
    for n in (256, 1024, 2048, 4096):
        a = torch.randn(n, n, device=device)
        b = torch.randn(n, n, device=device)
        bench("matmul_f32", f"{n}x{n}", lambda: a @ b, 5 if n >= 4096 else 20)
    for n in (1 << 20, 1 << 24):
        x = torch.randn(n, device=device)
        y = torch.randn(n, device=device)
        bench("add_f32", str(n), lambda: x + y)
        bench("mul_scalar_f32", str(n), lambda: x * 1.5)
        bench("exp_f32", str(n), lambda: x.exp())
        bench("relu_f32", str(n), lambda: x.relu())
        bench("sum_f32", str(n), lambda: x.sum())
        bench("transpose_copy_f32", str(n), lambda: x.view(1024, -1).t().contiguous())
    return 0


if __name__ == "__main__":
    sys.exit(main())
