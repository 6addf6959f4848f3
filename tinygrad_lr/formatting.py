"""Printing a Value as torch prints a tensor: `tensor([1., 2.], dtype=torch.float64, requires_grad=True)`.

The rules are torch's (`torch/_tensor_str.py`), on NumPy arrays:
- one format for all shown elements, chosen from the nonzero finite ones (by absolute value): integral floats
  print as `1.`; otherwise `precision` decimals; scientific notation (`1.0000e+05`) when the largest is over 1000
  times the smallest, above 1e8, or (non-integral data) the smallest is below 1e-4, unless `sci_mode` says;
  every element is right-aligned to the widest;
- more than `threshold` elements print summarized: `edgeitems` at each end of each long axis, `...` between;
- rows wrap at `linewidth`; suffixes (`dtype=`, `grad_fn=`, `requires_grad=True`) go on their own line when they
  would not fit on the last one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tinygrad_lr import dtypes


@dataclasses.dataclass
class PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


OPTIONS = PrintOptions()
_PROFILES: dict[str, dict[str, Any]] = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """torch.set_printoptions: a `profile` ('default', 'short', 'full') first, then the options given; `sci_mode`
    is always set (None: chosen from the data)."""
    if profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(OPTIONS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):  # fmt: skip
        if value is not None:
            setattr(OPTIONS, name, value)
    OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options, as keyword arguments for `set_printoptions`."""
    return dataclasses.asdict(OPTIONS)


@contextlib.contextmanager
def printoptions(**options: Any) -> Iterator[None]:
    """Change the print options inside a `with` block only."""
    saved = get_printoptions()
    set_printoptions(**options)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """The one format of every shown element of an array (torch's `_Formatter`)."""

    def __init__(self, shown: np.ndarray) -> None:
        self.floating = shown.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not self.floating:
            self.width = max((len(str(v)) for v in shown.ravel().tolist()), default=1)
            return
        flat = shown.ravel()
        values = flat[np.isfinite(flat) & (flat != 0)]
        if values.size == 0:
            return
        magnitudes = np.abs(values.astype(np.float64))
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(values == np.ceil(values)))
        if OPTIONS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = OPTIONS.sci_mode
        numbers = values.tolist()
        p = OPTIONS.precision
        if self.sci_mode:
            self.width = max(len(f"{v:.{p}e}") for v in numbers)
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in numbers)  # + 1: the "." that marks a float
        else:
            self.width = max(len(f"{v:.{p}f}") for v in numbers)
        self.width = max(self.width, 1)

    def format(self, x: Any) -> str:
        if not self.floating:
            text = f"{x}"
        elif self.sci_mode:
            text = f"{x:{self.width}.{OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{x:.0f}" + ("" if math.isinf(x) or math.isnan(x) else ".")
        else:
            text = f"{x:.{OPTIONS.precision}f}"
        return text.rjust(self.width)


def _summarized(data: np.ndarray) -> np.ndarray:
    """The elements a summarized print shows: the first and last `edgeitems` along each long axis."""
    edge = OPTIONS.edgeitems
    if data.ndim == 0:
        return data
    if data.ndim == 1:
        return np.concatenate((data[:edge], data[-edge:])) if data.shape[0] > 2 * edge else data
    if not edge:
        return np.empty((0,) * data.ndim, dtype=data.dtype)
    rows = list(range(edge)) + list(range(len(data) - edge, len(data))) if len(data) > 2 * edge else range(len(data))
    return np.stack([_summarized(data[i]) for i in rows])


def _vector(data: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    per_line = max(1, math.floor((OPTIONS.linewidth - indent) / (formatter.width + 2)))
    edge = OPTIONS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and data.shape[0] > 2 * edge:
        items = [formatter.format(v) for v in data[:edge].tolist()] + [" ..."]
        items += [formatter.format(v) for v in data[-edge:].tolist()]
    else:
        items = [formatter.format(v) for v in data.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(data: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if data.ndim == 0:
        return formatter.format(data.item())
    if data.ndim == 1:
        return _vector(data, indent, summarize, formatter)
    edge = OPTIONS.edgeitems
    if summarize and len(data) > 2 * edge:
        head = [_nested(data[i], indent + 1, summarize, formatter) for i in range(edge)]
        tail = [_nested(data[i], indent + 1, summarize, formatter) for i in range(len(data) - edge, len(data))]
        parts = head + ["..."] + tail
    else:
        parts = [_nested(row, indent + 1, summarize, formatter) for row in data]
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def format_array(data: np.ndarray, indent: int) -> str:
    """The elements part of a repr (`[1., 2.]`); continuation lines are indented by `indent` + 1."""
    if data.size == 0:
        return "[]"
    summarize = data.size > OPTIONS.threshold
    formatter = _Formatter(_summarized(data) if summarize else data)
    return _nested(data, indent, summarize, formatter)


def _with_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append `, suffix` for each suffix, on a new line indented by `indent` when it would pass `linewidth`."""
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1  # torch's count (one more than the line's length when it wraps)
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > OPTIONS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"


def format_value(value: Any) -> str:
    """`tensor(<data>[, size=...][, dtype=...][, grad_fn=<...> | requires_grad=True])`, as torch prints tensors."""
    prefix = "tensor("
    data: np.ndarray = value._data
    suffixes = []
    default = dtypes.get_default_dtype()
    if data.size == 0:
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype != default:
            suffixes.append(f"dtype={dtypes.torch_dtype(data.dtype)}")
    else:
        if not OPTIONS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype not in (default, dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={dtypes.torch_dtype(data.dtype)}")
    if value._grad_fn is not None:
        suffixes.append(f"grad_fn=<{value._grad_fn.name()}>")
    elif value._requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + format_array(data, len(prefix)), suffixes, len(prefix))
