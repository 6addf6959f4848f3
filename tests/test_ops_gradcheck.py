"""Every op of tests/op_cases.py against central differences in float64 (torch is not needed here).

`gradcheck` compares the full Jacobian from backward with (f(x + eps) - f(x - eps)) / (2 eps) for every input;
`gradgradcheck` does the same for the gradient itself, computed with create_graph=True, so the backward rules are
checked as differentiable functions too. The last tests show that the checker can fail.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import MAX_EXAMPLES, OP_CASES, OpCase

import tinygrad_lr as tg
from tinygrad_lr.autograd import Function, GradcheckError, gradcheck, gradgradcheck
from tinygrad_lr.ops import dual


def _float64_leaves(arrays: tuple[np.ndarray, ...]) -> list[tg.Value]:
    leaves = [tg.tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays]
    assert all(x.dtype == np.float64 for x in leaves)
    return leaves


def _outputs(result: Any) -> list[tg.Value]:
    return list(result) if isinstance(result, tuple) else [result]


@pytest.mark.parametrize("case", OP_CASES, ids=str)
@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(data=st.data())
def test_op_gradient_matches_finite_differences(case: OpCase, data: Any) -> None:
    sample = case.draw(data)
    inputs = _float64_leaves(sample.arrays)

    def fn(*xs: tg.Value) -> Any:
        return case.ours(*xs, **sample.params)

    # the check is not vacuous: the op's first output is recorded and depends on the inputs
    assert _outputs(fn(*inputs))[0].requires_grad
    assert gradcheck(fn, inputs, eps=case.eps)


@pytest.mark.parametrize("case", OP_CASES, ids=str)
@settings(max_examples=max(MAX_EXAMPLES // 3, 5), deadline=None)
@given(data=st.data())
def test_op_without_a_graph_gives_the_same_values(case: OpCase, data: Any) -> None:
    """The forward runs with a context that records nothing when no input requires grad or under no_grad: an op
    must not depend on what it stores on ctx (the recorded and unrecorded results must be equal)."""
    sample = case.draw(data)
    recorded = _outputs(case.ours(*_float64_leaves(sample.arrays), **sample.params))
    constants = [tg.tensor(np.array(a, dtype=np.float64)) for a in sample.arrays]
    unrecorded = _outputs(case.ours(*constants, **sample.params))
    with tg.no_grad():
        under_no_grad = _outputs(case.ours(*_float64_leaves(sample.arrays), **sample.params))
    assert not any(out.requires_grad for out in unrecorded)  # (torch's views under no_grad may still require it)
    for results in (unrecorded, under_no_grad):
        assert len(results) == len(recorded)
        for got, expected in zip(results, recorded):
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got.detach().numpy(), expected.detach().numpy())


SECOND_ORDER_CASES = [case for case in OP_CASES if case.second_order]


@pytest.mark.filterwarnings("ignore:Input #")  # cast: its output, so its grad_outputs, are float32
@pytest.mark.slow  # every op's second derivative: ~2-4 s in all
@pytest.mark.parametrize("case", SECOND_ORDER_CASES, ids=str)
@settings(max_examples=max(MAX_EXAMPLES // 2, 5), deadline=None)
@given(data=st.data())
def test_op_second_derivative_matches_finite_differences(case: OpCase, data: Any) -> None:
    sample = case.draw(data)
    inputs = _float64_leaves(sample.arrays)
    assert gradgradcheck(lambda *xs: case.ours(*xs, **sample.params), inputs, eps=case.eps)


def test_gradcheck_covers_the_ops_issue_two_names() -> None:
    names = {case.name for case in OP_CASES}
    required = {
        "add", "sub", "mul", "div", "pow", "pow_scalar", "rsub", "rdiv", "rpow", "neg", "abs", "matmul", "sum",
        "mean", "var", "std", "max", "min", "max_dim", "min_dim", "amax", "amin", "reshape", "view", "flatten",
        "squeeze", "unsqueeze", "transpose", "permute", "expand", "T", "index_basic", "index_integer", "index_mask",
        "cat", "stack", "where", "clamp", "maximum", "minimum", "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh",
        "sigmoid", "relu", "leaky_relu", "softplus", "softmax", "log_softmax", "cast",
    }  # fmt: skip
    assert required <= names


# ----- the checker itself can fail -------------------------------------------------------------
class SquareWithWrongElement(Function):
    """x^2 whose backward is right everywhere except at element (1, 2), where it is off by one."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        error = np.zeros(x.shape)
        error[1, 2] = 1.0
        return g * 2 * x + g * error


class ScaleSecondInputWrongly(Function):
    """a * b whose gradient for b is 3 times too large."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        return g * b, 3 * g * a


class CubeWithConstantBackward(Function):
    """x^3 whose first derivative is right but computed from x's array, so it has no second derivative."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        x_array = x._data if dual.is_value(x) else x
        return g * 3 * x_array**2


class Cube(Function):
    """x^3 written correctly: passes both checks."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


def _leaf(shape: tuple[int, ...], seed: int = 0) -> tg.Value:
    return tg.tensor(np.random.default_rng(seed).uniform(0.5, 2.0, shape), requires_grad=True)


def test_gradcheck_fails_on_a_wrong_backward_naming_input_and_element() -> None:
    x = _leaf((2, 3))
    with pytest.raises(GradcheckError) as error:
        gradcheck(SquareWithWrongElement.apply, [x])
    message = str(error.value)
    assert "with respect to input 0" in message
    assert "input element (1, 2)" in message
    assert "numerical" in message and "analytical" in message
    assert gradcheck(SquareWithWrongElement.apply, [x], raise_exception=False) is False


def test_gradcheck_fails_on_the_wrong_input_only() -> None:
    a, b = _leaf((3,), 1), _leaf((3,), 2)
    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(ScaleSecondInputWrongly.apply, [a, b])
    # with only a requiring grad the wrong rule for b is never used, so the check passes
    assert gradcheck(ScaleSecondInputWrongly.apply, [a, b.detach()])


def test_gradgradcheck_fails_when_backward_is_not_differentiable() -> None:
    x = _leaf((3,))
    assert gradcheck(CubeWithConstantBackward.apply, [x])  # first derivatives are right
    with pytest.raises(GradcheckError):
        gradgradcheck(CubeWithConstantBackward.apply, [x])


def test_custom_function_written_correctly_passes_both_checks() -> None:
    x = _leaf((2, 2))
    assert gradcheck(Cube.apply, [x])
    assert gradgradcheck(Cube.apply, [x])
