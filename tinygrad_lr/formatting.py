"""torch-like printing: `Value([1., 2.], requires_grad=True)`, `Value(0.1235, grad_fn=<MulBackward>)`."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import dtypes


def _float_formatter(data: np.ndarray) -> Any:
    """Pick torch's style: integers as `1.`, else 4 decimals, scientific for very large/small ranges."""
    finite = np.abs(data[np.isfinite(data)]) if data.size else data
    if finite.size == 0 or np.all(finite == np.round(finite)) and (finite.size == 0 or finite.max() < 1e8):
        return lambda x: f"{x:.0f}." if np.isfinite(x) else str(x)
    nonzero = finite[finite != 0]
    if nonzero.size and (nonzero.max() / nonzero.min() > 1000 or nonzero.max() > 1e8 or nonzero.min() < 1e-4):
        return lambda x: f"{x:.4e}" if np.isfinite(x) else str(x)
    return lambda x: f"{x:.4f}" if np.isfinite(x) else str(x)


def format_array(data: np.ndarray, prefix: str) -> str:
    if data.dtype.kind == "f":
        formatter: dict[str, Any] = {"float_kind": _float_formatter(data)}
    elif data.dtype.kind == "b":
        formatter = {"bool": lambda x: "True" if x else "False"}
    else:
        formatter = {}
    if data.ndim == 0:
        if data.dtype.kind == "f":
            return formatter["float_kind"](data.item())
        return str(data.item())
    return np.array2string(
        data, separator=", ", prefix=prefix, formatter=formatter, threshold=1000, edgeitems=3, max_line_width=80
    )


def format_value(value: Any) -> str:
    prefix = "Value("
    data = value._data
    body = format_array(data, prefix)
    extras = []
    if data.size == 0 and data.shape != (0,):
        extras.append(f"size={tuple(data.shape)}")
    if data.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
        extras.append(f"dtype={data.dtype}")
    if value._grad_fn is not None:
        extras.append(f"grad_fn=<{type(value._grad_fn).__name__}>")
    elif value._requires_grad:
        extras.append("requires_grad=True")
    return prefix + ", ".join([body] + extras) + ")"
