"""Adamax (Kingma & Ba, 2015, section 7.1), as torch.optim.Adamax computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import check_options, lerp_, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance, regularized_grad
from tinygrad_lr.value import Value


class Adamax(Optimizer):
    r"""Adam with the infinity norm in place of the second moment. At step t (from 1):

        g = -grad if maximize else grad
        g = g + weight_decay * p
        m = m + (1 - beta1) * (g - m)
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1**t) * m / u

    State per parameter: `step`, `exp_avg` (m) and `exp_inf` (u).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_options(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
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
            new_state(state, data, "exp_avg", "exp_inf")
        t = advance(state["step"])
        beta1, beta2 = group["betas"]
        grad = regularized_grad(grad, data, group)
        exp_avg = state["exp_avg"]._data
        exp_inf = state["exp_inf"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_inf *= beta2
        np.maximum(exp_inf, np.abs(grad) + group["eps"], out=exp_inf)
        clr = group["lr"] / (1 - beta1**t)
        data += -clr * (exp_avg / exp_inf)
