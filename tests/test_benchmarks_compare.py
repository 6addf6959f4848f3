"""benchmarks/compare.py: the old revision (a git worktree) and the working tree, timed in turn. No timing asserted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks import compare

REPO = Path(__file__).resolve().parent.parent
needs_git_checkout = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout"
)


def test_summary_gives_both_medians_and_the_change() -> None:
    text = compare.summarize([2e-6, 3e-6, 4e-6], [1e-6, 1.5e-6, 2e-6])
    assert "old: 3 us per unit (rounds: 2, 3, 4)" in text
    assert "new: 1.5 us per unit" in text
    assert "change: -50.0% (faster)" in text


@needs_git_checkout
def test_compare_times_head_against_the_working_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert compare.main(["HEAD", "--rounds", "1", "--min-time", "0.01", "--blocks", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("W2: tinygrad_lr at HEAD (old) against the working tree (new), 1 rounds")
    assert "old: " in out and "new: " in out and "change: " in out
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=REPO, capture_output=True, text=True).stdout
    assert "tinygrad_lr_compare_" not in worktrees  # the temporary checkout is gone


@needs_git_checkout
def test_an_unknown_case_names_the_known_ones() -> None:
    with pytest.raises(SystemExit, match="no case 'W9'; the keys: W1 N=50 D=1"):
        compare.main(["HEAD", "--only", "W9", "--rounds", "1"])
