"""Arithmetic: + - * / ** and negation, each forward on NumPy arrays with its derivative right below it,
and their rows of the op table (the Value operators) at the end.

Broadcasting is not handled here: the engine sums every gradient back to its input's shape.
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, inplace
from tinygrad_lr.ops.table import binary, entry, function_only, unary
from tinygrad_lr.promotion import as_value, pair, prepare_operands
from tinygrad_lr.value import Value


class Add(Function):
    """a + b;  da = g, db = g."""

    torch_name = "AddBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a + b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, g


class Sub(Function):
    """a - b;  da = g, db = -g."""

    torch_name = "SubBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a - b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, (-g if ctx.needs_input_grad[1] else None)


class Mul(Function):
    """a * b;  da = g * b, db = g * a."""

    torch_name = "MulBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        needs = ctx.needs_input_grad  # empty when no graph is recorded
        if needs:  # like torch, keep a only for db and b only for da
            ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)
        return a * b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors  # each saved only where the other factor's gradient is needed
        return (None if b is None else g * b), (None if a is None else g * a)


class Div(Function):
    """a / b;  da = g / b, db = -g * a / b^2."""

    torch_name = "DivBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        needs = ctx.needs_input_grad
        if needs:  # a is only needed for db
            ctx.save_for_backward(a if needs[1] else None, b)
        return a / b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g / b if need_a else None), (-g * a / (b * b) if need_b else None)


class Neg(Function):
    """-a;  da = -g."""

    torch_name = "NegBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.dtype.kind == "b":
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead."
            )
        return -a

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return -g


class PowScalar(Function):
    """a ** c for a constant exponent c;  da = g * c * a^(c-1)  (0 when c == 0, as in torch)."""

    torch_name = "PowBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, c: float) -> Any:
        # a Python number is "weak" in NumPy's promotion (float32 ** 2.5 stays float32); np.float64(2.5) is not
        c = c.item() if isinstance(c, np.generic) else c
        if a.dtype.kind in "iu" and c < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        ctx.save_for_backward(a)
        ctx.exponent = c
        if c == 2:
            return a * a
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 is inf and (-1) ** 0.5 nan, silently
            return a**c

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        c = ctx.exponent
        if c == 0:
            return g * 0, None
        if c == 2:
            return g * 2 * a, None
        if c == 1:
            return g, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * c * a ** (c - 1), None


class Pow(Function):
    """a ** b;  da = g * b * a^(b-1) (0 where b == 0),  db = g * a^b * log(a) (0 where a == 0 and b >= 0).

    The two exceptions are torch's: they replace the 0 * inf = nan that the formulas give at a == 0.
    """

    torch_name = "PowBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        if np.asarray(a).dtype.kind in "iu" and np.asarray(b).dtype.kind in "iu" and np.any(np.asarray(b) < 0):
            return _integer_power(np.asarray(a), np.asarray(b))  # integers never need a gradient
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a_arr = a._data if dual.is_value(a) else a
        b_arr = b._data if dual.is_value(b) else b
        grad_a = grad_b = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_a:
                grad_a = g * b * a ** (b - 1)
                zero_exponent = b_arr == 0
                grad_a = dual.where(zero_exponent, 0.0, grad_a) if np.any(zero_exponent) else grad_a
            if need_b:
                grad_b = g * out * dual.log(a)
                zero_base = (a_arr == 0) & (b_arr >= 0)
                grad_b = dual.where(zero_base, 0.0, grad_b) if np.any(zero_base) else grad_b
        return grad_a, grad_b


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer a ** b with negative exponents as torch computes them: 1 ** -n = 1, (-1) ** -n = +-1, else 0."""
    positive = np.power(a, np.maximum(b, 0))
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, positive).astype(np.result_type(a, b), copy=False)


class ArithmeticMethods:
    """The op table's rows for arithmetic (see ops/table.py): a + b, a - b and a * b are the recorders themselves."""

    __add__ = binary(Add, function=False)  # tinygrad_lr.add takes alpha: see add below
    add = __add__
    __sub__ = binary(Sub, function=False)
    sub, subtract = __sub__, __sub__
    __mul__ = binary(Mul, function="mul")
    mul, multiply = __mul__, __mul__
    __neg__ = unary(Neg, function="neg")
    neg, negative = __neg__, __neg__

    # 2 + x and 2 * x record add(x, 2) and mul(x, 2), as torch does (grad_fn.next_functions lists x first)
    def __radd__(self: Any, other: Any) -> Value:
        a, b = prepare_operands(self, other)
        return Add._record_binary(a, b)

    def __rsub__(self: Any, other: Any) -> Value:
        a, b = prepare_operands(self, other)
        return Sub._record_binary(b, a)

    def __rmul__(self: Any, other: Any) -> Value:
        a, b = prepare_operands(self, other)
        return Mul._record_binary(a, b)

    @entry(Div, function="div")
    def __truediv__(self: Any, other: Any) -> Value:
        """a / b, in floats (integers divide as the default float dtype, as in torch)."""
        a, b = pair(self, other, floating=True)
        return Div._record_binary(a, b)
    div = __truediv__
    divide = __truediv__

    def __rtruediv__(self: Any, other: Any) -> Value:
        a, b = pair(self, other, floating=True)
        return Div._record_binary(b, a)

    @entry(Div, function=True)
    def reciprocal(self: Any) -> Value:
        """1 / a."""
        return 1.0 / self

    @entry(PowScalar, Pow, function=False)  # tinygrad_lr.pow also takes a number base: below
    def __pow__(self: Any, other: Any) -> Value:
        """a ** b, for a number or a Value b."""
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            if self._data.dtype.kind != "f":  # torch: int ** 0.5 is the default float dtype, int ** 2 stays int
                return PowScalar.apply(self.to(dtypes.scalar_dtype(other, self._data.dtype)), other)
            return PowScalar.apply(self, other)
        a, b = pair(self, other)
        return Pow.apply(a, b)
    pow = __pow__

    def __rpow__(self: Any, other: Any) -> Value:
        a, b = pair(self, other)
        return Pow.apply(b, a)

    @entry(PowScalar)
    def square(self: Any) -> Value:
        """a ** 2."""
        return PowScalar.apply(self, 2)

    @entry(PowScalar)
    def rsqrt(self: Any) -> Value:
        """a ** -0.5 (integers become the default float dtype first, as in torch)."""
        return self**-0.5

    def __pos__(self: Any) -> Value:
        return self

    # in place: x += y is add_ unless x is a recorded view (see inplace.augmented)
    def __iadd__(self: Any, other: Any) -> Value:
        return inplace.augmented(self, other, Value.add_, Value.__add__)

    def __isub__(self: Any, other: Any) -> Value:
        return inplace.augmented(self, other, Value.sub_, Value.__sub__)

    def __imul__(self: Any, other: Any) -> Value:
        return inplace.augmented(self, other, Value.mul_, Value.__mul__)

    def __itruediv__(self: Any, other: Any) -> Value:
        return inplace.augmented(self, other, Value.div_, Value.__truediv__)

    def add_(self: Any, other: Any, alpha: builtins.float = 1) -> Value:
        """self += alpha * other, in place."""
        return inplace.ufunc_in_place(self, np.add, inplace.scaled(other, alpha), Value.__add__)

    def sub_(self: Any, other: Any, alpha: builtins.float = 1) -> Value:
        """self -= alpha * other, in place."""
        return inplace.ufunc_in_place(self, np.subtract, inplace.scaled(other, alpha), Value.__sub__)

    def mul_(self: Any, other: Any) -> Value:
        """self *= other, in place."""
        return inplace.ufunc_in_place(self, np.multiply, other, Value.__mul__)

    def div_(self: Any, other: Any) -> Value:
        """self /= other, in place."""
        return inplace.ufunc_in_place(self, np.divide, other, Value.__truediv__)


@function_only
def add(input: Any, other: Any, alpha: float = 1) -> Value:  # noqa: A002 - torch's name
    """input + alpha * other."""
    return as_value(input) + (other if alpha == 1 else other * alpha)


@function_only
def sub(input: Any, other: Any, alpha: float = 1) -> Value:  # noqa: A002
    """input - alpha * other."""
    return as_value(input) - (other if alpha == 1 else other * alpha)


@function_only
def pow(input: Any, exponent: Any) -> Value:  # noqa: A001, A002 - torch's names
    """input ** exponent, where either may be a number."""
    if isinstance(input, Value) or not isinstance(exponent, Value):
        return as_value(input) ** exponent
    return input ** exponent
