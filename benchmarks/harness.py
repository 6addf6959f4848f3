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


def run_case(
    case: Case,
    runners: dict[str, RunnerFactory],
    engines: Iterable[str],
    available: Callable[[str], bool],
    rounds: int,
    min_seconds: float,
    reference: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> CaseResult:
    """Check agreement, then time the agreeing engines; see the module docstring."""
    results: dict[str, EngineResult] = {}
    built: dict[str, Runner] = {}
    snapshots: dict[str, dict[str, Any]] = {}
    for engine in engines:
        if engine not in runners:
            results[engine] = EngineResult("unsupported")
            continue
        if not available(engine):
            results[engine] = EngineResult("unavailable", note="not installed")
            continue
        try:
            runner = runners[engine](case)
        except UnsupportedCaseError as reason:
            results[engine] = EngineResult("unsupported", note=str(reason))
            continue
        try:
            for _ in range(case.check_calls):
                runner.run()
            snapshots[engine] = runner.snapshot()
        except Exception as error:  # noqa: BLE001 - a crashing engine is a result (e.g. micrograd's RecursionError)
            results[engine] = EngineResult("crashed", note=_describe(error))
            log(f"  {case.key}: {engine} crashed: {_describe(error)}")
            del runner
            gc.collect()
            continue
        built[engine] = runner

    if reference is not None:
        reference_name: str | None = "closed form"
    else:
        reference_name = "numpy" if "numpy" in snapshots else next(iter(snapshots), None)
        reference = snapshots.get(reference_name or "", {})
    for engine in list(built):
        ok, error, where = compare(snapshots[engine], reference, case.rtol, case.atol)
        if not ok:
            results[engine] = EngineResult("mismatch", note=f"{where} differs by {error:.2e} (relative)",
                                           max_error=error)
            log(f"  {case.key}: {engine} disagrees with {reference_name}: {where} off by {error:.2e}")
            del built[engine]
        else:
            results[engine] = EngineResult("ok", max_error=error)

    reps = {engine: _calibrate(runner, min_seconds) for engine, runner in built.items()}
    order = list(built)
    n_rounds = rounds if case.max_rounds is None else min(rounds, case.max_rounds)
    for r in range(n_rounds):
        shift = r % len(order) if order else 0
        for engine in order[shift:] + order[:shift]:
            runner = built[engine]
            gc.collect()
            start = time.perf_counter()
            for _ in range(reps[engine]):
                runner.run()
            elapsed = time.perf_counter() - start
            results[engine].rounds.append(elapsed / reps[engine] / case.units_per_call)
    for engine in order:
        results[engine].seconds = statistics.median(results[engine].rounds) if results[engine].rounds else None
    built.clear()
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
