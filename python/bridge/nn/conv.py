"""nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d: torch's modules over the engine's kernels and initial draws."""

from .._core import call
from .modules import Module
from .parameter import Parameter
from . import functional_conv as Fc


def _ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _ConvNd(Module):
    _kind = None
    _dims = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None, output_padding=0):
        super().__init__()
        n = self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in _ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _ntuple(padding, n)
        self.dilation = _ntuple(dilation, n)
        self.transposed = self._transposed
        self.output_padding = _ntuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * n
            if padding == "same":
                for d, k, i in zip(self.dilation, self.kernel_size, range(n - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i] = left
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - left
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding) for _ in range(2)]
        from .._functions import get_default_dtype
        weight, b = call("conv_init", self._kind, int(in_channels), int(out_channels), list(self.kernel_size), int(groups),
                         bool(bias), dtype or get_default_dtype())
        self.weight = Parameter._adopt(weight)
        if b is None:
            self.register_parameter("bias", None)
        else:
            self.bias = Parameter._adopt(b)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**{k: getattr(self, k) for k in ("in_channels", "out_channels", "kernel_size", "stride",
                                                          "padding", "dilation", "output_padding", "groups",
                                                          "padding_mode")})

    def _conv_forward(self, input, weight, bias):
        fn = Fc.conv2d if self._dims == 2 else Fc.conv1d
        if self.padding_mode != "zeros":
            return fn(Fc.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode), weight, bias,
                      self.stride, 0, self.dilation, self.groups)
        return fn(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        """Convolves ``input`` with the weight and adds the bias (see the class for the shapes)."""
        return self._conv_forward(input, self.weight, self.bias)


class Conv2d(_ConvNd):
    """Applies a 2-D convolution over [N, C, H, W] (or [C, H, W]) input.

    Shapes: input [N, in_channels, H, W]; weight [out_channels, in_channels / groups, kH, kW]; bias [out_channels];
    output [N, out_channels, H_out, W_out] with H_out = (H + 2 padding - dilation (kH - 1) - 1) // stride + 1.
    ``padding`` may be an int, a pair, "same" or "valid"; ``padding_mode`` "zeros", "reflect", "replicate" or
    "circular".
    """
    _kind, _dims = "conv2d", 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        # torch's parameters (help() and IDEs show these; the shared base also takes ConvTranspose2d's output_padding)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)


class Conv1d(_ConvNd):
    """Applies a 1-D convolution over [N, C, L] (or [C, L]) input.

    Shapes: input [N, in_channels, L]; weight [out_channels, in_channels / groups, k]; bias [out_channels]; output
    [N, out_channels, L_out] with L_out = (L + 2 padding - dilation (k - 1) - 1) // stride + 1.
    """
    _kind, _dims = "conv1d", 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        # torch's parameters (help() and IDEs show these; the shared base also takes ConvTranspose2d's output_padding)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)


class ConvTranspose2d(_ConvNd):
    """Applies a transposed 2-D convolution (fractionally-strided convolution) over [N, C, H, W] input."""
    _kind, _dims, _transposed = "conv_transpose2d", 2, True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype, output_padding)

    def forward(self, input, output_size=None):
        """Transposed convolution of ``input`` [N, C_in, H, W]; ``output_size`` picks the output_padding that reaches
        that size."""
        output_padding = self.output_padding
        if output_size is not None:
            output_padding = self._output_padding(input, output_size)
        return Fc.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                   self.groups, self.dilation)

    def _output_padding(self, input, output_size):
        output_size = list(output_size)[-2:]
        result = []
        for d in range(2):
            size = input.shape[input.dim() - 2 + d]
            least = (size - 1) * self.stride[d] - 2 * self.padding[d] + self.dilation[d] * (self.kernel_size[d] - 1) + 1
            extra = output_size[d] - least
            if extra < 0 or extra >= max(self.stride[d], self.dilation[d]):
                raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {least} to "
                                 f"{least + max(self.stride[d], self.dilation[d]) - 1} (for an input of "
                                 f"{list(input.shape)[-2:]})")
            result.append(extra)
        return result


__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]
