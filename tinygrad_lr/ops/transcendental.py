"""More functions of real numbers (exp2, expm1, log2, log10, tan, sinh, cosh, asin, acos, atan, erf, atan2, sinc,
deg2rad, rad2deg), each
forward on NumPy arrays with its derivative right below it, and their rows of the op table at the end.

Integer and bool input becomes the default float dtype first (the rows' `floating=True`), as in torch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.table import entry, unary
from tinygrad_lr.promotion import pair_either
from tinygrad_lr.value import Value

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_RADIANS_PER_DEGREE, _DEGREES_PER_RADIAN = math.pi / 180.0, 180.0 / math.pi


class Exp2(Function):
    """2^a;  da = g 2^a ln 2."""

    torch_name = "Exp2Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.exp2(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * out * _LN2


class Expm1(Function):
    """e^a - 1, accurate for small a;  da = g e^a = g (out + 1)."""

    torch_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out + 1)


class Log2(Function):
    """log2 a;  da = g / (a ln 2)."""

    torch_name = "Log2Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.log2(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


class Log10(Function):
    """log10 a;  da = g / (a ln 10)."""

    torch_name = "Log10Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.log10(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


class Tan(Function):
    """tan a;  da = g (1 + tan^2 a)."""

    torch_name = "TanBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * (out * out + 1)


class Sinh(Function):
    """sinh a;  da = g cosh a."""

    torch_name = "SinhBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.sinh(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * dual.call("cosh", a)


class Cosh(Function):
    """cosh a;  da = g sinh a."""

    torch_name = "CoshBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.cosh(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * dual.call("sinh", a)


class Asin(Function):
    """arcsin a;  da = g / sqrt(1 - a^2)."""

    torch_name = "AsinBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.arcsin(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / dual.call("sqrt", 1 - a * a)


class Acos(Function):
    """arccos a;  da = -g / sqrt(1 - a^2)."""

    torch_name = "AcosBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.arccos(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return -g / dual.call("sqrt", 1 - a * a)


class Atan(Function):
    """arctan a;  da = g / (1 + a^2)."""

    torch_name = "AtanBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.arctan(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / (a * a + 1)


_erf_ufunc = np.frompyfunc(math.erf, 1, 1)  # a ufunc on Python floats (so `compile` records it as one call)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise, in x's dtype (the C library's erf, one element at a time: NumPy has no erf). Applied to
    x flattened, so that the ufunc returns an array of Python floats even for one element, then cast (each double
    rounded once to x's dtype)."""
    return _erf_ufunc(x.reshape(-1)).astype(x.dtype).reshape(x.shape)


class Erf(Function):
    """erf a = 2/sqrt(pi) int_0^a e^(-t^2) dt;  da = g 2/sqrt(pi) e^(-a^2). (Also GELU's backward under
    create_graph=True.)"""

    torch_name = "ErfBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return erf_array(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * dual.exp(-(a * a)) * _TWO_OVER_SQRT_PI


class Atan2(Function):
    """atan2(a, b), the angle of the point (b, a);  da = g b / (a^2 + b^2), db = -g a / (a^2 + b^2)."""

    torch_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        scale = g / (a * a + b * b)
        need_a, need_b = ctx.needs_input_grad
        return (scale * b if need_a else None), (-scale * a if need_b else None)


class Rsqrt(Function):
    """1 / sqrt(a);  da = -g out^3 / 2."""

    torch_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.reciprocal(np.sqrt(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * out * out * out * -0.5


class Sinc(Function):
    """sin(pi a) / (pi a), 1 at a == 0;  da = g (pi a cos(pi a) - sin(pi a)) / (pi a^2), 0 where pi a^2 == 0."""

    torch_name = "SincBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        angle = a * np.pi
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a == 0, 1, np.sin(angle) / angle).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        angle = a * math.pi
        scale = a * a * math.pi
        flat = (scale._data if dual.is_value(scale) else scale) == 0
        safe = dual.where(flat, 1.0, scale)  # (no 0 / 0 where torch answers 0, even unselected: its gradient)
        return dual.where(flat, 0.0, g * (angle * dual.cos(angle) - dual.sin(angle)) / safe)


class AngleUnits(Function):
    """a in other units of angle, a times `factor` (deg2rad: pi / 180, rad2deg: 180 / pi);  da = g factor."""

    torch_inputs = slice(1)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "Deg2RadBackward0" if ctx.factor == _RADIANS_PER_DEGREE else "Rad2DegBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, factor: float) -> Any:
        ctx.factor = factor
        return a * factor

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g * ctx.factor, None


def _floating(x: Value) -> Value:
    return x if x._data.dtype.kind == "f" else x.to(dtypes.get_default_dtype())


class TranscendentalMethods:
    """The op table's rows for these functions (see ops/table.py)."""

    exp2 = unary(Exp2, inplace="exp2_", floating=True)
    expm1 = unary(Expm1, inplace="expm1_", floating=True)
    log2 = unary(Log2, inplace="log2_", floating=True)
    log10 = unary(Log10, inplace="log10_", floating=True)
    tan = unary(Tan, inplace="tan_", floating=True)
    sinh = unary(Sinh, inplace="sinh_", floating=True)
    cosh = unary(Cosh, inplace="cosh_", floating=True)
    asin = unary(Asin, function=("asin", "arcsin"), inplace=("asin_", "arcsin_"), floating=True)
    arcsin = asin
    acos = unary(Acos, function=("acos", "arccos"), inplace=("acos_", "arccos_"), floating=True)
    arccos = acos
    atan = unary(Atan, function=("atan", "arctan"), inplace=("atan_", "arctan_"), floating=True)
    arctan = atan
    erf = unary(Erf, inplace="erf_", floating=True)
    rsqrt = unary(Rsqrt, inplace="rsqrt_", floating=True)
    sinc = unary(Sinc, inplace="sinc_", floating=True)

    @entry(AngleUnits, inplace="deg2rad_")
    def deg2rad(self: Any) -> Value:
        """Degrees to radians (integers become the default float dtype)."""
        return AngleUnits.apply(_floating(self), _RADIANS_PER_DEGREE)

    @entry(AngleUnits, inplace="rad2deg_")
    def rad2deg(self: Any) -> Value:
        """Radians to degrees (integers become the default float dtype)."""
        return AngleUnits.apply(_floating(self), _DEGREES_PER_RADIAN)

    @entry(Atan2, function=("atan2", "arctan2"), inplace=("atan2_", "arctan2_"))
    def atan2(self: Any, other: Any) -> Value:
        """The angle of (other, self) in (-pi, pi]; integers become the default float dtype, as in torch."""
        a, b = pair_either(self, other)
        if a._data.dtype.kind != "f":
            a, b = a.to(dtypes.get_default_dtype()), b.to(dtypes.get_default_dtype())
        return Atan2.apply(a, b)
    arctan2 = atan2
