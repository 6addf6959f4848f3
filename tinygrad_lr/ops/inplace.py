"""In-place ops, one implementation: Value's `add_`, `x += y`, `x[i] = v`, the table's `exp_`/`relu_` variants,
`nn.functional`'s `inplace=True`, and the optimizers' and initialisers' writes all go through here.

torch's rules, followed exactly:
- outside a graph (no input requires grad, or under no_grad) the array changes in place, and the change is
  noted (`autograd/versions.py`) so a node that saved the old value refuses to backprop through it; a change
  through `.data` is not noted (torch's `.data` has a version counter of its own);
- inside a graph the change is recorded: the Value's `grad_fn` becomes the op's node, whose input is the value
  from before the change (`record`);
- a leaf that requires grad refuses (LEAF_INPLACE_MESSAGE).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.autograd.versions import mark_modified
from tinygrad_lr.promotion import array_of
from tinygrad_lr.value import LEAF_INPLACE_MESSAGE, Value


def is_view(array: np.ndarray) -> bool:
    """Whether `array` views memory another array owns. An array that stands for another (compile's TracedArray,
    a view of the array it records, names it `_plain`) is a view only if that array is."""
    stands_for: np.ndarray | None = getattr(array, "_plain", None)
    if stands_for is not None and array.base is stands_for:
        return stands_for.base is not None
    return array.base is not None


def note_modified(target: Value) -> None:
    """Note that `target`'s memory is about to change outside the graph (not through `.data`: as torch); memory
    NumPy marks read-only (an expanded view, an array shared by from_numpy) refuses in words, not NumPy's."""
    if not target._data.flags.writeable:
        raise arguments.read_only_error(target._data)
    if target._tracks_versions:
        mark_modified(target._data)


def records(target: Value, operand: Any = None) -> bool:
    """Whether an in-place op on `target` (with `operand`) is recorded in the graph."""
    return STATE.enabled and (target._requires_grad or (isinstance(operand, Value) and operand._requires_grad))


def record(target: Value, compute: Callable[[Value], Value], operand: Any) -> Value:
    """An in-place op inside a graph, as torch records it: the memory changes in place, and `target`'s
    `grad_fn` becomes the op's node, whose input is the value from before the change.

    `compute(before)` builds the result out of place from a Value holding the old value.
    """
    if target._grad_fn is None and target._requires_grad:
        raise RuntimeError(LEAF_INPLACE_MESSAGE)
    memory = target._data
    if is_view(memory):
        raise RuntimeError(
            "in-place operations inside a graph on a Value that shares memory with another (a view from "
            "reshape, transpose or indexing) are not supported: use the out-of-place form (x = x + y)"
        )
    # The op may save its input for backward, and this memory is about to change: it gets a copy
    # (torch clones the original value for the same reason).
    old = memory.copy()
    before = Value._make_const(old) if target._grad_fn is None else Value._make(old, target._grad_fn)
    result = compute(before)
    if result._data.shape != memory.shape:
        raise arguments.inplace_shape_error(memory.shape, np.shape(array_of(operand)))
    if result._data.dtype != memory.dtype:
        if not np.can_cast(result._data.dtype, memory.dtype, casting="same_kind"):
            raise arguments.inplace_cast_error(result._data.dtype, memory.dtype)
        result = result.to(memory.dtype)
    note_modified(target)  # nodes that saved the old value now refuse to use it, as in torch
    np.copyto(memory, result._data)
    target._grad_fn = result._grad_fn
    target._requires_grad = result._requires_grad
    return target


def apply_in_place(target: Value, compute: Callable[[Value], Value], operand: Any = None) -> Value:
    """`compute(target)` written into target's memory: the in-place variant of any op (`relu_`, `exp_`,
    `F.relu(x, inplace=True)`); recorded when target or `operand` (a Value argument) requires grad. A view
    inside a graph gets a new node instead (the same values and gradients as torch's in-place op)."""
    if records(target, operand):
        if target._requires_grad and target._grad_fn is None:
            raise RuntimeError(LEAF_INPLACE_MESSAGE)
        if target._requires_grad and is_view(target._data):
            return compute(target)
        return record(target, compute, operand)
    result = compute(target)
    if not np.can_cast(result._data.dtype, target._data.dtype, casting="same_kind"):
        raise arguments.inplace_cast_error(result._data.dtype, target._data.dtype)  # exp_ of an int tensor
    note_modified(target)
    np.copyto(target._data, result._data, casting="unsafe")
    return target


def variant(method: Callable[..., Value], name: str) -> Callable[..., Value]:
    """The in-place variant `name` of a table row's method (`exp_` of `exp`)."""

    def in_place(self: Value, *args: Any, **kwargs: Any) -> Value:
        # a Value argument that requires grad makes the result require it too (x.index_add_(0, i, source))
        operand = next((a for a in (*args, *kwargs.values()) if isinstance(a, Value) and a._requires_grad), None)
        return apply_in_place(self, lambda x: method(x, *args, **kwargs), operand)

    in_place.__name__, in_place.__qualname__ = name, f"Value.{name}"
    in_place.__doc__ = f"`{method.__name__}` in place: the result is written into this Value's memory."
    return in_place


def ufunc_in_place(target: Value, ufunc: Any, other: Any, outofplace: Callable[[Value, Any], Value]) -> Value:
    """`target <op>= other` in target's memory; recorded in the graph when a gradient needs it."""
    if records(target, other):
        return record(target, lambda before: outofplace(before, other), other)
    note_modified(target)
    operand = array_of(other)
    try:
        ufunc(target._data, operand, out=target._data, casting="same_kind")
    except (TypeError, np._core._exceptions._UFuncOutputCastingError):  # type: ignore[attr-defined]
        if isinstance(operand, (numbers.Number, np.generic)):
            result = dtypes.scalar_dtype(operand, target._data.dtype)
        else:
            result = dtypes.promote_pair(target._data.dtype, np.asarray(operand).dtype)
        raise arguments.inplace_cast_error(result, target._data.dtype) from None
    except ValueError:
        raise arguments.inplace_shape_error(target._data.shape, np.shape(operand)) from None
    return target


def augmented(target: Value, other: Any, inplace: Callable[[Value, Any], Value], outofplace: Any) -> Value:
    """`x += y`: in place like torch; a recorded view gets a new node instead (same gradients)."""
    if target._requires_grad and STATE.enabled and target._grad_fn is not None and is_view(target._data):
        return outofplace(target, other)
    return inplace(target, other)


def scaled(other: Any, alpha: Any) -> Any:
    """alpha * other for add_/sub_: a Value stays a Value (so its gradient is recorded), anything else an array."""
    if alpha == 1:
        return other
    return other * alpha if isinstance(other, Value) else np.asarray(other) * alpha
