"""`tinygrad_lr.linalg`, as `torch.linalg`: norms, inverses, determinants, solving, least squares, the
pseudo-inverse and the decompositions (their Functions, forward and derivative, are in ops/decompositions.py),
and the cross product (ops/products.py)."""

from tinygrad_lr.ops.decompositions import (
    LinAlgError,
    cholesky,
    det,
    eigh,
    eigvalsh,
    inv,
    lstsq,
    matrix_norm,
    norm,
    pinv,
    qr,
    solve,
    svd,
    svdvals,
    vector_norm,
)
from tinygrad_lr.ops.functions import matmul
from tinygrad_lr.ops.products import linalg_cross as cross

__all__ = [
    "LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm",
    "norm", "pinv", "qr", "solve", "svd", "svdvals", "vector_norm",
]
