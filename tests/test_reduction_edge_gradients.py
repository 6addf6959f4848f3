"""Gradients of norm, std and var where the textbook formula divides by zero: torch's subgradient 0 for a zero
vector or a constant row, NaN (with torch's warning) when no degree of freedom is left (issue 16 items 2, 7)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg

P_VALUES = [2, 3, 1.5, 1, 0.5, "fro", float("inf"), -float("inf"), 0]


def both(torch: Any, data: Any, run: Any) -> tuple[Any, Any]:
    """run(module, x) in torch and in tinygrad_lr on a leaf made from `data`: (values, grads) of each."""
    results = []
    for module in (torch, tg):
        x = module.tensor(data, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the degrees-of-freedom warning, tested below
            out = run(module, x)
            out.sum().backward()
        grad = None if x.grad is None else np.asarray(x.grad.tolist())
        results.append((np.asarray(out.tolist()), grad))
    return results[0], results[1]


def assert_same(theirs: tuple[Any, Any], ours: tuple[Any, Any]) -> None:
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6, equal_nan=True)
    if theirs[1] is None:
        assert ours[1] is None
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6, atol=1e-7, equal_nan=True)


@pytest.mark.parametrize("p", P_VALUES, ids=str)
def test_the_norm_of_a_zero_vector_has_torchs_zero_gradient(torch, p: Any) -> None:  # type: ignore[no-untyped-def]
    assert_same(*both(torch, [0.0, 0.0], lambda m, x: x.norm(p=p)))
    rows = [[0.0, 1.0, -2.0], [0.0, 0.0, 0.0]]  # one zero row must not poison the other's gradient
    assert_same(*both(torch, rows, lambda m, x: x.norm(p=p, dim=1)))
    assert_same(*both(torch, rows, lambda m, x: x.norm(p=p, dim=0, keepdim=True)))


def test_the_default_norm_of_zeros_trains_instead_of_giving_nan() -> None:
    x = tg.zeros(2, requires_grad=True)
    x.norm().backward()
    assert x.grad.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("correction", [0, 1])
def test_std_of_a_constant_row_has_torchs_gradient(torch, correction: int) -> None:  # type: ignore[no-untyped-def]
    rows = [[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]
    assert_same(*both(torch, rows, lambda m, x: x.std(dim=1, correction=correction)))
    assert_same(*both(torch, rows, lambda m, x: x.std(dim=1, keepdim=True, correction=correction)))
    assert_same(*both(torch, [[5.0, 5.0]], lambda m, x: x.std()))


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std_of_one_element_give_nan_gradients_with_torchs_warning(torch, name: str) -> None:  # type: ignore[no-untyped-def]
    assert_same(*both(torch, [3.0], lambda m, x: getattr(x, name)()))
    assert_same(*both(torch, [[3.0], [4.0]], lambda m, x: getattr(x, name)(dim=1)))
    with pytest.warns(UserWarning) as theirs:
        getattr(torch.tensor([3.0]), name)()
    expected = str(theirs[0].message).split(" (Triggered internally")[0]
    with pytest.warns(UserWarning, match="degrees of freedom") as ours:
        getattr(tg.tensor([3.0]), name)()
    assert str(ours[0].message) == expected and ours[0].filename == __file__
