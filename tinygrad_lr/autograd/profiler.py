"""`autograd.profiler`: where the time goes, with torch's API, at the granularity of `record_function` blocks.

    with profiler.profile() as prof:
        with profiler.record_function("forward"):
            loss = model(x).sum()
    print(prof.key_averages().table(sort_by="cpu_time_total"))

torch also times every op; here the events are the `record_function` blocks (and `profile`'s own span), each with
its wall-clock CPU time, call count and self time (its time minus that of the blocks it encloses).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

_active = threading.local()


@dataclass
class FunctionEvent:
    """One timed block: its name, start and end (microseconds since the profile began), and enclosed events."""

    name: str
    start_us: float
    end_us: float = 0.0
    children: list[FunctionEvent] = field(default_factory=list)

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.children)


@dataclass
class FunctionEventAvg:
    """The events of one name together (`key_averages()`)."""

    key: str
    count: int = 0
    cpu_time_total: float = 0.0
    self_cpu_time_total: float = 0.0

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0


class EventList(list):  # type: ignore[type-arg]
    """A list of events (FunctionEvent or FunctionEventAvg) that prints as torch's table."""

    def table(self, sort_by: str | None = None, row_limit: int = 100, **kwargs: Any) -> str:
        rows = [e if isinstance(e, FunctionEventAvg) else _average([e])[0] for e in self]
        if sort_by is not None:  # torch's sort keys; the CPU ones are the only times measured here
            key = sort_by if sort_by in ("self_cpu_time_total", "cpu_time", "count") else "cpu_time_total"
            rows.sort(key=lambda r: getattr(r, key), reverse=True)
        rows = rows[:row_limit]
        total_self = sum(r.self_cpu_time_total for r in rows) or 1.0
        width = max([len("Name")] + [len(r.key) for r in rows]) + 2
        header = f"{'Name':<{width}}{'Self CPU %':>12}{'Self CPU':>12}{'CPU total':>12}{'CPU time avg':>14}"
        header += f"{'# of Calls':>12}"
        rule = "-" * len(header)
        lines = [rule, header, rule]
        for r in rows:
            lines.append(
                f"{r.key:<{width}}{100 * r.self_cpu_time_total / total_self:>11.2f}%{_us(r.self_cpu_time_total):>12}"
                f"{_us(r.cpu_time_total):>12}{_us(r.cpu_time):>14}{r.count:>12}"
            )
        lines += [rule, f"Self CPU time total: {_us(sum(r.self_cpu_time_total for r in rows))}"]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.table()


def _us(t: float) -> str:
    return f"{t / 1000:.3f}ms" if t >= 1000 else f"{t:.3f}us"


def _average(events: list[FunctionEvent]) -> list[FunctionEventAvg]:
    by_name: dict[str, FunctionEventAvg] = {}
    for e in events:
        avg = by_name.setdefault(e.name, FunctionEventAvg(e.name))
        avg.count += 1
        avg.cpu_time_total += e.cpu_time_total
        avg.self_cpu_time_total += e.self_cpu_time_total
    return list(by_name.values())


class profile:
    """`with profile() as prof:` records the `record_function` blocks run inside (in this thread)."""

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, **kwargs: Any) -> None:  # fmt: skip
        self.enabled = enabled
        self._events: list[FunctionEvent] = []
        self._stack: list[FunctionEvent] = []
        self._t0 = 0.0

    def __enter__(self) -> profile:
        if self.enabled:
            self._t0 = time.perf_counter()
            self._previous = getattr(_active, "profile", None)
            _active.profile = self
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.enabled:
            _active.profile = self._previous

    def _now(self) -> float:
        return (time.perf_counter() - self._t0) * 1e6

    def _open(self, name: str) -> FunctionEvent:
        event = FunctionEvent(name, self._now())
        (self._stack[-1].children if self._stack else []).append(event)
        self._stack.append(event)
        self._events.append(event)
        return event

    def _close(self, event: FunctionEvent) -> None:
        event.end_us = self._now()
        if self._stack and self._stack[-1] is event:
            self._stack.pop()

    def events(self) -> EventList:
        return EventList(self._events)

    @property
    def function_events(self) -> EventList:
        return self.events()

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0) -> EventList:
        return EventList(_average(self._events))

    def table(self, **kwargs: Any) -> str:
        return self.key_averages().table(**kwargs)

    def total_average(self) -> FunctionEventAvg:
        total = FunctionEventAvg("Total", count=len(self._events))
        for e in self._events:
            total.cpu_time_total += e.cpu_time_total
            total.self_cpu_time_total += e.self_cpu_time_total
        return total

    def export_chrome_trace(self, path: str) -> None:
        """Write the events in the Chrome trace format (open in chrome://tracing or Perfetto)."""
        trace = [{"name": e.name, "ph": "X", "ts": e.start_us, "dur": e.cpu_time_total, "pid": 0, "tid": 0,
                  "cat": "cpu_op"} for e in self._events]  # fmt: skip
        with open(path, "w") as f:
            json.dump({"traceEvents": trace}, f)


class record_function:
    """A named block in the active profile (nothing when none is active); a context manager or a decorator."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self._event: FunctionEvent | None = None

    def __enter__(self) -> record_function:
        prof = getattr(_active, "profile", None)
        self._profile = prof
        self._event = prof._open(self.name) if prof is not None else None
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._event is not None:
            self._profile._close(self._event)  # type: ignore[union-attr]

    def __call__(self, func: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name):
                return func(*args, **kwargs)

        return wrapped
