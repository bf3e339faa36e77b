"""Seed 004's NumPy round trip with fixed values: torch.from_numpy shares the
array's memory (float64), so an in-place mul_(2) on the tensor shows in the
array; .numpy() of a tensor shares too, so an in-place change of the array
shows in the tensor."""
import numpy as np
import torch

# the seed prints these eight-decimal values for its 4x3 array
A_VALUES = [[0.97449152, 0.68652824, 0.51496251],
            [0.46857383, 0.2098441, 0.58842778],
            [0.76876154, 0.35381711, 0.12912342],
            [0.69358891, 0.89462071, 0.86406838]]


def run(rec):
    a = np.array(A_VALUES, dtype=np.float64)
    b = torch.from_numpy(a)
    rec.record("from_numpy", "array", a)
    rec.record("from_numpy", "tensor", b)

    b.mul_(2)
    rec.record("after_mul", "tensor", b)
    rec.record("after_mul", "array", a)

    # the other direction: tensor -> .numpy() -> modify the array in place
    t = torch.tensor([[1.5, -2.0, 0.25], [3.0, 4.5, -0.125]])
    n = t.numpy()
    rec.record("to_numpy", "array", n)
    n[0, 1] = 10.0
    n *= 3
    rec.record("to_numpy", "tensor_after_array_write", t)
    rec.record("to_numpy", "array_after_write", n)

    # float32 array -> from_numpy keeps float32; tensor ops then show in the array
    f = np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32)
    ft = torch.from_numpy(f)
    ft.add_(1)
    ft[3] = -1.0
    rec.record("float32", "tensor", ft)
    rec.record("float32", "array", f)
