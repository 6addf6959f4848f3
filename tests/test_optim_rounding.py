"""Optimizer steps in float32 rounded as torch rounds them: its `add_(alpha=)`, `addcmul_` and `lerp_` are fused
multiply-adds (one rounding), so a + s x in two roundings drifts from torch by an ulp here and there, and a long
run drifts further. SGD and Adagrad match torch bit for bit over many steps; RMSprop at nearly every step (its
only difference is torch's float32 sqrt, which is not correctly rounded in about 0.7 % of elements)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.optim._shared import lerp_into


def _gradients(steps: int, shape: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [(rng.standard_normal(shape) * 10 ** rng.uniform(-3, 3)).astype(np.float32) for _ in range(steps)]


@pytest.mark.parametrize(("name", "options"), [
    ("SGD", {"lr": 1e-3}),
    ("SGD", {"lr": 1e-2, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 1e-2, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 1e-2}),
    ("Adagrad", {"lr": 1e-2, "weight_decay": 0.1, "lr_decay": 0.01}),
], ids=["sgd", "sgd_nesterov_weight_decay", "sgd_dampening_maximize", "adagrad", "adagrad_options"])
def test_float32_steps_equal_torch_s_bit_for_bit(name: str, options: dict[str, Any]) -> None:
    torch = require_torch()
    start = np.random.default_rng(1).standard_normal((3, 21)).astype(np.float32)
    runs = []
    for lib in (tg, torch):
        p = lib.tensor(start.copy(), requires_grad=True)
        optimizer = getattr(lib.optim, name)([p], **options)
        for grad in _gradients(200, start.shape):
            p.grad = lib.tensor(grad.copy())
            optimizer.step()
        runs.append(p.detach().numpy())
    np.testing.assert_array_equal(*runs)


@pytest.mark.parametrize("options", [
    {"lr": 1e-3}, {"lr": 1e-2, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
], ids=["plain", "momentum_centered_weight_decay"])
def test_each_rmsprop_step_is_torch_s_but_for_its_sqrt(options: dict[str, Any]) -> None:
    torch = require_torch()
    start = np.random.default_rng(1).standard_normal((3, 21)).astype(np.float32)
    ours, theirs = tg.tensor(start.copy(), requires_grad=True), torch.tensor(start.copy(), requires_grad=True)
    ours_opt, theirs_opt = tg.optim.RMSprop([ours], **options), torch.optim.RMSprop([theirs], **options)
    exact = 0
    for grad in _gradients(100, start.shape):
        ours.grad, theirs.grad = tg.tensor(grad.copy()), torch.tensor(grad.copy())
        ours_opt.step()
        theirs_opt.step()
        # a misrounded sqrt changes g / avg by an ulp: within a few ulps of the step, not of the parameter
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=0, atol=1e-6)
        exact += bool(np.array_equal(ours.detach().numpy(), theirs.detach().numpy()))
        with torch.no_grad():  # start the next step from torch's numbers, so one step is compared at a time
            ours._data[...] = theirs.numpy()
            for key, value in theirs_opt.state[theirs].items():
                ours_opt.state[ours][key]._data[...] = value.numpy()
    assert exact >= 95  # nearly every step are bit for bit (the rest: torch's sqrt)


@pytest.mark.parametrize("weight", [0.001, 0.1, 0.5, 0.9])
def test_the_shared_lerp_rounds_as_torch_s_lerp(weight: float) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    start = rng.standard_normal(10000).astype(np.float32)
    end = (rng.standard_normal(10000) * 10).astype(np.float32)
    expected = torch.from_numpy(start.copy()).lerp_(torch.from_numpy(end), weight).numpy()
    lerp_into(start, end, weight)
    np.testing.assert_array_equal(start, expected)
