"""torch-style free functions (`tinygrad_lr.exp(x)`, `tinygrad_lr.sum(x, dim=0)`): each calls the Value method."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.value import Value, _tensor_argument


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
    return _v(_tensor_argument(a, "matmul", "input", 1)) @ _tensor_argument(b, "matmul", "other", 2)


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


def mm(input: Any, mat2: Any) -> Value:  # noqa: A002 - torch's name
    """The matrix product of two 2-D Values (torch.mm; `matmul` also takes 1-D and batched)."""
    a, b = _v(input), _v(mat2)
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return a @ b  # MatMul names both sizes if they do not fit, in torch's words


def dot(input: Any, tensor: Any) -> Value:  # noqa: A002
    """sum_i a_i b_i of two 1-D Values of one length and dtype (torch.dot);  da = g b, db = g a."""
    a, b = _v(input), _v(tensor)
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:  # checked before the lengths, as torch does; MatMul reports unequal lengths
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {torch_dtype_name(a.dtype)} and "
            f"{torch_dtype_name(b.dtype)}"
        )
    return a @ b


def outer(input: Any, vec2: Any) -> Value:  # noqa: A002
    """a_i b_j for 1-D a and b (torch.outer)."""
    a, b = _v(input), _v(vec2)
    for name, v in (("self", a), ("vec2", b)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return a.unsqueeze(1) * b.unsqueeze(0)


def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Value:  # noqa: A002
    """|input - other| <= atol + rtol |other|, elementwise (a bool Value; no gradient)."""
    a, b = _v(input), _v(other)
    if a.dtype != b.dtype:
        raise RuntimeError(f"{torch_dtype_name(a.dtype)} did not match {torch_dtype_name(b.dtype)}")
    close = np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return Value._make_const(np.asarray(close))


def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:  # noqa: A002
    """Whether isclose holds for every element."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def split(tensor: Any, split_size_or_sections: Any, dim: int = 0) -> tuple[Value, ...]:
    return _v(tensor).split(split_size_or_sections, dim)


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple[Value, ...]:  # noqa: A002
    return _v(input).chunk(chunks, dim)
