namespace Bridge.Parity.Cases;

/// <summary>Port of parity/cases/seed004_view_reshape.py. Python's stepped slices (<c>m[::2, ::3]</c>) are
/// written with <see cref="Tensor.Slice"/>, as C# ranges have no step.</summary>
public static class Seed004ViewReshape
{
    public static void Run(Recorder rec)
    {
        var a = Torch.Arange(0.0, 24, dtype: DType.Float32).Reshape(2, 3, 4);
        rec.Record("base", "a", a);
        rec.Record("view", "view_4x6", a.View(4, 6));
        rec.Record("view", "view_m1_8", a.View(-1, 8));
        rec.Record("view", "reshape_6x4", a.Reshape(6, 4));
        rec.Record("view", "flatten", a.Flatten());
        rec.Record("view", "flatten_1", a.Flatten(1));
        rec.Record("view", "transpose_0_2", a.Transpose(0, 2));
        rec.Record("view", "permute_2_0_1", a.Permute(2, 0, 1));
        rec.Record("view", "permute_contiguous_view", a.Permute(2, 0, 1).Contiguous().View(4, 6));
        rec.Record("view", "transpose_reshape", a.Transpose(1, 2).Reshape(2, 12));
        rec.Record("view", "transpose_flatten", a.Transpose(0, 1).Flatten());

        var m = Torch.Arange(0.0, 12, dtype: DType.Float32).View(3, 4);
        rec.Record("matrix", "t", m.T());
        rec.Record("matrix", "t_contiguous_view", m.T().Contiguous().View(2, 6));
        rec.Record("matrix", "slice_cols", m[.., 1..3]);
        rec.Record("matrix", "slice_step", m.Slice(0, null, null, 2).Slice(1, null, null, 3));
        rec.Record("matrix", "t_row", m.T()[1]);
        rec.Record("matrix", "unsqueeze_0", m.Unsqueeze(0));
        rec.Record("matrix", "unsqueeze_m1", m.Unsqueeze(-1));
        rec.Record("matrix", "squeeze", m.Unsqueeze(0).Unsqueeze(2).Squeeze());
        rec.Record("matrix", "squeeze_dim", m.Unsqueeze(1).Squeeze(1));
        rec.Record("matrix", "expand", m[0].Unsqueeze(0).Expand(3, 4));
        rec.Record("matrix", "expand_m1", m[.., 0..1].Expand(-1, 5));
        rec.Record("matrix", "int64_arange_view", Torch.Arange(6).View(2, 3).T());

        // writes through a view reach the base tensor
        var b = Torch.Arange(0.0, 12, dtype: DType.Float32);
        var v = b.View(3, 4);
        v.Set(100.0, 1, 2);
        v[0] += 0.5;
        rec.Record("sharing", "base_after_view_write", b);
        var tv = v.T();
        tv.Set(-1.0, 3, 2); // element (2, 3) of v
        rec.Record("sharing", "base_after_t_write", b);
        rec.Record("sharing", "transpose_of_modified", tv);
        // reshape of a non-contiguous tensor copies: writing the copy leaves b alone
        var r = tv.Reshape(12);
        r.Set(555.0, 0);
        rec.Record("sharing", "reshape_copy", r);
        rec.Record("sharing", "base_after_copy_write", b);
        // contiguous() of a transpose is a copy as well
        var c = tv.Contiguous();
        c.Mul_(2);
        rec.Record("sharing", "contiguous_copy", c);
        rec.Record("sharing", "base_after_contiguous_write", b);
        // in-place on a slice view
        var b2 = Torch.Arange(0.0, 10, dtype: DType.Float32);
        b2[2..6].Fill_(7.0);
        b2.Slice(0, null, null, 3).Mul_(-1);
        rec.Record("sharing", "slice_inplace", b2);

        // resize_ keeps the leading elements of the storage in row-major order
        var s = Torch.Arange(0.0, 6, dtype: DType.Float32);
        s.Resize_(2, 3);
        rec.Record("resize", "resize_2x3", s);
        s.Resize_(3, 2);
        rec.Record("resize", "resize_3x2", s);
        s.Resize_(2, 2);
        rec.Record("resize", "resize_2x2_shrink", s);
    }
}
