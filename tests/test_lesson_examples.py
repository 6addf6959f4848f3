"""The five lessons tinygrad_lr grew from (shared/seeds), each an example printing the lesson's own numbers, and the
MLP curve example. Each runs as `python examples/<name>.py` in a fresh process, with matplotlib on its file-only
backend."""

from __future__ import annotations

import re
import shutil

import pytest
from test_examples import run_example

pytestmark = pytest.mark.slow  # each example in a fresh Python process


def _png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_line_fit_learns_the_line_and_shows_the_learning_rate_knob(tmp_path):
    out = run_example("line_fit.py", "--plot", str(tmp_path / "fit.png"), "--page", str(tmp_path / "line.html"))
    losses = [float(v) for v in re.findall(r"^epoch +\d+  loss (\S+)$", out, re.M)]
    assert len(losses) == 5 and losses == sorted(losses, reverse=True) and losses[0] > 10 * losses[-1]
    learned = re.search(r"^learned  y = (\S+)x \+ (\S+)$", out, re.M).groups()
    exact = re.search(r"^exact    y = (\S+)x \+ (\S+)  ", out, re.M).groups()
    assert learned == exact  # 200 epochs at lr 0.1 reach least squares to 4 decimals
    m, b = map(float, learned)
    assert float(re.search(r"prediction at x = 4.5: (\S+)", out).group(1)) == pytest.approx(4.5 * m + b, abs=2e-4)
    assert re.search(r"lr 0\.001 +crawls:", out)
    assert re.search(r"lr 0\.1 +works:", out)
    assert re.search(r"lr 0\.5 +explodes: .* by epoch \d+; try a smaller rate, e\.g\. 0\.1$", out, re.M)
    assert _png(tmp_path / "fit.png") and _png(tmp_path / "fit_losses.png")
    page = (tmp_path / "line.html").read_text()
    assert f"training page: {tmp_path / 'line.html'}" in out and "y = m*x + b" in page and "<script" in page


def test_chain_rule_by_hand_prints_the_lessons_table_and_log():
    out = run_example("chain_rule_by_hand.py")
    lines = out.splitlines()
    assert re.search(r"^ +1 +\(1, 3\) +5 +4 +18 +6 +6$", out, re.M)
    assert re.search(r"^ +2 +\(2, 5\) +3\.5 +2\.5 +10\.125 +9 +4\.5$", out, re.M)
    assert "after two steps: w = 1.25, c = 1.375" in out
    log = [line for line in lines if line.startswith("Epoch = ")]
    assert len(log) == 50
    assert log[0] == "Epoch = 0 Loss = 31.27642 Y = 0.79X + 5.87"
    assert log[1:3] == ["Epoch = 1 Loss = 2.18066 Y = 1.67X + 5.60", "Epoch = 2 Loss = 2.53907 Y = 1.60X + 5.06"]
    assert log[-3:] == [
        "Epoch = 47 Loss = 0.00007 Y = 2.00X + 1.02",
        "Epoch = 48 Loss = 0.00005 Y = 2.00X + 1.02",
        "Epoch = 49 Loss = 0.00004 Y = 2.00X + 1.02",
    ]


def test_advertising_tv_sales_reproduces_the_lessons_coefficients(tmp_path):
    out = run_example("advertising_tv_sales.py", "--plot", str(tmp_path / "tv.png"))
    rows = {name.strip(): (float(a), float(b)) for name, a, b in re.findall(r"^(.{27}) +(\S+) +(\S+)$", out, re.M)
            if name.strip() != "method"}
    lesson_ols, lesson_gd = (0.21519170068625232, 0.5534088415765329), (0.21519198226718594, 0.5534083104180343)
    assert rows["OLS"] == pytest.approx(lesson_ols, abs=1e-6)
    assert rows["gradient descent by hand"] == pytest.approx(lesson_gd, abs=1e-6)
    assert rows["nn.Linear + SGD(lr=0.1)"] == pytest.approx(lesson_gd, abs=1e-6)
    assert rows["nn.Linear + Adam(lr=0.01)"] == pytest.approx(lesson_ols, abs=1e-6)
    assert "nn.Linear + SGD vs the hand-written descent: largest difference" in out
    assert _png(tmp_path / "tv.png")


def test_one_weight_prints_the_lessons_three_sequences():
    out = run_example("one_weight.py")
    search, lr1, lr01 = re.split(r"^\([abc]\) .*$\n", out, flags=re.M)[1:]
    assert search.splitlines()[:3] == [
        "iteration 1 error: 6.25 prediction: 1.5",
        "iteration 2 error: 5.522499999999998 prediction: 1.6500000000000001",
        "iteration 3 error: 4.839999999999999 prediction: 1.8000000000000003",
    ]
    assert search.splitlines()[18:20] == [
        "iteration 19 error: 0.009999999999999573 prediction: 3.900000000000002",
        "iteration 20 error: 0.0025000000000002486 prediction: 4.0500000000000025",
    ]
    predictions = re.findall(r"prediction: (\S+)$", lr1, re.M)
    assert predictions[:6] == ["1.5", "24", "-156", "1284", "-10236", "81924"]
    assert "iteration 20 error: 1.2980742146337069e+35 prediction: 360287970189639700" in lr1
    assert re.search(r"^diverged: the error grows from iteration 2 on .* try lr = 0\.1$", lr1, re.M)
    assert re.findall(r"prediction: (\S+)$", lr01, re.M)[:5] == ["1.5", "3.75", "3.9749999999999996", "3.9975",
                                                                 "3.99975"]
    assert "iteration 5 error: 6.249999999993073e-8 prediction: 3.99975" in lr01
    assert "iteration 17 error: 0 prediction: 4" in lr01 and "converged" in lr01 and "diverged" not in lr01


def test_madewithml_numpy_part_prints_the_lessons_model():
    out = run_example("madewithml_linear_regression.py", "--numpy-only")
    assert "[[ 0.         -4.25441649]\n [ 1.         12.16326313]" in out  # NumPy seed 1234, as the lesson
    assert "X_train: (35, 1), y_train: (35, 1)" in out
    assert "Epoch: 0, loss: 0.990" in out and "Epoch: 90, loss: 0.028" in out
    assert "train_MSE: 0.03, test_MSE: 0.01" in out
    assert "[model] y_hat = 3.4X + 7.8" in out


def test_madewithml_pytorch_part_runs_as_the_lesson_wrote_it():
    # The lesson's own PyTorch half prints 3.4X + 8.0; its split depends on notebook state the text does not keep
    # (real torch on this script prints 3.4X + 7.4), so the intercept is checked to lie between the two runs' range.
    out = run_example("madewithml_linear_regression.py")
    numpy_half, torch_half = out.split("== PyTorch ==")
    assert "[model] y_hat = 3.4X + 7.8" in numpy_half
    assert "train: 35 (0.70)\nval: 7 (0.14)\ntest: 8 (0.16)" in torch_half
    assert "Loss:  0.75" in torch_half
    assert torch_half.count("train_error: 0.02") == 2 and torch_half.count("test_error: 0.01") == 2
    intercept = float(re.search(r"\[model\] y_hat = 3\.4X \+ (\S+)$", torch_half, re.M).group(1))
    assert 7.0 <= intercept <= 8.2


def test_mlp_curve_fits_sine_and_draws_its_graph(tmp_path):
    out = run_example("mlp_curve.py", "--graph", str(tmp_path / "g.svg"), "--plot", str(tmp_path / "fit.png"))
    unseen = re.search(r"on 39 unseen points: mse (\S+), largest error (\S+)", out)
    line_mse = float(re.search(r"best straight line mse (\S+)", out).group(1))
    assert float(unseen.group(1)) < line_mse / 1000 and float(unseen.group(2)) < 0.05  # line: 0.18
    source = (tmp_path / "g.gv").read_text()
    assert "0.weight" in source and "2.bias" in source and "grad" in source
    if shutil.which("dot"):
        assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    assert _png(tmp_path / "fit.png")
