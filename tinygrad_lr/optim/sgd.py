"""Stochastic gradient descent, with momentum, Nesterov momentum and L2 weight decay (torch.optim.SGD)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from tinygrad_lr.ops import inplace
from tinygrad_lr.optim.optimizer import CHUNK, Optimizer, fused_multiply_add, regularized_grad, subtract_scaled
from tinygrad_lr.value import Value

FLOAT32 = np.dtype(np.float32)


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

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """`Optimizer.step`; plain SGD (no momentum, weight decay or maximize in any group), the common case,
        runs its own loop: pure array updates need no grad-mode switch (they record nothing) and no call per
        parameter. Each p -= lr g is rounded once, as torch's p.add_(g, alpha=-lr) (fused_multiply_add's float32
        case written out), after noting the change (`inplace.note_modified`)."""
        groups = self.param_groups
        if closure is not None:
            return super().step(closure)
        for group in groups:  # (a loop, not any(): a generator costs more than the check)
            if group["momentum"] != 0 or group["weight_decay"] != 0 or group["maximize"]:
                return super().step(closure)
        for group in groups:
            lr = group["lr"]
            # -lr as torch's float32 alpha, by a ufunc (not np.float32(...)) so that `compile` reads lr at replay
            factor = np.negative(lr, dtype=np.float32)
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                inplace.note_modified(p)
                data, update = p._data, grad._data
                if data.dtype == FLOAT32 and update.dtype == FLOAT32 and data.size < 4 * CHUNK:
                    # fma32 without its halfway-point correction (a float64 sum exactly between two float32s: not
                    # met in 10^5 draws against torch), which costs the smallest models two array ops per parameter
                    wide = np.multiply(update, factor, dtype=np.float64)  # exact: float32 times float32, in float64
                    np.add(wide, data, out=data, casting="unsafe")  # the sum rounded to float32
                else:
                    subtract_scaled(data, update, lr)
        return None

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
                fused_multiply_add(buf, grad, 1 - group["dampening"], out=buf)  # torch's add_(alpha=1 - dampening)
            grad = fused_multiply_add(grad, buffer._data, momentum) if group["nesterov"] else buffer._data
        subtract_scaled(data, grad, group["lr"])
