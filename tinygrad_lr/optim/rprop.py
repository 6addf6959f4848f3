"""Rprop (Riedmiller & Braun, 1993: resilient backpropagation), as torch.optim.Rprop computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import check_options, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance
from tinygrad_lr.value import Value


class Rprop(Optimizer):
    r"""Each coordinate moves by its own step size in the direction of -sign(gradient); only signs are used.

        g = -grad if maximize else grad
        s = g * g_prev:   step_size = clamp(step_size * (eta_plus if s > 0, eta_minus if s < 0, 1 if s = 0),
                                            step_size_min, step_size_max)
        g = 0 where s < 0                      (after a sign change, skip this coordinate once)
        p = p - sign(g) * step_size;   g_prev = g

    State per parameter: `step`, `prev` (g_prev, starting at 0) and `step_size` (starting at lr).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_options(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p]
        if not state:
            new_state(state, data, "prev")
            state["step_size"] = Value._make_const(np.full_like(grad, group["lr"]))
        advance(state["step"])
        eta_minus, eta_plus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if group["maximize"]:
            grad = -grad
        prev = state["prev"]._data
        step_size = state["step_size"]._data
        sign = np.sign(grad * prev)
        factor = np.where(sign > 0, eta_plus, np.where(sign < 0, eta_minus, 1.0)).astype(step_size.dtype)
        step_size *= factor
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        grad = np.where(sign < 0, np.zeros_like(grad), grad)
        data -= np.sign(grad) * step_size
        prev[...] = grad
