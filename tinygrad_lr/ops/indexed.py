"""Writing and reading whole slices at listed positions along a dim: index_add, index_copy, index_fill, take,
take_along_dim. Each forward on NumPy arrays with its derivative right below it, and their rows at the end.

Index values are checked against the sizes before NumPy indexes (a compiled replay repeats those checks; it could
not reword NumPy's own error), with torch's words, which differ from op to op (and, for index_add, with the path
torch's kernel takes: see `_index_add_bounds`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.gather import Gather, index_select_bounds_error
from tinygrad_lr.ops.sorting import Pick
from tinygrad_lr.ops.table import entry
from tinygrad_lr.promotion import array_of
from tinygrad_lr.value import Value


def _slices(ndim: int, axis: int, index: np.ndarray) -> tuple[Any, ...]:
    """The key of the slices at `index` along `axis` (`a[key]`); of a 0-d array, the array itself."""
    return (slice(None),) * axis + (index,) if ndim else ()


def _selected(g: Any, axis: int, index: np.ndarray, shape: tuple[int, ...]) -> Any:
    """g's slices at `index` along `axis`, in the shape `shape` of the source that was written there (torch's
    `grad.index_select(dim, index)`, expanded to a 0-d source)."""
    if dual.is_value(g):
        picked = g.reshape(-1) if g.ndim == 0 else g
        return picked.index_select(axis, Value._make_const(index)).reshape(shape)
    return np.take(g.reshape(-1) if g.ndim == 0 else g, index, axis=axis).reshape(shape)


def _unwritten(shape: tuple[int, ...], axis: int, index: np.ndarray) -> np.ndarray:
    """True outside the slices at `index` along `axis`: where a copy or a fill left the input."""
    kept = np.ones(shape, dtype=bool)
    if shape or index.size:
        kept[_slices(len(shape), axis, index)] = False
    return kept


class IndexAccumulate(Function):
    """a with alpha * source added at the slices `index` along `axis` (repeats accumulate);
    da = g, dsource = alpha * g at those slices."""

    torch_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, source: Any, alpha: Any) -> Any:
        ctx.axis, ctx.index, ctx.alpha, ctx.source_shape = axis, index, alpha, np.shape(source)
        out = a.copy()
        scaled = source if alpha == 1 else (source * alpha).astype(a.dtype, copy=False)
        if a.ndim == 0:
            return out + scaled.reshape(())
        np.add.at(out, _slices(a.ndim, axis, index), scaled)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        source_grad = None
        if ctx.needs_input_grad[3]:
            source_grad = _selected(g, ctx.axis, ctx.index, ctx.source_shape)
            source_grad = source_grad if ctx.alpha == 1 else source_grad * ctx.alpha
        return g, None, None, source_grad, None


class IndexCopy(Function):
    """a with the slices `index` along `axis` replaced by source's;  da = g with 0 there, dsource = g there."""

    torch_name = "IndexCopyBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, source: Any) -> Any:
        ctx.axis, ctx.index, ctx.source_shape = axis, index, np.shape(source)
        ctx.kept = _unwritten(a.shape, axis, index)
        out = a.copy()
        out[_slices(a.ndim, axis, index)] = source if a.ndim else source.reshape(())
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        source_grad = _selected(g, ctx.axis, ctx.index, ctx.source_shape) if ctx.needs_input_grad[3] else None
        return dual.where(ctx.kept, g, 0.0), None, None, source_grad


class IndexFill(Function):
    """a with `value` in the slices `index` along `axis`;  da = g with 0 there, dvalue (a 0-d Value) = the sum of
    g there (each slice once, however often it is listed)."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "IndexFillBackward1" if ctx.tensor_value else "IndexFillBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axis: int, index: np.ndarray, value: Any, tensor_value: bool) -> Any:
        size = a.shape[axis] if a.ndim else 1
        ctx.tensor_value, ctx.negative, ctx.size = tensor_value, index[index < 0], size
        ctx.ndim, ctx.axis = a.ndim, axis
        index = index % max(size, 1)
        ctx.kept = kept = _unwritten(a.shape, axis, index)
        return np.where(kept, a, np.asarray(value).astype(a.dtype))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if ctx.needs_input_grad[3] and ctx.negative.size:  # torch's rule selects (index_select) at the positions
            raise index_select_bounds_error(ctx.ndim, ctx.axis, ctx.negative[0], ctx.size)  # as given
        if ctx.needs_input_grad[3] and ctx.kept.ndim == 0 and ctx.kept:  # (a 0-d input and no position)
            raise RuntimeError("index_select(): Index to scalar can have only 1 value, got 0 value(s)")
        value_grad = dual.sum(dual.where(ctx.kept, 0.0, g), None, False) if ctx.needs_input_grad[3] else None
        return dual.where(ctx.kept, g, 0.0), None, None, value_grad, None


# ----- argument checks, in torch's order and words ----------------------------------------------------------------
def _sliced(shape: tuple[int, ...], axis: int) -> list[int]:
    return [s for d, s in enumerate(shape) if d != axis]


def _index_add_checks(self: Value, axis: int, index: np.ndarray, source: Any) -> None:
    if index.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{arguments.torch_dtype_name(index.dtype)} and size: {list(index.shape)}")
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{arguments.torch_dtype_name(index.dtype)}")
    if not isinstance(source, Value):
        raise TypeError(f"index_add(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    data, src = self._data, source._data
    if data.dtype != src.dtype:
        raise RuntimeError(f"index_add_(): self ({arguments.torch_dtype_name(data.dtype)}) and source "
                           f"({arguments.torch_dtype_name(src.dtype)}) must have the same scalar type")
    if axis != 0 and axis >= src.ndim:
        raise RuntimeError(f"index_add_(): Indexing dim {axis} is out of bounds of the source tensor with dim "
                           f"{src.ndim}")
    if src.ndim == 0 and index.size != 1:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if index.size != (src.shape[axis] if src.ndim else 1):
        raise RuntimeError(f"index_add_(): Number of indices ({index.size}) should be equal to source.size(dim): "
                           f"({src.shape[axis]}), for dim: {axis}")
    both = src.ndim and data.ndim
    if (_sliced(data.shape, axis) if both else list(data.shape)) != (_sliced(src.shape, axis) if both
                                                                       else list(src.shape)):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(data.shape)} source.shape = {list(src.shape)}")


def _index_add_bounds(shape: tuple[int, ...], axis: int, index: np.ndarray, alpha: Any) -> None:
    """torch's CPU kernel adds whole slices with index_put_ (an error naming the index) when alpha is 1, the index
    int64 and dim the first or last of two or more; otherwise slice by slice ("index out of range in self").
    Negative positions are out of range either way."""
    size = shape[axis] if shape else 1
    outside = (index < 0) | (index >= size)
    if len(shape) > 1 and 0 in shape or not outside.any():
        return
    if len(shape) > 1 and alpha == 1 and index.dtype == np.int64 and axis in (0, len(shape) - 1):
        raise RuntimeError(f"index {index.reshape(-1)[np.argmax(outside)]} is out of bounds for dimension {axis} "
                           f"with size {size}")
    raise IndexError("index out of range in self")


def _index_copy_checks(self: Value, axis: int, index: np.ndarray, source: Any) -> None:
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    if not isinstance(source, Value):
        raise TypeError(f"index_copy(): argument 'source' (position 3) must be Tensor, not {type(source).__name__}")
    data, src = self._data, source._data
    if src.ndim == 0 and index.size != 1:
        raise IndexError(f"index_copy_(): When source is scalar, index should have one element (got {index.size})")
    if src.ndim != data.ndim and src.ndim and data.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their dimensionality must "
                         f"match. Source dimensionality ({src.ndim}), destination dimensionality ({data.ndim})")
    if index.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{arguments.torch_dtype_name(index.dtype)}")
    if data.dtype != src.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, but got (self) "
                           f"{arguments.torch_dtype_name(data.dtype)} and (source) "
                           f"{arguments.torch_dtype_name(src.dtype)}")
    mine, theirs = _sliced(data.shape, axis), _sliced(src.shape, axis)
    if mine != theirs:
        raise RuntimeError("index_copy_(): Source/destination tensor must have same slice shapes. Destination slice "
                           f"shape: {' '.join(map(str, mine))} at dimension {axis} and source slice shape: "
                           f"{' '.join(map(str, theirs))} at dimension 0.")
    if src.ndim and index.size != src.shape[axis]:
        raise IndexError(f"index_copy_(): Number of indices ({index.size}) should be equal to source.size(dim) "
                         f"({src.shape[axis]})")
    size = data.shape[axis] if data.ndim else 1
    outside = (index < 0) | (index >= size)
    if outside.any():
        raise IndexError(f"index_copy_(): index {index.reshape(-1)[np.argmax(outside)]} is out of bounds for "
                         f"dimension {axis} with size {size}")


def _fill_positions(self: Value, dim: Any, index: Any) -> tuple[int, np.ndarray]:
    """index_fill's axis and positions (negative ones count from the end, as torch's index_fill takes them)."""
    positions = np.asarray(array_of(index))
    if positions.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    axis = arguments.single_dim(dim, self._data.ndim)
    if positions.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    size = self._data.shape[axis] if self._data.ndim else 1
    outside = (positions < -size) | (positions >= size)
    if outside.any():
        raise IndexError(f"index {positions.reshape(-1)[np.argmax(outside)]} is out of bounds for dimension {axis} "
                         f"with size {size}")
    return axis, positions.reshape(-1)


def _take_positions(self: Value, index: Any) -> np.ndarray:
    positions = np.asarray(array_of(index))
    if positions.dtype != np.int64:
        raise RuntimeError("take(): Expected a long tensor for index, but got "
                           f"{arguments.torch_dtype_name(positions.dtype)}")
    size = self._data.size
    if size == 0 and positions.size:
        raise IndexError("take(): tried to take from an empty tensor")
    outside = (positions < -size) | (positions >= size)
    if outside.any():
        raise IndexError(f"out of range: tried to access index {positions.reshape(-1)[np.argmax(outside)]} on a "
                         f"tensor of {size} elements.")
    return positions % max(size, 1)


def _take_along_dim(self: Value, indices: Any, dim: Any) -> Value:
    """torch's take_along_dim: gather of the flattened input (dim None), or of input and indices broadcast
    against each other in every dim but `dim`."""
    positions = indices if isinstance(indices, Value) else Value._make_const(np.asarray(indices))
    if dim is None:
        return self.reshape(-1).gather(0, positions.reshape(-1))
    data, index = self._data, positions._data
    if data.ndim != index.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {data.ndim} dimensions for input, and {index.ndim} dimensions for indices")
    if index.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{arguments.torch_dtype_name(index.dtype)}")
    if data.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = arguments.single_dim(dim, data.ndim)
    sizes = list(data.shape)
    sizes[axis] = index.shape[axis]
    arguments.check_broadcast(tuple(sizes), index.shape)
    shape = list(np.broadcast_shapes(tuple(sizes), index.shape))
    wide_index = positions.expand(*shape) if tuple(shape) != index.shape else positions
    shape[axis] = data.shape[axis]
    wide = self.expand(*shape) if tuple(shape) != data.shape else self
    return wide.gather(axis, wide_index)


class IndexedMethods:
    """The op table's rows for slices at listed positions (see ops/table.py)."""

    @entry(IndexAccumulate, inplace="index_add_")
    def index_add(self: Any, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Value:
        """A copy with alpha * source's slices added at the positions `index` (1-D) along `dim`."""
        axis = arguments.single_dim(dim, self._data.ndim)
        positions = np.asarray(array_of(index))
        _index_add_checks(self, axis, positions, source)
        _index_add_bounds(self._data.shape, axis, positions.reshape(-1), alpha)
        if self._data.dtype.kind in "iu":
            alpha = int(alpha)
        return IndexAccumulate.apply(self, axis, positions.reshape(-1).astype(np.int64), source, alpha)

    @entry(IndexCopy, inplace="index_copy_")
    def index_copy(self: Any, dim: int, index: Any, source: Any) -> Value:
        """A copy with the slices at the positions `index` (1-D) along `dim` replaced by source's."""
        axis = arguments.single_dim(dim, self._data.ndim)
        positions = np.asarray(array_of(index))
        _index_copy_checks(self, axis, positions, source)
        return IndexCopy.apply(self, axis, positions.reshape(-1), source)

    @entry(IndexFill, inplace="index_fill_")
    def index_fill(self: Any, dim: int, index: Any, value: Any) -> Value:
        """A copy with `value` (a number or a 0-d Value) in the slices at `index` along `dim`."""
        if isinstance(value, Value):
            if value._data.ndim != 0:
                raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value._data.ndim} dimension(s).")
            axis, positions = _fill_positions(self, dim, index)
            return IndexFill.apply(self, axis, positions, value.to(self.dtype), True)
        axis, positions = _fill_positions(self, dim, index)
        return IndexFill.apply(self, axis, positions, value, False)

    @entry(Pick)
    def take(self: Any, index: Any) -> Value:
        """The elements at the flat positions `index` (int64, any shape; negative from the end), in its shape."""
        return Pick.apply(self, _take_positions(self, index), None, "TakeBackward0", False)

    @entry(Gather)
    def take_along_dim(self: Any, indices: Any, dim: Any = None) -> Value:
        """Gather along `dim` with input and indices broadcast in the other dims (None: of the flattened input)."""
        return _take_along_dim(self, indices, dim)
