"""What a trace shows a person: the readable listing of a recorded program (`compiled.explain()`), one line per
NumPy call with the dtype and shape of each buffer it reads or writes (`b7 = multiply(b3:float32[50, 1],
b5:float32[50, 1])`), and the user's line a reason not to replay names.

The recorder keeps each call as a light entry (the function, its operands with traced arrays replaced by their
slots' names); the text is written only when asked for: most traces are never listed.
"""

from __future__ import annotations

import traceback
from typing import Any

import numpy as np


def user_line() -> str:
    """The innermost frame outside tinygrad_lr and NumPy: the user's line that caused the current call."""
    for frame in reversed(traceback.extract_stack()):
        name = frame.filename.replace("\\", "/")
        if "/tinygrad_lr/" in name and "/tests/" not in name or "/numpy/" in name or name.startswith(_NOT_USERS):
            continue
        line = (frame.line or "").strip()  # none for code typed at the prompt or run with `python -c`
        return f"{frame.filename}:{frame.lineno}" + (f": {line}" if line else "")
    return "<unknown line>"


# generated code that is not the user's: the replay programs, NumPy's dispatch, frozen imports, contextlib's
_NOT_USERS = ("<tinygrad_lr", "<__array_function__", "<frozen")


class SlotName(str):
    """A slot's name (`b7`) in a listing entry, in place of the traced array (whose memory it does not hold)."""


def readable(entry: Any, slot_info: dict[int, tuple[Any, tuple[int, ...]]]) -> str:
    """One line of the listing: a check as it was written, or a call with its operands' dtypes and shapes
    (`slot_info`: slot -> (dtype, shape))."""
    if type(entry) is str:
        return entry
    func, args, kwargs, names = entry
    try:
        label = _FUNC_NAMES.get(func)
        if label is None:
            label = _FUNC_NAMES[func] = func_name(func)
    except TypeError:  # an unhashable callable
        label = func_name(func)
    shown = [_show(a, slot_info) for a in args] + [f"{k}={_show(v, slot_info)}" for k, v in kwargs.items()]
    call = f"{label}({', '.join(shown)})"
    return call if names is None else f"{names} = {call}"


def _show(value: Any, slot_info: dict[int, tuple[Any, tuple[int, ...]]]) -> str:
    kind = type(value)
    if kind is SlotName:
        info = slot_info.get(int(value[1:]))
        return "?" if info is None else f"{value}:{_describe(*info)}"
    if isinstance(value, float) and hasattr(value, "src"):  # a Sym: the expression the replay computes again
        return str(value.src)
    if isinstance(value, np.ndarray):
        return f"const:{_describe(value.dtype, value.shape)}"
    if kind is tuple or kind is list:
        return "(" + ", ".join(_show(v, slot_info) for v in value) + ")"
    if callable(value) or isinstance(value, type):
        return getattr(value, "__name__", repr(value))
    return repr(value)


_FUNC_NAMES: dict[Any, str] = {}  # func -> its name in the listing (computed once per function)


def func_name(func: Any) -> str:
    """A NumPy function's name as the listing shows it: `multiply`, `add.reduce`, `ndarray.reshape`."""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or repr(func)
    if isinstance(func, np.ufunc):
        return func.__name__
    if getattr(func, "__self__", None) is not None and isinstance(func.__self__, np.ufunc):
        return f"{func.__self__.__name__}.{func.__name__}"
    return str(name)


_DTYPE_NAMES: dict[Any, str] = {}


def _describe(dtype: Any, shape: tuple[int, ...]) -> str:
    name = _DTYPE_NAMES.get(dtype)
    if name is None:  # str(dtype) is slow (~15 us): once per dtype
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return f"{name}{list(shape)}"
