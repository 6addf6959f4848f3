"""`nn.utils`: clipping gradients in place between `backward()` and `optimizer.step()`, and flattening
parameters into one vector and back, as torch.nn.utils does.

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from tinygrad_lr.autograd.grad_mode import no_grad
from tinygrad_lr.ops import shape
from tinygrad_lr.value import Value


def _gradients(parameters: Value | Iterable[Value]) -> list[Value]:
    params = [parameters] if isinstance(parameters, Value) else list(parameters)
    return [p._grad for p in params if p._grad is not None]


def clip_grad_norm_(
    parameters: Value | Iterable[Value],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: Any = None,
) -> Value:
    """Scale all gradients by min(1, max_norm / (total + 1e-6)), where total is the norm of all gradients taken
    together (the `norm_type`-norm of the per-parameter norms; the max for inf). Returns the total norm."""
    grads = _gradients(parameters)
    if not grads:
        return Value(0.0)
    norm_type = float(norm_type)
    dtype = grads[0]._data.dtype
    norms = np.array([_vector_norm(g._data, norm_type) for g in grads], dtype=np.float64)
    total = _vector_norm(norms, norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    total_norm = np.asarray(total, dtype=dtype)
    with np.errstate(all="ignore"):  # a non-finite norm scales by nan or 0, as in torch
        coefficient = np.minimum(dtype.type(max_norm) / (total_norm + dtype.type(1e-6)), dtype.type(1.0))
    with no_grad():
        for g in grads:
            g.mul_(np.asarray(coefficient, dtype=g._data.dtype))
    return Value._make_const(total_norm)


def clip_grad_value_(parameters: Value | Iterable[Value], clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _gradients(parameters):
            np.clip(g._data, -clip_value, clip_value, out=g._data)


def _vector_norm(values: np.ndarray, norm_type: float) -> Any:
    """The norm as a float64 NumPy number, never read into Python: `compile` replays a clipped step."""
    magnitudes = np.abs(values.astype(np.float64, copy=False)).reshape(-1)
    if norm_type == math.inf:
        return np.max(magnitudes, initial=0.0)
    if norm_type == 0:
        return np.sum(magnitudes != 0, dtype=np.float64)
    return np.sum(magnitudes**norm_type) ** (1.0 / norm_type)


def parameters_to_vector(parameters: Iterable[Value]) -> Value:
    """All parameters flattened and concatenated into one 1-D Value, in order. Differentiable (a `cat` of
    `view(-1)`s): the gradient flows back to each parameter."""
    return shape.cat([param.view(-1) for param in parameters])


def vector_to_parameters(vec: Value, parameters: Iterable[Value]) -> None:
    """The inverse of `parameters_to_vector`: each parameter's `.data` becomes the next slice of `vec`, viewed
    in the parameter's shape. The parameters then share `vec`'s memory, as in torch (not tracked by autograd)."""
    if not isinstance(vec, Value):
        cls = type(vec)
        name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        raise TypeError(f"expected torch.Tensor, but got: {name}")
    pointer = 0
    for param in parameters:
        count = param._data.size
        param.data = vec[pointer : pointer + count].view_as(param).data
        pointer += count
