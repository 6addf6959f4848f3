"""The demo command: trains, agrees with the closed form, writes the graph, never clobbers a user's files."""

# ruff: noqa: N803, N806  (X is the design matrix)

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import require_dot

from tinygrad_lr import cli
from tinygrad_lr.datasets import load_advertising
from tinygrad_lr.reference import least_squares


def _coefficients(output: str) -> dict[str, tuple[float, float]]:
    """term -> (gradient descent, closed form) from the printed table."""
    rows = re.findall(r"^  (intercept|TV|Radio|Newspaper) +(-?\d+\.\d+) +(-?\d+\.\d+) ", output, re.M)
    return {name: (float(learned), float(exact)) for name, learned, exact in rows}


def test_demo_matches_the_closed_form_and_writes_graph_and_steps(tmp_path, capsys):
    require_dot()
    out = tmp_path / "demo"
    assert cli.main(["--out", str(out)]) == 0
    output = capsys.readouterr().out
    X, y, _ = load_advertising()
    weight, bias = least_squares(X, y)
    table = _coefficients(output)
    assert set(table) == {"intercept", "TV", "Radio", "Newspaper"}
    for name, exact in zip(["intercept", "TV", "Radio", "Newspaper"], [float(bias), *weight]):
        learned, printed_exact = table[name]
        assert learned == pytest.approx(exact, abs=1e-4)
        assert printed_exact == pytest.approx(exact, abs=1e-6)
    assert "agree" in output and "R^2 = 0.8972" in output
    losses = [float(v) for v in re.findall(r"^  epoch +\d+  mse (\S+)$", output, re.M)]
    assert len(losses) == 11 and losses[0] > 50 * losses[-1]
    assert losses[-1] == pytest.approx(2.784126, abs=1e-6)  # the least-squares mse, ISLR's RSS 556.8 / 200
    for tag in ("epoch1", "final"):
        source = (out / f"loss_graph_{tag}.gv").read_text()
        assert "weight" in source and "bias" in source and "darkolivegreen1" in source
        assert (out / f"loss_graph_{tag}.png").read_bytes()[:4] == b"\x89PNG"
        steps = (out / f"backward_steps_{tag}.txt").read_text()
        assert "step 1: loss = " in steps and "weight (1, 3): dloss/d(leaf)" in steps
    # dloss/dbias = 2 mean(prediction - y): about -2 mean(Sales) = -28 before training, ~0 after it
    first_bias = _bias_gradient((out / "backward_steps_epoch1.txt").read_text())
    final_bias = _bias_gradient((out / "backward_steps_final.txt").read_text())
    assert -35 < first_bias < -20 and abs(final_bias) < 1e-9
    assert f"value {losses[0]:.4g}" in (out / "loss_graph_epoch1.gv").read_text()


def _bias_gradient(steps: str) -> float:
    return float(re.search(r"^    bias \(1,\): dloss/d\(leaf\) = \[(\S+)\]", steps, re.M).group(1))


def test_demo_with_tv_only_reproduces_the_simple_regression(tmp_path, capsys):
    assert cli.main(["--out", str(tmp_path / "tv"), "--features", "tv", "--epochs", "100"]) == 0
    table = _coefficients(capsys.readouterr().out)
    assert table["intercept"][0] == pytest.approx(7.032594, abs=1e-4)
    assert table["TV"][0] == pytest.approx(0.047537, abs=1e-6)
    assert set(table) == {"intercept", "TV"}


def test_demo_without_dot_writes_source_and_says_how_to_get_images(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    assert cli.main(["--out", str(tmp_path / "d"), "--epochs", "5"]) == 0
    output = capsys.readouterr().out
    assert "apt-get install graphviz" in output and "dot -Tpng" in output
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        ".tinygrad_lr_demo", "backward_steps_epoch1.txt", "backward_steps_final.txt", "loss.png",
        "loss_graph_epoch1.gv", "loss_graph_final.gv", "training.html",
    ]


def test_demo_refuses_a_directory_with_other_files_and_reuses_its_own(tmp_path, capsys):
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "loss_graph_final.gv").write_text("my precious file")
    assert cli.main(["--out", str(user_dir), "--epochs", "2"]) == 2
    assert "holds files this demo did not write" in capsys.readouterr().err
    assert (user_dir / "loss_graph_final.gv").read_text() == "my precious file"
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert cli.main(["--out", str(a_file), "--epochs", "2"]) == 2
    assert "is not a directory" in capsys.readouterr().err
    ours = tmp_path / "ours"
    assert cli.main(["--out", str(ours), "--epochs", "2"]) == 0
    assert cli.main(["--out", str(ours), "--epochs", "2"]) == 0  # a re-run may overwrite its own files


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--features", "TV,Radio,Billboard"], "unknown feature 'Billboard'"),
        (["--features", "TV,tv"], "TV is listed twice"),
        (["--epochs", "0"], "argument --epochs: must be at least 1"),
        (["--lr", "-1"], "argument --lr: must be a positive number"),
    ],
)
def test_bad_options_are_rejected(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1  # one line, no usage block


def test_too_few_epochs_are_flagged_not_hidden(tmp_path, capsys):
    assert cli.main(["--out", str(tmp_path / "d"), "--epochs", "3"]) == 0
    output = capsys.readouterr().out
    assert "DIFFER" in output and "train longer" in output


@pytest.mark.slow  # a fresh Python process
def test_python_dash_m_runs_the_demo(tmp_path):
    # this checkout's package, whatever tinygrad_lr happens to be installed
    repo = str(Path(cli.__file__).resolve().parents[2])  # tinygrad_lr/cli/__init__.py
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "tinygrad_lr"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout
    assert (tmp_path / "tinygrad_lr_demo" / "loss_graph_epoch1.gv").exists()
    learned = _coefficients(result.stdout)
    assert np.isclose(learned["TV"][0], 0.045765, atol=1e-5)
