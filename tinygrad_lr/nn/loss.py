"""Loss modules: each stores its options and calls the matching function of `nn.functional`.

A bad `reduction` is accepted here and rejected when the loss is called, as in torch.
"""

from __future__ import annotations

from typing import Any

from tinygrad_lr.nn import functional as F
from tinygrad_lr.nn.loss_functions import legacy_reduction
from tinygrad_lr.nn.module import Module
from tinygrad_lr.value import Value


class _Loss(Module):
    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(
        self, weight: Value | None = None, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight: Value | None


class MSELoss(_Loss):
    """Mean squared error: mean((input - target)^2). Warns when target's shape differs from input's."""

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002 - torch's name
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: mean(|input - target|)."""

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """0.5 d^2 for |d| < delta, delta (|d| - 0.5 delta) beyond (d = input - target)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """0.5 d^2 / beta for |d| < beta, |d| - 0.5 beta beyond; equals HuberLoss(delta=beta) / beta."""

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean", beta: float = 1.0
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities: -w [t log p + (1 - t) log(1 - p)], logs clamped at -100."""

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy of logits, computed stably (sigmoid and log in one); `pos_weight` weighs positives."""

    def __init__(
        self,
        weight: Value | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Value | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight: Value | None
        self.pos_weight: Value | None

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices y for log-probabilities x (e.g. after LogSoftmax): -w[y] x[y];
    'mean' divides the sum by the total weight sum w[y] of the targets that are not `ignore_index`."""

    def __init__(
        self,
        weight: Value | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of logits (N, C) against class indices (N,) or class probabilities (N, C):
    -log_softmax(input)[target] (or -sum_c t_c log_softmax(input)_c), with optional class `weight`,
    `ignore_index` and `label_smoothing` (see `functional.cross_entropy`)."""

    def __init__(
        self,
        weight: Value | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Value, target: Value) -> Value:  # noqa: A002
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )
