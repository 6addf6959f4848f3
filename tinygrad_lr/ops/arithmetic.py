"""Arithmetic: + - * / ** and negation, each forward on NumPy arrays with its derivative right below it,
and their rows of the op table (the Value operators) at the end.

Broadcasting is not handled here: the engine sums every gradient back to its input's shape.
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, inplace
from tinygrad_lr.ops.table import binary, entry, function_only, unary, write_out
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
        try:
            return a - b
        except TypeError:  # NumPy refuses bool - bool (mixed bools are refused before promotion: prepare_difference)
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                "`logical_xor()` operator instead."
            ) from None

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, (-g if ctx.needs_input_grad[1] else None)


def prepare_difference(a: Value, b: Any) -> tuple[Any, Any]:
    """The operands of a - b (or b - a), promoted; torch refuses a bool tensor on either side."""
    if a._data.dtype.kind == "b" or (isinstance(b, Value) and b._data.dtype.kind == "b"):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return prepare_operands(a, b)


class Rsub(Function):
    """b - alpha a (`2 - x`: b a number; `torch.rsub(a, b)`: b a tensor);  da = -alpha g, db = g."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "RsubBackward1" if ctx.number else "RsubBackward0"  # torch: rsub(Tensor, Scalar) or (Tensor, Tensor)

    @staticmethod
    def torch_inputs(ctx: Any) -> slice:
        return slice(1) if ctx.number else slice(2)  # a number is no input of torch's node

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, alpha: Any, number: bool) -> Any:
        ctx.alpha, ctx.number = alpha, number
        return b - a if alpha == 1 else b - alpha * a

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return (-g if ctx.alpha == 1 else -ctx.alpha * g), g, None, None


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


class Reciprocal(Function):
    """1 / a;  da = -g / a^2 = -g out^2 (torch's rule, from the saved output)."""

    torch_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        with np.errstate(divide="ignore"):  # 1 / 0 is inf, silently, as in torch
            out = np.reciprocal(a) if a.dtype.kind == "f" else np.reciprocal(a.astype(dtypes.get_default_dtype()))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return -g * (out * out)


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
    torch_inputs = slice(1)

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
        return _scalar_power(a, c)

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
        # torch's order, g (c a^(c-1)), with its special cases of the power (a * a for c - 1 = 2)
        return g * (c * (a ** (c - 1) if dual.is_value(a) else _scalar_power(a, c - 1))), None


def _scalar_power(a: np.ndarray, c: Any) -> np.ndarray:
    """a ** c for a number c, rounded as torch rounds it: a a a for 3, 1 / (a a) for -2, 1 / sqrt(a) for -0.5
    (its kernel's special cases), any other float power as `float_power` computes it."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 is inf and (-1) ** 0.5 nan, silently
        if c == 2:
            return a * a
        if a.dtype.kind == "f":
            if c == 3:
                return a * a * a
            if c == -2:
                return 1 / (a * a)
            if c == -0.5:
                return 1 / np.sqrt(a)
        return float_power(a, c)


def float_power(a: Any, b: Any) -> Any:
    """np.power, with a float32 (or float16) power computed in float64 and rounded once: torch's vectorised
    pow (SLEEF, 1 ulp) agrees with that in about 98 % of elements, NumPy's own float32 pow in about 80 %
    (measured on 5000 draws; the polynomial fits' x ** k drifted from torch's printed losses through it)."""
    dtype = np.result_type(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        if dtype.kind == "f" and dtype.itemsize < 8:
            return np.power(np.asarray(a, np.float64), np.asarray(b, np.float64)).astype(dtype)
        return np.power(a, b)


class Pow(Function):
    """a ** b;  da = g * b * a^(b-1) (0 where b == 0),  db = g * a^b * log(a) (0 where a == 0 and b >= 0).

    The two exceptions are torch's: they replace the 0 * inf = nan that the formulas give at a == 0.
    """

    torch_name = "PowBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        if np.asarray(a).dtype.kind == "b" and np.asarray(b).dtype.kind == "b":
            raise arguments.float_kernel_error("pow", np.asarray(a).dtype)
        if np.asarray(a).dtype.kind in "iu" and np.asarray(b).dtype.kind in "iu" and np.any(np.asarray(b) < 0):
            return _integer_power(np.asarray(a), np.asarray(b))  # integers never need a gradient
        out = float_power(a, b)
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


class PowScalarBase(Function):
    """c ** b for a number c and a tensor exponent b (`2 ** x`, torch's pow(Scalar, Tensor));
    db = g c^b log(c)  (0 where c == 0 and b >= 0, torch's exception to the 0 * inf = nan of the formula)."""

    torch_name = "PowBackward2"
    torch_inputs = slice(1)  # the exponent: the base is a number

    @staticmethod
    def forward(ctx: Any, b: Any, c: Any) -> Any:
        base = np.asarray(c)
        if b.dtype.kind in "iu" and base.dtype.kind in "iu" and np.any(b < 0):
            return _integer_power(base, b)  # integers never need a gradient
        out = float_power(c, b)
        ctx.save_for_backward(b, out)
        ctx.base = base.item()
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        b, out = ctx.saved_tensors
        base = ctx.base
        with np.errstate(divide="ignore", invalid="ignore"):
            grad = g * out * float(np.log(base))
            if base == 0:
                grad = dual.where((b._data if dual.is_value(b) else b) >= 0, 0.0, grad)
        return grad, None


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer a ** b with negative exponents as torch computes them: 1 ** -n = 1, (-1) ** -n = +-1, else 0."""
    positive = np.power(a, np.maximum(b, 0))
    negative = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(b < 0, negative, positive).astype(np.result_type(a, b), copy=False)


class ArithmeticMethods:
    """The op table's rows for arithmetic (see ops/table.py): a + b, a - b and a * b are the recorders themselves."""

    __add__ = binary(Add, function=False)  # tinygrad_lr.add takes alpha: see add below
    add = __add__
    __sub__ = binary(Sub, function=False, prepare=prepare_difference)
    sub, subtract = __sub__, __sub__
    __mul__ = binary(Mul, function="mul")
    mul, multiply = __mul__, __mul__
    __neg__ = unary(Neg, function="neg", inplace=("neg_", "negative_"))
    neg, negative = __neg__, __neg__

    # 2 + x and 2 * x record add(x, 2) and mul(x, 2), as torch does (grad_fn.next_functions lists x first)
    def __radd__(self: Any, other: Any) -> Value:
        a, b = prepare_operands(self, other)
        return Add._record_binary(a, b)

    @entry(Rsub, function="rsub")
    def __rsub__(self: Any, other: Any, alpha: builtins.float = 1) -> Value:
        """other - alpha self (`2 - x`; torch.rsub(x, other, alpha))."""
        a, b = prepare_difference(self, other)
        return Rsub.apply(a, b, alpha, not isinstance(other, Value))

    def __rmul__(self: Any, other: Any) -> Value:
        a, b = prepare_operands(self, other)
        return Mul._record_binary(a, b)

    @entry(Div, function="true_divide")  # div and divide, which also round: ops/rounding.py
    def __truediv__(self: Any, other: Any) -> Value:
        """a / b, in floats (integers divide as the default float dtype, as in torch)."""
        a, b = pair(self, other, floating=True)
        return Div._record_binary(a, b)
    true_divide = __truediv__

    def __rtruediv__(self: Any, other: Any) -> Value:
        # torch: other * (1 / self), two nodes (2 / x has grad_fn MulBackward0, its input ReciprocalBackward0)
        a, b = pair(self, other, floating=True)
        return Mul._record_binary(Reciprocal._record_unary(a), b)

    reciprocal = unary(Reciprocal, inplace="reciprocal_", floating=True)  # 1 / a (integers: the default float)

    @entry(PowScalar, Pow, function=False, inplace="pow_")  # tinygrad_lr.pow also takes a number base: below
    def __pow__(self: Any, other: Any) -> Value:
        """a ** b, for a number or a Value b."""
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            if self._data.dtype.kind != "f":  # torch: int ** 0.5 is the default float dtype, int ** 2 stays int
                return PowScalar.apply(self.to(dtypes.scalar_dtype(other, self._data.dtype)), other)
            return PowScalar.apply(self, other)
        a, b = pair(self, other)
        return Pow.apply(a, b)
    pow = __pow__

    @entry(PowScalarBase, function=False)  # tinygrad_lr.pow(2, x) comes here too
    def __rpow__(self: Any, other: Any) -> Value:
        """other ** self for a number other (`2 ** x`)."""
        a, b = pair(self, other)
        if isinstance(b, Value):
            if isinstance(other, Value):
                return Pow.apply(b, a)
            b = b._data  # the number in the promoted dtype
        return PowScalarBase.apply(a, b)

    @entry(PowScalar, inplace="square_")
    def square(self: Any) -> Value:
        """a ** 2 (a bool tensor squares as int64, as torch)."""
        return PowScalar.apply(self, 2) if self._data.dtype.kind != "b" else self**2

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

    def div_(self: Any, other: Any, *, rounding_mode: str | None = None) -> Value:
        """self /= other, in place (rounded as `div` with a rounding_mode)."""
        if rounding_mode is not None:
            return inplace.apply_in_place(self, lambda x: x.div(other, rounding_mode=rounding_mode))
        return inplace.ufunc_in_place(self, np.divide, other, Value.__truediv__)
    divide_ = div_

    def true_divide_(self: Any, other: Any) -> Value:
        """self /= other, in place."""
        return inplace.ufunc_in_place(self, np.divide, other, Value.__truediv__)
    subtract_ = sub_
    multiply_ = mul_


@function_only
def add(input: Any, other: Any, alpha: float = 1, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """input + alpha * other (written into `out` when given)."""
    return write_out(as_value(input) + (other if alpha == 1 else other * alpha), out, "add")


@function_only
def sub(input: Any, other: Any, alpha: float = 1, out: Any = None) -> Value:  # noqa: A002
    """input - alpha * other (written into `out` when given)."""
    return write_out(as_value(input) - (other if alpha == 1 else other * alpha), out, "sub")


@function_only
def pow(input: Any, exponent: Any, out: Any = None) -> Value:  # noqa: A001, A002 - torch's names
    """input ** exponent, where either may be a number."""
    if isinstance(input, Value) or not isinstance(exponent, Value):
        return write_out(as_value(input) ** exponent, out, "pow")
    return write_out(input ** exponent, out, "pow")
