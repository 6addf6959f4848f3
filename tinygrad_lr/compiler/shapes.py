"""The NumPy calls whose result's shape depends on the data, not only on the operands' shapes: a boolean mask's
selection (`x[x > 0]`), `nonzero`, `unique`, ... A replay gives them whatever shape the new data gives; Python
code that read such a shape while tracing (`x[mask].mean()` divides by the count) would keep the traced number,
so the recorder checks it at replay (`Recorder.described`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# a result shaped by the data whatever the operands
_ALWAYS = {np.nonzero, np.ndarray.nonzero, np.flatnonzero, np.argwhere, np.unique, np.unique_values,
           np.unique_counts, np.unique_inverse, np.unique_all, np.extract, np.compress, np.ndarray.compress,
           np.trim_zeros, np.setdiff1d, np.intersect1d, np.union1d, np.setxor1d, np.bincount}
_GETITEM = np.ndarray.__getitem__


def data_shaped(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], traced: type) -> bool:
    """Whether the call's result has a shape the data decides (`traced`: the type of a recorded array)."""
    try:
        if func in _ALWAYS:
            return True
    except TypeError:  # an unhashable callable
        return False
    if func is _GETITEM:  # a mask that is data: x[mask], x[:, mask]
        key = args[1] if len(args) > 1 else None
        return any(type(k) is traced and np.ndarray.dtype.__get__(k) == np.bool_
                   for k in (key if type(key) is tuple else (key,)))
    if func is np.where:  # where(condition) is nonzero(condition)
        return len(args) + len(kwargs) == 1
    if func is np.repeat or func is np.ndarray.repeat:  # repeats given per element, as data
        return type(args[1] if len(args) > 1 else kwargs.get("repeats")) is traced
    if func is np.delete or func is np.insert:  # the indices (duplicates count once) as data
        return type(args[1] if len(args) > 1 else kwargs.get("obj")) is traced
    return False
