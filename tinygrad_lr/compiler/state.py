"""What a compiled function can reach, as guards, bindings and effects of the program.

`walk` visits the objects a call can read (its arguments, the closure and globals the function names, a bound
method's `self`) and everything under them: Modules, optimizers, their dicts and lists, Values and arrays. It
produces, in the program's names:

- guards: expressions that must all hold for a replay (and, marked `@`, the bindings of the arrays, in order;
  marked `?b7:`, the description of an array the program needs only if the call read slot 7 or its shape):
  the same objects (`r0._parameters['weight'] is c3`), the
  same Python values (`c5.training is True`, `len(c7) == 2`), arrays of the same shape, dtype and strides;
  Where each array is read at replay: An array that belongs to a stable object (a parameter's data,
  an optimizer's moment) is the same object every call (its identity is guarded); an argument's array or a
  gradient (a new one every step) is read from its place (`b4 = a[0]._data`);
- versioned guards: those about what a Module that is the same object at every call holds (its attributes, its
  registries' entries): the program checks them only when the structure stamp moved (`nn/structure.py`);
- facts: a flat description (path -> what is there) to compare before and after the traced call: what changed
  is either an effect the replay repeats (a parameter's `.grad` set or cleared) or makes the trace unreplayable;
- floats held in dicts (a parameter group's `lr`, `betas`) are replaced by `Sym`s for the traced call, so the
  program reads them at replay: a scheduler may change them between calls.
"""

from __future__ import annotations

import array
import builtins
import collections
import copy
import enum
import functools
import io
import numbers
import random
import sys
import sysconfig
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tinygrad_lr.compiler.tracer import Recorder, Sym, TracedArray, plain
from tinygrad_lr.nn.module import Module
from tinygrad_lr.nn.structure import Registry
from tinygrad_lr.value import Value

MAX_OBJECTS = 20_000  # a walk that reaches more gives up (the call then runs eagerly)
_SMALL_INT = 1 << 16  # dict keys written as literals in the program; larger ones are bound as constants

_BUILTINS = vars(builtins)
# code: guarded as the same object wherever it is (an activation passed as an argument)
_CODE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, np.ufunc, type, types.ModuleType)
_UNWRAP = {staticmethod: ".__func__", classmethod: ".__func__", property: ".fget"}  # a class's entry -> its function
_BOUND = {types.MethodType: ("__func__", "__self__"), functools.partial: ("func", "args", "keywords")}
_OPAQUE = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type,
           np.dtype, np.ufunc, np.random.Generator, np.random.BitGenerator, types.CodeType)


class TooLargeError(Exception):
    """The walk reached more objects than MAX_OBJECTS."""


@dataclass
class Walk:
    guards: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)  # checked only when the structure stamp moved
    facts: dict[str, Any] = field(default_factory=dict)
    setters: list[tuple[Any, Any, bool, Any, Any]] = field(default_factory=list)  # (holder, key, is_attr, old, new)
    grads: dict[str, str] = field(default_factory=dict)  # path of a `_grad` slot -> source of its Value holder
    outside_graph: list[str] = field(default_factory=list)  # paths of Values with a grad_fn (a graph made outside)
    values: dict[int, str] = field(default_factory=dict)  # id of each Value reached -> the source of its place
    generators: list[tuple[str, Any, Any]] = field(default_factory=list)  # (path, a NumPy or Python generator, state)
    files: list[tuple[str, Any, Any]] = field(default_factory=list)  # (path, a file object, its position)


class Walker:
    """One walk (before or after the traced call). `substitute=True` on the walk before: arrays become
    TracedArrays with slots, dict floats become Syms; the setters remember what to put back."""

    def __init__(self, recorder: Recorder, substitute: bool) -> None:
        self.rec = recorder
        self.substitute = substitute
        self.guarding = substitute  # the walk after the call compares facts only: no guards to write
        self.out = Walk()
        self.seen: dict[int, str] = {}  # id -> the source of its first place (or its slot name)
        self.count = 0

    def root(self, path: str, src: str, obj: Any, stable: bool, holder: Any, key: Any, is_attr: bool) -> None:
        if path in ("args", "kwargs"):  # the call's own list and dict of arguments (copies made for the trace)
            if self.guarding:
                self.out.guards.append(f"len({src}) == {len(obj)}")
            self.out.facts[path + "#len"] = len(obj)
            for k, v in list(obj.items() if path == "kwargs" else enumerate(obj)):
                # a float argument (a learning rate passed each call) is read at replay, as a dict's floats are
                self._visit(f"{path}[{k!r}]", f"{src}[{k!r}]", v, False, obj, k, False, in_dict=True)
            return
        # a global is an entry of the module's dict: its floats are read at replay, as a dict's are
        self._visit(path, src, obj, stable, holder, key, is_attr, in_dict=type(holder) is dict and not is_attr)

    def _visit(self, path: str, src: str, obj: Any, stable: bool, holder: Any, key: Any, is_attr: bool,
               in_dict: bool) -> None:
        self.count += 1
        if self.count > MAX_OBJECTS:
            raise TooLargeError(f"the objects reachable from the function exceed {MAX_OBJECTS}")
        out, kind = self.out, type(obj)
        # what is at this place: in a Module (or its registry) that is the same object at every call, the
        # structure stamp tells whether it can have changed
        guards = out.versioned if stable and _in_structure(holder, is_attr) else out.guards
        if obj is None or kind is bool:
            out.facts[path] = ("is", obj)
            if self.guarding:
                guards.append(f"{src} is {obj!r}")
            return
        if kind is int or kind is str or kind is bytes:
            out.facts[path] = ("eq", obj)
            if self.guarding:  # the same object (one test, what an attribute left alone passes), or an equal one
                same = self.rec.const(obj, "v")
                guards.append(f"({src} is {same} or type({src}) is {kind.__name__} and {src} == {same})")
            return
        if kind is float or kind is Sym:
            if in_dict and self.substitute and holder is None and kind is float:  # in a tuple the dict holds
                out.facts[path] = ("sym", src)
                if self.guarding:
                    out.guards.append(f"type({src}) is float")
                return
            if in_dict and self.substitute and holder is not None and kind is float:
                sym = Sym(obj, src)
                self._set(holder, key, is_attr, sym)
                out.facts[path] = ("sym", src)
                if self.guarding:
                    out.guards.append(f"type({src}) is float")
                return
            if kind is Sym:
                out.facts[path] = ("sym", obj.src)
                return
            out.facts[path] = ("eq", obj)
            if self.guarding:
                guards.append(f"type({src}) is float and {src} == {self.rec.render(obj)}")
            return
        if _plain_value(kind):  # other plain values (np.float32(0.5), Fraction, Enum, range): guarded
            out.facts[path] = ("eq", obj)
            if self.guarding:
                same = self.rec.const(obj, "v")
                guards.append(f"({src} is {same} or type({src}) is {self.rec.const(kind, 't')} and {src} == {same})")
            return
        if kind in WHOLE:  # compared whole, with a copy as it was (a set, a bytearray may change in place)
            as_was = WHOLE[kind](obj)
            out.facts[path] = ("eq", as_was)
            if self.guarding:
                guards.append(f"type({src}) is {self.rec.const(kind, 't')} and {src} == {self.rec.const(as_was, 'v')}")
            return
        if isinstance(obj, np.ndarray):
            self._array(path, src, obj, stable, holder, key, is_attr, guards)
            return
        if isinstance(obj, GENERATORS):  # what it draws during the call would be baked into the program
            if self.substitute:
                out.generators.append((path, obj, generator_state(obj)))
            return
        if obj is _BUILTINS:  # Python's own names (a module's `__builtins__`, as exec leaves it): not state
            return
        if (kind is dict or kind is list) and not obj and id(obj) not in self.seen:  # empty: only emptiness matters
            out.facts[path] = ("empty", kind)
            if self.guarding:
                guards.append(f"type({src}) is {kind.__name__} and not {src}")
            return
        first = self.seen.get(id(obj))
        if first is not None:
            out.facts[path] = ("alias", self.seen_path[id(obj)])
            if self.guarding:
                guards.append(f"{src} is {first}")  # `first`: a constant, or a place (arrays, with slots: _array)
            return
        if stable and kind is not tuple:
            name = self.rec.const(obj, "o")
            if self.guarding:
                guards.append(f"{src} is {name}")
            self.seen[id(obj)] = name
            self.seen_path[id(obj)] = path
            out.facts[path] = ("id", id(obj))
            src = name
        else:
            if self.guarding:  # code (an activation passed as an argument) is guarded as itself, not by its type
                code = isinstance(obj, _CODE) and kind is not types.MethodType
                guards.append(f"{src} is {self.rec.const(obj, 'f')}" if code else
                              f"type({src}) is {self.rec.const(kind, 't')}")
            out.facts[path] = ("type", kind)
            if kind is not tuple:  # reached again by another path: the same object, which the guard checks
                self.seen[id(obj)] = src
                self.seen_path[id(obj)] = path
        if isinstance(obj, Value):
            out.values[id(obj)] = src
            self._value(path, src, obj, stable)
        elif isinstance(obj, dict):
            if self.guarding:  # a Registry's entries change only with the stamp
                (out.versioned if stable and kind is Registry else out.guards).append(_length_guard(src, len(obj)))
            out.facts[path + "#len"] = len(obj)
            for k, v in list(obj.items()):
                # a large int key is most likely an id() (Adam's `_flat_groups`): a constant, so that the same
                # step of another model writes the same source (and reuses its compiled code)
                small = type(k) is str or type(k) is int and -_SMALL_INT < k < _SMALL_INT
                ksrc = repr(k) if small else self.rec.const(k, "k")
                self._visit(f"{path}[{ksrc}]", f"{src}[{ksrc}]", v, stable, obj, k, False, in_dict=True)
        elif isinstance(obj, SEQUENCES):  # a namedtuple's floats are guarded (a plain tuple would lose its names)
            if self.guarding:
                out.guards.append(_length_guard(src, len(obj)))
            out.facts[path + "#len"] = len(obj)
            for i, v in enumerate(obj):
                self._visit(f"{path}[{i}]", f"{src}[{i}]", v, stable, None if isinstance(obj, tuple) else obj, i,
                            False, in_dict and kind is tuple)
            if kind is tuple and self.substitute and in_dict and holder is not None and any(
                    type(v) is float for v in obj):
                self._set(holder, key, is_attr, tuple(Sym(v, f"{src}[{i}]") if type(v) is float else v
                                                      for i, v in enumerate(obj)))
        elif kind in _BOUND:  # a bound method, a partial: the function and what it is bound to
            for k in _BOUND[kind]:
                self._visit(f"{path}.{k}", f"{src}.{k}", getattr(obj, k), stable, None, None, False, in_dict=False)
        elif user_function(obj):  # what it reads: its globals, closure, defaults (and attributes: `step.calls`)
            self._function(path, src, obj)
            self._attributes(path, src, obj, stable)
        elif user_module(obj):  # passed, or held by an object (`self.config.LR`): the settings it holds
            self._module(path, src, obj, stable)
        elif (stream := streams(kind)) and (stream == "file" or not (hasattr(obj, "__dict__") or slotted(obj))):
            if not self.substitute:
                return
            if stream == "file":  # what the call reads from a file (or writes) moves its position
                out.files.append((path, obj, file_position(obj)))
                return
            # a generator or one of Python's iterators: what next() gives it cannot be read ahead, so a replay
            # would use the item the traced call took (an iterator written in Python keeps its position in its
            # attributes, which the walk compares)
            self.rec.fail(f"holds an iterator ({path}: {kind.__name__}), whose next item a replay would not take: "
                          "pass what it yields as an argument")
        elif isinstance(obj, _OPAQUE) and not user_class(obj) or callable(obj) and not hasattr(obj, "__dict__"):
            return
        elif hasattr(obj, "__dict__") or slotted(obj):  # an object's attributes
            if getattr(kind, "walk_opaque", False):  # a compiled function: nothing to read
                return
            self._attributes(path, src, obj, stable)
            for cls in kind.__mro__ if kind is not type else ():  # its classes of the user's: their settings and
                if user_class(cls):  # what their methods read (a Module's forward reading a global)
                    self._visit(f"{path}.<{cls.__qualname__}>", self.rec.const(cls, "t"), cls, True, None, None,
                                False, in_dict=False)

    def _attributes(self, path: str, src: str, obj: Any, stable: bool) -> None:
        attrs = vars(obj) if hasattr(obj, "__dict__") else _slot_values(obj)
        a_class = type(obj) is type
        for k, v in list(attrs.items()):
            if not (type(k) is str and k.isidentifier()):
                continue  # set by setattr with a name no code reads as an attribute
            if a_class:  # a class's data attributes and what its methods read (not its dunders)
                if k.startswith("__"):
                    continue
                if hasattr(type(v), "__get__"):  # a method, property, staticmethod: the user's function in it
                    inner = getattr(v, "__func__", None) or getattr(v, "fget", None) or v
                    if user_function(inner):
                        self._visit(f"{path}.{k}", f"{src}.__dict__[{k!r}]" + _UNWRAP.get(type(v), ""), inner, True,
                                    None, None, False, in_dict=False)
                    continue
                if isinstance(v, np.ndarray | Value):  # no traced array can be put on a class
                    self.rec.fail(f"reads an array held by the class {obj.__name__} ({k}), which the recorder "
                                  "cannot follow")
                    continue
            self._visit(f"{path}.{k}", f"{src}.{k}", v, stable, obj, k, True, in_dict=False)

    def _function(self, path: str, src: str, function: Any) -> None:
        """What a function of the user's reads when the step calls it: the globals its code loads (a helper's
        `SCALE`), its closure and its default arguments, walked as the compiled function's own are."""
        from tinygrad_lr.compiler import reach  # (reach builds on this module)

        code, globals_ = function.__code__, function.__globals__
        namespace = self.rec.const(globals_, "g")
        for name in reach.global_names(code):
            if name in globals_ and reach.walked(globals_[name]):
                self._visit(f"{path}: global {name}", f"{namespace}[{name!r}]", globals_[name], True, globals_,
                            name, False, in_dict=True)
        for name, attr, entries in reach.module_entries(code, globals_):
            self._visit(f"{path}: global {name}.{attr}", f"{namespace}[{name!r}].__dict__[{attr!r}]", entries[attr],
                        True, entries, attr, False, in_dict=True)
        for i, (name, cell) in enumerate(zip(code.co_freevars, function.__closure__ or ())):
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            self._visit(f"{path}: closure {name}", f"{src}.__closure__[{i}].cell_contents", value, True, cell,
                        "cell_contents", True, in_dict=False)
        for i, value in enumerate(function.__defaults__ or ()):
            self._visit(f"{path}: default {i}", f"{src}.__defaults__[{i}]", value, True, None, None, False, False)
        for name, value in (function.__kwdefaults__ or {}).items():
            self._visit(f"{path}: default {name}", f"{src}.__kwdefaults__[{name!r}]", value, True, None, None,
                        False, False)

    def _module(self, path: str, src: str, module: Any, stable: bool) -> None:
        """A module of the user's reached as a value (not as a global the code loads, whose entries the code's
        attribute names pick: reach.module_entries): every entry the walk reads, as a dict's (its floats are
        read at replay)."""
        from tinygrad_lr.compiler import reach

        entries = vars(module)
        for name, value in list(entries.items()):
            if not name.startswith("__") and reach.walked(value):
                self._visit(f"{path}.{name}", f"{src}.__dict__[{name!r}]", value, stable, entries, name, False,
                            in_dict=True)

    seen_path: dict[int, str]

    def _value(self, path: str, src: str, v: Value, stable: bool) -> None:
        out = self.out
        if self.guarding:
            out.guards.append(f"{src}._requires_grad is {v._requires_grad!r}")
        out.facts[path + "._requires_grad"] = v._requires_grad
        out.facts[path + "._grad_fn"] = None if v._grad_fn is None else id(v._grad_fn)
        if v._grad_fn is not None:  # an interior Value of a graph made outside the call: its data is read as
            if self.guarding:  # a leaf's is (a backward through it would leave the replay: compiler/__init__)
                out.guards.append(f"{src}._grad_fn is not None")
            out.outside_graph.append(path)
            self._array(path + "._data", src + "._data", v._data, stable, v, "_data", True)
            return
        if self.guarding:
            out.guards.append(f"{src}._grad_fn is None")
        self._array(path + "._data", src + "._data", v._data, stable, v, "_data", True)
        grad = v._grad
        out.grads[path + "._grad"] = src
        if grad is None:
            out.facts[path + "._grad"] = ("is", None)
            if self.guarding:
                out.guards.append(f"{src}._grad is None")
        else:
            self._visit(path + "._grad", src + "._grad", grad, False, v, "_grad", True, in_dict=False)

    def _array(self, path: str, src: str, array: np.ndarray, stable: bool, holder: Any, key: Any,
               is_attr: bool, guards: list[str] | None = None) -> None:
        out = self.out
        if guards is None:
            guards = out.guards
        if type(array) is TracedArray:  # the walk after the call
            out.facts[path] = ("slot", array._slot)
            if holder is not None and hasattr(array, "_plain") and array._slot is not None:
                self.restored[id(array._plain)] = array._slot
                self._set(holder, key, is_attr, array._plain, remember=False)
            return
        if id(array) in self.restored:  # put back by this walk through another path
            out.facts[path] = ("slot", self.restored[id(array)])
            return
        first = self.seen.get(id(array))
        if first is not None:
            out.facts[path] = ("slot", self.traced[id(array)]._slot)
            if self.guarding:
                out.guards.append(f"{src} is {first}")
            if self.substitute and holder is not None:
                self._set(holder, key, is_attr, self.traced[id(array)])
            return
        # the same array at every call, held by a tuple: it cannot be swapped for a traced array, so the call
        # reads this very array, which the program reads by reference too. (One that may differ from call to
        # call, in a tuple argument, gets a slot it is not put in: the walk after the call sees it changed, and
        # that call's trace is not kept.)
        fixed = holder is None and stable
        if stable:
            name = self.rec.const(array, "a")
            if self.guarding:
                guards.append(f"{src} is {name}")
            bind = name
        else:
            bind = None
            if self.guarding:  # `?b7:`: needed only if the call read the array (or its shape...) in slot 7
                out.guards.append(
                    f"?b{self.rec.n_slots}:type({src}) is {self.rec.const(np.ndarray, 't')}"
                    f" and {src}.shape == {array.shape!r} and {src}.dtype == {self.rec.const(array.dtype, 't')}"
                    f" and {src}.strides == {array.strides!r}")
        if not self.substitute or fixed:
            out.facts[path] = ("array", id(array))
            return
        self.rec.ext_slots.add(self.rec.n_slots)
        traced = self.rec.new_slot(array)
        self.traced[id(array)] = traced
        slot = f"b{traced._slot}"
        self.seen[id(array)] = slot
        self.seen_path[id(array)] = path
        if self.guarding:
            out.guards.append(f"@{slot} = {bind or src}")
        out.facts[path] = ("slot", traced._slot)
        if holder is not None:
            self._set(holder, key, is_attr, traced)

    traced: dict[int, TracedArray]
    restored: dict[int, int]

    def _set(self, holder: Any, key: Any, is_attr: bool, value: Any, remember: bool = True) -> None:
        old = getattr(holder, key) if is_attr else holder[key]
        if remember:
            self.out.setters.append((holder, key, is_attr, old, value))
        if is_attr:
            object.__setattr__(holder, key, value)
        else:
            holder[key] = value


GENERATORS = (np.random.Generator, np.random.RandomState, random.Random)
# values compared whole (after ints, strs, floats and bools, which have their own branches); containers walked by index
VALUES = (np.generic, numbers.Number, enum.Enum, range)
SEQUENCES = (list, tuple, collections.deque)
# mutable or not, compared whole: kind -> a copy of it as it was
WHOLE: dict[type, Callable[[Any], Any]] = {set: frozenset, frozenset: frozenset, bytearray: bytes,
                                           array.array: copy.copy}


def _plain_value(kind: type) -> bool:
    """Whether values of this type are compared whole (answered once per type: numbers.Number is an ABC, slow to
    test on every object)."""
    known = _PLAIN_KINDS.get(kind)
    if known is None:
        known = _PLAIN_KINDS[kind] = issubclass(kind, VALUES)
    return known


_PLAIN_KINDS: dict[type, bool] = {}


def streams(kind: type) -> str | None:
    """"file" for a file object's type, "next" for an iterator's (a generator, `iter(list)`, `zip`), else None:
    what the call takes from them moves them on (answered once per type: io.IOBase is an ABC)."""
    if kind not in _STREAM_KINDS:
        _STREAM_KINDS[kind] = "file" if issubclass(kind, io.IOBase) else "next" if hasattr(kind, "__next__") else None
    return _STREAM_KINDS[kind]


_STREAM_KINDS: dict[type, str | None] = {}


def slotted(obj: Any) -> bool:
    """An instance of a class of the user's that keeps its attributes in `__slots__` (no `__dict__`)."""
    return not hasattr(obj, "__dict__") and hasattr(type(obj), "__slots__") and user_class(type(obj))


def _slot_values(obj: Any) -> dict[str, Any]:
    """The attributes a slotted object has set, by name."""
    names = [name for cls in type(obj).__mro__
             for name in ((cls.__dict__.get("__slots__", ()),) if isinstance(cls.__dict__.get("__slots__"), str)
                          else cls.__dict__.get("__slots__", ()))]
    return {name: getattr(obj, name) for name in names if hasattr(obj, name)}


def generator_state(generator: Any) -> Any:
    """A comparable snapshot of a NumPy or Python generator's state (its position moves with every draw)."""
    if isinstance(generator, random.Random):
        try:
            return generator.getstate()
        except NotImplementedError:  # random.SystemRandom draws from the system: no state to compare
            return None
    state = generator.bit_generator.state if isinstance(generator, np.random.Generator) else generator.get_state()
    return repr(state)


def file_position(file: io.IOBase) -> Any:
    """Where a file object stands, to compare after the call: its position if it can tell one; None for a stream
    that cannot (a terminal, a pipe); for a file read with next(), which disables tell(), a new object each time
    (it never compares equal: a replay would not read the next line)."""
    try:
        return file.tell() if not file.closed and file.seekable() else None
    except (OSError, ValueError):
        return object()


def user_function(obj: Any) -> bool:
    """A Python function of the user's (not of an installed package or the standard library): what it reads
    when called is state as much as what the compiled function reads itself."""
    return type(obj) is types.FunctionType and _users(obj.__module__, obj.__code__.co_filename)


def user_module(obj: Any) -> bool:
    """A module of the user's (`import config` of a config.py beside the script): its entries that a function
    reads as `config.LR` are settings, as its own globals are."""
    return type(obj) is types.ModuleType and _users(obj.__name__, getattr(obj, "__file__", None) or "")


def user_class(obj: Any) -> bool:
    """A plain class defined outside tinygrad_lr, NumPy and Python's standard library (whose data attributes a
    step may read as settings)."""
    if type(obj) is not type:
        return False
    module = sys.modules.get(obj.__module__ or "")
    return _users(obj.__module__, getattr(module, "__file__", None) or "")


@functools.lru_cache(maxsize=1024)
def _users(module: str | None, filename: str) -> bool:
    """Whether code of this module and file is the user's: not tinygrad_lr's, nor the standard library's, nor
    an installed package's (their module-level state is theirs: a library's caches and counters would change the
    guards at every call)."""
    top = (module or "").partition(".")[0]
    if top in _LIBRARIES or top in sys.stdlib_module_names:
        return False
    return not filename.startswith(_INSTALLED)


_LIBRARIES = frozenset({"tinygrad_lr", "numpy", "builtins"})
_INSTALLED = tuple({path for key, path in sysconfig.get_paths().items() if key in ("purelib", "platlib", "stdlib",
                                                                                    "platstdlib")})


def _in_structure(holder: Any, is_attr: bool) -> bool:
    """Whether a place is an attribute of a Module or an entry of a Registry: changes there move the stamp."""
    return is_attr and isinstance(holder, Module) or type(holder) is Registry


def _length_guard(src: str, length: int) -> str:
    """`len(src) == length`; for an empty container `not src`, which CPython tests without calling len."""
    return f"not {src}" if length == 0 else f"len({src}) == {length}"


Root = tuple[str, str, Any, bool, Any, Any, bool]  # path, source, object, stable, holder, key, key is an attribute


def walk(recorder: Recorder, roots: list[Root], substitute: bool) -> Walk:
    """Walk `roots` ((path, source, object, stable, where it is held) each). Before the call (`substitute`) put
    traced arrays and Syms in place; after it, put plain arrays back wherever a traced one was left."""
    walker = Walker(recorder, substitute)
    walker.seen_path = {}
    walker.traced = {}
    walker.restored = {}
    for path, src, obj, stable, holder, key, is_attr in roots:
        if holder is not None:  # read again: the walk before the call may have put a traced array there
            obj = getattr(holder, key) if is_attr else holder[key]
        walker.root(path, src, obj, stable, holder, key, is_attr)
    return walker.out


def restore(walk_before: Walk) -> None:
    """Put back what the walk before the call replaced, where it is still there (Syms, traced arrays)."""
    for holder, key, is_attr, old, put in reversed(walk_before.setters):
        current = getattr(holder, key) if is_attr else holder[key]
        if current is put and type(current) is not TracedArray:
            new = old
        elif type(current) is TracedArray:
            new = plain(current)
        elif type(current) is Sym:  # the call stored a value computed from one: keep that value, as a float
            new = float(current)
        else:
            continue
        if is_attr:
            object.__setattr__(holder, key, new)
        else:
            holder[key] = new
