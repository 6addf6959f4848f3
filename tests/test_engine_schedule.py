"""The engine's schedule: apply counts each node's consumers as the graph is recorded, and backward waits for that
many deliveries. When some of those consumers are not part of this backward (a side branch, an op whose result was
thrown away, a root that is also an intermediate), the walk stalls and the engine recounts. These graphs make it
stall on purpose; each gradient is compared with torch running the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.autograd import engine

X = np.array([0.3, -1.2, 2.0], dtype=np.float64)
W = np.array([1.5, 0.5, -0.7], dtype=np.float64)


def _side_branch(lib: Any, x: Any, w: Any) -> Any:
    h = (x * w).tanh()
    _unused = (h * 3.0).sum()  # recorded, consumes h, never differentiated
    return (h * h).sum() + (h + x).sum()


def _discarded_consumer(lib: Any, x: Any, w: Any) -> Any:
    h = x * w
    (h.exp()).sum()  # its result is thrown away at once: h keeps a consumer count that never delivers
    return (h.sin() * h).sum()


def _stall_deep_inside(lib: Any, x: Any, w: Any) -> Any:
    a = x * w
    b = a.tanh()
    _kept = b * 2.0  # consumer of b outside the loss
    c = b * a  # a reaches the loss twice: through b and directly
    for _ in range(3):
        c = c * 0.9 + a
    return c.sum()


def _waiting_on_a_waiting_node(lib: Any, x: Any, w: Any) -> Any:
    h = x * w
    b = h.tanh()
    _side = b * 5.0  # b waits for this forever; h waits for b: after the recount b must run before h
    return (b * 2.0).sum() + (h * 3.0).sum()


def _waiting_on_a_waiting_node_reversed(lib: Any, x: Any, w: Any) -> Any:
    h = x * w
    b = h.tanh()
    _side = b * 5.0
    return (h * 3.0).sum() + (b * 2.0).sum()


GRAPHS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "waiting on a waiting node": _waiting_on_a_waiting_node,
    "waiting on a waiting node, reversed": _waiting_on_a_waiting_node_reversed,
    "side branch": _side_branch,
    "discarded consumer": _discarded_consumer,
    "stall deep inside": _stall_deep_inside,
}


def _grads(lib: Any, build: Callable[[Any, Any, Any], Any]) -> list[np.ndarray]:
    x = lib.tensor(X.copy(), requires_grad=True)
    w = lib.tensor(W.copy(), requires_grad=True)
    build(lib, x, w).backward()
    return [x.grad.detach().numpy().copy(), w.grad.detach().numpy().copy()]


@pytest.fixture
def recounts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the engine's recounts, so each test shows its graph really took that path."""
    calls: list[int] = []
    original = engine._recount_waiting

    def counting(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(engine, "_recount_waiting", counting)
    return calls


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_stalled_walk_recounts_and_matches_torch(name: str, recounts: list[int]) -> None:
    torch = require_torch()
    ours = _grads(tg, GRAPHS[name])
    assert recounts, "this graph was meant to make the walk stall"
    theirs = _grads(torch, GRAPHS[name])
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_graph_whose_consumers_all_deliver_needs_no_recount(recounts: list[int]) -> None:
    x = tg.tensor(X.copy(), requires_grad=True)
    h = x * 2.0
    ((h * h).sum() + h.sum()).backward()
    assert not recounts
    np.testing.assert_allclose(x.grad.numpy(), 8.0 * X + 2.0)


def test_backward_from_an_intermediate_with_consumers_like_torch(recounts: list[int]) -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor(X.copy(), requires_grad=True)
        h = (x * x).sum()
        loss = h * 3.0  # h's node has a consumer, but backward starts at h itself
        h.backward(retain_graph=True)
        first = x.grad.detach().numpy().copy()
        loss.backward()
        results.append((first, x.grad.detach().numpy().copy()))
    assert recounts
    for got, expected in zip(results[0], results[1]):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_two_roots_where_one_feeds_the_other_like_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor(X.copy(), requires_grad=True)
        y = (x * x).sum()
        z = y.exp() + x.sum()
        lib.autograd.backward([y, z], [lib.tensor(2.0, dtype=lib.float64), lib.tensor(0.5, dtype=lib.float64)])
        results.append(x.grad.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_second_order_after_create_graph_like_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor(X.copy(), requires_grad=True)
        y = (x * x * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)  # the backward graph consumes y's nodes too
        y.backward(retain_graph=True)
        (g * g).sum().backward()
        results.append(x.grad.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
