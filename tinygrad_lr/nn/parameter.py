"""`Parameter`: a Value that a Module registers as learnable (it requires grad by default)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.value import Value, as_array, init_leaf


class Parameter(Value):
    """A leaf Value that a `Module` attribute assignment registers in `parameters()` and `state_dict()`.

    `Parameter(value)` shares `value`'s memory (no copy), as torch does; it requires grad unless
    `requires_grad=False`. Results of ops on a Parameter are ordinary Values.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty((0,), dtype=dtypes.get_default_dtype())
        elif isinstance(data, Value):
            array = data._data
        else:
            array = as_array(data)
        init_leaf(self, array, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (Parameter, (self._data, self._requires_grad))

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        copy = Parameter(self._data.copy(), self._requires_grad)
        if self._grad is not None:
            copy._grad = Value._make_const(self._grad._data.copy())
        memo[id(self)] = copy
        return copy
