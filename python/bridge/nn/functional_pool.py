"""torch.nn.functional's pooling, normalisation and channel dropout over the engine's kernels."""

from .._core import call


def _pair(value):
    if isinstance(value, int):
        return [int(value)]
    return [int(v) for v in value]


def _single(value):
    if isinstance(value, int):
        return int(value)
    value = list(value)
    if len(value) != 1:
        raise RuntimeError(f"max_pool1d() expected a single integer value, got {value}")
    return int(value[0])


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over kH x kW windows of [N, C, H, W] (or [C, H, W]); with return_indices, also each maximum's flat
    position h * W + w in its plane."""
    output, indices = call("max_pool2d_with_indices", input, _pair(kernel_size), [] if stride is None else _pair(stride),
                           _pair(padding), _pair(dilation), bool(ceil_mode))
    return (output, indices) if return_indices else output


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over windows of [N, C, L] (or [C, L]); with return_indices, also each maximum's position."""
    k = _single(kernel_size)
    output, indices = call("max_pool1d_with_indices", input, k, k if stride is None else _single(stride),
                           _single(padding), _single(dilation), bool(ceil_mode))
    return (output, indices) if return_indices else output


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kH x kW windows; count_include_pad counts the zero padding in the divisor."""
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return call("avg_pool2d", input, _pair(kernel_size), [] if stride is None else _pair(stride), _pair(padding),
                bool(ceil_mode), bool(count_include_pad), None if divisor_override is None else int(divisor_override))


def adaptive_avg_pool2d(input, output_size):
    """Averages adaptive windows down to output_size (an int, or (h, w) where None keeps the input's size)."""
    if isinstance(output_size, int):
        sizes = [output_size, output_size]
    else:
        sizes = [-1 if s is None else int(s) for s in output_size]
        if len(sizes) != 2:
            raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    return call("adaptive_avg_pool2d", input, sizes)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05):
    """Normalises each channel of [N, C, *] by batch statistics (training, updating the running ones) or by
    running_mean/running_var (eval), then scales by weight and shifts by bias."""
    return call("batch_norm", input, running_mean, running_var, weight, bias, bool(training),
                float(momentum if momentum is not None else 0.0), float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalises each sample over groups of channels, then applies the per-channel affine."""
    return call("group_norm", input, int(num_groups), weight, bias, float(eps))


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels with probability p (one draw per [n, c]) and scales the rest by 1/(1-p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return call("dropout2d", input, float(p), bool(training))


__all__ = ["max_pool1d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm", "group_norm", "dropout2d"]


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extracts sliding windows: [N, C, H, W] -> [N, C*kH*kW, L] (im2col)."""
    return call("unfold", input, _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums sliding windows back: [N, C*kH*kW, L] -> [N, C, H, W] (col2im)."""
    return call("fold", input, _pair(output_size), _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride))


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Resizes [N, C, L] or [N, C, H, W] to ``size`` or by ``scale_factor``: "nearest", "linear" or "bilinear"."""
    from .._core import FloatList
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by bridge")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    sizes = None if size is None else ([int(size)] if isinstance(size, int) else [int(s) for s in size])
    scales = None
    if scale_factor is not None:
        scales = [float(scale_factor)] if isinstance(scale_factor, (int, float)) else [float(s) for s in scale_factor]
        if recompute_scale_factor:
            # torch: the output size from the scale, then the scale from the sizes
            dims = input.dim() - 2
            full = scales * dims if len(scales) == 1 else scales
            sizes = [int(input.shape[2 + d] * full[d]) for d in range(dims)]
            scales = None
    return call("interpolate", input, sizes, None if scales is None else FloatList(scales), mode, align_corners)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


__all__ += ["unfold", "fold", "interpolate", "upsample"]
