"""Loss modules (torch.nn.modules.loss): options held as attributes, weights as buffers, numerics in the engine."""

from . import functional as F
from ._functional_nn import _legacy_reduction
from .module import Module

__all__ = ["L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "KLDivLoss", "NLLLoss", "CrossEntropyLoss", "BCELoss",
           "BCEWithLogitsLoss", "CosineEmbeddingLoss", "MarginRankingLoss"]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean absolute error |input - target|.

    Shape: input and target of the same shape (any).

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error (input - target)².

    Shape: input and target of the same shape (any).

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error (less beta/2) above: 0.5 d² / beta if |d| < beta else |d| - 0.5
    beta.

    Shape: input and target of the same shape (any).

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, linear above: 0.5 d² if |d| < delta else delta (|d| - 0.5 delta).

    Shape: input and target of the same shape (any). ``reduction`` as in MSELoss.
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence ``target * (log(target) - input)``; ``input`` holds log-probabilities (and so does
    ``target`` with ``log_target=True``).

    ``reduction="batchmean"`` divides the sum by the batch size (the mathematically correct KL); ``reduction``:
    ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of the ``target`` classes under log-probabilities ``input`` (after log_softmax).

    Shape: input [N, C] or [N, C, d1, ...] (or [C]); target [N] or [N, d1, ...] of class indices (int64).
    ``weight`` [C] rescales each class; targets equal to ``ignore_index`` contribute nothing (and are left out of the
    mean). ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """log_softmax of ``input`` (unnormalised logits) followed by NLLLoss.

    Shape: input [N, C] or [N, C, d1, ...] (or [C]); target [N] or [N, d1, ...] of class indices (int64), or class
    probabilities of input's shape. ``weight`` [C] rescales each class; ``ignore_index`` targets contribute nothing;
    ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution. ``reduction``: ``"mean"`` (default),
    ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross entropy -(t log(x) + (1 - t) log(1 - x)) between probabilities ``input`` (in [0, 1]) and ``target``.

    Shape: input and target of the same shape; ``weight`` broadcasts to it; log terms are clamped at -100, as torch's.

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid followed by binary cross entropy, computed stably from logits ``input``.

    Shape: input and target of the same shape; ``weight`` broadcasts to it; ``pos_weight`` (one per class, last dim)
    weights the positive term.

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.

    Shape: input1, input2 [N, D] (or [D]); target [N] (or []) of 1 and -1.

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -target * (input1 - input2) + margin): target 1 wants input1 ranked higher, -1 input2.

    Shape: input1, input2 and target of the same shape [N] (or []).

    ``reduction``: ``"mean"`` (default), ``"sum"`` or ``"none"`` (one loss per element); ``size_average`` and
    ``reduce`` are torch's deprecated spellings of it.
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
