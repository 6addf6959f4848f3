"""MSE loss on many elements (`nn.fused_ops.MSELoss` above SQUARES_CHUNK): the loss is summed block by block,
and when a gradient will be wanted, forward also writes the gradient for g = 1 (a plain `loss.backward()`).

These check that path against torch, and that the precomputed gradient is only handed on once, so nothing
that held a gradient from one backward sees it change in the next.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.nn.fused_ops import SQUARES_CHUNK

N = 2 * SQUARES_CHUNK + 3  # more than two blocks, the last one partial


def _data(dtype: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, 1)).astype(dtype), rng.standard_normal((N, 1)).astype(dtype)


@pytest.mark.slow  # 16 runs on arrays of millions of elements, each against torch: ~1-2 s in all
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("target_requires_grad", [False, True])
@pytest.mark.parametrize("upstream", [None, 2.5])
def test_loss_and_gradients_match_torch(dtype: str, reduction: str, target_requires_grad: bool,
                                        upstream: float | None) -> None:
    torch = require_torch()
    x, y = _data(dtype)
    ours_x, ours_y = tg.tensor(x, requires_grad=True), tg.tensor(y, requires_grad=target_requires_grad)
    theirs_x, theirs_y = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=target_requires_grad)
    ours = nn.functional.mse_loss(ours_x, ours_y, reduction=reduction)
    theirs = torch.nn.functional.mse_loss(theirs_x, theirs_y, reduction=reduction)
    if upstream is None:
        ours.backward()
        theirs.backward()
    else:
        ours.backward(tg.tensor(upstream, dtype=ours.dtype))
        theirs.backward(torch.tensor(upstream, dtype=theirs.dtype))
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=tol)
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=tol, atol=tol * 1e-3)
    if target_requires_grad:
        np.testing.assert_allclose(ours_y.grad.numpy(), theirs_y.grad.numpy(), rtol=tol, atol=tol * 1e-3)
    else:
        assert ours_y.grad is None


def test_a_retained_graph_gives_the_same_gradient_each_time() -> None:
    x, y = _data("float32", seed=1)
    w = tg.tensor(x, requires_grad=True)
    loss = nn.functional.mse_loss(w, tg.tensor(y))
    (first,) = tg.autograd.grad(loss, w, retain_graph=True)
    expected = first.numpy().copy()
    first.numpy()[:] = 123.0  # the caller owns what it was given: changing it must not reach the graph
    (second,) = tg.autograd.grad(loss, w, retain_graph=True)
    loss.backward()
    np.testing.assert_array_equal(second.numpy(), expected)
    np.testing.assert_array_equal(w.grad.numpy(), expected)
    np.testing.assert_allclose(expected, 2 * (x - y) / N, rtol=1e-6)


def test_no_gradient_array_without_a_graph() -> None:
    x, y = _data("float32", seed=2)
    with tg.no_grad():
        loss = nn.functional.mse_loss(tg.tensor(x, requires_grad=True), tg.tensor(y))
    assert loss.grad_fn is None
    np.testing.assert_allclose(loss.item(), np.mean((x.astype(np.float64) - y) ** 2), rtol=1e-5)


def test_changing_the_target_in_place_after_forward_is_refused() -> None:
    x, y = _data("float32", seed=3)
    w, target = tg.tensor(x, requires_grad=True), tg.tensor(y)
    loss = nn.functional.mse_loss(w, target)
    target.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()
