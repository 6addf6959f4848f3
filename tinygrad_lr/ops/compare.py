"""Comparisons and other results without a gradient (==, <, isnan, sign, //, %): their rows of the op table.

No Function: the result is a constant (a bool or integer Value outside the graph), as in torch.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.autograd.function import raise_broadcast_error
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import array_of, as_value, pair
from tinygrad_lr.value import Value


def _compare(a: Value, other: Any, ufunc: Any) -> Value:
    """ufunc(a, other) after operand promotion, as a constant; NumPy's refusals in torch's words."""
    x, y = (array_of(v) for v in pair(a, other))
    try:
        return Value._make_const(ufunc(x, y))
    except ValueError as error:  # shapes that do not broadcast
        raise_broadcast_error(error, [x, y])
        raise
    except TypeError:  # bitwise and/or of floats
        kernel, dtype = f"{ufunc.__name__}_cpu", np.result_type(x, y)
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_dtype_name(dtype)}'") from None


class CompareMethods:
    """The op table's rows for comparisons and other ops without a gradient (see ops/table.py)."""

    @entry(function="lt")
    def __lt__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.less)
    lt = __lt__

    @entry(function="le")
    def __le__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.less_equal)
    le = __le__

    @entry(function="gt")
    def __gt__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.greater)
    gt = __gt__

    @entry(function="ge")
    def __ge__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.greater_equal)
    ge = __ge__

    @entry(function="eq")
    def __eq__(self: Any, other: Any) -> Value:  # type: ignore[override]
        return _compare(self, other, np.equal)
    eq = __eq__

    @entry(function="ne")
    def __ne__(self: Any, other: Any) -> Value:  # type: ignore[override]
        return _compare(self, other, np.not_equal)
    ne = __ne__

    def __invert__(self: Any) -> Value:
        return Value._make_const(np.invert(self._data))

    def __and__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.bitwise_and)

    def __or__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.bitwise_or)

    def __floordiv__(self: Any, other: Any) -> Value:
        return _divide(self, other, np.floor_divide, False)

    def __rfloordiv__(self: Any, other: Any) -> Value:
        return _divide(self, other, np.floor_divide, True)

    def __mod__(self: Any, other: Any) -> Value:
        return _divide(self, other, np.remainder, False)

    def __rmod__(self: Any, other: Any) -> Value:
        return _divide(self, other, np.remainder, True)


def _divide(a: Value, other: Any, ufunc: Any, reflected: bool) -> Value:
    """a // other or a % other (other // a with `reflected`) after operand promotion. An integer divisor of 0
    raises torch's error: NumPy would return 0 (with a warning), a wrong number."""
    x, y = (array_of(v) for v in pair(a, other))  # (a Python number stays one: NumPy keeps a's dtype then)
    if reflected:
        x, y = y, x
    if np.result_type(x, y).kind in "iub" and not np.all(y):
        raise RuntimeError("ZeroDivisionError")
    return Value._make_const(ufunc(x, y))

    @entry(function=False)
    def equal(self: Any, other: Value) -> builtins.bool:
        """Same shape and same elements."""
        return self.shape == other.shape and builtins.bool(np.array_equal(self._data, array_of(other)))

    @entry(function=False)  # tinygrad_lr.allclose: below
    def allclose(self: Any, other: Any, rtol: builtins.float = 1e-5, atol: builtins.float = 1e-8) -> builtins.bool:
        """Whether |self - other| <= atol + rtol |other| holds everywhere."""
        return builtins.bool(np.allclose(self._data, array_of(other), rtol=rtol, atol=atol))

    @entry(function=False)
    def isnan(self: Any) -> Value:
        return Value._make_const(np.isnan(self._data))

    @entry(function=False)
    def sign(self: Any) -> Value:
        return Value._make_const(np.sign(self._data))


@function_only
def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Value:  # noqa: A002
    """|input - other| <= atol + rtol |other|, elementwise (a bool Value; no gradient)."""
    a, b = as_value(input), as_value(other)
    if a.dtype != b.dtype:
        raise RuntimeError(f"{torch_dtype_name(a.dtype)} did not match {torch_dtype_name(b.dtype)}")
    close = np.isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return Value._make_const(np.asarray(close))


@function_only
def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:  # noqa: A002
    """Whether isclose holds for every element."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())
