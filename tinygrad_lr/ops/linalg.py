"""Matrix products."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from tinygrad_lr.arguments import broadcast_mismatch_message, c_type_name, float_kernel_error, torch_dtype_name
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops.table import entry, function_only, write_out
from tinygrad_lr.promotion import as_value, pair
from tinygrad_lr.value import Value, require_value


def _matmul_error(a: np.ndarray, b: np.ndarray) -> RuntimeError:
    """torch's message for operands that matmul cannot multiply (it names both sizes)."""
    if a.ndim == 0 or b.ndim == 0:
        return RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    inner_a, inner_b = a.shape[-1], (b.shape[0] if b.ndim == 1 else b.shape[-2])
    if a.ndim == 1 and b.ndim == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{inner_a}] and src [{inner_b}] to have the same number of "
            f"elements, but got {inner_a} and {inner_b} elements respectively"
        )
    if b.ndim <= 2:  # torch folds a's batch dims into its rows: one matrix-matrix or matrix-vector product
        rows = int(np.prod(a.shape[:-1]))
        if b.ndim == 1:
            return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{inner_a}), vec ({inner_b})")
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{inner_a} and {inner_b}x{b.shape[-1]})"
        )
    message = broadcast_mismatch_message(a.shape[:-2], b.shape[:-2])
    if message is not None:
        return RuntimeError(message)
    batch = int(np.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2])))
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {inner_a}] but got: "
        f"[{batch}, {inner_b}]."
    )


def _matmul_node_name(ctx: Any) -> str:
    """The op torch's matmul dispatches to for these operand dims (its batched products end in a reshape)."""
    kinds = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}
    return kinds.get(ctx.ndims, "UnsafeViewBackward0")


def matrix_product_dtype_error(a: np.ndarray, b: np.ndarray) -> RuntimeError:
    """torch's message for a matrix product of two dtypes: it never promotes, and which kernel refuses (and so
    the words) depends on the operands' dims."""
    if a.ndim == 1 and b.ndim == 1:
        return RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {torch_dtype_name(a.dtype)} and "
            f"{torch_dtype_name(b.dtype)}"
        )
    if b.ndim == 1:
        first, second = torch_dtype_name(b.dtype), torch_dtype_name(a.dtype)
        return RuntimeError(f"addmv input tensors must have the same dtype, but got {first}, {second}, and {first}")
    if b.ndim == 2:
        return RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {c_type_name(a.dtype)} != {c_type_name(b.dtype)}"
        )
    return RuntimeError(f"expected scalar type {torch_dtype_name(a.dtype)} but found {torch_dtype_name(b.dtype)}")


def _bool_product_kernel(a_ndim: int, b_ndim: int) -> str:
    """The kernel torch names when it refuses a product of bool tensors (it depends on the operands' dims)."""
    if a_ndim == 1 and b_ndim == 1:
        return "dot"
    if b_ndim == 1:
        return "addmv_impl_cpu"
    return "bmm" if a_ndim > 2 and b_ndim > 2 else "addmm_impl_cpu_"


class MatMul(Function):
    """a @ b (1-D, 2-D or batched, as numpy.matmul);  da = g @ b^T, db = a^T @ g.

    1-D operands are treated as a row (a) or column (b) vector and the added axis is dropped
    again; batch axes that broadcast are summed back by the engine.
    """

    # a ClassVar, not a method: Bmm replaces it with a fixed string
    torch_name: ClassVar[Any] = staticmethod(_matmul_node_name)

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != (b.shape[0] if b.ndim == 1 else b.shape[-2]):
            raise _matmul_error(a, b)
        if a.dtype.kind == "b":  # (both are bool: mixed dtypes were refused before) torch has no bool product
            raise float_kernel_error(_bool_product_kernel(a.ndim, b.ndim), a.dtype)
        try:
            out = a @ b
        except ValueError:  # batch dims that do not broadcast
            raise _matmul_error(a, b) from None
        ctx.save_for_backward(a, b)
        ctx.ndims = (a.ndim, b.ndim)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if a.ndim == 1 and b.ndim == 1:
            return (g * b if need_a else None), (g * a if need_b else None)
        if a.ndim == 1:
            # out[..., m] = sum_k a[k] b[..., k, m]
            if need_a:
                grad_a = (g[..., None, :] @ b.mT)[..., 0, :]
            if need_b:
                grad_b = a[:, None] @ g[..., None, :]
            return grad_a, grad_b
        if b.ndim == 1:
            # out[..., n] = sum_k a[..., n, k] b[k]
            if need_a:
                grad_a = g[..., :, None] @ b[None, :]
            if need_b:
                grad_b = (a.mT @ g[..., :, None])[..., 0]
            return grad_a, grad_b
        if need_a:
            grad_a = g @ b.mT
        if need_b:
            grad_b = a.mT @ g
        return grad_a, grad_b


class Bmm(MatMul):
    """a @ b for two batches of matrices (b, n, k) and (b, k, m): MatMul's rule under torch's name."""

    torch_name = "BmmBackward0"


class Addmm(Function):
    """beta c + alpha (a @ b) for matrices a, b and c broadcast;  dc = beta g, da = alpha g b^T, db = alpha a^T g."""

    torch_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx: Any, c: Any, a: Any, b: Any, beta: float, alpha: float) -> Any:
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        product = a @ b
        out = (product if alpha == 1 else alpha * product) + (c if beta == 1 else beta * c)
        return out.astype(product.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b = ctx.saved_tensors
        need_c, need_a, need_b = ctx.needs_input_grad[:3]
        scaled = g if ctx.alpha == 1 else g * ctx.alpha
        return (
            (g if ctx.beta == 1 else g * ctx.beta) if need_c else None,
            scaled @ b.mT if need_a else None,
            a.mT @ scaled if need_b else None,
            None,
            None,
        )


class LinalgMethods:
    """The op table's rows for matrix products (see ops/table.py)."""

    @entry(MatMul, function=False)  # tinygrad_lr.matmul: below
    def __matmul__(self: Any, other: Any) -> Value:
        """The matrix product (batched, and 1-D as torch.matmul)."""
        if not isinstance(other, (Value, np.ndarray)):
            return NotImplemented  # Python then raises torch's TypeError: unsupported operand type(s) for @
        if isinstance(other, Value) and other._data.dtype != self._data.dtype:
            raise matrix_product_dtype_error(self._data, other._data)
        a, b = pair(self, other)
        return MatMul.apply(a, b)

    def matmul(self: Any, other: Any) -> Value:
        return self @ _matrix(other, "matmul", "other", 1)

    def __rmatmul__(self: Any, other: Any) -> Value:
        if not isinstance(other, (Value, np.ndarray)):
            return NotImplemented
        a, b = pair(self, other)
        return MatMul.apply(b, a)

    @entry(Bmm)
    def bmm(self: Any, mat2: Any) -> Value:
        """Batched matrix product of (b, n, k) and (b, k, m) Values."""
        other = require_value(mat2, "bmm", "mat2", 1)
        if self._data.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor")
        if other._data.ndim != 3:
            raise RuntimeError("batch2 must be a 3D tensor")
        if self._data.dtype != other._data.dtype:
            raise matrix_product_dtype_error(self._data, other._data)
        (b, _, k), (b2, k2, _) = self._data.shape, other._data.shape
        if b != b2 or k != k2:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                               f"[{b2}, {k2}].")
        return Bmm.apply(self, other)

    @entry(Addmm, inplace="addmm_")
    def addmm(self: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> Value:
        """beta self + alpha (mat1 @ mat2), self broadcast to the product's shape (torch.addmm)."""
        a, b = require_value(mat1, "addmm", "mat1", 1), require_value(mat2, "addmm", "mat2", 2)
        if a._data.ndim != 2:
            raise RuntimeError("mat1 must be a matrix, got " + f"{a._data.ndim}-D tensor")
        if b._data.ndim != 2:
            raise RuntimeError("mat2 must be a matrix, got " + f"{b._data.ndim}-D tensor")
        if a._data.shape[1] != b._data.shape[0]:
            raise _matmul_error(a._data, b._data)
        dtypes = {v._data.dtype for v in (self, a, b)}
        if len(dtypes) > 1:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {torch_dtype_name(a.dtype)} and "
                               f"{torch_dtype_name(b.dtype)}")
        shape = (a._data.shape[0], b._data.shape[1])
        if broadcast_mismatch_message(shape, self._data.shape) is not None or self._data.ndim > 2:
            self.expand(*shape)  # raises torch's words: self does not broadcast to the product's shape
        return Addmm.apply(self, a, b, beta, alpha)

    @entry(MatMul, function=False)  # tinygrad_lr.mm checks its arguments: below
    def mm(self: Any, other: Value) -> Value:
        return mm(self, _matrix(other, "mm", "mat2", 1))


def _matrix(x: Any, function: str, name: str, position: int) -> Any:
    """A matrix product's operand: a Value or a NumPy array, else torch's TypeError naming the argument."""
    return x if isinstance(x, np.ndarray) else require_value(x, function, name, position)


@function_only
def matmul(input: Any, other: Any, *, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """The matrix product of two Values (1-D, 2-D or batched, as torch.matmul)."""
    return write_out(as_value(_matrix(input, "matmul", "input", 1)) @ _matrix(other, "matmul", "other", 2), out,
                     "matmul")


@function_only
def mm(input: Any, mat2: Any, *, out: Any = None) -> Value:  # noqa: A002 - torch's name
    """The matrix product of two 2-D Values (torch.mm; `matmul` also takes 1-D and batched)."""
    a, b = as_value(_matrix(input, "mm", "input", 1)), as_value(_matrix(mat2, "mm", "mat2", 2))
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return write_out(a @ b, out, "mm")  # MatMul names both sizes if they do not fit, in torch's words


@function_only
def dot(input: Any, tensor: Any) -> Value:  # noqa: A002
    """sum_i a_i b_i of two 1-D Values of one length and dtype (torch.dot);  da = g b, db = g a."""
    a, b = as_value(input), as_value(tensor)
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:  # checked before the lengths, as torch does; MatMul reports unequal lengths
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {torch_dtype_name(a.dtype)} and "
            f"{torch_dtype_name(b.dtype)}"
        )
    return a @ b


@function_only
def outer(input: Any, vec2: Any) -> Value:  # noqa: A002
    """a_i b_j for 1-D a and b (torch.outer)."""
    a, b = as_value(input), as_value(vec2)
    for name, v in (("self", a), ("vec2", b)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return a.unsqueeze(1) * b.unsqueeze(0)
