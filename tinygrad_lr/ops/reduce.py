"""Reductions: sum, mean, variance, max, min, aminmax. Each gradient spreads g back over the reduced axes."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any, NamedTuple

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.elementwise import Maximum, Minimum
from tinygrad_lr.ops.table import entry
from tinygrad_lr.value import MinMax, Value


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    if axes is None:
        return int(np.prod(shape))
    return int(np.prod([shape[i] for i in axes]))


class Sum(Function):
    """sum of a over axes;  da = g broadcast back to a's shape."""

    torch_inputs = slice(1)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "SumBackward0" if ctx.axes is None else "SumBackward1"  # torch: x.sum() and x.sum(dim)

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        ctx.shape, ctx.axes = a.shape, axes
        return dual.array_sum(a, axes, keepdim)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        kept = g.reshape(dual.kept_shape(ctx.shape, ctx.axes))
        return dual.broadcast_to(kept, ctx.shape), None, None


class Mean(Function):
    """mean of a over axes (N elements);  da = g / N broadcast back."""

    torch_inputs = slice(1)

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "MeanBackward0" if ctx.axes is None else "MeanBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        ctx.shape, ctx.axes = a.shape, axes
        return dual.array_mean(a, axes, keepdim)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        count = _count(ctx.shape, ctx.axes)
        kept = g.reshape(dual.kept_shape(ctx.shape, ctx.axes)) / count
        return dual.broadcast_to(kept, ctx.shape), None, None


class Var(Function):
    """sum((a - mean)^2) / (N - correction);  da = g * 2 (a - mean) / (N - correction)."""

    torch_name = "VarBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, correction: float, keepdim: bool) -> Any:
        return _variance(ctx, a, axes, correction, keepdim, "var").astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        return _variance_grad(ctx, a, g), None, None, None


class Std(Function):
    """sqrt(var(a));  da = var's gradient for g / (2 std), taken as 0 where std = 0 (torch's subgradient: a
    constant row gets a zero gradient, not 0 * inf = NaN)."""

    torch_name = "StdBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, correction: float, keepdim: bool) -> Any:
        out = np.sqrt(_variance(ctx, a, axes, correction, keepdim, "std")).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)  # the output itself: a second derivative sees it depend on a
        ctx.constant = np.reshape(out == 0, dual.kept_shape(a.shape, axes))
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        shape = ctx.constant.shape
        grad_var = dual.where(ctx.constant, 0.0, g.reshape(shape) / (2 * out.reshape(shape)))
        return _variance_grad(ctx, a, grad_var), None, None, None


def _variance(ctx: Any, a: Any, axes: tuple[int, ...] | None, correction: float, keepdim: bool, name: str) -> Any:
    """The variance for Var and Std, with torch's warning when no degree of freedom is left (the result is
    NaN or inf, and so is the gradient). Float32 and float16 are summed in float64, as torch accumulates them
    (squares of 1e20 overflow float32): the caller rounds the result to a's dtype."""
    ctx.save_for_backward(a)
    denominator = max(_count(a.shape, axes) - correction, 0)
    if denominator == 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
            "(input numel divided by output numel).",
            UserWarning,
            stacklevel=6,  # the user's call of var() or std(), through Function.apply
        )
    ctx.axes, ctx.shape, ctx.denominator = axes, a.shape, denominator  # ctx keeps nothing without a graph
    # in float64, as torch accumulates float32 and float16 (squares of 1e20 would overflow float32), then rounded
    wide = a.astype(np.float64) if a.dtype.kind == "f" and a.dtype.itemsize < 8 else a
    centered = wide - dual.array_mean(wide, axes, True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return dual.array_sum(centered * centered, axes, keepdim) / denominator


def _variance_grad(ctx: Any, a: Any, g: Any) -> Any:
    """g * 2 (a - mean) / (N - correction); with no degree of freedom 2 / 0 is inf, as in torch (NaN, not a
    ZeroDivisionError)."""
    centered = a - dual.mean(a, ctx.axes, True)
    kept = g.reshape(dual.kept_shape(ctx.shape, ctx.axes))
    return kept * centered * (2.0 / ctx.denominator if ctx.denominator else math.inf)


class Norm(Function):
    """The p-norm over axes, (sum |a|^p)^(1/p), for p > 0;  da = g a |a|^(p-2) / norm^(p-1), written as
    torch writes it for each range of p, and 0 where the norm is 0 (torch's subgradient: a zero vector gets a
    zero gradient, not NaN). p = 0 counts the non-zero elements (no gradient)."""

    torch_name = "LinalgVectorNormBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, p: float, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        if p == 0:
            kept = dual.array_sum((a != 0).astype(a.dtype), axes, True)
        elif _count(a.shape, axes) == 1 and (a.ndim or axes is None):
            # one element per output: torch takes |a|, which cannot overflow as a squared 1e30 would
            kept = np.abs(a).reshape(dual.kept_shape(a.shape, axes))
        elif p == 2:
            kept = np.sqrt(dual.array_sum(a * a, axes, True))
        else:
            kept = dual.array_sum(np.abs(a) ** p, axes, True) ** (1.0 / p)
        out = kept if keepdim else np.reshape(kept, _drop(a.shape, axes))
        ctx.save_for_backward(a, out, np.sign(a))  # the output itself: a second derivative sees it depend on a
        ctx.p, ctx.zero, ctx.zero_elements = p, kept == 0, a == 0
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out, sign = ctx.saved_tensors
        p, g, norm = ctx.p, g.reshape(ctx.zero.shape), out.reshape(ctx.zero.shape)
        if p == 0:
            return None, None, None, None
        if p == 2:
            return a * dual.where(ctx.zero, 0.0, g / norm), None, None, None
        magnitude = a * sign
        if p < 1:  # |a|^(p-1) is inf at a = 0, where torch takes 0
            scaled = sign * dual.where(ctx.zero_elements, 0.0, magnitude ** (p - 1))
            return scaled * g * norm ** (1 - p), None, None, None
        scaled = sign * magnitude ** (p - 1) if p < 2 else a * magnitude ** (p - 2)
        return scaled * dual.where(ctx.zero, 0.0, g / norm ** (p - 1)), None, None, None


class Amax(Function):
    """max of a over axes;  da = g shared evenly by the elements equal to the max (as torch.amax)."""

    torch_name = "AmaxBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        check_reduction_size("amax", a.shape, axes)
        return _save_winners_along(ctx, a, a.max(axis=axes, keepdims=True), axes, keepdim)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (share,) = ctx.saved_tensors
        return g.reshape(ctx.kept_shape) * share, None, None


class Amin(Function):
    """min of a over axes;  da = g shared evenly by the elements equal to the min (as torch.amin)."""

    torch_name = "AminBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        check_reduction_size("amin", a.shape, axes)
        return _save_winners_along(ctx, a, a.min(axis=axes, keepdims=True), axes, keepdim)

    backward = staticmethod(Amax.backward)


class AminmaxMin(Amin):
    """aminmax's min: amin's rule (ties share the gradient evenly), torch's name for the pair."""

    torch_name = "AminmaxBackward0"
    torch_inputs = slice(1)


class AminmaxMax(Amax):
    """aminmax's max: amax's rule (ties share the gradient evenly), torch's name for the pair."""

    torch_name = "AminmaxBackward0"


class AminmaxResult(NamedTuple):
    """(min, max), as torch.aminmax returns them."""

    min: Value
    max: Value


def _save_winners_along(
    ctx: Any, a: np.ndarray, kept: np.ndarray, axes: tuple[int, ...] | None, keepdim: bool
) -> np.ndarray:
    """Save the even shares of the gradient for the winners `kept` (reduced with keepdims); return the result."""
    if ctx.needs_input_grad:  # empty when no graph is recorded
        ctx.save_for_backward(_even_shares(a == kept, axes, a.dtype))
    ctx.kept_shape = kept.shape
    return kept if keepdim else kept.reshape(_drop(a.shape, axes))


class Max(Function):
    """The largest element, as torch.max() without dim;  da = g shared evenly by the maximal elements.

    Unlike amax, a NaN wins: the max is NaN and the NaNs share the gradient (torch's rule).
    """

    torch_name = "MaxBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        _check_not_empty(a)
        return _save_winners_of_all(ctx, a, a.max())

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (share,) = ctx.saved_tensors
        return g * share


class Min(Function):
    """The smallest element, as torch.min() without dim;  da = g shared evenly by the minimal elements (NaN wins).

    Its own op rather than -max(-a): negation wraps unsigned integers (-1 is 255 in uint8) and refuses bools.
    """

    torch_name = "MinBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        _check_not_empty(a)
        return _save_winners_of_all(ctx, a, a.min())

    backward = staticmethod(Max.backward)


def _save_winners_of_all(ctx: Any, a: np.ndarray, out: Any) -> Any:
    """Save the even shares of the gradient for the elements equal to `out` (or the NaNs, when out is NaN)."""
    if ctx.needs_input_grad:
        winners = np.isnan(a) if np.isnan(out) else a == out
        ctx.save_for_backward(_even_shares(winners, None, a.dtype))
    return out


def check_reduction_size(name: str, shape: tuple[int, ...], axes: tuple[int, ...] | None) -> None:
    """torch's errors for max/min/amax/amin/argmax/argmin that would reduce over no element."""
    if axes is None:
        if int(np.prod(shape)) == 0 and name.startswith("arg"):
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        if int(np.prod(shape)) == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction "
                "dim with the 'dim' argument."
            )
        return
    for axis in axes:
        if shape and shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


def _check_not_empty(a: np.ndarray) -> None:
    if a.size == 0:
        raise RuntimeError(
            "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
            "with the 'dim' argument."
        )


def _even_shares(winners: np.ndarray, axes: tuple[int, ...] | None, dtype: np.dtype) -> np.ndarray:
    """1/count at each of the count winners of every reduced slice (NaN where none wins: a NaN max in amax)."""
    winners = winners.astype(dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return winners / winners.sum(axis=axes, keepdims=True)


class MaxDim(Function):
    """max of a along one axis, as torch.max(dim);  da = g at the first maximal position only."""

    torch_name = "MaxBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, keepdim: bool) -> Any:
        return _pick_along(ctx, a, np.argmax, axis, keepdim)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (onehot,) = ctx.saved_tensors
        return g.reshape(ctx.kept_shape) * onehot, None, None


class MinDim(Function):
    """min of a along one axis, as torch.min(dim);  da = g at the first minimal position only."""

    torch_name = "MinBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, keepdim: bool) -> Any:
        return _pick_along(ctx, a, np.argmin, axis, keepdim)

    backward = staticmethod(MaxDim.backward)


def _pick_along(ctx: Any, a: np.ndarray, arg: Any, axis: int, keepdim: bool) -> np.ndarray:
    """The elements `arg` (np.argmax or np.argmin) picks along `axis`; saves where they were, for backward."""
    if a.ndim == 0:
        ctx.save_for_backward(np.ones((), dtype=a.dtype))
        ctx.kept_shape = ()
        return a.copy()
    index = np.expand_dims(arg(a, axis=axis), axis)
    onehot = np.zeros(a.shape, dtype=a.dtype)
    np.put_along_axis(onehot, index, 1, axis=axis)
    ctx.save_for_backward(onehot)
    ctx.kept_shape = index.shape
    values = np.take_along_axis(a, index, axis=axis)
    return values if keepdim else values.squeeze(axis)


def _drop(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    if axes is None:
        return ()
    return tuple(s for i, s in enumerate(shape) if i not in axes)


class ReduceMethods:
    """The op table's rows for reductions (see ops/table.py): each turns dim/keepdim into the op's axes."""

    @entry(Sum)
    def sum(self: Any, dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Value:
        """Sum over `dim` (all dims if None); integer and bool data sum as int64, as in torch."""
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind in "biu":
            source = source.to(dtypes.int64)
        return Sum.apply(source, arguments.dims(dim, self._data.ndim), keepdim)

    @entry(Mean)
    def mean(self: Any, dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Value:
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind not in "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                f"dtype. Got: {arguments.torch_dtype_name(source.dtype)}"
            )
        return Mean.apply(source, arguments.dims(dim, self._data.ndim), keepdim)

    @entry(Var)
    def var(
        self: Any, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *, correction: Any = None
    ) -> Value:
        """Variance: sum((x - mean)^2) / (N - correction); correction=1 (unbiased) by default."""
        _require_float_variance(self._data)
        axes = arguments.dims(dim, self._data.ndim)
        return Var.apply(self, axes, arguments.variance_correction(unbiased, correction), keepdim)

    @entry(Std)
    def std(
        self: Any, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *, correction: Any = None
    ) -> Value:
        """Standard deviation: sqrt(var); its gradient is 0 where it is 0 (a constant row), as in torch."""
        _require_float_variance(self._data)
        axes = arguments.dims(dim, self._data.ndim)
        return Std.apply(self, axes, arguments.variance_correction(unbiased, correction), keepdim)

    @entry(Max, MaxDim, Maximum)
    def max(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The largest element; with `dim`, a (values, indices) pair as torch.max(dim) returns."""
        if isinstance(dim, Value):
            return self.maximum(dim)
        if self._data.size == 0:
            check_reduction_size("max", self._data.shape, arguments.dims(dim, self._data.ndim))
        if dim is None:
            return Max._record_unary(self)
        values = MaxDim.apply(self, arguments.single_dim(dim, self._data.ndim), keepdim)
        return MinMax(values, _arg_reduce(np.argmax, self._data, dim, keepdim))

    @entry(Min, MinDim, Minimum)
    def min(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The smallest element; with `dim`, a (values, indices) pair as torch.min(dim) returns."""
        if isinstance(dim, Value):
            return self.minimum(dim)
        if self._data.size == 0:
            check_reduction_size("min", self._data.shape, arguments.dims(dim, self._data.ndim))
        if dim is None:
            return Min._record_unary(self)
        values = MinDim.apply(self, arguments.single_dim(dim, self._data.ndim), keepdim)
        return MinMax(values, _arg_reduce(np.argmin, self._data, dim, keepdim))

    @entry(Amax)
    def amax(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        return Amax.apply(self, arguments.dims(dim, self._data.ndim), keepdim)

    @entry(Amin)
    def amin(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        if self._data.size == 0:
            check_reduction_size("amin", self._data.shape, arguments.dims(dim, self._data.ndim))
        return Amin.apply(self, arguments.dims(dim, self._data.ndim), keepdim)

    @entry(AminmaxMin, AminmaxMax)
    def aminmax(self: Any, *, dim: Any = None, keepdim: builtins.bool = False) -> AminmaxResult:
        """The smallest and the largest element (along one `dim`), each with amin's and amax's gradient."""
        data = self._data
        axes = None if dim is None else (arguments.single_dim(dim, data.ndim),) if data.ndim else ()
        if axes is None and data.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."
            )
        if axes and data.shape[axes[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes[0]} to have non-zero size.")
        return AminmaxResult(AminmaxMin.apply(self, axes, keepdim), AminmaxMax.apply(self, axes, keepdim))

    @entry()
    def argmax(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        if self._data.dtype.kind == "b":  # (max and min of bools, with their indices, are fine)
            raise RuntimeError("argmax(): does not support bool input")
        return _arg_reduce(np.argmax, self._data, dim, keepdim)

    @entry()
    def argmin(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        if self._data.dtype.kind == "b":  # (max and min of bools, with their indices, are fine)
            raise RuntimeError("argmin(): does not support bool input")
        return _arg_reduce(np.argmin, self._data, dim, keepdim)

    @entry(Norm, Amax)
    def norm(self: Any, p: Any = 2, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        """The p-norm over `dim`: (sum |x|^p)^(1/p); max |x| for p = inf, min |x| for -inf, the number of non-zero
        elements for 0. A zero vector's gradient is 0, as in torch."""
        if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
        if self._data.dtype.kind != "f":
            raise RuntimeError(
                "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                f"{arguments.torch_dtype_name(self._data.dtype)}"
            )
        p = 2.0 if p == "fro" else builtins.float(p)
        if p == math.inf:
            return self.abs().amax(dim, keepdim)
        if p == -math.inf:
            return self.abs().amin(dim, keepdim)
        return Norm.apply(self, p, arguments.dims(dim, self._data.ndim), keepdim)


def _require_float_variance(data: np.ndarray) -> None:
    if data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")


def _arg_reduce(fn: Any, data: np.ndarray, dim: Any, keepdim: bool) -> Value:
    if data.size == 0:
        check_reduction_size(fn.__name__, data.shape, arguments.dims(dim, data.ndim))
    if dim is None:
        result = np.asarray(fn(data), dtype=np.int64)
        return Value._make_const(result.reshape((1,) * data.ndim) if keepdim else result)
    axis = arguments.single_dim(dim, data.ndim)
    if data.ndim == 0:
        return Value._make_const(np.zeros((), dtype=np.int64))
    return Value._make_const(fn(data, axis=axis, keepdims=keepdim).astype(np.int64))
