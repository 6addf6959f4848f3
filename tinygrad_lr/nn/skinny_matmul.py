"""The two matrix products of a one-output `Linear` on many short rows, done the way BLAS is fast at.

A regression model `Linear(D, 1)` on N rows of D features (N large, D small) needs `x @ w^T` (forward) and
`g^T @ x` (the weight's gradient). NumPy hands both to BLAS as a matrix-vector product over rows of D
numbers, which OpenBLAS runs at about half the memory bandwidth when D is small. Reading the same memory as
k rows side by side, x2 = x.reshape(N/k, k D) (a view, no copy), turns each into a matrix-matrix product
that BLAS runs near bandwidth:

    forward:   x2 @ blockdiag(w^T, ..., w^T)  = (x @ w^T).reshape(N/k, k)      (k copies of w^T on the diagonal)
    gradient:  g2^T @ x2, g2 = g.reshape(N/k, k);  block (j, j) of it is sum_r g[r k + j] x[r k + j],
               so g^T @ x = the sum of the k diagonal blocks (the off-diagonal blocks are discarded).

Both are exact rearrangements of the same sums (only the order of floating-point additions changes). Both
go a chunk of rows at a time: the gradient's chunks stay in cache (one stacked product over all of them), and
the forward adds the bias to a chunk of results while they are in cache. In the forward product the zeros of
the block diagonal meet the neighbouring rows, so a non-finite x (0 * inf = nan) would leak into its
neighbour: each chunk's result is checked (one dot product) and everything recomputed the plain way if
anything is not finite. Rows that do not fill a last group of k go through the plain product.
"""

from __future__ import annotations

import numpy as np

from tinygrad_lr.nn import scratch

MIN_ROWS = 4096  # below this the plain product is as fast and the rearrangement not worth its setup
BLOCK_WIDTH = 20  # k D is at least this: the width at which OpenBLAS's matrix-matrix kernel runs near bandwidth
MAX_FEATURES = 12  # wider rows already make BLAS's matrix-vector product fast
CHUNK_BYTES = 1 << 19  # rows of x per accumulated gradient block: half a MiB stays in the L2 cache
OUT_CHUNK_BYTES = 1 << 20  # forward results per chunk: 1 MiB, the fastest size tried (docs/performance.md)


def _group_size(rows: np.ndarray, out_features: int) -> int:
    """k, the number of rows read side by side, or 1 to use the plain product."""
    n, d = rows.shape
    if out_features != 1 or n < MIN_ROWS or not 2 <= d <= MAX_FEATURES or not rows.flags.c_contiguous:
        return 1
    return max(2, -(-BLOCK_WIDTH // d))


def rows_times_weight_t(rows: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """`rows @ weight.T + bias` for rows (N, D), weight (O, D) and bias (O,) or None: a new (N, O) array."""
    k = _group_size(rows, weight.shape[0])
    if k == 1:
        return _plain_product(rows, weight, bias)
    n, d = rows.shape
    m = n - n % k
    dtype = np.result_type(rows.dtype, weight.dtype)
    blocks = np.zeros((k * d, k), dtype=dtype)
    for j in range(k):
        blocks[j * d : (j + 1) * d, j] = weight[0]
    out = scratch.empty((n, 1), dtype)
    grouped_rows, grouped_out = rows[:m].reshape(m // k, k * d), out[:m].reshape(m // k, k)
    chunk = max(1, OUT_CHUNK_BYTES // (k * out.itemsize))
    finite = True
    with np.errstate(invalid="ignore", over="ignore"):  # the plain product below warns if it must
        for start in range(0, m // k, chunk):
            out_chunk = grouped_out[start : start + chunk]
            np.matmul(grouped_rows[start : start + chunk], blocks, out=out_chunk)
            if bias is not None:
                out_chunk += bias
            flat = out_chunk.reshape(-1)
            if not np.isfinite(np.dot(flat, flat)):
                finite = False
                break
    if not finite:  # a non-finite row may have leaked into its neighbour
        return _plain_product(rows, weight, bias)
    if m < n:
        out[m:] = _plain_product(rows[m:], weight, bias)
    return out


def _plain_product(rows: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    # One input feature: one product per element, exactly the matrix product without BLAS's call.
    out = rows * weight.reshape(1, -1) if rows.shape[1] == 1 else rows @ weight.T
    if bias is not None:
        out += bias
    return out


def grad_t_times_rows(grad: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`grad.T @ rows` for grad (N, O) and rows (N, D), a new (O, D) array."""
    n, d = rows.shape
    k = _group_size(rows, grad.shape[1])
    if k == 1 or d < 4 or not grad.flags.c_contiguous:  # below 4 features the plain product is the fast one
        return grad.T @ rows
    m = n - n % k
    x2 = rows[:m].reshape(m // k, k * d)
    g2 = grad[:m].reshape(m // k, k)
    # Chunks of rows that stay in cache, as one stacked product: NumPy loops over the chunks in C.
    per_chunk = max(1, CHUNK_BYTES // (k * d * rows.itemsize))
    chunks = (m // k) // per_chunk
    split = chunks * per_chunk
    with np.errstate(invalid="ignore", over="ignore"):  # off-diagonal blocks may overflow; they are discarded
        stacked_g = g2[:split].reshape(chunks, per_chunk, k).transpose(0, 2, 1)
        blocks = np.matmul(stacked_g, x2[:split].reshape(chunks, per_chunk, k * d)).sum(axis=0)
        blocks += g2[split:].T @ x2[split:]
    diagonal = np.arange(k)
    result = blocks.reshape(k, k, d)[diagonal, diagonal].sum(axis=0, keepdims=True)
    if m < n:
        result += grad[m:].T @ rows[m:]
    return result
