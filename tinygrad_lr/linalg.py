"""`tinygrad_lr.linalg`, as `torch.linalg`: norms, inverses, determinants, solving, least squares, the
pseudo-inverse and the decompositions (their Functions, forward and derivative, are in ops/decompositions.py),
slogdet and matrix_power (ops/matrix_functions.py) and the cross product (ops/products.py)."""

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
from tinygrad_lr.ops.matrix_functions import linalg_matrix_power as matrix_power
from tinygrad_lr.ops.matrix_functions import linalg_slogdet as slogdet
from tinygrad_lr.ops.products import linalg_cross as cross

__all__ = [
    "LinAlgError", "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm",
    "matrix_power", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vector_norm",
]
