"""Results that equal torch's bit for bit in float32, where torch's CPU kernel rounds differently from NumPy's
one-liner: linspace (a fused multiply-add per element, from both ends) and powers (torch's special cases of
x ** c, and a float32 pow that agrees with the float64 power rounded once, not with NumPy's float32 pow)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_linspace_equals_torch_s_bit_for_bit(dtype: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    cases = [(-math.pi, math.pi, 2000), (0, 1, 5), (3, 3, 1), (-1, 1, 0), (2, -5, 333)]
    cases += [(*(rng.uniform(-100, 100, 2) * 10.0 ** rng.integers(-3, 3)), int(rng.integers(2, 3000)))
              for _ in range(40)]
    for start, end, steps in cases:
        theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        ours = tg.linspace(start, end, steps, dtype=getattr(tg, dtype)).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs, err_msg=f"linspace({start}, {end}, {steps})")


def test_linspace_with_negative_steps_raises_torch_s_error() -> None:
    torch = require_torch()
    assert_same_error(lambda: torch.linspace(0, 1, -1), lambda: tg.linspace(0, 1, -1))


@pytest.mark.parametrize("exponent", [2, 3, -1, -2, -0.5])
def test_float32_power_by_a_number_equals_torch_s_bit_for_bit(exponent: float) -> None:
    torch = require_torch()
    x = (np.random.default_rng(0).standard_normal(5000) * 3).astype(np.float32)
    if exponent == -0.5:
        x = np.abs(x) + 0.01
    np.testing.assert_array_equal((tg.tensor(x) ** exponent).numpy(), (torch.tensor(x) ** exponent).numpy())


def test_float32_power_by_integer_tensor_equals_torch_s_as_in_the_polynomial_fits() -> None:
    torch = require_torch()
    x = torch.linspace(-math.pi, math.pi, 2000)
    theirs = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3])).numpy()
    ours = tg.linspace(-math.pi, math.pi, 2000).unsqueeze(-1).pow(tg.tensor([1, 2, 3])).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_other_float32_powers_are_within_one_ulp_of_torch_s() -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    x = rng.uniform(0.01, 5.0, 5000).astype(np.float32)
    e = rng.uniform(-2, 2, 5000).astype(np.float32)
    for ours, theirs in [
        ((tg.tensor(x) ** 2.5).numpy(), (torch.tensor(x) ** 2.5).numpy()),
        (tg.tensor(x).pow(tg.tensor(e)).numpy(), torch.tensor(x).pow(torch.tensor(e)).numpy()),
        ((2.0 ** tg.tensor(e)).numpy(), (2.0 ** torch.tensor(e)).numpy()),
    ]:
        np.testing.assert_array_max_ulp(ours, theirs, maxulp=1)
        assert np.mean(ours == theirs) > 0.95  # torch's SLEEF pow is 1-ulp accurate; NumPy's float32 pow: ~80 %
