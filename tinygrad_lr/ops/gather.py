"""Selecting and scattering by index or mask: gather, scatter, scatter_add, index_select, masked_select,
masked_fill. Each forward on NumPy arrays with its derivative right below it, and their rows at the end."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.shape import IndexAdd, MaskedSelect
from tinygrad_lr.ops.table import entry
from tinygrad_lr.promotion import array_of
from tinygrad_lr.value import Value


def _index_array(index: Any, name: str) -> np.ndarray:
    array = np.asarray(array_of(index))
    if array.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return array.astype(np.int64, copy=False)


def _check_index(a_shape: tuple[int, ...], index: np.ndarray, axis: int, name: str, src: Any = None) -> None:
    """torch's checks: same number of dims, index no larger than the input elsewhere, positions in range."""
    ndim = max(len(a_shape), 1)
    if max(index.ndim, 1) != ndim:
        operand = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {operand} tensor")
    if src is not None and isinstance(src, Value) and max(src._data.ndim, 1) != ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(src._data.ndim, 1)}, "
                         f"{max(src._data.ndim, 1) - 1}], but got {axis})")  # torch's words (it indexes src by dim)
    size = a_shape[axis] if a_shape else 1
    outside = (index < 0) | (index >= size)  # (torch takes no negative positions here)
    if outside.any():  # torch names the first one in memory order
        raise RuntimeError(f"index {index.reshape(-1)[np.argmax(outside)]} is out of bounds for dimension {axis} "
                           f"with size {size}")


def index_select_bounds_error(ndim: int, axis: int, bad: Any, size: int) -> Exception:
    """torch's error for a position of index_select outside [0, size): its CPU kernel for dim 1 (of two or more)
    words it its own way; the others say 'index out of range in self'."""
    if ndim > 1 and axis == 1:
        return RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
    return IndexError("index out of range in self")


def _scatter_add_into(out: np.ndarray, index: np.ndarray, src: np.ndarray, axis: int) -> np.ndarray:
    """out[..., index[i], ...] += src[i] along axis (repeated positions accumulate)."""
    if out.ndim == 0:
        out += src.reshape(())
        return out
    positions: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    positions[axis] = index
    np.add.at(out, tuple(positions), src[tuple(slice(0, s) for s in index.shape)])
    return out


def _gather(a: Any, index: np.ndarray, axis: int) -> Any:
    """a's entries at index along axis; the index may be smaller than a in the other dims (a is cut to it)."""
    if a.ndim == 0:
        return a[()] * np.ones(index.shape, a.dtype) if isinstance(a, np.ndarray) else a.reshape(index.shape)
    cut = tuple(slice(None) if d == axis else slice(0, s) for d, s in enumerate(index.shape))
    return np.take_along_axis(a[cut], index, axis=axis)


class Gather(Function):
    """out[i][j] = a[index[i][j]][j] (along `axis`);  da = g added back at the gathered positions."""

    torch_name = "GatherBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray) -> Any:
        ctx.axis, ctx.index, ctx.shape = axis, index, a.shape
        return _gather(a, index, axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        zeros = np.zeros(ctx.shape, dtype=g.dtype)
        if dual.is_value(g):
            return ScatterAdd.apply(Value._make_const(zeros), ctx.axis, ctx.index, g), None, None
        return _scatter_add_into(zeros, ctx.index, g, ctx.axis), None, None


class ScatterAdd(Function):
    """a with src added at index along `axis`;  da = g, dsrc = g gathered at index."""

    torch_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, src: Any) -> Any:
        ctx.axis, ctx.index, ctx.source_shape = axis, index, np.shape(src)
        return _scatter_add_into(a.copy(), index, src.astype(a.dtype, copy=False), axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, None, None, (_source_grad(ctx, g) if ctx.needs_input_grad[3] else None)


def _source_grad(ctx: Any, g: Any) -> Any:
    """g gathered at the scattered positions, in src's shape (zeros where src was not read: src may be larger
    than the index)."""
    picked = Gather.apply(g, ctx.axis, ctx.index) if dual.is_value(g) else _gather(g, ctx.index, ctx.axis)
    if tuple(ctx.index.shape) == tuple(ctx.source_shape):
        return picked
    data = picked._data if dual.is_value(picked) else picked
    full = np.zeros(ctx.source_shape, dtype=data.dtype)
    full[tuple(slice(0, s) for s in data.shape)] = data
    return full


class Scatter(Function):
    """a with src (or a number) written at index along `axis`;  da = g with 0 where written, dsrc = g gathered."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "ScatterBackward0" if ctx.tensor_source else "ScatterBackward1"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, src: Any) -> Any:
        tensor_source = isinstance(src, np.ndarray)
        ctx.axis, ctx.index, ctx.tensor_source, ctx.source_shape = axis, index, tensor_source, np.shape(src)
        out = a.copy()
        if out.ndim == 0:
            if index.size:
                out[()] = src if not tensor_source else src.reshape(-1)[0]
            ctx.kept = np.asarray(index.size == 0)
            return out
        positions: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
        positions[axis] = index
        where = tuple(positions)
        source = src[tuple(slice(0, s) for s in index.shape)] if tensor_source else src
        out[where] = source
        kept = np.ones(a.shape, dtype=bool)
        kept[where] = False
        ctx.kept = kept
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        src_grad = _source_grad(ctx, g) if ctx.needs_input_grad[3] else None
        return dual.where(ctx.kept, g, 0.0), None, None, src_grad


class IndexSelect(Function):
    """The entries at `index` (1-D) along `axis`;  da = g added back there (repeats accumulate)."""

    torch_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray) -> Any:
        ctx.axis, ctx.index, ctx.shape = axis, index, a.shape
        return np.take(a, index, axis=axis) if a.ndim else a.reshape(-1)[index].reshape(index.shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if len(ctx.shape) == 0:
            return g.sum(), None, None
        where = (slice(None),) * ctx.axis + (ctx.index,)
        if dual.is_value(g):  # under create_graph: recorded, so its own gradient selects again
            return IndexAdd.apply(g, where, ctx.shape), None, None
        out = np.zeros(ctx.shape, dtype=g.dtype)
        np.add.at(out, where, g)
        return out, None, None


class MaskedFill(Function):
    """a with `value` where mask is true (mask broadcast);  da = g where not masked, dvalue = sum of g where masked."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "MaskedFillBackward1" if ctx.tensor_value else "MaskedFillBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, mask: np.ndarray, value: Any, tensor_value: bool) -> Any:
        ctx.mask, ctx.tensor_value = mask, tensor_value
        return np.where(mask, np.asarray(value, dtype=a.dtype), a)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        _, _, need_value, _ = ctx.needs_input_grad
        value_grad = dual.sum(dual.where(ctx.mask, g, 0.0), None, False) if need_value else None
        return dual.where(ctx.mask, 0.0, g), None, value_grad, None


def _mask(mask: Any, name: str) -> np.ndarray:
    array = np.asarray(array_of(mask))
    if array.dtype != np.bool_:
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"{name} only supports boolean masks, but got mask with dtype "
                           f"{arguments.c_type_name(array.dtype)}")
    return array


class GatherMethods:
    """The op table's rows for selecting and scattering (see ops/table.py)."""

    @entry(Gather)
    def gather(self: Any, dim: int, index: Any, *, sparse_grad: bool = False) -> Value:
        """out[i][j] = self[index[i][j]][j] for dim 0 (and likewise for other dims)."""
        positions = _index_array(index, "gather")
        axis = arguments.single_dim(dim, self._data.ndim)
        _check_index(self._data.shape, positions, axis, "gather")
        for d, (s, i) in enumerate(zip(self._data.shape, positions.shape)):
            if d != axis and i > s:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(positions.shape)} "
                                   f"to be no larger than self {list(self._data.shape)} apart from dimension {axis}")
        return Gather.apply(self, axis, positions)

    @entry(Scatter, inplace="scatter_")
    def scatter(self: Any, dim: int, index: Any, src: Any = None, value: Any = None, *, reduce: Any = None
                ) -> Value:
        """A copy with `src` (a Value, or a number `value`) written at `index` along `dim`."""
        if reduce is not None:
            raise NotImplementedError("scatter(reduce=...) is not supported by tinygrad_lr; use scatter_add")
        source = value if src is None else src
        positions = _index_array(index, "scatter")
        axis = arguments.single_dim(dim, self._data.ndim)
        _check_index(self._data.shape, positions, axis, "scatter", source)
        if isinstance(source, Value):
            if source._data.dtype != self._data.dtype:
                raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
            return Scatter.apply(self, axis, positions, source)
        return Scatter.apply(self, axis, positions, source)

    @entry(ScatterAdd, inplace="scatter_add_")
    def scatter_add(self: Any, dim: int, index: Any, src: Any) -> Value:
        """A copy with `src` added at `index` along `dim` (repeated positions accumulate)."""
        positions = _index_array(index, "scatter")  # (torch's words name scatter)
        axis = arguments.single_dim(dim, self._data.ndim)
        _check_index(self._data.shape, positions, axis, "scatter_add", src)
        if isinstance(src, Value) and src._data.dtype != self._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return ScatterAdd.apply(self, axis, positions, src)

    @entry(IndexSelect)
    def index_select(self: Any, dim: int, index: Any) -> Value:
        """The entries at the positions `index` (1-D int64) along `dim`."""
        positions = np.asarray(array_of(index))
        if positions.dtype.kind not in "iu":
            raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
        if positions.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        outside = (positions < 0) | (positions >= size)
        if outside.any():
            raise index_select_bounds_error(self._data.ndim, axis, positions.reshape(-1)[np.argmax(outside)], size)
        return IndexSelect.apply(self, axis, positions.reshape(-1).astype(np.int64))

    @entry(MaskedFill, inplace="masked_fill_")
    def masked_fill(self: Any, mask: Any, value: Any) -> Value:
        """A copy with `value` (a number or a 0-d Value) where `mask` (broadcast) is true."""
        where = _mask(mask, "masked_fill_")
        arguments.check_broadcast(where.shape, self._data.shape)  # (torch's words name the mask first)
        if np.broadcast_shapes(self._data.shape, where.shape) != self._data.shape:
            raise RuntimeError(arguments.inplace_shape_error(self._data.shape, where.shape).args[0])
        if isinstance(value, Value):
            if value._data.ndim != 0:
                raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value._data.ndim} dimension(s).")
            return MaskedFill.apply(self, where, value.to(self.dtype), True)
        return MaskedFill.apply(self, where, value, False)

    @entry(MaskedSelect)
    def masked_select(self: Any, mask: Any) -> Value:
        """The elements where `mask` (broadcast with self) is true, as a 1-D Value."""
        where = _mask(mask, "masked_select")
        arguments.check_broadcast(where.shape, self._data.shape)
        shape = np.broadcast_shapes(self._data.shape, where.shape)
        source = self.expand(*shape) if shape != self._data.shape else self
        return MaskedSelect.apply(source.reshape(-1), np.flatnonzero(np.broadcast_to(where, shape)))

