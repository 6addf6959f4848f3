"""Adagrad (Duchi, Hazan & Singer, 2011), as torch.optim.Adagrad computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim.optimizer import Optimizer, advance, fused_multiply_add, regularized_grad, step_counter
from tinygrad_lr.value import Value


class Adagrad(Optimizer):
    r"""Per-coordinate step sizes that shrink with the sum of all squared gradients seen. At step t (from 1):

        g = -grad if maximize else grad
        g = g + weight_decay * p
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                           (s starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    State per parameter: `step` and `sum` (s), created with the optimizer as in torch (for groups added
    later, at their first step).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p: Value) -> dict[str, Any]:
        # torch fills every accumulator with the optimizer-wide default, even for groups that set their own.
        state = self.state[p]
        state["step"] = step_counter()
        state["sum"] = Value._make_const(np.full_like(p._data, self.defaults["initial_accumulator_value"]))
        return state

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        data = p._data
        state = self.state[p] or self._init_state(p)  # groups added later start here
        t = advance(state["step"])
        grad = regularized_grad(grad, data, group)
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        state_sum = state["sum"]._data
        fused_multiply_add(state_sum, grad, grad, out=state_sum)  # torch's addcmul_(grad, grad, value=1)
        std = np.sqrt(state_sum)
        std += group["eps"]
        update = clr * grad
        update /= std
        data -= update
