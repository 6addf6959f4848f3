"""Loss functions with torch's formulas, reductions, warnings and error texts (re-exported by `nn.functional`).

`reduction` is 'mean' (over all elements of the broadcast loss), 'sum' or 'none' (elementwise).
MSE is a fused op (`fused_ops`); SmoothL1, Huber, BCE, BCE-with-logits and NLL are one op each with their reduction
(`loss_ops`), as in torch; the others are built from Value ops.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.arguments import check_broadcast, torch_dtype_name
from tinygrad_lr.autograd.grad_mode import is_grad_enabled
from tinygrad_lr.nn import fused_ops, loss_ops
from tinygrad_lr.promotion import promote_values
from tinygrad_lr.value import Size, Value, require_value

_REDUCTIONS = ("none", "mean", "sum")


# ----- shared checks -------------------------------------------------------------------------------
def legacy_reduction(size_average: Any, reduce: Any) -> str:
    """torch's mapping of the deprecated size_average/reduce flags to a reduction (with its warning)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return reduction


def _resolve_reduction(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Value, reduction: str) -> Value:
    if reduction == "mean":
        if loss._data.size == 0:  # nan, as torch, without NumPy's empty-slice warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return loss.mean()
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _require_values(function: str, input: Any, target: Any) -> None:  # noqa: A002
    require_value(input, function, "input", 1)
    require_value(target, function, "target", 2)


def _warn_and_broadcast(input: Value, target: Value) -> None:  # noqa: A002
    """The warning of MSE/L1/Huber/SmoothL1 for a target shaped unlike the input (then broadcasting goes ahead)."""
    if input._data.shape != target._data.shape:
        warnings.warn(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=4,  # the caller of the loss function (past _check_regression)
        )
        check_broadcast(input._data.shape, target._data.shape)


def _check_regression(
    function: str, input: Any, target: Any, reduction: str, size_average: Any = None, reduce: Any = None  # noqa: A002
) -> str:
    """The checks MSE/L1/Huber/SmoothL1 share, in torch's order; returns the resolved reduction."""
    _require_values(function, input, target)
    _warn_and_broadcast(input, target)
    return _resolve_reduction(reduction, size_average, reduce)


def _elementwise_weight(
    loss: Value, weight: Value | None, input: Value, reduction: str, mean_by_weight: bool  # noqa: A002
) -> Value:
    """torch 2.13's optional `weight` of mse/l1/huber, shaped like input: the loss becomes w l elementwise;
    'mean' is sum(w l) / sum(w) when `mean_by_weight` (mse, l1), else sum(w l) / N (huber)."""
    if weight is None:
        return _reduce(loss, reduction)
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    weighted = loss * weight
    if reduction == "mean" and mean_by_weight:
        return weighted.sum() / weight.sum()
    return _reduce(weighted, reduction)


# ----- regression losses ---------------------------------------------------------------------------
def mse_loss(
    input: Value,  # noqa: A002
    target: Value,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Value | None = None,
) -> Value:
    """mean((input - target)^2) (or sum / elementwise);  d input = 2 (input - target) / N.

    Warns, as torch does, when target's shape differs from input's, then broadcasts anyway.
    """
    reduction = _check_regression("mse_loss", input, target, reduction, size_average, reduce)
    input, target = promote_values(input, target)
    if weight is not None:
        return _elementwise_weight((input - target) ** 2, weight, input, reduction, mean_by_weight=True)
    return fused_ops.MSELoss.apply(input, target, reduction)


def l1_loss(
    input: Value,  # noqa: A002
    target: Value,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Value | None = None,
) -> Value:
    """mean(|input - target|);  d input = sign(input - target) / N, with sign(0) = 0."""
    reduction = _check_regression("l1_loss", input, target, reduction, size_average, reduce)
    input, target = promote_values(input, target)
    return _elementwise_weight((input - target).abs(), weight, input, reduction, mean_by_weight=True)


def huber_loss(
    input: Value,  # noqa: A002
    target: Value,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Value | None = None,
) -> Value:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = input - target.

    d input = clamp(d, -delta, delta).
    """
    reduction = _check_regression("huber_loss", input, target, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    input, target = promote_values(input, target)
    if weight is None:
        return loss_ops.HuberLoss.apply(input, target, reduction, delta)
    # as torch: the elementwise loss times the weight, then reduced, normalized by the element count
    loss = loss_ops.HuberLoss.apply(input, target, "none", delta)
    return _elementwise_weight(loss, weight, input, reduction, mean_by_weight=False)


def smooth_l1_loss(
    input: Value,  # noqa: A002
    target: Value,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Value:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (L1 when beta = 0);  d input = clamp(d / beta, -1, 1)."""
    reduction = _check_regression("smooth_l1_loss", input, target, reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    input, target = promote_values(input, target)
    if beta == 0:  # torch's l1_loss
        return _reduce((input - target).abs(), reduction)
    return loss_ops.SmoothL1Loss.apply(input, target, reduction, beta)


# ----- binary classification -----------------------------------------------------------------------
def _refuse_gradient(function: str, argument: str, value: Value) -> None:
    """torch's error for a weight that requires grad while a graph is recorded: its losses differentiate only
    their input and target."""
    if value.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"The function '{function}' is not differentiable with respect to argument '{argument}'. This input "
            "cannot have requires_grad True."
        )


def _broadcastable_weight(weight: Value, shape: tuple[int, ...]) -> None:
    w = weight._data.shape
    for back in range(1, len(w) + 1):
        size = w[-back]
        target = shape[-back] if back <= len(shape) else None
        if size != 1 and size != target:
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {size} at {-back}! Mismatching argument at index 1 "
                f"had {Size(w)!r}; but expected shape should be broadcastable to {list(shape)}"
            )


def binary_cross_entropy(
    input: Value,  # noqa: A002
    target: Value,
    weight: Value | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Value:
    """-w [t max(log p, -100) + (1 - t) max(log(1 - p), -100)] for probabilities p = input in [0, 1].

    d p = w (p - t) / max(p (1 - p), 1e-12). Input and target must have the same shape and dtype.
    """
    _require_values("binary_cross_entropy", input, target)
    reduction = _resolve_reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape!r}) that is different to the input size ({input.shape!r}) is "
            "deprecated. Please ensure they have the same size."
        )
    if target.dtype != input.dtype:
        raise RuntimeError(
            f"Found dtype {torch_dtype_name(target.dtype)} but expected {torch_dtype_name(input.dtype)}"
        )
    weights = None
    if weight is not None:
        _refuse_gradient("binary_cross_entropy", "weight", weight)
        _broadcastable_weight(weight, input._data.shape)
        weights = weight._data.astype(input._data.dtype, copy=False)
    return loss_ops.BinaryCrossEntropy.apply(input, target, weights, reduction)


def binary_cross_entropy_with_logits(
    input: Value,  # noqa: A002
    target: Value,
    weight: Value | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Value | None = None,
) -> Value:
    """BCE on logits z, stable for any z: w [(1 - t) z + (1 + (pw - 1) t) log(1 + e^-z)];  d z = w (sigmoid(z) - t).

    `pos_weight` (pw) weighs the positive class, broadcast along the last dimension (one value per class).
    """
    _require_values("binary_cross_entropy_with_logits", input, target)
    reduction = _resolve_reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape!r}) must be the same as input size ({input.shape!r})")
    if target.dtype.kind != "f":
        raise RuntimeError(
            f"result type {torch_dtype_name(input.dtype)} can't be cast to the desired output type "
            f"{torch_dtype_name(target.dtype)}"
        )
    input, target = promote_values(input, target)
    weights = positive_weights = None
    if weight is not None:
        _refuse_gradient("binary_cross_entropy_with_logits", "weight", weight)
        check_broadcast(weight._data.shape, target._data.shape)
        weights = weight._data.astype(input._data.dtype, copy=False)
    if pos_weight is not None:
        _refuse_gradient("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
        check_broadcast(pos_weight._data.shape, target._data.shape)
        positive_weights = pos_weight._data.astype(input._data.dtype, copy=False)
    return loss_ops.BCEWithLogits.apply(input, target, weights, positive_weights, reduction)


# ----- multi-class classification ------------------------------------------------------------------
def _check_class_weight(weight: Value | None, classes: int) -> None:
    if weight is not None and (weight.ndim != 1 or weight.numel() != classes):
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor "
            f"of shape: {list(weight.shape)}"
        )


def _check_class_target(log_probs: Value, target: Value, weight: Value | None, function_name: str) -> int:
    """Check an index target against (N, C, *d) or (C,) log-probabilities, in torch's order and words;
    returns the number of classes C."""
    data = log_probs._data
    t = target._data
    if data.ndim == 0:
        raise RuntimeError(f"{function_name}: input tensor should be 1D or more, got 0D")
    if data.ndim >= 2:
        batch = t.shape[0] if t.ndim else 0
        if data.shape[0] != batch:
            raise ValueError(f"Expected input batch_size ({data.shape[0]}) to match target batch_size ({batch}).")
    if data.ndim <= 2 and t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if data.ndim > 2 and t.shape != data.shape[:1] + data.shape[2:]:
        expected = [data.shape[0], *data.shape[2:]]
        raise RuntimeError(f"Expected target size {expected}, got {list(t.shape)}")
    if t.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_dtype_name(t.dtype)}")
    classes = data.shape[0] if data.ndim == 1 else data.shape[1]
    _check_class_weight(weight, classes)
    return classes


def _counted_targets(target: Value, classes: int, ignore_index: int) -> Any:
    """The flat targets' mask of counted (not ignored) ones, after torch's bounds check."""
    t = target._data.reshape(-1).astype(np.int64)
    counted = t != ignore_index
    bad = counted & ((t < 0) | (t >= classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    return counted


def _nll(log_probs: Value, target: Value, weight: Value | None, ignore_index: int, reduction: str) -> Value:
    """torch's nll_loss_nd on checked arguments: one NllLoss node for (C,), (N, C) and (N, C, H, W) input; other
    shapes as torch does them, viewed as (N, C, 1, rest), the loss viewed back to the target's shape for 'none'."""
    weights = None if weight is None else weight._data.astype(log_probs._data.dtype, copy=False)
    t = target._data.astype(np.int64, copy=False)
    shape = log_probs._data.shape
    if len(shape) in (1, 2, 4):
        return loss_ops.NllLoss.apply(log_probs, t, weights, reduction, ignore_index)
    flat = log_probs.reshape(shape[0], shape[1], 1, -1)
    loss = loss_ops.NllLoss.apply(flat, t.reshape(shape[0], 1, -1), weights, reduction, ignore_index)
    return loss.reshape(t.shape) if reduction == "none" else loss


def nll_loss(
    input: Value,  # noqa: A002
    target: Value,
    weight: Value | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Value:
    """Negative log-likelihood of class indices: -w[y] input[y] (input holds log-probabilities).

    'mean' divides by the total weight of the non-ignored targets (nan if all are ignored).
    """
    _require_values("nll_loss", input, target)
    reduction = _resolve_reduction(reduction, size_average, reduce)
    classes = _check_class_target(input, target, weight, "nll_loss")
    if weight is not None:
        _refuse_gradient("nll_loss_forward", "weight", weight)
    _counted_targets(target, classes, ignore_index)
    return _nll(input, target, weight, ignore_index, reduction)


def _smoothing_term(
    log_probs: Value, target: Value, weight: Value | None, ignore_index: int, reduction: str, classes: int
) -> Value:
    """The label-smoothing part of cross_entropy: -sum_c w_c log p_c per counted target (0 for an ignored one),
    reduced as nll_loss reduces (the mean over the total weight of the counted targets)."""
    data = log_probs._data
    if data.ndim == 1:
        rows = log_probs.reshape(1, classes)
    elif data.ndim == 2:
        rows = log_probs
    else:
        rows = log_probs.permute(0, *range(2, data.ndim), 1).reshape(-1, classes)
    counted = _counted_targets(target, classes, ignore_index)
    mask = Value._make_const(counted.astype(data.dtype))
    weighted_rows = rows if weight is None else rows * weight
    smooth = -weighted_rows.sum(1) * mask
    if reduction == "none":
        return smooth.reshape(target.shape)
    if reduction == "sum":
        return smooth.sum()
    t = np.where(counted, target._data.reshape(-1), 0)
    row_weights = mask if weight is None else weight[t] * mask
    with np.errstate(invalid="ignore", divide="ignore"):
        return smooth.sum() / row_weights.sum()


def cross_entropy(
    input: Value,  # noqa: A002
    target: Value,
    weight: Value | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Value:
    """Cross entropy of logits: -log_softmax(input)[y] for class indices y, or -sum_c t_c log_softmax(input)_c
    for class probabilities t (target shaped like input). Classes run along dim 1 ((N, C, *d)) or dim 0 ((C,)).

    With label smoothing e the loss is (1 - e) loss + e mean_c(-log_softmax(input)_c), as torch; the gradient
    with respect to the logits is (softmax - target) / N for 'mean'.
    """
    _require_values("cross_entropy", input, target)
    reduction = _resolve_reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"log_softmax_lastdim_kernel_impl\" not implemented for '{torch_dtype_name(input._data.dtype)}'"
        )
    class_dim = 0 if input.ndim <= 1 else 1
    if input.shape == target.shape:
        return _cross_entropy_probabilities(input, target, weight, ignore_index, reduction, label_smoothing, class_dim)
    classes = _check_class_target(input, target, weight, "cross_entropy")
    if weight is not None:
        _refuse_gradient("nll_loss_forward", "weight", weight)
    _counted_targets(target, classes, ignore_index)
    log_probs = input.log_softmax(class_dim)
    nll = _nll(log_probs, target, weight, ignore_index, reduction)
    if label_smoothing <= 0.0:
        return nll
    smooth = _smoothing_term(log_probs, target, weight, ignore_index, reduction, classes)
    return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / classes)


def _cross_entropy_probabilities(
    input: Value,  # noqa: A002
    target: Value,
    weight: Value | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
    class_dim: int,
) -> Value:
    if target._data.dtype.kind != "f":
        raise RuntimeError(
            f"Expected floating point type for target with class probabilities, got "
            f"{torch_dtype_name(target._data.dtype)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    classes = input.shape[class_dim] if input.ndim else 1
    _check_class_weight(weight, classes)
    if label_smoothing > 0.0:
        target = target * (1.0 - label_smoothing) + label_smoothing / classes
    product = input.log_softmax(class_dim) * target
    if weight is not None:
        product = product * weight.reshape((classes,) + (1,) * (input.ndim - class_dim - 1))
    if reduction == "none":
        return -product.sum(class_dim)
    total = -product.sum()  # torch's order: one sum over everything, then the sign, then the mean's division
    if reduction == "sum":
        return total
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / (input.numel() / classes)
