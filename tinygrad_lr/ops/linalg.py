"""Matrix products."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        if a.ndim <= 2 and b.ndim <= 2:
            if a.ndim == 1 and b.ndim == 1:
                raise RuntimeError(
                    f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have the "
                    f"same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively"
                )
            rows = "x".join(str(s) for s in (a.shape if a.ndim == 2 else (1, a.shape[0])))
            cols = "x".join(str(s) for s in (b.shape if b.ndim == 2 else (b.shape[0], 1)))
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows} and {cols})")
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to match: matmul of shapes "
            f"{list(a.shape)} and {list(b.shape)} needs a.shape[-1] == b.shape[-2] ({a.shape[-1]} != {inner_b})"
        )


class MatMul(Function):
    """a @ b (1-D, 2-D or batched, as numpy.matmul);  da = g @ b^T, db = a^T @ g.

    1-D operands are treated as a row (a) or column (b) vector and the added axis is dropped
    again; batch axes that broadcast are summed back by the engine.
    """

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != (b.shape[0] if b.ndim == 1 else b.shape[-2]):
            _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        return a @ b

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
