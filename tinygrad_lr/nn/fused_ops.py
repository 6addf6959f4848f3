"""Fused operations behind `nn.functional`: fewer passes over memory than the same math built from Value ops.

Each is a `Function` (forward on arrays, backward right below), written like the built-in ops so that
backward also runs on Values under `create_graph=True`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Function
from tinygrad_lr.nn import scratch
from tinygrad_lr.nn.skinny_matmul import grad_t_times_rows, rows_times_weight_t
from tinygrad_lr.ops import dual


class Linear(Function):
    """y = x W^T + b for x of shape (*, in), W (out, in), b (out,) or None: one matrix product plus the bias.

    dx = g W,  dW = g^T x  and  db = sum of g over the batch, with the batch dimensions flattened.
    """

    @staticmethod
    def torch_name(ctx: Any) -> str:
        # torch: addmm (with a bias) or mm on 2-d input, a reshape of it around other inputs
        if len(ctx.x_shape) != 2:
            return "ViewBackward0"
        return "AddmmBackward0" if ctx.has_bias else "MmBackward0"

    @staticmethod
    def forward(ctx: Any, x: Any, weight: Any, bias: Any) -> Any:
        out_features, in_features = weight.shape
        rows = x.reshape(-1, in_features) if x.ndim != 2 else x
        out = rows_times_weight_t(rows, weight, bias)
        needs = ctx.needs_input_grad  # empty when no graph is recorded
        if needs:
            # Like torch's addmm, keep only what the wanted gradients use: W for dx, x for dW
            # (so changing W in place after forward only matters when dx is needed).
            ctx.save_for_backward(x if needs[1] else None, weight if needs[0] else None)
            ctx.x_shape, ctx.weight_shape, ctx.has_bias = x.shape, weight.shape, bias is not None
        return out.reshape(x.shape[:-1] + (out_features,)) if x.ndim != 2 else out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, weight = ctx.saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        out_features, in_features = ctx.weight_shape
        g_rows = g.reshape(-1, out_features) if g.ndim != 2 else g
        grad_x = grad_weight = grad_bias = None
        if need_x:
            grad_x = g_rows @ weight
            if len(ctx.x_shape) != 2:
                grad_x = grad_x.reshape(ctx.x_shape)
        if need_weight:
            x_rows = x.reshape(-1, in_features) if x.ndim != 2 else x
            grad_weight = g_rows.T @ x_rows if dual.is_value(g_rows) else grad_t_times_rows(g_rows, x_rows)
        if need_bias:
            grad_bias = g_rows.sum(0) if dual.is_value(g_rows) else np.add.reduce(g_rows, axis=0)  # sum, less overhead
        return grad_x, grad_weight, grad_bias


class MSELoss(Function):
    """Mean (or sum) of (x - y)^2 over all elements of the broadcast shape (N of them); elementwise for 'none'.

    dx = 2 (x - y) g / N (one pass), dy = -dx; without the 1/N for 'sum' and 'none'.
    """

    torch_name = "MseLossBackward0"
    torch_inputs = slice(2)  # input and target (torch's next_functions lists no reduction)

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, reduction: str) -> Any:
        if reduction != "none" and x.size > SQUARES_CHUNK and x.shape == y.shape and x.dtype.kind == "f":
            # Many elements: a block at a time, no array of all the differences. When a gradient will be
            # wanted, the block's 2 (x - y) / N is written out while the block is in cache: the gradient for
            # g = 1 (a plain loss.backward()), which backward then hands on without reading x and y again.
            count = x.size
            ctx.scale = scale = 2.0 / count if reduction == "mean" else 2.0
            ctx.save_for_backward(x, y, None)
            unit_grad = scratch.empty(x.shape, np.result_type(x, y)) if ctx.needs_input_grad else None
            total = _blockwise_sum_of_squares(
                x.reshape(-1), y.reshape(-1), None if unit_grad is None else unit_grad.reshape(-1), scale
            )
            ctx.unit_grad = unit_grad
        else:
            diff = x - y
            ctx.save_for_backward(x, y, diff)
            if reduction == "none":
                ctx.scale = 2.0
                return diff * diff
            flat = diff.reshape(-1)
            total, count = (np.dot(flat, flat) if flat.dtype.kind == "f" else (flat * flat).sum()), flat.size
            ctx.scale = 2.0 / count if reduction == "mean" and count else 2.0
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.asarray(total / count if count else np.nan, dtype=total.dtype)
        return np.asarray(total, dtype=total.dtype)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        x, y, diff = ctx.saved_tensors
        need_x, need_y, _ = ctx.needs_input_grad
        if dual.is_value(g):
            grad_x = (x - y) * (g * ctx.scale)  # recorded, so the gradient can itself be differentiated
        else:
            factor = g * ctx.scale if g.ndim else g.item() * ctx.scale  # a Python float is the cheap scalar
            if diff is not None:
                grad_x = diff * factor
            elif factor == ctx.scale and ctx.unit_grad is not None:
                grad_x, ctx.unit_grad = ctx.unit_grad, None  # handed on once: from now on it is the caller's
            else:  # many elements: into the array the last step used (see nn/scratch.py)
                grad_x = np.subtract(x, y, out=scratch.empty(x.shape, np.result_type(x, y)))
                grad_x *= factor
        grad_y = -grad_x if need_y else None
        return (grad_x if need_x else None), grad_y, None


SQUARES_CHUNK = 1 << 16  # elements per block of the sum of squares: a block's difference stays in cache


def _blockwise_sum_of_squares(
    x: np.ndarray, y: np.ndarray, scaled_diff: np.ndarray | None = None, scale: float = 1.0
) -> Any:
    """sum((x - y)^2) for flat float arrays of one shape, a block at a time (a dot product each, BLAS).

    With `scaled_diff` (flat, x's size), also writes scale (x - y) into it.
    """
    total = np.zeros((), dtype=np.result_type(x, y))
    for start in range(0, x.size, SQUARES_CHUNK):
        stop = start + SQUARES_CHUNK
        into = None if scaled_diff is None else scaled_diff[start:stop]  # None: a new array for the block
        diff = np.subtract(x[start:stop], y[start:stop], out=into)
        total += np.dot(diff, diff)
        if into is not None:
            diff *= scale
    return total
