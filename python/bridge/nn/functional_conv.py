"""torch.nn.functional's convolutions and pad, over the engine's packed-GEMM kernels."""

from .._core import call


def _tuple(value, n, name):
    if isinstance(value, int):
        return [int(value)] * n
    value = [int(v) for v in value]
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={value}")
    return value


def _conv(op, n, input, weight, bias, stride, padding, dilation, groups):
    if isinstance(padding, str):
        return call(op + "_padding_str", input, weight, bias, _tuple(stride, n, "stride"), padding,
                    _tuple(dilation, n, "dilation"), int(groups))
    return call(op, input, weight, bias, _tuple(stride, n, "stride"), _tuple(padding, n, "padding"),
                _tuple(dilation, n, "dilation"), int(groups))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of [N, C, H, W] (or [C, H, W]) with weight [OC, C/groups, KH, KW]; padding may be "same"/"valid"."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of [N, C, L] (or [C, L]) with weight [OC, C/groups, K]; padding may be "same"/"valid"."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution (the gradient of conv2d for its input), weight [C_in, C_out/groups, KH, KW]."""
    return call("conv_transpose2d", input, weight, bias, _tuple(stride, 2, "stride"), _tuple(padding, 2, "padding"),
                _tuple(output_padding, 2, "output_padding"), int(groups), _tuple(dilation, 2, "dilation"))


def pad(input, pad, mode="constant", value=None):
    """Pads the last len(pad)//2 dims, (left, right) pairs from the last dim backwards: constant, reflect,
    replicate or circular."""
    if mode != "constant" and value is not None:
        raise AssertionError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return call("pad", input, [int(p) for p in pad], mode, float(0.0 if value is None else value))


__all__ = ["conv1d", "conv2d", "conv_transpose2d", "pad"]
