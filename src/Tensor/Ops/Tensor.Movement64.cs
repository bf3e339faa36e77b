namespace Bridge;

// The dim-reordering views (transpose, t, permute, squeeze, unsqueeze) in 64-bit sizes and strides: the one
// computation of each, for tensors of any size; the public methods (Tensor.Movement.cs) check their arguments and
// forward here.
public sealed partial class Tensor
{
    Tensor Transpose64(int a, int b)
    {
        var shape = (long[])_shape.Clone();
        var strides = (long[])_strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return MakeView64(shape, strides, StorageOffset, "TransposeBackward0", g => g.Transpose(a, b));
    }

    Tensor T64() => Dim() < 2
        ? MakeView64(_shape, _strides, StorageOffset, "TBackward0", g => g)
        : MakeView64([_shape[1], _shape[0]], [_strides[1], _strides[0]], StorageOffset, "TBackward0", g => g.T());

    Tensor Permute64(int[] order, int[] inverse) =>
        MakeView64(order.Select(d => _shape[d]).ToArray(), order.Select(d => _strides[d]).ToArray(), StorageOffset,
            "PermuteBackward0", g => g.Permute(inverse));

    Tensor Squeeze64()
    {
        var keep = Enumerable.Range(0, Dim()).Where(d => _shape[d] != 1).ToArray();
        var input = Shape64;
        return MakeView64(keep.Select(d => _shape[d]).ToArray(), keep.Select(d => _strides[d]).ToArray(), StorageOffset,
            "SqueezeBackward0", g => g.Reshape(input));
    }

    Tensor SqueezeDim64(int d, string name)
    {
        var input = Shape64;
        if (Dim() == 0 || _shape[d] != 1) return MakeView64(_shape, _strides, StorageOffset, name, g => g);
        return MakeView64(Without64(_shape, d), Without64(_strides, d), StorageOffset, name, g => g.Reshape(input));
    }

    Tensor Unsqueeze64(int d)
    {
        var shape = new long[Dim() + 1];
        var strides = new long[Dim() + 1];
        for (int k = 0, src = 0; k < shape.Length; k++)
        {
            if (k == d) continue;
            shape[k] = _shape[src];
            strides[k] = _strides[src++];
        }
        shape[d] = 1;
        strides[d] = d < Dim() ? _strides[d] * _shape[d] : 1;
        return MakeView64(shape, strides, StorageOffset, "UnsqueezeBackward0", g => g.Squeeze(d));
    }
}
