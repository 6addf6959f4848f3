"""Rearranging by torch's other names: movedim, unflatten, ravel, tensor_split and h/v/dsplit, atleast_1d/2d/3d,
dstack, row_stack (views, slices and joins of the ops in shape.py), and the two with a node of their own: rot90
and block_diag. Each gradient undoes the rearrangement."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual, shape
from tinygrad_lr.ops.rearrange import stacked, vstack
from tinygrad_lr.ops.shape import Permute, Reshape, cat
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import as_value, promote_all
from tinygrad_lr.value import Value


class Rot90(Function):
    """a turned k quarter turns in the plane `axes` (from the first axis towards the second);  da = g turned
    back."""

    torch_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx: Any, a: Any, k: int, axes: tuple[int, int]) -> Any:
        ctx.k, ctx.axes = k, axes
        return np.rot90(a, k, axes).copy()

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return Rot90.apply(g, -ctx.k, ctx.axes), None, None
        return np.rot90(g, -ctx.k, ctx.axes), None, None


class BlockDiag(Function):
    """The matrices on the diagonal of a matrix of zeros, one after the other;  each input's gradient is its
    block of g."""

    torch_name = "BlockDiagBackward0"

    @staticmethod
    def forward(ctx: Any, *matrices: Any) -> Any:
        ends = np.cumsum([(0, 0)] + [m.shape for m in matrices], axis=0)
        ctx.ends = ends
        out = np.zeros(tuple(ends[-1]), dtype=matrices[0].dtype)
        for (row, col), m in zip(ends, matrices):
            out[row : row + m.shape[0], col : col + m.shape[1]] = m
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        ends = ctx.ends
        return tuple(g[ends[k][0] : ends[k + 1][0], ends[k][1] : ends[k + 1][1]] for k in range(len(ends) - 1))


class ArrangeMethods:
    """The op table's rows for these rearrangements (see ops/table.py)."""

    @entry(Permute, function=("movedim", "moveaxis"))
    def movedim(self: Any, source: Any, destination: Any) -> Value:
        """The dims `source` moved to the positions `destination`, the others kept in their order."""
        ndim = self._data.ndim
        sources, targets = list(arguments.as_tuple(source)), list(arguments.as_tuple(destination))
        if len(sources) != len(targets):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({sources} dims) should "
                               f"contain the same number of dims as destination ({targets} dims)")
        moved = [arguments.single_dim(d, ndim) for d in sources]
        placed = [arguments.single_dim(d, ndim) for d in targets]
        for name, given, wrapped in (("source", sources, moved), ("destination", targets, placed)):
            if len(set(wrapped)) < len(wrapped):
                raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
        order: list[int | None] = [None] * ndim
        for s, d in zip(moved, placed) if ndim else ():  # (a 0-d Value takes dim 0, and stays as it is)
            order[d] = s
        rest = iter(d for d in range(ndim) if d not in moved)
        return self.permute(*[next(rest) if d is None else d for d in order])
    moveaxis = movedim

    @entry(Reshape)
    def unflatten(self: Any, dim: builtins.int, sizes: Any) -> Value:
        """Dim `dim` split into dims of `sizes` (one of them may be -1: inferred)."""
        if self._data.ndim == 0:  # (torch's words, without its "unflatten got an unexpected error:" and C++ trace)
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        axis = arguments.single_dim(dim, self._data.ndim)
        wanted = [int(s) for s in arguments.as_tuple(sizes)]
        if not wanted:
            raise RuntimeError("unflatten: sizes must be non-empty")
        size = self._data.shape[axis]
        if wanted.count(-1) > 1:
            raise RuntimeError("only one dimension can be inferred")
        known = int(np.prod([s for s in wanted if s != -1]))
        if (known == 0 or size % known != 0) if -1 in wanted else known != size:
            raise RuntimeError(f"unflatten: Provided sizes {wanted} don't multiply up to the size of dim {dim} "
                               f"({size}) in the input tensor")
        resolved = tuple(size // known if s == -1 else s for s in wanted)
        return self.reshape(self._data.shape[:axis] + resolved + self._data.shape[axis + 1 :])

    @entry(Reshape)
    def ravel(self: Any) -> Value:
        """The elements as a 1-D Value, in order."""
        return self.reshape(-1)

    @entry(shape.Index)
    def tensor_split(self: Any, indices_or_sections: Any, dim: builtins.int = 0) -> tuple[Value, ...]:
        """Pieces along `dim`: `n` sections as equal as can be (the first ones one longer), or cut before each
        of the listed indices (Python's slicing: negative indices count from the end)."""
        if self._data.ndim == 0:
            raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
        axis = arguments.single_dim(dim, self._data.ndim)
        cuts = indices_or_sections
        if isinstance(cuts, Value):
            if cuts._data.dtype.kind not in "iu":
                raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                                   f"{arguments.torch_dtype_name(cuts._data.dtype)}")
            if cuts._data.ndim > 1:
                raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                                   f"one-dimensional tensor, but got a tensor with {cuts._data.ndim} dims")
            cuts = int(cuts._data) if cuts._data.ndim == 0 else [int(i) for i in cuts._data]
        if isinstance(cuts, (list, tuple)):
            bounds: list[int | None] = [None, *(int(i) for i in cuts), None]
        else:
            sections, size = int(cuts), self._data.shape[axis]
            if sections <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
            lengths = [size // sections + (k < size % sections) for k in range(sections)]
            bounds = [int(b) for b in np.cumsum([0, *lengths])]
        lead = (slice(None),) * axis
        return tuple(self[lead + (slice(bounds[k], bounds[k + 1]),)] for k in range(len(bounds) - 1))

    @entry(shape.Index)
    def hsplit(self: Any, sections: Any) -> tuple[Value, ...]:
        """tensor_split along dim 1 (dim 0 of a 1-D Value), into equal sections only."""
        return _split_along(self, sections, "hsplit", 1 if self._data.ndim > 1 else 0, 1)

    @entry(shape.Index)
    def vsplit(self: Any, sections: Any) -> tuple[Value, ...]:
        """tensor_split along dim 0 of a Value of 2 or more dims, into equal sections only."""
        return _split_along(self, sections, "vsplit", 0, 2)

    @entry(shape.Index)
    def dsplit(self: Any, sections: Any) -> tuple[Value, ...]:
        """tensor_split along dim 2 of a Value of 3 or more dims, into equal sections only."""
        return _split_along(self, sections, "dsplit", 2, 3)

    @entry(Rot90)
    def rot90(self: Any, k: builtins.int = 1, dims: Any = (0, 1)) -> Value:
        """k quarter turns in the plane `dims`, from the first dim towards the second (negative k turns back)."""
        plane = list(dims)
        if len(plane) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(plane)}")
        ndim = self._data.ndim
        if ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
        if plane[0] == plane[1] or abs(plane[0] - plane[1]) == ndim:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {plane[0]} and "
                               f"dim1 = {plane[1]}")
        axes = (arguments.single_dim(plane[0], ndim), arguments.single_dim(plane[1], ndim))
        return Rot90.apply(self, int(k) % 4, axes)


def _split_along(x: Value, sections: Any, name: str, dim: int, min_dims: int) -> tuple[Value, ...]:
    """hsplit, vsplit and dsplit: a list of indices as tensor_split takes it; a number must divide the dim."""
    if x._data.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
                           f"with {x._data.ndim} dimensions!")
    if not isinstance(sections, (list, tuple)):
        size, count = x._data.shape[dim], int(sections)
        if count == 0 or size % count:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {size} is not divisible by the split_size {count}!")
    return x.tensor_split(sections, dim)


def _at_least(tensors: tuple[Any, ...], shape: Any) -> Any:
    """atleast_1d/2d/3d: each Value given reshaped by `shape(value)` when it has too few dims; one Value in,
    one out; several (or a list) in, a tuple out."""
    if len(tensors) == 1 and isinstance(tensors[0], Value):
        return shape(tensors[0])
    given = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    return tuple(shape(as_value(t)) for t in given)


@function_only
def atleast_1d(*tensors: Any) -> Any:
    """The Value itself if it has a dim or more; a 0-d Value as 1 element."""
    return _at_least(tensors, lambda v: v.reshape(1) if v._data.ndim == 0 else v)


@function_only
def atleast_2d(*tensors: Any) -> Any:
    """The Value itself if it has 2 dims or more; a 1-D Value as a row."""
    return _at_least(tensors, lambda v: v.reshape(1, 1) if v._data.ndim == 0 else v.unsqueeze(0) if v._data.ndim == 1
                     else v)


def _three_dims(v: Value) -> Value:
    """atleast_3d: a 0-d Value as (1, 1, 1), a 1-D one (n) as (1, n, 1), a matrix (m, n) as (m, n, 1)."""
    if v._data.ndim == 0:
        return v.reshape(1, 1, 1)
    if v._data.ndim == 1:
        return v.unsqueeze(0).unsqueeze(-1)
    return v.unsqueeze(-1) if v._data.ndim == 2 else v


@function_only
def atleast_3d(*tensors: Any) -> Any:
    """The Value itself if it has 3 dims or more; fewer as numpy.atleast_3d adds them."""
    return _at_least(tensors, _three_dims)


@function_only
def dstack(tensors: Sequence[Any]) -> Value:
    """Join along dim 2 (depth), each Value made 3-d first as atleast_3d makes it."""
    return cat([_three_dims(v) for v in stacked(tensors, "dstack")], 2)


@function_only
def row_stack(tensors: Sequence[Any]) -> Value:
    """vstack under its other name."""
    return vstack(tensors)


@function_only
def block_diag(*tensors: Any) -> Value:
    """The Values (0-d as 1x1, 1-D as a row) on the diagonal of a matrix of zeros, in order."""
    if not tensors:
        return Value._make_const(np.zeros((1, 0), dtype=np.dtype(dtypes.get_default_dtype())))
    values = promote_all(tensors, "block_diag")
    for k, v in enumerate(values):
        if v._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {k} has "
                               f"{v._data.ndim} dimensions")
    return BlockDiag.apply(*[v.reshape(1, 1) if v._data.ndim == 0 else v.unsqueeze(0) if v._data.ndim == 1 else v
                             for v in values])
