"""torch.nn.functional's activations, losses and distances with torch's signatures and Python-level checks; each
calls the engine's one implementation (Bridge.Nn.Functional)."""

import warnings

from .._core import call
from .._grad_mode import is_grad_enabled
from .._tensor import Tensor

__all__ = ["hardswish", "hardsigmoid", "silu", "leaky_relu", "elu", "softplus", "hardtanh", "relu6", "logsigmoid", "mish", "softsign",
           "tanhshrink", "prelu", "nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "kl_div",
           "cosine_embedding_loss", "margin_ranking_loss", "one_hot", "normalize", "cosine_similarity",
           "pairwise_distance"]


def _inplace(input, out, inplace):
    """inplace=True writes the result into ``input`` when no gradient flows through it (torch's in-place form);
    with autograd recording, the result is returned as a new tensor instead."""
    if inplace and not (is_grad_enabled() and input.requires_grad):
        input.copy_(out)
        return input
    return out


# ---- activations ------------------------------------------------------------------------------------

def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return _inplace(input, call("silu", input), inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x."""
    return _inplace(input, call("leaky_relu", input, float(negative_slope)), inplace)


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    return _inplace(input, call("elu", input, float(alpha)), inplace)


def softplus(input, beta=1, threshold=20):
    """log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold."""
    return call("softplus", input, float(beta), float(threshold))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val); the gradient is zero at and outside the bounds."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _inplace(input, call("hardtanh", input, float(min_val), float(max_val)), inplace)


def hardswish(input, inplace=False):
    """x * min(max(x + 3, 0), 6) / 6 (torch 1.13's CPU kernels, bit for bit)."""
    return _inplace(input, call("hardswish", input), inplace)


def hardsigmoid(input, inplace=False):
    """min(max(x + 3, 0), 6) / 6 (torch 1.13's CPU kernels, bit for bit)."""
    return _inplace(input, call("hardsigmoid", input), inplace)


def relu6(input, inplace=False):
    """min(max(x, 0), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def logsigmoid(input):
    """log(sigmoid(x)), computed stably."""
    return call("log_sigmoid", input)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    return _inplace(input, call("mish", input), inplace)


def softsign(input):
    """x / (1 + |x|)."""
    return call("softsign", input)


def tanhshrink(input):
    """x - tanh(x)."""
    return call("tanhshrink", input)


def prelu(input, weight):
    """x if x > 0 else weight * x, with one weight or one per channel (dim 1)."""
    return call("prelu", input, weight)


# ---- losses -----------------------------------------------------------------------------------------

def _legacy_reduction(size_average, reduce, reduction):
    """torch's _Reduction.legacy_get_string: the deprecated size_average/reduce pair as a reduction string."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.")
    return result


def _check_reduction(reduction):
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.")
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduction(size_average, reduce, reduction):
    return _check_reduction(_legacy_reduction(size_average, reduce, reduction))


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-weight[t] * input[n, t] for each target t other than ignore_index; mean divides by the summed weights."""
    return call("nll_loss_nd", input, target, weight, int(ignore_index), _reduction(size_average, reduce, reduction))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy of logits against class indices (with ignore_index, weight, label_smoothing) or against class
    probabilities (a float target shaped like the input)."""
    return call("cross_entropy_loss", input, target, weight, int(ignore_index),
                _reduction(size_average, reduce, reduction), float(label_smoothing))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-weight * (t * log(x) + (1 - t) * log(1 - x)), the logs clamped at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if weight is not None:
        weight = weight.expand(*_broadcast_shape(target.shape, weight.shape))
    return call("binary_cross_entropy", input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """BCE of sigmoid(input), computed stably from the logits; pos_weight weighs the positive class."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    return call("binary_cross_entropy_with_logits", input, target, weight, reduction, pos_weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """|input - target|."""
    _warn_size(input, target)
    return call("l1_loss", input, target, _reduction(size_average, reduce, reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error (input - target)², reduced per ``reduction`` ("mean", "sum" or "none").

    ``input`` and ``target`` broadcast (torch warns when their shapes differ; so does Bridge).
    """
    _warn_size(input, target)
    return call("mse_loss", input, target, _reduction(size_average, reduce, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta."""
    _warn_size(input, target)
    return call("smooth_l1_loss", input, target, _reduction(size_average, reduce, reduction), float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta)."""
    _warn_size(input, target)
    return call("huber_loss", input, target, _check_reduction(reduction), float(delta))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence of log-probabilities ``input`` from ``target``; reduction="batchmean" is the true KL."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    if reduction != "batchmean":
        reduction = _check_reduction(reduction)
    return call("kl_div", input, target, reduction, bool(log_target))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1."""
    return call("cosine_embedding_loss", input1, input2, target, float(margin),
                _reduction(size_average, reduce, reduction))


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return call("margin_ranking_loss", input1, input2, target, float(margin), reduction)


# ---- distances and encodings ------------------------------------------------------------------------

def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*, num_classes) with a 1 at each index's class."""
    return call("one_hot", tensor, int(num_classes))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p, eps) along ``dim``."""
    result = call("normalize", input, float(p), int(dim), float(eps))
    if out is not None:
        return out.copy_(result)
    return result


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / sqrt(max(sum(x1^2) * sum(x2^2), eps^2)) along ``dim``."""
    return call("cosine_similarity", x1, x2, int(dim), float(eps))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    return call("pairwise_distance", x1, x2, float(p), float(eps), bool(keepdim))


def _broadcast_shape(a, b):
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {len(out)}")
        out.append(max(x, y))
    return out


del Tensor
