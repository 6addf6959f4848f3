"""The source of a trace's replay function (`Trace` compiles it on its first replay): the guards joined into
few `if`s, the bindings of the arrays it reads, the recorded calls whose results are used (the unused pure ones
dropped), `np.empty` buffers kept from one replay to the next, the generators' state kept where a check may stop
the replay, the effects on `.grad`, and the outputs.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np

from tinygrad_lr.compiler.checks import SLOT, assigned_and_read
from tinygrad_lr.compiler.tracer import Recorder


def source(recorder: Recorder, guards: list[str], structure_guarded: bool, grad_on: bool, effects: list[str],
             output: str, guards_only: bool, body: list[str]) -> str:
    """The replay function's source: guards (and bindings), the `body` (the recorded calls whose results are
    used), the effects, the outputs. A trace that cannot be replayed keeps only its guards (they recognise the
    calls that must run eagerly). The guards on modules' structure are one comparison of the stamp."""
    lines = ["def _replay(A, K):", f"    if _GRAD.enabled is not {grad_on!r}: return _MISS"]  # this thread's mode
    if structure_guarded:
        lines.append("    if _STRUCTURE[0] is not _SEEN[0] and not _revalidate(A, K): return _MISS")
    # the guards go in as few `if`s as they can (CPython compiles one `if` per guard ~30 % slower); a binding
    # (`@b3 = o17._grad._data`) comes after all of them, unless a check reads its slot
    checks = [g.split(":", 1)[1] if g.startswith("?") else g for g in guards if not g.startswith("@")]
    compared = set(SLOT.findall(" ".join(checks + recorder.preconditions)))
    read = set(SLOT.findall(" ".join([*body, *effects, output])))
    # an array no call read, nor its shape or dtype (the `.grad` zero_grad drops): nothing to check about it
    described = read | compared | {f"b{slot}" for slot in recorder.meta_read}
    run: list[str] = []
    bindings = []
    # an attribute or entry the walk saw may be gone (deleted since): the guards fail, they do not raise
    lines.append("    try:")
    for guard in [*guards, *recorder.preconditions, "@"]:
        if guard.startswith("?"):
            slot, guard = guard[1:].split(":", 1)
            if slot not in described and not guards_only:
                continue
        if not guard.startswith("@"):
            run.append(f"({guard})" if " or " in guard else guard)
            continue
        slot = guard[1:].split(" =", 1)[0]
        if guard != "@" and slot not in compared:
            if slot in read:  # an array bound and never read (a `.grad` that zero_grad drops) is not bound
                bindings.append(f"    {guard[1:]}")
            continue
        if run:
            lines.append("        if not (" + "\n                and ".join(run) + "): return _MISS")
            run = []
        if guard != "@":
            lines.append(f"        {guard[1:]}")
    if lines[-1] == "    try:":
        lines.pop()
    else:
        lines.append("    except _GONE: return _MISS")
    lines.extend(bindings)
    if guards_only:
        return "\n".join([*lines, "    return None"]) + "\n"
    indent = "    "
    if KEPT in recorder.namespace:  # buffers kept from one replay to the next: one replay at a time
        lines.append(f"    with {KEPT}:")  # (threads replaying it at once would write into each other's)
        indent = "        "
    lines.extend(f"{indent}{line}" for line in freeing(recorder, body, [*effects, output]))
    lines.extend(f"{indent}{line}" for line in effects)
    lines.append(f"{indent}return {output}")
    return "\n".join(lines) + "\n"


# a `.grad` present or not (the first step of a training loop has none yet; the next ones have)
_GRAD_PRESENCE = re.compile(r"^(type\()?[\w.\[\]'\"]+\._grad\)? is (None|t\d+)$")


def quick_check(guards: list[str], grad_on: bool) -> str:
    """The guards that tell a function's traces apart most often (grad mode, the number of arguments, which
    `.grad`s are there), as one expression: checked before a trace's program is compiled."""
    picked = [f"_GRAD.enabled is {grad_on!r}"]  # this thread's mode, as the program reads it
    picked.extend(f"({guard})" for guard in guards
                  if guard.startswith(("len(A) ==", "len(K) ==")) or _GRAD_PRESENCE.match(guard))
    return " and ".join(picked)


def used_lines(recorder: Recorder, lines: list[str], effects: list[str], output: str) -> tuple[list[str], list[Any]]:
    """The lines, without the pure ones (a call that only makes new slots) whose slots nothing reads later, and
    the listing of the calls left. The backward seed of a scalar loss, say, is made and read by `.item()` while
    tracing; a constant, its value goes into the program and its array is not made again."""
    read = set(SLOT.findall(" ".join(effects) + " " + output))
    kept = []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        assigned, reads = assigned_and_read(line)
        if index in recorder.pure and read.isdisjoint(assigned):  # (a pure line assigns its new slots)
            continue
        kept.append(index)
        read.update(reads if index in recorder.pure else SLOT.findall(line))
    kept.reverse()
    calls = {recorder.line_call[index] for index in kept}
    return [lines[index] for index in kept], [entry for k, entry in enumerate(recorder.listing) if k in calls]


FREED_BYTES = 1 << 15  # slots this large are deleted after their last use (smaller ones cost more to delete)


def freeing(recorder: Recorder, lines: list[str], after: list[str]) -> list[str]:
    """The lines, with `del` of each large slot after the line that uses it last (unless `after`, the lines that
    follow, read it). Eager execution frees a temporary as soon as nothing refers to it, and the next array of
    its size reuses that memory, still in the cache; a program holding every slot to its end would take new
    memory for each, and glibc would give it back to the system at the end of every replay (a large fresh
    array costs its page faults: the scratch arrays of nn/scratch.py answer the same)."""
    needed = set(SLOT.findall(" ".join(after)))
    last: dict[str, int] = {}
    for index, line in enumerate(lines):
        for name in SLOT.findall(line):
            last[name] = index
    dying: dict[int, list[str]] = {}
    for name, index in last.items():
        dtype, shape = recorder.slot_info.get(int(name[1:]), (None, ()))
        if name not in needed and dtype is not None and np.dtype(dtype).itemsize * int(np.prod(shape)) >= FREED_BYTES:
            dying.setdefault(index, []).append(name)
    freed = []
    for index, line in enumerate(lines):
        freed.append(line)
        if index in dying:
            freed.append("del " + ", ".join(dying[index]))
    return freed


def snapshotting(recorder: Recorder, lines: list[str]) -> list[str]:
    """The lines, with each generator a check puts back (`Recorder.check`) keeping its state before its first
    draw: a replay that stops at such a check has drawn nothing, as far as eager execution can tell."""
    for name in recorder.snapshots:
        index = recorder.first_draws[name]
        lines[index] = f"_s{name} = {name}._snapshot(); {lines[index]}"
    return lines


def reusing_buffers(recorder: Recorder, effects: list[str], output: str) -> list[str]:
    """The recorded lines, with each `np.empty` whose memory does not outlive the call (it is no output, no
    `.grad`, nor viewed by one) replaced by a buffer the program keeps: what `nn/scratch.py` does for eager
    execution (a large fresh array each step costs page faults), decided here once from the program instead of
    from reference counts. The memory was uninitialised either way: the numbers are the same."""
    kept = {recorder.root(int(name[1:])) for name in SLOT.findall(" ".join(effects) + " " + output)}
    lines = list(recorder.lines)
    for index, (slot, shape, dtype) in recorder.empties.items():
        if recorder.root(slot) in kept or slot in kept:
            continue
        name = recorder.const(np.empty(shape, dtype), "buffer")
        lines[index] = f"b{slot} = {name}"
        recorder.namespace.setdefault(KEPT, threading.Lock())
    return lines


KEPT = "_KEPT_LOCK"  # the lock of a program's kept buffers, in its namespace
