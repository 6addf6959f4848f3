"""Recording the NumPy calls of one eager run: `TracedArray`, `Sym` and the `Recorder`.

While a `Recorder` is active, the arrays the compiled function can reach are `TracedArray`s: an `ndarray` subclass
whose ufuncs (`__array_ufunc__`), array functions (`__array_function__`) and methods run on the plain array and
append one line of Python to the program: `b7 = np.multiply(b3, b5)`. Every operand is a buffer slot (`b3`), a
constant kept by reference, or a `Sym`: a Python float whose value is read again at replay (a learning rate in a
parameter group, a step count read back from an array). The calls run for real, so the traced call is an eager
call; what the recorder cannot follow (a value read into a Python branch, an array that escapes as a plain
`ndarray`) marks the program as not replayable, with the reason and the line of user code.

NumPy's creation functions (`np.empty`, `np.array`, ...) and the global generator's draws are replaced for the
duration of the trace (`compiler/patching.py`), so that each replay allocates and draws exactly as eager did.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tinygrad_lr.compiler import listing, shapes
from tinygrad_lr.compiler.checks import Checks

_asarray = np.asarray  # the originals: the recorder replaces np.asarray & co. while it records
_ndarray_view = np.ndarray.view
_np_empty = np.empty


class _Active(threading.local):
    """The recorder of the trace in progress in this thread (one trace at a time in the process: patching.py).
    Other threads see None: their NumPy calls, even on the arrays the trace made traced, are not recorded."""

    recorder: Recorder | None = None


_local = _Active()


class NotReplayableError(Exception):
    """Raised (with fullgraph=True) when the traced call did something a replay cannot repeat."""


class TracedArray(np.ndarray):
    """An ndarray that records what is done with it into the active recorder (see the module docstring)."""

    _slot: int | None
    _plain: np.ndarray

    def __array_finalize__(self, obj: Any) -> None:
        self._slot = None  # made by NumPy itself (a view, a method we do not wrap): provenance unknown

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _dispatch(ufunc if method == "__call__" else getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _dispatch(func, args, kwargs)

    # values read back into Python
    def __float__(self) -> float:  # Python makes a float subclass from __float__ a plain float: not replayable
        return float(_fail_read(self, "float()"))

    def __int__(self) -> int:
        return int(_fail_read(self, "int()"))

    def __index__(self) -> int:
        return int(_fail_read(self, "an index").__index__())

    def __bool__(self) -> bool:
        recorder = _local.recorder
        if recorder is not None and self._slot in recorder.constant:  # the same value at every replay
            return bool(plain(self))
        if recorder is not None and self._slot is not None and self.size == 1:
            # the replay checks the branch before it writes any state and, if it goes the other way, stops and
            # leaves the call to eager execution (compiler/checks.py)
            value = bool(plain(self))
            recorder.check(f"bool(b{self._slot})", value, "branches on an array's value (bool())")
            return value
        return bool(_fail_read(self, "bool() (a Python branch on array data)"))

    def item(self, *args: Any) -> Any:
        if args or self.size != 1 or self.dtype.kind != "f":
            return _fail_read(self, ".item()").item(*args)
        return _read_scalar(self)

    def tolist(self) -> Any:
        return _fail_read(self, ".tolist()").tolist()

    def __iter__(self) -> Iterator[Any]:
        return iter(_fail_read(self, "iteration"))

    def __reduce__(self) -> Any:
        return plain(self).__reduce__()


def _method(name: str) -> Callable[..., Any]:
    unbound = getattr(np.ndarray, name)

    def method(self: TracedArray, *args: Any, **kwargs: Any) -> Any:
        return _dispatch(unbound, (self, *args), kwargs)

    method.__name__ = name
    return method


for _name in ("reshape", "transpose", "astype", "copy", "ravel", "flatten", "view", "squeeze", "swapaxes",
              "sum", "mean", "max", "min", "prod", "any", "all", "argmax", "argmin", "dot", "clip", "cumsum",
              "fill", "std", "var", "__getitem__", "__setitem__", "__copy__", "__deepcopy__", "__matmul__",
              "__rmatmul__", "__imatmul__", "__neg__", "__pos__", "__abs__", "__invert__", "conj", "round",
              "nonzero", "repeat", "take", "put", "sort", "argsort", "cumprod", "trace", "diagonal", "compress"):
    setattr(TracedArray, _name, _method(_name))
TracedArray.T = property(lambda self: _dispatch(np.transpose, (self,), {}))  # type: ignore[assignment,misc]
TracedArray.mT = property(lambda self: _dispatch(np.matrix_transpose, (self,), {}))  # type: ignore[assignment,misc]


def _metadata(name: str) -> property:
    """An ndarray attribute that describes the array (its shape, dtype, ...): read through here, it marks the
    slot's metadata as read, so that the program keeps the guards on it even if no call reads its data."""
    descriptor = getattr(np.ndarray, name)

    def read(self: TracedArray) -> Any:
        recorder = _local.recorder
        if recorder is not None and self._slot is not None:
            recorder.described(self)
        return descriptor.__get__(self)

    return property(read)


for _name in ("shape", "dtype", "strides", "ndim", "size", "itemsize", "nbytes", "flags"):
    setattr(TracedArray, _name, _metadata(_name))


def _length(self: TracedArray) -> int:
    shape = self.shape
    if not shape:
        raise TypeError("len() of unsized object")
    return int(shape[0])


TracedArray.__len__ = _length  # type: ignore[assignment,method-assign]


def plain(array: Any) -> Any:
    """The plain ndarray behind a TracedArray (the array itself otherwise). A TracedArray that NumPy made itself
    (no `_plain`) is viewed as a plain ndarray: handing it on as it is would dispatch back here forever."""
    if type(array) is TracedArray:
        return array._plain if hasattr(array, "_plain") else np.ndarray.view(array, np.ndarray)
    return array


def _read_scalar(array: TracedArray) -> Any:
    """`.item()` of a one-element float array: a Sym the replay reads again (the engine's own reads, such as an
    optimizer's step count; the user's `Value.item()` is refused before it gets here)."""
    value = plain(array).item() if hasattr(array, "_plain") else _ndarray_view(array, np.ndarray).item()
    recorder = _local.recorder
    if recorder is None:
        return value
    if array._slot is None:
        return _fail_read(array, ".item()").item()
    if array._slot in recorder.constant:  # made from literals only: the same number at every replay
        return value
    # a value of the state before the call (nothing has written it yet) can be checked before the replay runs
    before = array._slot in recorder.ext_slots and array._slot not in recorder.overwritten
    return Sym(value, f"{recorder.slot_name(array)}.item()", data=not before)


def _fail_read(array: TracedArray, what: str) -> Any:
    """The plain array, for a read of its value into Python: not replayable, unless literals alone made it (the
    same value at every replay)."""
    recorder = _local.recorder
    if recorder is not None and array._slot not in recorder.constant:
        recorder.fail(f"reads an array's value into Python ({what})")
    return plain(array) if hasattr(array, "_plain") else _ndarray_view(array, np.ndarray)


class Sym(float):
    """A Python float whose value the replay computes again: `src` is the expression (in the program's names).

    `data=True` when it was read from an array (a branch on it cannot be replayed); otherwise it comes from
    Python state read at replay time (a parameter group's option) and a comparison becomes a guard.
    """

    src: str
    data: bool

    def __new__(cls, value: float, src: str, data: bool = False) -> Sym:
        self = super().__new__(cls, value)
        self.src, self.data = src, data
        return self

    def _op(self, other: Any, op: Callable[[float, float], float], fmt: str, swap: bool) -> Any:
        if type(other) not in _PLAIN_NUMBERS:  # an array, a Value: its own operator sees the Sym
            return NotImplemented
        plain_other = _number(other) if type(other) is Sym else other
        value = op(plain_other, _number(self)) if swap else op(_number(self), plain_other)
        if type(value) is not float:
            return value
        other_src = other.src if type(other) is Sym else _literal(other)
        left, right = (other_src, self.src) if swap else (self.src, other_src)
        return Sym(value, fmt.format(left, right), self.data or (type(other) is Sym and other.data))

    def __add__(self, o: Any) -> Any: return self._op(o, float.__add__, "({} + {})", False)  # noqa: E704
    def __radd__(self, o: Any) -> Any: return self._op(o, lambda a, b: a + b, "({} + {})", True)  # noqa: E704
    def __sub__(self, o: Any) -> Any: return self._op(o, lambda a, b: a - b, "({} - {})", False)  # noqa: E704
    def __rsub__(self, o: Any) -> Any: return self._op(o, lambda a, b: a - b, "({} - {})", True)  # noqa: E704
    def __mul__(self, o: Any) -> Any: return self._op(o, lambda a, b: a * b, "({} * {})", False)  # noqa: E704
    def __rmul__(self, o: Any) -> Any: return self._op(o, lambda a, b: a * b, "({} * {})", True)  # noqa: E704
    def __truediv__(self, o: Any) -> Any: return self._op(o, lambda a, b: a / b, "({} / {})", False)  # noqa: E704
    def __rtruediv__(self, o: Any) -> Any: return self._op(o, lambda a, b: a / b, "({} / {})", True)  # noqa: E704
    def __pow__(self, o: Any, mod: None = None) -> Any:  # type: ignore[override]
        return self._op(o, lambda a, b: a**b, "({} ** {})", False)

    def __rpow__(self, o: Any, mod: None = None) -> Any:  # type: ignore[override]
        return self._op(o, lambda a, b: a**b, "({} ** {})", True)


    def __floordiv__(self, o: Any) -> Any: return self._op(o, lambda a, b: a // b, "({} // {})", False)  # noqa: E704
    def __rfloordiv__(self, o: Any) -> Any: return self._op(o, lambda a, b: a // b, "({} // {})", True)  # noqa: E704
    def __mod__(self, o: Any) -> Any: return self._op(o, lambda a, b: a % b, "({} % {})", False)  # noqa: E704
    def __rmod__(self, o: Any) -> Any: return self._op(o, lambda a, b: a % b, "({} % {})", True)  # noqa: E704

    def __neg__(self) -> Any:
        return Sym(-_number(self), f"(-{self.src})", self.data)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return Sym(abs(_number(self)), f"abs({self.src})", self.data)

    def _compare(self, other: Any, op: Callable[[float, Any], bool], sign: str) -> bool:
        result = op(_number(self), _number(other) if type(other) is Sym else other)
        if _local.recorder is not None:
            other_src = other.src if type(other) is Sym else _literal(other)
            data = self.data or (type(other) is Sym and other.data)
            _local.recorder.branch_on(data, f"({self.src} {sign} {other_src})", result)
        return result

    def __eq__(self, o: object) -> bool: return self._compare(o, lambda a, b: a == b, "==")  # noqa: E704
    def __ne__(self, o: object) -> bool: return self._compare(o, lambda a, b: a != b, "!=")  # noqa: E704
    def __lt__(self, o: Any) -> bool: return self._compare(o, lambda a, b: a < b, "<")  # noqa: E704
    def __le__(self, o: Any) -> bool: return self._compare(o, lambda a, b: a <= b, "<=")  # noqa: E704
    def __gt__(self, o: Any) -> bool: return self._compare(o, lambda a, b: a > b, ">")  # noqa: E704
    def __ge__(self, o: Any) -> bool: return self._compare(o, lambda a, b: a >= b, ">=")  # noqa: E704

    def __bool__(self) -> bool:
        return self._compare(0.0, lambda a, b: a != b, "!=")

    def __float__(self) -> float:
        """`float(x)`, `np.float32(x)`, `np.array(x)`: a plain number, a constant of the program (the engine goes
        through NumPy's ufuncs instead, which read the Sym again at replay)."""
        return self._fixed(_number(self), "float(), np.float32(), np.array()")

    def _fixed(self, value: float, how: str) -> float:
        """`value`, made from this Sym, as a constant of the program: for Python state (an option in a dict), a
        guard that the state still gives it (a scheduler's change to lr then traces again); for a value read from
        an array, not replayable (it may differ at every call)."""
        recorder = _local.recorder
        if recorder is not None:
            if self.data:
                recorder.fail(f"turns a value read from an array into a constant ({how})")
            else:
                recorder.preconditions.append(f"float.hex({self.src}) == {_number(self).hex()!r}")
        return value

    def _integral(self, how: Callable[[float], int], name: str) -> int:
        """`int(x)`, `round(x)`, `math.floor(x)`, ...: an int from the value, which the replay must see again;
        a guard (or, for a value read from an array, a check) that it is the same int, as for a branch."""
        result = how(_number(self))
        if _local.recorder is not None:
            _local.recorder.branch_on(self.data, f"({name}({self.src}) == {result!r})", True)
        return result

    def __int__(self) -> int: return self._integral(float.__int__, "int")  # noqa: E704
    def __trunc__(self) -> int: return self._integral(float.__trunc__, "int")  # noqa: E704
    def __floor__(self) -> int: return self._integral(float.__floor__, "_floor")  # noqa: E704
    def __ceil__(self) -> int: return self._integral(float.__ceil__, "_ceil")  # noqa: E704

    def __round__(self, ndigits: Any = None) -> Any:
        if ndigits is not None:  # a float, a constant of the program
            return self._fixed(round(_number(self), ndigits), "round(x, n)")
        return self._integral(float.__round__, "round")

    def __hash__(self) -> int:
        if self.data and _local.recorder is not None:
            _local.recorder.fail("uses a value read from an array as a dict key or set member")
        return float.__hash__(self)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _dispatch(ufunc if method == "__call__" else getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _dispatch(func, args, kwargs)


_number = float.__float__  # a Sym's value, without Sym.__float__'s check
_PLAIN_NUMBERS = {float, int, bool, Sym}


def _literal(value: Any) -> str:
    if _local.recorder is None:
        return repr(value)
    return _local.recorder.render(value)


# functions that read only metadata (shapes, dtypes, memory layout): their answers are not data
_METADATA = {np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory, np.can_cast,
             np.min_scalar_type, np.iscomplexobj, np.isrealobj}


def _dispatch(func: Any, args: Any, kwargs: dict[str, Any]) -> Any:
    """Run `func` on the plain arrays and, under a recorder, record the call (see `Recorder.call`)."""
    recorder = _local.recorder
    plain_args = _unwrap(args)
    plain_kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    if recorder is None or recorder.inside:  # (inside a recorded call: NumPy's own work, on the plain arrays)
        return func(*plain_args, **plain_kwargs)
    result = recorder.run_inside(func, plain_args, plain_kwargs)
    return recorder.call(func, args, kwargs, plain_args, plain_kwargs, result)


def _light(value: Any) -> Any:
    """`value` for a listing entry: traced arrays (even inside tuples, lists and dicts) by their slot's name."""
    kind = type(value)
    if kind is TracedArray:
        return listing.SlotName(f"b{value._slot}") if value._slot is not None else "?"
    if kind is tuple or kind is list:
        return kind(map(_light, value))
    if kind is dict:
        return {k: _light(v) for k, v in value.items()}
    return value


def _unwrap(value: Any) -> Any:
    kind = type(value)
    if kind is TracedArray:
        return plain(value)
    if kind is Sym:
        return _number(value)
    if kind is tuple or kind is list:
        return kind(_unwrap(v) for v in value)
    return value


class Recorder(Checks):
    """The program being recorded: its lines, slots, constants, guards, and why it cannot be replayed (if so)."""

    def __init__(self, fullgraph: bool = False) -> None:
        self.fullgraph = fullgraph
        self.lines: list[str] = []
        self.line_call: list[int] = []  # per line: the index of the call (in `listing`) it belongs to
        self.pure: set[int] = set()  # the lines whose only effect is their new slots (dropped when unused)
        self.constant: set[int] = set()  # slots whose value literals alone decide (the same at every replay)
        self.meta_read: set[int] = set()  # slots whose shape, dtype, ... Python code read (as TracedArrays)
        # the same calls, readable: "b7 = multiply(b3:float32[50, 1], b5:float32[50, 1])", or what makes that
        # text when it is asked for (`readable`): most traces are never listed
        self.listing: list[Any] = []
        self.namespace: dict[str, Any] = {"np": np, "_asarray": _asarray, "_floor": math.floor, "_ceil": math.ceil}
        self._const_names: dict[int, str] = {}
        self.n_slots = 0
        self.slot_info: dict[int, tuple[Any, tuple[int, ...]]] = {}  # slot -> (dtype, shape)
        self.failures: list[str] = []
        self.preconditions: list[str] = []  # Python-state branches: expressions that must still be True
        self._patches: list[tuple[Any, str, Any]] = []
        self.generic_slots: set[int] = set()
        self.backward_from: set[int] = set()  # ids of the Values backward() ran from (their graph is consumed)
        self.ran_backward = False  # whether backward() or autograd.grad() ran during the call
        # np.empty calls: line -> (slot, shape, dtype)
        self.empties: dict[int, tuple[int, tuple[int, ...], Any]] = {}
        self.ext_slots: set[int] = set()  # the arrays of the state before the call (bound, not computed)
        self.first_draws: dict[str, int] = {}  # a generator's name -> the line of its first draw
        self.snapshots: set[str] = set()  # the generators a check puts back: their state is kept before drawing
        self.data_shaped: set[int] = set()  # slots whose shape the data decides (compiler/shapes.py), and results
        self.shape_checked: set[int] = set()  # of calls on them; those whose shape Python read are checked
        self._root: dict[int, int] = {}  # a view's slot -> the ext slot whose memory it views
        self.producer: dict[int, tuple[int, ...]] = {}  # a slot a pure call made -> that call's lines
        self.overwritten: set[int] = set()  # slots (roots of views; an ext slot is its own root) a call wrote into
        self.first_write: int | None = None  # the first line that wrote into the state before the call
        self.inside = False  # a recorded call is running: what it calls in turn is not recorded

    # ----- names ------------------------------------------------------------------------------
    def const(self, value: Any, prefix: str = "c") -> str:
        name = self._const_names.get(id(value))
        if name is None:
            name = f"{prefix}{len(self._const_names)}"
            self._const_names[id(value)] = name
            self.namespace[name] = value
        return name

    def add_line(self, line: str, pure: bool = False) -> None:
        """Append a line of the program, belonging to the call that `listing` shows next."""
        if pure:
            self.pure.add(len(self.lines))
        self.lines.append(line)
        self.line_call.append(len(self.listing))

    def new_slot(self, array: np.ndarray) -> TracedArray:
        traced = _ndarray_view(array, TracedArray)
        traced._slot = self.n_slots
        traced._plain = array
        self.slot_info[self.n_slots] = (array.dtype, array.shape)
        self.n_slots += 1
        return traced

    def run_inside(self, func: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        """Run a call that is being recorded. What it calls in turn is not recorded (`inside`): NumPy's functions
        written in Python call np.asarray & co., which the recorder replaces while it records, and would hand
        traced arrays to NumPy's own code."""
        self.inside = True
        try:
            return func(*args, **kwargs)
        finally:
            self.inside = False

    def slot_name(self, traced: TracedArray) -> str:
        return f"b{traced._slot}"

    def fail(self, why: str) -> None:
        message = f"{listing.user_line()}: {why}"
        if self.fullgraph:
            raise NotReplayableError(f"tinygrad_lr.compile(fullgraph=True): {message}")
        if message not in self.failures:
            self.failures.append(message)

    # ----- operands ---------------------------------------------------------------------------
    def render(self, value: Any) -> str:
        """Source text that produces `value` at replay: a slot, a replay-time scalar, a literal or a constant."""
        kind = type(value)
        if kind is TracedArray:
            if value._slot is None:
                self.fail("uses an array NumPy derived in a way the recorder does not follow")
                return self.const(plain(value) if hasattr(value, "_plain") else _ndarray_view(value, np.ndarray))
            return f"b{value._slot}"
        if kind is Sym:
            return value.src
        if kind is float:
            return repr(value) if value == value and abs(value) != float("inf") else self.const(value)
        if kind is int or kind is bool or value is None or kind is str:
            return repr(value)
        if kind is tuple:
            return "(" + "".join(self.render(v) + ", " for v in value) + ")"
        if kind is list:
            return "[" + ", ".join(self.render(v) for v in value) + "]"
        if kind is slice:
            return f"slice({self.render(value.start)}, {self.render(value.stop)}, {self.render(value.step)})"
        if value is Ellipsis:
            return "..."
        if isinstance(value, np.ndarray):
            self._check_constant(value)
            return self.const(value)
        return self.const(value)

    def _check_constant(self, array: np.ndarray) -> None:
        base: Any = array
        while base is not None:
            if type(base) is TracedArray:
                self.fail("lets an array escape the recorder (a plain view of a traced array)")
                return
            base = base.base if isinstance(base, np.ndarray) else None

    # ----- one call ---------------------------------------------------------------------------
    def call(self, func: Any, args: Any, kwargs: dict[str, Any], plain_args: Any, plain_kwargs: dict[str, Any],
             result: Any) -> Any:
        out = kwargs.get("out")
        for target in (out if isinstance(out, tuple) else (out,)):
            if isinstance(target, np.ndarray) and type(target) is not TracedArray:
                self.fail("writes into an array the recorder does not know (out=)")
            elif type(target) is TracedArray:
                self._wrote(target)
        if result is None and args and type(args[0]) is TracedArray:  # fill, __setitem__, put, sort
            self._wrote(args[0])
        if func in _METADATA:  # it read the arrays' descriptions
            for a in args:
                if type(a) is TracedArray and a._slot is not None:
                    self.described(a)
            return result
        # several outputs: a tuple (divmod, nonzero, ...) or a list of arrays (split)
        several = isinstance(result, tuple) or type(result) is list and bool(result) and all(
            isinstance(r, np.ndarray) for r in result)
        if not several and not isinstance(result, np.ndarray | np.generic):
            if result is None:  # an in-place method (fill, __setitem__, put, sort)
                self._emit(func, args, kwargs, None)
                return None
            self.fail(f"reads array data into Python ({listing.func_name(func)})")
            return result
        first_new = self.n_slots
        if several:
            targets = tuple(self._result(r, args, out, i) for i, r in enumerate(result))
        else:
            targets = (self._result(result, args, out, 0),)
        # a call whose results are all new slots (no out=, no argument handed back) only makes them
        new = out is None and all(t._slot >= first_new for t in targets)  # type: ignore[operator]
        self._emit(func, args, kwargs, targets, pure=new)
        if self.data_shaped and any(type(a) is TracedArray and a._slot in self.data_shaped for a in args) or \
                shapes.data_shaped(func, args, kwargs, TracedArray):
            self.data_shaped.update(t._slot for t in targets)  # type: ignore[misc]
        if new and self._literal_call(func, args, kwargs):
            self.constant.update(t._slot for t in targets)  # type: ignore[misc]
        if not several:
            return targets[0]
        return list(targets) if type(result) is list else targets

    def _literal_call(self, func: Any, args: Any, kwargs: dict[str, Any]) -> bool:
        """Whether the call's operands are all literals or constant slots (NumPy's functions are deterministic;
        `empty` returns whatever the memory held)."""
        if getattr(func, "__name__", "").startswith("empty"):
            return False
        return all(map(self._is_literal, args)) and all(map(self._is_literal, kwargs.values()))

    def _is_literal(self, value: Any) -> bool:
        kind = type(value)
        if kind is TracedArray:
            return value._slot in self.constant
        if kind is tuple or kind is list:
            return all(map(self._is_literal, value))
        return kind in _LITERAL_TYPES or isinstance(value, np.dtype | np.generic)

    def root(self, slot: int) -> int:
        """The slot whose memory `slot` views (itself when it owns its memory)."""
        return self._root.get(slot, slot)

    def _wrote(self, target: TracedArray) -> None:
        slot = target._slot
        if slot is None:
            return
        root = self._root.get(slot, slot)
        self.overwritten.add(root)
        if root in self.ext_slots and self.first_write is None:  # the writing call's line comes next
            self.first_write = len(self.lines)
        if self.constant:  # written: it, and every view of its memory, holds what the call wrote
            self.constant = {s for s in self.constant if s != slot and self._root.get(s, s) != root}

    def _result(self, result: Any, args: Any, out: Any, index: int) -> TracedArray:
        if out is not None:
            target = out[index] if isinstance(out, tuple) else out
            if type(target) is TracedArray and plain(target) is result:
                return target
        for arg in args:  # a call that hands back its argument itself (asarray, astype(copy=False))
            if type(arg) is TracedArray and plain(arg) is result:
                return arg
        slot = self.n_slots
        if isinstance(result, np.generic):
            self.generic_slots.add(slot)
            return self.new_slot(_asarray(result))
        traced = self.new_slot(result)
        if result.base is not None:  # a view: writes through it change the array it views
            for arg in args:
                traced_arg = type(arg) is TracedArray and arg._slot is not None
                if traced_arg and np.may_share_memory(plain(result), plain(arg)):
                    self._root[slot] = self._root.get(arg._slot, arg._slot)
        return traced

    def _emit(self, func: Any, args: Any, kwargs: dict[str, Any], targets: tuple[TracedArray, ...] | None,
              pure: bool = False) -> None:
        name = self.const(func, "f")
        rendered = []
        for a in args:
            if type(a) is TracedArray and a._slot is not None:  # the common operand: a slot, rendered once
                rendered.append(f"b{a._slot}, ")
            else:
                rendered.append(self.render(a) + ", ")
        for k, v in kwargs.items():
            rendered.append(f"{k}={self.render(v)}, ")
        call = f"{name}({''.join(rendered)})"
        if targets is None:
            self.add_line(call)
            self.listing.append((func, _light(args), _light(kwargs), None))
            return
        names = ", ".join(f"b{t._slot}" for t in targets)
        first = len(self.lines)
        self.add_line(f"{names} = {call}" if len(targets) == 1 else f"{names}, = {call}", pure)
        for t in targets:
            if t._slot in self.generic_slots:  # NumPy returned a scalar: the program keeps 0-d arrays, as traced
                self.add_line(f"b{t._slot} = _asarray(b{t._slot})", pure)
        if pure:
            made_by = tuple(range(first, len(self.lines)))
            self.producer.update((t._slot, made_by) for t in targets)  # type: ignore[misc]
        self.listing.append((func, _light(args), _light(kwargs), names))

    # ----- patching creation functions and random draws ---------------------------------------
    def patch(self, owner: Any, name: str, replacement: Any) -> None:
        self._patches.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def unpatch(self) -> None:
        for owner, name, original in reversed(self._patches):
            setattr(owner, name, original)
        self._patches.clear()


# operands a replay sees unchanged: Python's immutable scalars, types (a dtype= argument), slices
_LITERAL_TYPES = {int, float, bool, str, complex, type(None), slice, type(Ellipsis), type}
