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
from tinygrad_lr.ops import dual, erf_table
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


_ERF_HEADS = np.array(erf_table.HEADS)
_ERF_COEFFICIENTS = [np.array(row) for row in erf_table.COEFFICIENTS]
_ERF_STARTS = np.arange(len(erf_table.HEADS)) / erf_table.STEPS  # interval k is [k/16, (k+1)/16)
_ERF_END = float(erf_table.END)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise, in x's dtype: computed in float64 (within 1 ulp of the C library's erf, and correctly
    rounded for about 97 arguments in 100, the C library's for 96), then rounded once to x's dtype. NumPy has
    no erf.

    erf is odd, so y = |x| and the sign is copied back at the end (erf(-0.0) = -0.0). From y = 6 on, erf(y) is 1
    to double precision (1 - erf(6) = 2e-17 < 2^-54): y is clamped there and a last interval gives exactly 1.
    [0, 6) is cut into 96 intervals [k/16, (k+1)/16); on each, with t = y - k/16 (exact), a polynomial P of
    degree 8 in t, interpolating at the 9 Chebyshev points of the interval (close to the best polynomial of
    that degree; with its coefficients rounded to doubles, within 1.2e-17 of erf, relative: a tenth of an
    ulp), gives erf(y) = A + M P(t), with M = min(y, 1/2). The two
    forms are there for accuracy: in each, the last, rounded addition adds to A, which is exact, a term much
    smaller than the result, so that the rounding errors made in computing that term hardly show:

    - y < 1/2: A = M = y and P = erf(y)/y - 1 (|P| < 0.13). erf(y) ~ 2y/sqrt(pi) keeps its full relative
      accuracy down to the smallest subnormal y: for tiny y, P is its constant term, the double nearest
      2/sqrt(pi) - 1, and y P, subnormal for y below 1.7e-307, is rounded to a multiple of 2^-1074: at most
      1/4 ulp of the result more, where the sum is not exact (so erf stays within 0.82 ulp of the truth);
    - y >= 1/2: A = H, the double nearest erf at the interval's centre, M = 1/2 and P = 2 (erf(y) - H)
      (|P / 2| < 0.04, H > 0.52). Where erf is close to 1 this is 1 - erfc(y) without the cancellation: what
      the polynomial approximates is the small difference from H, to full relative accuracy.

    The coefficients, computed with 200-bit arithmetic (mpmath) and rounded to doubles, are in ops/erf_table.py
    (made by tests/make_erf_table.py), with A - M (0, or H - 1/2: exact). Each element's row is gathered from
    the table (np.take), with no branch on the data; NaN picks the last interval and stays NaN through M.
    """
    flat = x.reshape(-1)  # a 0-d x as one element, so that each step returns an array
    # Five arrays of doubles in all, written in place: a fresh array of 32768 doubles costs more than a multiply
    # of it, in the page faults of its first writes.
    y = np.abs(flat, dtype=np.float64)
    scratch = np.fmin(y, _ERF_END)  # fmin: NaN -> 6 -> the last interval
    np.multiply(scratch, erf_table.STEPS, out=scratch)
    k = scratch.astype(np.intp)
    np.minimum(y, _ERF_END, out=y)  # NaN stays NaN
    t = np.take(_ERF_STARTS, k, out=scratch, mode="clip")
    np.subtract(y, t, out=t)
    # np.take dispatches on its table and out=, not on the indices: with out= given, `compile` records it
    p = np.take(_ERF_COEFFICIENTS[-1], k, out=np.empty_like(y), mode="clip")
    coefficient = np.empty_like(y)
    for row in _ERF_COEFFICIENTS[-2::-1]:  # Horner
        np.multiply(p, t, out=p)
        np.add(p, np.take(row, k, out=coefficient, mode="clip"), out=p)
    m = np.minimum(y, 0.5, out=y)
    np.multiply(p, m, out=p)
    out = np.take(_ERF_HEADS, k, out=coefficient, mode="clip")
    np.add(out, m, out=out)
    np.add(out, p, out=out)
    out = out.astype(x.dtype, copy=False)  # rounding is odd-symmetric: the sign can come after it
    np.copysign(out, flat, out=out)  # in x's dtype: no conversion of x on the way
    return out.reshape(x.shape)


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
