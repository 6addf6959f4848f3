"""The rearranged matrix products of a one-output Linear on many short rows (`nn.skinny_matmul`).

They only run from MIN_ROWS rows on, so these tests use that many rows (and a few more, for the leftover rows
that do not fill a group), and compare with a float64 product, with torch, and with NaN/inf rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.nn import skinny_matmul
from tinygrad_lr.nn.skinny_matmul import MIN_ROWS, grad_t_times_rows, rows_times_weight_t

FEATURES = [1, 2, 3, 4, 5, 7, 10, 12, 13]
ROWS = [MIN_ROWS, MIN_ROWS + 1, MIN_ROWS + 3, 3 * MIN_ROWS + 5, 100]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", FEATURES)
@pytest.mark.parametrize("n", ROWS)
def test_products_equal_the_plain_products(dtype: type, d: int, n: int) -> None:
    rng = np.random.default_rng(d * 1000 + n)
    x = rng.standard_normal((n, d)).astype(dtype)
    g = rng.standard_normal((n, 1)).astype(dtype)
    for out_features in (1, 3):
        w = rng.standard_normal((out_features, d)).astype(dtype)
        forward = rows_times_weight_t(x, w)
        gradient = grad_t_times_rows(g if out_features == 1 else np.repeat(g, out_features, 1), x)
        assert forward.dtype == dtype and gradient.dtype == dtype
        assert forward.shape == (n, out_features) and gradient.shape == (out_features, d)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        x64 = x.astype(np.float64)
        np.testing.assert_allclose(forward, x64 @ w.T.astype(np.float64), rtol=tol, atol=tol * np.sqrt(d))
        expected = np.repeat(g, out_features, 1).T.astype(np.float64) @ x64
        np.testing.assert_allclose(gradient, expected, rtol=tol, atol=tol * np.sqrt(n))


@pytest.mark.parametrize("d", [2, 5, 10])
def test_non_finite_rows_do_not_leak_into_their_neighbours(d: int) -> None:
    rng = np.random.default_rng(d)
    n = MIN_ROWS + 1
    x = rng.standard_normal((n, d)).astype(np.float32)
    x[6, 0] = np.nan
    x[11, d - 1] = np.inf
    w = rng.standard_normal((1, d)).astype(np.float32)
    g = rng.standard_normal((n, 1)).astype(np.float32)
    with np.errstate(invalid="ignore"):
        plain_forward, plain_gradient = x @ w.T, g.T @ x
    forward = rows_times_weight_t(x, w)
    gradient = grad_t_times_rows(g, x)
    np.testing.assert_array_equal(np.isfinite(forward), np.isfinite(plain_forward))
    assert np.isnan(forward[6, 0]) and np.isinf(forward[11, 0]) and np.isfinite(forward[[7, 10, 12]]).all()
    np.testing.assert_allclose(forward[np.isfinite(plain_forward)], plain_forward[np.isfinite(plain_forward)],
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(np.isnan(gradient), np.isnan(plain_gradient))
    finite = np.isfinite(plain_gradient)
    np.testing.assert_allclose(gradient[finite], plain_gradient[finite], rtol=1e-4, atol=1e-3)


def test_strided_rows_use_the_plain_product() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((MIN_ROWS, 20)).astype(np.float32)[:, ::2]  # not contiguous: no reshape view
    w = rng.standard_normal((1, 10)).astype(np.float32)
    np.testing.assert_allclose(rows_times_weight_t(x, w), x @ w.T, rtol=1e-6, atol=1e-6)
    g = rng.standard_normal((MIN_ROWS, 1)).astype(np.float32)
    np.testing.assert_allclose(grad_t_times_rows(g, x), g.T @ x, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("d", [1, 3, 10])
def test_large_linear_regression_step_matches_torch(dtype: str, d: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(d)
    n = 2 * MIN_ROWS + 1
    x = rng.standard_normal((n, d)).astype(dtype)
    y = rng.standard_normal((n, 1)).astype(dtype)
    w = rng.standard_normal((1, d)).astype(dtype)
    b = rng.standard_normal((1,)).astype(dtype)

    ours = nn.Linear(d, 1, dtype=getattr(tg, dtype))
    theirs = torch.nn.Linear(d, 1, dtype=getattr(torch, dtype))
    with tg.no_grad():
        ours.weight.copy_(tg.from_numpy(w))
        ours.bias.copy_(tg.from_numpy(b))
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(w))
        theirs.bias.copy_(torch.from_numpy(b))
    loss = nn.MSELoss()(ours(tg.from_numpy(x)), tg.from_numpy(y))
    loss.backward()
    torch_loss = torch.nn.MSELoss()(theirs(torch.from_numpy(x)), torch.from_numpy(y))
    torch_loss.backward()

    tol = 1e-5 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(loss.item(), torch_loss.item(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("d", [2, 5, 10])
def test_many_chunks_with_a_bias_equal_the_plain_products(d: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny chunks, so both products go through many of them and a partial last one.
    monkeypatch.setattr(skinny_matmul, "OUT_CHUNK_BYTES", 1000)
    monkeypatch.setattr(skinny_matmul, "CHUNK_BYTES", 1000)
    rng = np.random.default_rng(d)
    n = 3 * MIN_ROWS + 7
    x = rng.standard_normal((n, d))
    w, b, g = rng.standard_normal((1, d)), rng.standard_normal(1), rng.standard_normal((n, 1))
    np.testing.assert_allclose(rows_times_weight_t(x, w, b), x @ w.T + b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad_t_times_rows(g, x), g.T @ x, rtol=1e-12, atol=1e-10)
    x[n - 10, 0] = np.inf  # in the last chunk: found there, and everything recomputed the plain way
    with np.errstate(invalid="ignore"):
        forward = rows_times_weight_t(x, w, b)
        plain = x @ w.T + b
    np.testing.assert_array_equal(np.isfinite(forward), np.isfinite(plain))
    assert np.isfinite(forward[[n - 11, n - 9]]).all()
