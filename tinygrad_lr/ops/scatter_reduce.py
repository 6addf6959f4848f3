"""scatter_reduce: src reduced into a copy of the input at index along a dim (sum, prod, mean, amax, amin), with
torch's gradients for both: ties of amax/amin share the gradient evenly, a zero of prod gets the product of the
others, and the second derivative for src where two zeros meet at one position raises torch's error."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.elementwise import Clone
from tinygrad_lr.ops.gather import Gather, _check_index, _gather, _index_array
from tinygrad_lr.ops.table import entry
from tinygrad_lr.value import Value

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_AT = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum,
       "max": np.maximum, "min": np.minimum}  # (torch's forward takes 'max' and 'min' too; its backward refuses)


def _identity(reduce: str, dtype: np.dtype) -> Any:
    """The value a position starts from when the input is left out (include_self=False)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    low: Any
    high: Any
    if dtype.kind == "b":
        low, high = False, True
    else:
        low, high = (-np.inf, np.inf) if dtype.kind == "f" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
    return low if reduce in ("amax", "max") else high


def _positions(index: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
    """The key that puts index[i][j] at out[index[i][j]][j] (for axis 0; likewise for the others)."""
    positions: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    positions[axis] = index
    return tuple(positions)


def scatter_reduced(a: np.ndarray, axis: int, index: np.ndarray, src: np.ndarray, reduce: str,
                    include_self: bool) -> np.ndarray:
    """The forward on arrays of one or more dims (a 0-d input is made 1-d by the method)."""
    where = _positions(index, axis)
    source = src[tuple(slice(0, s) for s in index.shape)]
    out = a.copy()
    if not include_self:
        out[where] = _identity(reduce, a.dtype)
    _AT[reduce].at(out, where, source)
    if reduce != "mean":
        return out
    count = np.full(a.shape, 1 if include_self else 0, dtype=np.int64)
    np.add.at(count, where, 1)
    count[count == 0] = 1
    return out / count.astype(a.dtype) if a.dtype.kind == "f" else out // count.astype(a.dtype)


class ScatterReduce(Function):
    """out = a with src reduced in at index along `axis`;  the gradients are torch's (see the module docstring)."""

    torch_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, src: Any, reduce: str, include_self: bool) -> Any:
        ctx.shape, ctx.source_shape, ctx.index_shape = a.shape, src.shape, index.shape
        flat = a.ndim == 0  # as one element along dim 0 (then index and src have at most one dim)
        index = index.reshape(-1) if flat else index
        ctx.axis, ctx.index, ctx.reduce, ctx.include_self = axis, index, reduce, include_self
        out = scatter_reduced(a.reshape(1) if flat else a, axis, index, src.reshape(-1) if flat else src, reduce,
                              include_self)
        out = out.reshape(()) if flat else out
        ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.reduce not in REDUCTIONS:  # 'max' and 'min'
            raise RuntimeError(f"Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', 'amin' but got "
                               f"{ctx.reduce}.")
        if ctx.needs_input_grad[3] and tuple(ctx.index_shape) != tuple(ctx.source_shape):
            raise RuntimeError(f"Function ScatterReduceBackward0 returned an invalid gradient at index 1 - got "
                               f"{list(ctx.index_shape)} but expected shape compatible with {list(ctx.source_shape)}")
        a, src, out = ctx.saved_tensors
        if not ctx.shape:  # (a 0-d input was made 1-d)
            a, src, out, g = a.reshape(1), src.reshape(-1), out.reshape(1), g.reshape(1)
        if tuple(ctx.index.shape) != tuple(src.shape):  # (only the input's gradient is asked for)
            src = src[tuple(slice(0, s) for s in ctx.index.shape)]
        if ctx.reduce == "prod":
            grad_self, grad_src = _prod_grads(ctx, g, a, src, out)
        else:
            scale_self, scale_src = _linear_scales(ctx, _array(a), _array(src), _array(out))
            grad_self = g * scale_self
            grad_src = _gathered(g, ctx) * scale_src
        if not ctx.include_self:  # the input's values at the scattered positions were not used
            kept = np.ones(np.shape(_array(a)), dtype=bool)
            kept[_positions(ctx.index, ctx.axis)] = False
            grad_self = dual.where(kept, grad_self, 0.0)
        grad_self = grad_self.reshape(ctx.shape) if ctx.needs_input_grad[0] else None
        grad_src = grad_src.reshape(ctx.source_shape) if ctx.needs_input_grad[3] else None
        return grad_self, None, None, grad_src, None, None


def _array(x: Any) -> np.ndarray:
    return x._data if dual.is_value(x) else x


def _gathered(x: Any, ctx: Any) -> Any:
    """x at the scattered positions, in the index's shape (recorded for a Value)."""
    return Gather.apply(x, ctx.axis, ctx.index) if dual.is_value(x) else _gather(x, ctx.index, ctx.axis)


def _linear_scales(ctx: Any, a: np.ndarray, src: np.ndarray, out: np.ndarray) -> tuple[Any, Any]:
    """sum, mean, amax, amin: grad_self = g * scale_self and grad_src = g[index] * scale_src, the scales
    constants (a count, or which elements reached the extreme, each sharing it evenly)."""
    zeros = np.zeros(a.shape, dtype=a.dtype)
    if ctx.reduce == "sum":
        return 1.0, 1.0
    if ctx.reduce == "mean":
        count = zeros + (1 if ctx.include_self else 0)
        _add_at(count, ctx, np.ones(ctx.index.shape, a.dtype))
        count[count == 0] = 1
        return 1 / count, 1 / _gathered(count, ctx)
    self_won = (a == out).astype(a.dtype)
    src_won = (src == _gathered(out, ctx)).astype(a.dtype)
    shared = self_won.copy()
    _add_at(shared, ctx, src_won)
    return self_won / shared, src_won / _gathered(shared, ctx)


def _add_at(into: np.ndarray, ctx: Any, values: np.ndarray) -> None:
    np.add.at(into, _positions(ctx.index, ctx.axis), values)


def _prod_grads(ctx: Any, g: Any, a: Any, src: Any, out: Any) -> tuple[Any, Any]:
    """torch's rule for prod, written on Values (so that create_graph records it): the input's gradient is g times
    the product of the others (a zero of the input replaced by 1); a src element that is the only zero at its
    position gets g times the product of the others, the others g * out / src (0 where two zeros meet)."""
    recording = dual.is_value(g)
    g, a, src, out = (x if dual.is_value(x) else Value._make_const(np.asarray(x)) for x in (g, a, src, out))
    axis, index, include = ctx.axis, Value._make_const(ctx.index), ctx.include_self
    self_zero = a._data == 0
    masked_self = a.masked_fill(Value._make_const(self_zero), 1)
    grad_self = g * masked_self.scatter_reduce(axis, index, src, "prod", include_self=include) / masked_self
    src_zero = src._data == 0
    zeros_met = np.zeros(a.shape, a._data.dtype)
    _add_at(zeros_met, ctx, src_zero.astype(a._data.dtype))
    zeros_at = _gathered(zeros_met, ctx)
    single_zero = src_zero & (zeros_at == 1)
    alone = a.scatter_reduce(axis, index, src.masked_fill(Value._make_const(single_zero), 1), "prod",
                             include_self=include)
    product_of_others = _gathered(g * alone, ctx)
    by_division = _gathered(g * out, ctx) / src.masked_fill(Value._make_const(src_zero), 1)
    grad_src = dual.where(single_zero, product_of_others, by_division)
    if recording and (zeros_at > 1).any():
        grad_src = NoSecondDerivative.apply(grad_src)
    if recording:
        return grad_self, grad_src
    return grad_self._data, grad_src._data


class NoSecondDerivative(Clone):
    """A copy whose backward raises torch's error: where torch's prod rule for src has no derivative."""

    torch_name = "Error"

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise RuntimeError("scatter_reduce(): Double backward is unsupported for src when >1 zeros in src are "
                           "scattered to the same position in self")


def _check_sizes(self: Value, index: np.ndarray, axis: int, src: Value) -> None:
    """torch's: the index no larger than self apart from dim, and no larger than src anywhere."""
    shape, source = self._data.shape, src._data.shape
    if any((d != axis and i > s) or i > t for d, (i, s, t) in enumerate(zip(index.shape, shape, source))):
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(shape)} apart from "
                           f"dimension {axis} and to be no larger size than src {list(source)}")


class ScatterReduceMethods:
    """The op table's row for scatter_reduce (see ops/table.py)."""

    @entry(ScatterReduce, inplace="scatter_reduce_")
    def scatter_reduce(self: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True
                       ) -> Value:
        """A copy with src reduced in at index along `dim` ('sum', 'prod', 'mean', 'amax' or 'amin'), the input's
        own values taking part unless include_self=False."""
        axis = arguments.single_dim(dim, self._data.ndim)
        if reduce not in REDUCTIONS + ("max", "min"):  # (torch's forward takes 'max' and 'min' too)
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
        if not isinstance(src, Value):
            raise TypeError(f"scatter_reduce(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
        positions = _index_array(index, "scatter")
        if src._data.dtype != self._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        if max(positions.ndim, 1) != max(self._data.ndim, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
        if self._data.ndim and src._data.ndim == self._data.ndim:
            _check_sizes(self, positions, axis, src)
        _check_index(self._data.shape, positions, axis, "scatter_reduce", src)
        if reduce == "mean" and self._data.dtype == np.bool_:
            raise NotImplementedError('"scatter_gather_tensor_cpu_reduce_mean" not implemented for \'Bool\'')
        return ScatterReduce.apply(self, axis, positions, src, reduce, include_self)
