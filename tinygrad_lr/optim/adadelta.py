"""Adadelta (Zeiler, 2012), as torch.optim.Adadelta computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import check_options, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance, regularized_grad
from tinygrad_lr.value import Value


class Adadelta(Optimizer):
    r"""Steps sized by the ratio of two running RMS averages, of past updates and of gradients:

        g = -grad if maximize else grad
        g = g + weight_decay * p
        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    State per parameter: `step`, `square_avg` (v) and `acc_delta` (u).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_options(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_options(eps=eps, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p]
        if not state:
            new_state(state, data, "square_avg", "acc_delta")
        advance(state["step"])
        rho, eps = group["rho"], group["eps"]
        grad = regularized_grad(grad, data, group)
        square_avg = state["square_avg"]._data
        acc_delta = state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1 - rho) * (grad * grad)
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(acc_delta + eps)
        delta /= std
        delta *= grad
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        data -= group["lr"] * delta
