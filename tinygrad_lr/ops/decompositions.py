"""torch.linalg: inverses, determinants, solving, least squares, the pseudo-inverse, Cholesky, and the
decompositions eigh, svd and qr. Each differentiable one has its Function with the derivative below it.

eigh, svd and qr are forward only here: backward through them raises an error that says so (torch
differentiates them; their rules are long and rarely needed in the lessons this library serves).
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops.table import entry
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import Value


def square_matrices(x: Value, name: str, *, float_only: bool = True) -> Value:
    """torch's checks for a function of square (batches of) float matrices (of any dtype unless `float_only`)."""
    if x._data.ndim < 2:
        raise RuntimeError(f"{_qualified(name)}: The input tensor A must have at least 2 dimensions.")
    if x._data.shape[-1] != x._data.shape[-2]:
        raise RuntimeError(f"{_qualified(name)}: A must be batches of square matrices, but they are "
                           f"{x._data.shape[-2]} by {x._data.shape[-1]} matrices")
    return floating(x, name) if float_only else x


def floating(x: Value, name: str) -> Value:
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{_qualified(name)}: Expected a floating point or complex tensor as input. Got "
                           f"{torch_dtype_name(x._data.dtype)}")
    return x


def _qualified(name: str) -> str:
    """A function's name as torch's messages give it: torch.linalg's with its module ("linalg.inv"), logdet bare."""
    return name if name == "logdet" else f"linalg.{name}"


CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch "
    "release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\n"
    "U = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform "
    "will produce equivalent results for all valid (symmetric positive definite) inputs."
)


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix the function cannot handle (singular, not positive-definite)."""


def _singular(name: str, a: np.ndarray) -> LinAlgError:
    batch, pivot = _first_zero_pivot(a)
    if name == "solve":
        return LinAlgError(f"torch.linalg.solve: {batch}The solver failed because the input matrix is singular.")
    return LinAlgError(f"linalg.{name}: {batch}The diagonal element {pivot} is zero, the inversion could not be "
                       "completed because the input matrix is singular.")


# NumPy's factorizations with torch's error for a matrix they cannot handle, each a function of arrays alone:
# `compile` records each as one call (compiler/patching.py), so that a replay meeting such a matrix raises the
# same error as eager, not NumPy's.

def inverted(a: np.ndarray) -> np.ndarray:
    """A^-1 (NumPy's LU), or torch's error naming the first zero pivot of a singular A."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise _singular("inv", a) from None


def solved(a: np.ndarray, b: np.ndarray, vector: bool) -> np.ndarray:
    """X with A X = B (B a batch of vectors if `vector`), or torch's error for a singular A."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0] if vector else np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        raise _singular("solve", a) from None


def cholesky_lower(a: np.ndarray) -> np.ndarray:
    """L (lower) with A = L L^T, or torch's error naming the first leading minor that is not positive-definite."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        batch, order = _failed_minor(a)
        raise LinAlgError(f"linalg.cholesky: {batch}The factorization could not be completed because the input "
                          f"is not positive-definite (the leading minor of order {order} is not "
                          "positive-definite).") from None


def _first_zero_pivot(a: np.ndarray) -> tuple[str, int]:
    """torch's "(Batch element i): " for a batch (empty for one matrix), and the 1-based position of the first
    singular matrix's first zero LU pivot, found by Gaussian elimination with partial pivoting."""
    matrices = np.array(a.reshape(-1, *a.shape[-2:]), dtype=np.float64)
    for i, m in enumerate(matrices):
        n = m.shape[0]
        for k in range(n):
            pivot = k + int(np.argmax(np.abs(m[k:, k])))
            if m[pivot, k] == 0:
                return (f"(Batch element {i}): " if a.ndim > 2 else ""), k + 1
            m[[k, pivot]] = m[[pivot, k]]
            m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
    return "", a.shape[-1]  # (singular to LAPACK only by rounding: the last pivot)


class Inverse(Function):
    """A^-1;  dA = -A^-T g A^-T."""

    torch_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = inverted(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (out,) = ctx.saved_tensors
        return -(out.mT @ g @ out.mT)


class Det(Function):
    """det A;  dA = g det(A) A^-T (via the SVD's adjugate when A is singular, as torch)."""

    torch_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        out = np.asarray(np.linalg.det(a))
        ctx.save_for_backward(a, out)  # the output itself: a second derivative sees it depend on a
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        data = a._data if isinstance(a, Value) else a
        if data.shape[-1] == 1:  # det of a 1x1 matrix is its element: dA = g, a constant (torch's rule)
            return g[..., None, None]
        if np.all(np.asarray(out._data if isinstance(out, Value) else out) != 0):
            inverse_t = a.inverse().mT if isinstance(a, Value) else np.linalg.inv(a).mT
            return (g * out)[..., None, None] * inverse_t
        u, s, vt = np.linalg.svd(data)  # adj(A)^T = det(U) det(V) U diag(prod of the other s) V^T
        others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(s.shape[-1])], -1)
        sign = np.linalg.det(u) * np.linalg.det(vt)
        adjugate_t = (u * others[..., None, :]) @ vt * sign[..., None, None]
        grad = (g._data if isinstance(g, Value) else g)[..., None, None] * adjugate_t
        return Value._make_const(grad) if isinstance(g, Value) else grad


class Solve(Function):
    """X = A^-1 B;  dB = A^-T g, dA = -dB X^T (B a vector: the outer product)."""

    torch_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, vector: bool) -> Any:
        out = solved(a, b, vector)
        ctx.vector = vector
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        need_a, need_b, _ = ctx.needs_input_grad
        if ctx.vector:
            grad_b = solve(a.mT, g) if isinstance(g, Value) else np.linalg.solve(a.mT, g[..., None])[..., 0]
            grad_a = -(grad_b[..., :, None] * out[..., None, :]) if need_a else None
        else:
            grad_b = solve(a.mT, g) if isinstance(g, Value) else np.linalg.solve(a.mT, g)
            grad_a = -(grad_b @ out.mT) if need_a else None
        return grad_a, (grad_b if need_b else None), None


def _pinv_backward(g: Any, pinv: Any, a: Any) -> Any:
    """torch's formula for the gradient of pinv(A) (full rank): written for arrays and Values alike."""
    m, n = a.shape[-2], a.shape[-1]
    pinv_h, g_h = pinv.mT, g.mT
    if m <= n:
        k = g_h @ pinv
        k_pinv_h = k @ pinv_h
        return -(pinv @ k).mT + k_pinv_h - (a @ pinv) @ k_pinv_h + (pinv_h @ pinv) @ (g_h - k @ a)
    k = pinv @ g_h
    pinv_h_k = pinv_h @ k
    return -(k @ pinv).mT + (g_h - a @ k) @ pinv @ pinv_h + pinv_h_k - pinv_h_k @ pinv @ a


class Pinv(Function):
    """The Moore-Penrose pseudo-inverse A^+ (through the SVD);  dA: torch's formula (full rank)."""

    torch_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, rtol: Any, hermitian: bool) -> Any:
        out = np.linalg.pinv(a, rcond=1e-15 if rtol is None else rtol, hermitian=hermitian)
        ctx.save_for_backward(a, out)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, out = ctx.saved_tensors
        return _pinv_backward(g, out, a), None, None


class Lstsq(Function):
    """The least-squares solution X = A^+ B;  dB = A^+T g, dA = pinv's rule for g X's B^T (full rank)."""

    torch_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any, vector: bool) -> Any:
        pinv = np.linalg.pinv(a)
        ctx.vector = vector
        ctx.save_for_backward(a, b, pinv)
        return (pinv @ b[..., None])[..., 0] if vector else pinv @ b

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, b, pinv = ctx.saved_tensors
        if isinstance(a, Value):  # under create_graph: A^+ recorded as a function of A
            pinv = a.pinverse()
        need_a, need_b, _ = ctx.needs_input_grad
        if ctx.vector:
            g, b = g[..., None], b[..., None]
        grad_a = _pinv_backward(g @ b.mT, pinv, a) if need_a else None
        if not need_b:
            return grad_a, None, None
        grad_b = pinv.mT @ g
        return grad_a, (grad_b[..., 0] if ctx.vector else grad_b), None


class Cholesky(Function):
    """L with A = L L^T (lower);  dA = L^-T Phi(L^T g) L^-1, Phi taking the lower triangle with half its diagonal
    and symmetrised (torch's rule)."""

    torch_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, upper: bool) -> Any:
        lower = cholesky_lower(a)
        ctx.upper = upper
        ctx.save_for_backward(lower)
        return lower.mT.copy() if upper else lower

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (lower,) = ctx.saved_tensors
        if isinstance(lower, Value):
            lower, g = lower._data, g._data  # not recorded: a constant for second-order purposes
        g_lower = g.mT if ctx.upper else g
        phi = np.tril(lower.mT @ g_lower)
        phi = 0.5 * (phi + np.tril(phi, -1).mT)
        inverse = np.linalg.inv(lower)
        return inverse.mT @ phi @ inverse, None


def _failed_minor(a: np.ndarray) -> tuple[str, int]:
    """torch's "(Batch element i): " for a batch, and the order of the first leading minor of the first failing
    matrix that is not positive-definite."""
    for i, matrix in enumerate(a.reshape(-1, *a.shape[-2:])):
        for k in range(1, matrix.shape[0] + 1):
            if np.linalg.eigvalsh(matrix[:k, :k]).min() <= 0:
                return (f"(Batch element {i}): " if a.ndim > 2 else ""), k
    return "", a.shape[-1]


class ForwardOnly(Function):
    """One result of a decomposition computed forward only (eigh, svd, qr): backward raises, saying so."""

    @staticmethod
    def torch_name(ctx: Any) -> str:
        return ctx.label

    @staticmethod
    def forward(ctx: Any, a: Any, result: np.ndarray, name: str) -> Any:
        ctx.label = name
        return result

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        function = ctx.label.removeprefix("Linalg").removesuffix("Backward0").lower()
        raise RuntimeError(
            f"the derivative of linalg.{function} is not implemented in tinygrad_lr: its results are computed "
            "forward only. Detach them (.detach()) or compute the gradient from a differentiable formula "
            "(linalg.solve, linalg.inv, linalg.pinv, linalg.lstsq and the norms have gradients)."
        )


def forward_only(a: Value, results: tuple[np.ndarray, ...], name: str) -> tuple[Value, ...]:
    return tuple(ForwardOnly.apply(a, r, name) for r in results)


class EighResult(NamedTuple):
    eigenvalues: Value
    eigenvectors: Value


class SvdResult(NamedTuple):
    U: Value  # noqa: N815 - torch's field names
    S: Value  # noqa: N815
    Vh: Value  # noqa: N815


class QrResult(NamedTuple):
    Q: Value  # noqa: N815
    R: Value  # noqa: N815


class LstsqResult(NamedTuple):
    solution: Value
    residuals: Value
    rank: Value
    singular_values: Value


class DecompositionMethods:
    """The op table's rows of torch.linalg that are Value methods too (x.inverse(), x.det(), ...)."""

    @entry(Inverse)
    def inverse(self: Any) -> Value:
        """A^-1 of a square (batch of) float matrices."""
        return Inverse.apply(square_matrices(self, "inv"))

    @entry(Det)
    def det(self: Any) -> Value:
        """The determinant of a square (batch of) float matrices."""
        return Det.apply(square_matrices(self, "det"))

    @entry(Pinv)
    def pinverse(self: Any, rcond: float = 1e-15) -> Value:
        return pinv(self, rtol=rcond)

    @entry(Cholesky, function=False)  # torch.cholesky is deprecated; torch.linalg.cholesky below
    def cholesky(self: Any, upper: bool = False) -> Value:
        warnings.warn(CHOLESKY_DEPRECATED, UserWarning, stacklevel=2)
        return cholesky(self, upper=upper)


def inv(A: Any) -> Value:  # noqa: N803 - torch's name
    """A^-1 (torch.linalg.inv)."""
    return as_value(A).inverse()


def det(A: Any) -> Value:  # noqa: N803
    return as_value(A).det()


def solve(A: Any, B: Any, *, left: bool = True) -> Value:  # noqa: N803
    """X with A X = B (torch.linalg.solve); B a vector or (a batch of) matrices."""
    a, b = square_matrices(as_value(A), "solve"), as_value(B)
    if not left:
        return solve(a.mT, b.mT).mT
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{torch_dtype_name(a.dtype)} and B of type {torch_dtype_name(b.dtype)} instead")
    vector = b._data.ndim == 1 or (b._data.ndim == a._data.ndim - 1 and b._data.shape == a._data.shape[:-1])
    n = a._data.shape[-1]
    if (b._data.shape[-1] if vector else b._data.shape[-2]) != n:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({a._data.shape[-2]}x{n} and {'x'.join(map(str, b._data.shape))})")
    return Solve.apply(a, b, vector)


def pinv(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Value:  # noqa: N803
    """The pseudo-inverse A^+ (torch.linalg.pinv)."""
    a = as_value(A)
    if a._data.ndim < 2:
        raise RuntimeError("linalg.pinv(" + torch_dtype_name(a.dtype) + "{[" + ", ".join(map(str, a.shape)) +
                           "]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types")
    return Pinv.apply(floating(a, "pinv"), rtol, hermitian)


def lstsq(A: Any, B: Any, rcond: Any = None, *, driver: Any = None) -> LstsqResult:  # noqa: N803
    """The least-squares solution of A X = B (full rank A), as torch.linalg.lstsq returns it (driver gelsy:
    residuals and singular values empty)."""
    a, b = floating(as_value(A), "lstsq"), as_value(B)
    if a.dtype != b.dtype:
        raise RuntimeError("torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's "
                           f"dtype {torch_dtype_name(a.dtype)} and other's dtype {torch_dtype_name(b.dtype)}")
    vector = b._data.ndim == a._data.ndim - 1
    if a._data.shape[-2] != b._data.shape[-1 if vector else -2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size({-1 if vector else -2})")
    solution = Lstsq.apply(a, b, vector)
    rank = np.asarray(np.linalg.matrix_rank(a._data), dtype=np.int64)
    empty = Value._make_const(np.zeros((0,), dtype=a._data.dtype))
    return LstsqResult(solution, empty, Value._make_const(rank), empty)


def cholesky(A: Any, *, upper: bool = False) -> Value:  # noqa: N803
    """L lower triangular with A = L L^T (U = L^T with upper=True), for symmetric positive-definite A."""
    return Cholesky.apply(square_matrices(as_value(A), "cholesky"), upper)


def eigh(A: Any, UPLO: str = "L") -> EighResult:  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (forward only)."""
    a = square_matrices(as_value(A), "eigh")
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    values, vectors = np.linalg.eigh(a._data, UPLO="L" if UPLO in "Ll" else "U")
    return EighResult(*forward_only(a, (values, vectors), "LinalgEighBackward0"))


def eigvalsh(A: Any, UPLO: str = "L") -> Value:  # noqa: N803
    return eigh(A, UPLO).eigenvalues


def svd(A: Any, full_matrices: bool = True) -> SvdResult:  # noqa: N803
    """A = U diag(S) Vh, singular values descending (forward only)."""
    a = floating(as_value(A), "svd")
    u, s, vh = np.linalg.svd(a._data, full_matrices=full_matrices)
    return SvdResult(*forward_only(a, (u, s, vh), "LinalgSvdBackward0"))


def qr(A: Any, mode: str = "reduced") -> QrResult:  # noqa: N803
    """A = Q R with orthonormal Q and upper-triangular R (forward only)."""
    a = floating(as_value(A), "qr")
    if mode not in ("reduced", "r", "complete"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           "or 'complete'")
    q, r = np.linalg.qr(a._data, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":  # torch's Q is then an empty tensor
        q = np.zeros(0, dtype=r.dtype)
    return QrResult(*forward_only(a, (q, r), "LinalgQrBackward0"))


class SingularValues(Function):
    """The singular values of A, descending;  dA = U diag(g) V^T (distinct singular values)."""

    torch_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(u, vh)
        return s

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        u, vh = ctx.saved_tensors
        return (u * g[..., None, :]) @ vh


def svdvals(A: Any) -> Value:  # noqa: N803
    """The singular values, descending (differentiable where they are distinct)."""
    return SingularValues.apply(floating(as_value(A), "svdvals"))


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:  # noqa: A002
    """(sum |x|^ord)^(1/ord) over `dim` (all elements by default); inf: max |x|, -inf: min |x|, 0: non-zeros."""
    value = as_value(x)
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if dtype is not None:
        value = value.to(dtype)
    return value.norm(ord, dim, keepdim)


def matrix_norm(A: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,  # noqa: N803, A002
                dtype: Any = None) -> Value:
    """A matrix norm over the two dims `dim`: 'fro', 'nuc' (sum of singular values), 2 / -2 (largest /
    smallest singular value), 1 / -1 (max / min column sum of |A|), inf / -inf (max / min row sum)."""
    a = floating(as_value(A), "matrix_norm")
    if dtype is not None:
        a = a.to(dtype)
    if a._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    rows, cols = (d % a._data.ndim for d in dim)
    if ord == "fro":
        return a.norm(2, (rows, cols), keepdim)
    if ord in ("nuc", 2, -2):
        moved = a.permute(*[d for d in range(a._data.ndim) if d not in (rows, cols)], rows, cols)
        values = svdvals(moved)
        out = values.sum(-1) if ord == "nuc" else values.amax(-1) if ord == 2 else values.amin(-1)
        return out.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols)) if keepdim else out
    if ord in (1, -1, float("inf"), -float("inf")):
        summed, other = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = a.abs().sum(summed, keepdim=keepdim)
        if not keepdim and other > summed:
            other -= 1
        return sums.amax(other, keepdim=keepdim) if ord > 0 else sums.amin(other, keepdim=keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Value:  # noqa: N803, A002
    """torch.linalg.norm: the vector 2-norm of all elements when ord and dim are None; a matrix norm for a
    matrix ord or a 2-tuple dim; else a vector norm."""
    a = as_value(A)
    if dim is not None and not isinstance(dim, (tuple, list)):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    if ord is None:
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if dim is None and a._data.ndim == 2 or (dim is not None and len(dim) == 2):
        return matrix_norm(a, ord, (-2, -1) if dim is None else tuple(dim), keepdim, dtype=dtype)
    if dim is None and a._data.ndim != 1:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{a._data.ndim}D.")
    return vector_norm(a, ord, dim, keepdim, dtype=dtype)
