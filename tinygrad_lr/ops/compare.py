"""Comparisons and other results without a gradient (==, <, isnan, sign, //, %): their rows of the op table.

No Function: the result is a constant (a bool or integer Value outside the graph), as in torch.
"""

from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.autograd.function import raise_broadcast_error
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import array_of, as_value, pair
from tinygrad_lr.value import Value, require_value


def _compare(a: Value, other: Any, ufunc: Any) -> Value:
    """ufunc(a, other) after operand promotion, as a constant."""
    x, y = (array_of(v) for v in pair(a, other))
    return _constant(ufunc, x, y)


def _constant(ufunc: Any, x: np.ndarray, y: Any) -> Value:
    """ufunc(x, y) as a constant Value; shapes that do not broadcast raise torch's error, not NumPy's."""
    try:
        return Value._make_const(ufunc(x, y))
    except ValueError as error:
        raise_broadcast_error(error, [x, y])
        raise


class CompareMethods:
    """The op table's rows for comparisons and other ops without a gradient (see ops/table.py)."""

    @entry(function="lt", inplace="lt_")
    def __lt__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.less)
    lt = __lt__

    @entry(function="le", inplace="le_")
    def __le__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.less_equal)
    le = __le__

    @entry(function="gt", inplace="gt_")
    def __gt__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.greater)
    gt = __gt__

    @entry(function="ge", inplace="ge_")
    def __ge__(self: Any, other: Any) -> Value:
        return _compare(self, other, np.greater_equal)
    ge = __ge__

    @entry(function="eq", inplace="eq_")
    def __eq__(self: Any, other: Any) -> Value:  # type: ignore[override]
        return _compare(self, other, np.equal)
    eq = __eq__

    @entry(function="ne", inplace="ne_")
    def __ne__(self: Any, other: Any) -> Value:  # type: ignore[override]
        return _compare(self, other, np.not_equal)
    ne = __ne__

    def __invert__(self: Any) -> Value:
        return Value._make_const(np.invert(self._data))

    def __and__(self: Any, other: Any) -> Value:
        return _bitwise(self, other, np.bitwise_and)

    def __or__(self: Any, other: Any) -> Value:
        return _bitwise(self, other, np.bitwise_or)

    @entry(function="floor_divide", inplace="floor_divide_")
    def __floordiv__(self: Any, other: Any) -> Value:
        """a // b rounded toward -inf (torch's floor_divide); no gradient."""
        return _divide(self, other, np.floor_divide, False)
    floor_divide = __floordiv__

    def __rfloordiv__(self: Any, other: Any) -> Value:
        return _divide(self, other, np.floor_divide, True)

    @entry(function="bitwise_xor", inplace="bitwise_xor_")
    def __xor__(self: Any, other: Any) -> Value:
        """Exclusive or of bool or integer Values."""
        return _bitwise(self, other, np.bitwise_xor)
    bitwise_xor = __xor__

    @entry(function=False)  # tinygrad_lr.equal: below (torch counts its arguments from input)
    def equal(self: Any, other: Any) -> builtins.bool:
        """Same shape and same elements (a Python bool, as torch.equal)."""
        return _equal(self, other, 1)

    @entry(function=False)  # tinygrad_lr.allclose: below
    def allclose(self: Any, other: Any, rtol: builtins.float = 1e-5, atol: builtins.float = 1e-8,
                 equal_nan: builtins.bool = False) -> builtins.bool:
        """Whether |self - other| <= atol + rtol |other| holds everywhere."""
        return allclose(self, other, rtol, atol, equal_nan)

    @entry()
    def isnan(self: Any) -> Value:
        return Value._make_const(np.isnan(self._data))

    @entry()
    def isinf(self: Any) -> Value:
        return Value._make_const(np.isinf(self._data))

    @entry()
    def isfinite(self: Any) -> Value:
        return Value._make_const(np.isfinite(self._data))

    @entry()
    def signbit(self: Any) -> Value:
        """Whether the sign bit is set (True for -0.0 and a negative NaN; never for unsigned or bool): bool."""
        data = self._data
        return Value._make_const(np.signbit(data) if data.dtype.kind in "fi" else np.zeros(data.shape, bool))

    @entry(inplace="logical_not_")
    def logical_not(self: Any) -> Value:
        return Value._make_const(np.logical_not(self._data))

    @entry(inplace="logical_and_")
    def logical_and(self: Any, other: Any) -> Value:
        return _logical(self, other, np.logical_and)

    @entry(inplace="logical_or_")
    def logical_or(self: Any, other: Any) -> Value:
        return _logical(self, other, np.logical_or)

    @entry(inplace="logical_xor_")
    def logical_xor(self: Any, other: Any) -> Value:
        return _logical(self, other, np.logical_xor)

    @entry()
    def any(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        """Whether any element (along `dim`) is non-zero: a bool Value (uint8 for uint8, as torch)."""
        found = np.any(self._data, axis=arguments.dims(dim, self._data.ndim), keepdims=keepdim)
        return Value._make_const(np.asarray(found, dtype=np.uint8) if self._data.dtype == np.uint8 else found)

    @entry()
    def all(self: Any, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        """Whether every element (along `dim`) is non-zero: a bool Value (uint8 for uint8, as torch)."""
        found = np.all(self._data, axis=arguments.dims(dim, self._data.ndim), keepdims=keepdim)
        return Value._make_const(np.asarray(found, dtype=np.uint8) if self._data.dtype == np.uint8 else found)

    @entry()
    def count_nonzero(self: Any, dim: Any = None) -> Value:
        """The number of non-zero elements (along `dim`), as int64."""
        counts = np.count_nonzero(self._data, axis=arguments.dims(dim, self._data.ndim))
        return Value._make_const(np.asarray(counts, dtype=np.int64))

    @entry()
    def nonzero(self: Any, *, as_tuple: builtins.bool = False) -> Any:
        """The indices of the non-zero elements: an (n, ndim) int64 Value, or one index Value per dim."""
        data = self._data
        if as_tuple:
            if data.ndim == 0:
                return (Value._make_const(np.nonzero(data.reshape(1))[0].astype(np.int64)),)
            return tuple(Value._make_const(i.astype(np.int64)) for i in np.nonzero(data))
        return Value._make_const(np.argwhere(data).astype(np.int64))

    @entry()
    def argwhere(self: Any) -> Value:
        """The indices of the non-zero elements, an (n, ndim) int64 Value: nonzero() as torch.argwhere names it."""
        return self.nonzero()

    def __contains__(self: Any, element: Any) -> builtins.bool:
        """`element in x`: whether some element of x equals it (a number or a Value)."""
        if not isinstance(element, (Value, numbers.Number)):
            raise RuntimeError(
                f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}."
            )
        return builtins.bool((self == element)._data.any())


def _logical(a: Value, other: Any, ufunc: Any) -> Value:
    """ufunc on truth values (any dtype: non-zero is true), a bool constant; shapes that do not broadcast get
    torch's error."""
    b = array_of(other)
    arguments.check_broadcast(a._data.shape, np.shape(b))
    return Value._make_const(ufunc(a._data, b))


def _bitwise(a: Value, other: Any, ufunc: Any) -> Value:
    """A bitwise ufunc (and, or, xor) of bool or integer operands after promotion; floats get torch's error."""
    x, y = (array_of(v) for v in pair(a, other))
    common = np.result_type(x, y)
    if common.kind not in "biu":
        raise arguments.float_kernel_error(f"{ufunc.__name__}_cpu", common)
    return _constant(ufunc, x, y)


def _divide(a: Value, other: Any, ufunc: Any, reflected: bool) -> Value:
    """a // other (other // a with `reflected`) after operand promotion. An integer divisor of 0 raises torch's
    error: NumPy would return 0 (with a warning), a wrong number."""
    x, y = (array_of(v) for v in pair(a, other))  # (a Python number stays one: NumPy keeps a's dtype then)
    if reflected:
        x, y = y, x
    if np.result_type(x, y).kind == "b":  # torch has no bool kernel (NumPy would answer in int8)
        raise arguments.float_kernel_error("div_floor_cpu", np.dtype(bool))
    arguments.check_integer_divisor(x, y)
    return Value._make_const(ufunc(x, y))


def _equal(input: Any, other: Any, position: int) -> bool:  # noqa: A002 - torch's name
    """Whether input and other have the same shape and the same elements (`position`: other's, in torch's
    error for a non-tensor)."""
    a, b = as_value(input), require_value(other, "equal", "other", position)
    return a.shape == b.shape and bool(np.array_equal(a._data, b._data))


@function_only
def equal(input: Any, other: Any) -> bool:  # noqa: A002 - torch's name
    """Whether input and other have the same shape and the same elements."""
    return _equal(input, other, 2)


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
