"""Shape operations: views and rearrangements whose gradient undoes the rearrangement."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, inplace
from tinygrad_lr.ops.table import entry, function_only, write_out
from tinygrad_lr.promotion import array_of, promote_all
from tinygrad_lr.value import Value


class Reshape(Function):
    """a viewed with a new shape;  da = g reshaped back."""

    torch_name = "ViewBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple[int, ...]) -> Any:
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g.reshape(ctx.shape), None


class Permute(Function):
    """a with its axes reordered;  da = g with the inverse order."""

    torch_name = "PermuteBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, order: tuple[int, ...]) -> Any:
        ctx.inverse = tuple(np.argsort(order))
        return np.transpose(a, order)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return dual.permute(g, ctx.inverse), None


class MatrixTranspose(Permute):
    """t(): a matrix transposed, Permute's rule under torch's name."""

    torch_name = "TBackward0"


class Expand(Function):
    """a broadcast to a larger shape (a view, no copy);  da = g summed back (done by the engine)."""

    torch_name = "ExpandBackward0"
    torch_inputs = slice(1)

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple[int, ...]) -> Any:
        try:
            return np.broadcast_to(a, shape)
        except ValueError:
            lead = len(shape) - a.ndim
            mismatched = [i for i, s in enumerate(a.shape) if s != 1 and s != shape[lead + i]]
            if not mismatched:
                raise RuntimeError(f"cannot expand a tensor of size {list(a.shape)} to {list(shape)}") from None
            dim = mismatched[-1]  # torch names the last one
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[lead + dim]}) must match the existing size ({a.shape[dim]}) "
                f"at non-singleton dimension {lead + dim}.  Target sizes: {list(shape)}.  Tensor sizes: "
                f"{list(a.shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return g, None


class Repeat(Function):
    """a tiled `reps` times along each axis (a reshaped to len(reps) dims first);  da = the sum of g's tiles."""

    torch_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, reps: tuple[int, ...]) -> Any:
        ctx.shape = a.shape
        padded = a.reshape((1,) * (len(reps) - a.ndim) + a.shape)
        ctx.padded = padded.shape
        return np.tile(padded, reps)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        interleaved = []
        for size, count in zip(ctx.padded, (g.shape[i] // max(s, 1) for i, s in enumerate(ctx.padded))):
            interleaved += [count, size]
        tiles = g.reshape(interleaved)
        summed = dual.sum(tiles, tuple(range(0, len(interleaved), 2)), False) if interleaved else tiles
        return summed.reshape(ctx.shape), None


def _is_basic(index: Any) -> bool:
    """True for indices made only of ints, slices, None and Ellipsis: no element is picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


def _index_node_name(ctx: Any) -> str:
    """torch's node name for a[index]: an integer picks (select), slices alone cut (slice), anything else gathers."""
    parts = ctx.index if isinstance(ctx.index, tuple) else (ctx.index,)
    integers = [isinstance(p, int | np.integer) and not isinstance(p, bool | np.bool_) for p in parts]
    if all(i or p is None or p is Ellipsis or isinstance(p, slice) for i, p in zip(integers, parts)):
        return "SelectBackward0" if any(integers) else "SliceBackward0"
    return "IndexBackward0"


class Index(Function):
    """a[index] (slices, integer arrays, boolean masks);  da = g scattered back, repeats accumulating."""

    torch_inputs = slice(1)
    # a ClassVar, not a method: subclasses (MaskedSelect, Unbind) replace it with a fixed string
    torch_name: ClassVar[Any] = staticmethod(_index_node_name)

    @staticmethod
    def forward(ctx: Any, a: Any, index: Any) -> Any:
        ctx.shape, ctx.index = a.shape, index
        _check_bounds(a.shape, index)
        try:
            return a[index]
        except IndexError as error:
            raise _index_error(error, a.shape, index) from None

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return IndexAdd.apply(g, ctx.index, ctx.shape), None
        return _scatter_add(g, ctx.index, ctx.shape), None


class MaskedSelect(Index):
    """The elements of the flattened a where the mask is true: indexing, under torch's name."""

    torch_name = "MaskedSelectBackward0"


class Unbind(Index):
    """One slice of unbind: indexing, under torch's name."""

    torch_name = "UnbindBackward0"


class IndexPut(Function):
    """a with a[index] = v (v broadcast to the indexed part);  da = g with zeros at index, dv = g[index].

    What `x[index] = v` records when x or v needs a gradient (see Value.__setitem__).
    """

    torch_name = "IndexPutBackward0"
    torch_inputs = slice(2)

    @staticmethod
    def forward(ctx: Any, a: Any, v: Any, index: Any) -> Any:
        out = a.copy()
        _check_bounds(a.shape, index)
        try:
            out[index] = v
        except IndexError as error:
            raise _index_error(error, a.shape, index) from None
        ctx.shape, ctx.index = a.shape, index
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        need_a, need_v, _ = ctx.needs_input_grad
        grad_a = grad_v = None
        if need_a:
            kept = np.ones(ctx.shape, dtype=g.dtype)
            kept[ctx.index] = 0  # the overwritten elements no longer depend on a
            grad_a = g * kept
        if need_v:
            grad_v = g[ctx.index]  # summed back to v's shape by the engine if v was broadcast
        return grad_a, grad_v, None


def _check_bounds(shape: tuple[int, ...], index: Any) -> None:
    """torch's error for an integer index array with a position outside its axis, checked before NumPy indexes
    (a check on data that a compiled replay repeats: compiler/checks.py; NumPy's own error would not be reworded
    there). torch numbers the dimension among the indexed ones: it applies the slices and the integers met before
    any array first, then indexes with the arrays (a boolean mask stands for one array per dimension it covers,
    and an integer after an array is one more array). The first array at fault, its first element in memory
    order, as NumPy would name them."""
    parts = index if isinstance(index, tuple) else (index,)
    if not any(isinstance(part, np.ndarray) and part.dtype.kind in "iu" for part in parts):
        return

    def axes(part: Any) -> int:  # how many axes of the input a part of the index uses
        if isinstance(part, np.ndarray) and part.dtype.kind == "b":
            return part.ndim
        return 0 if part is None else 1

    axis, ellipsis = 0, len(shape) - sum(axes(part) for part in parts if part is not Ellipsis)
    indexed = 0  # the dimension torch names: the arrays' axes met so far
    array_met = False
    for part in parts:
        if part is Ellipsis:
            axis += ellipsis
            continue
        is_array = isinstance(part, np.ndarray) and part.dtype.kind in "iu"
        is_integer = isinstance(part, int | np.integer) and not isinstance(part, bool | np.bool_)
        if axis < len(shape) and (is_array or is_integer and array_met):
            size = shape[axis]
            outside = (part < -size) | (part >= size)
            if outside.any() if is_array else outside:
                bad = part.reshape(-1)[np.argmax(outside)] if is_array else part
                raise IndexError(f"index {bad} is out of bounds for dimension {indexed} with size {size} "
                                 f"(indexing a Value of shape {list(shape)})")
        if isinstance(part, np.ndarray) or is_integer and array_met:
            indexed += axes(part)
            array_met = True
        axis += axes(part)


def _index_error(error: IndexError, shape: tuple[int, ...], index: Any) -> IndexError:
    """torch's words for a bad index where torch has them, else NumPy's with the indexed shape added."""
    parts = index if isinstance(index, tuple) else (index,)
    position = 0
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype.kind not in "biu":
            return IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if isinstance(part, np.ndarray) and part.dtype.kind == "b":
            for i, size in enumerate(part.shape):
                if position + i < len(shape) and size != shape[position + i]:
                    return IndexError(
                        f"The shape of the mask {list(part.shape)} at index {i} does not match the shape of the "
                        f"indexed tensor {list(shape)} at index {position + i}"
                    )
            position += part.ndim
        elif part is not None and part is not Ellipsis:
            position += 1
    return IndexError(f"{str(error).replace('axis', 'dimension')} (indexing a Value of shape {list(shape)})")


def _scatter_add(g: np.ndarray, index: Any, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


class IndexAdd(Function):
    """zeros(shape) with g added at index: the adjoint of indexing;  dg = grad[index]."""

    torch_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
        ctx.index = index
        return _scatter_add(g, index, shape)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad[ctx.index], None, None


class Cat(Function):
    """Inputs joined along `axis`;  each input's gradient is its slice of g."""

    torch_name = "CatBackward0"
    torch_inputs = slice(1, None)

    @staticmethod
    def forward(ctx: Any, axis: int, *arrays: Any) -> Any:
        ctx.skipped = skipped = _legacy_empty(arrays)
        joined = [a for i, a in enumerate(arrays) if i not in skipped]
        try:
            out = np.concatenate(joined, axis=axis)
        except ValueError:
            raise _cat_error(tuple(joined), axis) from None
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [0 if i in skipped else a.shape[axis] for i, a in enumerate(arrays)])
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        lead = (slice(None),) * ctx.axis
        b = ctx.bounds
        return (None,) + tuple(g.reshape(-1)[:0] if i in ctx.skipped else g[lead + (slice(b[i], b[i + 1]),)]
                               for i in range(len(b) - 1))


def _legacy_empty(arrays: tuple[np.ndarray, ...]) -> set[int]:
    """The inputs torch's cat skips: 1-d and empty, beside inputs of more dimensions (torch's legacy rule)."""
    if all(a.ndim == 1 for a in arrays) or any(a.ndim == 0 for a in arrays):  # the 0-d error counts them all
        return set()
    return {i for i, a in enumerate(arrays) if a.shape == (0,)}


def _cat_error(arrays: tuple[np.ndarray, ...], axis: int) -> RuntimeError:
    """torch's message for tensors that cannot be joined along `axis`."""
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            return RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    first = arrays[0].shape
    for i, a in enumerate(arrays):
        if a.ndim != len(first):
            return RuntimeError(f"Tensors must have same number of dimensions: got {len(first)} and {a.ndim}")
        for d, (s0, s) in enumerate(zip(first, a.shape)):
            if d != axis and s0 != s:
                return RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size {s0} but got size {s} "
                    f"for tensor number {i} in the list."
                )
    return RuntimeError(f"cannot concatenate tensors of sizes {[list(a.shape) for a in arrays]} along dim {axis}")


class ShapeMethods:
    """The op table's rows for shapes, indexing and joining (see ops/table.py), with their argument checks."""

    @entry(Reshape)
    def reshape(self: Any, *shape: Any) -> Value:
        target = arguments.shape_arg(shape)
        if target == self._data.shape:
            return self
        return Reshape.apply(self, arguments.resolve_shape(target, self._data.size, self._data.shape))

    @entry(Reshape, function=False)  # torch has no torch.view
    def view(self: Any, *shape: Any) -> Value:
        """The same memory with a new shape; torch's error where the strides cannot give it without a copy
        (a transposed or sliced Value: `reshape` copies then)."""
        data = self._data
        target = arguments.resolve_shape(arguments.shape_arg(shape), data.size, data.shape)
        if data.size and not np.may_share_memory(data.reshape(target), data):  # NumPy had to copy
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans "
                "across two contiguous subspaces). Use .reshape(...) instead."
            )
        return self.reshape(target)

    def view_as(self: Any, other: Value) -> Value:
        return self.view(other.shape)

    def reshape_as(self: Any, other: Value) -> Value:
        return self.reshape(other.shape)

    @entry(Reshape)
    def flatten(self: Any, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Value:
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        start = arguments.single_dim(start_dim, len(shape))
        end = arguments.single_dim(end_dim, len(shape))
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        merged = int(np.prod(shape[start : end + 1]))
        return self.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    @entry(Reshape)
    def squeeze(self: Any, dim: Any = None) -> Value:
        shape = self._data.shape
        if dim is None:
            return self.reshape(tuple(s for s in shape if s != 1))
        requested = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = {arguments.single_dim(d, max(len(shape), 1)) for d in requested}
        return self.reshape(tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1)))

    @entry(Index)
    def split(self: Any, split_size_or_sections: Any, dim: builtins.int = 0) -> tuple[Value, ...]:
        """Pieces along `dim`: of `split_size` each (the last may be shorter), or of the listed sizes."""
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = [int(s) for s in split_size_or_sections]
            if builtins.sum(sizes) != size or builtins.min(sizes, default=0) < 0:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                    f"dimension {dim}), but got split_sizes={sizes}"
                )
        else:
            step = int(split_size_or_sections)
            if step < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
            if step == 0 and size != 0:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
                )
            sizes = [builtins.min(step, size - start) for start in range(0, size, step)] if size else [0]
        pieces = []
        start = 0
        for length in sizes:
            pieces.append(self[(slice(None),) * axis + (slice(start, start + length),)])
            start += length
        return tuple(pieces)

    @entry(Index)
    def chunk(self: Any, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Value, ...]:
        """`chunks` pieces along `dim` of ceil(size / chunks) each (fewer when they run out), as torch.chunk."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if size == 0:
            return tuple(self.split(0, dim) * chunks)
        return self.split(-(-size // chunks), dim)

    @entry(Reshape)
    def unsqueeze(self: Any, dim: builtins.int) -> Value:
        shape = self._data.shape
        axis = arguments.single_dim(dim, len(shape) + 1)
        return self.reshape(shape[:axis] + (1,) + shape[axis:])

    @entry(Permute, function=("transpose", "swapaxes", "swapdims"))
    def transpose(self: Any, dim0: builtins.int, dim1: builtins.int) -> Value:
        ndim = self._data.ndim
        order = list(range(ndim))
        if ndim:
            a, b = arguments.single_dim(dim0, ndim), arguments.single_dim(dim1, ndim)
            order[a], order[b] = order[b], order[a]
        return self.permute(*order)
    swapaxes = swapdims = transpose

    @entry(MatrixTranspose)
    def t(self: Any) -> Value:
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        if self._data.ndim < 2:
            return self
        return MatrixTranspose.apply(self, (1, 0))

    @property
    @entry(Permute, function=False)
    def T(self: Any) -> Value:  # noqa: N802 - torch's name
        return self.permute(*reversed(range(self._data.ndim)))

    @property
    def mT(self: Any) -> Value:  # noqa: N802 - torch's name
        return self.transpose(-2, -1)

    @entry(Permute)
    def permute(self: Any, *dims: Any) -> Value:
        requested = arguments.shape_arg(dims)
        if len(requested) != self._data.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {self._data.ndim} is not equal to len(dims) = "
                f"{len(requested)}"
            )
        order = tuple(arguments.single_dim(d, self._data.ndim) for d in requested)
        if len(set(order)) < len(order):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        if order == tuple(range(self._data.ndim)):
            return self
        return Permute.apply(self, order)

    @entry(Expand, function=False)
    def expand(self: Any, *sizes: Any) -> Value:
        target = arguments.shape_arg(sizes)
        shape = self._data.shape
        lead = len(target) - len(shape)
        if lead < 0:
            raise RuntimeError(
                f"expand({arguments.tensor_type_name(self._data.dtype)}{{{list(shape)}}}, size={list(target)}): the "
                f"number of sizes provided ({len(target)}) must be greater or equal to the number of "
                f"dimensions in the tensor ({len(shape)})"
            )
        resolved = tuple(shape[i - lead] if s == -1 else s for i, s in enumerate(target))
        if resolved == shape:
            return self
        return Expand.apply(self, resolved)

    def expand_as(self: Any, other: Value) -> Value:
        return self.expand(other.shape)

    @entry(Repeat, function=False)
    def repeat(self: Any, *sizes: Any) -> Value:
        """The Value tiled `sizes` times along each dim (more sizes than dims add leading dims)."""
        reps = arguments.shape_arg(sizes)
        if len(reps) < self._data.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                               "tensor")
        return Repeat.apply(self, reps)

    @entry(Index, function=False)
    def __getitem__(self: Any, index: Any) -> Value:
        return Index.apply(self, normalize_index(index))

    def __setitem__(self: Any, index: Any, value: Any) -> None:
        """`x[index] = value` in x's memory; recorded (IndexPut) when x or value needs a gradient, as in torch."""
        mask = index._data if isinstance(index, Value) else index
        if isinstance(mask, np.ndarray) and mask.dtype == np.uint8 and np.ndim(array_of(value)) == 0:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
        index = normalize_index(index)
        if inplace.records(self, value):
            inplace.record(self, lambda before: IndexPut.apply(before, value, index), value)
            return
        _check_bounds(self._data.shape, index)
        inplace.note_modified(self)
        self._data[index] = array_of(value)


def normalize_index(index: Any) -> Any:
    """Turn Values inside an index into arrays (bool masks and integer index tensors)."""
    if isinstance(index, Value):
        return _mask_of_bytes(index._data)
    if isinstance(index, tuple):
        return tuple(_mask_of_bytes(i._data if isinstance(i, Value) else i) for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return _mask_of_bytes(index)


def _mask_of_bytes(index: Any) -> Any:
    """A uint8 index is a mask in torch (as a bool one, with its deprecation warning), not integer positions."""
    if isinstance(index, np.ndarray) and index.dtype == np.uint8:
        warnings.warn(
            "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
            UserWarning,
            stacklevel=4,
        )
        return index.astype(bool)
    return index


@function_only
def cat(tensors: Sequence[Value], dim: int = 0, *, out: Any = None) -> Value:
    """Join along an existing dimension; each input's gradient is its slice of the output's."""
    values = promote_all(tensors, "cat")
    skipped = _legacy_empty(tuple(v._data for v in values))  # dim counts in the dims of the inputs joined
    first = next((v for i, v in enumerate(values) if i not in skipped), values[0])
    return write_out(Cat.apply(arguments.single_dim(dim, first._data.ndim), *values), out, "cat")


@function_only
def stack(tensors: Sequence[Value], dim: int = 0, *, out: Any = None) -> Value:
    """Join along a new dimension `dim`."""
    values = promote_all(tensors, "stack")
    shapes = {v._data.shape for v in values}
    if len(shapes) > 1:
        first = values[0]
        entry = next(i for i, v in enumerate(values) if v._data.shape != first._data.shape)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {list(first.shape)} at entry 0 and "
            f"{list(values[entry].shape)} at entry {entry}"
        )
    axis = arguments.single_dim(dim, values[0]._data.ndim + 1)
    return write_out(cat([v.unsqueeze(axis) for v in values], dim=axis), out, "stack")
