"""Adam and AdamW (Kingma & Ba, 2015; Loshchilov & Hutter, 2019), as torch.optim computes them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.optim.flat_state import FlatGroup
from tinygrad_lr.optim.optimizer import Optimizer, advance, step_counter
from tinygrad_lr.value import Value


class Adam(Optimizer):
    r"""Adam: moving averages of the gradient and its square, bias-corrected. At step t (from 1):

        g = -grad if maximize else grad
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay   (AdamW)
        g = g + weight_decay * p                 otherwise                   (L2 penalty)
        m = m + (1 - beta1) * (g - m)            (= beta1 * m + (1 - beta1) * g)
        v = beta2 * v + (1 - beta2) * g * g
        s = max(s, v) if amsgrad else v          (amsgrad keeps the max of the raw v)
        p = p - lr / (1 - beta1**t) * m / (sqrt(s) / sqrt(1 - beta2**t) + eps)

    Note where eps goes: after dividing sqrt(s) by sqrt(1 - beta2**t). State per parameter: `step`
    (a 0-d float Value), `exp_avg` (m), `exp_avg_sq` (v) and, with amsgrad, `max_exp_avg_sq` (s).
    From the second step on, a group of small parameters keeps its state in flat arrays and runs each line
    above once for the whole group (`optim.flat_state`); the numbers are the same.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        self._flat_groups: dict[int, FlatGroup] = {}
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> bool:
        params = group["params"]
        flat = self._flat_groups.get(id(group))
        grad = None if flat is None else flat.gather_grads(params, self.state)
        if flat is None or grad is None:
            keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if group["amsgrad"] else ("exp_avg", "exp_avg_sq")
            if not FlatGroup.fits(params, self.state, keys):
                self._flat_groups.pop(id(group), None)
                return super()._step_group(group)
            flat = self._flat_groups[id(group)] = FlatGroup(params, self.state, keys)
            grad = flat.gather_grads(params, self.state)
            assert grad is not None  # the layout was just built from these parameters
        self._update_flat(flat, grad, group)
        return False

    def _update_flat(self, flat: FlatGroup, grad: np.ndarray, group: dict[str, Any]) -> None:
        """`_update`'s math, line for line, on the whole group's flat arrays (`grad` is a copy it overwrites)."""
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        t = flat.advance()
        work = flat.work

        if group["maximize"]:
            np.negative(grad, out=grad)
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                for p in flat.params:
                    p._data *= 1 - lr * weight_decay
            else:
                np.concatenate([p._data for p in flat.params], axis=None, out=work)
                work *= weight_decay
                grad += work

        m = flat.flat["exp_avg"]
        v = flat.flat["exp_avg_sq"]
        np.subtract(grad, m, out=work)
        work *= 1 - beta1
        m += work
        v *= beta2
        np.multiply(grad, 1 - beta2, out=work)
        work *= grad
        v += work

        bias_correction1 = 1 - beta1**t
        bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        if group["amsgrad"]:
            v_max = flat.flat["max_exp_avg_sq"]
            np.maximum(v_max, v, out=v_max)
            v = v_max
        denom = np.sqrt(v, out=work)
        denom /= bias_correction2_sqrt
        denom += group["eps"]
        update = np.multiply(m, lr / bias_correction1, out=grad)
        update /= denom
        for p, p_update in zip(flat.params, flat.grad_views):
            p._data -= p_update

    def _update(self, p: Value, grad: np.ndarray, group: dict[str, Any]) -> None:
        """The update of the class docstring for one parameter, on its own arrays.

        `_update_flat` repeats these lines with preallocated buffers; this form stays for what the flat layout
        refuses (one parameter, a large group, missing gradients, unequal steps, state replaced by hand), and
        creates the state on the first step. tests/fast_paths/test_optim_flat_state.py checks that both agree bit for
        bit.
        """
        data = p._data
        state = self.state[p]
        if not state:
            state["step"] = step_counter()
            state["exp_avg"] = Value._make_const(np.zeros_like(data))
            state["exp_avg_sq"] = Value._make_const(np.zeros_like(data))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = Value._make_const(np.zeros_like(data))
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        t = advance(state["step"])

        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                data *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * data

        m = state["exp_avg"]._data
        v = state["exp_avg_sq"]._data
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad

        bias_correction1 = 1 - beta1**t
        bias_correction2_sqrt = (1 - beta2**t) ** 0.5
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]._data
            np.maximum(v_max, v, out=v_max)
            v = v_max
        denom = np.sqrt(v)
        denom /= bias_correction2_sqrt
        denom += group["eps"]
        update = m * (lr / bias_correction1)
        update /= denom
        data -= update


class AdamW(Adam):
    r"""Adam with decoupled weight decay: `p = p * (1 - lr * weight_decay)` before the moment updates,
    instead of adding `weight_decay * p` to the gradient. Otherwise the same update as `Adam`;
    `weight_decay` defaults to 1e-2. Identical to `Adam(..., decoupled_weight_decay=True)`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
            capturable=capturable, differentiable=differentiable, fused=fused, decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
