"""Array functions that accept a NumPy array or a Value, so each backward rule is written once.

In ordinary backward the rules see arrays and these call NumPy; under `create_graph=True` they
see Values and these call the differentiable Value methods, recording the backward pass itself.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tinygrad_lr.value import Value


def is_value(x: Any) -> bool:
    return isinstance(x, Value)


def exp(x: Any) -> Any:
    return x.exp() if is_value(x) else np.exp(x)


def log(x: Any) -> Any:
    return x.log() if is_value(x) else np.log(x)


def sin(x: Any) -> Any:
    return x.sin() if is_value(x) else np.sin(x)


def cos(x: Any) -> Any:
    return x.cos() if is_value(x) else np.cos(x)


def sigmoid(x: Any) -> Any:
    if is_value(x):
        return x.sigmoid()
    return _stable_sigmoid(x)


def _stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow for large |x|."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sum(x: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:  # noqa: A001
    if is_value(x):
        return x.sum(dim=axes, keepdim=keepdims)
    return array_sum(x, axes, keepdims)


def mean(x: Any, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
    if is_value(x):
        return x.mean(dim=axes, keepdim=keepdims)
    return array_mean(x, axes, keepdims)


# ndarray.sum and .mean are what these compute, but their NumPy warnings (inf - inf: "invalid value encountered
# in reduce") would come from numpy's own module; called as ufuncs here they come from this package, which
# silences them as torch prints nothing (see tinygrad_lr/__init__.py).
_add_reduce: Any = np.add.reduce


def array_sum(x: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
    """x.sum(axis=axes, keepdims=keepdims)."""
    return _add_reduce(x, axis=axes, keepdims=keepdims)


def array_mean(x: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> Any:
    """x.mean(axis=axes, keepdims=keepdims): the same sum and division (float16 keeps NumPy's float32 sum)."""
    if x.dtype.kind != "f":
        return x.mean(axis=axes, keepdims=keepdims)
    count = x.size if axes is None else int(np.prod([x.shape[i] for i in axes]))
    if count == 0:  # the mean of nothing is NaN, as torch says it: without NumPy's warnings
        return np.full(_add_reduce(x, axis=axes, keepdims=keepdims).shape, np.nan, x.dtype)
    if x.dtype == np.float16:  # NumPy's mean of float16: a float32 sum and division, rounded once
        return (_add_reduce(x, axis=axes, keepdims=keepdims, dtype=np.float32) / count).astype(np.float16)
    return _add_reduce(x, axis=axes, keepdims=keepdims) / count


SMALL_BROADCAST = 1024  # elements: up to this many, filling a new array is cheaper than np.broadcast_to


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """x expanded to `shape`: a Value's expand; for an array a read-only view, or a filled copy when small."""
    if is_value(x):
        return x.expand(shape)
    if math.prod(shape) <= SMALL_BROADCAST:
        out = np.empty(shape, dtype=x.dtype)
        out[...] = x
        return out
    return np.broadcast_to(x, shape)


def permute(x: Any, order: tuple[int, ...]) -> Any:
    if is_value(x):
        return x.permute(*order)
    return np.transpose(x, order)


def where(mask: np.ndarray, a: Any, b: Any) -> Any:
    if is_value(a) or is_value(b):
        from tinygrad_lr.ops.elementwise import where as value_where  # where's own backward uses this module

        return value_where(mask, a, b)
    return np.where(mask, a, b)


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with keepdim=True."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def call(name: str, x: Any) -> Any:
    """`x.<name>()` for a Value (recorded under create_graph), `np.<name>(x)` for an array: cosh, sinh, sqrt, ..."""
    return getattr(x, name)() if is_value(x) else getattr(np, name)(x)
