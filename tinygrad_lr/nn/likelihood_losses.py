"""Losses from probability: `kl_div`, `gaussian_nll_loss`, `poisson_nll_loss` (re-exported by
`nn.functional`), composed from Value ops with torch's formulas, reductions and error texts."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.nn.loss_functions import _reduce, _require_values, _resolve_reduction
from tinygrad_lr.ops import dual, elementwise
from tinygrad_lr.value import Value

KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides "
    "only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same "
    "as 'batchmean' in the next major release."
)


class XlogX(Function):
    """x log x, 0 where x == 0 (torch's xlogy(x, x));  dx = g (log x + 1), and nan at x == 0 as in torch (there
    xlogy's two partial derivatives are 0 and 0/0)."""

    torch_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x == 0, 0, x * np.log(x)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        zero = (x._data if dual.is_value(x) else x) == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = dual.log(x) + 1
        if not zero.any():
            return g * slope
        return dual.where(zero, g * np.nan, g * slope)


def _xlogx(x: Value) -> Value:
    return XlogX.apply(x)


def kl_div(
    input: Value,  # noqa: A002 - torch's name
    target: Value,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Value:
    """Kullback-Leibler divergence with `input` the log-probabilities: target (log target - input) elementwise
    (exp(target) (target - input) with log_target). 'batchmean' divides the sum by the batch size (the
    mathematical KL divergence); 'mean' divides by the number of elements, with torch's warning."""
    _require_values("kl_div", input, target)
    if size_average is not None or reduce is not None:
        reduction = _resolve_reduction(reduction, size_average, reduce)
    elif reduction == "mean":
        warnings.warn(KL_MEAN_WARNING, UserWarning, stacklevel=2)
    inner = "sum" if reduction == "batchmean" else _resolve_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    reduced = _reduce(loss, inner)
    if reduction == "batchmean" and input.ndim != 0:
        reduced = reduced / input._data.shape[0]
    return reduced


def gaussian_nll_loss(
    input: Value,  # noqa: A002
    target: Value,
    var: Value | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Value:
    """Negative log-likelihood of `target` under N(input, var): 0.5 (log var + (input - target)^2 / var), plus
    0.5 log(2 pi) with `full`. var is clamped to at least eps for stability (the clamp does not enter the
    gradient); it may have one dimension fewer than input, or size 1 in one dimension (shared variance)."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = Value._make_const(np.full_like(input._data, var))
    elif bool((var._data < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1:
            pass  # heteroscedastic: one dimension of size 1 broadcasts
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with no_grad():
        np.maximum(var._data, eps, out=var._data)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(
    input: Value,  # noqa: A002
    target: Value,
    log_input: bool = True,
    full: bool = False,
    size_average: Any = None,
    eps: float = 1e-8,
    reduce: Any = None,
    reduction: str = "mean",
) -> Value:
    """Negative log-likelihood of counts `target` under Poisson(rate): exp(input) - target input when `input` is
    the log-rate, else input - target log(input + eps); `full` adds Stirling's approximation of log(target!),
    target log target - target + 0.5 log(2 pi target), where target > 1."""
    _require_values("poisson_nll_loss", input, target)
    if size_average is not None or reduce is not None:
        reduction = _resolve_reduction(reduction, size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        small = target._data <= 1
        loss = loss + elementwise.where(small, Value._make_const(np.zeros_like(stirling._data)), stirling)
    return _reduce(loss, reduction)
