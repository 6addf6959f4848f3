"""torch-style free functions (`tinygrad_lr.exp(x)`, `tinygrad_lr.sum(x, dim=0)`): each calls the Value method."""

from __future__ import annotations

from typing import Any

from tinygrad_lr.value import Value


def _v(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


def abs(x: Any) -> Value:  # noqa: A001
    return _v(x).abs()


def exp(x: Any) -> Value:
    return _v(x).exp()


def log(x: Any) -> Value:
    return _v(x).log()


def log1p(x: Any) -> Value:
    return _v(x).log1p()


def sqrt(x: Any) -> Value:
    return _v(x).sqrt()


def sin(x: Any) -> Value:
    return _v(x).sin()


def cos(x: Any) -> Value:
    return _v(x).cos()


def tanh(x: Any) -> Value:
    return _v(x).tanh()


def sigmoid(x: Any) -> Value:
    return _v(x).sigmoid()


def relu(x: Any) -> Value:
    return _v(x).relu()


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Value:
    return _v(x).leaky_relu(negative_slope)


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Value:
    return _v(x).softplus(beta, threshold)


def softmax(x: Any, dim: int) -> Value:
    return _v(x).softmax(dim)


def log_softmax(x: Any, dim: int) -> Value:
    return _v(x).log_softmax(dim)


def clamp(x: Any, min: Any = None, max: Any = None) -> Value:  # noqa: A002
    return _v(x).clamp(min, max)


clip = clamp


def maximum(a: Any, b: Any) -> Value:
    return _v(a).maximum(b)


def minimum(a: Any, b: Any) -> Value:
    return _v(a).minimum(b)


def matmul(a: Any, b: Any) -> Value:
    return _v(a) @ b


def sum(x: Any, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Value:  # noqa: A001
    return _v(x).sum(dim, keepdim, dtype)


def mean(x: Any, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Value:
    return _v(x).mean(dim, keepdim, dtype)


def var(x: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Value:
    return _v(x).var(dim, unbiased, keepdim, correction=correction)


def std(x: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None) -> Value:
    return _v(x).std(dim, unbiased, keepdim, correction=correction)


def max(x: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _v(x).max(dim, keepdim)


def min(x: Any, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _v(x).min(dim, keepdim)


def amax(x: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(x).amax(dim, keepdim)


def amin(x: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(x).amin(dim, keepdim)


def argmax(x: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(x).argmax(dim, keepdim)


def argmin(x: Any, dim: Any = None, keepdim: bool = False) -> Value:
    return _v(x).argmin(dim, keepdim)


def reshape(x: Any, shape: Any) -> Value:
    return _v(x).reshape(shape)


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Value:
    return _v(x).flatten(start_dim, end_dim)


def squeeze(x: Any, dim: Any = None) -> Value:
    return _v(x).squeeze(dim)


def unsqueeze(x: Any, dim: int) -> Value:
    return _v(x).unsqueeze(dim)


def transpose(x: Any, dim0: int, dim1: int) -> Value:
    return _v(x).transpose(dim0, dim1)


def permute(x: Any, dims: Any) -> Value:
    return _v(x).permute(dims)


def add(a: Any, b: Any, alpha: float = 1) -> Value:
    """a + alpha * b."""
    return _v(a) + (b if alpha == 1 else b * alpha)


def sub(a: Any, b: Any, alpha: float = 1) -> Value:
    """a - alpha * b."""
    return _v(a) - (b if alpha == 1 else b * alpha)


def mul(a: Any, b: Any) -> Value:
    return _v(a) * b


def div(a: Any, b: Any) -> Value:
    return _v(a) / b


def pow(a: Any, exponent: Any) -> Value:  # noqa: A001
    return _v(a) ** exponent if isinstance(a, Value) or not isinstance(exponent, Value) else a ** exponent


def neg(a: Any) -> Value:
    return -_v(a)


def square(a: Any) -> Value:
    return _v(a).square()
