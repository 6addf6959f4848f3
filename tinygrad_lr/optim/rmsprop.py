"""RMSprop (Hinton's lecture 6e; centered form from Graves, 2013), as torch.optim.RMSprop computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim._shared import lerp_into
from tinygrad_lr.optim.optimizer import (
    Optimizer,
    advance,
    fused_multiply_add,
    regularized_grad,
    step_counter,
    subtract_scaled,
)
from tinygrad_lr.value import Value


class RMSprop(Optimizer):
    r"""Divide the gradient by a running root-mean-square of recent gradients:

        g = -grad if maximize else grad
        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g * g
        a = v - gbar * gbar,  gbar = gbar + (1 - alpha) * (g - gbar)     if centered,   else a = v
        d = sqrt(a) + eps
        b = momentum * b + g / d;  p = p - lr * b                        if momentum > 0
        p = p - lr * g / d                                               otherwise

    State per parameter: `step`, `square_avg` (v), `momentum_buffer` (b, when momentum > 0) and
    `grad_avg` (gbar, when centered).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = Value._make_const(np.zeros_like(data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = Value._make_const(np.zeros_like(data))
            if group["centered"]:
                state["grad_avg"] = Value._make_const(np.zeros_like(data))
        advance(state["step"])
        alpha = group["alpha"]
        grad = regularized_grad(grad, data, group)

        square_avg = state["square_avg"]._data
        square_avg *= alpha
        # torch's addcmul_(grad, grad, value=1 - alpha): ((1 - alpha) grad) grad added with one rounding
        fused_multiply_add(square_avg, (1 - alpha) * grad, grad, out=square_avg)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_into(grad_avg, grad, 1 - alpha)
            avg = fused_multiply_add(square_avg, -grad_avg, grad_avg)  # torch's addcmul(value=-1)
            np.sqrt(avg, out=avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]

        if group["momentum"] > 0:
            buffer = state["momentum_buffer"]._data
            buffer *= group["momentum"]
            buffer += grad / avg
            subtract_scaled(data, buffer, group["lr"])
        else:
            update = group["lr"] * grad
            update /= avg
            data -= update
