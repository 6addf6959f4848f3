"""Stochastic gradient descent, with momentum, Nesterov momentum and L2 weight decay (torch.optim.SGD)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim.optimizer import Optimizer, regularized_grad, subtract_scaled
from tinygrad_lr.value import Value


class SGD(Optimizer):
    r"""Gradient descent: `p <- p - lr * g`, where for each parameter, with mu = momentum:

        g = -grad if maximize else grad
        g = g + weight_decay * p                        (L2 penalty, added to the gradient)
        b = g  (first step: a copy, no dampening)   |   b = mu * b + (1 - dampening) * g   (later steps)
        g = g + mu * b  if nesterov  else  b            (only when mu != 0)

    The momentum buffer `b` lives in `state[p]['momentum_buffer']`; with momentum 0 no state is kept.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        grad = regularized_grad(grad, data, group)
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = Value._make_const(np.array(grad, copy=True))
            else:
                buf = buffer._data
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            grad = grad + momentum * buffer._data if group["nesterov"] else buffer._data
        subtract_scaled(data, grad, group["lr"])
