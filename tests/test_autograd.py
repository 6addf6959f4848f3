"""backward() and autograd.grad(): torch's semantics, error texts, the classic traps, higher-order gradients."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.autograd import Function

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
    "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
    "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
    "saved tensors after calling backward."
)


# ----- the classic traps -------------------------------------------------------------------------
@pytest.mark.slow
def test_200k_op_chain_backward_needs_no_recursion() -> None:
    limit = sys.getrecursionlimit()
    x = tg.tensor(1.0, dtype=tg.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0001 + 0.0001  # two ops per step: 200 000 nodes
    y.backward()
    assert sys.getrecursionlimit() == limit
    np.testing.assert_allclose(x.grad.item(), 1.0001**100_000, rtol=1e-9)
    np.testing.assert_allclose(y.item(), 2 * 1.0001**100_000 - 1, rtol=1e-9)


@pytest.mark.slow
def test_deep_chain_freeing_does_not_recurse() -> None:
    # Dropping the last reference to a 200k-node graph must not overflow the C stack either.
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(200_000):
        y = y + 1.0
    del y


def test_value_used_twice_gets_both_gradients() -> None:
    a = tg.tensor(3.0, requires_grad=True)
    b = a + a
    b.backward()
    assert a.grad.item() == 2.0
    c = tg.tensor([1.0, -2.0], requires_grad=True)
    (c * c * c).sum().backward()
    assert c.grad.tolist() == [3.0, 12.0]


def test_two_backward_calls_accumulate_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (2 * x).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]
        (x * x).sum().backward()
        assert x.grad.tolist() == [4.0, 6.0, 8.0]


def test_zero_grad_in_place_then_backward() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    grad_before = x.grad
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    (3 * x).sum().backward()
    assert x.grad is grad_before  # accumulated in place, as torch's AccumulateGrad does
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_grad_set_to_none_then_backward_gives_a_fresh_gradient() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad = None
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_gradient_does_not_alias_the_upstream_gradient() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seed = tg.tensor([1.0, 1.0])
    x.backward(seed)
    x.grad.add_(5.0)
    assert seed.tolist() == [1.0, 1.0]


# ----- backward twice, retain_graph --------------------------------------------------------------
def test_backward_twice_without_retain_graph_raises_torchs_message() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError) as info:
            y.backward()
        assert str(info.value) == FREED_MESSAGE


def test_backward_twice_is_fine_when_nothing_was_saved() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        z = (x + 1).sum()
        z.backward()
        z.backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_retain_graph_allows_a_repeat() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [6.0, 12.0, 18.0]
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_using_saved_tensors_after_backward_raises() -> None:
    # torch raises when saved_tensors is read; here it raises when what was read is used (unpacked,
    # indexed, iterated), with the same text: saved_tensors is a plain slot, which keeps rules fast.
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    for use in (lambda saved: saved[0], lambda saved: list(saved), lambda saved: len(saved)):
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            use(node.saved_tensors)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        (_out,) = node.saved_tensors


def test_shared_subgraph_second_backward_raises_unless_retained() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        (h * 2).sum().backward()


# ----- bad calls -----------------------------------------------------------------------------------
def test_non_scalar_backward_without_gradient_raises_torchs_message() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            (x * 2).backward()
        assert str(info.value) == "grad can be implicitly created only for scalar outputs"
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        tg.autograd.grad(x * 2, x)


def test_one_element_non_scalar_backward_works() -> None:
    x = tg.tensor([2.0], requires_grad=True)
    (x * x).backward()
    assert x.grad.tolist() == [4.0]


def test_wrong_shape_gradient_names_both_shapes() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            (x * 2).backward(lib.tensor([1.0, 2.0]))
        assert str(info.value) == (
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of "
            "torch.Size([3])."
        )


def test_backward_on_value_that_needs_no_grad_raises_torchs_message() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        with pytest.raises(RuntimeError) as info:
            (lib.tensor([1.0, 2.0]) * 2).sum().backward()
        assert str(info.value) == "element 0 of tensors does not require grad and does not have a grad_fn"
    x = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        y.backward()


def test_matmul_shape_mismatch_names_both_shapes_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        with pytest.raises(RuntimeError) as info:
            lib.ones(4, 4) @ lib.ones(3, 2)
        assert str(info.value) == "mat1 and mat2 shapes cannot be multiplied (4x4 and 3x2)"
    with pytest.raises(RuntimeError, match=r"\[2, 3, 4\].*\[5, 6\]|6x4 and 5x6"):
        tg.ones(2, 3, 4) @ tg.ones(5, 6)


@pytest.mark.parametrize(
    "shapes", [((4,), (3,)), ((2, 4), (3,)), ((2, 3), (4, 5)), ((3,), (2, 4)), ((2, 3, 4), (5, 4))]
)
@pytest.mark.parametrize("requires_grad", [False, True])
def test_broadcast_mismatch_raises_torchs_message_not_numpys(shapes: Any, requires_grad: bool) -> None:
    torch = require_torch()
    first, second = shapes
    with pytest.raises(RuntimeError) as expected:
        torch.ones(first) + torch.ones(second)
    for op in (lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a / b):
        with pytest.raises(RuntimeError) as info:
            op(tg.ones(first, requires_grad=requires_grad), tg.ones(second))
        assert str(info.value) == str(expected.value)


def test_where_broadcast_mismatch_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(4\\)"):
        tg.where(tg.ones(3) > 0, tg.ones(3), tg.ones(4))


# ----- backward arguments ------------------------------------------------------------------------
def test_backward_with_gradient_is_a_vector_jacobian_product_like_torch() -> None:
    torch = require_torch()
    data = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    v = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    grads = []
    for lib in (tg, torch):
        x = lib.tensor(data, requires_grad=True)
        y = (x * x).tanh() * 3
        y.backward(lib.tensor(v))
        grads.append(x.grad.detach().numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-14)


def test_backward_inputs_restricts_which_leaves_accumulate() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        a = lib.tensor(2.0, requires_grad=True)
        b = lib.tensor(3.0, requires_grad=True)
        (a * b * a).backward(inputs=[a])
        assert a.grad.item() == 12.0 and b.grad is None
        (a * b).backward(inputs=[b])
        assert a.grad.item() == 12.0 and b.grad.item() == 2.0


def test_backward_of_several_outputs_sums_their_contributions() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y1 = (x * x).sum()
    y2 = x * 3
    tg.autograd.backward([y1, y2], [None, tg.tensor([1.0, -1.0])])
    assert x.grad.tolist() == [5.0, 1.0]


def test_backward_on_a_leaf_itself() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_gradients_are_summed_back_over_broadcast_dims_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        a = lib.ones(1, 3, requires_grad=True)
        b = lib.ones(4, 3, requires_grad=True)
        s = lib.tensor(2.0, requires_grad=True)
        (a * b * s).sum().backward()
        assert a.grad.tolist() == [[8.0, 8.0, 8.0]]
        assert tuple(s.grad.shape) == () and s.grad.item() == 12.0
        bias = lib.zeros(1, requires_grad=True)
        (lib.ones(5, 2) @ lib.ones(2, 1) + bias).sum().backward()
        assert bias.grad.tolist() == [5.0]


def test_non_leaf_grad_stays_none_after_backward() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    (h * h).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert h.grad is None


# ----- only the graph that leads to inputs requiring grad is walked -------------------------------
class _Spy(Function):
    """Identity that records how many times its forward recorded a node and its backward ran."""

    backward_calls = 0

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return x.copy()

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        _Spy.backward_calls += 1
        return grad


def test_branch_from_constants_records_no_node_and_is_not_walked() -> None:
    _Spy.backward_calls = 0
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    constant = tg.tensor([3.0, 4.0])
    branch = _Spy.apply(constant).exp()
    assert branch.grad_fn is None and not branch.requires_grad
    out = (_Spy.apply(w) * branch).sum()
    out.backward()
    assert _Spy.backward_calls == 1
    np.testing.assert_allclose(w.grad.numpy(), np.exp([3.0, 4.0]), rtol=1e-6)


def test_node_without_incoming_gradient_is_not_run() -> None:
    _Spy.backward_calls = 0
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    _Spy.apply(w)  # a dangling branch: not part of the loss
    loss = (w * 2).sum()
    loss.backward()
    assert _Spy.backward_calls == 0 and w.grad.tolist() == [2.0, 2.0]


# ----- autograd.grad -------------------------------------------------------------------------------
def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    a = tg.tensor(2.0, requires_grad=True)
    b = tg.tensor(3.0, requires_grad=True)
    result = tg.autograd.grad(a * a * b, [a, b])
    assert isinstance(result, tuple) and len(result) == 2
    assert [r.item() for r in result] == [12.0, 4.0]
    assert a.grad is None and b.grad is None
    (single,) = tg.autograd.grad((a * 5).sum(), a)
    assert single.item() == 5.0 and not single.requires_grad


def test_grad_with_grad_outputs_matches_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        y = x.sigmoid() * x
        (g,) = lib.autograd.grad(y, x, grad_outputs=lib.tensor([[1.0, 0.5], [2.0, -1.0]], dtype=lib.float64))
        results.append(g.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_grad_unused_input_error_allow_unused_and_materialize_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        a = lib.tensor(2.0, requires_grad=True)
        b = lib.tensor(3.0, requires_grad=True)
        out = a * a
        with pytest.raises(RuntimeError) as info:
            lib.autograd.grad(out, [a, b], retain_graph=True)
        assert str(info.value) == (
            "The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True "
            "if this is the desired behavior."
        )
        ga, gb = lib.autograd.grad(out, [a, b], allow_unused=True, retain_graph=True)
        assert ga.item() == 4.0 and gb is None
        ga, gb = lib.autograd.grad(out, [a, b], materialize_grads=True)
        assert ga.item() == 4.0 and gb.item() == 0.0
        assert a.grad is None and b.grad is None


def test_grad_of_input_not_requiring_grad_raises_torchs_message() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        a = lib.tensor(2.0, requires_grad=True)
        with pytest.raises(RuntimeError, match="^One of the differentiated Tensors does not require grad$"):
            lib.autograd.grad(a * 2, [lib.tensor(1.0)])


def test_grad_frees_the_graph_unless_retained() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    tg.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        tg.autograd.grad(y, x)


def test_grad_with_respect_to_an_intermediate_value() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    gh, gx = tg.autograd.grad(y, [h, x])
    assert gh.tolist() == [6.0, 12.0] and gx.tolist() == [18.0, 36.0]


# ----- higher order ------------------------------------------------------------------------------
def test_second_and_third_derivative_of_cube_like_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor(2.0, requires_grad=True)
        (g1,) = lib.autograd.grad(x**3, x, create_graph=True)
        assert g1.requires_grad and g1.grad_fn is not None and g1.item() == 12.0
        (g2,) = lib.autograd.grad(g1, x, create_graph=True)
        assert g2.item() == 12.0
        (g3,) = lib.autograd.grad(g2, x)
        assert g3.item() == 6.0


def test_backward_create_graph_warns_and_grad_is_differentiable() -> None:
    x = tg.tensor(2.0, requires_grad=True)
    y = x**3
    with pytest.warns(UserWarning, match="Using backward\\(\\) with create_graph=True will create a reference cycle"):
        y.backward(create_graph=True)
    first = x.grad
    assert first.item() == 12.0 and first.requires_grad
    x.grad = None
    first.backward()
    assert x.grad.item() == 12.0


def _mlp_mse(lib: Any, params: list[Any], x: Any, y: Any) -> Any:
    w1, b1, w2, b2 = params
    hidden = (x @ w1 + b1).tanh()
    return ((hidden @ w2 + b2 - y) ** 2).mean()


def test_hessian_vector_product_of_mse_loss_matches_torch() -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in [(3, 4), (4,), (4, 2), (2,)]]
    x_data, y_data = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    vectors = [rng.standard_normal(a.shape) for a in arrays]
    results = []
    for lib in (tg, torch):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        loss = _mlp_mse(lib, params, lib.tensor(x_data), lib.tensor(y_data))
        grads = lib.autograd.grad(loss, params, create_graph=True)
        dot = sum((g * lib.tensor(v)).sum() for g, v in zip(grads, vectors))
        hvp = lib.autograd.grad(dot, params)
        results.append(([g.detach().numpy() for g in grads], [h.detach().numpy() for h in hvp]))
    for ours, theirs in zip(results[0][0] + results[0][1], results[1][0] + results[1][1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_linear_regression_hessian_is_twice_xtx_over_n() -> None:
    rng = np.random.default_rng(1)
    x_data, y_data = rng.standard_normal((8, 3)), rng.standard_normal(8)
    w = tg.tensor(rng.standard_normal(3), requires_grad=True)
    loss = ((tg.tensor(x_data) @ w - tg.tensor(y_data)) ** 2).mean()
    (g,) = tg.autograd.grad(loss, w, create_graph=True)
    rows = [tg.autograd.grad(g[i], w, retain_graph=True)[0].numpy() for i in range(3)]
    np.testing.assert_allclose(np.stack(rows), 2 * x_data.T @ x_data / 8, rtol=1e-12)


def test_gradgradcheck_through_common_ops() -> None:
    rng = np.random.default_rng(2)
    x = tg.tensor(rng.uniform(0.5, 1.5, (2, 3)), requires_grad=True)
    w = tg.tensor(rng.standard_normal((3, 2)), requires_grad=True)

    def fn(a: Any, b: Any) -> Any:
        return ((a @ b).tanh() * a.sum(dim=1, keepdim=True).log() + (a * a).exp().mean()).softmax(dim=1)

    assert tg.autograd.gradcheck(fn, (x, w))
    assert tg.autograd.gradgradcheck(fn, (x, w))


def test_hooks_and_retain_grad_under_create_graph_match_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        x.register_hook(lambda g: g * 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x**3).sum().backward(create_graph=True)
            first = x.grad
            (second,) = lib.autograd.grad((first * first).sum(), x)
            m = x * x
            m.retain_grad()
            (m**2).sum().backward(create_graph=True)
        assert m.grad.requires_grad
        results.append([first.detach().numpy(), second.numpy(), m.grad.detach().numpy(), x.grad.detach().numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
