"""What a compiled function can read: the roots of the state walk (`compiler/state.py`).

Its arguments, a bound method's `self`, its closure, the globals its code loads and its default arguments, when
they hold what a step may read or change: tinygrad_lr objects, arrays, settings and records (numbers, strings,
containers, namespaces, dataclasses, the user's own classes and their instances) and random generators.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import dis
import functools
import os
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from tinygrad_lr.compiler import state as state_walk
from tinygrad_lr.value import Value


def roots(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
          ) -> tuple[list[state_walk.Root], dict[str, Any]]:
    """What the call can read, and the program's names for where it lies: its arguments (read afresh each call),
    a bound method's self, the closure, and the globals its code loads and its default arguments that hold what
    `walked` accepts (the user's functions among them are walked in turn: what a helper reads is state too)."""
    found: list[state_walk.Root] = [("args", "A", args, False, None, None, False),
                                    ("kwargs", "K", kwargs, False, None, None, False)]
    target = fn
    self_ = getattr(target, "__self__", None)
    if self_ is not None and not isinstance(self_, type(os)):
        found.append(("self", "SELF", self_, True, None, None, False))
        target = target.__func__  # type: ignore[attr-defined]
    places = {"SELF": self_, "CLOSURE": getattr(target, "__closure__", None),
              "GLOBALS": getattr(target, "__globals__", {}), "DEFAULTS": getattr(target, "__defaults__", None),
              "KWDEFAULTS": getattr(target, "__kwdefaults__", None)}
    code = getattr(target, "__code__", None)
    if code is not None:
        for i, (name, cell) in enumerate(zip(code.co_freevars, places["CLOSURE"] or ())):
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            found.append((f"closure {name}", f"CLOSURE[{i}].cell_contents", value, True, cell, "cell_contents", True))
        globals_: dict[str, Any] = places["GLOBALS"] or {}
        for name in global_names(code):
            value = globals_.get(name)
            if name in globals_ and walked(value):
                found.append((f"global {name}", f"GLOBALS[{name!r}]", value, True, globals_, name, False))
        for name, attr, entries in module_entries(code, globals_):  # `config.LR` of a module of the user's
            found.append((f"global {name}.{attr}", f"GLOBALS[{name!r}].__dict__[{attr!r}]", entries[attr], True,
                          entries, attr, False))
        # default arguments the call may use (a Value `w=w`, a list `history=[]` it appends to)
        for i, value in enumerate(places["DEFAULTS"] or ()):
            if walked(value):
                found.append((f"default {i}", f"DEFAULTS[{i}]", value, True, None, None, False))
        for name, value in (places["KWDEFAULTS"] or {}).items():
            if walked(value):
                found.append((f"default {name}", f"KWDEFAULTS[{name!r}]", value, True, None, None, False))
    return found, places


def walked(value: Any) -> bool:
    """Whether a global or a default argument is state the walk reads (see `is_state`, `is_setting`)."""
    return (is_state(value) or is_setting(value) or isinstance(value, state_walk.GENERATORS)
            or state_walk.user_function(value) or type(value) in (types.MethodType, functools.partial)
            or state_walk.streams(type(value)) is not None)  # an iterator, a file


def module_entries(code: types.CodeType, globals_: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The entries of the user's modules that the code may read as attributes (`config.LR`, `data.X` after
    `import config, data`): for each global the code loads that is such a module, the names among the code's
    attribute names (`co_names`, a superset of what it reads from that module) that the module holds and the walk
    reads, as (global, attribute, the module's dict)."""
    for name in global_names(code):
        module = globals_.get(name)
        if state_walk.user_module(module):
            entries = vars(module)
            for attr in dict.fromkeys(code.co_names):
                if attr in entries and walked(entries[attr]):
                    yield name, attr, entries


@functools.lru_cache(maxsize=256)
def global_names(code: types.CodeType) -> tuple[str, ...]:
    """The globals a function's code reads, from its LOAD_GLOBAL instructions (`co_names` also holds the attribute
    names it reads: `optimizer.step()` names `step`, which must not make a global `step = torch.compile(...)`
    part of the state). Read off the bytecode directly: `dis.get_instructions` costs ~10x more."""
    names, raw, extended = [], code.co_code, 0
    for i in range(0, len(raw), 2):
        op, arg = raw[i], raw[i + 1] | extended
        extended = arg << 8 if op == _EXTENDED_ARG else 0
        if op == _LOAD_GLOBAL:
            names.append(code.co_names[arg >> _GLOBAL_SHIFT])
    return tuple(dict.fromkeys(names))


_LOAD_GLOBAL, _EXTENDED_ARG = dis.opmap["LOAD_GLOBAL"], dis.EXTENDED_ARG
_GLOBAL_SHIFT = 1 if sys.version_info >= (3, 11) else 0  # from 3.11 the low bit of the argument is a flag


def is_setting(value: Any) -> bool:
    """What a global may hold that the code reads as settings or fills as a record: a plain value (`LR = 0.1`,
    `MODE = "train"`, a NumPy scalar), a container (`CONFIG = {"lr": 0.1}`, `losses = []`), a namespace or a
    dataclass (parsed arguments, a config), a class of the user's used as one (`class Config: lr = 0.1`) or an
    instance of one (a logger that keeps a list). Walked: a float in a dict is read at replay, other values are
    guarded, and a call that changes one (appends a loss) is not replayed."""
    kind = type(value)
    if isinstance(value, tuple):  # a namedtuple too
        return all(map(is_setting, value))
    if value is None or kind in (bool, int, float, str, dict, list, types.SimpleNamespace, argparse.Namespace):
        return True
    if isinstance(value, (*state_walk.VALUES, dict, collections.deque)) or type(value) in state_walk.WHOLE:
        return True  # and their kin: a NumPy scalar, a Fraction, an Enum, a range, an OrderedDict, a set, a bytearray
    if state_walk.slotted(value):
        return True
    if dataclasses.is_dataclass(value) and not isinstance(value, type) or state_walk.user_class(value):
        return True
    return hasattr(value, "__dict__") and state_walk.user_class(kind)  # an instance of such a class


def is_state(value: Any) -> bool:
    if isinstance(value, Value | np.ndarray):
        return True
    module = type(value).__module__ or ""
    return module.startswith("tinygrad_lr") and hasattr(value, "__dict__")
