"""nn.utils.clip_grad_norm_ / clip_grad_value_, and the free functions mm, dot, outer, isclose, allclose: vs torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg

W = np.array([[0.5, -1.5, 2.0], [3.0, 0.25, -0.75]])


def _clipped(lib: Any, dtype: Any, clip: Any) -> list[np.ndarray]:
    layer = lib.nn.Linear(3, 2).to(dtype)
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(W))
        layer.bias.fill_(0.5)
    (layer(lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), dtype=dtype)) ** 2).sum().backward()
    total = clip(lib, layer)
    grads = [p.grad.numpy().copy() for p in layer.parameters()]
    return grads + ([] if total is None else [total.numpy().copy()])


CLIPS = {
    "norm 2, clipped": lambda lib, m: lib.nn.utils.clip_grad_norm_(m.parameters(), 1.0),
    "norm 2, not clipped": lambda lib, m: lib.nn.utils.clip_grad_norm_(m.parameters(), 1e6),
    "norm inf": lambda lib, m: lib.nn.utils.clip_grad_norm_(m.parameters(), 2.0, norm_type=float("inf")),
    "norm 1": lambda lib, m: lib.nn.utils.clip_grad_norm_(m.parameters(), 2.0, norm_type=1),
    "one parameter": lambda lib, m: lib.nn.utils.clip_grad_norm_(m.weight, 0.5),
    "value": lambda lib, m: lib.nn.utils.clip_grad_value_(m.parameters(), 0.3),
}


@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CLIPS))
def test_gradient_clipping_matches_torch(name: str, dtype_name: str) -> None:
    torch = require_torch()
    ours = _clipped(tg, getattr(tg, dtype_name), CLIPS[name])
    theirs = _clipped(torch, getattr(torch, dtype_name), CLIPS[name])
    assert len(ours) == len(theirs)
    for got, expected in zip(ours, theirs):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype_name == "float32" else 1e-12)


def test_clip_grad_norm_without_gradients_and_with_a_non_finite_norm() -> None:
    torch = require_torch()
    assert tg.nn.utils.clip_grad_norm_(tg.nn.Linear(2, 1).parameters(), 1.0).item() == 0.0
    for lib in (tg, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        w.grad = lib.tensor([float("inf"), 1.0])
        with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-fi"):
            lib.nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def _products(lib: Any) -> list[Any]:
    a = lib.tensor([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([[2.0, 1.0], [-1.0, 0.5], [0.25, 4.0]], dtype=lib.float64, requires_grad=True)
    u = lib.tensor([1.0, -2.0, 0.5], dtype=lib.float64, requires_grad=True)
    v = lib.tensor([3.0, 1.0, 2.0], dtype=lib.float64, requires_grad=True)
    total = lib.mm(a, b).sum() + lib.dot(u, v) * 2 + (lib.outer(u, v[:2]) ** 2).sum()
    total.backward()
    return [total.item(), a.grad, b.grad, u.grad, v.grad]


def test_mm_dot_outer_match_torch() -> None:
    torch = require_torch()
    ours, theirs = _products(tg), _products(torch)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    for got, expected in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)),
        lambda lib: lib.mm(lib.ones(2, 3), lib.ones(2, 2)),
        lambda lib: lib.dot(lib.ones(2, 2), lib.ones(2)),
        lambda lib: lib.dot(lib.ones(2), lib.ones(3)),
        lambda lib: lib.dot(lib.ones(2), lib.ones(2, dtype=lib.float64)),
        lambda lib: lib.outer(lib.ones(2, 2), lib.ones(2)),
        lambda lib: lib.allclose(lib.ones(2), lib.ones(2, dtype=lib.float64)),
    ],
)
def test_product_and_comparison_errors_use_torchs_words(call: Any) -> None:
    torch = require_torch()
    assert_same_error(lambda: call(torch), lambda: call(tg))


def test_isclose_and_allclose_match_torch() -> None:
    torch = require_torch()
    a, b = [1.0, 2.0, float("nan"), 1e-9], [1.0 + 1e-9, 2.1, float("nan"), 0.0]
    for kwargs in ({}, {"equal_nan": True}, {"rtol": 0.1}, {"atol": 1e-12}):
        ours = tg.isclose(tg.tensor(a), tg.tensor(b), **kwargs)
        theirs = torch.isclose(torch.tensor(a), torch.tensor(b), **kwargs)
        assert ours.tolist() == theirs.tolist() and not ours.requires_grad
        expected = torch.allclose(torch.tensor(a), torch.tensor(b), **kwargs)
        assert tg.allclose(tg.tensor(a), tg.tensor(b), **kwargs) == expected


def test_dot_checks_the_dtypes_before_the_lengths_like_torch() -> None:
    torch = require_torch()
    assert_same_error(
        lambda: torch.dot(torch.ones(2), torch.ones(3, dtype=torch.float64)),
        lambda: tg.dot(tg.ones(2), tg.ones(3, dtype=tg.float64)),
    )
