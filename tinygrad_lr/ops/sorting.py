"""Ordering: sort, msort, argsort, topk, kthvalue, median, nanmedian, unique. Values move with their gradient:
each picked element's gradient goes back to the position it came from."""

from __future__ import annotations

import builtins
from typing import Any, NamedTuple

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import MinMax, Value


def sort_order(a: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable positions that sort `a` along `axis`, NaN counted as the largest (torch's CPU order; ties keep
    their original order in both directions)."""
    if a.ndim == 0:
        return np.zeros((), dtype=np.int64)
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    keys = a.astype(np.int64) if a.dtype.kind in "bu" else a
    moved = np.moveaxis(keys, axis, -1)
    if moved.dtype.kind == "f":  # lexsort: the last key is the primary one; NaN first, then larger first
        order = np.lexsort((-moved, ~np.isnan(moved)), axis=-1)
    else:
        order = np.argsort(-moved, axis=-1, kind="stable")
    return np.moveaxis(order, -1, axis)


class Pick(Function):
    """Elements taken at `positions` along `axis` (sort, topk, median);  da = g put back at those positions."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return ctx.label

    @staticmethod
    def forward(ctx: Any, a: Any, positions: np.ndarray, axis: int | None, name: str, squeeze: bool) -> Any:
        ctx.shape, ctx.positions, ctx.axis, ctx.label = a.shape, positions, axis, name
        if axis is None:
            return a.reshape(-1)[positions]
        picked = np.take_along_axis(a, positions, axis=axis) if a.ndim else a.copy()
        return picked.squeeze(axis) if squeeze and a.ndim else picked

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        g = g.reshape(ctx.positions.shape)  # (median(dim) without keepdim dropped the picked axis)
        if isinstance(g, Value):  # under create_graph: recorded, so its own gradient picks again
            return PutBack.apply(g, ctx.positions, ctx.axis, ctx.shape), None, None, None, None
        return put_back(g, ctx.positions, ctx.axis, ctx.shape), None, None, None, None


def put_back(g: np.ndarray, positions: np.ndarray, axis: int | None, shape: tuple[int, ...]) -> np.ndarray:
    """zeros(shape) with g added at the picked positions: the adjoint of Pick."""
    out = np.zeros(shape, dtype=g.dtype)
    if axis is None:
        np.add.at(out.reshape(-1), positions, g)
    elif out.ndim == 0:
        out = g.copy()
    else:
        np.put_along_axis(out, positions, g, axis=axis)
    return out


class PutBack(Function):
    """Pick's backward, recorded (create_graph);  dg = the picked elements of the incoming gradient."""

    torch_name = "PutBackBackward"

    @staticmethod
    def forward(ctx: Any, g: Any, positions: np.ndarray, axis: int | None, shape: tuple[int, ...]) -> Any:
        ctx.positions, ctx.axis = positions, axis
        return put_back(g, positions, axis, shape)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        if ctx.axis is None:
            picked = grad.reshape(-1)[ctx.positions]
        elif grad.ndim == 0:
            picked = grad
        else:
            picked = np.take_along_axis(grad, ctx.positions, axis=ctx.axis)
        return picked, None, None, None


class EvenShare(Function):
    """One value of a (median, nanmedian of all elements);  da = g shared evenly by the elements equal to it (by
    the NaNs when it is NaN): torch's rule for these."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return ctx.label

    @staticmethod
    def forward(ctx: Any, a: Any, value: Any, label: str) -> Any:
        ctx.label = label
        if ctx.needs_input_grad:
            equal = np.where(np.isnan(value), np.isnan(a), a == value).astype(a.dtype)
            ctx.share = equal / equal.sum()
        return np.asarray(value, dtype=a.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g * ctx.share, None, None


def _refuse_bool(data: np.ndarray, kernel: str) -> None:
    if data.dtype.kind == "b":
        raise arguments.float_kernel_error(kernel, data.dtype)


def _check_not_empty_along(name: str, shape: tuple[int, ...], axis: int) -> None:
    if shape and shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


class SortResult(NamedTuple):
    """(values, indices), as torch.sort and topk return them."""

    values: Value
    indices: Value


class SortingMethods:
    """The op table's rows for ordering (see ops/table.py)."""

    @entry(Pick)
    def sort(self: Any, dim: builtins.int = -1, descending: builtins.bool = False, *,
             stable: builtins.bool = False) -> SortResult:
        """The values along `dim` in order, and where each came from (ties keep their order)."""
        axis = arguments.single_dim(dim, self._data.ndim)
        order = sort_order(self._data, axis, descending)
        values = Pick.apply(self, order, axis, "SortBackward0", False)
        return SortResult(values, Value._make_const(order.astype(np.int64)))

    @entry()
    def argsort(self: Any, dim: builtins.int = -1, descending: builtins.bool = False, *,
                stable: builtins.bool = False) -> Value:
        """The positions that sort the values along `dim` (an int64 Value)."""
        order = sort_order(self._data, arguments.single_dim(dim, self._data.ndim), descending)
        return Value._make_const(order.astype(np.int64))

    @entry(Pick)
    def topk(self: Any, k: builtins.int, dim: builtins.int = -1, largest: builtins.bool = True,
             sorted: builtins.bool = True) -> SortResult:
        """The k largest (or smallest) values along `dim`, largest first, and their positions."""
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError("selected index k out of range")
        order = sort_order(self._data, axis, largest)
        positions = np.take(order, np.arange(k), axis=axis) if self._data.ndim else order
        values = Pick.apply(self, positions, axis, "TopkBackward0", False)
        return SortResult(values, Value._make_const(positions.astype(np.int64)))

    @entry(EvenShare, Pick)
    def median(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The lower of the two middle values, NaN if there is one (of all elements, its gradient shared by the
        elements equal to it as torch shares it; or along `dim` with its position, as torch)."""
        data = self._data
        _refuse_bool(data, "median_cpu")
        if dim is None:
            if data.size == 0:
                return Value._make_const(np.asarray(np.nan, dtype=data.dtype))
            flat = np.sort(data.reshape(-1))  # NaN sorts last: one anywhere is the median
            middle = flat[(flat.size - 1) // 2]
            if flat.dtype.kind == "f":
                middle = np.where(np.isnan(flat[-1]), flat[-1], middle)
            return EvenShare.apply(self, middle, "MedianBackward0")
        axis = arguments.single_dim(dim, data.ndim)
        if data.ndim == 0:
            return MinMax(Pick.apply(self, np.zeros((), np.int64), 0, "MedianBackward1", False),
                          Value._make_const(np.zeros((), np.int64)))
        _check_not_empty_along("median", data.shape, axis)
        order = sort_order(data, axis, False)
        middle = np.take(order, [(data.shape[axis] - 1) // 2], axis=axis)
        if data.dtype.kind == "f":  # a NaN in the slice is its median (the first NaN)
            nans = np.isnan(data)
            first_nan = np.expand_dims(np.argmax(nans, axis=axis), axis)
            middle = np.where(np.expand_dims(nans.any(axis=axis), axis), first_nan, middle)
        values = Pick.apply(self, middle, axis, "MedianBackward1", not keepdim)
        return MinMax(values, Value._make_const((middle if keepdim else middle.squeeze(axis)).astype(np.int64)))

    @entry(Pick)
    def msort(self: Any) -> Value:
        """The values sorted along the first dim (sort(dim=0).values)."""
        return self.sort(0).values

    @entry(Pick)
    def kthvalue(self: Any, k: builtins.int, dim: builtins.int = -1, keepdim: builtins.bool = False) -> MinMax:
        """The k-th smallest value along `dim` (k from 1; NaN counts as the largest) and its position (of equal
        values, the first in a stable sort: torch's own choice among ties depends on its selection algorithm)."""
        data = self._data
        _refuse_bool(data, "kthvalue_cpu")
        axis = arguments.single_dim(dim, data.ndim)
        _check_not_empty_along("kthvalue", data.shape, axis)
        if not 1 <= k <= (data.shape[axis] if data.ndim else 1):
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
        if data.ndim == 0:
            return MinMax(Pick.apply(self, np.zeros((), np.int64), 0, "KthvalueBackward0", False),
                          Value._make_const(np.zeros((), np.int64)))
        position = np.take(sort_order(data, axis, False), [k - 1], axis=axis)
        values = Pick.apply(self, position, axis, "KthvalueBackward0", not keepdim)
        return MinMax(values, Value._make_const((position if keepdim else position.squeeze(axis)).astype(np.int64)))

    @entry(EvenShare, Pick)
    def nanmedian(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """median ignoring NaNs: the lower middle of the non-NaN values (NaN where there are none); of all
        elements, or along `dim` with its position."""
        data = self._data
        _refuse_bool(data, "median_cpu")
        nans = np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
        if dim is None:
            if data.size == 0:
                return Value._make_const(np.asarray(np.nan, dtype=data.dtype))
            count = data.size - nans.sum()
            middle = np.sort(data.reshape(-1))[np.maximum(count - 1, 0) // 2]  # NaN sorts last
            return EvenShare.apply(self, middle, "NanmedianBackward0")
        axis = arguments.single_dim(dim, data.ndim)
        if data.ndim == 0:
            return MinMax(Pick.apply(self, np.zeros((), np.int64), 0, "NanmedianBackward1", False),
                          Value._make_const(np.zeros((), np.int64)))
        _check_not_empty_along("median", data.shape, axis)
        counts = data.shape[axis] - np.count_nonzero(nans, axis=axis, keepdims=True)
        # an all-NaN slice: its first NaN (torch's position there depends on its selection algorithm)
        middle = np.take_along_axis(sort_order(data, axis, False), np.maximum(counts - 1, 0) // 2, axis=axis)
        values = Pick.apply(self, middle, axis, "NanmedianBackward1", not keepdim)
        return MinMax(values, Value._make_const((middle if keepdim else middle.squeeze(axis)).astype(np.int64)))

    @entry()
    def unique(self: Any, sorted: builtins.bool = True, return_inverse: builtins.bool = False,
               return_counts: builtins.bool = False, dim: Any = None) -> Any:
        """The distinct values in ascending order (no gradient), with the inverse map and counts when asked."""
        data = self._data
        axis = None if dim is None else arguments.single_dim(dim, data.ndim)
        found, inverse, counts = np.unique(data, return_inverse=True, return_counts=True, axis=axis)
        if axis is None:
            inverse = inverse.reshape(data.shape)
        output = Value._make_const(found)
        extras = []
        if return_inverse:
            extras.append(Value._make_const(inverse.astype(np.int64)))
        if return_counts:
            extras.append(Value._make_const(counts.astype(np.int64)))
        return (output, *extras) if extras else output


@function_only
def unique(input: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
           dim: Any = None) -> Any:
    return as_value(input).unique(sorted, return_inverse, return_counts, dim)
