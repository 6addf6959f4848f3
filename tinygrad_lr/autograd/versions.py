"""Catching in-place changes to arrays that backward still needs.

An op saves arrays for its backward (Mul saves both factors). If one of them is changed in place
before backward runs (`w.add_(...)`, `optimizer.step()` between forward and backward), the
gradient would silently use the new numbers. torch refuses, using a version counter per tensor;
so do we, cheaply:

- a global clock ticks at every in-place change, and `CHANGES` remembers, per memory owner (a view
  and its base count as one), how many changes it had and the tick of the last one;
- a node that saves arrays notes the clock when it is recorded (one integer);
- before backward uses the saved arrays, any of them changed at a later tick is an error.

Only arrays that were ever changed in place have an entry (it leaves when the array is freed), so
a program without in-place changes pays one empty-dict check per saved-array access.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

CHANGES: dict[int, tuple[int, int]] = {}  # id(owner) -> (number of in-place changes, tick of the last one)
clock = 0


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory (views share their base's count)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def mark_modified(array: np.ndarray) -> None:
    """Record that `array`'s memory was changed in place."""
    global clock
    owner = array if array.base is None else _owner(array)
    key = id(owner)
    entry = CHANGES.get(key)
    clock += 1
    if entry is None:
        weakref.finalize(owner, CHANGES.pop, key, None)
        CHANGES[key] = (1, clock)
    else:
        CHANGES[key] = (entry[0] + 1, clock)


def check_unchanged(node: Any) -> None:
    """Raise torch's error if an array `node` saved was changed in place after `node` was recorded."""
    for array in node.saved_tensors:
        if not isinstance(array, np.ndarray):
            continue
        entry = CHANGES.get(id(_owner(array)))
        if entry is not None and entry[1] > node._clock:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"[{array.dtype} {list(array.shape)}], which is saved by {node.name()}, is at version {entry[0]} "
                "and was changed after it was saved. Hint: the in-place change (for example optimizer.step(), "
                "x.add_() or x -= ... under no_grad) happened between the forward pass that saved it and this "
                "backward; make it after backward, or change a copy (x = x + y)."
            )
