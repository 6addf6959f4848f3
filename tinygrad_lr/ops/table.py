"""The op table: how each op's public names are made from its one declaration next to its `Function`.

Each module of `tinygrad_lr/ops/` ends with a class of Value methods, one row per op, e.g. in elementwise.py:

    class ElementwiseMethods:
        exp = unary(Exp, inplace="exp_")                    # x.exp(), tinygrad_lr.exp(x), x.exp_()
        relu = unary(Relu, inplace="relu_", functional="relu(inplace)")  # ... and F.relu(x, inplace=False)

        @entry(Sum)                                          # a method that prepares its arguments itself
        def sum(self: Any, dim: Any = None, keepdim: bool = False) -> Value: ...

A row says:
- the Value method: the attribute's name (a second name in the class body is an alias: `multiply = mul`);
- the function in `tinygrad_lr` (`function=`: True for the same name, a string for another, False for none);
- the in-place variant (`inplace="exp_"`), made by `ops/inplace.py` (one implementation for all); a tuple
  names torch's in-place aliases too (`inplace=("asin_", "arcsin_")`);
- the `nn.functional` name where torch has one (`functional="relu(inplace)"` when it takes `inplace=`);
- the torch `grad_fn` name: the Function's own `torch_name`;
- how the arguments are prepared: `unary` (none), `binary` (operand promotion, see promotion.py), or the
  method's own body (`@entry`: reductions with dim/keepdim, shapes, ...).

`unary` and `binary` rows ARE the recording functions of `autograd/function.py` (no further call per op).
`install` (run once, by `ops/__init__.py`) puts every row on `Value` and collects FUNCTIONS and FUNCTIONAL.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from tinygrad_lr.arguments import inplace_cast_error
from tinygrad_lr.autograd.function import Function, binary_recorder, unary_recorder
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.ops import inplace
from tinygrad_lr.promotion import as_value, prepare_operands
from tinygrad_lr.value import Value, require_value

# class attributes every class has (and __hash__, which Python sets to None next to an __eq__): not rows
_CLASS_MACHINERY = {
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__", "__firstlineno__",
    "__static_attributes__", "__slots__", "__hash__", "__annotate__", "__annotate_func__", "__annotations_cache__",
}  # fmt: skip


_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Row:
    """One op's public names (see the module docstring)."""

    ops: tuple[type[Function], ...]  # the Functions it records (empty: no gradient, e.g. comparisons)
    function: bool | str | tuple[str, ...] = True
    inplace: str | tuple[str, ...] | None = None
    functional: str | None = None  # its nn.functional name; "relu(inplace)": F.relu takes inplace= too

    @property
    def inplace_names(self) -> tuple[str, ...]:
        """Its in-place variants' names (`inplace="exp_"` -> ("exp_",), a tuple as it is, None -> ())."""
        return (self.inplace,) if isinstance(self.inplace, str) else tuple(self.inplace or ())


@dataclass
class Entry:
    """A row of the installed table: the Value method's name, its row, the method, and its other method names
    (`add = __add__` in the class body makes `add` an alias)."""

    name: str
    row: Row
    method: Any
    aliases: list[str] = field(default_factory=list)

    @property
    def public_names(self) -> tuple[str, ...]:
        """Every name it is reachable by: Value methods, the tinygrad_lr function, the in-place and F names."""
        names = [self.name, *self.aliases, *self.functions]
        names += [*self.row.inplace_names]
        names += [self.row.functional.removesuffix("(inplace)")] if self.row.functional else []
        return tuple(dict.fromkeys(names))

    @property
    def functions(self) -> tuple[str, ...]:
        """Its names in tinygrad_lr (function=True: the method's name; a string or tuple: those)."""
        function = self.row.function
        if function is True:
            return (self.name,)
        return (function,) if isinstance(function, str) else tuple(function or ())


def unary(
    op: type[Function],
    *,
    function: bool | str | tuple[str, ...] = True,
    inplace: str | tuple[str, ...] | None = None,
    functional: str | None = None,
    floating: bool = False,
) -> Callable[[Any], Value]:
    """A row for an op of one Value: the method is the op's recorder itself. `floating=True` for an op defined
    on real numbers: integer and bool input becomes the default float dtype first (torch's promotion)."""
    record = unary_recorder(op, floating)
    record.__doc__ = op.__doc__  # the op's math, e.g. "tanh a;  da = g (1 - tanh^2 a)."
    record._row = Row((op,), function, inplace, functional)  # type: ignore[attr-defined]
    return record


def binary(
    op: type[Function],
    *,
    function: bool | str | tuple[str, ...] = True,
    inplace: str | tuple[str, ...] | None = None,
    prepare: Callable[[Any, Any], tuple[Any, Any]] = prepare_operands,
) -> Callable[[Any, Any], Value]:
    """A row for a binary operator: the recorder, calling `prepare` (promotion) first unless the operands match."""
    record = binary_recorder(op, prepare)
    record.__doc__ = op.__doc__
    record._row = Row((op,), function, inplace, None)  # type: ignore[attr-defined]
    return record


def entry(
    *ops: type[Function],
    function: bool | str | tuple[str, ...] = True,
    inplace: str | tuple[str, ...] | None = None,
    functional: str | None = None,
) -> Callable[[_F], _F]:
    """A row for a method that prepares its own arguments (decorates the method; `ops` are what it records)."""

    def declare(method: _F) -> _F:
        method._row = Row(ops, function, inplace, functional)  # type: ignore[attr-defined]
        return method

    return declare


ENTRIES: dict[str, Entry] = {}
FUNCTIONS: dict[str, Callable[..., Any]] = {}  # tinygrad_lr.<name>
FUNCTIONAL: dict[str, Callable[..., Any]] = {}  # tinygrad_lr.nn.functional.<name>


def function_only(function: _F) -> _F:
    """A function of `tinygrad_lr` that is not a Value method, or differs from it (cat, stack, add with alpha):
    a module-level def next to its op, listed in FUNCTIONS under its own name."""
    FUNCTIONS[function.__name__] = function
    return function


def functional_only(function: _F) -> _F:
    """A function of `nn.functional` with arguments of its own (softmax's implicit dim): listed in FUNCTIONAL."""
    FUNCTIONAL[function.__name__] = function
    return function


def install(methods: type) -> None:
    """Put every row of `methods` (a class made of the ops modules' method classes) on Value, and collect the
    functions of tinygrad_lr and nn.functional that the rows name."""
    installed: dict[int, Entry] = {}  # id(method) -> its entry: a second name for it is an alias
    for cls in reversed(methods.__mro__[:-1]):
        for name, attr in vars(cls).items():
            if name in _CLASS_MACHINERY:
                continue
            setattr(Value, name, attr)
            target: Any = attr.fget if isinstance(attr, property) else attr
            row = getattr(target, "_row", None)
            if row is None:
                continue  # a helper method (an operator's reflected form, a dunder): no public names of its own
            if id(attr) in installed:
                installed[id(attr)].aliases.append(name)
                continue
            if not isinstance(attr, property) and target.__name__ == "record":
                target.__name__, target.__qualname__ = name, f"Value.{name}"
            row_entry = ENTRIES[name] = installed[id(attr)] = Entry(name, row, attr)
            for variant_name in row.inplace_names:
                setattr(Value, variant_name, inplace.variant(attr, variant_name))
            for public in row_entry.functions:
                FUNCTIONS.setdefault(public, _function_of(attr, public))
            if row.functional:
                functional, takes_inplace = row.functional.removesuffix("(inplace)"), row.functional.endswith(")")
                FUNCTIONAL[functional] = _functional_of(attr, functional, takes_inplace)


def write_out(result: Any, out: Any, name: str) -> Any:
    """torch's `out=`: the result written into `out` (resized if its shape differs, with torch's warning) and
    `out` returned; refused when a gradient would be needed, as torch refuses."""
    if out is None:
        return result
    if not isinstance(out, Value):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if isinstance(result, Value) and (result._requires_grad or out._requires_grad) and STATE.enabled:
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, but one of the "
            "arguments requires grad."
        )
    data = result._data if isinstance(result, Value) else np.asarray(result)
    if not np.can_cast(data.dtype, out._data.dtype, casting="same_kind"):
        raise inplace_cast_error(data.dtype, out._data.dtype)
    inplace.note_modified(out)
    if out._data.shape == data.shape:
        np.copyto(out._data, data, casting="same_kind")
    else:
        if out._data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape {list(out._data.shape)}, which "
                f"does not match the required output shape {list(data.shape)}. This behavior is deprecated, and in "
                "a future PyTorch release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                UserWarning,
                stacklevel=3,
            )
        out._data = data.astype(out._data.dtype)
    return out


def _function_of(method: Any, name: str) -> Callable[..., Any]:
    """tinygrad_lr.<name>(input, ..., out=None): the method called on input (made a Value first)."""

    def function(input: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:  # noqa: A002 - torch's name
        if out is not None:
            return write_out(method(as_value(input), *args, **kwargs), out, name)
        return method(as_value(input), *args, **kwargs)

    _named(function, method, name, "tinygrad_lr")
    return function


def _functional_of(method: Any, name: str, has_inplace: bool) -> Callable[..., Any]:
    """nn.functional.<name>(input, ..., inplace=False): a Value required (torch's TypeError otherwise)."""
    parameters = len(inspect.signature(method).parameters) - 1  # the method's own, after self
    if not parameters and not has_inplace:  # (F.tanh, F.sigmoid, ...)
        return _functional_of_input_only(method, name)

    def function(input: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A002 - torch's name
        require_value(input, name, "input", 1)
        in_place = kwargs.pop("inplace", False) if has_inplace else False
        if has_inplace and len(args) > parameters:
            *args, in_place = args  # type: ignore[assignment]
        if in_place:
            return inplace.apply_in_place(input, lambda x: method(x, *args, **kwargs))
        return method(input, *args, **kwargs)

    _named(function, method, name, "tinygrad_lr.nn.functional")
    return function


def _functional_of_input_only(method: Any, name: str) -> Callable[[Any], Any]:
    """`_functional_of` for a method of no arguments but self: input alone, so no *args and **kwargs to pack on
    every call (the packing cost ~2,000 instructions per call, 0.25 % of W4's epoch)."""

    def function(input: Any) -> Any:  # noqa: A002 - torch's name
        return method(require_value(input, name, "input", 1))

    _named(function, method, name, "tinygrad_lr.nn.functional")
    return function


def _named(function: Any, method: Any, name: str, module: str) -> None:
    function.__name__ = function.__qualname__ = name
    function.__module__ = module
    function.__doc__ = method.__doc__
    function.__wrapped__ = method  # help() and inspect.signature show the method's arguments
