"""Tensor methods torch has besides its ops: factories shaped like a Value (`new_ones`, ...), memory facts
(`stride`, `element_size`, `nbytes`, `is_contiguous`), older names (`ndimension`, `nelement`), `half`, and
`copy.deepcopy` of a leaf."""

from __future__ import annotations

import builtins
import copy
from typing import Any

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.ops.table import function_only
from tinygrad_lr.promotion import as_value
from tinygrad_lr.random.factories import size_of
from tinygrad_lr.value import Value, as_array, init_leaf

DEEPCOPY_MESSAGE = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  "
    "If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, see "
    "https://github.com/pytorch/pytorch/pull/103001"
)


def _leaf(array: np.ndarray, requires_grad: builtins.bool) -> Value:
    value = Value._make_const(array)
    if requires_grad:
        value.requires_grad_(True)
    return value


class TensorMethods:
    """Value methods without an op of their own (no row of the op table)."""

    def new_tensor(self: Any, data: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Value:
        """A new leaf holding a copy of `data`, in this Value's dtype unless `dtype` is given."""
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        return _leaf(np.array(as_array(data, dtype or self.dtype), copy=True), requires_grad)

    def new_ones(self: Any, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Value:
        return _leaf(np.ones(size_of(size), dtype=dtype or self.dtype), requires_grad)

    def new_zeros(self: Any, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Value:
        return _leaf(np.zeros(size_of(size), dtype=dtype or self.dtype), requires_grad)

    def new_empty(self: Any, *size: Any, dtype: Any = None, requires_grad: builtins.bool = False, **_: Any) -> Value:
        """Uninitialised in torch; zeros here (NumPy's empty would show leftover memory, as torch's does)."""
        return _leaf(np.zeros(size_of(size), dtype=dtype or self.dtype), requires_grad)

    def new_full(self: Any, size: Any, fill_value: Any, dtype: Any = None, requires_grad: builtins.bool = False,
                 **_: Any) -> Value:
        if not isinstance(fill_value, (builtins.int, builtins.float, builtins.bool, np.number, Value)):
            raise TypeError("new_full(): argument 'fill_value' (position 2) must be Number, not "
                            f"{type(fill_value).__name__}")
        return _leaf(np.full(size_of((size,)), fill_value, dtype=dtype or self.dtype), requires_grad)

    def half(self: Any) -> Value:
        return self.to(dtypes.float16)

    def ndimension(self: Any) -> builtins.int:
        return builtins.int(self._data.ndim)

    def nelement(self: Any) -> builtins.int:
        return builtins.int(self._data.size)

    def element_size(self: Any) -> builtins.int:
        """Bytes per element."""
        return builtins.int(self._data.itemsize)

    @property
    def itemsize(self: Any) -> builtins.int:
        return builtins.int(self._data.itemsize)

    @property
    def nbytes(self: Any) -> builtins.int:
        """Bytes of all elements."""
        return builtins.int(self._data.nbytes)

    def stride(self: Any, dim: Any = None) -> Any:
        """Elements to step in memory for one step along each dim (0 along an expanded dim)."""
        itemsize = self._data.itemsize
        steps = tuple(builtins.int(s) // itemsize for s in self._data.strides)
        return steps if dim is None else steps[arguments.single_dim(dim, self._data.ndim)]

    def is_contiguous(self: Any, memory_format: Any = None) -> builtins.bool:
        """Whether the elements lie in memory in row-major order without gaps."""
        return builtins.bool(self._data.flags.c_contiguous)

    def __deepcopy__(self: Any, memo: dict[builtins.int, Any]) -> Value:
        """A copy of a leaf (data, requires_grad and .grad); torch's error for a result of an op."""
        if self._grad_fn is not None:
            raise RuntimeError(DEEPCOPY_MESSAGE)
        if id(self) in memo:
            return memo[id(self)]
        new = object.__new__(type(self))
        init_leaf(new, self._data.copy())
        new._requires_grad = self._requires_grad
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        return new


@function_only
def detach(input: Any) -> Value:  # noqa: A002 - torch's name
    """A Value sharing input's memory, cut off from the graph."""
    return as_value(input).detach()
