"""Products by torch's other names: tensordot and inner (a matrix product of the operands reshaped, as torch
computes them), kron (a broadcast product reshaped), cartesian_prod (stacked meshgrids), and cross, which has a
node of its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops.rearrange import meshgrid
from tinygrad_lr.ops.shape import stack
from tinygrad_lr.ops.table import entry, function_only, write_out
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import Value

CROSS_DIM_DEPRECATED = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim explicitly or "
    "simply use torch.linalg.cross.\nThe default value of dim will change to agree with that of linalg.cross in a "
    "future release."
)


class Cross(Function):
    """The cross product a x b of 3-vectors along `axis` (a and b of one shape);  da = b x g, db = g x a."""

    torch_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, axis: int) -> Any:
        ctx.axis = axis
        ctx.save_for_backward(a, b)
        return np.cross(a, b, axis=axis)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b, _ = ctx.needs_input_grad
        if isinstance(g, Value):  # under create_graph: recorded, so the gradient is differentiated in turn
            return (Cross.apply(b, g, ctx.axis) if need_a else None,
                    Cross.apply(g, a, ctx.axis) if need_b else None, None)
        return (np.cross(b, g, axis=ctx.axis) if need_a else None,
                np.cross(g, a, axis=ctx.axis) if need_b else None, None)


def _cross(a: Value, b: Value, dim: int) -> Value:
    """linalg.cross's checks, then the product of a and b broadcast to one shape."""
    if a._data.ndim != b._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    axis = arguments.single_dim(dim, a._data.ndim)
    if a._data.shape[axis] != 3 or b._data.shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {a._data.shape[axis]} "
                           f"and {b._data.shape[axis]}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {arguments.torch_dtype_name(a._data.dtype)} but found "
                           f"{arguments.torch_dtype_name(b._data.dtype)}")
    arguments.check_broadcast(a._data.shape, b._data.shape)
    shape = np.broadcast_shapes(a._data.shape, b._data.shape)
    return Cross.apply(a.expand(*shape), b.expand(*shape), axis)


class ProductMethods:
    """The op table's rows for these products (see ops/table.py)."""

    @entry(Cross)
    def cross(self: Any, other: Any, dim: Any = None) -> Value:
        """The cross product along `dim`; without it (deprecated, with torch's warning) along self's first dim
        of size 3."""
        b = as_value(other)
        if dim is None:
            warnings.warn(CROSS_DIM_DEPRECATED, UserWarning, stacklevel=2)
            dim = next((k for k, size in enumerate(self._data.shape) if size == 3), None)
            if dim is None:
                raise RuntimeError("no dimension of size 3 in input")
        return _cross(self, b, dim)

    def kron(self: Any, other: Any) -> Value:
        """The Kronecker product: each element of self times the whole of other, in blocks."""
        return kron(self, other)

    def inner(self: Any, other: Any) -> Value:
        """Products summed over the last dims of both (the product of two 0-d Values or a number)."""
        return inner(self, other)


def linalg_cross(input: Any, other: Any, *, dim: int = -1, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """torch.linalg.cross: the cross product of 3-vectors along `dim` (the last by default)."""
    return write_out(_cross(as_value(input), as_value(other), dim), out, "linalg_cross")


@function_only
def tensordot(a: Any, b: Any, dims: Any = 2, out: Any = None) -> Value:
    """Products summed over the last `dims` dims of a and the first of b, or over the dims paired by two lists
    (a_dims, b_dims); computed as a matrix product of the two reshaped, as torch computes it."""
    x, y = as_value(a), as_value(b)
    if isinstance(dims, Value):
        dims = dims._data.tolist()
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2 or not all(isinstance(d, (list, tuple)) for d in dims):
            position = next(k for k, d in enumerate(dims) if not isinstance(d, (list, tuple)))
            raise TypeError(f"tensordot(): argument 'dims_{'self' if position == 0 else 'other'}' (position "
                            f"{3 + position}) must be tuple of ints, not {type(dims[position]).__name__}")
        if len(dims[0]) != len(dims[1]):
            raise RuntimeError("both dimension lists should have same length")
        paired_a, paired_b = list(dims[0]), list(dims[1])
    else:
        count = int(dims)
        if count < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={count}")
        if count > min(x._data.ndim, y._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={count}")
        paired_a, paired_b = list(range(x._data.ndim - count, x._data.ndim)), list(range(count))
    return write_out(_contract(x, y, paired_a, paired_b), out, "tensordot")


def _contract(x: Value, y: Value, paired_a: list[int], paired_b: list[int]) -> Value:
    """x and y permuted (free dims, then paired) and reshaped to matrices, multiplied, and reshaped back."""
    if x._data.dtype != y._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    axes_a = [arguments.single_dim(d, x._data.ndim) for d in paired_a]
    axes_b = [arguments.single_dim(d, y._data.ndim) for d in paired_b]
    for da, db in zip(axes_a, axes_b):
        if x._data.shape[da] != y._data.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {x._data.shape[da]} in dim "
                               f"{da} and second has size {y._data.shape[db]} in dim {db}")
    free_a = [d for d in range(x._data.ndim) if d not in axes_a]
    free_b = [d for d in range(y._data.ndim) if d not in axes_b]
    size = int(np.prod([x._data.shape[d] for d in axes_a]))
    rows, cols = [x._data.shape[d] for d in free_a], [y._data.shape[d] for d in free_b]
    left = x.permute(*free_a, *axes_a).reshape(int(np.prod(rows)), size)
    right = y.permute(*axes_b, *free_b).reshape(size, int(np.prod(cols)))
    return (left @ right).reshape(*rows, *cols)


@function_only
def inner(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """Products summed over the last dims of both: (..., n) and (..., n) give (a's dims..., b's dims...)."""
    a, b = as_value(input), as_value(other)
    if a._data.ndim == 0 or b._data.ndim == 0:
        return write_out(a * b, out, "inner")
    if a._data.shape[-1] != b._data.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(a._data.shape)} and {list(b._data.shape)}")
    return write_out(_contract(a, b, [-1], [-1]), out, "inner")


@function_only
def kron(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """The Kronecker product: block (i, j, ...) is input[i, j, ...] * other (the shorter shape padded with
    leading 1s)."""
    a, b = as_value(input), as_value(other)
    ndim = max(a._data.ndim, b._data.ndim)
    shape_a = (1,) * (ndim - a._data.ndim) + a._data.shape
    shape_b = (1,) * (ndim - b._data.ndim) + b._data.shape
    spread_a = a.reshape(*[s for size in shape_a for s in (size, 1)])
    spread_b = b.reshape(*[s for size in shape_b for s in (1, size)])
    return write_out((spread_a * spread_b).reshape(*[p * q for p, q in zip(shape_a, shape_b)]), out, "kron")


@function_only
def cartesian_prod(*tensors: Any) -> Value:
    """Every combination of one element of each 1-D Value, one row per combination (the last varying fastest);
    one Value alone is returned as it is."""
    values = [as_value(t) for t in tensors]
    for v in values:
        if v._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(v._data.shape)}")
    if not values:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if len(values) == 1:
        return values[0]
    return stack([g.reshape(-1) for g in meshgrid(*values, indexing="ij")], 1)
