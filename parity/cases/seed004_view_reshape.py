"""Shape manipulation on fixed tensors (arange): view, reshape, resize_, t,
transpose, permute, flatten, contiguous, squeeze/unsqueeze/expand, and the
storage-sharing behaviour that follows from strides: writing through a view
changes the base, writing into a reshape of a non-contiguous tensor (a copy)
does not; element order after transpose/permute + contiguous/reshape."""
import torch


def run(rec):
    a = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    rec.record("base", "a", a)
    rec.record("view", "view_4x6", a.view(4, 6))
    rec.record("view", "view_m1_8", a.view(-1, 8))
    rec.record("view", "reshape_6x4", a.reshape(6, 4))
    rec.record("view", "flatten", a.flatten())
    rec.record("view", "flatten_1", a.flatten(1))
    rec.record("view", "transpose_0_2", a.transpose(0, 2))
    rec.record("view", "permute_2_0_1", a.permute(2, 0, 1))
    rec.record("view", "permute_contiguous_view",
               a.permute(2, 0, 1).contiguous().view(4, 6))
    rec.record("view", "transpose_reshape", a.transpose(1, 2).reshape(2, 12))
    rec.record("view", "transpose_flatten", a.transpose(0, 1).flatten())

    m = torch.arange(12, dtype=torch.float32).view(3, 4)
    rec.record("matrix", "t", m.t())
    rec.record("matrix", "t_contiguous_view", m.t().contiguous().view(2, 6))
    rec.record("matrix", "slice_cols", m[:, 1:3])
    rec.record("matrix", "slice_step", m[::2, ::3])
    rec.record("matrix", "t_row", m.t()[1])
    rec.record("matrix", "unsqueeze_0", m.unsqueeze(0))
    rec.record("matrix", "unsqueeze_m1", m.unsqueeze(-1))
    rec.record("matrix", "squeeze", m.unsqueeze(0).unsqueeze(2).squeeze())
    rec.record("matrix", "squeeze_dim", m.unsqueeze(1).squeeze(1))
    rec.record("matrix", "expand", m[0].unsqueeze(0).expand(3, 4))
    rec.record("matrix", "expand_m1", m[:, 0:1].expand(-1, 5))
    rec.record("matrix", "int64_arange_view",
               torch.arange(6).view(2, 3).t())

    # writes through a view reach the base tensor
    b = torch.arange(12, dtype=torch.float32)
    v = b.view(3, 4)
    v[1, 2] = 100.0
    v[0] += 0.5
    rec.record("sharing", "base_after_view_write", b)
    tv = v.t()
    tv[3, 2] = -1.0  # element (2, 3) of v
    rec.record("sharing", "base_after_t_write", b)
    rec.record("sharing", "transpose_of_modified", tv)
    # reshape of a non-contiguous tensor copies: writing the copy leaves b alone
    r = tv.reshape(12)
    r[0] = 555.0
    rec.record("sharing", "reshape_copy", r)
    rec.record("sharing", "base_after_copy_write", b)
    # contiguous() of a transpose is a copy as well
    c = tv.contiguous()
    c.mul_(2)
    rec.record("sharing", "contiguous_copy", c)
    rec.record("sharing", "base_after_contiguous_write", b)
    # in-place on a slice view
    b2 = torch.arange(10, dtype=torch.float32)
    b2[2:6].fill_(7.0)
    b2[::3].mul_(-1)
    rec.record("sharing", "slice_inplace", b2)

    # resize_ keeps the leading elements of the storage in row-major order
    s = torch.arange(6, dtype=torch.float32)
    s.resize_(2, 3)
    rec.record("resize", "resize_2x3", s)
    s.resize_(3, 2)
    rec.record("resize", "resize_3x2", s)
    s.resize_(2, 2)
    rec.record("resize", "resize_2x2_shrink", s)
