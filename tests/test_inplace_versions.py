"""backward refuses arrays that were changed in place after an op saved them, as torch does."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tl
from tinygrad_lr import nn
from tinygrad_lr.autograd import versions

MODIFIED = "modified by an inplace operation"


def test_changing_a_saved_output_in_place_makes_backward_raise() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x.sigmoid()  # Sigmoid saves its output
    with tl.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED) as error:
        y.sum().backward()
    assert "SigmoidBackward0" in str(error.value) and "[float32 [2]]" in str(error.value)


def test_changing_a_saved_input_through_a_view_is_caught() -> None:
    w = tl.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    loss = (w.T * 3.0 * w.T).sum()  # Mul saves the transposed view of w
    with tl.no_grad():
        w[0, 0] = 10.0
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


@pytest.mark.parametrize("layers", [1, 2])
def test_optimizer_step_between_two_backwards_of_a_retained_graph_as_torch(layers: int) -> None:
    """One Linear on a plain input saves no weight (dx is not needed): torch allows the second backward.
    Two layers: the second layer's weight is saved for the hidden layer's gradient: torch refuses."""
    torch = require_torch()
    outcomes = []
    for lib in (tl, torch):
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
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    with tl.no_grad():
        w.add_(1.0)  # before the op records: fine
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    w.data -= 0.5  # `.data` is torch's escape hatch: not tracked
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), [2 * 2 + 2 * 1.5, 2 * 3 + 2 * 2.5])


def test_ops_that_save_nothing_do_not_care() -> None:
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1.0
    with tl.no_grad():
        x.mul_(3)  # Add saved nothing: its gradient does not depend on x's value
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_training_loop_keeps_working_and_the_table_forgets_freed_arrays() -> None:
    model = nn.Linear(3, 1)
    optimizer = tl.optim.SGD(model.parameters(), lr=0.01)
    x, y = tl.randn(8, 3), tl.randn(8, 1)
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
