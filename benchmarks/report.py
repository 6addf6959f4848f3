"""The Markdown report: ratios to torch, absolute times, memory, the issue's targets, and the machine they came from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks.engines import BASELINE
from benchmarks.harness import CaseResult, EngineResult

# Issue 4's targets for tinygrad_lr, as ratios to torch in the same run.
TORCH_RATIO_TARGETS = {
    "W1 N=1e6 D=10": 1.0,
    "W1 N=50 D=1": 0.5,
    "W2": 0.55,
    "W3": 0.5,
    "W4": 0.5,
}
# Issues 2 and 3: the N=1e6 epoch within 1.10x (engine) / 1.15x (PyTorch-style loop) of hand-written NumPy.
NUMPY_RATIO_TARGET = ("W1 N=1e6 D=10", 1.15)
MEMORY_TARGET_MIB = 40.0


def format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def _baseline(result: CaseResult) -> tuple[str, float] | None:
    for name in (BASELINE, "numpy"):
        engine = result.engines.get(name)
        if engine is not None and engine.seconds:
            return name, engine.seconds
    return None


def _status_cell(engine: EngineResult | None) -> str:
    if engine is None or engine.status in ("unsupported", "unavailable"):
        return "-" if engine is None or engine.status == "unsupported" else "n/a"
    if engine.status == "crashed":
        return f"crashes ({engine.note.split(':')[0]})"
    if engine.status == "mismatch":
        return f"mismatch ({engine.note})"
    return "?"


def ratio(result: CaseResult, engine: str) -> float | None:
    """Time of `engine` over the baseline's time in the same run, or None."""
    base = _baseline(result)
    measured = result.engines.get(engine)
    if base is None or measured is None or not measured.seconds:
        return None
    return measured.seconds / base[1]


def ratio_table(results: Sequence[CaseResult], engines: Sequence[str]) -> list[str]:
    lines = ["| workload | " + " | ".join(engines) + " |", "|---" * (len(engines) + 1) + "|"]
    for result in results:
        base = _baseline(result)
        cells = []
        for engine in engines:
            measured = result.engines.get(engine)
            if measured is None or not measured.seconds:
                cells.append(_status_cell(measured))
            elif base is not None and engine == base[0]:
                cells.append(f"1 ({format_seconds(measured.seconds)})")
            else:
                cells.append(f"{measured.seconds / base[1]:.2f}x" if base else format_seconds(measured.seconds))
        lines.append(f"| {result.case.title} | " + " | ".join(cells) + " |")
    return lines


def time_table(results: Sequence[CaseResult], engines: Sequence[str]) -> list[str]:
    lines = ["| workload (time per unit) | " + " | ".join(engines) + " | checked against |",
             "|---" * (len(engines) + 2) + "|"]
    for result in results:
        cells = []
        for engine in engines:
            measured = result.engines.get(engine)
            if measured is None or not measured.seconds:
                cells.append(_status_cell(measured))
            else:
                spread = ""
                if len(measured.rounds) > 1:
                    spread = f" [{format_seconds(min(measured.rounds))}-{format_seconds(max(measured.rounds))}]"
                cells.append(format_seconds(measured.seconds) + spread)
        lines.append(f"| {result.case.key} per {result.case.unit} | " + " | ".join(cells)
                     + f" | {result.reference or '-'} |")
    return lines


def memory_row(memory: dict[str, dict[str, Any]], engines: Sequence[str]) -> list[str]:
    cells = []
    for engine in engines:
        entry = memory.get(engine)
        if entry is None or "unsupported" in entry:
            cells.append("-")
        elif "error" in entry:
            cells.append(f"error ({entry['error'][:60]})")
        else:
            cells.append(f"+{entry['added_mib']:.0f} MiB")
    return ["| W1 N=1e6 D=10 f32: memory added by training (peak RSS) | " + " | ".join(cells) + " |"]


def targets_table(results: Sequence[CaseResult], memory: dict[str, dict[str, Any]]) -> list[str]:
    by_key = {r.case.key: r for r in results}
    lines = ["| target (tinygrad_lr) | measured | met |", "|---|---|---|"]

    def row(text: str, value: float | None, limit: float, unit: str = "x") -> None:
        if value is None:
            lines.append(f"| {text} | not measured | - |")
        else:
            shown = f"{value:.2f}x" if unit == "x" else f"+{value:.0f} MiB"
            lines.append(f"| {text} | {shown} | {'yes' if value <= limit else 'no'} |")

    for key, limit in TORCH_RATIO_TARGETS.items():
        value = ratio(by_key[key], "tinygrad_lr") if key in by_key else None
        row(f"{key} <= {limit}x torch", value, limit)
    key, limit = NUMPY_RATIO_TARGET
    value = None
    if key in by_key:
        ours, numpy = by_key[key].engines.get("tinygrad_lr"), by_key[key].engines.get("numpy")
        if ours and numpy and ours.seconds and numpy.seconds:
            value = ours.seconds / numpy.seconds
    row(f"{key} <= {limit}x hand-written NumPy (issue 3; 1.10x for the engine alone, issue 2)", value, limit)
    entry = memory.get("tinygrad_lr", {})
    row(f"W1 N=1e6 D=10 memory added <= +{MEMORY_TARGET_MIB:.0f} MiB", entry.get("added_mib"), MEMORY_TARGET_MIB, "MiB")
    return lines


def render(
    results: Sequence[CaseResult],
    engines: Sequence[str],
    memory: dict[str, dict[str, Any]],
    environment: dict[str, str],
    extra_lines: Sequence[str] = (),
) -> str:
    """The whole report as Markdown."""
    lines = ["# tinygrad_lr benchmarks", ""]
    lines += [f"Ratios are time over {BASELINE}'s time in the same run (lower is faster); medians over interleaved "
              "rounds. Every engine's loss and weights/gradients were checked against the reference before timing.",
              ""]
    lines += ratio_table(results, engines)
    if memory:
        lines += memory_row(memory, engines)
    lines += ["", "## Time per unit (median [fastest-slowest round])", ""]
    lines += time_table(results, engines)
    lines += ["", "## Targets (issue 4, and the speed sections of issues 2 and 3)", ""]
    lines += targets_table(results, memory)
    if extra_lines:
        lines += ["", *extra_lines]
    lines += ["", "## Environment", ""]
    lines += [f"- {name}: {value}" for name, value in environment.items()]
    return "\n".join(lines) + "\n"
