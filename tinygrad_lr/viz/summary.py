"""Short text for an array: every value when it is small, its mean and range when it is not."""

from __future__ import annotations

from typing import Any

import numpy as np


def summarize(data: Any, max_elements: int = 6, norm: bool = False) -> str:
    """`'[1, 2.5, -3]'` for up to `max_elements` values, `'mean 0.1, min -2, max 3'` beyond (with `norm`, also the
    Euclidean norm sqrt(sum x^2): `', norm 4.2'`); 4 significant digits."""
    if data is None:
        return "None"
    array = np.asarray(data)
    if array.size == 0:
        return "[] (empty)"
    if array.ndim == 0:
        return _number(array.item())
    if array.size <= max_elements:
        text = np.array2string(
            array, separator=", ", max_line_width=10**6, formatter={"all": _number}, threshold=max_elements
        )
        return " ".join(text.split())
    if array.dtype.kind == "b":
        return f"{int(array.sum())} of {array.size} true"
    values = array.astype(np.float64)
    text = f"mean {_number(values.mean())}, min {_number(values.min())}, max {_number(values.max())}"
    return f"{text}, norm {_number(np.linalg.norm(values))}" if norm else text


def shape_text(shape: Any) -> str:
    """`(3, 1)` for a shape, `()` for a scalar, as torch prints sizes in torchviz graphs."""
    dims = tuple(int(s) for s in shape)
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(s) for s in dims) + ")"


def _number(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{float(x):.4g}"
