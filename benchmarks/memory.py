"""Memory added by training: W1 at N=1e6, D=10, one fresh process per engine.

In the child process: import the engine, make the data and build the model (data in the engine's form), collect
garbage, reset the kernel's peak-RSS mark where Linux allows it and read the baseline peak RSS; then train a few
epochs and read the peak again. The figure is peak minus baseline: what the training loop itself needs at its
worst moment (temporaries, gradients, optimizer state, the graph), not the data.

    python -m benchmarks.memory ENGINE [--epochs 5]     # prints one JSON line
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
from typing import Any

from benchmarks import w1_linear_regression as w1
from benchmarks.harness import UnsupportedCaseError

CASE_KEY = "W1 N=1e6 D=10"
MIB = 1024 * 1024


def _peak_rss_bytes() -> int:
    """This process's peak resident set size: VmHWM on Linux, else resource.getrusage's ru_maxrss.

    VmHWM is preferred because ru_maxrss survives exec: a child started by a large parent (the benchmark run) starts
    with the parent's high-water mark as its ru_maxrss, which would hide everything the child does below it.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _reset_peak() -> bool:
    """Make the peak-RSS mark start again from the current RSS (Linux >= 4.0: `echo 5 > /proc/self/clear_refs`)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def measure_here(engine: str, epochs: int) -> dict[str, Any]:
    """Build the W1 N=1e6 D=10 runner for `engine` in this process and return the peak memory its training adds."""
    case = next(c for c in w1.cases() if c.key == CASE_KEY)
    runner = w1.RUNNERS[engine](case)
    gc.collect()
    reset = _reset_peak()
    baseline = _peak_rss_bytes()
    for _ in range(epochs):
        runner.run()
    peak = _peak_rss_bytes()
    return {"engine": engine, "added_mib": (peak - baseline) / MIB, "baseline_mib": baseline / MIB,
            "epochs": epochs, "peak_reset": reset}


def measure_in_subprocess(engine: str, epochs: int = 5, timeout: float = 300) -> dict[str, Any]:
    """Run `measure_here` in a fresh interpreter (same environment) so engines never share a heap."""
    command = [sys.executable, "-m", "benchmarks.memory", engine, "--epochs", str(epochs)]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=root)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"engine": engine, "error": last[:160]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=sorted(w1.RUNNERS))
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        result = measure_here(args.engine, args.epochs)
    except UnsupportedCaseError as reason:
        result = {"engine": args.engine, "unsupported": str(reason)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
