"""Losses on margins and embeddings: `margin_ranking_loss`, `hinge_embedding_loss`, `soft_margin_loss`,
`cosine_embedding_loss`, `multilabel_soft_margin_loss`, `triplet_margin_loss` (re-exported by `nn.functional`),
composed from Value ops with torch's formulas, reductions and error texts."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.arguments import check_broadcast
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.autograd.grad_mode import is_grad_enabled
from tinygrad_lr.nn.distance import pairwise_distance
from tinygrad_lr.nn.loss_functions import _reduce, _require_values, _resolve_reduction
from tinygrad_lr.ops import dual, elementwise
from tinygrad_lr.ops.nn_activation import logsigmoid
from tinygrad_lr.value import Value, require_value

EPSILON = 1e-12  # cosine_embedding_loss: added to the squared norms


def _size(x: Value) -> str:
    return "torch.Size([" + ", ".join(str(n) for n in x._data.shape) + "])"


def _dims(x: Value) -> str:
    return "[" + ", ".join(str(n) for n in x._data.shape) + "]"


def _zeros(x: Value) -> Value:
    return Value._make_const(np.zeros_like(x._data))


def margin_ranking_loss(
    input1: Value, input2: Value, target: Value, margin: float = 0, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean",
) -> Value:
    """max(0, -target (input1 - input2) + margin): input1 should rank above input2 where target = 1."""
    reduction = _resolve_reduction(reduction, size_average, reduce)
    for position, (name, x) in enumerate((("input1", input1), ("input2", input2), ("target", target)), 1):
        require_value(x, "margin_ranking_loss", name, position)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {_size(input1)}, input2: {_size(input2)}, target: {_size(target)} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(
    input: Value, target: Value, margin: float = 1.0, size_average: Any = None, reduce: Any = None,  # noqa: A002
    reduction: str = "mean",
) -> Value:
    """input where target = 1, max(0, margin - input) where target = -1 (input: a distance)."""
    reduction = _resolve_reduction(reduction, size_average, reduce)
    _require_values("hinge_embedding_loss", input, target)
    margin_clamp = (margin - input).clamp(min=0)
    zeros = _zeros(input)
    output_margin = elementwise.where((target != 1)._data, margin_clamp, zeros)
    output_self = elementwise.where((target != -1)._data, input, zeros)
    return _reduce(output_margin + output_self, reduction)


class SoftMarginLoss(Function):
    """log(1 + e^(-y x)) elementwise, then the reduction;  dx = -y e^(-y x) / (1 + e^(-y x)) g (/ N for 'mean').
    Not differentiable in y (torch's kernel is not either)."""

    torch_name = "SoftMarginLossBackward0"

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, reduction: str) -> Any:
        ctx.save_for_backward(x, y)
        ctx.reduction = reduction
        loss = np.log1p(np.exp(-y * x))
        if reduction == "mean":
            return np.asarray(loss.mean(), dtype=loss.dtype)
        return np.asarray(loss.sum(), dtype=loss.dtype) if reduction == "sum" else loss

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        z = dual.exp(-y * x)
        slope = -y * z / (z + 1)
        if ctx.reduction == "mean":
            slope = slope / (x._data if dual.is_value(x) else x).size
        return g * slope, None, None


def soft_margin_loss(
    input: Value, target: Value, size_average: Any = None, reduce: Any = None, reduction: str = "mean",  # noqa: A002
) -> Value:
    """log(1 + exp(-target input)), the two-class logistic loss for targets +-1."""
    reduction = _resolve_reduction(reduction, size_average, reduce)
    _require_values("soft_margin_loss", input, target)
    check_broadcast(tuple(input.shape), tuple(target.shape))
    if target.requires_grad and is_grad_enabled():
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input "
            "cannot have requires_grad True."
        )
    if target.dtype != input.dtype and input._data.dtype.kind == "f":  # torch computes in the input's dtype
        target = target.to(input.dtype)
    return SoftMarginLoss.apply(input, target, reduction)


def cosine_embedding_loss(
    input1: Value, input2: Value, target: Value, margin: float = 0, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean",
) -> Value:
    """1 - cos(input1, input2) where target = 1, max(0, cos(input1, input2) - margin) where target = -1."""
    reduction = _resolve_reduction(reduction, size_average, reduce)
    for position, (name, x) in enumerate((("input1", input1), ("input2", input2), ("target", target)), 1):
        require_value(x, "cosine_embedding_loss", name, position)
    target_dim = target.ndim
    if target_dim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target_dim == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError(
            "1D target tensor expects 2D input tensors, but found inputs with sizes "
            f"{_dims(input1)} and {_dims(input2)}."
        )
    if target_dim == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError(
            "0D target tensor expects 1D input tensors, but found inputs with sizes "
            f"{_dims(input1)} and {_dims(input2)}."
        )
    prod_sum = (input1 * input2).sum(target_dim)
    mag_square1 = (input1 * input1).sum(target_dim) + EPSILON
    mag_square2 = (input2 * input2).sum(target_dim) + EPSILON
    cos = prod_sum / (mag_square1 * mag_square2).sqrt()
    zeros = _zeros(cos)
    output_pos = elementwise.where((target == 1)._data, 1 - cos, zeros)
    output_neg = elementwise.where((target == -1)._data, (cos - margin).clamp(min=0), zeros)
    return _reduce(output_pos + output_neg, reduction)


def multilabel_soft_margin_loss(
    input: Value, target: Value, weight: Value | None = None, size_average: Any = None, reduce: Any = None,  # noqa: A002
    reduction: str = "mean",
) -> Value:
    """-(target log sigmoid(input) + (1 - target) log sigmoid(-input)), weighted, averaged over the classes (the
    last dimension): one binary logistic loss per label."""
    if size_average is not None or reduce is not None:
        reduction = _resolve_reduction(reduction, size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input._data.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


def triplet_margin_loss(
    anchor: Value, positive: Value, negative: Value, margin: float = 1.0, p: float = 2, eps: float = 1e-6,
    swap: bool = False, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
) -> Value:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d the pairwise p-distance; `swap` uses
    the smaller of d(anchor, negative) and d(positive, negative)."""
    reduction = _resolve_reduction(reduction, size_average, reduce)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    for position, (name, x) in enumerate((("anchor", anchor), ("positive", positive), ("negative", negative)), 1):
        require_value(x, "triplet_margin_loss", name, position)
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not a_dim == p_dim == n_dim:
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but "
            f"got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D inputs"
        )
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = dist_neg.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dist_pos - dist_neg).clamp(min=0), reduction)
