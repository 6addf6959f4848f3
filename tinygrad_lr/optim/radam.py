"""RAdam (Liu et al., 2020: Adam with a rectified adaptive learning rate), as torch.optim.RAdam computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import check_options, lerp_into, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance
from tinygrad_lr.value import Value


class RAdam(Optimizer):
    r"""Adam that steps like SGD with momentum until the variance estimate is trustworthy. At step t (from 1):

        g = -grad if maximize else grad
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay
        g = g + weight_decay * p                 otherwise
        m = m + (1 - beta1) * (g - m);   v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        rho_inf = 2 / (1 - beta2) - 1;   rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
                       p = p - lr * m_hat * sqrt(1 - beta2**t) / (sqrt(v) + eps) * r
        else:          p = p - lr * m_hat

    State per parameter: `step`, `exp_avg` (m) and `exp_avg_sq` (v).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_options(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p]
        if not state:
            new_state(state, data, "exp_avg", "exp_avg_sq")
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        # the count before this step's increment, read first: `compile` checks a branch on it before a replay
        # (a branch on a value read after the state changed could not be checked in time)
        t_before = state["step"]._data.item()
        t = advance(state["step"])
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                data *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * data
        exp_avg = state["exp_avg"]._data
        exp_avg_sq = state["exp_avg_sq"]._data
        lerp_into(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * (grad * grad)
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        step = (exp_avg / bias_correction1) * lr
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = _rho(rho_inf, beta2, t)
        # rho_t > 5, decided on t_before + 1: t itself below 2**24 steps (float32 counts stop there, and rho_t is
        # then rho_inf on both sides)
        if _rho(rho_inf, beta2, t_before + 1) > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2**0.5 / (np.sqrt(exp_avg_sq) + group["eps"])
            step = step * adaptive_lr * rect
        data -= step


def _rho(rho_inf: Any, beta2: Any, t: Any) -> Any:
    """The length of the approximated simple moving average after t steps: rho_inf - 2 t beta2^t / (1 - beta2^t)."""
    return rho_inf - 2 * t * (beta2**t) / (1 - beta2**t)
