"""More shape operations: flip, roll, tril/triu, diag, and the ones built from existing ops (tile,
repeat_interleave, broadcast_to, meshgrid, hstack, narrow, unbind, ...). Each gradient undoes the rearrangement."""

from __future__ import annotations

import builtins
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.shape import Expand, Index, Repeat, Reshape, Unbind, cat
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import Value


class Flip(Function):
    """a reversed along axes;  da = g reversed along the same axes."""

    torch_name = "FlipBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple[int, ...]) -> Any:
        ctx.axes = axes
        return np.flip(a, axes).copy() if axes else a.copy()

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return g.flip(ctx.axes), None
        return (np.flip(g, ctx.axes) if ctx.axes else g), None


class Roll(Function):
    """a shifted cyclically by `shifts` along `axes` (flattened when axes is None);  da = g shifted back."""

    torch_name = "RollBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, shifts: tuple[int, ...], axes: tuple[int, ...] | None) -> Any:
        ctx.shifts, ctx.axes = shifts, axes
        return np.roll(a, shifts[0] if axes is None else shifts, axes)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        back = tuple(-s for s in ctx.shifts)
        if dual.is_value(g):
            return g.roll(back, ctx.axes), None, None
        return np.roll(g, back[0] if ctx.axes is None else back, ctx.axes), None, None


class Triangle(Function):
    """The lower (tril) or upper (triu) triangle of the last two axes from `diagonal` on;  da = g there, 0 elsewhere."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return "TrilBackward0" if ctx.lower else "TriuBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, diagonal: int, lower: bool) -> Any:
        ctx.lower = lower
        rows, cols = a.shape[-2:]
        keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
        ctx.keep = keep
        return np.where(keep, a, np.zeros((), a.dtype))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return dual.where(ctx.keep, g, 0.0), None, None


def _diagonal_positions(shape: tuple[int, ...], offset: int) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) positions of diagonal `offset` of a matrix of `shape`."""
    rows, cols = shape
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    steps = np.arange(length)
    return (steps, steps + offset) if offset >= 0 else (steps - offset, steps)


def _diagonal_index(shape: tuple[int, ...], offset: int, dim1: int, dim2: int) -> tuple[np.ndarray, ...]:
    """An index of diagonal `offset` of the planes (dim1, dim2) of an array of `shape`, in np.diagonal's order
    (the other dims first, the diagonal last): reading it gathers the diagonal, writing it scatters onto it."""
    rows, cols = _diagonal_positions((shape[dim1], shape[dim2]), offset)
    others = [k for k in range(len(shape)) if k not in (dim1, dim2)]
    lead = (1,) * len(others)
    index = []
    for k, size in enumerate(shape):
        if k in (dim1, dim2):
            index.append((rows if k == dim1 else cols).reshape(lead + (-1,)))
        else:
            place = others.index(k)
            index.append(np.arange(size).reshape(tuple(size if i == place else 1 for i in range(len(lead) + 1))))
    return tuple(index)


class DiagEmbed(Function):
    """zeros of `shape` with a's last dim on diagonal `offset` of the planes (dim1, dim2), the other dims of a
    along the other dims;  da = g's diagonal there."""

    torch_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, offset: int, dim1: int, dim2: int, shape: tuple[int, ...]) -> Any:
        ctx.plane = (offset, dim1, dim2)
        out = np.zeros(shape, dtype=a.dtype)
        out[_diagonal_index(shape, offset, dim1, dim2)] = a
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return DiagonalCopy.apply(g, *ctx.plane), None, None, None, None
        return np.diagonal(g, *ctx.plane).copy(), None, None, None, None


class Diagonal(Function):
    """Diagonal `offset` of the planes (dim1, dim2) of a, as the last dim: a view of a's memory, as torch's (a
    write through it reaches a);  da = g on that diagonal of zeros."""

    torch_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, offset: int, dim1: int, dim2: int) -> Any:
        ctx.plane, ctx.shape = (offset, dim1, dim2), a.shape
        view = np.diagonal(a, offset, dim1, dim2)
        if a.flags.writeable:  # (NumPy marks its diagonal views read-only, for a change planned long ago)
            view.flags.writeable = True
        return view

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return DiagEmbed.apply(g, *ctx.plane, ctx.shape), None, None, None
        out = np.zeros(ctx.shape, dtype=g.dtype)
        out[_diagonal_index(ctx.shape, *ctx.plane)] = g
        return out, None, None, None


class DiagonalCopy(Diagonal):
    """diag of a matrix: its diagonal copied (torch's diag records the copying variant of diagonal)."""

    torch_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx: Any, a: Any, offset: int, dim1: int, dim2: int) -> Any:
        ctx.plane, ctx.shape = (offset, dim1, dim2), a.shape
        return np.diagonal(a, offset, dim1, dim2).copy()


class RearrangeMethods:
    """The op table's rows for these shape operations (see ops/table.py)."""

    @entry(Flip)
    def flip(self: Any, *dims: Any) -> Value:
        """Reverse the order along each of `dims`."""
        requested = [arguments.single_dim(d, self._data.ndim) for d in arguments.shape_arg(dims)]
        for k, axis in enumerate(requested):
            if axis in requested[:k]:
                raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
        return Flip.apply(self, tuple(sorted(requested)) if self._data.ndim else ())

    @entry(Flip)
    def fliplr(self: Any) -> Value:
        if self._data.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    @entry(Flip)
    def flipud(self: Any) -> Value:
        if self._data.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    @entry(Roll)
    def roll(self: Any, shifts: Any, dims: Any = None) -> Value:
        """Shift cyclically along `dims` (the flattened Value when None)."""
        shift = tuple(int(s) for s in arguments.as_tuple(shifts))
        if dims is None:
            if len(shift) != 1:
                raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift)}, dims:0")
            return Roll.apply(self, shift, None)
        axes = tuple(arguments.single_dim(d, self._data.ndim) for d in arguments.as_tuple(dims))
        if len(axes) != len(shift):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift)}, dims:{len(axes)}")
        return Roll.apply(self, shift, axes)

    @entry(Triangle, inplace="tril_")
    def tril(self: Any, diagonal: builtins.int = 0) -> Value:
        """The lower triangle (on and below `diagonal`) of the last two dims; zeros above."""
        _require_matrix(self, "tril")
        return Triangle.apply(self, int(diagonal), True)

    @entry(Triangle, inplace="triu_")
    def triu(self: Any, diagonal: builtins.int = 0) -> Value:
        """The upper triangle (on and above `diagonal`) of the last two dims; zeros below."""
        _require_matrix(self, "triu")
        return Triangle.apply(self, int(diagonal), False)

    @entry(DiagEmbed, DiagonalCopy)
    def diag(self: Any, diagonal: builtins.int = 0) -> Value:
        """A 1-D Value on a diagonal of a square matrix, or a 2-D Value's diagonal as a vector."""
        if self._data.ndim == 1:
            return self.diagflat(diagonal)
        if self._data.ndim == 2:
            return DiagonalCopy.apply(self, int(diagonal), 0, 1)
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{self._data.ndim}D")

    @entry(Diagonal)
    def diagonal(self: Any, offset: builtins.int = 0, dim1: builtins.int = 0, dim2: builtins.int = 1) -> Value:
        """Diagonal `offset` of the planes (dim1, dim2), as the last dim: a view (writes reach this Value)."""
        first, second = _plane(dim1, dim2, self._data.ndim)
        return Diagonal.apply(self, int(offset), first, second)

    @entry(DiagEmbed)
    def diag_embed(self: Any, offset: builtins.int = 0, dim1: builtins.int = -2, dim2: builtins.int = -1) -> Value:
        """The last dim put on diagonal `offset` of new planes (dim1, dim2) of zeros (the inverse of diagonal)."""
        first, second = _plane(dim1, dim2, self._data.ndim + 1)
        size = self._data.shape[-1] + abs(int(offset))
        shape = list(self._data.shape[:-1])
        for axis in sorted((first, second)):
            shape.insert(axis, size)
        return DiagEmbed.apply(self, int(offset), first, second, tuple(shape))

    @entry(DiagEmbed)
    def diagflat(self: Any, offset: builtins.int = 0) -> Value:
        """The flattened Value on diagonal `offset` of a square matrix of zeros."""
        flat = self.reshape(-1)
        size = flat._data.shape[0] + abs(int(offset))
        return DiagEmbed.apply(flat, int(offset), 0, 1, (size, size))

    @entry(Repeat, function=True)
    def tile(self: Any, *dims: Any) -> Value:
        """Repeat the whole Value `dims` times along each dim (leading 1s added to the shorter of the two)."""
        reps = arguments.shape_arg(dims)
        reps = (1,) * (self._data.ndim - len(reps)) + reps
        return self.repeat(*reps)

    @entry(Index)
    def repeat_interleave(self: Any, repeats: Any = None, dim: Any = None, *, output_size: Any = None) -> Value:
        """Each element repeated `repeats` times (a number, or one count per element) along `dim` (flattened
        when None). Without `repeats`, self holds the counts and the result repeats each index (0, 1, ...)."""
        if repeats is None:
            if self._data.dtype.kind not in "iu":
                raise arguments.float_kernel_error("repeat_interleave_cpu", self._data.dtype)  # (ints only here)
            if self._data.ndim != 1:
                raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
            return Value._make_const(np.repeat(np.arange(self._data.shape[0]), self._data))
        source = self.reshape(-1) if dim is None else self
        axis = 0 if dim is None else arguments.single_dim(dim, self._data.ndim)
        counts = repeats._data if isinstance(repeats, Value) else np.asarray(repeats)
        size = source._data.shape[axis] if source._data.ndim else 1
        if counts.ndim == 1 and counts.shape[0] != size:
            raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.shape[0]} and input.size({axis}) = {size}")
        if np.any(counts < 0):  # torch words it differently for a number and for a tensor of counts
            raise RuntimeError("repeats can not be negative" if isinstance(repeats, Value) else
                               "Repeats must be non-negative")
        if counts.ndim == 0:  # torch: each element expanded counts times, then flattened into the dim (a view)
            shape = source._data.shape
            spread = source.unsqueeze(axis + 1).expand(*shape[: axis + 1], int(counts), *shape[axis + 1 :])
            return spread.reshape(*shape[:axis], size * int(counts), *shape[axis + 1 :])
        return source.index_select(axis, Value._make_const(np.repeat(np.arange(size), counts)))

    @entry(Expand, function=True)
    def broadcast_to(self: Any, size: Any) -> Value:
        """The Value expanded to `size` (a view, as expand)."""
        return self.expand(*arguments.shape_arg((size,)))

    @entry(Index)
    def narrow(self: Any, dim: builtins.int, start: Any, length: builtins.int) -> Value:
        """`length` elements along `dim` from `start` (a view, as slicing)."""
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis]
        begin = int(start)
        if not -size <= begin <= size:
            raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {begin})")
        begin %= size if size else 1
        if begin + length > size:
            raise RuntimeError(f"start ({begin}) + length ({length}) exceeds dimension size ({size}).")
        return self[(slice(None),) * axis + (slice(begin, begin + length),)]

    @entry(Unbind)
    def unbind(self: Any, dim: builtins.int = 0) -> tuple[Value, ...]:
        """The slices along `dim`, each without that dim."""
        axis = arguments.single_dim(dim, self._data.ndim)
        if self._data.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        return tuple(Unbind.apply(self, (slice(None),) * axis + (i,)) for i in range(self._data.shape[axis]))

    @entry(Reshape, function=False)
    def sum_to_size(self: Any, *size: Any) -> Value:
        """Summed over the dims that broadcasting to this Value's shape would have expanded from `size`."""
        target = arguments.shape_arg(size)
        shape = self._data.shape
        try:
            if np.broadcast_shapes(target, shape) != shape:
                raise ValueError
        except ValueError:
            raise RuntimeError(f"size {{{list(target)}}} is not expandable to size {{{list(shape)}}}.") from None
        lead = len(shape) - len(target)
        axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(target) if s == 1 and shape[lead + i] != 1)
        out = self.sum(axes, keepdim=True) if axes else self
        return out.reshape(target) if out.shape != target else out

    def unsqueeze_(self: Any, dim: builtins.int) -> Value:
        """unsqueeze in place: this Value's shape changes (inside a graph it gets the reshape's node)."""
        return _reshape_in_place(self, self.unsqueeze(dim))

    def squeeze_(self: Any, dim: Any = None) -> Value:
        """squeeze in place: this Value's shape changes (inside a graph it gets the reshape's node)."""
        return _reshape_in_place(self, self.squeeze(dim))

    def t_(self: Any) -> Value:
        if self._data.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return _reshape_in_place(self, self.t())

    def transpose_(self: Any, dim0: builtins.int, dim1: builtins.int) -> Value:
        """transpose in place: this Value's shape changes (inside a graph it gets the permutation's node)."""
        return _reshape_in_place(self, self.transpose(dim0, dim1))
    swapaxes_ = transpose_
    swapdims_ = transpose_


def _reshape_in_place(target: Value, result: Value) -> Value:
    target._data = result._data
    if result._grad_fn is not None:
        target._grad_fn = result._grad_fn
    return target


def _plane(dim1: Any, dim2: Any, ndim: int) -> tuple[int, int]:
    """The two dims of diagonal's planes, checked as torch checks them."""
    first, second = arguments.single_dim(dim1, ndim), arguments.single_dim(dim2, ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return first, second


def _require_matrix(x: Value, name: str) -> None:
    if x._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


@function_only
def broadcast_tensors(*tensors: Any) -> tuple[Value, ...]:
    """The Values expanded to their common broadcast shape."""
    values = [as_value(t) for t in tensors]
    shapes = [v._data.shape for v in values]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        for i in range(1, len(shapes)):
            arguments.check_broadcast(np.broadcast_shapes(*shapes[:i]), shapes[i])
        raise
    return tuple(v.expand(*shape) for v in values)


@function_only
def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape the given shapes broadcast to (torch's error if they do not)."""
    from tinygrad_lr.value import Size

    normal = [tuple(s) if isinstance(s, (tuple, list)) else (int(s),) for s in shapes]
    result: tuple[int, ...] = ()
    for s in normal:
        arguments.check_broadcast(result, s)
        result = np.broadcast_shapes(result, s)
    return Size(result)


@function_only
def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Value, ...]:
    """Coordinate grids from 1-D Values: with indexing='ij' output k varies along dim k ('xy' swaps the first
    two dims, as NumPy's default)."""
    values = [as_value(t) for t in (tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple))
                                    else tensors)]
    for v in values:
        if v._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {v}")
    if any(v._data.dtype != values[0]._data.dtype for v in values):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    swap = indexing == "xy" and len(values) >= 2  # 'xy': the grids of (y, x, ...) with the first two swapped
    if swap:
        values[0], values[1] = values[1], values[0]
    sizes = [v.numel() for v in values]
    grids = []
    for k, v in enumerate(values):
        shape = [1] * len(values)
        shape[k] = sizes[k]
        grids.append(v.reshape(shape).expand(*sizes))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def stacked(tensors: Sequence[Any], name: str) -> list[Value]:
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return [as_value(t) for t in tensors]


@function_only
def hstack(tensors: Sequence[Any]) -> Value:
    """Join along dim 1 (dim 0 for 1-D Values)."""
    values = stacked(tensors, "hstack")
    values = [v.reshape(1) if v._data.ndim == 0 else v for v in values]
    return cat(values, 0 if values and values[0]._data.ndim == 1 else 1)


@function_only
def vstack(tensors: Sequence[Any]) -> Value:
    """Join along dim 0, 1-D Values as rows."""
    values = stacked(tensors, "vstack")
    return cat([v.reshape(1, -1) if v._data.ndim < 2 else v for v in values], 0)


@function_only
def column_stack(tensors: Sequence[Any]) -> Value:
    """Join along dim 1, 0-D and 1-D Values as columns."""
    values = stacked(tensors, "column_stack")
    return cat([v.reshape(-1, 1) if v._data.ndim < 2 else v for v in values], 1)

