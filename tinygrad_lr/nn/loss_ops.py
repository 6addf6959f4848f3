"""Losses that are one op each, as in torch: the elementwise loss, its optional weight and the reduction in one
Function, so the graph shows one node with torch's name (`SmoothL1LossBackward0`, `NllLossBackward0`, ...) whose
`next_functions` point at the loss's inputs, as torch's do.

Every forward computes the elementwise loss l, then reduces it: 'mean' is sum(l) / N over the N elements
(`nll_loss`: over the total weight of the counted targets), 'sum' is sum(l), 'none' keeps l. Every backward
spreads the output gradient g back over the elements: g / N for 'mean', g for 'sum', g elementwise for 'none'
(`_spread`), times the elementwise derivative. Written with plain operators (and `dual`), so the same rule
runs on Values under `create_graph=True` and can be differentiated again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual


def reduce_array(loss: np.ndarray, reduction: str, count: Any = None) -> np.ndarray:
    """The forward's reduction of an elementwise loss: sum / count ('mean'; count defaults to the number of
    elements, nan when there are none, as torch), sum, or the loss itself ('none')."""
    if reduction == "none":
        return loss
    total = np.add.reduce(loss, axis=None)
    if reduction == "sum":
        return np.asarray(total, dtype=loss.dtype)
    count = loss.size if count is None else count
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / count if count else np.nan, dtype=loss.dtype)


def _spread(g: Any, reduction: str, count: Any) -> Any:
    """d(reduced loss)/d(elementwise loss) times g: g / N for 'mean', else g (a scalar for 'sum', one per element
    for 'none'); multiplying it into the elementwise derivative broadcasts."""
    if reduction == "mean":
        return g / count if count else g * np.nan
    return g


def _clip(a: Any, low: float, high: float) -> Any:
    return a.clamp(low, high) if dual.is_value(a) else np.clip(a, low, high)


def _clamp_min(a: Any, low: float) -> Any:
    if dual.is_value(a):
        return a.clamp(min=low)
    with np.errstate(invalid="ignore"):
        return np.maximum(a, low)


class SmoothL1Loss(Function):
    """l = 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, with d = x - y (beta > 0; beta = 0 is l1_loss).

    dx = g' clamp(d / beta, -1, 1),  dy = -dx  (g' = g / N for 'mean').
    """

    torch_name = "SmoothL1LossBackward0"
    torch_inputs = slice(2)  # input and target: torch's next_functions lists no options

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, reduction: str, beta: float) -> Any:
        d = x - y
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.beta, ctx.count = reduction, beta, d.size
        size = np.abs(d)
        return reduce_array(np.where(size < beta, 0.5 * d * d / beta, size - 0.5 * beta), reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        grad_x = _clip((x - y) / ctx.beta, -1.0, 1.0) * _spread(g, ctx.reduction, ctx.count)
        return grad_x, (-grad_x if ctx.needs_input_grad[1] else None), None, None


class HuberLoss(Function):
    """l = 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = x - y.

    dx = g' clamp(d, -delta, delta),  dy = -dx  (g' = g / N for 'mean').
    """

    torch_name = "HuberLossBackward0"
    torch_inputs = slice(2)

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, reduction: str, delta: float) -> Any:
        d = x - y
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.delta, ctx.count = reduction, delta, d.size
        size = np.abs(d)
        return reduce_array(np.where(size < delta, 0.5 * d * d, delta * (size - 0.5 * delta)), reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y = ctx.saved_tensors
        grad_x = _clip(x - y, -ctx.delta, ctx.delta) * _spread(g, ctx.reduction, ctx.count)
        return grad_x, (-grad_x if ctx.needs_input_grad[1] else None), None, None


def _log_clamped(p: Any) -> Any:
    """max(log p, -100): torch's clamp keeps BCE finite at p = 0 and p = 1."""
    if dual.is_value(p):
        return p.log().clamp(min=-100)
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p), -100)


class BinaryCrossEntropy(Function):
    """l = -w (t max(log p, -100) + (1 - t) max(log(1 - p), -100)) for probabilities p (w: the optional weight,
    broadcast to p's shape; a constant, as in torch).

    dp = g' w (p - t) / max(p (1 - p), 1e-12),  dt = g' w (max(log(1 - p), -100) - max(log p, -100))  (torch's rules).
    """

    torch_name = "BinaryCrossEntropyBackward0"
    torch_inputs = slice(2)

    @staticmethod
    def forward(ctx: Any, p: Any, t: Any, weight: Any, reduction: str) -> Any:
        if p.size and (np.nanmin(p) < 0 or np.nanmax(p) > 1):
            raise RuntimeError("all elements of input should be between 0 and 1")
        ctx.save_for_backward(p, t)
        ctx.weight, ctx.reduction, ctx.count = weight, reduction, p.size
        with np.errstate(divide="ignore"):
            loss = -(t * _log_clamped(p) + (1 - t) * np.maximum(np.log1p(-p), -100))
        return reduce_array(loss if weight is None else loss * weight, reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        p, t = ctx.saved_tensors
        need_p, need_t, _, _ = ctx.needs_input_grad
        factor = _spread(g, ctx.reduction, ctx.count)
        if ctx.weight is not None:
            factor = factor * ctx.weight
        grad_p = grad_t = None
        if need_p:
            grad_p = factor * (p - t) / _clamp_min(p * (1 - p), 1e-12)
        if need_t:
            grad_t = factor * (_log_clamped(1 - p) - _log_clamped(p))
        return grad_p, grad_t, None, None


def softplus_of_negative(z: Any) -> Any:
    """log(1 + e^-z) = log1p(e^-|z|) + max(-z, 0), without overflow."""
    if dual.is_value(z):
        return (-z).softplus()
    return np.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0)


class BCEWithLogits(Function):
    """l = w ((1 - t) z + (1 + (pw - 1) t) softplus(-z)), stable for any logit z (w the weight, pw the pos_weight:
    constants broadcast to z's shape, 1 when not given).

    dz = g' w ((1 + (pw - 1) t) sigmoid(z) - pw t),  dt = g' w (-z + (pw - 1) softplus(-z))  (g' = g / N for 'mean').
    """

    torch_name = "BinaryCrossEntropyWithLogitsBackward0"
    torch_inputs = slice(2)

    @staticmethod
    def forward(ctx: Any, z: Any, t: Any, weight: Any, pos_weight: Any, reduction: str) -> Any:
        ctx.save_for_backward(z, t)
        ctx.weight, ctx.pos_weight, ctx.reduction, ctx.count = weight, pos_weight, reduction, z.size
        softplus = softplus_of_negative(z)
        if pos_weight is None:
            loss = (1 - t) * z + softplus
        else:
            loss = (1 - t) * z + (1 + (pos_weight - 1) * t) * softplus
        return reduce_array(loss if weight is None else loss * weight, reduction)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        z, t = ctx.saved_tensors
        need_z, need_t = ctx.needs_input_grad[:2]
        pos_weight = ctx.pos_weight
        factor = _spread(g, ctx.reduction, ctx.count)
        if ctx.weight is not None:
            factor = factor * ctx.weight
        grad_z = grad_t = None
        if need_z:
            if pos_weight is None:
                grad_z = factor * (dual.sigmoid(z) - t)
            else:
                grad_z = factor * ((1 + (pos_weight - 1) * t) * dual.sigmoid(z) - pos_weight * t)
        if need_t:
            grad_t = factor * (-z if pos_weight is None else (pos_weight - 1) * softplus_of_negative(z) - z)
        return grad_z, grad_t, None, None, None


class NllLoss(Function):
    """Negative log-likelihood of class indices y: l_i = -w[y_i] x[i, y_i] (0 where y_i is ignore_index), for
    log-probabilities x of shape (C,), (N, C) or (N, C, H, W) (torch's nll_loss2d, `NllLoss2DBackward0`) and
    y of x's shape without C. 'mean' is sum(l) / sum of w[y_i] over the counted i (nan when none is counted).

    dx[i, y_i] = -w[y_i] g' and 0 at every other class (g' = g / sum w for 'mean', g_i for 'none').
    """

    torch_inputs = slice(1)  # torch lists only the log-probabilities (the target and the weight have no gradient)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "NllLoss2DBackward0" if len(ctx.shape) == 4 else "NllLossBackward0"

    @staticmethod
    def forward(ctx: Any, x: Any, target: Any, weight: Any, reduction: str, ignore_index: int) -> Any:
        classes = x.shape[0] if x.ndim == 1 else x.shape[1]
        rows = np.moveaxis(x, 1, -1).reshape(-1, classes) if x.ndim > 1 else x.reshape(1, classes)
        t = target.reshape(-1)
        counted = t != ignore_index
        safe = np.where(counted, t, 0)
        row_weight = counted.astype(x.dtype) if weight is None else weight[safe] * counted
        losses = -rows[np.arange(t.size), safe] * row_weight
        losses[~counted] = 0  # +0, as torch writes for an ignored target
        total_weight = np.add.reduce(row_weight, axis=None)
        ctx.shape, ctx.target_shape, ctx.reduction = x.shape, target.shape, reduction
        ctx.safe, ctx.row_weight, ctx.total_weight = safe, row_weight, total_weight
        if reduction == "none":
            return losses.reshape(target.shape)
        return reduce_array(losses, reduction, total_weight)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        shape = ctx.shape
        classes = shape[0] if len(shape) == 1 else shape[1]
        # the constant d(l_i)/dx: -w[y_i] at (i, y_i), laid out as x is
        slopes = np.zeros((ctx.safe.size, classes), dtype=ctx.row_weight.dtype)
        slopes[np.arange(ctx.safe.size), ctx.safe] = -ctx.row_weight
        if len(shape) > 1:
            slopes = np.moveaxis(slopes.reshape(shape[:1] + shape[2:] + shape[1:2]), -1, 1)
        else:
            slopes = slopes.reshape(shape)
        if ctx.reduction == "none":  # one gradient per target: along the class axis, the same for every class
            factor = g.reshape(shape[:1] + (1,) + shape[2:]) if len(shape) > 1 else g
        elif ctx.reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = g / ctx.total_weight
        else:
            factor = g
        return slopes * factor, None, None, None, None
