"""Elementwise functions of two or three tensors beyond + - * / (hypot, logaddexp, logaddexp2, xlogy, copysign,
float_power, addcmul, addcdiv): each forward on NumPy arrays with its derivative right below it, and their rows of
the op table at the end.

Their operands promote as torch promotes them: hypot and the logaddexps take two tensors of a float result dtype
(integers are refused, as torch has no kernel for them), xlogy and copysign make integers the default float,
float_power computes in float64 always. Broadcasting is the engine's (it sums each gradient back to its input).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, inplace
from tinygrad_lr.ops.arithmetic import Pow, PowScalar, PowScalarBase
from tinygrad_lr.ops.table import entry, function_only, write_out
from tinygrad_lr.promotion import pair
from tinygrad_lr.value import Value, require_value


class Hypot(Function):
    """sqrt(a^2 + b^2) without overflow;  da = g a / out, db = g b / out (NaN at (0, 0), as torch)."""

    torch_name = "HypotBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return tuple(g * x / out if need else None for x, need in zip((a, b), ctx.needs_input_grad))


class Logaddexp(Function):
    """log(e^a + e^b) without overflow;  da = g / (1 + e^(b - a)), db = g / (1 + e^(a - b))."""

    torch_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.save_for_backward(a, b)
        ctx.power = "exp"  # the inverse of the log: e^x here, 2^x for logaddexp2
        return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with np.errstate(over="ignore", invalid="ignore"):
            return ((g / (dual.call(ctx.power, b - a) + 1) if need_a else None),
                    (g / (dual.call(ctx.power, a - b) + 1) if need_b else None))


class Logaddexp2(Logaddexp):
    """log2(2^a + 2^b) without overflow;  da = g / (1 + 2^(b - a)), db = g / (1 + 2^(a - b))."""

    torch_name = "Logaddexp2Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.save_for_backward(a, b)
        ctx.power = "exp2"
        return np.logaddexp2(a, b)


def xlogy_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a log b, 0 where a == 0 (also for b == 0), NaN where b is NaN (torch's xlogy)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(a == 0, 0, a * np.log(b))
    return np.where(np.isnan(b), np.nan, out).astype(np.result_type(a, b), copy=False)


class Xlogy(Function):
    """a log b, 0 where a == 0;  da = g xlogy(a != 0, b) (0 where a == 0, torch's rule), db = g a / b.

    `numbers` says which operand was a Python number (torch's XlogyBackward1: a, XlogyBackward2: b)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return f"XlogyBackward{ctx.number}"

    @staticmethod
    def torch_inputs(ctx: Any) -> slice:
        return {0: slice(2), 1: slice(1, 2), 2: slice(1)}[ctx.number]

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, number: int) -> Any:
        ctx.number = number
        ctx.save_for_backward(a, b)
        return xlogy_array(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = grad_b = None
        if need_a:
            nonzero = ((a._data if dual.is_value(a) else a) != 0).astype(g.dtype)
            grad_a = g * (Xlogy.apply(nonzero, b, 0) if dual.is_value(b) else xlogy_array(nonzero, b))
        if need_b:
            with np.errstate(divide="ignore", invalid="ignore"):
                grad_b = g * a / b
        return grad_a, grad_b, None


class Copysign(Function):
    """|a| with the sign of b;  da = g out / a (0 where a == 0, torch's rule), db = 0."""

    torch_name = staticmethod(lambda ctx: f"CopysignBackward{0 if ctx.tensor_sign else 1}")  # a number sign: 1
    torch_inputs = staticmethod(lambda ctx: slice(2 if ctx.tensor_sign else 1))

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, tensor_sign: bool) -> Any:
        ctx.tensor_sign = tensor_sign
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)  # out / a, as torch computes it: under create_graph its rounding is recorded
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        zero = (a._data if dual.is_value(a) else a) == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = dual.where(zero, 0.0, out / dual.where(zero, 1.0, a))
        return g * ratio, (g * 0 if ctx.needs_input_grad[1] else None), None


class Addc(Function):
    """input + value t1 t2 (addcmul) or input + value t1 / t2 (addcdiv, `divide`);  dinput = g, and
    addcmul: dt1 = g value t2, dt2 = g value t1;  addcdiv: dt1 = g value / t2, dt2 = -g value t1 / t2^2."""

    torch_inputs = slice(3)
    torch_name = staticmethod(lambda ctx: "AddcdivBackward0" if ctx.divide else "AddcmulBackward0")

    @staticmethod
    def forward(ctx: Any, x: Any, t1: Any, t2: Any, value: Any, divide: bool) -> Any:
        needs = ctx.needs_input_grad
        if needs:  # t1 for dt2 only; t2 for dt1, and for dt2 when dividing
            ctx.save_for_backward(t1 if needs[2] else None, t2 if needs[1] or divide else None)
        ctx.value, ctx.divide = value, divide
        with np.errstate(divide="ignore", invalid="ignore"):
            return x + value * t1 / t2 if divide else x + value * t1 * t2

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        t1, t2 = ctx.saved_tensors
        need_t1, need_t2 = ctx.needs_input_grad[1:3]
        scaled = g * ctx.value
        if not ctx.divide:
            return g, (scaled * t2 if need_t1 else None), (scaled * t1 if need_t2 else None), None, None
        with np.errstate(divide="ignore", invalid="ignore"):
            return g, (scaled / t2 if need_t1 else None), (-scaled * t1 / (t2 * t2) if need_t2 else None), None, None


def _float_pair(name: str, a: Value, b: Any, position: int) -> tuple[Value, Value]:
    """The two tensors of hypot or a logaddexp, promoted: both must be tensors, of a float result dtype."""
    require_value(b, name, "other", position)
    a, b = pair(a, b)
    if a._data.dtype.kind != "f":
        raise arguments.float_kernel_error(f"{name}_cpu", a._data.dtype)
    return a, b


def _signatures(second: str) -> tuple[str, ...]:
    """torch's signatures of xlogy and float_power: two tensors, a number and a tensor, a tensor and a number."""
    return tuple(f"{first}, {kind} {second}, *, Tensor out = None"
                 for first, kind in (("Tensor input", "Tensor"), ("Number self", "Tensor"), ("Tensor input", "Number")))


def _xlogy(x: Any, y: Any) -> Value:
    if not isinstance(x, Value) and not isinstance(y, Value):
        raise arguments.invalid_combination_error("xlogy", (x, y), _signatures("other"))
    number = 1 if not isinstance(x, Value) else 2 if not isinstance(y, Value) else 0
    if number == 1:
        second, first = pair(y, x, floating=True)
    else:
        first, second = pair(x, y, floating=True)
    return Xlogy.apply(first, second, number)


def _integer_division_error() -> RuntimeError:
    return RuntimeError(
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true "
        "division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * "
        "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
        "tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * "
        "tensor1 / tensor2), for all dtypes."
    )


def _fused(divide: bool, x: Value, t1: Any, t2: Any, value: Any, first: int) -> Value:
    """addcmul / addcdiv (`divide`): the three tensors in their promoted dtype, value in it (an integer result
    truncates value, as torch), shapes that broadcast (torch's error otherwise)."""
    name = "addcdiv" if divide else "addcmul"
    require_value(t1, name, "tensor1", first)
    require_value(t2, name, "tensor2", first + 1)
    if divide and t1._data.dtype.kind in "biu" and t2._data.dtype.kind in "biu":
        raise _integer_division_error()
    target = dtypes.promote_tensors([(v._data.dtype, v._data.ndim) for v in (x, t1, t2)])
    if target.kind == "b":
        raise arguments.float_kernel_error(f"{name}_cpu_out", target)
    arguments.check_broadcast(x._data.shape, t1._data.shape)  # torch's order: input with tensor1, then tensor2
    arguments.check_broadcast(np.broadcast_shapes(x._data.shape, t1._data.shape), t2._data.shape)
    number = float(value) if target.kind == "f" else int(value)
    return Addc.apply(x.to(target), t1.to(target), t2.to(target), number, divide)


class PointwiseMethods:
    """The op table's rows for these functions (see ops/table.py)."""

    @entry(Hypot, function=False, inplace="hypot_")  # tinygrad_lr.hypot: below (its input must be a tensor)
    def hypot(self: Any, other: Any) -> Value:
        """sqrt(self^2 + other^2), elementwise (two tensors of a float result dtype)."""
        return Hypot.apply(*_float_pair("hypot", self, other, 1))

    @entry(Logaddexp, function=False)
    def logaddexp(self: Any, other: Any) -> Value:
        """log(e^self + e^other), without overflow (two tensors of a float result dtype)."""
        return Logaddexp.apply(*_float_pair("logaddexp", self, other, 1))

    @entry(Logaddexp2, function=False)
    def logaddexp2(self: Any, other: Any) -> Value:
        """log2(2^self + 2^other), without overflow (two tensors of a float result dtype)."""
        return Logaddexp2.apply(*_float_pair("logaddexp2", self, other, 1))

    @entry(Xlogy, function=False, inplace="xlogy_")  # tinygrad_lr.xlogy also takes a number first: below
    def xlogy(self: Any, other: Any) -> Value:
        """self log(other), 0 where self == 0; integers become the default float dtype."""
        return _xlogy(self, other)

    @entry(Copysign, function=False, inplace="copysign_")  # tinygrad_lr.copysign: below
    def copysign(self: Any, other: Any) -> Value:
        """|self| with the sign of other (a tensor or a number); integers become the default float dtype."""
        a, b = pair(self, other, floating=True)
        return Copysign.apply(a, b, isinstance(other, Value))

    @entry(Pow, PowScalar, PowScalarBase, function=False)  # tinygrad_lr.float_power also takes a number first
    def float_power(self: Any, exponent: Any) -> Value:
        """self ** exponent computed in float64 (the result is float64 whatever the dtypes, as torch)."""
        base = self.to(dtypes.float64)
        return base ** (exponent.to(dtypes.float64) if isinstance(exponent, Value) else float(exponent))

    def float_power_(self: Any, exponent: Any) -> Value:
        """float_power in place: self must be float64 already (torch refuses another dtype)."""
        if self._data.dtype != np.float64:
            raise RuntimeError(f"the base given to float_power_ has dtype {arguments.torch_dtype_name(self.dtype)} "
                               "but the operation's result requires dtype Double")
        return inplace.apply_in_place(self, lambda x: x.float_power(exponent))

    @entry(Addc, function=False, inplace="addcmul_")
    def addcmul(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Value:
        """self + value * tensor1 * tensor2, in the three tensors' promoted dtype."""
        return _fused(False, self, tensor1, tensor2, value, 1)

    @entry(Addc, function=False, inplace="addcdiv_")
    def addcdiv(self: Any, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Value:
        """self + value * tensor1 / tensor2 (torch refuses two integer tensors: no integer division)."""
        return _fused(True, self, tensor1, tensor2, value, 1)


def _tensor_input(input: Any, name: str) -> Value:  # noqa: A002 - torch's name
    return require_value(input, name, "input", 1)


@function_only
def hypot(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002 - torch's name
    return write_out(Hypot.apply(*_float_pair("hypot", _tensor_input(input, "hypot"), other, 2)), out, "hypot")


@function_only
def logaddexp(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002
    first = _tensor_input(input, "logaddexp")
    return write_out(Logaddexp.apply(*_float_pair("logaddexp", first, other, 2)), out, "logaddexp")


@function_only
def logaddexp2(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002
    first = _tensor_input(input, "logaddexp2")
    return write_out(Logaddexp2.apply(*_float_pair("logaddexp2", first, other, 2)), out, "logaddexp2")


@function_only
def xlogy(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002
    """input log(other), 0 where input == 0; either may be a number."""
    return write_out(_xlogy(input, other), out, "xlogy")


@function_only
def float_power(input: Any, exponent: Any, *, out: Any = None) -> Value:  # noqa: A002
    """input ** exponent in float64; either may be a number."""
    if isinstance(input, Value):
        return write_out(input.float_power(exponent), out, "float_power")
    if not isinstance(exponent, Value):
        raise arguments.invalid_combination_error("float_power", (input, exponent), _signatures("exponent"))
    return write_out(float(input) ** exponent.to(dtypes.float64), out, "float_power")


@function_only
def copysign(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002
    """|input| with the sign of other (a tensor or a number)."""
    if not isinstance(input, Value):
        raise arguments.invalid_combination_error("copysign", (input, other), (
            "Tensor input, Tensor other, *, Tensor out = None", "Tensor input, Number other, *, Tensor out = None"))
    return write_out(input.copysign(other), out, "copysign")


@function_only
def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1, out: Any = None) -> Value:  # noqa: A002
    return write_out(_fused(False, _tensor_input(input, "addcmul"), tensor1, tensor2, value, 2), out, "addcmul")


@function_only
def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1, out: Any = None) -> Value:  # noqa: A002
    return write_out(_fused(True, _tensor_input(input, "addcdiv"), tensor1, tensor2, value, 2), out, "addcdiv")
