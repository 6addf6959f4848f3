"""Reused large arrays (nn/scratch.py): the gradient of large MSE losses and the output of a one-output Linear on
many rows, reused only when nobody else holds them."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.nn import scratch

pytestmark = pytest.mark.skipif(not scratch.ENABLED, reason="the cache is off on this Python")

ROWS = 300_000  # a gradient of 1.2 MB: above scratch.MIN_BYTES


def test_a_free_array_is_handed_out_again_and_a_held_one_is_not() -> None:
    first = scratch.empty((ROWS,), np.float32)
    first_id = id(first)
    del first
    again = scratch.empty((ROWS,), np.float32)
    assert id(again) == first_id  # nobody held it: the same array
    other = scratch.empty((ROWS,), np.float32)
    assert other is not again  # `again` is still held here


def test_small_arrays_are_not_cached() -> None:
    small = scratch.empty((10,), np.float32)
    small_id = id(small)
    del small
    assert all(id(array) != small_id for array in scratch._arrays.values())


def test_a_gradient_kept_by_a_hook_is_not_overwritten_by_the_next_step() -> None:
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((ROWS, 1)).astype(np.float32))
    y = tg.tensor(rng.standard_normal((ROWS, 1)).astype(np.float32))
    model = nn.Linear(1, 1)
    kept = []
    for step in range(3):  # no optimizer step: the model stays the same, only the target changes
        prediction = model(x)
        prediction.register_hook(kept.append)  # keeps each step's d loss / d prediction
        nn.MSELoss()(prediction, y * (step + 1)).backward()
    with tg.no_grad():
        for step in range(3):
            expected = 2 * (model(x) - y * (step + 1)) / ROWS
            np.testing.assert_allclose(kept[step].numpy(), expected.numpy(), rtol=1e-5, atol=1e-12)


def test_autograd_grad_results_survive_later_steps() -> None:
    rng = np.random.default_rng(1)
    target = tg.tensor(rng.standard_normal(ROWS).astype(np.float32))
    w = tg.tensor(rng.standard_normal(ROWS).astype(np.float32), requires_grad=True)
    (first,) = tg.autograd.grad(nn.functional.mse_loss(w, target), w)  # the loss's own gradient array
    snapshot = first.numpy().copy()
    for scale in (2.0, 3.0):
        (later,) = tg.autograd.grad(nn.functional.mse_loss(w, target * scale), w)
    np.testing.assert_array_equal(first.numpy(), snapshot)
    expected = 2 * (w.detach().numpy() - 3.0 * target.numpy()) / ROWS
    np.testing.assert_allclose(later.numpy(), expected, rtol=1e-5, atol=1e-12)


def test_linear_output_is_new_memory_while_the_last_one_is_held() -> None:
    rng = np.random.default_rng(2)
    x = tg.tensor(rng.standard_normal((ROWS, 10)).astype(np.float32))
    model = nn.Linear(10, 1)
    first = model(x)
    snapshot = first.detach().numpy().copy()
    with tg.no_grad():
        model.weight.mul_(2.0)
    second = model(x)  # the user still holds `first`: it must not be written into
    np.testing.assert_array_equal(first.detach().numpy(), snapshot)
    assert not np.shares_memory(first.detach().numpy(), second.detach().numpy())
    view = second[:5]  # a view keeps the memory held too
    address = second.detach().numpy().__array_interface__["data"][0]
    del second
    third = model(x)
    assert third.detach().numpy().__array_interface__["data"][0] != address
    address = third.detach().numpy().__array_interface__["data"][0]
    del view, third
    fourth = model(x)  # nothing holds the last output any more: its memory is used again
    assert fourth.detach().numpy().__array_interface__["data"][0] == address
    expected = x.numpy() @ model.weight.detach().numpy().T + model.bias.detach().numpy()
    np.testing.assert_allclose(fourth.detach().numpy(), expected, rtol=1e-5, atol=1e-6)
