"""`Value`, the core: a NumPy array that remembers how it was computed, so `backward()` can differentiate it.

A Value holds its array in `_data`, its accumulated gradient in `_grad` (a Value, or None), and,
when it is the result of an op that needs a gradient, the node that made it in `_grad_fn`.
Leaves (`grad_fn is None`) are the Values a user creates; only they keep `.grad` after backward
(non-leaves do if asked with `retain_grad()`). A scalar is a 0-d Value.

This module is the bottom layer: the slots, construction, and the autograd and array attributes.
It imports nothing of the engine or the ops. The ops (`+`, `exp`, `sum`, `reshape`, ...) are Value
methods too, but each is declared next to its `Function` in `tinygrad_lr/ops/` and installed on
this class by the op table (`tinygrad_lr/ops/table.py`); type checkers see them through `_Methods`.
"""

from __future__ import annotations

import itertools
import warnings
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from tinygrad_lr import devices, dtypes
from tinygrad_lr.arguments import c_type_name, torch_dtype_name
from tinygrad_lr.formatting import format_value

if TYPE_CHECKING:  # the op table's methods, for type checkers and "go to definition" (installed at import)
    from tinygrad_lr.ops.methods import ValueMethods as _Methods
else:
    _Methods = object

Shape = tuple[int, ...]

LEAF_INPLACE_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
NON_LEAF_REQUIRES_GRAD_MESSAGE = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
    "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)
NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead."
)


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Turn user data into an array with torch.tensor's dtype rules, or raise a clear TypeError."""
    if isinstance(data, Value):
        array = data._data
    elif isinstance(data, np.ndarray):
        array = data
    else:
        try:
            array = np.asarray(data)
        except (ValueError, TypeError) as error:
            raise TypeError(f"could not build a Value from {type(data).__name__}: {error}") from None
        if dtype is None and array.dtype.kind == "f" and not isinstance(data, np.generic):
            array = array.astype(dtypes.get_default_dtype())  # a NumPy scalar keeps its dtype, as in torch
    kind = array.dtype.kind
    if kind not in "biuf":
        source = f"np.ndarray of type {array.dtype}" if data is array else f"{type(data).__name__} data"
        found = "object or string data" if kind in "OUSV" else f"dtype {array.dtype}"
        raise TypeError(
            f"can't convert {source} to a Value: only bool, integer and floating point data are supported "
            f"(found {found}; convert it to numbers first, e.g. with np.asarray(data, dtype=float))"
        )
    if dtype is not None:
        dtype = np.dtype(dtype)
        if array.dtype != dtype:
            array = array.astype(dtype)
    return array  # NumPy's integer dtypes (int16, uint8, uint32, ...) are kept, as torch keeps them



class Value(_Methods):
    """An n-dimensional array (0-d for a scalar) with reverse-mode automatic differentiation.

    `Value(data, dtype=None, requires_grad=False)` follows torch.tensor: float arrays keep their
    dtype, Python floats and lists of floats get the default dtype (float32), integers int64.
    """

    __slots__ = ("_data", "_grad", "_grad_fn", "_requires_grad", "_hooks", "__weakref__")
    __array_priority__ = 1000  # NumPy defers to Value's reflected operators
    __array_ufunc__ = None
    __hash__ = object.__hash__
    _tracks_versions = True  # in-place changes are recorded for backward's check; not through `.data`

    _data: np.ndarray
    _grad: Value | None
    _grad_fn: Any
    _requires_grad: bool
    _hooks: dict[int, Callable[[Value], Any]] | None

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        array = as_array(data, dtype)
        if isinstance(data, Value) and array is data._data:
            array = array.copy()  # a new leaf never shares memory with the Value it was built from
        init_leaf(self, array, requires_grad)

    # The two constructors below are `init_leaf` inlined: they run once per op (the no-graph path and the
    # graph path), where a further call costs measurably. tests/test_layers.py checks every construction
    # path sets every slot.
    @classmethod
    def _make(cls, array: np.ndarray, node: Any) -> Value:
        """A result of a recorded op (no checks: the engine's fast path)."""
        v = _new(Value)
        v._data = array
        v._grad = None
        v._grad_fn = node
        v._requires_grad = True
        v._hooks = None
        return v

    @classmethod
    def _make_const(cls, array: Any) -> Value:
        """A Value that needs no gradient, wrapping `array` without copying."""
        v = _new(Value)
        v._data = array if type(array) is np.ndarray else np.asarray(array)
        v._grad = None
        v._grad_fn = None
        v._requires_grad = False
        v._hooks = None
        return v


    # ----- autograd attributes -------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Value:
        """Ask (or stop asking) for gradients of this leaf; returns self."""
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(NON_LEAF_REQUIRES_GRAD_MESSAGE)
            return self
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self) -> Any:
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def retains_grad(self) -> bool:
        fn = self._grad_fn
        return fn is not None and fn._retained is not None and fn._retained() is self

    @property
    def grad(self) -> Value | None:
        if self._grad_fn is not None and not self.retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Value | None) -> None:
        if value is None:
            self._grad = None
            return
        if not isinstance(value, Value):
            raise TypeError(f"assigned grad expected to be a Value or None but got grad of type {type(value).__name__}")
        if value.shape != self.shape:
            raise RuntimeError(
                f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
            )
        if value._data.dtype != self._data.dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{c_type_name(value._data.dtype)}' to a tensor with "
                f"grad_dtype '{torch_dtype_name(self._data.dtype)}'. The gradient must match the tensor's "
                "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
                "with a specific dtype, "
                "or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                "gradient may break downstream systems that assume they match."
            )
        self._grad = value

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf after backward (leaves always keep it)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        self._grad_fn._retained = weakref.ref(self)
        self._grad_fn._observed = True

    def register_hook(self, hook: Callable[[Value], Value | None]) -> RemovableHandle:
        """Call `hook(grad)` when this Value's gradient is computed; a returned Value replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, hook)

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad.

        `gradient` is d(loss)/d(self) for a non-scalar self (vector-Jacobian product); the graph's
        saved arrays are freed afterwards unless `retain_graph=True`.
        """
        (_autograd_backward or _load_autograd_backward())(self, gradient, retain_graph, create_graph, inputs)


    def detach(self) -> Value:
        """A Value sharing this one's memory, cut off from the graph (a leaf with requires_grad=False)."""
        return Value._make_const(self._data)

    def detach_(self) -> Value:
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Value:
        """The same memory as a Value outside the graph: changes to it are not tracked (as in torch)."""
        view = Value._make_const(self._data)
        view.__class__ = _UntrackedData
        return view

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value._data if isinstance(value, Value) else as_array(value)

    # ----- array attributes ----------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[dim]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    @property
    def dtype(self) -> Any:
        return dtypes.torch_dtype(self._data.dtype)  # type: ignore[no-any-return]

    @property
    def device(self) -> Any:
        return devices.CPU

    is_cuda = False
    is_cpu = True

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def item(self) -> Any:
        """The single element as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared memory)."""
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        if spec:
            raise TypeError(
                f"unsupported format string passed to Value.__format__: only a 0-d Value formats like a number, "
                f"this one has shape {list(self._data.shape)} (use .item() on a single element)"
            )
        return repr(self)

    def __repr__(self) -> str:
        return format_value(self)

    __str__ = __repr__

    def __iter__(self) -> Any:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def contiguous(self) -> Value:
        return self

    def cpu(self) -> Value:
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Value:
        """torch's error on a machine without CUDA: tinygrad_lr computes on the CPU."""
        raise devices.no_cuda()


def require_value(x: Any, function: str, name: str, position: int) -> Value:
    """`x` itself if it is a Value, else torch's TypeError naming the argument and the type that was given."""
    if not isinstance(x, Value):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def init_leaf(v: Value, array: np.ndarray, requires_grad: bool = False) -> Value:
    """Set every slot of a new leaf `v` (Value.__init__ and Parameter.__init__ share it)."""
    v._data = array
    v._grad = None
    v._grad_fn = None
    v._requires_grad = False
    v._hooks = None
    if requires_grad:
        v.requires_grad_(True)
    return v


_new = object.__new__

# `autograd.api.backward`, imported on the first `backward()` (the engine builds on Value: its one call upward).
# Kept here after that: an import statement in the method would run Python's import machinery every call.
_autograd_backward: Callable[..., None] | None = None


def _load_autograd_backward() -> Callable[..., None]:
    global _autograd_backward
    from tinygrad_lr.autograd.api import backward

    _autograd_backward = backward
    return backward



class _UntrackedData(Value):
    """What `.data` returns: in-place changes through it are invisible to backward's version check, as in torch."""

    __slots__ = ()
    _tracks_versions = False


class Size(tuple):
    """A shape; prints as torch.Size([...]) so error messages read as torch's."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self) -> int:
        return int(np.prod(self))


class MinMax(tuple):
    """(values, indices), as returned by max(dim) and min(dim)."""

    def __new__(cls, values: Value, indices: Value) -> MinMax:
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> Value:
        return self[0]

    @property
    def indices(self) -> Value:
        return self[1]


_next_hook_id = itertools.count()


class RemovableHandle:
    """What `register_hook` and the `nn.Module` `register_*_hook` methods return (torch's
    `torch.utils.hooks.RemovableHandle`): `handle.remove()`, or leaving a `with handle:` block, unregisters the hook.

    A registry is a dict from a handle's id to its hook, in calling order.
    """

    def __init__(self, registry: dict[int, Any], flags: tuple[set[int], ...] = ()) -> None:
        self.id = next(_next_hook_id)
        self._registry = registry
        self._flags = flags  # the sets (with_kwargs, always_call) this hook's id may be in

    def remove(self) -> None:
        """Unregister the hook; removing twice is harmless."""
        self._registry.pop(self.id, None)
        for flag in self._flags:
            flag.discard(self.id)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def add_hook(
    registry: dict[int, Any], hook: Callable[..., Any], prepend: bool = False, flags: tuple[set[int], ...] = ()
) -> RemovableHandle:
    """Add `hook` to `registry` (first if `prepend`, else last) and return its handle."""
    handle = RemovableHandle(registry, flags)
    registry[handle.id] = hook
    if prepend:
        for key in [k for k in registry if k != handle.id]:
            registry[key] = registry.pop(key)  # move every other hook behind the new one
    return handle


