"""A stamp that moves whenever the structure of any Module changes, so that `compile` checks it in one comparison.

A compiled program depends on what its Modules hold: their attributes (`training`, `reduction`, which Parameter
objects they have) and their registries (`_parameters`, `_buffers`, `_modules`, the hooks). Checking each of these
before every replay costs some twenty comparisons per module. Instead, every such change calls `changed()`, which
gives the shared stamp `version[0]` a number it never had before; a program compares the stamp with the one it
last checked its modules at, and checks them one by one only when the stamp moved.

What moves it: `Module.__setattr__` and `__delattr__`, the `register_*` and `add_module` methods, and every change
to a `Registry` (the dicts in which a Module keeps its parameters, buffers, children and hooks). `changed()` runs
after the change and takes its number from a counter (atomic in CPython), so a program that checked the modules
after reading the stamp cannot miss a change made by another thread. What does not move it: writing the instance
dict directly (`vars(module)[name] = value`), which bypasses the Module as it bypasses torch's `__setattr__`.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any

_numbers = itertools.count(1)
version = [0]  # the stamp: read as `version[0]` (a list, so that programs hold the one object)


def changed() -> None:
    """Move the stamp to a number it never had (call it after the change)."""
    version[0] = next(_numbers)


class Registry(OrderedDict):  # type: ignore[type-arg]
    """An OrderedDict whose every change moves the structure stamp (reads are the OrderedDict's own, as fast).
    `update`, `setdefault` and `|=` store through `__setitem__`; the other changes are overridden here."""

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        changed()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        changed()

    def pop(self, key: Any, *default: Any) -> Any:
        value = super().pop(key, *default)
        changed()
        return value

    def popitem(self, last: bool = True) -> Any:
        item = super().popitem(last)
        changed()
        return item

    def clear(self) -> None:
        super().clear()
        changed()

    def move_to_end(self, key: Any, last: bool = True) -> None:
        super().move_to_end(key, last)
        changed()
