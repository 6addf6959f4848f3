"""Rounding and remainders (round, floor, ceil, trunc, frac, sign and sgn, fmod, remainder), linear interpolation
(lerp) and nan_to_num: each forward on NumPy arrays with its derivative right below it, and their rows at the end.

round, floor, ceil, trunc and sign are piecewise constant: torch records them and their gradient is 0
everywhere (also at the jumps), and so do these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.table import entry, function_only, unary
from tinygrad_lr.promotion import array_of, as_value, pair
from tinygrad_lr.value import Value


def _zero_like(g: Any) -> Any:
    return g * 0


def _refuse_bool(a: np.ndarray, kernel: str) -> None:
    """torch has no rounding kernels for bool tensors (NumPy would hand back bools or float16)."""
    if a.dtype.kind == "b":
        raise arguments.float_kernel_error(kernel, a.dtype)


def _to_whole(a: np.ndarray, rounding: Any) -> np.ndarray:
    """floor, ceil or trunc of a float array; integers are whole already (a copy); bools refused as torch."""
    _refuse_bool(a, f"{rounding.__name__}_vml_cpu")
    return rounding(a) if a.dtype.kind == "f" else a.copy()


def _zero_gradient(ctx: Any, g: Any) -> Any:
    """The backward of a step function of one input: 0 everywhere."""
    return _zero_like(g)


class Round(Function):
    """a rounded half to even (to `decimals` places);  da = 0."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "RoundBackward0" if ctx.decimals == 0 else "RoundBackward1"  # torch: round() and round(decimals=)

    @staticmethod
    def forward(ctx: Any, a: Any, decimals: int) -> Any:
        ctx.decimals = decimals
        _refuse_bool(a, "round_vml_cpu")
        if decimals == 0 or a.dtype.kind != "f":
            return np.round(a)
        scale = 10.0**decimals  # torch's kernel: round(a * 10^d) / 10^d, in a's dtype
        return (np.round(a * a.dtype.type(scale)) / a.dtype.type(scale)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return _zero_like(g), None


class Floor(Function):
    """The largest integer <= a;  da = 0."""

    torch_name = "FloorBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return _to_whole(a, np.floor)

    backward = staticmethod(_zero_gradient)


class Ceil(Function):
    """The smallest integer >= a;  da = 0."""

    torch_name = "CeilBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return _to_whole(a, np.ceil)

    backward = staticmethod(_zero_gradient)


class Trunc(Function):
    """a rounded toward zero;  da = 0."""

    torch_name = "TruncBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return _to_whole(a, np.trunc)

    backward = staticmethod(_zero_gradient)


class Frac(Function):
    """a - trunc(a), the fractional part with a's sign;  da = g."""

    torch_name = "FracBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.dtype.kind != "f":
            raise arguments.float_kernel_error("frac_cpu", a.dtype)
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g


class Sign(Function):
    """-1, 0 or 1 by the sign of a (bool stays bool; NaN gives 0, as torch);  da = 0."""

    torch_name = "SignBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.dtype.kind == "b":
            return a.copy()
        out = np.sign(a)
        return np.nan_to_num(out, nan=0.0) if a.dtype.kind == "f" else out

    backward = staticmethod(_zero_gradient)


class Sgn(Sign):
    """sign(a) for real a (torch's sgn: a / |a| for complex numbers, which these are not);  da = 0."""

    torch_name = "SgnBackward0"


def _remainder_forward(ctx: Any, a: Any, b: Any, tensor_divisor: bool, rounding: Any, remainder: Any) -> Any:
    """a - rounding(a / b) b, keeping rounding(a / b) when b's gradient is needed (fmod and remainder)."""
    ctx.tensor_divisor = tensor_divisor
    if ctx.needs_input_grad and ctx.needs_input_grad[1]:
        ctx.quotient = rounding(a / b)
    return remainder(a, b)


def _remainder_backward(ctx: Any, g: Any) -> Any:
    """da = g, db = -g rounding(a / b) (the quotient is piecewise constant)."""
    need_b = ctx.needs_input_grad[1]
    return g, (-g * ctx.quotient if need_b else None), None


class Fmod(Function):
    """a - trunc(a / b) b, with the sign of a (C's fmod);  da = g, db = -g trunc(a / b)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "FmodBackward1" if ctx.tensor_divisor else "FmodBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, tensor_divisor: bool) -> Any:
        return _remainder_forward(ctx, a, b, tensor_divisor, np.trunc, np.fmod)

    backward = staticmethod(_remainder_backward)


class Remainder(Function):
    """a - floor(a / b) b, with the sign of b (Python's %);  da = g, db = -g floor(a / b)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "RemainderBackward1" if ctx.tensor_divisor else "RemainderBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, tensor_divisor: bool) -> Any:
        return _remainder_forward(ctx, a, b, tensor_divisor, np.floor, np.remainder)

    backward = staticmethod(_remainder_backward)


class RoundedDiv(Function):
    """a / b rounded toward zero ('trunc') or toward -inf ('floor', Python's //);  da = db = 0 (a step function:
    torch records it, with zero gradients)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "DivBackward3" if ctx.tensor_divisor else "DivBackward2"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, tensor_divisor: bool, mode: str) -> Any:
        ctx.tensor_divisor = tensor_divisor
        if mode == "floor":
            return np.floor_divide(a, b)
        if np.result_type(a, b).kind == "f":
            return np.trunc(np.true_divide(a, b))  # torch's kernel: trunc(a / b)
        quotient = np.floor_divide(a, b)
        # integers: floor, moved up by one where the division was inexact and the signs differ (C's a / b)
        inexact = (quotient * b != a) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))
        return quotient + inexact

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        need_a, need_b = ctx.needs_input_grad[:2]
        return (_zero_like(g) if need_a else None), (_zero_like(g) if need_b else None), None, None


class Lerp(Function):
    """start + weight (end - start);  dstart = g (1 - weight), dend = g weight, dweight = g (end - start)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "LerpBackward1" if ctx.tensor_weight else "LerpBackward0"

    @staticmethod
    def forward(ctx: Any, start: Any, end: Any, weight: Any) -> Any:
        ctx.tensor_weight = isinstance(weight, np.ndarray)  # a number weight stays a Python float
        ctx.save_for_backward(start, end, weight)
        return (start + weight * (end - start)).astype(np.result_type(start, end), copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        start, end, weight = ctx.saved_tensors
        need_start, need_end, need_weight = ctx.needs_input_grad
        return (
            g * (1 - weight) if need_start else None,
            g * weight if need_end else None,
            g * (end - start) if need_weight else None,
        )


class NanToNum(Function):
    """a with NaN, +inf and -inf replaced by numbers;  da = g where a is finite, 0 where it was replaced."""

    torch_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, nan: Any, posinf: Any, neginf: Any) -> Any:
        if a.dtype.kind != "f":
            return a.copy()
        info = np.finfo(a.dtype)
        ctx.finite = np.isfinite(a)
        return np.nan_to_num(a, nan=nan, posinf=info.max if posinf is None else posinf,
                             neginf=info.min if neginf is None else neginf)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return dual.where(ctx.finite, g, 0.0), None, None, None


def _divisor_op(op: type[Function], a: Value, other: Any, reflected: bool = False, *options: Any) -> Value:
    """fmod / remainder / rounded division of a by other (of other by a when `reflected`) after operand
    promotion; an integer divisor of 0 raises torch's error (NumPy would give 0)."""
    x, y = pair(a, other)
    if reflected:
        x, y = y, x
    if np.result_type(array_of(x), array_of(y)).kind == "b":  # torch has no bool kernel for these
        kernel = {Fmod: "fmod_cpu", Remainder: "remainder_cpu"}.get(op, "div_trunc_cpu")
        raise arguments.float_kernel_error(kernel, np.dtype(bool))
    arguments.check_integer_divisor(array_of(x), array_of(y))
    return op.apply(x, y, isinstance(y, Value), *options)


class RoundingMethods:
    """The op table's rows for rounding, remainders, lerp and nan_to_num (see ops/table.py)."""

    @entry(Round, inplace="round_")
    def round(self: Any, decimals: int = 0) -> Value:
        """Round half to even, to `decimals` places; gradient 0."""
        return Round.apply(self, int(decimals))

    floor = unary(Floor, inplace="floor_")
    ceil = unary(Ceil, inplace="ceil_")
    trunc = unary(Trunc, function=("trunc", "fix"), inplace=("trunc_", "fix_"))
    fix = trunc
    frac = unary(Frac, inplace="frac_")
    sign = unary(Sign, inplace="sign_")
    sgn = unary(Sgn, inplace="sgn_")

    @entry(Fmod, inplace="fmod_")
    def fmod(self: Any, other: Any) -> Value:
        """C's remainder: a - trunc(a / b) b, with the sign of a."""
        return _divisor_op(Fmod, self, other)

    @entry(Remainder, inplace="remainder_")
    def remainder(self: Any, other: Any) -> Value:
        """Python's remainder (the % operator): a - floor(a / b) b, with the sign of b."""
        return _divisor_op(Remainder, self, other)

    def __mod__(self: Any, other: Any) -> Value:
        return _divisor_op(Remainder, self, other)

    def __rmod__(self: Any, other: Any) -> Value:
        return _divisor_op(Remainder, self, other, reflected=True)

    @entry(RoundedDiv, function=("div", "divide"))
    def div(self: Any, other: Any, *, rounding_mode: str | None = None) -> Value:
        """a / b (as the operator), or rounded: 'trunc' toward zero, 'floor' toward -inf (then integers stay
        integers)."""
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
        return _divisor_op(RoundedDiv, self, other, False, rounding_mode)
    divide = div

    @entry(Lerp, inplace="lerp_")
    def lerp(self: Any, end: Any, weight: Any) -> Value:
        """self + weight (end - self): a number weight, or a Value broadcast with both (all of one float dtype,
        as torch requires)."""
        start = self
        stop = end if isinstance(end, Value) else Value(np.asarray(end, dtype=start._data.dtype))
        kind = "tensor" if isinstance(weight, Value) else "scalar"
        if start._data.dtype.kind != "f":
            raise arguments.float_kernel_error(f"lerp_kernel_{kind}", start._data.dtype)
        for name, operand in (("end", stop), ("weight", weight)):
            if isinstance(operand, Value) and operand._data.dtype != start._data.dtype:
                raise RuntimeError(f"expected dtype {arguments.c_type_name(start._data.dtype)} for `{name}` but got "
                                   f"dtype {arguments.c_type_name(operand._data.dtype)}")
        return Lerp.apply(start, stop, weight if isinstance(weight, Value) else float(weight))

    @entry(NanToNum, inplace="nan_to_num_")
    def nan_to_num(self: Any, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Value:
        """NaN -> nan, +inf -> posinf (the dtype's largest by default), -inf -> neginf (its smallest)."""
        for name, number in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            if number is not None and not isinstance(number, (int, float, np.number)):
                raise TypeError(f"nan_to_num(): argument '{name}' must be float, not {type(number).__name__}")
        return NanToNum.apply(self, nan, posinf, neginf)


@function_only
def lerp(input: Any, end: Any, weight: Any) -> Value:  # noqa: A002 - torch's name
    return as_value(input).lerp(end, weight)
