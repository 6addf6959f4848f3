"""Data types and torch's promotion rules.

Dtypes are NumPy dtypes (`tinygrad_lr.float32 == numpy.float32`). The default floating dtype
is float32, as in torch; `set_default_dtype(float64)` switches it for study in double precision.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

_pybool, _pyint, _pyfloat = bool, int, float  # kept before the torch-style names below shadow them

class dtype:
    """A data type as torch names it (`torch.float32`), standing for one NumPy dtype.

    NumPy reads it wherever it takes a dtype (through the `dtype` attribute), it compares and hashes equal to its
    NumPy dtype (`tinygrad_lr.float32 == numpy.float32`), and attributes torch's dtype lacks (`kind`, `type`,
    `itemsize`, ...) are the NumPy dtype's.
    """

    __slots__ = ("dtype", "_name", "is_floating_point", "is_signed", "is_complex")

    def __init__(self, numpy_dtype: Any, name: str) -> None:
        self.dtype = np.dtype(numpy_dtype)
        self._name = name
        self.is_floating_point = self.dtype.kind == "f"
        self.is_signed = self.dtype.kind in "fi"
        self.is_complex = False

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return _pybool(self.dtype == np.dtype(other))  # type: ignore[call-overload,arg-type]
        except TypeError:
            return False

    def __hash__(self) -> builtins.int:
        return hash(self.dtype)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.dtype, name)

    def __reduce__(self) -> Any:
        return (torch_dtype, (self.dtype,))


float16 = half = dtype(np.float16, "float16")
float32 = float = dtype(np.float32, "float32")  # noqa: A001 - torch.float is float32
float64 = double = dtype(np.float64, "float64")
int8 = dtype(np.int8, "int8")
int16 = short = dtype(np.int16, "int16")
int32 = int = dtype(np.int32, "int32")  # noqa: A001 - torch.int is int32
int64 = long = dtype(np.int64, "int64")
uint8 = dtype(np.uint8, "uint8")
uint16 = dtype(np.uint16, "uint16")
uint32 = dtype(np.uint32, "uint32")
uint64 = dtype(np.uint64, "uint64")
bool = dtype(np.bool_, "bool")  # noqa: A001 - torch.bool

_BY_NUMPY = {d.dtype: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
                                  bool)}  # fmt: skip


def torch_dtype(numpy_dtype: Any) -> Any:
    """The torch-named dtype of a NumPy dtype (what `Value.dtype` returns)."""
    found = _BY_NUMPY.get(numpy_dtype)
    return found if found is not None else _BY_NUMPY.get(np.dtype(numpy_dtype), numpy_dtype)


_default = [float32]


def get_default_dtype() -> Any:
    """The dtype given to Python floats and lists of floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d: Any) -> None:
    """Make `d` (float32 or float64) the default floating dtype."""
    found = torch_dtype(np.dtype(d))
    if found not in (float32, float64, float16):
        raise TypeError(f"only floating-point types are supported as the default type, got {found}")
    _default[0] = found


def category(dtype: np.dtype) -> builtins.int:
    """0 for bool, 1 for integers, 2 for floating point: torch promotes across these upward."""
    kind = dtype.kind
    if kind == "f":
        return 2
    if kind in "iu":
        return 1
    if kind == "b":
        return 0
    raise TypeError(f"unsupported dtype {dtype}: tinygrad_lr works with bool, integer and float data")


def promote_pair(a: np.dtype, b: np.dtype) -> np.dtype:
    """Promote two tensor dtypes: within a category the wider wins, across categories the higher."""
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca == cb:
        return np.promote_types(a, b)
    return a if ca > cb else b


def promote_tensors(dtypes_with_ndim: list[tuple[np.dtype, builtins.int]]) -> np.dtype:
    """torch's rule: dimensioned tensors decide, unless a 0-d tensor is of a higher category."""
    dims = zero = None
    for dtype, ndim in dtypes_with_ndim:
        if ndim:
            dims = dtype if dims is None else promote_pair(dims, dtype)
        else:
            zero = dtype if zero is None else promote_pair(zero, dtype)
    if dims is None:
        assert zero is not None
        return zero
    if zero is not None and category(zero) > category(dims):
        return zero
    return dims


def scalar_dtype(value: Any, tensor_dtype: np.dtype) -> np.dtype:
    """The dtype a Python scalar takes next to a tensor: the tensor's, unless the scalar's category is higher."""
    if isinstance(value, (_pybool, np.bool_)):
        scalar_category = 0
    elif isinstance(value, (_pyint, np.integer)):
        scalar_category = 1
    elif isinstance(value, (_pyfloat, np.floating)):
        scalar_category = 2
    else:
        raise TypeError(f"unsupported operand type: {type(value).__name__}")
    if scalar_category <= category(tensor_dtype):
        return tensor_dtype
    return int64 if scalar_category == 1 else get_default_dtype()  # type: ignore[no-any-return,return-value]



def as_float(data: Any) -> np.ndarray:
    """`data` as an array for an op defined on real numbers: floats as they are, integers and bools in the
    default float dtype (torch's promotion for exp, sqrt, sigmoid, ... of an integer tensor)."""
    array = np.asarray(data)
    return array if array.dtype.kind == "f" else array.astype(get_default_dtype())
