"""Shape operations: views and rearrangements whose gradient undoes the rearrangement."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual


class Reshape(Function):
    """a viewed with a new shape;  da = g reshaped back."""

    torch_name = "ViewBackward0"

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

    @staticmethod
    def forward(ctx: Any, a: Any, order: tuple[int, ...]) -> Any:
        ctx.inverse = tuple(np.argsort(order))
        return np.transpose(a, order)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        return dual.permute(g, ctx.inverse), None


class Expand(Function):
    """a broadcast to a larger shape (a view, no copy);  da = g summed back (done by the engine)."""

    torch_name = "ExpandBackward0"

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


def _is_basic(index: Any) -> bool:
    """True for indices made only of ints, slices, None and Ellipsis: no element is picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


class Index(Function):
    """a[index] (slices, integer arrays, boolean masks);  da = g scattered back, repeats accumulating."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        # torch: an integer picks (select), slices alone cut (slice), anything else gathers (index)
        parts = ctx.index if isinstance(ctx.index, tuple) else (ctx.index,)
        integers = [isinstance(p, int | np.integer) and not isinstance(p, bool | np.bool_) for p in parts]
        if all(i or p is None or p is Ellipsis or isinstance(p, slice) for i, p in zip(integers, parts)):
            return "SelectBackward0" if any(integers) else "SliceBackward0"
        return "IndexBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, index: Any) -> Any:
        ctx.shape, ctx.index = a.shape, index
        try:
            return a[index]
        except IndexError as error:
            raise _index_error(error, a.shape, index) from None

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        if dual.is_value(g):
            return IndexAdd.apply(g, ctx.index, ctx.shape), None
        return _scatter_add(g, ctx.index, ctx.shape), None


class IndexPut(Function):
    """a with a[index] = v (v broadcast to the indexed part);  da = g with zeros at index, dv = g[index].

    What `x[index] = v` records when x or v needs a gradient (see Value.__setitem__).
    """

    torch_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, v: Any, index: Any) -> Any:
        out = a.copy()
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

    @staticmethod
    def forward(ctx: Any, axis: int, *arrays: Any) -> Any:
        try:
            out = np.concatenate(arrays, axis=axis)
        except ValueError:
            raise _cat_error(arrays, axis) from None
        ctx.axis = axis
        ctx.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        lead = (slice(None),) * ctx.axis
        b = ctx.bounds
        return (None,) + tuple(g[lead + (slice(b[i], b[i + 1]),)] for i in range(len(b) - 1))


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
