"""Each example runs as `python examples/<name>.py` in a fresh process and prints the numbers it promises; the
README's code runs too, and its two commands are the ones CI uses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_dot

pytestmark = pytest.mark.slow  # each example and README snippet in a fresh Python process

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def run_example(name: str, *args: str, cwd: Path | None = None) -> str:
    # the examples import this checkout's tinygrad_lr, whatever version happens to be installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, timeout=120, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _number_after(label: str, text: str) -> float:
    match = re.search(rf"^ *{re.escape(label)} +(-?\d+\.\d+)", text, re.M)
    assert match, f"no line starting with {label!r} in:\n{text}"
    return float(match.group(1))


def test_micrograd_readme_prints_micrograds_numbers(tmp_path):
    require_dot()
    out = run_example("micrograd_readme.py", "--graph", str(tmp_path / "neuron.svg"))
    assert out.splitlines()[1:4] == ["24.7041", "138.8338", "645.5773"]
    assert "x1.grad = -1.5000, w1.grad = 1.0000, x2.grad = 0.5000, w2.grad = 0.0000, b.grad = 0.5000" in out
    assert "step 1: o = TanhBackward0" in out and "rule: tanh a;" in out
    svg = (tmp_path / "neuron.svg").read_text()
    assert "x1*w1" in svg and "grad 0.5" in svg


def test_linear_regression_matches_the_textbook():
    out = run_example("linear_regression_advertising.py")
    simple, multiple = out.split("Sales ~ TV + Radio + Newspaper")
    assert _number_after("intercept", simple) == pytest.approx(7.032594, abs=1e-5)
    assert _number_after("TV", simple) == pytest.approx(0.047537, abs=1e-6)
    assert "R^2 = 0.612, residual standard error = 3.259" in simple
    assert _number_after("intercept", multiple) == pytest.approx(2.938889, abs=1e-5)
    assert _number_after("TV", multiple) == pytest.approx(0.045765, abs=1e-6)
    assert _number_after("Radio", multiple) == pytest.approx(0.188530, abs=1e-6)
    assert _number_after("Newspaper", multiple) == pytest.approx(-0.001037, abs=1e-6)
    assert "R^2 = 0.897, residual standard error = 1.686" in multiple
    worst = float(re.search(r"matches least squares to (\S+)", out).group(1))
    assert worst < 1e-6


def test_logistic_regression_reaches_newtons_solution():
    out = run_example("logistic_regression.py")
    assert "training accuracy 0.880" in out
    rows = dict(re.findall(r"^ +(w1|w2|b) +(-?\d+\.\d+) +-?\d+\.\d+$", out, re.M))
    assert float(rows["w1"]) == pytest.approx(2.10397, abs=1e-4)
    assert float(rows["w2"]) == pytest.approx(0.69744, abs=1e-4)
    assert float(rows["b"]) == pytest.approx(0.11940, abs=1e-4)
    assert float(re.search(r"from Newton's method: (\S+)", out).group(1)) < 1e-6


def test_mlp_moons_separates_the_moons_like_micrograds_demo():
    out = run_example("mlp_moons.py")
    assert "final accuracy 100% of 100 points" in out
    assert _number_after("final loss", out) < 0.02
    assert re.search(r"^step   0  loss 0\.9\d+  accuracy", out, re.M)  # it starts far from separated


def test_mlp_moons_training_matches_torch_step_for_step():
    from conftest import require_torch

    torch = require_torch()
    sys.path.insert(0, str(EXAMPLES))
    try:
        import mlp_moons
    finally:
        sys.path.remove(str(EXAMPLES))
    import tinygrad_lr

    points, labels = mlp_moons.make_moons()
    ours, theirs = mlp_moons.train(tinygrad_lr, points, labels), mlp_moons.train(torch, points, labels)
    for (loss, accuracy), (their_loss, their_accuracy) in zip(ours["history"], theirs["history"]):
        assert loss == pytest.approx(their_loss, rel=1e-10) and accuracy == their_accuracy
    assert ours["accuracy"] == theirs["accuracy"] == 1.0


# ----- README.md ----------------------------------------------------------------------------------------------
README = (REPO / "README.md").read_text()


@pytest.mark.parametrize("snippet", re.findall(r"```python\n(.*?)```", README, re.S))
def test_readme_python_snippet_runs(snippet: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    commands = re.findall(r"```bash\n(.*?)\n```", README, re.S)
    assert len(commands) == 2
    ci_script = (REPO / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci_script
