"""Functions of matrices and of samples: the log-determinant (slogdet, logdet), integer matrix powers, the
covariance and correlation matrices, and the trapezoidal rule. slogdet has its Functions (forward and derivative
below); the others are made of differentiable ops, as torch makes them."""

from __future__ import annotations

import builtins
import warnings
from typing import Any, NamedTuple

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops.decompositions import Inverse, square_matrices
from tinygrad_lr.ops.elementwise import where
from tinygrad_lr.ops.linalg import MatMul
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import as_value
from tinygrad_lr.value import Value

COV_NO_FREEDOM = ("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                  "observations.")


class SlogdetResult(NamedTuple):
    sign: Value
    logabsdet: Value


class Slogdet(Function):
    """log |det A| (computed with its sign by NumPy's LU);  dA = g A^-T."""

    torch_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, logabsdet: Any) -> Any:
        ctx.save_for_backward(a)
        return logabsdet

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (a,) = ctx.saved_tensors
        inverse_t = a.inverse().mT if isinstance(a, Value) else np.linalg.inv(a).mT
        return g[..., None, None] * inverse_t, None


class SlogdetSign(Function):
    """The sign of det A (+1 or -1, 0 when A is singular): constant where it is defined, so its derivative is 0."""

    torch_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx: Any, a: Any, sign: Any) -> Any:
        ctx.shape = a.shape
        return sign

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        zeros = np.zeros(ctx.shape, dtype=g.dtype)
        return (Value._make_const(zeros) if isinstance(g, Value) else zeros), None


def _slogdet(a: Value) -> SlogdetResult:
    sign, logabsdet = np.linalg.slogdet(a._data)
    dtype = a._data.dtype
    return SlogdetResult(SlogdetSign.apply(a, np.asarray(sign, dtype=dtype)),
                         Slogdet.apply(a, np.asarray(logabsdet, dtype=dtype)))


class MatrixFunctionMethods:
    """The op table's rows for these functions of matrices and samples (see ops/table.py)."""

    @entry(SlogdetSign, Slogdet)
    def slogdet(self: Any) -> SlogdetResult:
        """(sign, logabsdet) with det A = sign * exp(logabsdet), of a square (batch of) float matrices."""
        return _slogdet(square_matrices(self, "slogdet"))

    @entry(Slogdet)
    def logdet(self: Any) -> Value:
        """log det A: NaN where det A < 0, -inf where A is singular."""
        sign, logabsdet = _slogdet(square_matrices(self, "logdet"))
        return where(sign < 0, float("nan"), logabsdet)

    @entry(MatMul, Inverse)
    def matrix_power(self: Any, n: builtins.int) -> Value:
        """A^n by repeated squaring; A^-n = (A^-1)^n; A^0 the identity (of A's dtype and batch shape)."""
        if not isinstance(n, (builtins.int, np.integer)) or isinstance(n, builtins.bool):
            raise TypeError(f"matrix_power(): argument 'n' (position 2) must be int, not {type(n).__name__}")
        a = square_matrices(self, "matrix_power", float_only=False)
        if n == 0:
            identity = np.broadcast_to(np.eye(a._data.shape[-1], dtype=a._data.dtype), a._data.shape)
            return a.clone().copy_(Value._make_const(np.ascontiguousarray(identity)))
        if n < 0:
            a, n = a.inverse(), -n
        elif n == 1:
            return a.clone()
        if n <= 3:  # torch's own order for small powers: (A A) A
            return a if n == 1 else a @ a if n == 2 else (a @ a) @ a
        result: Any = None
        power = a
        while True:  # the binary digits of n from the lowest: power holds A^(2^k)
            if n & 1:
                result = power if result is None else result @ power
            n >>= 1
            if not n:
                return result
            power = power @ power

    @entry(MatMul)
    def cov(self: Any, *, correction: builtins.int = 1, fweights: Any = None, aweights: Any = None) -> Value:
        """The covariance matrix of the variables in the rows (observations in the columns), each observation
        counted fweights times and weighted by aweights; divided by (sum of weights - correction)."""
        if self._data.ndim > 2:
            raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an input with "
                               f"{self._data.ndim} dimensions")
        x = self.reshape(1, -1) if self._data.ndim < 2 else self
        count = x._data.shape[1]
        frequencies = _weights(fweights, "fweights", count, "iu", "integral")
        importance = _weights(aweights, "aweights", count, "f", "floating point")
        w = importance if frequencies is None else frequencies if importance is None else frequencies * importance
        if w is None:
            total: Any = count
            norm: Any = count - correction
        else:
            total = w.sum()
            if bool((total == 0)._data):
                raise RuntimeError("cov(): weights sum to zero, can't be normalized")
            norm = total - (correction * (w * importance).sum() / total if importance is not None and correction
                            else correction)
        if bool(np.asarray(norm._data if isinstance(norm, Value) else norm) <= 0):
            warnings.warn(COV_NO_FREEDOM, UserWarning, stacklevel=2)
            norm = 0
        mean = (x if w is None else x * w).sum(1) / total
        centered = x - mean.unsqueeze(1)
        products = centered @ (centered if w is None else centered * w).t()
        return (products / norm).squeeze()

    @entry(MatMul)
    def corrcoef(self: Any) -> Value:
        """Pearson's correlation coefficients of the variables in the rows: cov scaled by the standard deviations,
        clipped to [-1, 1]."""
        if self._data.ndim > 2:
            raise RuntimeError("corrcoef(): expected input to have two or fewer dimensions but got an input with "
                               f"{self._data.ndim} dimensions")
        c = self.cov()
        if c._data.ndim == 0:
            return c / c
        deviations = c.diagonal().sqrt()
        return (c / deviations.unsqueeze(1) / deviations.unsqueeze(0)).clip(-1, 1)


def _weights(weights: Any, name: str, count: int, kinds: str, kind_name: str) -> Value | None:
    """cov's fweights or aweights, checked as torch checks them (None when not given)."""
    if weights is None:
        return None
    w = as_value(weights)
    if w._data.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
                           f"{w._data.ndim} dimensions")
    if w._data.size != count:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w._data.size} != {count}")
    if w._data.dtype.kind not in kinds:
        raise RuntimeError(f"cov(): expected {name} to have {kind_name} dtype but got {name} with "
                           f"{arguments.torch_dtype_name(w._data.dtype)} dtype")
    if bool((w._data < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")
    return w


def linalg_slogdet(A: Any) -> SlogdetResult:  # noqa: N803 - torch's name
    """torch.linalg.slogdet: (sign, logabsdet) of a square (batch of) float matrices."""
    return as_value(A).slogdet()


def linalg_matrix_power(A: Any, n: int) -> Value:  # noqa: N803 - torch's name
    """torch.linalg.matrix_power: A^n for an integer n (negative: of the inverse)."""
    return as_value(A).matrix_power(n)


def _trapezoid(name: str, y: Any, x: Any, dx: Any, dim: int) -> Value:
    """The trapezoidal rule along `dim`: with sample points x (1-D, or broadcasting with y), or spaced dx."""
    if x is not None and (dx is not None or not isinstance(x, Value)):
        given = ", ".join(["Tensor", type(x).__name__ if not isinstance(x, Value) else "Tensor"]
                          + ([f"dx={type(dx).__name__}"] if dx is not None else []))
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({given}), but expected one "
                        "of:\n * (Tensor y, Tensor x, *, int dim = -1)\n"
                        " * (Tensor y, *, Number dx = 1, int dim = -1)\n")
    values = as_value(y)
    ndim = values._data.ndim
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    axis = arguments.single_dim(dim, ndim)
    length = values._data.shape[axis]
    if x is not None and x._data.ndim == 1 and x._data.shape[0] != length:
        raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
    lead = (slice(None),) * axis
    if length == 0:
        dtype = values._data.dtype if values._data.dtype.kind == "f" else np.dtype(dtypes.get_default_dtype())
        return Value._make_const(np.zeros(values._data.shape[:axis] + values._data.shape[axis + 1 :], dtype=dtype))
    if x is None:
        ends = values[lead + (0,)] + values[lead + (-1,)]
        return (values.sum(axis) - ends * 0.5) * (1 if dx is None else dx)
    if x._data.ndim == 1:
        spacing = x.diff().reshape(*[length - 1 if k == axis else 1 for k in range(ndim)])
    else:
        spacing = x.diff(dim=dim)
    return ((values[lead + (slice(1, None),)] + values[lead + (slice(None, -1),)]) * spacing).sum(axis) / 2


@function_only
def trapezoid(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Value:
    """The integral of y along `dim` by the trapezoidal rule: sum of (x[i+1] - x[i]) (y[i] + y[i+1]) / 2, the
    spacing dx (1 by default) when no x is given."""
    return _trapezoid("trapezoid", y, x, dx, dim)


@function_only
def trapz(y: Any, x: Any = None, *, dx: Any = None, dim: int = -1) -> Value:
    """trapezoid under its older name."""
    return _trapezoid("trapz", y, x, dx, dim)
