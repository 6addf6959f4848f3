"""Products, running sums, products, maxima and minima, log-sum-exp (running too) and the trace: each forward on
NumPy arrays with its derivative right below it, and their rows of the op table at the end."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops import gather as gathering
from tinygrad_lr.ops.arithmetic import Sub
from tinygrad_lr.ops.reduce import Mean, Std, Var
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import MinMax, Value


def _exclusive_products(a: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of the others along `axis` (exact with zeros: no division)."""
    if a.shape[axis] == 0:  # no elements: nothing to multiply (the prefix of ones below would add one)
        return np.ones_like(a)
    moved = np.moveaxis(a, axis, -1)
    ones = np.ones(moved.shape[:-1] + (1,), dtype=a.dtype)
    before = np.cumprod(np.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
    after = np.flip(np.cumprod(np.concatenate([ones, np.flip(moved, -1)[..., :-1]], axis=-1), axis=-1), -1)
    return np.moveaxis(before * after, -1, axis)


class Prod(Function):
    """The product of the elements (along `axis`);  da = g * (product of the other elements), exact with zeros."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "ProdBackward0" if ctx.axis is None else "ProdBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int | None, keepdim: bool) -> Any:
        ctx.axis, ctx.shape = axis, a.shape
        out = np.prod(a, axis=axis, keepdims=keepdim)
        if ctx.needs_input_grad:
            flat = a.reshape(-1) if axis is None else a
            others = _exclusive_products(flat, 0 if axis is None else axis)
            ctx.save_for_backward(a, out, others.reshape(a.shape))
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out, others = ctx.saved_tensors
        if not ctx.shape:  # a 0-d a is its own product: da = g, a constant (torch's rule; no out / a rounding)
            return g, None, None
        kept = g.reshape(dual.kept_shape(ctx.shape, None if ctx.axis is None else (ctx.axis,)))
        if dual.is_value(a) and np.all(a._data != 0):
            # under create_graph: out / a depends on a, so the second derivative is recorded (no zero anywhere)
            return kept * out.reshape(kept.shape) / a, None, None
        return kept * others, None, None


class Cumsum(Function):
    """Running sums along `axis`;  da = the running sums of g taken from the end."""

    torch_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int) -> Any:
        ctx.axis = axis
        return np.cumsum(a, axis=axis) if a.ndim else a.copy()

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if g.ndim == 0:
            return g, None
        if dual.is_value(g):
            return g.flip(ctx.axis).cumsum(ctx.axis).flip(ctx.axis), None
        return np.flip(np.cumsum(np.flip(g, ctx.axis), axis=ctx.axis), ctx.axis), None


class Cumprod(Function):
    """Running products along `axis`;  da_i = sum_{j >= i} g_j prod_{k <= j, k != i} a_k (exact with zeros)."""

    torch_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int) -> Any:
        ctx.axis = axis
        out = np.cumprod(a, axis=axis) if a.ndim else a.copy()
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        shape = (a._data if dual.is_value(a) else a).shape
        if not shape or shape[ctx.axis] <= 1:  # one element along the axis: out = a, da = g (torch's rule)
            return g, None
        if dual.is_value(a):  # under create_graph: the rule without zeros, recorded (with zeros: a constant)
            if np.all(a._data != 0):
                axis = ctx.axis
                return (g * out).flip(axis).cumsum(axis).flip(axis) / a, None
            a, g = a._data, g._data
        moved, grads = np.moveaxis(a, ctx.axis, -1), np.moveaxis(g, ctx.axis, -1)
        out = np.zeros_like(moved)
        for i in range(moved.shape[-1]):  # n products with element i set to 1: O(n^2), exact with zeros
            without = moved.copy()
            without[..., i] = 1
            running = np.cumprod(without, axis=-1)
            out[..., i] = (grads[..., i:] * running[..., i:]).sum(axis=-1)
        return np.moveaxis(out, -1, ctx.axis), None


class Logsumexp(Function):
    """log sum e^a over axes, shifted by the max (no overflow);  da = g e^(a - out)."""

    torch_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...] | None, keepdim: bool) -> Any:
        if a.size == 0:
            kept = np.full(dual.kept_shape(a.shape, axes), -np.inf, dtype=a.dtype)
        else:
            peak = np.max(a, axis=axes, keepdims=True)
            peak = np.where(np.isfinite(peak), peak, 0)
            kept = np.log(dual.array_sum(np.exp(a - peak), axes, True)) + peak
        out = kept if keepdim else kept.reshape([s for i, s in enumerate(kept.shape) if axes is not None and
                                                 i not in axes])
        ctx.save_for_backward(a, out)  # the output itself: a second derivative sees it depend on a
        ctx.axes = axes
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        shape = dual.kept_shape(a.shape, ctx.axes)
        return g.reshape(shape) * dual.exp(a - out.reshape(shape)), None, None


class Cummax(gathering.Gather):
    """Running maxima along `axis`: a gathered at the positions of the running maximum (the last one on ties, a
    NaN once one is met, as torch);  da = g added back at those positions."""

    torch_name = "CummaxBackward0"


class Cummin(gathering.Gather):
    """Running minima along `axis` (see Cummax);  da = g added back at their positions."""

    torch_name = "CumminBackward0"


def running_extreme_positions(a: np.ndarray, axis: int, accumulate: Any) -> np.ndarray:
    """For each element, the position along `axis` of the running max (`np.maximum.accumulate`) or min up to it:
    the last position holding it (torch's choice on ties), and once a NaN is met the last NaN so far."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    running = accumulate(a, axis=axis)
    holds = a == running
    if a.dtype.kind == "f":
        holds |= np.isnan(a)
    shape = [1] * a.ndim
    shape[axis] = a.shape[axis]
    positions = np.where(holds, np.arange(a.shape[axis]).reshape(shape), 0)
    return np.maximum.accumulate(positions, axis=axis) if positions.size else positions


class Logcumsumexp(Function):
    """Running log-sum-exp along `axis`;  da_i = sum_{j >= i} g_j e^(a_i - out_j)."""

    torch_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int) -> Any:
        ctx.axis = axis
        out = np.logaddexp.accumulate(a, axis=axis) if a.ndim else a.copy()
        ctx.save_for_backward(a, out)  # the output itself: a second derivative sees it depend on a
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        shape = (a._data if dual.is_value(a) else a).shape
        if not shape:
            return g, None
        axis, n = ctx.axis, shape[ctx.axis]
        # weights[..., i, j, ...] = e^(a_i - out_j) for j >= i, 0 below: -inf before the exp (no inf * 0 anywhere)
        later = np.triu(np.ones((n, n), dtype=bool)).reshape((n, n) + (1,) * (len(shape) - axis - 1))
        exponent = dual.where(later, _unsqueeze(a, axis + 1) - _unsqueeze(out, axis), -np.inf)
        return dual.sum(dual.exp(exponent) * _unsqueeze(g, axis), (axis + 1,), False), None


def _unsqueeze(x: Any, axis: int) -> Any:
    return x.unsqueeze(axis) if dual.is_value(x) else np.expand_dims(x, axis)


class Trace(Function):
    """The sum of the diagonal of a matrix;  da = g on the diagonal, 0 elsewhere."""

    torch_name = "TraceBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        ctx.shape = a.shape
        return np.asarray(np.trace(a))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g * np.eye(*ctx.shape, dtype=g.dtype)


class VarMean(Var):
    """var_mean's variance: Var's rule, torch's name for the pair."""

    torch_name = "VarMeanBackward0"


class StdMean(Std):
    """std_mean's standard deviation: Std's rule, torch's name for the pair."""

    torch_name = "StdMeanBackward0"


class ScanMethods:
    """The op table's rows for products, running sums and products, log-sum-exp and trace."""

    @entry(Prod)
    def prod(self: Any, dim: Any = None, keepdim: builtins.bool = False, *, dtype: Any = None) -> Value:
        """The product of all elements, or along one `dim`; integers and bools multiply as int64."""
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind in "biu":
            source = source.to(dtypes.int64)
        axis = None if dim is None else arguments.single_dim(dim, self._data.ndim)
        if axis is not None and self._data.ndim == 0:
            return Prod.apply(source, None, False)
        return Prod.apply(source, axis, keepdim)

    @entry(Cumsum, inplace="cumsum_")
    def cumsum(self: Any, dim: builtins.int, *, dtype: Any = None) -> Value:
        """Running sums along `dim`; integers and bools sum as int64."""
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind in "biu":
            source = source.to(dtypes.int64)
        return Cumsum.apply(source, arguments.single_dim(dim, self._data.ndim))

    @entry(Cumprod, inplace="cumprod_")
    def cumprod(self: Any, dim: builtins.int, *, dtype: Any = None) -> Value:
        """Running products along `dim`; integers and bools multiply as int64."""
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind in "biu":
            source = source.to(dtypes.int64)
        return Cumprod.apply(source, arguments.single_dim(dim, self._data.ndim))

    @entry(Cummax)
    def cummax(self: Any, dim: builtins.int) -> MinMax:
        """Running maxima along `dim` and where each was found (the last position on ties, as torch)."""
        return _running_extreme(Cummax, self, dim, np.maximum.accumulate)

    @entry(Cummin)
    def cummin(self: Any, dim: builtins.int) -> MinMax:
        """Running minima along `dim` and where each was found (the last position on ties, as torch)."""
        return _running_extreme(Cummin, self, dim, np.minimum.accumulate)

    @entry(Logcumsumexp)
    def logcumsumexp(self: Any, dim: builtins.int) -> Value:
        """Running log(sum(exp(x))) along `dim`, without overflow (floats only, as torch)."""
        if self._data.dtype.kind != "f":
            raise arguments.float_kernel_error("logcumsumexp_out_cpu", self._data.dtype)
        return Logcumsumexp.apply(self, arguments.single_dim(dim, self._data.ndim))

    @entry(Logsumexp)
    def logsumexp(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        """log(sum(exp(x))) over `dim`, computed without overflow; integers become the default float."""
        source = self if self._data.dtype.kind == "f" else self.to(dtypes.get_default_dtype())
        return Logsumexp.apply(source, arguments.dims(dim, self._data.ndim), keepdim)

    @entry(Trace)
    def trace(self: Any) -> Value:
        """The sum of the diagonal of a 2-D Value."""
        if self._data.ndim != 2:
            raise RuntimeError("trace: expected a matrix, but got tensor with dim " + str(self._data.ndim))
        source = self.to(dtypes.int64) if self._data.dtype.kind in "biu" else self
        return Trace.apply(source)

    @entry(Sub, function=False)  # tinygrad_lr.diff: below
    def diff(self: Any, n: builtins.int = 1, dim: builtins.int = -1, prepend: Any = None, append: Any = None
             ) -> Value:
        """n-th forward differences along `dim` (x[1:] - x[:-1], n times), after joining prepend and append."""
        from tinygrad_lr.ops.shape import cat  # the joining op lives with the shape ops

        if self._data.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        if n < 0:
            raise RuntimeError(f"order must be non-negative but got {n}")
        axis = arguments.single_dim(dim, self._data.ndim)
        out = self
        if prepend is not None or append is not None:
            parts = [p if isinstance(p, Value) else Value(p) for p in (prepend, self, append) if p is not None]
            out = cat([p.expand(*(s if i == axis else -1 for i, s in enumerate(p.shape)))
                       if p.ndim == self.ndim else p for p in parts], axis)
        lead = (slice(None),) * axis
        for _ in range(n):
            if out._data.dtype == np.bool_:
                out = out[lead + (slice(1, None),)] ^ out[lead + (slice(None, -1),)]
            else:
                out = out[lead + (slice(1, None),)] - out[lead + (slice(None, -1),)]
        return out


def _running_extreme(op: type[Function], x: Value, dim: Any, accumulate: Any) -> MinMax:
    name = op.__name__.lower()
    if x._data.ndim == 0 and dim not in (0, -1):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    axis = arguments.single_dim(dim, x._data.ndim)
    positions = running_extreme_positions(x._data, axis, accumulate)
    return MinMax(op.apply(x, axis, positions), Value._make_const(positions))


@function_only
def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Value:  # noqa: A002
    return as_value(input).diff(n, dim, prepend, append)


def _moments(x: Value, dim: Any, unbiased: Any, keepdim: bool, correction: Any, name: str) -> tuple[Any, ...]:
    if x._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    axes = arguments.dims(dim, x._data.ndim)
    spread = (StdMean if name == "std" else VarMean).apply(
        x, axes, arguments.variance_correction(unbiased, correction), keepdim)
    return spread, Mean.apply(x, axes, keepdim)


@function_only
def var_mean(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Value, Value]:
    """(variance, mean) over `dim`, as torch.var_mean (correction=1 by default)."""
    return _moments(as_value(input), dim, unbiased, keepdim, correction, "var")  # type: ignore[return-value]


@function_only
def std_mean(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,  # noqa: A002
             correction: Any = None) -> tuple[Value, Value]:
    """(standard deviation, mean) over `dim`, as torch.std_mean (correction=1 by default)."""
    return _moments(as_value(input), dim, unbiased, keepdim, correction, "std")  # type: ignore[return-value]
