"""Run the benchmark suite and write benchmarks/results/latest.md.

    python -m benchmarks                      # everything, 7 rounds (several minutes); or python benchmarks/run.py
    python -m benchmarks --quick              # 3 rounds, shorter blocks (a few minutes)
    python -m benchmarks --only W2 --engines tinygrad_lr,torch
    python -m benchmarks --deep               # also W3 at 10^6 steps for tinygrad_lr (slow)
    python -m benchmarks --threads 1          # torch and BLAS single-threaded (steadier on a shared machine)

On machines that set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (they can pick a slower kernel), unset them for the
benchmark command alone: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks`. The report names the
BLAS kernel that actually ran.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

if __package__ in (None, ""):  # run as a script, `python benchmarks/run.py`: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import memory as memory_bench  # noqa: E402
from benchmarks import report, w1_linear_regression, w2_op_chain, w3_scalar_chain, w4_mlp_adam  # noqa: E402
from benchmarks.engines import ENGINES, OPTIONAL_ENGINES, is_available, limit_threads, version  # noqa: E402
from benchmarks.harness import CaseResult, run_case  # noqa: E402
from benchmarks.workers import isolated  # noqa: E402

WORKLOADS: tuple[ModuleType, ...] = (w1_linear_regression, w2_op_chain, w3_scalar_chain, w4_mlp_adam)
RESULTS = Path(__file__).resolve().parent / "results" / "latest.md"
OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds of >= 20 ms blocks, W3 once")
    parser.add_argument("--only", default="", help="comma-separated workloads or case keys, e.g. W2 or 'W1 N=50 D=1'")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated subset of {','.join(ENGINES)}")
    parser.add_argument("--rounds", type=int, help="timing rounds (default 7, or 3 with --quick)")
    parser.add_argument("--min-time", type=float, help="seconds per timed block (default 0.1, or 0.02 with --quick)")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--deep", action="store_true", help="also run tinygrad_lr's W3 chain at 10^6 steps")
    parser.add_argument("--threads", type=int,
                        help="limit torch (set_num_threads) and NumPy's BLAS (threadpoolctl) to N threads; default: "
                        "their own choice. 1 keeps a machine shared with other work from skewing the ratios")
    parser.add_argument("--same-process", action="store_true",
                        help="time all engines in this process instead of one worker process each (see "
                        "benchmarks/workers.py for why the default isolates them)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown file to write (default {RESULTS})")
    args = parser.parse_args(argv)
    unknown = set(_split(args.engines)) - set(ENGINES) - set(OPTIONAL_ENGINES)
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(sorted(unknown))}; choose from "
                     f"{', '.join(ENGINES + OPTIONAL_ENGINES)}")
    return args


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def selected_cases(only: list[str], quick: bool) -> list[tuple[ModuleType, Any]]:
    chosen = []
    for module in WORKLOADS:
        for case in module.cases(quick):
            if not only or case.workload in only or case.key in only:
                chosen.append((module, case))
    return chosen


def blas_description() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see the kernel)"
    import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)

    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return "; ".join(
        f"{p.get('internal_api')} {p.get('version')} kernel {p.get('architecture')}, {p.get('num_threads')} threads"
        for p in pools
    ) or "none found"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def environment(engines: list[str], settings: str, load: str, threads: int | None) -> dict[str, str]:
    info = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": f"{cpu_model()}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "BLAS (threadpoolctl)": blas_description(),
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE": " / ".join(os.environ.get(v, "unset") for v in OPENBLAS_VARIABLES),
        "settings": settings,
        "load average (1 min) at start / end": load,
    }
    for engine in engines:
        if is_available(engine):
            info[engine] = version(engine)
            if engine == "torch":
                import torch

                info[engine] += f" (CPU, {threads or torch.get_num_threads()} threads)"
        else:
            info[engine] = "not installed"
    return info


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engines = _split(args.engines)
    rounds = args.rounds or (3 if args.quick else 7)
    min_seconds = args.min_time or (0.02 if args.quick else 0.1)
    set_variables = [v for v in OPENBLAS_VARIABLES if v in os.environ]
    if set_variables:
        print(f"note: {' and '.join(set_variables)} set; they may select a slower OpenBLAS kernel. For benchmarking "
              f"run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks", file=sys.stderr)

    if args.threads:  # here for the BLAS line of the report; each worker limits its own threads too
        limit_threads(args.threads, *(engines if args.same_process else ()))
    load_at_start = _load_average()
    started = time.perf_counter()
    results: list[CaseResult] = []
    for module, case in selected_cases(_split(args.only), args.quick):
        print(f"{case.key} ...", file=sys.stderr, flush=True)
        reference = module.reference(case) if hasattr(module, "reference") else None
        start = None if args.same_process else isolated(module.__name__, args.threads)
        results.append(run_case(case, module.RUNNERS, engines, is_available, rounds, min_seconds, reference,
                                log=lambda text: print(text, file=sys.stderr), start=start))

    memory: dict[str, dict[str, Any]] = {}
    only = _split(args.only)
    if not args.no_memory and (not only or "W1" in only or memory_bench.CASE_KEY in only):
        for engine in engines:
            if is_available(engine) and engine in w1_linear_regression.RUNNERS:
                print(f"memory: {engine} ...", file=sys.stderr, flush=True)
                memory[engine] = memory_bench.measure_in_subprocess(engine)

    extra = []
    if args.deep:
        print("W3 at 10^6 steps (tinygrad_lr) ...", file=sys.stderr, flush=True)
        extra.append(f"Deep chain: {w3_scalar_chain.deep_check()}")

    threads = f"--threads {args.threads}" if args.threads else "default thread counts"
    processes = "all engines in one process" if args.same_process else "each engine in its own worker process"
    settings = (f"{'--quick, ' if args.quick else ''}{threads}, {processes}, {rounds} rounds, "
                f"timed blocks >= {min_seconds * 1e3:.0f} ms, total run {time.perf_counter() - started:.0f} s")
    load = f"{load_at_start} / {_load_average()} (other processes on the machine skew the ratios)"
    text = report.render(results, engines, memory, environment(engines, settings, load, args.threads), extra)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # (worker processes import this module too)
    raise SystemExit(main())
