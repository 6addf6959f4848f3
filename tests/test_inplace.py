"""In-place ops, as torch has them.

In a graph they are recorded as torch records them: the memory changes in place and the Value's grad_fn becomes the
op's node (each case runs the same code with torch and compares values and gradients). And backward refuses arrays
that were changed in place after an op saved them (autograd/versions.py), as torch does. One implementation
(ops/inplace.py) serves Value methods, the table's `_` variants, `nn.functional`'s `inplace=True`, `.data` and the
random fills.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.autograd import versions
from tinygrad_lr.nn import functional as F

MODIFIED = "modified by an inplace operation"


def _chain_on_a_non_leaf(lib: Any, x: Any, w: Any) -> Any:
    y = x * 2.0
    y.add_(w)
    y.mul_(3.0)
    y.sub_(x, alpha=0.5)
    y.div_(w + 2.0)
    y *= w
    y += x
    return (y * y).sum()


def _plain_buffer_takes_a_gradient(lib: Any, x: Any, w: Any) -> Any:
    buffer = lib.zeros(3, dtype=lib.float64)  # a leaf that needs no gradient ...
    buffer.add_(w)  # ... becomes part of the graph, so w gets the gradient through it
    buffer.mul_(x)
    return (buffer * buffer).sum() + (buffer * x).sum()


def _copy_into_a_buffer(lib: Any, x: Any, w: Any) -> Any:
    buffer = lib.zeros(2, 3, dtype=lib.float64)
    buffer.copy_(w)  # broadcast (3,) -> (2, 3): w's gradient is summed over the copies
    return (buffer * x).sum() + (buffer**2).sum()


def _inplace_relu_in_a_graph(lib: Any, x: Any, w: Any) -> Any:
    h = x * w - 0.5
    out = lib.nn.functional.relu(h, inplace=True)
    assert out is h
    return (out * w).sum()


def _second_order_through_an_inplace_op(lib: Any, x: Any, w: Any) -> Any:
    y = x * x
    y.mul_(w)
    (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
    return (g * g).sum()


def _fill_zero_and_copy_in_a_graph(lib: Any, x: Any, w: Any) -> Any:
    y = x * 2.0
    y.zero_()  # the old value gets a zero gradient
    z = x * 3.0
    z.fill_((w * w).sum())  # a one-element Value: its gradient is the sum of z's
    c = w * 1.0
    c.copy_(x.exp())  # a constant-free copy: the gradient flows to x only
    k = x * 1.0
    k.copy_(lib.tensor(0.5, dtype=lib.float64))  # a constant: no gradient to x through k
    return (y + 1.0).sum() + (z * x).sum() + (c * c).sum() + (k * x).sum()


CASES: dict[str, Callable[[Any, Any, Any], Any]] = {
    "fill_, zero_ and copy_ in a graph": _fill_zero_and_copy_in_a_graph,
    "chain on a non-leaf": _chain_on_a_non_leaf,
    "plain buffer takes a gradient": _plain_buffer_takes_a_gradient,
    "copy_ into a buffer": _copy_into_a_buffer,
    "relu(inplace=True) in a graph": _inplace_relu_in_a_graph,
    "second order through an in-place op": _second_order_through_an_inplace_op,
}

X = np.array([0.4, -1.3, 2.2])
W = np.array([1.5, 0.7, -0.2])


def _run(lib: Any, build: Callable[[Any, Any, Any], Any]) -> list[np.ndarray]:
    x = lib.tensor(X.copy(), requires_grad=True)
    w = lib.tensor(W.copy(), requires_grad=True)
    loss = build(lib, x, w)
    loss.backward()
    return [np.asarray(loss.item()), x.grad.detach().numpy().copy(), w.grad.detach().numpy().copy()]


@pytest.mark.parametrize("name", sorted(CASES))
def test_inplace_ops_in_a_graph_match_torch(name: str) -> None:
    torch = require_torch()
    ours, theirs = _run(tg, CASES[name]), _run(torch, CASES[name])
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_inplace_op_changes_the_memory_and_makes_a_non_leaf() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    shared = y.detach()  # shares y's memory, as in torch
    assert y.add_(1.0) is y
    assert shared.tolist() == [3.0, 5.0]
    assert not y.is_leaf and y.grad_fn.name() == "AddBackward0"

    buffer = tg.zeros(2)
    buffer.add_(x)
    assert buffer.requires_grad and not buffer.is_leaf


def test_inplace_op_casts_the_result_to_the_values_dtype_like_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, 0.25], dtype=lib.float32, requires_grad=True)
        y = x * 1.0
        y.add_(w * w)
        assert y.dtype == lib.float64
        (y * y).sum().backward()
        assert w.grad.dtype == lib.float32
        results.append((x.grad.numpy().copy(), w.grad.numpy().copy()))
    for got, expected in zip(*results):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_changing_a_saved_value_in_a_graph_makes_backward_raise_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()  # Exp saves its output
        y.add_(1.0)
        with pytest.raises(RuntimeError, match=MODIFIED):
            y.sum().backward()


def test_operand_saved_before_it_changed_in_place_is_caught() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    h = x * 1.0
    product = h * w  # saves h for w's gradient
    h.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        product.sum().backward()


def test_inplace_on_a_view_in_a_graph_is_refused_but_augmented_assignment_works() -> None:
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    view = (x * 2.0).T
    with pytest.raises(RuntimeError, match="shares memory with another"):
        view.add_(1.0)
    view += 1.0  # a new node instead: same values and gradients
    (view * view).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4.0 * (2.0 * x.detach().numpy() + 1.0))


def test_inplace_shape_and_dtype_errors_in_a_graph_use_torchs_words() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    with pytest.raises(RuntimeError, match=r"output with shape \[2\] doesn't match the broadcast shape \[3, 2\]"):
        y.add_(tg.ones(3, 2))
    counts = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        counts.add_(x)
    assert y.tolist() == [1.0, 2.0] and counts.tolist() == [1, 2]


def test_functional_inplace_leaf_rule_is_unchanged() -> None:
    leaf = tg.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.relu(leaf, inplace=True)


def test_item_assignment_records_like_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        w = lib.tensor([2.0, 3.0], requires_grad=True)
        x = lib.zeros(4)  # a plain buffer: assigning w into it makes it part of the graph
        x[0] = w[0] * 2
        x[2:] = w
        y = x * 1.0
        y[y > 3] = 0.5  # a mask on a non-leaf
        (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
        assert x.requires_grad and not x.is_leaf
        results.append(w.grad.numpy().copy())
    np.testing.assert_array_equal(results[0], results[1])


def test_item_assignment_into_a_leaf_that_requires_grad_is_refused() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w[0] = 5.0
    with tg.no_grad():
        w[0] = 5.0
    assert w.tolist() == [5.0, 2.0]


# ----- saved arrays changed in place (version counters) ---------------------------------------------------------
def test_changing_a_saved_output_in_place_makes_backward_raise() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()  # Sigmoid saves its output
    with tg.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED) as error:
        y.sum().backward()
    assert "SigmoidBackward0" in str(error.value) and "[float32 [2]]" in str(error.value)


def test_changing_a_saved_input_through_a_view_is_caught() -> None:
    w = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = (w.T * 3.0 * w.T).sum()  # Mul saves the transposed view of w
    with tg.no_grad():
        w[0, 0] = 10.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


@pytest.mark.parametrize("layers", [1, 2])
def test_optimizer_step_between_two_backwards_of_a_retained_graph_as_torch(layers: int) -> None:
    """One Linear on a plain input saves no weight (dx is not needed): torch allows the second backward.
    Two layers: the second layer's weight is saved for the hidden layer's gradient: torch refuses."""
    torch = require_torch()
    outcomes = []
    for lib in (tg, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(*[lib.nn.Linear(2, 2) for _ in range(layers)])
        optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
        loss = (model(lib.tensor([[1.0, 2.0]])) ** 2).sum()
        loss.backward(retain_graph=True)
        optimizer.step()
        try:
            loss.backward()
            outcomes.append("allowed")
        except RuntimeError as error:
            assert MODIFIED in str(error)
            outcomes.append("refused")
    assert outcomes == ["allowed", "allowed"] if layers == 1 else ["refused", "refused"]


def test_changes_before_the_forward_pass_and_through_data_are_allowed() -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        w.add_(1.0)  # before the op records: fine
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    w.data -= 0.5  # `.data` is torch's escape hatch: not tracked
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), [2 * 2 + 2 * 1.5, 2 * 3 + 2 * 2.5])


def test_ops_that_save_nothing_do_not_care() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1.0
    with tg.no_grad():
        x.mul_(3)  # Add saved nothing: its gradient does not depend on x's value
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_training_loop_keeps_working_and_the_table_forgets_freed_arrays() -> None:
    model = nn.Linear(3, 1)
    optimizer = tg.optim.SGD(model.parameters(), lr=0.01)
    x, y = tg.randn(8, 3), tg.randn(8, 1)
    for _ in range(5):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert versions.CHANGES  # the parameters were changed in place
    tracked = len(versions.CHANGES)
    del model, optimizer, loss
    gc.collect()
    assert len(versions.CHANGES) <= tracked - 2  # weight and bias left with their arrays


# ----- one implementation behind every in-place form (ops/inplace.py) --------------------------------------------
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


# fill_'s value: a number or a 0-d tensor; anything else gets torch's words (not NumPy's, not a silent nan)
_FILL_VALUES = {
    "a 1-d tensor": lambda lib: lib.ones(1),
    "a 3-d tensor": lambda lib: lib.ones(1, 1, 1),
    "None": lambda lib: None,
    "a list": lambda lib: [1.0],
    "a mixed list": lambda lib: [1, "a"],
    "a tuple": lambda lib: (1, 2.0),
    "a string": lambda lib: "a",
    "an ndarray": lambda lib: np.array(3.0),
}


@pytest.mark.parametrize("value", list(_FILL_VALUES))
def test_fill_with_a_value_that_is_not_a_number_raises_torchs_error(torch: Any, value: str) -> None:
    make = _FILL_VALUES[value]
    assert_same_error(lambda: torch.zeros(3).fill_(make(torch)), lambda: tg.zeros(3).fill_(make(tg)))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8"])
def test_fill_with_a_complex_number_into_a_real_dtype_raises_torchs_error(torch: Any, dtype: str) -> None:
    assert_same_error(lambda: torch.zeros(3, dtype=getattr(torch, dtype)).fill_(1 + 2j),
                      lambda: tg.zeros(3, dtype=getattr(tg, dtype)).fill_(1 + 2j))


@pytest.mark.parametrize("value", [2, 2.5, True, 1 + 0j, np.float32(2.5), "0-d tensor"])
def test_fill_with_a_number_or_a_0d_tensor_fills_as_torch_does(torch: Any, value: Any) -> None:
    for dtype in ("float32", "int64", "bool"):
        results = []
        for lib in (torch, tg):
            fill = lib.tensor(2.5) if isinstance(value, str) else value
            results.append(lib.zeros(3, dtype=getattr(lib, dtype)).fill_(fill).numpy())
        assert results[1].dtype == results[0].dtype
        np.testing.assert_array_equal(results[1], results[0])
