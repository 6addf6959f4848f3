"""NAdam (Dozat, 2016: Adam with Nesterov momentum), as torch.optim.NAdam computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import check_options, lerp_into, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance
from tinygrad_lr.value import Value


class NAdam(Optimizer):
    r"""Adam whose step looks one momentum step ahead. At step t (from 1), with psi = momentum_decay:

        g = -grad if maximize else grad
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay
        g = g + weight_decay * p                 otherwise
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * psi)),   mu_{t+1} likewise;   P_t = mu_1 * ... * mu_t
        m = m + (1 - beta1) * (g - m);   v = beta2 * v + (1 - beta2) * g * g
        d = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - P_t) * g / d - lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d

    State per parameter: `step`, `mu_product` (P_t, a 0-d Value in torch's scalar-state dtype, so float32
    unless the default dtype is float64, exactly as torch rounds it), `exp_avg` (m), `exp_avg_sq` (v).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_options(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p]
        if not state:
            new_state(state, data, "exp_avg", "exp_avg_sq", mu_product=1.0)
        lr, eps = group["lr"], group["eps"]
        beta1, beta2 = group["betas"]
        weight_decay, psi = group["weight_decay"], group["momentum_decay"]
        if group["maximize"]:
            grad = -grad
        t = advance(state["step"])
        bias_correction2 = 1 - beta2**t
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                data *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * data
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product_array = state["mu_product"]._data
        mu_product_array *= mu
        mu_product = mu_product_array.item()  # .item(), not float(): compile reads it again at replay
        exp_avg = state["exp_avg"]._data
        exp_avg_sq = state["exp_avg_sq"]._data
        lerp_into(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * (grad * grad)
        denom = np.sqrt(exp_avg_sq / bias_correction2)
        denom += eps
        data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
        data += (-lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denom)
