"""`python -m benchmarks.compare [REV]`: tinygrad_lr at git revision REV (default HEAD) against the working tree.

On a shared machine a workload's time moves by 5-15 % between runs, more than most single changes to the engine
are worth, so timing the old code in one run and the new code in the next tells little. This times both in the
same run, interleaved: each round starts one fresh process per side (the old side from a temporary `git worktree`
of REV), builds the case, checks it once, and times blocks of at least `--min-time` seconds. It prints each side's
median time per unit and the change, new over old. Only tinygrad_lr is timed; `--only` picks the case (a key of
the suite's table, as in `python -m benchmarks --only`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What each side's process runs, with that side's own copy of benchmarks/ and tinygrad_lr on its path: only
# the harness API that every revision since the suite began has (cases, RUNNERS, LocalEngine).
_SIDE = """
import statistics, sys
from benchmarks.engines import limit_threads
from benchmarks.harness import LocalEngine
from benchmarks.run import WORKLOADS

key, min_time, blocks, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cases = [(m, c) for m in WORKLOADS for c in m.cases() if c.key == key]
if not cases:
    sys.exit(f"no case {key!r}; the keys: " + ", ".join(c.key for m in WORKLOADS for c in m.cases()))
module, case = cases[0]
if threads:
    limit_threads(threads, "tinygrad_lr")
engine = LocalEngine(module.RUNNERS["tinygrad_lr"](case))
engine.check(case.check_calls)
reps = engine.calibrate(min_time)
times = [engine.time_block(reps) / (reps * case.units_per_call) for _ in range(blocks)]
print(statistics.median(times))
"""


def _time_side(tree: Path, key: str, min_time: float, blocks: int, threads: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-c", _SIDE, key, str(min_time), str(blocks), str(threads)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"timing {key!r} in {tree} failed:\n{done.stderr.strip()}")
    return float(done.stdout.strip().splitlines()[-1])


@contextmanager
def old_tree(repo: Path, rev: str) -> Iterator[Path]:
    """A temporary `git worktree` of `rev` (removed afterwards): the old side of a comparison."""
    with tempfile.TemporaryDirectory(prefix="tinygrad_lr_compare_") as scratch:
        tree = Path(scratch) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), rev], cwd=repo, check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=repo, check=False)


def summarize(old: list[float], new: list[float]) -> str:
    """The report: each side's median seconds per unit and the relative change, new / old - 1."""
    old_median, new_median = statistics.median(old), statistics.median(new)
    change = new_median / old_median - 1
    lines = [f"  {name}: {median * 1e6:.4g} us per unit (rounds: {', '.join(f'{t * 1e6:.4g}' for t in times)})"
             for name, median, times in (("old", old_median, old), ("new", new_median, new))]
    return "\n".join([*lines, f"  change: {change:+.1%} ({'faster' if change < 0 else 'slower'})"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="HEAD", help="the old side: a git revision (default HEAD)")
    parser.add_argument("--only", default="W2", help="the case, e.g. W2 or 'W1 N=1e6 D=10' (default W2)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds, each timing both sides (default 7)")
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per timed block (default 0.2)")
    parser.add_argument("--blocks", type=int, default=3, help="timed blocks per side and round (default 3)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads, 0 for the default (default 1)")
    args = parser.parse_args(argv)

    repo = Path(__file__).resolve().parent.parent
    with old_tree(repo, args.rev) as old_side:
        old, new = [], []
        for round_number in range(args.rounds):
            sides = [(old_side, old), (repo, new)]
            for tree, times in sides if round_number % 2 == 0 else reversed(sides):
                times.append(_time_side(tree, args.only, args.min_time, args.blocks, args.threads))
    print(f"{args.only}: tinygrad_lr at {args.rev} (old) against the working tree (new), {args.rounds} rounds")
    print(summarize(old, new))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
