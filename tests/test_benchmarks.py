"""The benchmark workloads at toy size: tinygrad_lr and hand-written NumPy must compute the same numbers; and
benchmarks/compare.py, which times the old revision (a git worktree) and the working tree in turn.

No timing is asserted; this only keeps benchmarks/ importable and its engines in agreement as the engine changes.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks import compare as compare_cli
from benchmarks import report, w1_linear_regression, w2_op_chain, w3_scalar_chain, w4_mlp_adam
from benchmarks.engines import is_available
from benchmarks.harness import compare, run_case
from benchmarks.workers import isolated

pytestmark = pytest.mark.slow  # worker processes, a git worktree, whole workloads

ENGINES = ("tinygrad_lr", "numpy")


def _toy(module, **params):
    case = module.cases(quick=True)[0]
    return dataclasses.replace(case, params={**case.params, **params})


TOY_CASES = {
    "W1": (w1_linear_regression, {"n": 40, "d": 3}),
    "W2": (w2_op_chain, {"links": 10}),
    "W4": (w4_mlp_adam, {"rows": 200}),
}


@pytest.mark.parametrize("workload", sorted(TOY_CASES))
def test_tinygrad_lr_and_numpy_agree_and_get_a_time(workload):
    module, params = TOY_CASES[workload]
    case = _toy(module, **params)
    result = run_case(case, module.RUNNERS, ENGINES, is_available, rounds=1, min_seconds=1e-4, log=lambda _: None)
    assert result.reference == "numpy"
    for engine in ENGINES:
        outcome = result.engines[engine]
        assert outcome.status == "ok", (engine, outcome.note)
        assert outcome.seconds is not None and outcome.seconds > 0
        assert outcome.max_error is not None and outcome.max_error <= case.rtol


def test_w1_training_lowers_the_loss_identically():
    case = _toy(w1_linear_regression, n=40, d=3)
    ours, numpy = (w1_linear_regression.RUNNERS[e](case) for e in ENGINES)
    losses = []
    for _ in range(5):
        ours.run()
        numpy.run()
        losses.append(numpy.snapshot()["loss"])
        assert ours.snapshot()["loss"] == pytest.approx(losses[-1], rel=1e-5)
    assert losses[-1] < losses[0]
    ok, worst, where = compare(ours.snapshot(), numpy.snapshot(), rtol=1e-5, atol=1e-7)
    assert ok, (where, worst)


def test_w3_chain_matches_the_closed_form_without_recursion():
    case = _toy(w3_scalar_chain, steps=3000)  # deeper than Python's default recursion limit
    result = run_case(case, w3_scalar_chain.RUNNERS, ("tinygrad_lr",), is_available, rounds=1, min_seconds=1e-4,
                      reference=w3_scalar_chain.reference(case), log=lambda _: None)
    assert result.engines["tinygrad_lr"].status == "ok", result.engines["tinygrad_lr"].note
    assert w3_scalar_chain.exact(3000)["grad"] == pytest.approx(1.0001**3000)


def test_compare_reports_a_mismatch():
    ok, worst, where = compare({"w": np.array([1.0, 2.0])}, {"w": np.array([1.0, 2.1])}, rtol=1e-4, atol=0)
    assert not ok and where == "w" and worst == pytest.approx(0.1 / 2.1)


def test_report_shows_ratios_to_the_baseline():
    module, params = TOY_CASES["W2"]
    result = run_case(_toy(module, **params), module.RUNNERS, ENGINES, is_available, rounds=1, min_seconds=1e-4,
                      log=lambda _: None)
    result.engines["numpy"].seconds = 2e-6  # fixed numbers so the ratio is known
    result.engines["tinygrad_lr"].seconds = 3e-6
    text = report.render([result], ENGINES, {}, {"python": "test"})
    row = next(line for line in text.splitlines() if line.startswith("| W2 chain"))
    assert row.split(" | ")[1:] == ["1.50x", "1 (2 us) |"]


def test_engines_in_worker_processes_agree_and_get_a_time():
    module, params = TOY_CASES["W2"]
    case = _toy(module, **params)
    result = run_case(case, module.RUNNERS, ENGINES, is_available, rounds=2, min_seconds=1e-4, log=lambda _: None,
                      start=isolated(module.__name__, 1))
    for engine in ENGINES:
        outcome = result.engines[engine]
        assert outcome.status == "ok", (engine, outcome.note)
        assert len(outcome.rounds) == 2 and outcome.seconds is not None and outcome.seconds > 0


def test_the_suite_runs_as_a_script_from_any_folder(tmp_path):
    # `python benchmarks/run.py` is the other documented way to start the suite; --help stops before any timing.
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    done = subprocess.run([sys.executable, str(script), "--help"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--only" in done.stdout and "--threads" in done.stdout


# ----- benchmarks/compare.py ---------------------------------------------------------------------------------
REPO = Path(__file__).resolve().parent.parent
needs_git_checkout = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)


def test_summary_gives_both_medians_and_the_change() -> None:
    text = compare_cli.summarize([2e-6, 3e-6, 4e-6], [1e-6, 1.5e-6, 2e-6])
    assert "old: 3 us per unit (rounds: 2, 3, 4)" in text
    assert "new: 1.5 us per unit" in text
    assert "change: -50.0% (faster)" in text


@needs_git_checkout
def test_compare_times_head_against_the_working_tree(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch: list[str] = []  # this run's temporary directory (other sessions may run compare at the same time)
    make_temporary_directory = tempfile.TemporaryDirectory

    def recording_temporary_directory(*args: Any, **kwargs: Any) -> tempfile.TemporaryDirectory[str]:
        directory = make_temporary_directory(*args, **kwargs)
        scratch.append(directory.name)
        return directory

    monkeypatch.setattr(compare_cli.tempfile, "TemporaryDirectory", recording_temporary_directory)
    assert compare_cli.main(["HEAD", "--rounds", "1", "--min-time", "0.01", "--blocks", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("W2: tinygrad_lr at HEAD (old) against the working tree (new), 1 rounds")
    assert "old: " in out and "new: " in out and "change: " in out
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=REPO, capture_output=True, text=True).stdout
    assert len(scratch) == 1 and "tinygrad_lr_compare_" in scratch[0]
    assert scratch[0] not in worktrees  # the temporary checkout is gone


@needs_git_checkout
def test_an_unknown_case_names_the_known_ones() -> None:
    with pytest.raises(SystemExit, match="no case 'W9'; the keys: W1 N=50 D=1"):
        compare_cli.main(["HEAD", "--only", "W9", "--rounds", "1"])


# ----- benchmarks/warmup.py ----------------------------------------------------------------------------------
def test_warmup_summary_takes_minima_and_sums_the_calls_above_twice_the_eager_step() -> None:
    from benchmarks import warmup

    rounds = [{"W1": [40e-6, [150e-6, 60e-6, 800e-6, 1200e-6, 30e-6], 170e-6]},
              {"W1": [50e-6, [160e-6, 55e-6, 950e-6, 1100e-6, 35e-6], 180e-6]}]
    (line,) = warmup.summarize(rounds)
    assert line.startswith("  W1: eager step 40 us, a fresh model's first eager step 170 us (4.2x); calls 1-5: "
                           "150 us (3.7x), 55 us (1.4x), 800 us (20.0x), 1100 us (27.5x), 30 us (0.8x)")
    # the calls above twice the eager step: the first (state created), the trace, the compile; not the replay
    assert line.endswith("warm-up 2050 us (51x)")


def test_warmup_times_the_working_tree(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import warmup

    assert warmup.main(["--rounds", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "tinygrad_lr.compile warm-up, working tree"
    assert [line.split(":")[0] for line in out[1:]] == ["  W1", "  W4"]
