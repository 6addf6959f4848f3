"""Factories: `tensor`, `zeros`, `ones`, `full`, `arange`, `eye`, and friends (the random ones are in
`tinygrad_lr.random.factories`)."""

from __future__ import annotations

import math
import sys
import warnings
from typing import Any

import numpy as np

from tinygrad_lr import arguments, devices, dtypes
from tinygrad_lr.random.fma import fma32, fma64
from tinygrad_lr.value import Value, as_array


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _finish(array: np.ndarray, requires_grad: bool, device: Any = None) -> Value:
    devices.check(device)  # the CPU (or torch's error for another device)
    value = Value._make_const(array)
    if requires_grad:
        value.requires_grad_(True)
    return value


def _float_dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    """A new leaf Value holding a copy of `data` (float arrays keep their dtype; Python floats get the default)."""
    if isinstance(data, Value):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    array = np.array(as_array(data, dtype), copy=True)
    if requires_grad and array.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return _finish(array, requires_grad, device)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Value:
    """A Value sharing `data`'s memory when it is already an array of the right dtype."""
    devices.check(device)
    if isinstance(data, Value) and (dtype is None or np.dtype(dtype) == data.dtype):
        return data
    array = as_array(data, dtype)
    if array is data:
        _warn_if_read_only(array)
    return Value._make_const(array)


def from_numpy(array: np.ndarray) -> Value:
    """A Value sharing `array`'s memory (no copy; changes show on both sides)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "biuf":
        return Value(array)  # raises the TypeError naming the dtype
    _warn_if_read_only(array)
    return Value._make_const(array)


def _warn_if_read_only(array: np.ndarray) -> None:
    """torch's warning for sharing a non-writable array (torch would write into it; we refuse in-place ops)."""
    if not array.flags.writeable:
        warnings.warn(
            "The given NumPy array is not writable: in-place operations on the Value sharing it will raise. You may "
            "want to copy the array to protect its data or make it writable before converting it to a Value.",
            UserWarning,
            stacklevel=3,
        )


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _finish(np.zeros(_shape(size), dtype=_float_dtype(dtype)), requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _finish(np.ones(_shape(size), dtype=_float_dtype(dtype)), requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    if dtype is None:
        dtype = as_array(fill_value).dtype
    return _finish(np.full(_shape((size,)), fill_value, dtype=dtype), requires_grad, device)


def zeros_like(other: Value, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _finish(np.zeros(other.shape, dtype=dtype or other.dtype), requires_grad, device)


def ones_like(other: Value, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _finish(np.ones(other.shape, dtype=dtype or other.dtype), requires_grad, device)


def full_like(
    other: Value, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _finish(np.full(other.shape, fill_value, dtype=dtype or other.dtype), requires_grad, device)


def empty_like(other: Value, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    """Uninitialised in torch (leftover memory); zeros here, a value torch's may hold too."""
    return _finish(np.zeros(other.shape, dtype=dtype or other.dtype), requires_grad, device)


def logspace(
    start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None, requires_grad: bool = False,
    device: Any = None,
) -> Value:
    """base ** linspace(start, end, steps)."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    target = _float_dtype(dtype)
    return _finish(np.logspace(start, end, steps, base=base).astype(target), requires_grad, device)


def arange(
    start: Any, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    """Evenly spaced values in [start, end); int64 for integer arguments, else the default float dtype."""
    if end is None:
        start, end = 0, start
    start, end, step = (x.item() if isinstance(x, Value) else x for x in (start, end, step))
    _check_range(start, end, step)
    if dtype is None:
        integral = all(isinstance(x, (int, np.integer)) for x in (start, end, step))
        dtype = dtypes.int64 if integral else dtypes.get_default_dtype()
    return _finish(np.arange(start, end, step, dtype=dtype), requires_grad, device)


def _check_range(start: Any, end: Any, step: Any) -> None:
    """torch's errors for a range arange cannot make (NumPy would divide by zero or return an empty array)."""
    if step == 0 or step != step:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if math.isfinite(step) and (end - start) / step >= sys.maxsize:
        raise RuntimeError("invalid size, possible overflow?")


def linspace(
    start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Value:
    return _finish(_torch_linspace(start, end, steps, _float_dtype(dtype)), requires_grad, device)


def _torch_linspace(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """torch's CPU linspace, bit for bit: step = (end - start) / (steps - 1) in the dtype (float64 for integers,
    whose ends are truncated first), the first half start + step i, the second half end - step (steps - 1 - i),
    each a fused multiply-add (one rounding: torch's kernel is compiled with FMA contraction). NumPy's linspace
    rounds a third of the float32 elements differently, which made the polynomial fits drift from torch."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if steps <= 1:
        return np.full(steps, start, dtype=dtype)
    work = np.float64 if dtype.kind in "iub" else dtype.type
    if dtype.kind in "iub":  # torch converts the ends to the integer dtype first
        start, end = int(start), int(end)
    first, last = work(start), work(end)
    step = (last - first) / work(steps - 1)
    index = np.arange(steps, dtype=np.float64)
    half = steps // 2
    base = np.where(index < half, first, last).astype(work)
    slope = np.where(index < half, step, -step).astype(work)
    count = np.where(index < half, index, steps - 1 - index).astype(work)
    fused = fma64 if work == np.float64 else fma32
    return fused(slope, count, base).astype(dtype)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Value:
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Value:
    """The (row, column) positions of the lower triangle of a row x col matrix (on and below diagonal `offset`),
    as the two rows of a (2, N) Value, in row-major order."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 layout: Any = None) -> Value:
    """The (row, column) positions of the upper triangle of a row x col matrix (on and above diagonal `offset`),
    as the two rows of a (2, N) Value, in row-major order."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device)


def _triangle_indices(name: str, row: int, col: int, offset: int, dtype: Any, device: Any) -> Value:
    kind = np.dtype(np.int64 if dtype is None else dtype)
    if kind.kind not in "iu":
        raise NotImplementedError(f'"{name}" not implemented for \'{arguments.torch_dtype_name(kind)}\'')
    for label, size in (("row", row), ("col", col)):
        if size < 0:
            raise RuntimeError(f"{label} must be non-negative, got{size}")
    positions = (np.tril_indices if name == "tril_indices" else np.triu_indices)(row, offset, col)
    return _finish(np.stack(positions).astype(kind).reshape(2, -1), False, device)
