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
