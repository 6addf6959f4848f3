"""Branches on data in a recorded program: the checks a replay makes, and where it makes them.

A Python branch on an array's value (`if bad.any(): raise`, CrossEntropy's target check), or on a shape that
the data decides, cannot be replayed blindly: at replay the data may go the other way. The program checks the
branch instead and, if it goes the other way, stops (`return _EAGER`) and the call runs eagerly. That is only
sound where the replay has not yet written any of the state before the call: from there eager execution starts
over from the same state.

A check the traced call met after it had written state (BatchNorm's running statistics, updated in the forward
before the loss checks its targets) is placed earlier: if what it reads was computed from state no call had
written, by calls that only made new arrays (no draws, no writes into an array), those calls and the check move
to just before the first line that wrote state. They compute the same numbers there, since nothing they read
changes in between. Otherwise the call is not replayable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

# the program's line syntax, read here, by program.py (unused lines, kept buffers) and by training.py
SLOT = re.compile(r"\bb\d+\b")  # a buffer slot's name in the program's source
TARGETS = re.compile(r"^b\d+(?:, b\d+)*")  # the slots a line assigns (the start of an assignment)


def assigned_and_read(line: str) -> tuple[list[str], list[str]]:
    """The slots a program line assigns (`b7, b8 = ...`) and those the rest of it reads."""
    targets = TARGETS.match(line)
    if targets is None:
        return [], SLOT.findall(line)
    return targets.group().split(", "), SLOT.findall(line[targets.end():])


class Checks:
    """The Recorder's part that places checks (see the module docstring); the Recorder holds the state."""

    lines: list[str]
    line_call: list[int]
    listing: list[Any]
    pure: set[int]
    empties: dict[int, Any]
    first_draws: dict[str, int]
    snapshots: set[str]
    preconditions: list[str]
    ext_slots: set[int]
    data_shaped: set[int]
    shape_checked: set[int]
    meta_read: set[int]
    producer: dict[int, tuple[int, ...]]  # a slot made by a pure call -> the lines of that call
    overwritten: set[int]  # the slots (roots of views) some call wrote into
    first_write: int | None  # the index of the first line that wrote into the state before the call
    # the line where a compiled Module's recorded backward starts (compiler/training.py): a check after it has
    # no eager call to leave the rest to (the forward has returned), so there it makes the trace unreplayable
    split: int | None = None

    if TYPE_CHECKING:  # the Recorder's
        def fail(self, why: str) -> None: ...  # noqa: E704
        def add_line(self, line: str, pure: bool = False) -> None: ...  # noqa: E704
        def root(self, slot: int) -> int: ...  # noqa: E704

    def branch_on(self, data: bool, src: str, result: bool) -> None:
        """A Python branch on Syms (`src`, which went the `result` way): on a value read from an array (`data`), a
        check; on Python state read at replay (a learning rate), a guard."""
        if data:
            self.check(f"bool({src})", result, "branches on a value read from an array")
        else:
            self.preconditions.append(src if result else f"not {src}")

    def described(self, array: Any) -> None:
        """Python read `array`'s shape, dtype, ...: the program keeps the guards on them. A shape the data decides
        is checked at replay (else the call runs eagerly)."""
        slot: int = array._slot
        self.meta_read.add(slot)
        if slot not in self.data_shaped or slot in self.shape_checked:
            return
        self.shape_checked.add(slot)
        self.check(f"(b{slot}.shape == {np.ndarray.shape.__get__(array)!r})", True,
                   "reads the shape of an array whose size depends on data (a boolean mask, nonzero, unique)")

    def check(self, src: str, value: bool, what: str) -> None:
        """The replay checks `src is value`, before it writes any state; if the branch goes the other way, it
        stops and leaves the call to eager execution. The generators drawn from before the check are put back
        first (their state is kept before their first draw), so that eager draws what it would have."""
        if self.split is not None:
            self.fail(f"{what}, in the backward pass")
            return
        at = len(self.lines) if self.first_write is None else self.first_write
        moved = [] if self.first_write is None else self._computing(src)
        if moved is None:
            self.fail(f"{what}, computed from state the call had already changed")
            return
        drawn = [g for g, line in self.first_draws.items() if line < at]
        self.snapshots.update(drawn)
        stop = "".join(f"{g}._restore(_s{g}); " for g in drawn)
        self.add_line(f"if {src} is not {value}: {stop}return _EAGER")
        self.listing.append(f"check {src} is {value} (else this call runs eagerly)")
        if self.first_write is not None:
            self._move([*moved, len(self.lines) - 1], at)

    def _computing(self, src: str) -> list[int] | None:
        """The lines from the first write on that compute the slots `src` reads, if they read only state not
        written so far and slots made by pure calls that nothing wrote into since; else None."""
        lines: set[int] = set()
        todo = [int(name[1:]) for name in SLOT.findall(src)]
        seen: set[int] = set()
        while todo:
            slot = todo.pop()
            if slot in seen:
                continue
            seen.add(slot)
            if self.root(slot) in self.overwritten or slot in self.overwritten:
                return None
            if slot in self.ext_slots:
                continue
            made_by = self.producer.get(slot)
            if made_by is None:  # a draw, or a call that wrote into an argument
                return None
            for index in made_by:
                lines.add(index)
                todo.extend(int(name[1:]) for name in assigned_and_read(self.lines[index])[1])
        assert self.first_write is not None  # noqa: S101 - only asked after a write
        return sorted(index for index in lines if index >= self.first_write)

    def _move(self, moved: list[int], at: int) -> None:
        """Move the lines `moved` (in order, all at or after `at`) to line `at`, their calls in the listing with
        them, and renumber what refers to lines."""
        moving = set(moved)
        order = [*range(at), *moved, *(i for i in range(at, len(self.lines)) if i not in moving)]
        new_line = {old: new for new, old in enumerate(order)}
        calls = sorted({self.line_call[i] for i in moved})
        first_call, moving_calls = self.line_call[at], set(calls)
        call_order = [*range(first_call), *calls,
                      *(c for c in range(first_call, len(self.listing)) if c not in moving_calls)]
        new_call = {old: new for new, old in enumerate(call_order)}
        self.lines = [self.lines[i] for i in order]
        self.line_call = [new_call[self.line_call[i]] for i in order]
        self.listing = [self.listing[c] for c in call_order]
        self.pure = {new_line[i] for i in self.pure}
        self.empties = {new_line[i]: made for i, made in self.empties.items()}
        self.first_draws = {g: new_line[i] for g, i in self.first_draws.items()}
        self.producer = {slot: tuple(new_line[i] for i in made_by) for slot, made_by in self.producer.items()}
        self.first_write = new_line[at]
