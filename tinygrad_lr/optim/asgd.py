"""Averaged SGD (Polyak & Juditsky, 1992), as torch.optim.ASGD computes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.optim._shared import check_options, new_state
from tinygrad_lr.optim.optimizer import Optimizer, advance, regularized_grad, subtract_scaled
from tinygrad_lr.value import Value


class ASGD(Optimizer):
    r"""SGD with a decaying step size that also keeps a running average of the iterates. At step t (from 1):

        g = -grad if maximize else grad
        g = g + weight_decay * p
        p = p * (1 - lambd * eta) - eta * g
        ax = p                        if mu == 1,   else   ax = ax + mu * (p - ax)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)

    The parameters themselves follow plain (decaying) SGD; `ax` holds the average (torch does not swap it in).
    State per parameter: `step`, `eta` and `mu` (0-d Values in torch's scalar-state dtype: float32 unless the
    default dtype is float64, rounded as torch rounds them) and `ax`.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_options(lr=lr, weight_decay=weight_decay)
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
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
            new_state(state, data, "ax", eta=group["lr"], mu=1.0)
        lr, lambd = group["lr"], group["lambd"]
        t = advance(state["step"])
        grad = regularized_grad(grad, data, group)
        # .item(), NumPy's maximum and a ufunc's dtype= rather than float(), max() and np.float32(): the same
        # numbers, which `compile` reads again at replay (eta and mu change at every step)
        eta = state["eta"]._data.item()
        data *= 1 - lambd * eta
        subtract_scaled(data, grad, eta)  # torch's param.add_(grad, alpha=-eta): one rounding
        ax = state["ax"]._data
        mu = state["mu"]._data
        if mu.item() != 1:
            ax += (data - ax) * mu.astype(ax.dtype)
        else:
            ax[...] = data
        # torch builds the new values as tensors of the default dtype, then copies them into the state
        default = dtypes.get_default_dtype()
        state["eta"]._data[...] = np.positive(lr / ((1 + lambd * lr * t) ** group["alpha"]), dtype=default)
        state["mu"]._data[...] = np.positive(1 / np.maximum(1, t - group["t0"]), dtype=default)
