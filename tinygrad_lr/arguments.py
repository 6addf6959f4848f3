"""How Value methods and `nn` read shape, dim and dtype arguments the way torch does, and torch's words when they
are wrong.

Plain functions of shapes, dtypes and Python values: nothing here knows about Values or graphs (the check that an
argument is a Value, `require_value`, lives with Value).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Shape = tuple[int, ...]


def inplace_shape_error(target: Shape, source: Shape) -> RuntimeError:
    """torch's error for an in-place op whose operand does not broadcast to the output's shape."""
    mismatch = broadcast_mismatch_message(tuple(target), tuple(source))
    if mismatch is not None:
        return RuntimeError(mismatch)
    broadcast = list(np.broadcast_shapes(target, source))
    return RuntimeError(f"output with shape {list(target)} doesn't match the broadcast shape {broadcast}")


def fill_value_error(value: Any, ndim: int | None, target: np.dtype) -> Exception | None:
    """torch's error for `fill_(value)` into an array of dtype `target`, with a value that is neither a number
    nor a 0-d tensor (`ndim` is the tensor's number of dimensions, None for anything else), or a complex number
    with an imaginary part into a real dtype; None when the value is fine."""
    if ndim is not None:
        if ndim == 0:
            return None
        return RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {ndim} dimensions.")
    if isinstance(value, complex | np.complexfloating) and value.imag != 0 and target.kind not in "cb":
        name = _CHECKED_CAST_NAMES.get(target.name) or c_type_name(target)
        return RuntimeError(f"value cannot be converted to type {name} without overflow")
    if isinstance(value, bool | int | float | complex | np.bool_ | np.number):
        return None
    got = _argument_type_name(value)
    mismatch = f"      didn't match because some of the arguments have invalid types: (!{got}!)\n"
    kind = _argument_type_name(value, False)
    return TypeError(f"fill_() received an invalid combination of arguments - got ({kind}), "
                     f"but expected one of:\n * (Tensor value)\n{mismatch} * (Number value)\n{mismatch}")


def invalid_combination_error(function: str, given: tuple[Any, ...], signatures: tuple[str, ...]) -> TypeError:
    """torch's TypeError for arguments that match none of a function's signatures (`xlogy(2, 3)`): the types
    given (a tensor is `Tensor`) and each signature, e.g. "Tensor input, Number other, *, Tensor out = None"."""
    got = ", ".join("Tensor" if hasattr(v, "_data") else _argument_type_name(v, False) for v in given)
    expected = "".join(f" * ({signature})\n" for signature in signatures)
    return TypeError(f"{function}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     f"{expected}")


# the C++ names torch's checked scalar conversion uses where they differ from c_type_name's
_CHECKED_CAST_NAMES = {"int64": "int64_t", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t"}


def _argument_type_name(value: Any, detailed: bool = True) -> str:
    """How torch's argument parser names a Python value's type: `numpy.ndarray`, `list of [int, float]`."""
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    if detailed and kind in (list, tuple):
        inner = ", ".join(dict.fromkeys(_argument_type_name(v, False) for v in value))
        return f"{name} of [{inner}]" if kind is list else f"{name} of ({inner})"
    return name


def inplace_cast_error(result: np.dtype, target: np.dtype) -> RuntimeError:
    """torch's error for an in-place op whose result type cannot be stored in the Value's dtype."""
    return RuntimeError(
        f"result type {torch_dtype_name(result)} can't be cast to the desired output type {torch_dtype_name(target)}"
    )


def torch_dtype_name(dtype: np.dtype) -> str:
    """The name torch uses for a dtype in its messages (Float, Double, Long, ...)."""
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
             "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool", "uint16": "UInt16",
             "uint32": "UInt32", "uint64": "UInt64"}
    return names.get(np.dtype(dtype).name, str(dtype))


def c_type_name(dtype: np.dtype) -> str:
    """The C++ scalar type torch names in some kernel messages (`double`, `long int`, ...): linear's dtype clash."""
    names = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int",
             "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
    return names.get(np.dtype(dtype).name, str(dtype))


def tensor_type_name(dtype: np.dtype) -> str:
    """torch's type name of a tensor of this dtype: `torch.FloatTensor` for float32 (`x.type()`)."""
    return f"torch.{torch_dtype_name(dtype)}Tensor"


def single_dim(dim: Any, ndim: int) -> int:
    """One `dim` argument as an axis in [0, ndim), negative counting from the end (a 0-d Value takes 0 and -1)."""
    dim = int(dim)
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})"
        )
    return dim % size if ndim else 0


def dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """Normalize a reduction's `dim` argument to a sorted tuple of axes (None means all)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        return tuple(sorted({single_dim(d, ndim) for d in dim})) if ndim else ()
    return (single_dim(dim, ndim),) if ndim else ()


def variance_correction(unbiased: Any, correction: Any) -> float:
    """The variance's divisor offset from torch's `unbiased` / `correction` arguments (default 1: N - 1)."""
    if correction is not None:
        return float(correction)
    if unbiased is None:
        return 1.0
    return 1.0 if unbiased else 0.0


def as_tuple(x: Any) -> tuple[Any, ...]:
    """One or several arguments as a tuple: a list or tuple as its items, None as none, anything else as itself."""
    if x is None:
        return ()
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def shape_arg(args: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape given as `f(2, 3)` or `f((2, 3))`, as a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(s) for s in args)


def resolve_shape(shape: tuple[int, ...], size: int, original: Shape) -> tuple[int, ...]:
    """A view/reshape target with its -1 filled in, or torch's error if it cannot hold `size` elements."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = int(np.prod([s for s in shape if s != -1]))
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if int(np.prod(shape)) != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return shape


def broadcast_mismatch_message(first: tuple[int, ...], second: tuple[int, ...]) -> str | None:
    """torch's words for two shapes that do not broadcast (None if they do)."""
    ndim = max(len(first), len(second))
    for offset in range(1, min(len(first), len(second)) + 1):  # torch compares from the last dim
        a, b = first[-offset], second[-offset]
        if a != b and a != 1 and b != 1:
            return (
                f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                f"dimension {ndim - offset}"
            )
    return None


def check_broadcast(first: tuple[int, ...], second: tuple[int, ...]) -> None:
    """Raise torch's RuntimeError if the two shapes do not broadcast."""
    message = broadcast_mismatch_message(first, second)
    if message is not None:
        raise RuntimeError(message)


def check_integer_divisor(x: Any, y: Any) -> None:
    """torch's checks before x // y, x % y, fmod (arrays or Python numbers): shapes that broadcast, and, in
    integers, no zero divisor among the ones a quotient is computed with (all of y unless the result is empty;
    NumPy would answer 0)."""
    x_shape, y_shape = np.shape(x), np.shape(y)
    check_broadcast(x_shape, y_shape)
    if np.result_type(x, y).kind in "iub" and not np.all(y) and all(np.broadcast_shapes(x_shape, y_shape)):
        raise RuntimeError("ZeroDivisionError")


def checkpoint_array(source: Any, where: str) -> np.ndarray:
    """A state-dict value from elsewhere (a torch tensor, a NumPy or array-like object) as a NumPy array.

    A tensor that requires grad is detached first (torch copies checkpoint values under no_grad too); a dtype
    NumPy cannot hold (torch's bfloat16) raises a TypeError naming `where` and the fix.
    """
    if getattr(source, "requires_grad", False) and hasattr(source, "detach"):
        source = source.detach()
    try:
        return np.asarray(source)
    except (TypeError, ValueError, RuntimeError) as error:
        dtype = getattr(source, "dtype", type(source).__name__)
        raise TypeError(
            f"{where} is a {dtype} value that NumPy cannot hold ({error}); convert the state dict first, "
            "e.g. {k: v.float() for k, v in state_dict.items()}"
        ) from None


def read_only_error(array: np.ndarray) -> RuntimeError:
    """The error for an in-place op on memory NumPy marks read-only: an expanded view (torch's words), or an array
    made non-writable by its owner (torch would write into it anyway: undefined behaviour)."""
    if any(stride == 0 and size > 1 for stride, size in zip(array.strides, array.shape)):
        return RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )
    return RuntimeError(
        "cannot change this Value in place: its memory is a read-only NumPy array (shared by from_numpy or "
        "as_tensor from an array with writeable=False). Make a writable copy first: x = x.clone()"
    )


def float_kernel_error(kernel: str, dtype: np.dtype) -> NotImplementedError:
    """torch's error for an op whose CPU kernel exists for floats only (softplus, softmax, ... of integers)."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_dtype_name(dtype)}\'')
