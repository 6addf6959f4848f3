"""Optimizer steps in float32 rounded as torch rounds them: its `add_(alpha=)`, `addcmul_` and `lerp_` are fused
multiply-adds (one rounding), so a + s x in two roundings drifts from torch by an ulp here and there, and a long
run drifts further. SGD, Adagrad, RMSprop and ASGD match torch bit for bit over many steps, given the same square
root: torch's float32 sqrt is not always correctly rounded, and how often depends on the CPU (0.7 % of elements on
one machine, 17 % on another, against NumPy's correctly rounded one), so these tests hand our optimizers torch's
sqrt (`torch_sqrt`) and compare everything else."""

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


@pytest.fixture
def torch_sqrt(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`np.sqrt` of a float32 array computed by torch while the test runs (what torch's optimizers use), so a
    comparison is of the update formulas and their rounding, whichever sqrt this machine's torch has."""
    torch = require_torch()
    numpy_sqrt = np.sqrt

    def sqrt(x: Any, out: Any = None, **kwargs: Any) -> Any:
        if type(x) is not np.ndarray or x.dtype != np.float32 or kwargs:
            return numpy_sqrt(x, **kwargs) if out is None else numpy_sqrt(x, out=out, **kwargs)
        root = torch.sqrt(torch.from_numpy(np.ascontiguousarray(x))).numpy()
        if out is None:
            return root
        out[...] = root
        return out

    monkeypatch.setattr(np, "sqrt", sqrt)
    return torch


@pytest.mark.parametrize(("name", "options"), [
    ("SGD", {"lr": 1e-3}),
    ("SGD", {"lr": 1e-2, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 1e-2, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {"lr": 1e-2}),
    ("Adagrad", {"lr": 1e-2, "weight_decay": 0.1, "lr_decay": 0.01}),
    ("RMSprop", {"lr": 1e-3}),
    ("RMSprop", {"lr": 1e-2, "momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("ASGD", {"lr": 1e-2}),
    ("ASGD", {"lr": 5e-2, "lambd": 1e-3, "alpha": 0.75, "t0": 3, "weight_decay": 0.01}),
], ids=["sgd", "sgd_nesterov_weight_decay", "sgd_dampening_maximize", "adagrad", "adagrad_options", "rmsprop",
        "rmsprop_momentum_centered_weight_decay", "asgd", "asgd_averaging_from_step_3"])
def test_float32_steps_equal_torch_s_bit_for_bit(name: str, options: dict[str, Any], torch_sqrt: Any) -> None:
    torch = torch_sqrt
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


def test_torch_s_sqrt_is_what_the_optimizers_see_in_these_tests(torch_sqrt: Any) -> None:
    """The substitution is real: our optimizers' `np.sqrt` gives torch's bits (where they differ from NumPy's)."""
    x = (np.random.default_rng(0).random(10000) * 100).astype(np.float32)
    expected = torch_sqrt.sqrt(torch_sqrt.from_numpy(x.copy())).numpy()
    np.testing.assert_array_equal(np.sqrt(x), expected)
    out = np.empty_like(x)
    assert np.sqrt(x, out=out) is out
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("options", [
    {"lr": 1e-3}, {"lr": 1e-2, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
], ids=["plain", "momentum_centered_weight_decay"])
def test_each_rmsprop_step_is_within_an_ulp_of_the_step_with_numpy_s_sqrt(options: dict[str, Any]) -> None:
    """With our own (correctly rounded) sqrt, each step stays within a few ulps of the step of torch's."""
    torch = require_torch()
    start = np.random.default_rng(1).standard_normal((3, 21)).astype(np.float32)
    ours, theirs = tg.tensor(start.copy(), requires_grad=True), torch.tensor(start.copy(), requires_grad=True)
    ours_opt, theirs_opt = tg.optim.RMSprop([ours], **options), torch.optim.RMSprop([theirs], **options)
    for grad in _gradients(100, start.shape):
        ours.grad, theirs.grad = tg.tensor(grad.copy()), torch.tensor(grad.copy())
        ours_opt.step()
        theirs_opt.step()
        # a sqrt rounded the other way changes g / avg by an ulp: within a few ulps of the step
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=0, atol=1e-6)
        with torch.no_grad():  # start the next step from torch's numbers, so one step is compared at a time
            ours._data[...] = theirs.numpy()
            for key, value in theirs_opt.state[theirs].items():
                ours_opt.state[ours][key]._data[...] = value.numpy()


@pytest.mark.parametrize("weight", [0.001, 0.1, 0.5, 0.9])
def test_the_shared_lerp_rounds_as_torch_s_lerp(weight: float) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    start = rng.standard_normal(10000).astype(np.float32)
    end = (rng.standard_normal(10000) * 10).astype(np.float32)
    expected = torch.from_numpy(start.copy()).lerp_(torch.from_numpy(end), weight).numpy()
    lerp_into(start, end, weight)
    np.testing.assert_array_equal(start, expected)
