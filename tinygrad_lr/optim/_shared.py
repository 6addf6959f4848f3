"""Helpers shared by several optimizers: torch's option checks, 0-d scalar state, and torch's `lerp_`."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.optim.optimizer import float32_scalar, fused_multiply_add, step_counter
from tinygrad_lr.value import Value


def scalar_state(value: float) -> Value:
    """A 0-d float Value holding `value` in torch's scalar-state dtype (float64 when that is the default dtype,
    else float32), like the `eta`, `mu` and `mu_product` entries torch keeps: stored rounded to that dtype."""
    counter = step_counter()
    counter._data[...] = value
    return counter


def new_state(state: dict[str, Any], data: np.ndarray, *zeros: str, **scalars: float) -> None:
    """Fill an empty per-parameter state in torch's key order: `step`, then the 0-d `scalars` (as `scalar_state`),
    then a zero array like the parameter for each name in `zeros`."""
    state["step"] = step_counter()
    for key, value in scalars.items():
        state[key] = scalar_state(value)
    for key in zeros:
        state[key] = Value._make_const(np.zeros_like(data))


def lerp_into(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start <- start + weight * (end - start), in place, in the two forms torch's `lerp_` uses: for weight
    below 0.5 from `start`, otherwise from `end` (`end - (end - start) * (1 - weight)`), each a fused multiply-add
    as in torch's kernel, so the rounding is torch's."""
    if abs(weight) < 0.5:
        fused_multiply_add(start, end - start, weight, out=start)
    else:
        fused_multiply_add(end, start - end, 1 - weight if start.dtype != np.float32 else 1 - float32_scalar(weight),
                           out=start)


def check_options(
    lr: Any = None, eps: Any = None, betas: Any = None, weight_decay: Any = None
) -> None:
    """torch's ValueErrors for the usual options, checked in torch's order (lr, eps, betas, weight_decay);
    an option left as None is not checked."""
    if lr is not None and not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if eps is not None and not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if betas is not None:
        for i, beta in enumerate(betas[:2]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    if weight_decay is not None and not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
