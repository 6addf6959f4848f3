"""Elementwise functions (exp, log, clamp, maximum, where, casts, ...): each forward on NumPy arrays, its
derivative right below it, and their rows of the op table at the end.

Broadcasting is not handled here: the engine sums every gradient back to its input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments, devices, dtypes, tensor_types
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, inplace
from tinygrad_lr.ops.table import binary, entry, function_only, unary
from tinygrad_lr.promotion import array_of, pair_either
from tinygrad_lr.value import Value


class Abs(Function):
    """|a|;  da = g * sign(a), with sign(0) = 0."""

    torch_name = "AbsBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.dtype.kind == "b":
            raise arguments.float_kernel_error("abs_cpu", a.dtype)  # NumPy's sign has no bool loop either
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

    `side` names torch's one-sided forms (clamp_min: "Min", clamp_max: "Max"): the same rule, their own names.
    """

    @staticmethod
    def torch_name(ctx: Any) -> str:
        if ctx.side:  # torch: ClampMinBackward1 with a tensor bound, ClampMinBackward0 with a number
            return f"Clamp{ctx.side}Backward{int(ctx.tensor_bounds)}"
        return "ClampBackward0" if ctx.tensor_bounds else "ClampBackward1"  # torch: bounds as tensors or numbers

    @staticmethod
    def torch_inputs(ctx: Any) -> slice:
        if not ctx.tensor_bounds:
            return slice(1)  # number bounds are no inputs of torch's node
        return {None: slice(3), "Min": slice(2), "Max": slice(0, 3, 2)}[ctx.side]

    @staticmethod
    def forward(ctx: Any, a: Any, lo: Any, hi: Any, side: str | None = None) -> Any:
        out = a
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            out = np.maximum(out, lo)
            inside = inside & (a >= lo)
        if hi is not None:
            out = np.minimum(out, hi)
            inside = inside & (a <= hi)
        ctx.save_for_backward(inside)
        ctx.tensor_bounds, ctx.side = isinstance(lo, np.ndarray) or isinstance(hi, np.ndarray), side
        needs = ctx.needs_input_grad
        if needs and needs[1]:
            ctx.below = (a < lo) & (lo < hi) if hi is not None else a < lo
        if needs and needs[2]:
            ctx.above = (a > hi) | (hi < lo) if lo is not None else a > hi
        return out.astype(a.dtype, copy=False)  # a NumPy float64 scalar bound must not widen a float32 tensor

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (inside,) = ctx.saved_tensors
        _, need_lo, need_hi = ctx.needs_input_grad[:3]
        return (
            dual.where(inside, g, 0.0),
            dual.where(ctx.below, g, 0.0) if need_lo else None,
            dual.where(ctx.above, g, 0.0) if need_hi else None,
            None,
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
    torch_inputs = slice(1, None)

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
    torch_inputs = slice(1)

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


def overwrite(target: Value, source: Any) -> Value:
    """Every element replaced by `source` (broadcast, cast); inside a graph the gradient flows to `source` only.

    Written as where(nowhere, old, source), so the old value gets an exact zero gradient (not 0 * inf)."""
    if not inplace.records(target, source):
        inplace.note_modified(target)
        np.copyto(target._data, array_of(source), casting="unsafe")  # a source that broadcasts (checked)
        return target
    shape, dtype = target._data.shape, target._data.dtype
    nowhere = Value._make_const(np.zeros(shape, dtype=bool))
    new = source.to(dtype) if isinstance(source, Value) else Value._make_const(np.asarray(source, dtype=dtype))
    return inplace.record(target, lambda before: where(nowhere, before, new), source)


class ElementwiseMethods:
    """The op table's rows for elementwise functions (see ops/table.py)."""

    __abs__ = unary(Abs, function="abs", inplace="abs_")
    abs = __abs__
    exp = unary(Exp, inplace="exp_", floating=True)
    log = unary(Log, inplace="log_", floating=True)
    log1p = unary(Log1p, inplace="log1p_", floating=True)
    sqrt = unary(Sqrt, inplace="sqrt_", floating=True)
    sin = unary(Sin, inplace="sin_", floating=True)
    cos = unary(Cos, inplace="cos_", floating=True)
    clone = unary(Clone)
    maximum = binary(Maximum)
    minimum = binary(Minimum)

    @entry(Clamp, function=("clamp", "clip"), inplace=("clamp_", "clip_"))
    def clamp(self: Any, min: Any = None, max: Any = None) -> Value:  # noqa: A002 - torch's names
        """Limit to [min, max]; the gradient passes where min <= x <= max (torch's convention)."""
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return _clamped(self, min, max)
    clip = clamp

    @entry(Clamp)
    def clamp_min(self: Any, min: Any) -> Value:  # noqa: A002 - torch's name
        """max(x, min): clamp's lower bound alone (a number or a Value)."""
        return _clamped(self, _one_bound(self, min, "min"), None, "Min")

    @entry(Clamp)
    def clamp_max(self: Any, max: Any) -> Value:  # noqa: A002 - torch's name
        """min(x, max): clamp's upper bound alone (a number or a Value)."""
        return _clamped(self, None, _one_bound(self, max, "max"), "Max")

    def clamp_min_(self: Any, min: Any) -> Value:  # noqa: A002 - torch's name
        """clamp_min in place (a float bound of an integer Value is refused, as torch)."""
        return inplace.apply_in_place(self, lambda x: x.clamp_min(_bound_in_place(x, min)))

    def clamp_max_(self: Any, max: Any) -> Value:  # noqa: A002 - torch's name
        """clamp_max in place (a float bound of an integer Value is refused, as torch)."""
        return inplace.apply_in_place(self, lambda x: x.clamp_max(_bound_in_place(x, max)))

    @entry(Where, function=False)  # tinygrad_lr.where(condition, input, other): below
    def where(self: Any, condition: Any, other: Any) -> Value:
        """self where condition, else other."""
        return where(condition, self, other)

    # ----- dtype conversion ----------------------------------------------------------------
    @entry(Cast, function=False)
    def to(self: Any, *args: Any, **kwargs: Any) -> Value:
        """Cast to a dtype (differentiable): `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other)`. A device
        other than the CPU raises torch's error (a string is read as a device: `.to('float64')` is not a cast)."""
        dtype = kwargs.get("dtype")
        devices.check(kwargs.get("device"))
        for a in args:
            if isinstance(a, Value):
                dtype = a._data.dtype
            elif isinstance(a, (str, devices.device)):
                devices.check(a)
            else:
                dtype = a
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self.clone() if kwargs.get("copy") else self
        return Cast.apply(self, np.dtype(dtype))

    def type(self: Any, dtype: Any = None) -> Any:
        """`'torch.FloatTensor'`, or a cast: `x.type(torch.DoubleTensor)` (see tensor_types.convert_type)."""
        return tensor_types.convert_type(self, dtype)

    def type_as(self: Any, other: Value) -> Value:
        return self.to(other.dtype)

    def double(self: Any) -> Value:
        return self.to(dtypes.float64)

    def float(self: Any) -> Value:
        return self.to(dtypes.float32)

    def long(self: Any) -> Value:
        return self.to(dtypes.int64)

    def int(self: Any) -> Value:
        return self.to(dtypes.int32)

    def bool(self: Any) -> Value:
        return self.to(dtypes.bool)

    # ----- overwriting in place (recorded as a where: see overwrite) ------------------------
    def zero_(self: Any) -> Value:
        """Set every element to 0, in place."""
        return self.fill_(0)

    def fill_(self: Any, value: Any) -> Value:
        """Set every element to `value` (a number or a 0-d Value), in place."""
        ndim = value._data.ndim if isinstance(value, Value) else None
        error = arguments.fill_value_error(value, ndim, self._data.dtype)
        if error is not None:
            raise error
        return overwrite(self, value)

    def copy_(self: Any, src: Any) -> Value:
        """Copy `src` into this Value's memory, casting to its dtype and broadcasting to its shape.

        Inside a graph the copy is recorded: the gradient flows to `src` (none to the old value).
        """
        source = array_of(src)
        try:
            np.broadcast_to(source, self._data.shape)
        except ValueError:
            raise arguments.inplace_shape_error(self._data.shape, np.shape(source)) from None
        return overwrite(self, src)


def _one_bound(x: Value, bound: Any, name: str) -> Any:
    """clamp_min's or clamp_max's bound: a Value or a number (torch's errors for None, and for a bool Value
    bounded by a number, which it has no kernel for)."""
    function = f"clamp_{name}"
    if bound is None:
        raise arguments.invalid_combination_error(function, (x, bound), (
            f"Tensor input, Tensor {name}, *, Tensor out = None", f"Tensor input, Number {name}, *, Tensor out = None"))
    if x._data.dtype.kind == "b" and isinstance(bound, (bool, np.bool_)):
        raise arguments.float_kernel_error(f"{function}_scalar_cpu", x._data.dtype)
    return bound


def _bound_in_place(x: Value, bound: Any) -> Any:
    """A number bound of an in-place clamp_min_/clamp_max_ whose type x cannot hold: torch's error (which names
    the C++ type, `long int`), before anything is computed."""
    if not isinstance(bound, Value) and bound is not None:
        result = dtypes.scalar_dtype(bound, x._data.dtype)
        if not np.can_cast(result, x._data.dtype, casting="same_kind"):
            raise RuntimeError(f"result type {arguments.torch_dtype_name(result)} can't be cast to the desired "
                               f"output type {arguments.c_type_name(x._data.dtype)}")
    return bound


def _clamped(x: Value, lo: Any, hi: Any, side: str | None = None) -> Value:
    """Clamp (or its `side`, "Min" or "Max") applied in torch's result dtype: the result_type of x and the bounds
    (an int tensor clamped at 2.5 becomes float)."""
    bounds = [b for b in (lo, hi) if b is not None]
    target = dtypes.promote_tensors([(v._data.dtype, v._data.ndim) for v in (x, *bounds) if isinstance(v, Value)])
    for b in bounds:
        if not isinstance(b, Value):
            target = dtypes.scalar_dtype(b, target)
    low, high = (b.to(target) if isinstance(b, Value) else b for b in (lo, hi))
    return Clamp.apply(x.to(target), low, high, side)


@function_only
def where(condition: Any, input: Any, other: Any) -> Value:  # noqa: A002 - torch's name
    """Elementwise `input if condition else other`; gradients flow to the chosen side only."""
    mask = np.asarray(array_of(condition))
    if mask.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{arguments.torch_dtype_name(mask.dtype)}"
        )
    a, b = pair_either(input, other)
    return Where.apply(mask, a, b)
