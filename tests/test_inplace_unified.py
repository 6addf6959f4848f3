"""One in-place implementation (ops/inplace.py) behind Value methods, the table's `_` variants, `nn.functional`'s
`inplace=True`, `.data` and the random fills, each checked against torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg
import tinygrad_lr.nn.functional as F

X0 = [0.5, -1.0, 2.0]


def _grad_after_data_change(lib: Any, functional: Any, change: Callable[[Any, Any], Any]) -> np.ndarray:
    """x.exp() saves x's memory; `change` alters it through `.data`; backward runs (it must not raise)."""
    x = lib.tensor(X0, requires_grad=True)
    y = (x * x).sum()  # Mul saves x itself
    change(functional, x.data)
    y.backward()
    return np.asarray(x.grad.detach().numpy() if hasattr(x.grad, "detach") else x.grad)


@pytest.mark.parametrize(
    "change",
    [
        lambda f, d: f.relu(d, inplace=True),
        lambda f, d: d.mul_(2),
        lambda f, d: d.add_(1.0),
        lambda f, d: d.fill_(3.0),
        lambda f, d: d.relu_(),
        lambda f, d: d.exp_(),
    ],
    ids=["F.relu(inplace)", "mul_", "add_", "fill_", "relu_", "exp_"],
)
def test_an_in_place_change_through_data_does_not_make_backward_raise(torch: Any, change: Any) -> None:
    """torch's `.data` has a version counter of its own: the graph never sees the change (and uses the new values)."""
    theirs = _grad_after_data_change(torch, torch.nn.functional, change)
    ours = _grad_after_data_change(tg, F, change)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_an_in_place_change_of_the_value_itself_still_makes_backward_raise(torch: Any) -> None:
    def run(lib: Any, functional: Any) -> Any:
        x = lib.tensor(X0, requires_grad=True)
        h = x * 1.0
        y = (h * h).sum()
        functional.relu(h, inplace=True)  # recorded: h's old value, saved by the Mul, is gone
        y.backward()

    message = "one of the variables needed for gradient computation has been modified by an inplace operation"
    with pytest.raises(RuntimeError, match=message):
        run(torch, torch.nn.functional)
    with pytest.raises(RuntimeError, match=message):  # (ours then names the change in its own words)
        run(tg, F)


@pytest.mark.parametrize("fill", ["uniform_", "normal_"])
def test_a_random_fill_of_a_non_leaf_is_recorded_as_torch_does(torch: Any, fill: str) -> None:
    """The fill replaces the values: no gradient reaches what was there before (torch: zeros), no error."""
    results = []
    for lib in (torch, tg):
        x = lib.tensor(X0, requires_grad=True)
        h = x * 2.0
        getattr(h, fill)()
        (h * 3.0).sum().backward()
        results.append(np.asarray(x.grad.detach().numpy() if lib is torch else x.grad._data))
    np.testing.assert_array_equal(results[1], results[0])
    assert not results[1].any()


@pytest.mark.parametrize("fill", ["uniform_", "normal_"])
def test_a_random_fill_of_a_leaf_that_requires_grad_raises_torchs_error(torch: Any, fill: str) -> None:
    assert_same_error(
        lambda: getattr(torch.tensor(X0, requires_grad=True), fill)(),
        lambda: getattr(tg.tensor(X0, requires_grad=True), fill)(),
    )


@pytest.mark.parametrize("name", ["relu_", "exp_", "sigmoid_", "tanh_", "clamp_", "abs_", "log1p_"])
def test_a_variant_from_the_table_records_as_torchs_in_place_op(torch: Any, name: str) -> None:
    args = (-0.5, 0.5) if name == "clamp_" else ()
    results = []
    for lib in (torch, tg):
        x = lib.tensor(X0, requires_grad=True)
        h = x * 1.0
        out = getattr(h, name)(*args)
        assert out is h
        (h * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        grad = x.grad.detach().numpy() if lib is torch else x.grad._data
        results.append((h.grad_fn.name(), np.asarray(h.detach().numpy() if lib is torch else h._data), grad))
    assert results[1][0] == results[0][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-6)
    np.testing.assert_allclose(results[1][2], results[0][2], rtol=1e-6)


def test_a_variant_on_a_leaf_that_requires_grad_raises_torchs_error(torch: Any) -> None:
    assert_same_error(
        lambda: torch.tensor(X0, requires_grad=True).exp_(), lambda: tg.tensor(X0, requires_grad=True).exp_()
    )
    assert_same_error(
        lambda: torch.nn.functional.relu(torch.tensor(X0, requires_grad=True), inplace=True),
        lambda: F.relu(tg.tensor(X0, requires_grad=True), inplace=True),
    )


def test_f_leaky_relu_takes_inplace_by_position_and_f_tanh_does_not(torch: Any) -> None:
    x = tg.tensor(X0)
    assert F.leaky_relu(x, 0.1, True) is x
    np.testing.assert_allclose(x._data, [0.5, -0.1, 2.0], rtol=1e-6)
    with pytest.raises(TypeError):
        torch.nn.functional.tanh(torch.tensor(X0), True)
    with pytest.raises(TypeError):
        F.tanh(tg.tensor(X0), True)
