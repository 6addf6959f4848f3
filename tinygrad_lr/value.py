"""`Value`: a NumPy array that remembers how it was computed, so `backward()` can differentiate it.

A Value holds its array in `_data`, its accumulated gradient in `_grad` (a Value, or None), and,
when it is the result of an op that needs a gradient, the node that made it in `_grad_fn`.
Leaves (`grad_fn is None`) are the Values a user creates; only they keep `.grad` after backward
(non-leaves do if asked with `retain_grad()`). A scalar is a 0-d Value.

Operators and methods here only prepare arguments (Python numbers, dtype promotion) and call
the `Function`s in `tinygrad_lr.ops`, where each op's forward and backward live side by side.
"""

from __future__ import annotations

import builtins
import math
import numbers
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from tinygrad_lr import arguments, dtypes
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.autograd.versions import mark_modified
from tinygrad_lr.formatting import format_value

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


class Value:
    """An n-dimensional array (0-d for a scalar) with reverse-mode automatic differentiation.

    `Value(data, dtype=None, requires_grad=False)` follows torch.tensor: float arrays keep their
    dtype, Python floats and lists of floats get the default dtype (float32), integers int64.
    """

    __slots__ = ("_data", "_grad", "_grad_fn", "_requires_grad", "_hooks", "__weakref__")
    __array_priority__ = 1000  # NumPy defers to Value's reflected operators
    __array_ufunc__ = None
    __hash__ = object.__hash__

    _data: np.ndarray
    _grad: Value | None
    _grad_fn: Any
    _requires_grad: bool
    _hooks: list[Callable[[Value], Any]] | None

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        array = as_array(data, dtype)
        if isinstance(data, Value) and array is data._data:
            array = array.copy()  # a new leaf never shares memory with the Value it was built from
        self._data = array
        self._grad = None
        self._grad_fn = None
        self._requires_grad = False
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, array: np.ndarray, node: Any) -> Value:
        """A result of a recorded op (no checks: the engine's fast path)."""
        v = object.__new__(Value)
        v._data = array
        v._grad = None
        v._grad_fn = node
        v._requires_grad = True
        v._hooks = None
        return v

    @classmethod
    def _make_const(cls, array: Any) -> Value:
        """A Value that needs no gradient, wrapping `array` without copying."""
        v = object.__new__(Value)
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
        if value.dtype != self.dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{value.dtype}' to a tensor with dtype "
                f"'{self.dtype}'. Please ensure that the gradient and the tensor have the same dtype"
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

    def register_hook(self, hook: Callable[[Value], Value | None]) -> Any:
        """Call `hook(grad)` when this Value's gradient is computed; a returned Value replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            self._grad_fn.register_hook(hook)
            hooks = self._grad_fn._pre_hooks
        else:
            if self._hooks is None:
                self._hooks = []
            self._hooks.append(hook)
            hooks = self._hooks
        return _RemovableHandle(hooks, hook)

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
        autograd_api.backward(self, gradient, retain_graph, create_graph, inputs)

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
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def device(self) -> str:
        return "cpu"

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

    # ----- dtype conversion ----------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Value:
        """Cast to a dtype (differentiable). Device arguments ('cpu') are accepted and ignored."""
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Value):
                dtype = a.dtype
            elif not isinstance(a, str):
                dtype = a
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self
        return ops.Cast.apply(self, np.dtype(dtype))

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return f"tinygrad_lr.{self.dtype}"
        return self.to(dtype)

    def type_as(self, other: Value) -> Value:
        return self.to(other.dtype)

    def double(self) -> Value:
        return self.to(dtypes.float64)

    def float(self) -> Value:
        return self.to(dtypes.float32)

    def long(self) -> Value:
        return self.to(dtypes.int64)

    def int(self) -> Value:
        return self.to(dtypes.int32)

    def bool(self) -> Value:
        return self.to(dtypes.bool)

    def cpu(self) -> Value:
        return self

    clone: ClassVar[Callable[[Value], Value]]  # recorded directly, as the operators below

    def contiguous(self) -> Value:
        return self

    # ----- arithmetic ----------------------------------------------------------------------
    # a + b, a - b and a * b, and the elementwise functions below, are functions that record their op
    # themselves, made at the end of this module (function.binary_recorder / unary_recorder): a method
    # calling the op's apply would cost one more Python call per op, ~3 % of a small op.
    __add__: ClassVar[Callable[[Value, Any], Value]]
    __sub__: ClassVar[Callable[[Value, Any], Value]]
    __mul__: ClassVar[Callable[[Value, Any], Value]]

    def __radd__(self, other: Any) -> Value:
        a, b = _prepare_operands(self, other)
        return ops.Add._record_binary(b, a)

    def __rsub__(self, other: Any) -> Value:
        a, b = _prepare_operands(self, other)
        return ops.Sub._record_binary(b, a)

    def __rmul__(self, other: Any) -> Value:
        a, b = _prepare_operands(self, other)
        return ops.Mul._record_binary(b, a)

    def __truediv__(self, other: Any) -> Value:
        a, b = _pair(self, other, floating=True)
        return ops.Div._record_binary(a, b)

    def __rtruediv__(self, other: Any) -> Value:
        a, b = _pair(self, other, floating=True)
        return ops.Div._record_binary(b, a)

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, numbers.Number) and not isinstance(other, bool):
            if self._data.dtype.kind != "f":  # torch: int ** 0.5 is the default float dtype, int ** 2 stays int
                return ops.PowScalar.apply(self.to(dtypes.scalar_dtype(other, self._data.dtype)), other)
            return ops.PowScalar.apply(self, other)
        a, b = _pair(self, other)
        return ops.Pow.apply(a, b)

    def __rpow__(self, other: Any) -> Value:
        a, b = _pair(self, other)
        return ops.Pow.apply(b, a)

    __neg__: ClassVar[Callable[[Value], Value]]

    def __pos__(self) -> Value:
        return self

    __abs__: ClassVar[Callable[[Value], Value]]

    def __matmul__(self, other: Any) -> Value:
        if not isinstance(other, (Value, np.ndarray)):
            return NotImplemented  # Python then raises torch's TypeError: unsupported operand type(s) for @
        a, b = _pair(self, other)
        return ops.MatMul.apply(a, b)

    def __rmatmul__(self, other: Any) -> Value:
        if not isinstance(other, (Value, np.ndarray)):
            return NotImplemented
        a, b = _pair(self, other)
        return ops.MatMul.apply(b, a)

    def __floordiv__(self, other: Any) -> Value:
        a, b = _pair(self, other)
        return Value._make_const(np.floor_divide(_array_of(a), _array_of(b)))

    def __mod__(self, other: Any) -> Value:
        a, b = _pair(self, other)
        return Value._make_const(np.remainder(_array_of(a), _array_of(b)))

    add: ClassVar[Callable[[Value, Any], Value]]  # (aliases of the recorded operators: made with them)
    sub: ClassVar[Callable[[Value, Any], Value]]
    subtract: ClassVar[Callable[[Value, Any], Value]]
    mul: ClassVar[Callable[[Value, Any], Value]]
    multiply: ClassVar[Callable[[Value, Any], Value]]
    div = __truediv__
    divide = __truediv__
    pow = __pow__
    neg: ClassVar[Callable[[Value], Value]]
    negative: ClassVar[Callable[[Value], Value]]
    abs: ClassVar[Callable[[Value], Value]]
    def matmul(self, other: Any) -> Value:
        return self @ _tensor_argument(other, "matmul", "other", 1)

    def mm(self, other: Value) -> Value:
        return self @ _tensor_argument(other, "mm", "mat2", 1)

    # ----- comparisons (no gradient) -------------------------------------------------------
    def _compare(self, other: Any, ufunc: Any) -> Value:
        a, b = _pair(self, other)
        return Value._make_const(ufunc(_array_of(a), _array_of(b)))

    def __lt__(self, other: Any) -> Value:
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> Value:
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> Value:
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> Value:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Value:  # type: ignore[override]
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> Value:  # type: ignore[override]
        return self._compare(other, np.not_equal)

    def __invert__(self) -> Value:
        return Value._make_const(np.invert(self._data))

    def __and__(self, other: Any) -> Value:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: Any) -> Value:
        return self._compare(other, np.bitwise_or)

    lt = __lt__
    le = __le__
    gt = __gt__
    ge = __ge__
    eq = __eq__
    ne = __ne__

    def equal(self, other: Value) -> builtins.bool:
        return self.shape == other.shape and bool(np.array_equal(self._data, _array_of(other)))

    def allclose(self, other: Any, rtol: builtins.float = 1e-5, atol: builtins.float = 1e-8) -> builtins.bool:
        return bool(np.allclose(self._data, _array_of(other), rtol=rtol, atol=atol))

    def isnan(self) -> Value:
        return Value._make_const(np.isnan(self._data))

    def sign(self) -> Value:
        return Value._make_const(np.sign(self._data))

    # ----- elementwise functions -----------------------------------------------------------
    # (recorded directly, as the arithmetic operators: see the end of this module)
    exp: ClassVar[Callable[[Value], Value]]
    log: ClassVar[Callable[[Value], Value]]
    log1p: ClassVar[Callable[[Value], Value]]
    sqrt: ClassVar[Callable[[Value], Value]]
    sin: ClassVar[Callable[[Value], Value]]
    cos: ClassVar[Callable[[Value], Value]]
    tanh: ClassVar[Callable[[Value], Value]]
    sigmoid: ClassVar[Callable[[Value], Value]]
    relu: ClassVar[Callable[[Value], Value]]

    def leaky_relu(self, negative_slope: builtins.float = 0.01) -> Value:
        return ops.LeakyRelu.apply(self, negative_slope)

    def softplus(self, beta: builtins.float = 1.0, threshold: builtins.float = 20.0) -> Value:
        return ops.Softplus.apply(self, beta, threshold)

    def square(self) -> Value:
        return ops.PowScalar.apply(self, 2)

    def rsqrt(self) -> Value:
        return ops.PowScalar.apply(self, -0.5)

    def reciprocal(self) -> Value:
        return 1.0 / self

    def clamp(self, min: Any = None, max: Any = None) -> Value:  # noqa: A002 - torch's names
        """Limit to [min, max]; the gradient passes where min <= x <= max (torch's convention)."""
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        # the result dtype is torch's result_type of all three (an int tensor clamped at 2.5 becomes float)
        bounds = [b for b in (min, max) if b is not None]
        target = dtypes.promote_tensors(
            [(v._data.dtype, v._data.ndim) for v in (self, *bounds) if isinstance(v, Value)]
        )
        for b in bounds:
            if not isinstance(b, Value):
                target = dtypes.scalar_dtype(b, target)
        lo, hi = (b.to(target) if isinstance(b, Value) else b for b in (min, max))
        return ops.Clamp.apply(self.to(target), lo, hi)

    clip = clamp

    def maximum(self, other: Any) -> Value:
        a, b = _pair(self, other)
        return ops.Maximum.apply(a, b)

    def minimum(self, other: Any) -> Value:
        a, b = _pair(self, other)
        return ops.Minimum.apply(a, b)

    def softmax(self, dim: builtins.int) -> Value:
        return ops.Softmax.apply(self, arguments.single_dim(dim, self._data.ndim))

    def log_softmax(self, dim: builtins.int) -> Value:
        return ops.LogSoftmax.apply(self, arguments.single_dim(dim, self._data.ndim))

    def where(self, condition: Any, other: Any) -> Value:
        return where(condition, self, other)

    # ----- reductions ----------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Value:
        """Sum over `dim` (all dims if None); integer and bool data sum as int64, as in torch."""
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind in "biu":
            source = source.to(dtypes.int64)
        return ops.Sum.apply(source, arguments.dims(dim, self._data.ndim), keepdim)

    def mean(self, dim: Any = None, keepdim: builtins.bool = False, dtype: Any = None) -> Value:
        source = self.to(dtype) if dtype is not None else self
        if source._data.dtype.kind not in "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                f"dtype. Got: {arguments.torch_dtype_name(source.dtype)}"
            )
        return ops.Mean.apply(source, arguments.dims(dim, self._data.ndim), keepdim)

    def var(
        self, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *, correction: Any = None
    ) -> Value:
        """Variance: sum((x - mean)^2) / (N - correction); correction=1 (unbiased) by default."""
        axes = arguments.dims(dim, self._data.ndim)
        return ops.Var.apply(self, axes, arguments.variance_correction(unbiased, correction), keepdim)

    def std(
        self, dim: Any = None, unbiased: Any = None, keepdim: builtins.bool = False, *, correction: Any = None
    ) -> Value:
        """Standard deviation: sqrt(var); its gradient is 0 where it is 0 (a constant row), as in torch."""
        axes = arguments.dims(dim, self._data.ndim)
        return ops.Std.apply(self, axes, arguments.variance_correction(unbiased, correction), keepdim)

    def max(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The largest element; with `dim`, a (values, indices) pair as torch.max(dim) returns."""
        if isinstance(dim, Value):
            return self.maximum(dim)
        if self._data.size == 0:
            ops.check_reduction_size("max", self._data.shape, arguments.dims(dim, self._data.ndim))
        if dim is None:
            return ops.Max._record_unary(self)
        values = ops.MaxDim.apply(self, arguments.single_dim(dim, self._data.ndim), keepdim)
        return MinMax(values, self.argmax(dim, keepdim))

    def min(self, dim: Any = None, keepdim: builtins.bool = False) -> Any:
        """The smallest element; with `dim`, a (values, indices) pair as torch.min(dim) returns."""
        if isinstance(dim, Value):
            return self.minimum(dim)
        if self._data.size == 0:
            ops.check_reduction_size("min", self._data.shape, arguments.dims(dim, self._data.ndim))
        if dim is None:
            return -ops.Max.apply(-self)
        values = -ops.MaxDim.apply(-self, arguments.single_dim(dim, self._data.ndim), keepdim)
        return MinMax(values, self.argmin(dim, keepdim))

    def amax(self, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        return ops.Amax.apply(self, arguments.dims(dim, self._data.ndim), keepdim)

    def amin(self, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        if self._data.size == 0:
            ops.check_reduction_size("amin", self._data.shape, arguments.dims(dim, self._data.ndim))
        return -ops.Amax.apply(-self, arguments.dims(dim, self._data.ndim), keepdim)

    def argmax(self, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        return _arg_reduce(np.argmax, self._data, dim, keepdim)

    def argmin(self, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        return _arg_reduce(np.argmin, self._data, dim, keepdim)

    def norm(self, p: Any = 2, dim: Any = None, keepdim: builtins.bool = False) -> Value:
        """The p-norm over `dim`: (sum |x|^p)^(1/p); max |x| for p = inf, min |x| for -inf, the number of non-zero
        elements for 0. A zero vector's gradient is 0, as in torch."""
        if p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
        p = 2.0 if p == "fro" else builtins.float(p)
        if p == math.inf:
            return self.abs().amax(dim, keepdim)
        if p == -math.inf:
            return self.abs().amin(dim, keepdim)
        return ops.Norm.apply(self, p, arguments.dims(dim, self._data.ndim), keepdim)

    # ----- shape ---------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Value:
        target = arguments.shape_arg(shape)
        if target == self._data.shape:
            return self
        return ops.Reshape.apply(self, arguments.resolve_shape(target, self._data.size, self._data.shape))

    view = reshape

    def view_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def reshape_as(self, other: Value) -> Value:
        return self.reshape(other.shape)

    def flatten(self, start_dim: builtins.int = 0, end_dim: builtins.int = -1) -> Value:
        shape = self._data.shape
        if not shape:
            return self.reshape(1)
        start = arguments.single_dim(start_dim, len(shape))
        end = arguments.single_dim(end_dim, len(shape))
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        merged = int(np.prod(shape[start : end + 1]))
        return self.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    def squeeze(self, dim: Any = None) -> Value:
        shape = self._data.shape
        if dim is None:
            return self.reshape(tuple(s for s in shape if s != 1))
        requested = dim if isinstance(dim, (tuple, list)) else (dim,)
        axes = {arguments.single_dim(d, max(len(shape), 1)) for d in requested}
        return self.reshape(tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1)))

    def split(self, split_size_or_sections: Any, dim: builtins.int = 0) -> tuple[Value, ...]:
        """Pieces along `dim`: of `split_size` each (the last may be shorter), or of the listed sizes."""
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = [int(s) for s in split_size_or_sections]
            if builtins.sum(sizes) != size or builtins.min(sizes, default=0) < 0:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                    f"dimension {dim}), but got split_sizes={sizes}"
                )
        else:
            step = int(split_size_or_sections)
            if step < 0:
                raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
            if step == 0 and size != 0:
                raise RuntimeError(
                    f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
                )
            sizes = [builtins.min(step, size - start) for start in range(0, size, step)] if size else [0]
        pieces = []
        start = 0
        for length in sizes:
            pieces.append(self[(slice(None),) * axis + (slice(start, start + length),)])
            start += length
        return tuple(pieces)

    def chunk(self, chunks: builtins.int, dim: builtins.int = 0) -> tuple[Value, ...]:
        """`chunks` pieces along `dim` of ceil(size / chunks) each (fewer when they run out), as torch.chunk."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        axis = arguments.single_dim(dim, self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if size == 0:
            return tuple(self.split(0, dim) * chunks)
        return self.split(-(-size // chunks), dim)

    def unsqueeze(self, dim: builtins.int) -> Value:
        shape = self._data.shape
        axis = arguments.single_dim(dim, len(shape) + 1)
        return self.reshape(shape[:axis] + (1,) + shape[axis:])

    def transpose(self, dim0: builtins.int, dim1: builtins.int) -> Value:
        ndim = self._data.ndim
        order = list(range(ndim))
        if ndim:
            a, b = arguments.single_dim(dim0, ndim), arguments.single_dim(dim1, ndim)
            order[a], order[b] = order[b], order[a]
        return self.permute(*order)

    swapaxes = transpose

    def t(self) -> Value:
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return self.permute(*reversed(range(self._data.ndim)))

    @property
    def T(self) -> Value:  # noqa: N802 - torch's name
        return self.permute(*reversed(range(self._data.ndim)))

    @property
    def mT(self) -> Value:  # noqa: N802 - torch's name
        return self.transpose(-2, -1)

    def permute(self, *dims: Any) -> Value:
        requested = arguments.shape_arg(dims)
        if len(requested) != self._data.ndim:
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {self._data.ndim} is not equal to len(dims) = "
                f"{len(requested)}"
            )
        order = tuple(arguments.single_dim(d, self._data.ndim) for d in requested)
        if len(set(order)) < len(order):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        if order == tuple(range(self._data.ndim)):
            return self
        return ops.Permute.apply(self, order)

    def expand(self, *sizes: Any) -> Value:
        target = arguments.shape_arg(sizes)
        shape = self._data.shape
        lead = len(target) - len(shape)
        if lead < 0:
            raise RuntimeError(
                f"expand: the number of sizes provided ({len(target)}) must be greater or equal to the number of "
                f"dimensions in the tensor ({len(shape)})"
            )
        resolved = tuple(shape[i - lead] if s == -1 else s for i, s in enumerate(target))
        if resolved == shape:
            return self
        return ops.Expand.apply(self, resolved)

    def expand_as(self, other: Value) -> Value:
        return self.expand(other.shape)

    def repeat(self, *sizes: Any) -> Value:
        reps = arguments.shape_arg(sizes)
        out = self.reshape((1,) * (len(reps) - self._data.ndim) + self._data.shape)
        for axis, count in enumerate(reps):
            if count != 1:
                out = cat([out] * count, dim=axis)
        return out

    def __getitem__(self, index: Any) -> Value:
        return ops.Index.apply(self, _normalize_index(index))

    def __setitem__(self, index: Any, value: Any) -> None:
        """`x[index] = value` in x's memory; recorded (IndexPut) when x or value needs a gradient, as in torch."""
        index = _normalize_index(index)
        if STATE.enabled and (self._requires_grad or _requires_grad(value)):
            self._record_inplace(lambda before: ops.IndexPut.apply(before, value, index), value)
            return
        self._check_inplace()
        self._data[index] = _array_of(value)

    # ----- in-place ------------------------------------------------------------------------
    _tracks_versions = True  # in-place changes are recorded for backward's check; not through `.data`

    def _check_inplace(self) -> None:
        """torch's rule for in-place ops, and a note that this memory changed (see autograd/versions.py)."""
        if self._requires_grad and STATE.enabled:
            if self._grad_fn is None:
                raise RuntimeError(LEAF_INPLACE_MESSAGE)
            raise RuntimeError(
                "in-place operations on a Value that is part of a graph are not supported: use the "
                "out-of-place form (x = x + y) instead"
            )
        if not self._data.flags.writeable:
            raise arguments.read_only_error(self._data)
        if self._tracks_versions:
            mark_modified(self._data)

    def _inplace(self, ufunc: Any, other: Any, outofplace: Callable[[Value, Any], Value]) -> Value:
        """`self <op>= other` in this Value's memory; recorded in the graph when a gradient needs it."""
        if STATE.enabled and (self._requires_grad or _requires_grad(other)):
            return self._record_inplace(lambda before: outofplace(before, other), other)
        self._check_inplace()
        operand = _array_of(other)
        try:
            ufunc(self._data, operand, out=self._data, casting="same_kind")
        except (TypeError, np._core._exceptions._UFuncOutputCastingError):  # type: ignore[attr-defined]
            if isinstance(operand, (numbers.Number, np.generic)):
                result = dtypes.scalar_dtype(operand, self._data.dtype)
            else:
                result = dtypes.promote_pair(self._data.dtype, np.asarray(operand).dtype)
            raise arguments.inplace_cast_error(result, self._data.dtype) from None
        except ValueError:
            raise arguments.inplace_shape_error(self._data.shape, np.shape(operand)) from None
        return self

    def _record_inplace(self, compute: Callable[[Value], Value], operand: Any) -> Value:
        """An in-place op inside a graph, as torch records it: the memory changes in place, and this Value's
        `grad_fn` becomes the op's node, whose input is the value from before the change.

        `compute(before)` builds the result out of place from a Value holding the old value.
        """
        if self._grad_fn is None and self._requires_grad:
            raise RuntimeError(LEAF_INPLACE_MESSAGE)
        memory = self._data
        if memory.base is not None:
            raise RuntimeError(
                "in-place operations inside a graph on a Value that shares memory with another (a view from "
                "reshape, transpose or indexing) are not supported: use the out-of-place form (x = x + y)"
            )
        # The op may save its input for backward, and this memory is about to change: it gets a copy
        # (torch clones the original value for the same reason).
        old = memory.copy()
        before = Value._make_const(old) if self._grad_fn is None else Value._make(old, self._grad_fn)
        result = compute(before)
        if result._data.shape != memory.shape:
            raise arguments.inplace_shape_error(memory.shape, np.shape(_array_of(operand)))
        if result._data.dtype != memory.dtype:
            if not np.can_cast(result._data.dtype, memory.dtype, casting="same_kind"):
                raise arguments.inplace_cast_error(result._data.dtype, memory.dtype)
            result = result.to(memory.dtype)
        if self._tracks_versions:
            mark_modified(memory)  # nodes that saved the old value now refuse to use it, as in torch
        np.copyto(memory, result._data)
        self._grad_fn = result._grad_fn
        self._requires_grad = result._requires_grad
        return self

    def _augmented(self, other: Any, inplace: Callable[[Value, Any], Value], outofplace: Any) -> Value:
        """`x += y`: in place like torch; a recorded view gets a new node instead (same gradients)."""
        if self._requires_grad and STATE.enabled and self._grad_fn is not None and self._data.base is not None:
            return outofplace(self, other)
        return inplace(self, other)

    def __iadd__(self, other: Any) -> Value:
        return self._augmented(other, Value.add_, Value.__add__)

    def __isub__(self, other: Any) -> Value:
        return self._augmented(other, Value.sub_, Value.__sub__)

    def __imul__(self, other: Any) -> Value:
        return self._augmented(other, Value.mul_, Value.__mul__)

    def __itruediv__(self, other: Any) -> Value:
        return self._augmented(other, Value.div_, Value.__truediv__)

    def add_(self, other: Any, alpha: builtins.float = 1) -> Value:
        """self += alpha * other, in place."""
        return self._inplace(np.add, _scaled(other, alpha), Value.__add__)

    def sub_(self, other: Any, alpha: builtins.float = 1) -> Value:
        """self -= alpha * other, in place."""
        return self._inplace(np.subtract, _scaled(other, alpha), Value.__sub__)

    def mul_(self, other: Any) -> Value:
        return self._inplace(np.multiply, other, Value.__mul__)

    def div_(self, other: Any) -> Value:
        return self._inplace(np.divide, other, Value.__truediv__)

    def zero_(self) -> Value:
        """Set every element to 0, in place."""
        return self.fill_(0)

    def fill_(self, value: Any) -> Value:
        """Set every element to `value` (a number or a one-element Value), in place."""
        if STATE.enabled and (self._requires_grad or _requires_grad(value)):
            return self._overwrite_in_graph(value)
        self._check_inplace()
        self._data.fill(_array_of(value))
        return self

    def copy_(self, src: Any) -> Value:
        """Copy `src` into this Value's memory, casting to its dtype and broadcasting to its shape.

        Inside a graph the copy is recorded: the gradient flows to `src` (none to the old value).
        """
        source = _array_of(src)
        try:
            broadcast = np.broadcast_to(source, self._data.shape)
        except ValueError:
            raise arguments.inplace_shape_error(self._data.shape, np.shape(source)) from None
        if STATE.enabled and (self._requires_grad or _requires_grad(src)):
            return self._overwrite_in_graph(src)
        self._check_inplace()
        np.copyto(self._data, broadcast, casting="unsafe")
        return self

    def _overwrite_in_graph(self, source: Any) -> Value:
        """Every element replaced by `source` (broadcast, cast), recorded: the gradient flows to `source` only.

        Written as where(nowhere, old, source), so the old value gets an exact zero gradient (not 0 * inf)."""
        shape, dtype = self._data.shape, self._data.dtype
        nowhere = Value._make_const(np.zeros(shape, dtype=bool))
        new = source.to(dtype) if isinstance(source, Value) else Value._make_const(np.asarray(source, dtype=dtype))
        return self._record_inplace(lambda before: where(nowhere, before, new), source)

    def uniform_(self, a: builtins.float = 0.0, b: builtins.float = 1.0) -> Value:
        from tinygrad_lr.random import default_generator

        self._check_inplace()
        self._data[...] = default_generator.uniform(a, b, self._data.shape)
        return self

    def normal_(self, mean: builtins.float = 0.0, std: builtins.float = 1.0) -> Value:
        from tinygrad_lr.random import default_generator

        self._check_inplace()
        self._data[...] = default_generator.normal(mean, std, self._data.shape)
        return self


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


class _RemovableHandle:
    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# ----- helpers that prepare arguments ---------------------------------------------------------
def _array_of(x: Any) -> Any:
    return x._data if isinstance(x, Value) else x


def _prepare_operands(a: Value, b: Any) -> tuple[Any, Any]:
    """The arguments of a binary operator of `a`: as they are if they need no preparation (see _same_kind),
    else both Values of their promoted dtype."""
    if _same_kind(a, b):
        return a, b
    return _pair(a, b)


def _same_kind(a: Value, b: Any) -> bool:
    """Whether `b` needs no preparation next to `a`: a Value of the same dtype, or a Python float next to floats."""
    if type(b) is Value:
        return b._data.dtype is a._data.dtype
    return type(b) is float and a._data.dtype.kind == "f"


def _tensor_argument(x: Any, function: str, name: str, position: int) -> Any:
    """`x` if it is a Value or an array, else torch's TypeError for a function argument that must be a tensor."""
    if not isinstance(x, (Value, np.ndarray)):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _requires_grad(x: Any) -> bool:
    return isinstance(x, Value) and x._requires_grad


def _scaled(other: Any, alpha: Any) -> Any:
    """alpha * other for add_/sub_: a Value stays a Value (so its gradient is recorded), anything else an array."""
    if alpha == 1:
        return other
    return other * alpha if isinstance(other, Value) else np.asarray(other) * alpha


def _pair(a: Value, b: Any, floating: bool = False) -> tuple[Any, Any]:
    """Make `b` an operand for `a`: Python numbers take a's dtype (torch's scalar rule), mixed dtypes promote."""
    da = a._data.dtype
    if (type(b) is float or type(b) is int) and da.kind == "f":
        return a, b  # NumPy keeps a float array's dtype next to a Python number, as torch does
    if isinstance(b, Value):
        db = b._data.dtype
        if db != da:
            target = dtypes.promote_tensors([(da, a._data.ndim), (db, b._data.ndim)])
            if floating and target.kind != "f":
                target = dtypes.get_default_dtype()
            return a.to(target), b.to(target)
        if floating and da.kind != "f":
            target = dtypes.get_default_dtype()
            return a.to(target), b.to(target)
        return a, b
    if isinstance(b, (numbers.Number, np.generic)):
        target = dtypes.scalar_dtype(b, da)
        if floating and target.kind != "f":
            target = dtypes.get_default_dtype()
        if target != da:
            a = a.to(target)
        return a, np.asarray(b, dtype=target)
    if isinstance(b, (np.ndarray, list, tuple)):
        return _pair(a, Value(b), floating)
    raise TypeError(f"unsupported operand type(s) for Value and {type(b).__name__}")


def _normalize_index(index: Any) -> Any:
    """Turn Values inside an index into arrays (bool masks and integer index tensors)."""
    if isinstance(index, Value):
        return index._data
    if isinstance(index, tuple):
        return tuple(i._data if isinstance(i, Value) else i for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _arg_reduce(fn: Any, data: np.ndarray, dim: Any, keepdim: bool) -> Value:
    if data.size == 0:
        ops.check_reduction_size(fn.__name__, data.shape, arguments.dims(dim, data.ndim))
    if dim is None:
        result = np.asarray(fn(data), dtype=np.int64)
        return Value._make_const(result.reshape((1,) * data.ndim) if keepdim else result)
    axis = arguments.single_dim(dim, data.ndim)
    if data.ndim == 0:
        return Value._make_const(np.zeros((), dtype=np.int64))
    return Value._make_const(fn(data, axis=axis, keepdims=keepdim).astype(np.int64))


def where(condition: Any, input: Any, other: Any) -> Value:  # noqa: A002 - torch's name
    """Elementwise `input if condition else other`; gradients flow to the chosen side only."""
    mask = np.asarray(_array_of(condition))
    if mask.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{arguments.torch_dtype_name(mask.dtype)}"
        )
    if isinstance(input, Value):
        a, b = _pair(input, other)
    elif isinstance(other, Value):
        b, a = _pair(other, input)
    else:
        a, b = Value(input), Value(other)
        a, b = _pair(a, b)
    return ops.Where.apply(mask, a, b)


def cat(tensors: Sequence[Value], dim: int = 0) -> Value:
    """Join along an existing dimension; each input's gradient is its slice of the output's."""
    values = _promote_all(tensors, "cat")
    return ops.Cat.apply(arguments.single_dim(dim, values[0]._data.ndim), *values)


def stack(tensors: Sequence[Value], dim: int = 0) -> Value:
    """Join along a new dimension `dim`."""
    values = _promote_all(tensors, "stack")
    shapes = {v._data.shape for v in values}
    if len(shapes) > 1:
        first = values[0]
        entry = next(i for i, v in enumerate(values) if v._data.shape != first._data.shape)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {list(first.shape)} at entry 0 and "
            f"{list(values[entry].shape)} at entry {entry}"
        )
    axis = arguments.single_dim(dim, values[0]._data.ndim + 1)
    return cat([v.unsqueeze(axis) for v in values], dim=axis)


def _promote_all(tensors: Sequence[Any], name: str) -> list[Value]:
    if len(tensors) == 0:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    values = [t if isinstance(t, Value) else Value(t) for t in tensors]
    target = values[0]._data.dtype
    for v in values[1:]:
        target = dtypes.promote_pair(target, v._data.dtype)
    return [v.to(target) for v in values]


from tinygrad_lr import ops  # noqa: E402  (ops build on Value)
from tinygrad_lr.autograd import api as autograd_api  # noqa: E402  (the engine builds on Value too)
from tinygrad_lr.autograd.function import binary_recorder, unary_recorder  # noqa: E402


def _install_recorded_methods() -> None:
    """Make Value's operators and elementwise methods: each records its op without a further call."""

    def install(name: str, method: Callable[..., Value], op: type) -> None:
        method.__name__, method.__qualname__ = name, f"Value.{name}"
        method.__doc__ = op.__doc__  # the op's math, e.g. "tanh a;  da = g (1 - tanh^2 a)."
        setattr(Value, name, method)

    for name, op in {"__add__": ops.Add, "__sub__": ops.Sub, "__mul__": ops.Mul}.items():
        install(name, binary_recorder(op, _prepare_operands), op)
    unary = {
        "__neg__": ops.Neg, "__abs__": ops.Abs, "clone": ops.Clone, "exp": ops.Exp, "log": ops.Log,
        "log1p": ops.Log1p, "sqrt": ops.Sqrt, "sin": ops.Sin, "cos": ops.Cos, "tanh": ops.Tanh,
        "sigmoid": ops.Sigmoid, "relu": ops.Relu,
    }  # fmt: skip
    for name, op in unary.items():
        install(name, unary_recorder(op), op)
    aliases = {"add": "__add__", "sub": "__sub__", "subtract": "__sub__", "mul": "__mul__", "multiply": "__mul__",
               "neg": "__neg__", "negative": "__neg__", "abs": "__abs__"}  # fmt: skip
    for alias, name in aliases.items():
        setattr(Value, alias, getattr(Value, name))


_install_recorded_methods()
