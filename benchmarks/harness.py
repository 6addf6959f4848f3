"""Check that the engines agree, then time them interleaved in rounds and take medians.

A workload module provides `cases(quick)` (the rows of the table) and `RUNNERS`, a dict from engine name to a
factory `factory(case) -> Runner`. A Runner does one timed unit of work per `run()` (an epoch, a chain's forward
and backward) and reports what it computed with `snapshot()` (loss, weights or gradients as NumPy arrays).

For each case:
1. every engine is built from the same data and initial weights and runs `case.check_calls` units;
2. its snapshot is compared with the reference: the workload's closed form when it has one, else hand-written
   NumPy; an engine that disagrees or crashes gets no time;
3. the engines that agree are timed in rounds, the order rotating every round, each engine running enough units
   per round to fill `min_seconds`; the reported time per unit is the median over rounds.

Each timed block starts with half a block of untimed units (when a block has more than one). An engine has sat
idle while the others took their turns, and on the development machines the first units after such a pause run
slower for a while even when the work only reads memory ("Warm-up before each block" in docs/performance.md). A
training loop does not pause between its steps, so the timed units are the ones after the warm-up.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


class UnsupportedCaseError(Exception):
    """Raised by a runner factory when an engine does not take part in a case (shown as '-')."""


class Runner(Protocol):
    def run(self) -> None: ...

    def snapshot(self) -> dict[str, Any]: ...


RunnerFactory = Callable[["Case"], Runner]


@dataclass(frozen=True)
class Case:
    """One row of the table: a workload at one size."""

    key: str  # short id used by --only and by the targets, e.g. "W1 N=1e6 D=10"
    title: str  # the row label
    workload: str  # "W1" .. "W4"
    params: dict[str, Any]
    unit: str = "epoch"  # what the time is per
    units_per_call: int = 1  # e.g. the number of ops in one W2 chain
    check_calls: int = 1
    rtol: float = 1e-4
    atol: float = 1e-6
    max_rounds: int | None = None  # cap for very slow cases (W3)


@dataclass
class EngineResult:
    status: str  # "ok", "unsupported", "unavailable", "crashed", "mismatch"
    seconds: float | None = None  # median seconds per unit
    rounds: list[float] = field(default_factory=list)
    note: str = ""
    max_error: float | None = None


@dataclass
class CaseResult:
    case: Case
    engines: dict[str, EngineResult]
    reference: str | None


def _as_arrays(snapshot: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in snapshot.items()}


def compare(snapshot: dict[str, Any], reference: dict[str, Any], rtol: float, atol: float) -> tuple[bool, float, str]:
    """Whether every array of `snapshot` matches `reference`; also the worst relative error and where it is."""
    ours, theirs = _as_arrays(snapshot), _as_arrays(reference)
    worst, where = 0.0, ""
    ok = True
    for name, expected in theirs.items():
        if name not in ours:
            return False, math.inf, f"missing {name}"
        got = ours[name]
        if got.shape != expected.shape:
            return False, math.inf, f"{name}: shape {got.shape} vs {expected.shape}"
        scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-30)
        error = float(np.max(np.abs(got - expected))) / scale if got.size else 0.0
        if error > worst:
            worst, where = error, name
        if not np.allclose(got, expected, rtol=rtol, atol=atol * scale):
            ok = False
    return ok, worst, where


def _describe(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:120]


class EngineCrashedError(Exception):
    """An engine raised (or its worker process died) while building or running a case; the text says what."""


class LocalEngine:
    """A runner driven in this process: checked once, then timed in blocks of `reps` units."""

    def __init__(self, runner: Runner) -> None:
        self.runner: Runner | None = runner

    def check(self, calls: int) -> dict[str, Any]:
        assert self.runner is not None
        for _ in range(calls):
            self.runner.run()
        return self.runner.snapshot()

    def calibrate(self, min_seconds: float) -> int:
        assert self.runner is not None
        return _calibrate(self.runner, min_seconds)

    def time_block(self, reps: int) -> float:
        """Seconds for `reps` units, after a full garbage collection so earlier garbage is not charged here,
        and after reps // 2 untimed units (see the module docstring)."""
        assert self.runner is not None
        run = self.runner.run
        gc.collect()
        for _ in range(reps // 2):
            run()
        start = time.perf_counter()
        for _ in range(reps):
            run()
        return time.perf_counter() - start

    def close(self) -> None:
        self.runner = None
        gc.collect()


Engine = Any  # LocalEngine, or benchmarks.workers.WorkerEngine (the same methods, in another process)
EngineStarter = Callable[[str, Case], Engine]


def run_case(
    case: Case,
    runners: dict[str, RunnerFactory],
    engines: Iterable[str],
    available: Callable[[str], bool],
    rounds: int,
    min_seconds: float,
    reference: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
    start: EngineStarter | None = None,
) -> CaseResult:
    """Check agreement, then time the agreeing engines; see the module docstring.

    `start(engine name, case)` builds each engine: `benchmarks.workers.isolated(...)` puts each in a worker process
    of its own; None builds them here from `runners`.
    """
    results: dict[str, EngineResult] = {}
    built: dict[str, Engine] = {}
    snapshots: dict[str, dict[str, Any]] = {}
    for name in engines:
        if name not in runners:
            results[name] = EngineResult("unsupported")
            continue
        if not available(name):
            results[name] = EngineResult("unavailable", note="not installed")
            continue
        engine: Engine | None = None
        try:
            engine = start(name, case) if start is not None else LocalEngine(runners[name](case))
            snapshots[name] = engine.check(case.check_calls)
        except UnsupportedCaseError as reason:
            results[name] = EngineResult("unsupported", note=str(reason))
        except Exception as error:  # noqa: BLE001 - a crashing engine is a result (e.g. micrograd's RecursionError)
            note = str(error) if isinstance(error, EngineCrashedError) else _describe(error)
            results[name] = EngineResult("crashed", note=note)
            log(f"  {case.key}: {name} crashed: {note}")
        else:
            built[name] = engine
            continue
        if engine is not None:
            engine.close()
        gc.collect()

    if reference is not None:
        reference_name: str | None = "closed form"
    else:
        reference_name = "numpy" if "numpy" in snapshots else next(iter(snapshots), None)
        reference = snapshots.get(reference_name or "", {})
    for name in list(built):
        ok, error, where = compare(snapshots[name], reference, case.rtol, case.atol)
        if not ok:
            results[name] = EngineResult("mismatch", note=f"{where} differs by {error:.2e} (relative)",
                                         max_error=error)
            log(f"  {case.key}: {name} disagrees with {reference_name}: {where} off by {error:.2e}")
            built.pop(name).close()
        else:
            results[name] = EngineResult("ok", max_error=error)

    try:
        reps = {name: engine.calibrate(min_seconds) for name, engine in built.items()}
        order = list(built)
        n_rounds = rounds if case.max_rounds is None else min(rounds, case.max_rounds)
        for r in range(n_rounds):
            shift = r % len(order) if order else 0
            for name in order[shift:] + order[:shift]:  # one engine at a time, the order rotating
                elapsed = built[name].time_block(reps[name])
                results[name].rounds.append(elapsed / reps[name] / case.units_per_call)
    finally:
        for engine in built.values():
            engine.close()
    for name in built:
        results[name].seconds = statistics.median(results[name].rounds) if results[name].rounds else None
    gc.collect()
    return CaseResult(case, results, reference_name)


def _calibrate(runner: Runner, min_seconds: float) -> int:
    """How many units make one timed block of at least `min_seconds` (one unit if a unit is already slower)."""
    start = time.perf_counter()
    runner.run()
    once = time.perf_counter() - start
    if once >= min_seconds:
        return 1
    reps = 1
    while True:  # re-measure with a batch: a single tiny call is dominated by timer noise
        reps = max(reps * 2, math.ceil(min_seconds / max(once, 1e-7) / 4))
        start = time.perf_counter()
        for _ in range(reps):
            runner.run()
        batch = time.perf_counter() - start
        if batch >= min_seconds / 4 or reps >= 1_000_000:
            return max(1, math.ceil(min_seconds * reps / max(batch, 1e-9)))
