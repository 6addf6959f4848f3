"""SGD's in-place update of a large parameter, block by block (`optimizer.subtract_scaled`): the same numbers, and
torch's (one rounding per element, as its fused multiply-add kernel)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.optim.optimizer import CHUNK, subtract_scaled


@pytest.mark.parametrize("n", [4 * CHUNK - 1, 4 * CHUNK, 5 * CHUNK + 7])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_subtract_scaled_equals_the_one_line_form(n: int, dtype: type) -> None:
    rng = np.random.default_rng(n)
    data = rng.standard_normal((n, 1)).astype(dtype)
    update = rng.standard_normal((n, 1)).astype(dtype)
    if dtype is np.float32:  # rounded once: the exact float64 sum of data and the float32 product, then float32
        expected = (data.astype(np.float64) - np.float64(np.float32(0.37)) * update).astype(np.float32)
    else:
        expected = data - 0.37 * update
    subtract_scaled(data, update, 0.37)
    np.testing.assert_array_equal(data, expected)


def test_subtract_scaled_on_strided_arrays() -> None:
    rng = np.random.default_rng(0)
    data = rng.standard_normal((8 * CHUNK, 2))[:, 0]
    update = rng.standard_normal(8 * CHUNK)
    expected = data - 0.5 * update
    subtract_scaled(data, update, 0.5)
    np.testing.assert_array_equal(data, expected)


@pytest.mark.slow  # parameters of several chunks, stepped against torch: ~1 s
@pytest.mark.parametrize("options", [{}, {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}])
def test_sgd_on_a_large_parameter_matches_torch(options: dict) -> None:
    torch = require_torch()
    rng = np.random.default_rng(1)
    start = rng.standard_normal((300, 500)).astype(np.float32)
    ours = tg.tensor(start.copy(), requires_grad=True)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    ours_opt = tg.optim.SGD([ours], lr=0.1, **options)
    theirs_opt = torch.optim.SGD([theirs], lr=0.1, **options)
    for _ in range(3):
        grad = rng.standard_normal(start.shape).astype(np.float32)
        ours.grad = tg.tensor(grad)
        theirs.grad = torch.from_numpy(grad.copy())
        ours_opt.step()
        theirs_opt.step()
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


@pytest.mark.parametrize("n", [1, 5, 21, 4 * CHUNK + 3])
def test_subtract_scaled_rounds_as_torch_s_add_with_alpha(n: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(n)
    data = rng.standard_normal(n).astype(np.float32)
    update = (rng.standard_normal(n) * 100).astype(np.float32)
    expected = torch.from_numpy(data.copy()).add_(torch.from_numpy(update), alpha=-1e-3).numpy()
    subtract_scaled(data, update, 1e-3)
    np.testing.assert_array_equal(data, expected)
