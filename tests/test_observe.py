"""observe_backward: the engine's own walk, reported step by step, in backward()'s order, changing nothing."""

from __future__ import annotations

import functools
import operator

import numpy as np
import pytest
from conftest import graph_nodes

import tinygrad_lr as tl
from tinygrad_lr.autograd import Function, engine
from tinygrad_lr.autograd.observe import observe_backward


def _real_backward(outputs, gradients, leaves):
    """Run the real backward with hooks recording, in order, each node run and its incoming gradient, then each
    leaf handed its total (leaf hooks run in that order)."""
    ran, handed = [], []
    for node in graph_nodes(*outputs):
        node.register_hook(lambda g, node=node: ran.append((node, g.numpy().copy())))
    for leaf in leaves:
        leaf.register_hook(lambda g, leaf=leaf: handed.append((leaf, g.numpy().copy())))
    tl.autograd.backward(outputs, gradients)
    return ran, handed


def _check_against_engine(outputs, gradients, leaves):
    """The observer's steps and leaves are the real engine's, in order and in value; and it changed nothing."""
    trace = observe_backward(outputs, gradients)
    assert all(leaf.grad is None for leaf in leaves)  # observing wrote nothing
    ran, handed = _real_backward(outputs, gradients, leaves)
    assert [step.node for step in trace.steps] == [node for node, _ in ran]
    assert [step.index for step in trace.steps] == list(range(1, len(ran) + 1))
    for step, (_, grad) in zip(trace.steps, ran):
        np.testing.assert_array_equal(step.grad_in, grad)
        # the incoming gradient is the sum of what arrived, in the order it arrived
        np.testing.assert_array_equal(functools.reduce(operator.add, [c.grad for c in step.contributions]), grad)
        assert all(c.step < step.index for c in step.contributions)
    assert [total.leaf for total in trace.leaves] == [leaf for leaf, _ in handed]
    for total, (leaf, grad) in zip(trace.leaves, handed):
        np.testing.assert_array_equal(total.grad, grad)
        np.testing.assert_array_equal(leaf.grad.numpy(), grad)
        np.testing.assert_array_equal(functools.reduce(operator.add, [c.grad for c in total.contributions]), grad)
    return trace


def test_fan_out_and_shared_subgraph_in_the_engines_order():
    a = tl.tensor([0.3, -0.7], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([1.5, 0.2], dtype=tl.float64, requires_grad=True)
    c = a * b  # shared by four consumers
    f = c.exp() + c.sin() * a
    loss = (f.tanh() + c.sigmoid() - b.relu()).sum()
    trace = _check_against_engine([loss], [None], [a, b])
    assert len(trace) == 11
    mul = trace.step_of(c.grad_fn)
    assert mul is not None and [c.step for c in mul.contributions] == sorted(c.step for c in mul.contributions)
    assert len(mul.contributions) == 3  # exp, sin and sigmoid each sent one
    # a gets one contribution from c's step and one from the product with sin(c)
    total_a = next(t for t in trace.leaves if t.leaf is a)
    assert len(total_a.contributions) == 2 and mul.index in [c.step for c in total_a.contributions]


def test_b_equals_a_plus_a_reports_both_contributions_in_order():
    a = tl.tensor(2.0, requires_grad=True)
    b = a + a
    trace = _check_against_engine([b], [None], [a])
    (step,) = trace.steps
    assert [(s.index, s.target is a, float(s.grad)) for s in step.sent] == [(0, True, 1.0), (1, True, 1.0)]
    (total,) = trace.leaves
    assert float(total.grad) == 2.0 and [(c.step, float(c.grad)) for c in total.contributions] == [(1, 1.0), (1, 1.0)]


def test_several_roots_sharing_a_subgraph():
    x = tl.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=tl.float64, requires_grad=True)
    w = tl.tensor([[1.0, 0.5], [-0.5, 2.0]], dtype=tl.float64, requires_grad=True)
    h = (x @ w).tanh()
    y1 = (h * h).sum()
    y2 = (h.exp() * 0.5).mean()
    _check_against_engine([y1, y2], [None, None], [x, w])


def test_a_root_consumed_by_another_root_gets_its_seed_and_the_other_roots_gradient():
    x = tl.tensor([1.0, -2.0, 0.5], dtype=tl.float64, requires_grad=True)
    y = x * 2.0  # one consumer: z
    z = y.sin()
    trace = _check_against_engine([z, y], [tl.ones(3, dtype=tl.float64), tl.full((3,), 0.5, dtype=tl.float64)], [x])
    step_y = trace.step_of(y.grad_fn)
    assert step_y is not None and [c.step for c in step_y.contributions] == [0, 1]  # its seed, then z's step
    np.testing.assert_allclose(x.grad.numpy(), 2.0 * (np.cos(2.0 * x.detach().numpy()) + 0.5))


def test_a_consumer_outside_this_backward_makes_the_walk_recount(monkeypatch):
    recounts = []
    recount = engine._recount_waiting
    monkeypatch.setattr(engine, "_recount_waiting", lambda *args: recounts.append(1) or recount(*args))
    a = tl.tensor([0.5, 1.5], dtype=tl.float64, requires_grad=True)
    y = a * 3.0
    _side = y.exp()  # recorded, never differentiated: y waits for it until the walk recounts
    loss = (y * y + y.sin()).sum()
    trace = _check_against_engine([loss], [None], [a])
    assert _side.grad_fn not in [step.node for step in trace.steps]
    assert len(recounts) == 2  # once observing, once for real


def test_backward_of_an_intermediate_that_has_consumers():
    a = tl.tensor([0.5, 1.5], dtype=tl.float64, requires_grad=True)
    y = (a * a).sin()
    _later = y * 2.0
    _check_against_engine([y], [tl.ones(2, dtype=tl.float64)], [a])


def test_what_each_input_receives_is_unbroadcast_and_cast():
    class ToFloat64(Function):
        @staticmethod
        def forward(ctx, x):
            return x.astype(np.float64)

        @staticmethod
        def backward(ctx, grad):
            return grad  # float64 for a float32 input: the engine casts it

    w = tl.tensor([[1.0, 2.0]], requires_grad=True)  # float32, broadcast over 4 rows
    loss = (ToFloat64.apply(w) * tl.ones(4, 2, dtype=tl.float64)).sum()
    trace = _check_against_engine([loss], [None], [w])
    mul = trace.step_of(loss.grad_fn.next_entries[0])
    assert mul.sent[0].returned.shape == (4, 2) and mul.sent[0].grad.shape == (1, 2)
    assert mul.sent[1].target is None and mul.sent[1].grad is None  # the constant
    cast = trace.steps[-1]
    assert cast.sent[0].returned.dtype == np.float64 and cast.sent[0].grad.dtype == np.float32
    assert cast.sent[0].target is w


def test_observing_changes_nothing():
    calls = []
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: calls.append("leaf"))
    b = a * 3.0
    b.retain_grad()
    b.register_hook(lambda g: calls.append("node"))
    loss = (b * b).sum()
    a.grad = tl.tensor([10.0, 10.0])
    saved = [node.saved_tensors for node in graph_nodes(loss)]
    trace = observe_backward(loss)
    assert calls == [] and b.grad is None and a.grad.tolist() == [10.0, 10.0]
    assert [node.saved_tensors for node in graph_nodes(loss)] == saved  # the graph kept what it saved
    np.testing.assert_allclose(trace.leaves[0].grad, [18.0, 36.0])  # d(sum 9 a^2)/da
    loss.backward()  # and backward still can, once
    assert a.grad.tolist() == [28.0, 46.0]
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        observe_backward(loss)


def test_a_leaf_output_and_errors_as_backward():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    trace = observe_backward(a, tl.tensor([3.0, 4.0]))
    assert trace.steps == [] and trace.leaves[0].leaf is a and trace.leaves[0].grad.tolist() == [3.0, 4.0]
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        observe_backward(a * 2)
    with pytest.raises(RuntimeError, match="does not require grad"):
        observe_backward(tl.tensor(1.0))
    with pytest.raises(TypeError, match="takes Values"):
        observe_backward([3.0])
