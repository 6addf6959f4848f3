"""torch-like printing: `Value([1., 2.], requires_grad=True)`, `Value(0.1235, grad_fn=<MulBackward0>)`.

Floats follow torch's `_Formatter`: looking only at the nonzero finite elements (by absolute
value), integral data prints as `1.`, otherwise 4 decimals; scientific notation (`1.0000e+05`)
when the largest is over 1000 times the smallest or above 1e8 (or, for non-integral data, the
smallest is below 1e-4). Every element is right-aligned to the widest one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tinygrad_lr import dtypes

PRECISION = 4
THRESHOLD = 1000  # more elements than this print summarized, with "..."
EDGE_ITEMS = 3
LINE_WIDTH = 80


def _summarized(data: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows (first and last EDGE_ITEMS along each long axis)."""
    if data.size <= THRESHOLD:
        return data
    for axis, size in enumerate(data.shape):
        if size > 2 * EDGE_ITEMS:
            keep = np.r_[0:EDGE_ITEMS, size - EDGE_ITEMS : size]
            data = np.take(data, keep, axis=axis)
    return data


def _float_style(values: np.ndarray) -> Callable[[float], str]:
    """The unpadded format torch would choose for these float values."""
    nonzero_finite = values[np.isfinite(values) & (values != 0)].astype(np.float64)
    if nonzero_finite.size == 0:
        return _integral
    magnitudes = np.abs(nonzero_finite)
    largest, smallest = magnitudes.max(), magnitudes.min()
    wide_range = largest / smallest > 1000.0 or largest > 1.0e8
    if np.all(nonzero_finite == np.ceil(nonzero_finite)):
        return _scientific if wide_range else _integral
    return _scientific if wide_range or smallest < 1.0e-4 else _fixed


def _integral(x: float) -> str:
    return f"{x:.0f}." if np.isfinite(x) else f"{x:.0f}"


def _fixed(x: float) -> str:
    return f"{x:.{PRECISION}f}"


def _scientific(x: float) -> str:
    return f"{x:.{PRECISION}e}"


def _element_formatter(data: np.ndarray) -> Callable[[object], str]:
    """Format one element in torch's style, padded to the width of the widest shown element."""
    shown = _summarized(data).ravel()
    if data.dtype.kind == "f":
        style = _float_style(shown)
        nonzero_finite = shown[np.isfinite(shown) & (shown != 0)]
        width = max((len(style(float(v))) for v in nonzero_finite), default=1)
        return lambda x: style(float(x)).rjust(width)  # type: ignore[arg-type]
    if data.dtype.kind == "b":
        width = max((len(str(bool(v))) for v in shown), default=1)
        return lambda x: str(bool(x)).rjust(width)
    width = max((len(str(v)) for v in shown), default=1)
    return lambda x: str(x).rjust(width)


def format_array(data: np.ndarray, prefix: str) -> str:
    """The array part of a repr; continuation lines are indented to sit under `prefix`'s bracket."""
    element = _element_formatter(data)
    if data.ndim == 0:
        return element(data.item())
    kind = {"f": "float_kind", "b": "bool"}.get(data.dtype.kind, "int_kind")
    return np.array2string(
        data,
        separator=", ",
        prefix=prefix,
        formatter={kind: element},  # type: ignore[misc,dict-item,arg-type]
        threshold=THRESHOLD,
        edgeitems=EDGE_ITEMS,
        max_line_width=LINE_WIDTH,
    )


def format_value(value: object) -> str:
    """`Value(<data>[, size=...][, dtype=...][, grad_fn=<...> | requires_grad=True])`, as torch prints tensors."""
    prefix = "Value("
    data: np.ndarray = value._data  # type: ignore[attr-defined]
    body = format_array(data, prefix)
    extras = []
    if data.size == 0 and data.shape != (0,):
        extras.append(f"size={tuple(data.shape)}")
    if data.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
        extras.append(f"dtype={data.dtype}")
    if value._grad_fn is not None:  # type: ignore[attr-defined]
        extras.append(f"grad_fn=<{value._grad_fn.name()}>")  # type: ignore[attr-defined]
    elif value._requires_grad:  # type: ignore[attr-defined]
        extras.append("requires_grad=True")
    return prefix + ", ".join([body] + extras) + ")"
