"""The graph is freed by reference counting alone: memory stays flat over many training steps, no cycles."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg

pytestmark = pytest.mark.slow  # long training runs and garbage-collector bookkeeping


@pytest.fixture
def gc_disabled() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _training_step(w: tg.Value, b: tg.Value, x: tg.Value, y: tg.Value, lr: float) -> float:
    loss = ((x @ w + b - y) ** 2).mean()
    w.grad = None
    b.grad = None
    loss.backward()
    with tg.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    return loss.item()


def test_memory_stays_flat_over_10000_training_steps_without_the_cycle_collector(gc_disabled: None) -> None:
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((32, 4)), dtype=tg.float32)
    true_w = np.array([[1.0], [-2.0], [0.5], [3.0]], dtype=np.float32)
    y = tg.tensor(x.numpy() @ true_w + 0.25)
    w = tg.zeros(4, 1, requires_grad=True)
    b = tg.zeros(1, requires_grad=True)
    tracemalloc.start()
    try:
        for _ in range(100):
            _training_step(w, b, x, y, 0.05)
        after_100, _ = tracemalloc.get_traced_memory()
        for _ in range(4_900):
            _training_step(w, b, x, y, 0.05)
        after_5000, _ = tracemalloc.get_traced_memory()
        for _ in range(5_000):
            final_loss = _training_step(w, b, x, y, 0.05)
        after_10000, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert gc.collect() == 0  # nothing was left for the cycle collector
    # Python's free lists for small tuples fill up once (about 100 KB), then memory is flat: a leak of even one
    # pointer per step would add 40 KB over the last 5000 steps.
    print(f"traced memory: step 100 {after_100} B, step 5000 {after_5000} B, step 10000 {after_10000} B")
    assert after_10000 - after_100 < 256 * 1024, f"grew by {after_10000 - after_100} B from step 100 to 10 000"
    assert after_10000 - after_5000 < 16 * 1024, f"grew by {after_10000 - after_5000} B from step 5000 to 10 000"
    assert final_loss < 1e-8
    np.testing.assert_allclose(w.detach().numpy(), true_w, atol=1e-4)


def _graph_nodes(out: tg.Value) -> list[Any]:
    """Every Node reachable from `out`, without recursion."""
    seen: list[Any] = []
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or not hasattr(node, "next_entries") or any(node is s for s in seen):
            continue
        seen.append(node)
        stack.extend(node.next_entries)
    return seen


def test_finished_graph_is_freed_by_reference_counting(gc_disabled: None) -> None:
    w = tg.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    hidden = (x @ w).tanh()
    loss = (hidden.sigmoid() * hidden + hidden.exp()).mean()
    nodes = [weakref.ref(n) for n in _graph_nodes(loss)]
    values = [weakref.ref(hidden), weakref.ref(loss)]
    assert len(nodes) >= 6
    loss.backward()
    del hidden, loss
    assert all(r() is None for r in nodes + values)
    assert w.grad is not None


def test_graph_without_backward_is_freed_too(gc_disabled: None) -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    out = (w * w).exp().sum()
    nodes = [weakref.ref(n) for n in _graph_nodes(out)]
    del out
    assert all(r() is None for r in nodes)


def test_retained_graph_and_hooks_and_retain_grad_are_freed(gc_disabled: None) -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    h = w * 3
    h.retain_grad()
    h.register_hook(lambda g: g * 2)
    out = (h * h).sum()
    out.backward(retain_graph=True)
    nodes = [weakref.ref(n) for n in _graph_nodes(out)]
    refs = [weakref.ref(h), weakref.ref(out)]
    del h, out
    assert all(r() is None for r in nodes + refs)


def test_create_graph_gradients_are_freed_once_dropped(gc_disabled: None) -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x**3).sum()
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    nodes = [weakref.ref(n) for n in _graph_nodes(g) + _graph_nodes(y)]
    (h,) = tg.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0]
    del y, g
    assert all(r() is None for r in nodes)


def test_detached_result_keeps_no_graph_alive(gc_disabled: None) -> None:
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    out = (w * w).exp()
    nodes = [weakref.ref(n) for n in _graph_nodes(out)]
    kept = out.detach()
    del out
    assert all(r() is None for r in nodes)
    assert kept.tolist() == pytest.approx(np.exp([1.0, 4.0]).tolist(), rel=1e-6)
