"""torch's legacy tensor classes: `Tensor`, `FloatTensor`, `DoubleTensor`, `LongTensor`, `IntTensor`, `BoolTensor`, ...

Every Value is a `Tensor` (`isinstance(x, Tensor)`), and a `FloatTensor` exactly when it holds float32 data, as in
torch. Calling one of these classes is torch's legacy constructor, which differs from `tensor()`:

    Tensor(data)     a copy of data in the default dtype (float32), whatever data's dtype: Tensor(float64 array)
                     is float32, Tensor([1, 2]) is tensor([1., 2.]); LongTensor(data) in int64, and so on
    Tensor(2, 3)     a new (2, 3) tensor (torch leaves it uninitialised; here it is zeros)
    Tensor()         shape (0,)
    Tensor(2.5)      TypeError: a number is not data (use tensor(2.5))
    Tensor(t)        t itself if it already has the class's dtype (torch's alias), else for a typed class torch's
                     TypeError

`Value(2.0)` itself keeps micrograd's and torch.tensor's behaviour.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tinygrad_lr import devices, dtypes
from tinygrad_lr.arguments import c_type_name, tensor_type_name
from tinygrad_lr.value import Size, Value, as_array, require_value


class _TensorClass(type):
    """isinstance by dtype: every Value is a Tensor; a FloatTensor is a Value of float32 data."""

    _legacy_dtype: Any

    def __instancecheck__(cls, obj: Any) -> bool:
        if not isinstance(obj, Value):
            return False
        return cls._legacy_dtype is None or obj._data.dtype == cls._legacy_dtype.dtype

    def __subclasscheck__(cls, sub: Any) -> bool:
        if cls._legacy_dtype is None:
            return type.__subclasscheck__(Value, sub) or type.__subclasscheck__(cls, sub)
        return type.__subclasscheck__(cls, sub)


class Tensor(Value, metaclass=_TensorClass):
    """The tensor type: `isinstance(x, Tensor)` for every Value; `Tensor(...)` is torch's legacy constructor."""

    __slots__ = ()
    _legacy_dtype: Any = None  # the default dtype at call time

    def __new__(cls, *args: Any, device: Any = None) -> Any:  # type: ignore[misc]
        devices.check(device)
        target = cls._legacy_dtype or dtypes.get_default_dtype()
        return legacy_new(args, np.dtype(target), typed=cls._legacy_dtype is not None)


def legacy_new(args: tuple[Any, ...], dtype: np.dtype, typed: bool) -> Value:
    """torch's `Tensor(*args)` for one dtype (see the module docstring)."""
    if not args:
        return Value._make_const(np.empty((0,), dtype=dtype))
    if len(args) == 1 and not _is_int(args[0]):
        data = args[0]
        if isinstance(data, Value):
            return _alias(data, dtype, typed)
        if isinstance(data, Size):
            return _sized(tuple(data), dtype)
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        if data is None or isinstance(data, (float, bool, complex, np.generic)):
            name = type(data).__name__ if not isinstance(data, np.generic) else f"numpy.{type(data).__name__}"
            raise TypeError(f"new(): data must be a sequence (got {name})")
        return Value._make_const(np.array(as_array(data), dtype=dtype, copy=True))
    for position, size in enumerate(args):
        if not _is_int(size):
            raise TypeError(
                f"new(): argument 'size' failed to unpack the object at pos {position + 1} with error "
                f'"type must be tuple of ints,but got {type(size).__name__}"'
            )
    return _sized(tuple(int(s) for s in args), dtype)


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _sized(shape: tuple[int, ...], dtype: np.dtype) -> Value:
    for size in shape:
        if size < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {size}: {list(shape)}")
    return Value._make_const(np.zeros(shape, dtype=dtype))


def _alias(data: Value, dtype: np.dtype, typed: bool) -> Value:
    """`Tensor(t)`: t's memory under a new name; a typed class refuses another dtype, as torch does."""
    if typed and data._data.dtype != dtype:
        raise TypeError(f"expected {_options(dtype)} (got {_options(data._data.dtype)})")
    return data.view(data.shape) if data.requires_grad else Value._make_const(data._data)


def _options(dtype: np.dtype) -> str:
    return (
        f"TensorOptions(dtype={c_type_name(dtype)}, device=cpu, layout=Strided, requires_grad=false (default), "
        "pinned_memory=false (default), memory_format=(nullopt))"
    )


def _typed(name: str, dtype: Any) -> type:
    doc = f"A Tensor of {dtype} data (torch's legacy `{name}`)."
    namespace = {"__slots__": (), "_legacy_dtype": dtype, "__module__": __name__, "__doc__": doc}
    return _TensorClass(name, (Tensor,), namespace)


FloatTensor = _typed("FloatTensor", dtypes.float32)
DoubleTensor = _typed("DoubleTensor", dtypes.float64)
HalfTensor = _typed("HalfTensor", dtypes.float16)
LongTensor = _typed("LongTensor", dtypes.int64)
IntTensor = _typed("IntTensor", dtypes.int32)
ShortTensor = _typed("ShortTensor", dtypes.int16)
CharTensor = _typed("CharTensor", dtypes.int8)
ByteTensor = _typed("ByteTensor", dtypes.uint8)
BoolTensor = _typed("BoolTensor", dtypes.bool)

_BY_NAME = {f"torch.{cls.__name__}": cls for cls in (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor,
                                                     ShortTensor, CharTensor, ByteTensor, BoolTensor)}  # fmt: skip


def convert_type(value: Value, to: Any = None) -> Any:
    """`x.type()`: torch's type name (`'torch.FloatTensor'`); `x.type(DoubleTensor)`, `x.type('torch.DoubleTensor')`
    or `x.type(torch.float64)`: x cast to that dtype (x itself when it already has it)."""
    if to is None:
        return tensor_type_name(value._data.dtype)
    if isinstance(to, str):
        if to not in _BY_NAME:
            raise ValueError(f"invalid type: '{to}'")
        to = _BY_NAME[to]
    if isinstance(to, _TensorClass):
        to = to._legacy_dtype or dtypes.get_default_dtype()
    elif not isinstance(to, (dtypes.dtype, np.dtype)):
        raise TypeError("dtype must be a type, str, or dtype object")
    return value.to(to)


def is_tensor(obj: Any) -> bool:
    """Whether obj is a tensor (a Value, a Parameter)."""
    return isinstance(obj, Value)


def is_floating_point(input: Any) -> bool:  # noqa: A002 - torch's name
    """Whether input holds floating-point data."""
    return require_value(input, "is_floating_point", "input", 1)._data.dtype.kind == "f"


def numel(input: Any) -> int:  # noqa: A002 - torch's name
    """The number of elements of input."""
    return require_value(input, "numel", "input", 1).numel()
