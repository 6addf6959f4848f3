"""Operand promotion, in one place: how the arguments of a binary op, of cat/stack and of a loss get one dtype.

torch's rules: a Python number takes the tensor's dtype when of the same kind (a float next to a float32
tensor stays float32), mixed tensor dtypes promote (`dtypes.promote_tensors`, where a 0-d tensor counts
less than a dimensioned one), and an op that needs floats (`/`) turns integers into the default float.
A promoted operand goes through `Value.to`, so the gradient flows back through the cast.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.value import Value


def prepare_operands(a: Value, b: Any) -> tuple[Any, Any]:
    """The arguments of a binary operator of `a`: as they are if they need no preparation (see same_kind),
    else both Values of their promoted dtype."""
    if same_kind(a, b):
        return a, b
    return pair(a, b)


def same_kind(a: Value, b: Any) -> bool:
    """Whether `b` needs no preparation next to `a`: a Value of the same dtype, or a Python float next to floats."""
    if type(b) is Value:
        return b._data.dtype is a._data.dtype
    return type(b) is float and a._data.dtype.kind == "f"


def pair(a: Value, b: Any, floating: bool = False) -> tuple[Any, Any]:
    """Make `b` an operand for `a`: Python numbers take a's dtype (torch's scalar rule), mixed dtypes promote.

    With `floating`, an integer result dtype becomes the default float (true division)."""
    da = a._data.dtype
    if (type(b) is float or type(b) is int) and da.kind == "f":
        return a, b  # NumPy keeps a float array's dtype next to a Python number, as torch does
    if isinstance(b, Value):
        db = b._data.dtype
        if db != da:
            target = dtypes.promote_tensors([(da, a._data.ndim), (db, b._data.ndim)])
            if floating and target.kind != "f":
                target = dtypes.get_default_dtype()
            return a.to(target), b.to(target)
        if floating and da.kind != "f":
            target = dtypes.get_default_dtype()
            return a.to(target), b.to(target)
        return a, b
    if isinstance(b, (numbers.Number, np.generic)):
        target = dtypes.scalar_dtype(b, da)
        if floating and target.kind != "f":
            target = dtypes.get_default_dtype()
        if target != da:
            a = a.to(target)
        return a, np.asarray(b, dtype=target)
    if isinstance(b, (np.ndarray, list, tuple)):
        return pair(a, Value(b), floating)
    raise TypeError(f"unsupported operand type(s) for Value and {type(b).__name__}")


def pair_either(a: Any, b: Any) -> tuple[Value, Value | Any]:
    """`pair` for two arguments of which either (or neither) may be a Value (where's input and other)."""
    if isinstance(a, Value):
        return pair(a, b)
    if isinstance(b, Value):
        second, first = pair(b, a)
        return first, second
    return pair(Value(a), Value(b))


def promote_values(a: Value, b: Value) -> tuple[Value, Value]:
    """Two Values cast to torch's common dtype (a loss's input and target)."""
    da, db = a._data.dtype, b._data.dtype
    if da == db:
        return a, b
    target = dtypes.promote_tensors([(da, a._data.ndim), (db, b._data.ndim)])
    return a.to(target), b.to(target)


def promote_all(tensors: Sequence[Any], name: str) -> list[Value]:
    """The tensors of cat/stack as Values of one dtype (promoted pairwise, as torch does)."""
    if len(tensors) == 0:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    values = [t if isinstance(t, Value) else Value(t) for t in tensors]
    target = values[0]._data.dtype
    for v in values[1:]:
        target = dtypes.promote_pair(target, v._data.dtype)
    return [v.to(target) for v in values]


def as_value(x: Any) -> Value:
    """`x` as a Value (the first argument of a tinygrad_lr function may be a list or an array)."""
    return x if isinstance(x, Value) else Value(x)


def array_of(x: Any) -> Any:
    """The array inside a Value, anything else as it is."""
    return x._data if isinstance(x, Value) else x
