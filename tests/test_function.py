"""The extension API: a user's `Function` with forward/backward, ctx, apply, gradcheck and gradgradcheck."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr.autograd import Function, GradcheckError, gradcheck, gradgradcheck


class Cube(Function):
    """x ** 3;  dx = 3 x^2 g. Written with operators only, so it works on arrays and (create_graph) on Values."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 3 * x * x * grad


class ScaledMul(Function):
    """scale * a * b with a non-tensor argument; records what ctx saw."""

    seen: dict[str, Any] = {}

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, scale: float) -> Any:
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        ScaledMul.seen["forward_types"] = (type(a), type(b))
        return scale * a * b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, b = ctx.saved_tensors
        ScaledMul.seen["needs_input_grad"] = ctx.needs_input_grad
        ScaledMul.seen["grad_type"] = type(grad)
        grad_a = grad * ctx.scale * b if ctx.needs_input_grad[0] else None
        grad_b = grad * ctx.scale * a if ctx.needs_input_grad[1] else None
        return grad_a, grad_b, None


class SoftClip(Function):
    """tanh(x) * c saved by output: d/dx = c (1 - (y/c)^2)."""

    @staticmethod
    def forward(ctx: Any, x: Any, c: float) -> Any:
        y = np.tanh(x) * c
        ctx.save_for_backward(y)
        ctx.c = c
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (y,) = ctx.saved_tensors
        return grad * ctx.c * (1 - (y / ctx.c) * (y / ctx.c)), None


def test_custom_function_forward_and_backward() -> None:
    x = tg.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = Cube.apply(x)
    assert y.tolist() == [1.0, -8.0, 0.125]
    assert y.grad_fn.name() == "CubeBackward" and not y.is_leaf
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 12.0, 0.75]


def test_forward_sees_arrays_and_ctx_state_reaches_backward() -> None:
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0])
    out = ScaledMul.apply(a, b, 2.0)
    assert ScaledMul.seen["forward_types"] == (np.ndarray, np.ndarray)
    out.sum().backward()
    assert ScaledMul.seen["needs_input_grad"] == (True, False, False)
    assert ScaledMul.seen["grad_type"] is np.ndarray
    assert a.grad.tolist() == [6.0, 8.0] and b.grad is None


def test_needs_input_grad_when_both_inputs_require_grad() -> None:
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    ScaledMul.apply(a, b, 0.5).sum().backward()
    assert ScaledMul.seen["needs_input_grad"] == (True, True, False)
    assert a.grad.tolist() == [1.5, 2.0] and b.grad.tolist() == [0.5, 1.0]


def test_apply_records_nothing_without_grad() -> None:
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        out = Cube.apply(a)
    assert out.grad_fn is None and not out.requires_grad
    out2 = Cube.apply(tg.tensor([2.0]))
    assert out2.grad_fn is None and out2.tolist() == [8.0]


def test_custom_function_gradients_are_unbroadcast_by_the_engine() -> None:
    a = tg.tensor([[1.0], [2.0]], requires_grad=True)  # (2, 1)
    b = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)  # (3,)
    out = ScaledMul.apply(a, b, 1.0)
    assert out.shape == (2, 3)
    out.sum().backward()
    assert a.grad.tolist() == [[6.0], [6.0]] and b.grad.tolist() == [3.0, 3.0, 3.0]


def test_custom_function_saving_its_output() -> None:
    x = tg.tensor([0.3, -1.2], dtype=tg.float64, requires_grad=True)
    assert gradcheck(lambda v: SoftClip.apply(v, 2.0), (x,))
    assert gradgradcheck(lambda v: SoftClip.apply(v, 2.0), (x,))


def test_custom_function_passes_gradcheck_and_gradgradcheck() -> None:
    x = tg.tensor(np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True)
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))
    a = tg.tensor(np.random.default_rng(1).standard_normal(3), requires_grad=True)
    b = tg.tensor(np.random.default_rng(2).standard_normal(3), requires_grad=True)
    assert gradcheck(lambda u, v: ScaledMul.apply(u, v, 1.5), (a, b))
    assert gradgradcheck(lambda u, v: ScaledMul.apply(u, v, 1.5), (a, b))


def test_second_derivative_through_custom_function() -> None:
    x = tg.tensor(2.0, dtype=tg.float64, requires_grad=True)
    (g,) = tg.autograd.grad(Cube.apply(x), x, create_graph=True)
    (h,) = tg.autograd.grad(g, x)
    assert g.item() == 12.0 and h.item() == 12.0


def test_same_function_body_matches_torch_autograd_function() -> None:
    torch = require_torch()

    class TorchCube(torch.autograd.Function):
        forward = Cube.forward
        backward = Cube.backward

    data = np.array([[0.5, -1.5], [2.0, 0.25]])
    ours = tg.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    y_ours, y_theirs = Cube.apply(ours), TorchCube.apply(theirs)
    np.testing.assert_allclose(y_ours.detach().numpy(), y_theirs.detach().numpy(), rtol=1e-15)
    (y_ours * y_ours).sum().backward()
    (y_theirs * y_theirs).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-13)


def test_backward_returning_wrong_number_of_gradients_is_a_clear_error() -> None:
    class Bad(Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            return x * y

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return grad

    a = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        Bad.apply(a, a).sum().backward()
    message = str(info.value)
    assert "BadBackward" in message and "incorrect number of gradients" in message
    assert "expected 2, got 1" in message


def test_function_without_backward_says_so() -> None:
    class NoBackward(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2

    a = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="must define backward"):
        NoBackward.apply(a).sum().backward()


@pytest.mark.parametrize("count", [1, 2, 3])
def test_applying_the_base_class_says_forward_is_missing(count: int) -> None:
    a = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="must define forward"):
        Function.apply(*[a] * count)


def test_saved_tensors_are_freed_after_backward() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    node = y.grad_fn
    assert len(node.saved_tensors) == 1
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        (_x,) = node.saved_tensors


def test_gradcheck_failure_names_input_element_and_both_values() -> None:
    class WrongGrad(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            return grad * x  # should be 2 x

    x = tg.tensor([1.0, 3.0], dtype=tg.float64, requires_grad=True)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongGrad.apply, (x,))
    message = str(info.value)
    assert message.startswith("Jacobian mismatch for output 0 with respect to input 0")
    assert "worst at input element (1,)" in message
    assert "numerical 6" in message and "analytical 3" in message
    assert gradcheck(WrongGrad.apply, (x,), raise_exception=False) is False


def test_gradcheck_without_inputs_requiring_grad_raises_torchs_message() -> None:
    with pytest.raises(ValueError, match="gradcheck expects at least one input tensor to require gradient"):
        gradcheck(Cube.apply, (tg.tensor([1.0], dtype=tg.float64),))


def test_gradcheck_warns_for_float32_inputs() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
        gradcheck(Cube.apply, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)


def test_saved_roles_name_the_output_and_each_argument() -> None:
    class Weighted(Function):
        @staticmethod
        def forward(ctx, a, b, c):
            out = a * b + c
            mask = out > 0
            ctx.save_for_backward(c, out, mask, a, 2.0)
            return out

        @staticmethod
        def backward(ctx, g):
            c, out, mask, a, _ = ctx.saved_tensors
            return g * 1.0, g * a, g

    a = tg.tensor([1.0, -2.0], requires_grad=True)
    node = Weighted.apply(a, tg.tensor([3.0, 4.0]), tg.tensor([0.5, 0.5])).grad_fn
    assert [node.saved_role(k) for k in range(5)] == [2, -1, None, 0, None]


def test_apply_uses_the_forward_and_backward_the_class_has_when_called() -> None:
    # One- and two-argument applies go through a recorder made when the class was created; it must still look the
    # rules up on every call, so a subclass, or a forward replaced later, is what runs.
    class Twice(Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return 2 * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return 2 * grad

    class Thrice(Twice):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return 3 * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            return 3 * grad

    x = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    Thrice.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    Twice.backward = staticmethod(lambda ctx, grad: 5 * grad)  # type: ignore[method-assign]
    x.grad = None
    y = Twice.apply(x)
    y.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])


def test_recorded_value_methods_are_named_and_state_their_math() -> None:
    assert tg.Value.tanh.__name__ == "tanh" and tg.Value.__add__.__qualname__ == "Value.__add__"
    assert "1 - tanh^2" in (tg.Value.tanh.__doc__ or "")
    assert tg.Value.mul is tg.Value.__mul__ and tg.Value.negative is tg.Value.__neg__
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    for y in (x + 1.0, 1.0 + x, x - 1, 1 - x, x * 2, 2 * x, x.mul(x), -x, abs(x), x.clone(), x.sigmoid()):
        assert y.grad_fn is not None and y.dtype == tg.float32
