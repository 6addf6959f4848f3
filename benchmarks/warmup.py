"""`python -m benchmarks.warmup [REV]`: what `tinygrad_lr.compile` costs before it replays (issue 15's tracing
target: the first call at most 3x an eager step), at git revision REV against the working tree.

Each side's process builds a fresh model and optimizer per round for W1 N=50 D=1 (Linear, MSELoss, SGD) and W4
(10->64->1 Tanh MLP, MSELoss, Adam, batch 64), times the eager step (median of 20 after 5 warm-up steps), then
times a fresh model's first eager step (it creates `.grad` and the optimizer's state, so it costs more than a
steady one), then each of the first four calls of the same step compiled. The first call runs eagerly unrecorded;
the next ones trace until the state settles, and a program is compiled on its first replay, so the report gives
each call against the eager step, and the warm-up: the sum of the calls above twice the eager step. Minimum
over the rounds (the machine is shared: the minimum is the cost, the rest is other work). The sides alternate,
each round one fresh process per side, as in `benchmarks.compare`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.compare import old_tree

CALLS = 5  # the calls timed: two eager, then traces until the first replay (the fourth call of W1 and W4)

# What each side's process runs: only tinygrad_lr's public API, so that any revision with `compile` can be timed.
_SIDE = """
import gc, json, statistics, sys, time
import tinygrad_lr as torch

def build(kind):
    torch.manual_seed(0)
    nn = torch.nn
    if kind == "W1":
        model, batch = nn.Linear(1, 1), (torch.randn(50, 1), torch.randn(50, 1))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    else:
        model, batch = nn.Sequential(nn.Linear(10, 64), nn.Tanh(), nn.Linear(64, 1)), (torch.randn(64, 10),
                                                                                      torch.randn(64, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    def step(x, y):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step, batch

def timed(fn, batch):
    start = time.perf_counter()
    fn(*batch)
    return time.perf_counter() - start

out = {}
for kind in ("W1", "W4"):
    step, batch = build(kind)
    for _ in range(5):
        step(*batch)
    eager = statistics.median(timed(step, batch) for _ in range(20))
    step, batch = build(kind)
    gc.collect()
    eager_first = timed(step, batch)  # a fresh model's first step, eager: it creates .grad and optimizer state
    step, batch = build(kind)
    gc.collect()
    compiled = torch.compile(step)
    out[kind] = [eager, [timed(compiled, batch) for _ in range(int(sys.argv[1]))], eager_first]
print(json.dumps(out))
"""


def _run_side(tree: Path) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", _SIDE, str(CALLS)], cwd=tree, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"timing the warm-up in {tree} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarize(rounds: list[dict[str, list[float]]]) -> list[str]:
    """Per workload: the eager step, each first call as a multiple of it, and the warm-up (calls before the first
    replay, the calls that take more than twice an eager step), minimum over the rounds."""
    lines = []
    for kind in rounds[0]:
        eager = min(r[kind][0] for r in rounds)
        eager_first = min(r[kind][2] for r in rounds)
        calls = [min(r[kind][1][i] for r in rounds) for i in range(len(rounds[0][kind][1]))]
        warmup = sum(c for c in calls if c > 2 * eager)
        shown = ", ".join(f"{c * 1e6:.0f} us ({c / eager:.1f}x)" for c in calls)
        lines.append(f"  {kind}: eager step {eager * 1e6:.0f} us, a fresh model's first eager step "
                     f"{eager_first * 1e6:.0f} us ({eager_first / eager:.1f}x); calls 1-{len(calls)}: {shown}; "
                     f"warm-up {warmup * 1e6:.0f} us ({warmup / eager:.0f}x)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warmup", description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default=None, help="also time this git revision (the old side)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds, each one process per side (default 9)")
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parent.parent
    if args.rev is None:
        new = [_run_side(repo) for _ in range(args.rounds)]
        print("tinygrad_lr.compile warm-up, working tree")
        print("\n".join(summarize(new)))
        return 0
    with old_tree(repo, args.rev) as old_side:
        old, new = [], []
        for round_number in range(args.rounds):
            sides = [(old_side, old), (repo, new)]
            for tree, results in sides if round_number % 2 == 0 else reversed(sides):
                results.append(_run_side(tree))
    print(f"tinygrad_lr.compile warm-up at {args.rev} (old) and in the working tree (new), {args.rounds} rounds")
    print("old:\n" + "\n".join(summarize(old)))
    print("new:\n" + "\n".join(summarize(new)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
