"""The compatibility corpus: each script in scripts/ runs under real torch and under tinygrad_lr standing in for torch
(torch_alias.py); their printed output must be the same text, numbers equal to a tolerance (object addresses
masked)."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_torch

HERE = Path(__file__).parent
SCRIPTS = sorted((HERE / "scripts").glob("*.py"))
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _run(*command: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent.parent))
    done = subprocess.run([sys.executable, *command], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return re.sub(r"0x[0-9a-f]+", "0x?", done.stdout)


def _numbers_close(ours: str, theirs: str) -> bool:
    a, b = float(ours), float(theirs)
    decimals = len(theirs.split(".")[1].split("e")[0].split("E")[0]) if "." in theirs else 0
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1.01 * 10.0**-decimals) or a == b


def assert_same_output(ours: str, theirs: str) -> None:
    assert NUMBER.sub("#", ours) == NUMBER.sub("#", theirs)
    for x, y in zip(NUMBER.findall(ours), NUMBER.findall(theirs)):
        assert _numbers_close(x, y), f"{x} (tinygrad_lr) vs {y} (torch)"


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_prints_what_torch_prints(script: Path) -> None:
    require_torch()
    theirs = _run(str(script))
    ours = _run(str(HERE / "torch_alias.py"), str(script))
    assert_same_output(ours, theirs)


def test_number_comparison_fails_on_a_real_difference() -> None:
    with pytest.raises(AssertionError):
        assert_same_output("loss 0.25", "loss 0.27")
    with pytest.raises(AssertionError):
        assert_same_output("tensor([1.])", "Value([1.])")
    assert_same_output("loss 0.2500", "loss 0.2501")
