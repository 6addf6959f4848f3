"""Elementwise arithmetic: each forward on NumPy arrays, its derivative right below it.

Broadcasting is not handled here: the engine sums every gradient back to its input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual


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


class Abs(Function):
    """|a|;  da = g * sign(a), with sign(0) = 0."""

    torch_name = "AbsBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(np.sign(a))
        return np.abs(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (sign,) = ctx.saved_tensors
        return g * sign


class Exp(Function):
    """e^a;  da = g * e^a."""

    torch_name = "ExpBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g * out


class Log(Function):
    """ln a;  da = g / a."""

    torch_name = "LogBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / a


class Log1p(Function):
    """ln(1 + a), accurate for small a;  da = g / (1 + a)."""

    torch_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.log1p(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g / (1 + a)


class Sqrt(Function):
    """sqrt(a);  da = g / (2 sqrt(a))."""

    torch_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return g / (2 * out)


class Sin(Function):
    """sin a;  da = g cos a."""

    torch_name = "SinBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return g * dual.cos(a)


class Cos(Function):
    """cos a;  da = -g sin a."""

    torch_name = "CosBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return -g * dual.sin(a)


class Clamp(Function):
    """min(max(a, lo), hi), with constant or tensor bounds (torch's gradients, also when lo > hi):

    da = g where lo <= a <= hi;  dlo = g where a < lo < hi;  dhi = g where a > hi or hi < lo.
    """

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "ClampBackward0" if ctx.tensor_bounds else "ClampBackward1"  # torch: bounds as tensors or numbers

    @staticmethod
    def forward(ctx: Any, a: Any, lo: Any, hi: Any) -> Any:
        out = a
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            out = np.maximum(out, lo)
            inside = inside & (a >= lo)
        if hi is not None:
            out = np.minimum(out, hi)
            inside = inside & (a <= hi)
        ctx.save_for_backward(inside)
        ctx.tensor_bounds = isinstance(lo, np.ndarray) or isinstance(hi, np.ndarray)
        needs = ctx.needs_input_grad
        if needs and needs[1]:
            ctx.below = (a < lo) & (lo < hi) if hi is not None else a < lo
        if needs and needs[2]:
            ctx.above = (a > hi) | (hi < lo) if lo is not None else a > hi
        return out.astype(a.dtype, copy=False)  # a NumPy float64 scalar bound must not widen a float32 tensor

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (inside,) = ctx.saved_tensors
        _, need_lo, need_hi = ctx.needs_input_grad
        return (
            dual.where(inside, g, 0.0),
            dual.where(ctx.below, g, 0.0) if need_lo else None,
            dual.where(ctx.above, g, 0.0) if need_hi else None,
        )


class Maximum(Function):
    """max(a, b) elementwise; the gradient goes to the larger input, half to each on ties (as torch).

    A NaN on either side makes both sides receive the full gradient, as in torch.
    """

    torch_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = np.maximum(a, b)
        if ctx.needs_input_grad:  # empty when no graph is recorded
            ctx.save_for_backward(*_tie_shares(a, b, a < b, a > b, out.dtype))
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        share_a, share_b = ctx.saved_tensors
        return g * share_a, g * share_b


class Minimum(Function):
    """min(a, b) elementwise; the gradient goes to the smaller input, half to each on ties (as torch)."""

    torch_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        out = np.minimum(a, b)
        if ctx.needs_input_grad:
            ctx.save_for_backward(*_tie_shares(a, b, a > b, a < b, out.dtype))
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        share_a, share_b = ctx.saved_tensors
        return g * share_a, g * share_b


def _tie_shares(a: Any, b: Any, a_loses: Any, b_loses: Any, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """torch's rule: g/2 on ties, else g, then 0 for the side that loses (comparisons with NaN lose nowhere)."""
    base = np.where(a == b, 0.5, 1.0).astype(dtype, copy=False)
    return np.where(a_loses, 0, base).astype(dtype, copy=False), np.where(b_loses, 0, base).astype(dtype, copy=False)


class Where(Function):
    """condition ? a : b;  da = g where condition, db = g elsewhere."""

    torch_name = "WhereBackward0"

    @staticmethod
    def forward(ctx: Any, condition: Any, a: Any, b: Any) -> Any:
        ctx.condition = condition
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        _, need_a, need_b = ctx.needs_input_grad
        c = ctx.condition
        return None, (dual.where(c, g, 0.0) if need_a else None), (dual.where(c, 0.0, g) if need_b else None)


class Cast(Function):
    """a converted to another float dtype; the engine casts the gradient back to a's dtype."""

    torch_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, dtype: Any) -> Any:
        return a.astype(dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, None


class Clone(Function):
    """A copy of a in new memory;  da = g."""

    torch_name = "CloneBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return a.copy()

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g
