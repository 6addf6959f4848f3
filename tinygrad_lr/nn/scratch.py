"""Reusing large arrays from step to step instead of allocating fresh ones: the gradient of a large MSE loss,
and the output of a one-output Linear on many rows (nn/skinny_matmul.py).

Why: a training step on a million rows allocates a few arrays of megabytes and frees them all by the end of
the step. When the freed memory sits at the top of the heap and exceeds glibc's trim threshold (twice the
largest block it has handed out), glibc returns it to the operating system, and the next step faults every
page back in. Keeping the largest of those arrays (the loss's gradient) alive between steps keeps the heap from
shrinking, and writing the next step's prediction into the memory the last one used finds it still in the
cache, unlike a block malloc hands out from elsewhere. (The page faults and the time each saved: "The heap" and
W1 N=1e6 in docs/performance.md.)

An array is handed out again only if nothing but this cache refers to it (a hook or `autograd.grad` may have
kept the last gradient), counted with `sys.getrefcount`. CPython 3.14 counts fewer references on purpose
(borrowed loads), so there this cache stays off rather than guess.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

MIN_BYTES = 1 << 20  # smaller arrays come from malloc's free lists anyway
MAX_ARRAYS = 4  # distinct (shape, dtype) kept at once; the oldest goes first
ENABLED = sys.implementation.name == "cpython" and sys.version_info < (3, 14)

_arrays: dict[tuple[tuple[int, ...], Any], np.ndarray] = {}
_FREE_REFS = 3  # references to a cached array nobody else holds: this dict, the local name, getrefcount's argument
TRACING = False  # set by tinygrad_lr.compile while it records: a replay cannot repeat a decision on refcounts


def empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialized array like `np.empty(shape, dtype)`, the same memory as last time when that is free."""
    key = (shape, np.dtype(dtype))
    if TRACING:
        return np.empty(shape, dtype)
    array = _arrays.get(key)
    if array is not None and sys.getrefcount(array) == _FREE_REFS:
        return array
    array = np.empty(shape, dtype)
    if ENABLED and array.nbytes >= MIN_BYTES:
        if key not in _arrays and len(_arrays) >= MAX_ARRAYS:
            del _arrays[next(iter(_arrays))]
        _arrays[key] = array
    return array


def release() -> None:
    """Let go of the kept arrays (`tinygrad_lr.compile` does before it records: its program keeps its own)."""
    _arrays.clear()
