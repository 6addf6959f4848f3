"""Counting and binning, without gradients: bincount, histc, and the positions of values among sorted boundaries
(bucketize, searchsorted). Each takes torch's arguments and gives torch's dtypes and errors."""

from __future__ import annotations

import builtins
from typing import Any, Literal

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.ops.table import entry, function_only
from tinygrad_lr.promotion import array_of, as_value
from tinygrad_lr.value import Value


def _c_number(x: float) -> str:
    """A float as C++'s stream prints it (torch's messages): 1 for 1.0, inf, -nan."""
    if np.isnan(x):
        return "-nan" if np.signbit(x) else "nan"
    return format(float(x), "g")


class CountingMethods:
    """The op table's rows for counting and binning (see ops/table.py)."""

    @entry()
    def bincount(self: Any, weights: Any = None, minlength: builtins.int = 0) -> Value:
        """How often each of 0, 1, ..., max(self) occurs in self (1-D, non-negative integers), or the sums of
        `weights` there; at least `minlength` bins."""
        data = self._data
        if data.dtype.kind not in "iu":
            raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                      f"'{arguments.torch_dtype_name(data.dtype)}'")
        if minlength < 0:
            raise RuntimeError("minlength should be >= 0")
        if data.ndim != 1 or (data.size and data.min() < 0):
            raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
        if weights is None:
            return Value._make_const(np.bincount(data, minlength=minlength).astype(np.int64))
        w = np.asarray(array_of(weights))
        if w.ndim != 1 or w.shape[0] != data.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dtype = np.float32 if w.dtype == np.float32 else np.float64
        counted = np.bincount(data, weights=w.astype(np.float64), minlength=minlength)
        return Value._make_const(counted.astype(dtype))

    @entry()
    def histc(self: Any, bins: builtins.int = 100, min: Any = 0, max: Any = 0) -> Value:  # noqa: A002
        """Counts of the elements in `bins` equal-width bins over [min, max] (the data's range when both are
        0); elements outside are not counted. A float Value of self's dtype."""
        data = self._data
        if data.dtype.kind != "f":
            raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                      f"'{arguments.torch_dtype_name(data.dtype)}'")
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        low, high = float(min), float(max)
        if low == high and data.size:
            low, high = float(data.min()), float(data.max())
        if not (np.isfinite(low) and np.isfinite(high)):
            raise RuntimeError(f"torch.histc: range of [{_c_number(low)}, {_c_number(high)}] is not finite")
        if low == high:
            low, high = low - 1, high + 1
        if low > high:
            raise RuntimeError("torch.histc: max must be larger than min")
        values = data.reshape(-1)
        values = values[(values >= low) & (values <= high)]
        start, width = data.dtype.type(low), data.dtype.type(high) - data.dtype.type(low)
        position = ((values - start) * data.dtype.type(bins) / width).astype(np.int64)  # in self's dtype, as torch
        return Value._make_const(np.bincount(np.minimum(position, bins - 1), minlength=bins).astype(data.dtype))


def _positions(boundaries: np.ndarray, values: np.ndarray, right: bool, out_int32: bool) -> Value:
    """Where each value would go among sorted boundaries (the last dim of an n-d boundaries, row by row)."""
    side: Literal["left", "right"] = "right" if right else "left"
    if boundaries.ndim == 1:
        found = np.searchsorted(boundaries, values, side=side)
    else:
        rows, flat = boundaries.reshape(-1, boundaries.shape[-1]), values.reshape(-1, values.shape[-1])
        found = np.stack([np.searchsorted(r, v, side=side) for r, v in zip(rows, flat)]).reshape(values.shape)
    return Value._make_const(np.asarray(found, dtype=np.int32 if out_int32 else np.int64))


@function_only
def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Value:  # noqa: A002
    """The index of the bucket of each element of input among the 1-D sorted `boundaries`:
    boundaries[i-1] < x <= boundaries[i] (right=False), or boundaries[i-1] <= x < boundaries[i] (right=True)."""
    edges = np.asarray(array_of(boundaries))
    if edges.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({edges.ndim})")
    return _positions(edges, np.asarray(array_of(input)), right, out_int32)


@function_only
def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False, right: bool = False,  # noqa: A002
                 side: Any = None, sorter: Any = None) -> Value:
    """Where each element of input would be inserted into `sorted_sequence` (along its last dim, whose leading
    dims match input's) to keep it sorted: before equal elements, or after them with right=True or side='right'."""
    edges = np.asarray(array_of(as_value(sorted_sequence)))
    values = np.asarray(array_of(input))
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if edges.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    if edges.ndim > 1 and (values.ndim != edges.ndim or values.shape[:-1] != edges.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                           "dimensions of boundaries tensor and input value tensor must match, but we got boundaries "
                           f"tensor {list(edges.shape)} and input value tensor {list(values.shape)}")
    if sorter is not None:
        order = np.asarray(array_of(sorter))
        if order.shape != edges.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(edges.shape)}and got sorter tensor {list(order.shape)}")
        if order.size and (order.min() < 0 or order.max() >= edges.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        edges = np.take_along_axis(edges, order, axis=-1)
    return _positions(edges, values, right, out_int32)
