"""`tinygrad-lr fit` and `predict` end to end, the demo's verdicts, and every bad input: one line on stderr, its exit
status, never a traceback (issue 14 section 2, issue 16 items 6 and 12)."""

# ruff: noqa: N806  (X is the design matrix)

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lr
from tinygrad_lr import cli, datasets
from tinygrad_lr.datasets import load_advertising
from tinygrad_lr.reference import least_squares

REPO = Path(tinygrad_lr.__file__).resolve().parents[1]
ADVERTISING = Path(datasets.__file__).with_name("advertising.csv")
TRUE_COEFFICIENTS = {"intercept": 7.0, "a": 3.0, "b": -0.5}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tinygrad_lr", *args], cwd=cwd, capture_output=True, text=True,
                          env=_env(), timeout=300)


@pytest.fixture
def known_csv(tmp_path: Path) -> Path:
    """300 rows of y = 7 + 3a - 0.5b + noise (std 0.01): the coefficients to recover."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 10, 300), rng.normal(50, 20, 300)
    y = TRUE_COEFFICIENTS["intercept"] + TRUE_COEFFICIENTS["a"] * a + TRUE_COEFFICIENTS["b"] * b
    y += rng.normal(0, 0.01, 300)
    path = tmp_path / "known.csv"
    path.write_text("a,b,y\n" + "".join(f"{p:.17g},{q:.17g},{r:.17g}\n" for p, q, r in zip(a, b, y)))
    return path


def _table(output: str) -> dict[str, tuple[float, float]]:
    """term -> (gradient descent, closed form) from fit's coefficient table."""
    rows = re.findall(r"^  (\S+) +(-?[\d.e+-]+) +(-?[\d.e+-]+) +[\d.e+-]+$", output, re.M)
    return {name: (float(learned), float(exact)) for name, learned, exact in rows if name != "term"}


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# ----- fit and predict end to end ------------------------------------------------------------------------------
def test_fit_recovers_known_coefficients_and_predict_applies_the_saved_model(known_csv, tmp_path, capsys):
    model = tmp_path / "model.npz"
    assert cli.main(["fit", str(known_csv), "--target", "y", "--save", str(model), "--quiet"]) == 0
    output = capsys.readouterr().out
    table = _table(output)
    assert set(table) == set(TRUE_COEFFICIENTS)
    for name, true in TRUE_COEFFICIENTS.items():
        assert table[name][0] == pytest.approx(true, abs=1e-2)  # gradient descent, in the data's units
        assert table[name][1] == pytest.approx(table[name][0], abs=1e-6)  # the closed form beside it
    assert "gradient descent and least squares (numpy.linalg.lstsq) agree" in output
    assert re.search(r"gradient norm \S+ <= 0.0001: converged", output)
    assert re.search(r"^validation mse \S+  R\^2 1\.0000  \(60 rows", output, re.M)

    assert cli.main(["predict", str(model), str(known_csv)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    data = np.loadtxt(known_csv, delimiter=",", skiprows=1)
    expected = table["intercept"][0] + data[:, :2] @ [table["a"][0], table["b"][0]]
    assert lines[0] == "predicted_y" and len(lines) == 301
    assert np.allclose([float(v) for v in lines[1:]], expected, atol=1e-4)
    assert re.search(r"predict: 300 rows with y: mse \S+, R\^2 1\.0000", captured.err)


@pytest.mark.slow  # a fresh Python process
def test_fit_and_predict_on_the_shipped_advertising_data(tmp_path):
    model = tmp_path / "ads.npz"
    result = _run("fit", str(ADVERTISING), "--target", "Sales", "--val-fraction", "0", "--save", str(model),
                  "--graph", str(tmp_path / "g.gv"), "--plot", str(tmp_path / "fit.png"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    X, y, _ = load_advertising()
    weight, bias = least_squares(X, y)
    table = _table(result.stdout)
    for name, exact in zip(["intercept", "TV", "Radio", "Newspaper"], [float(bias), *weight]):
        assert table[name][0] == pytest.approx(exact, rel=1e-4, abs=1e-6)
    assert "R^2 0.8972" in result.stdout
    assert "weight" in (tmp_path / "g.gv").read_text()
    assert (tmp_path / "fit.png").read_bytes()[:4] == b"\x89PNG"
    features_only = tmp_path / "features.csv"  # predict does not need the target column
    features_only.write_text("Newspaper,TV,Radio\n69.2,230.1,37.8\n")
    predicted = _run("predict", str(model), str(features_only), cwd=tmp_path)
    assert predicted.returncode == 0 and predicted.stderr == ""
    assert float(predicted.stdout.splitlines()[1]) == pytest.approx(bias + weight @ [230.1, 37.8, 69.2], rel=1e-6)


def test_fit_an_mlp_with_adam_writes_graph_and_plot(tmp_path, capsys):
    argv = ["fit", str(ADVERTISING), "--target", "Sales", "--features", "TV", "--model", "mlp", "--hidden", "8",
            "--optimizer", "adam", "--epochs", "300", "--batch-size", "32", "--graph", str(tmp_path / "g.gv"),
            "--plot", str(tmp_path / "fit.png"), "--quiet"]
    assert cli.main(argv) == 0
    output = capsys.readouterr().out
    assert "Linear(1, 8) -> Tanh -> Linear(8, 1)" in output and "batch size 32" in output
    assert float(re.search(r"^validation mse \S+  R\^2 (\S+)", output, re.M).group(1)) > 0.5
    assert "coefficients" not in output  # an MLP has none to compare
    assert "0.weight" in (tmp_path / "g.gv").read_text()
    assert (tmp_path / "fit.png").read_bytes()[:4] == b"\x89PNG"


def test_fit_writes_the_training_page_for_one_feature_and_refuses_it_for_several(known_csv, tmp_path, capsys):
    page = tmp_path / "training.html"
    argv = ["fit", str(known_csv), "--target", "y", "--features", "a", "--page", str(page), "--quiet"]
    assert cli.main(argv) == 0
    assert "training page: open it in a browser" in capsys.readouterr().out
    text = page.read_text()
    assert "y ~ a (standard scaling)" in text and "<script" in text
    assert cli.main(["fit", str(known_csv), "--target", "y", "--page", str(tmp_path / "two.html")]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--page draws one feature against the target; this fit has 2 features" in line
    assert not (tmp_path / "two.html").exists()


def test_fit_with_weight_decay_says_it_differs_from_the_closed_form_by_design(known_csv, capsys):
    assert cli.main(["fit", str(known_csv), "--target", "y", "--weight-decay", "0.1", "--quiet"]) == 0
    output = capsys.readouterr().out
    assert "differ by design" in output and "agree" not in output


def test_fit_too_few_epochs_is_not_called_converged(known_csv, capsys):
    assert cli.main(["fit", str(known_csv), "--target", "y", "--epochs", "3", "--quiet"]) == 0
    output = capsys.readouterr().out
    assert "not converged yet" in output and "DIFFER" in output and " agree" not in output


def test_fit_shows_a_progress_bar_on_a_terminal_and_none_when_quiet(known_csv, monkeypatch, capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    bars = []

    class RecordingBar:  # stands in for tqdm.tqdm, whose drawing depends on the clock
        def __init__(self, **kwargs) -> None:
            self.kwargs, self.updates, self.postfixes, self.closed = kwargs, 0, [], False
            bars.append(self)

        def update(self, n: int) -> None:
            self.updates += n

        def set_postfix(self, refresh: bool = True, **values: str) -> None:
            self.postfixes.append(values)

        def close(self) -> None:
            self.closed = True

    monkeypatch.setitem(sys.modules, "tqdm", type(sys)("tqdm"))
    sys.modules["tqdm"].tqdm = RecordingBar
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert cli.main(["fit", str(known_csv), "--target", "y", "--epochs", "20"]) == 0
    (bar,) = bars
    assert bar.kwargs["total"] == 20 and bar.kwargs["file"] is sys.stderr and bar.kwargs["desc"] == "fit"
    assert bar.updates == 20 and len(bar.postfixes) == 20 and bar.closed
    assert float(bar.postfixes[-1]["loss"]) < float(bar.postfixes[0]["loss"])  # the running loss
    assert cli.main(["fit", str(known_csv), "--target", "y", "--epochs", "20", "--quiet"]) == 0
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert cli.main(["fit", str(known_csv), "--target", "y", "--epochs", "20"]) == 0
    assert len(bars) == 1
    capsys.readouterr()


# ----- the demo's verdicts (issue 16 item 6) ----------------------------------------------------------------------
def test_demo_divergence_exits_1_with_the_epoch_and_a_smaller_rate(tmp_path, capsys):
    assert cli.main(["--lr", "1e300", "--epochs", "3", "--out", str(tmp_path / "d")]) == 1
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert re.fullmatch(r"tinygrad-lr: error: training diverged at epoch 2: the loss reached inf with learning "
                        r"rate 1e\+300; try a smaller rate, e\.g\. --lr 0\.\d", line)
    assert "agree" not in captured.out and "converged" not in captured.out and "nan" not in captured.out


def test_demo_suggested_rate_trains(tmp_path, capsys):
    assert cli.main(["--lr", "5", "--out", str(tmp_path / "d")]) == 1
    suggestion = re.search(r"--lr (\S+)$", capsys.readouterr().err.strip()).group(1)
    assert cli.main(["--lr", suggestion, "--epochs", "300", "--out", str(tmp_path / "d")]) == 0
    assert "converged" in capsys.readouterr().out


def test_demo_says_converged_only_when_the_gradient_norm_is_small(tmp_path, capsys):
    assert cli.main(["--epochs", "3", "--out", str(tmp_path / "a")]) == 0
    short = capsys.readouterr().out
    assert "not converged yet" in short and "DIFFER" in short
    assert cli.main(["--out", str(tmp_path / "b")]) == 0
    full = capsys.readouterr().out
    assert re.search(r"final weights \(mse 2\.784126\): gradient norm \S+ <= 0\.0001: converged", full)
    assert (tmp_path / "b" / "loss.png").read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "b" / "training.html").read_text()
    assert "Sales ~ TV (standardized), several learning rates" in page and "<script" in page
    assert "training page: Sales ~ TV learned at several rates" in full


def test_demo_without_matplotlib_says_how_to_get_the_plot(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    assert cli.main(["--epochs", "5", "--out", str(tmp_path / "d")]) == 0
    assert 'no loss plot: plots need matplotlib, which is not installed: pip install "tinygrad_lr[plot]"' in (
        capsys.readouterr().out)
    assert not (tmp_path / "d" / "loss.png").exists()


# ----- bad input: one line, exit 2 ------------------------------------------------------------------------------
def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _write_bytes(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


BAD_FIT_INPUTS = [
    (lambda t: ["fit", str(t / "nope.csv"), "--target", "y"], r"nope\.csv: no such file"),
    (lambda t: ["fit", str(t), "--target", "y"], "is a directory, not a CSV file"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,3\n3,5\n"), "--target", "y"],
     r"--target: no column 'y'; the header has 'a', 'b'"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,3\n3,5\n"), "--target", "b", "--features", "a", "c"],
     r"no column 'c'; the header has 'a', 'b'"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,x7\n3,5\n"), "--target", "b"],
     r"row 2 \(line 3\), column 'b': expected a number, found 'x7'"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,\n3,5\n"), "--target", "b"],
     r"row 2 \(line 3\), column 'b': expected a number, found an empty cell \(a missing value"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\nNA,3\n3,5\n"), "--target", "b"],
     r"row 2 \(line 3\), column 'a': expected a number, found 'NA' \(a missing value"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,3\nnan,5\n"), "--target", "b"],
     r"row 3, column 'a': a missing value \(NaN\); fill it in or drop that row"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n"), "--target", "b"],
     r"the file has 1 data row\(s\); fitting needs at least 2"),
    (lambda t: ["fit", _write(t, "d.csv", "a,c,b\n1,4,2\n2,4,3\n3,4,5\n4,4,4\n"), "--target", "b"],
     r"column 'c' is constant \(4 in every row\)"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,2\n3,2\n"), "--target", "b"],
     r"the target is constant"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,3\n"), "--target", "b", "--features", "b"],
     r"--features: 'b' is the target"),
    (lambda t: ["fit", _write(t, "d.csv", ""), "--target", "b"], r"the file is empty"),
    (lambda t: ["fit", _write(t, "d.csv", "a,b\n1,2\n2,3\n"), "--target", "b", "--features", "a", "a"],
     r"--features: 'a' is listed twice"),
    (lambda t: ["fit", _write_bytes(t, "d.csv", b"a,b\n\xff\xfe,1\n"), "--target", "b"],
     r"d\.csv: not a text CSV file \(it is not UTF-8\)"),
    (lambda t: ["fit", _write_bytes(t, "d.csv", b"a,b\n1,\x002\n"), "--target", "b"],
     r"d\.csv: row 1 \(line 2\), column 'b': expected a number, found '\\x002'"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--lr", "abc"],
     r"argument --lr: expected a number, got 'abc'"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--val-fraction", "1"],
     r"argument --val-fraction: must be at least 0 and below 1"),
    (lambda t: ["fit", str(ADVERTISING)], r"the following arguments are required: --target"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--save", str(t / "afile" / "m.npz")],
     r"--save .*afile/m\.npz: cannot write there \(Not a directory\)"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--save", str(t / "missing" / "m.npz")],
     r"--save .*missing/m\.npz: cannot write there \(No such file or directory\)"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--save", str(t / ("m" * 300 + ".npz"))],
     r"--save .*: cannot write there \(File name too long\)"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--plot", str(t)], r"--plot .*: is a directory"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--save", str(t / "s.npz"), "--plot",
                str(t / "s.npz")], r"two output options name the same file"),
    (lambda t: ["predict", str(t / "none.npz"), str(ADVERTISING)], r"none\.npz: no such file"),
    (lambda t: ["predict", _write(t, "bad.npz", "not a zip"), str(ADVERTISING)],
     r"bad\.npz: not a model saved by `tinygrad-lr fit --save`"),
    (lambda t: ["demo", "--out", str(t / "afile" / "sub")],
     r"--out .*afile/sub: cannot write there \(Not a directory\)"),
    (lambda t: ["--out", str(t / ("o" * 300))], r"--out .*: cannot use it \(File name too long\)"),
    (lambda t: ["--features", "TV,Billboard"], r"unknown feature 'Billboard'"),
    (lambda t: ["fit", str(ADVERTISING), "--target", "Sales", "--bogus"], r"unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize("make_argv, message", BAD_FIT_INPUTS, ids=[m[:40] for _, m in BAD_FIT_INPUTS])
def test_bad_input_gives_one_line_and_exit_status_2(make_argv, message, tmp_path, capsys):
    (tmp_path / "afile").write_text("a file, not a folder")
    try:
        status = cli.main(make_argv(tmp_path))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    captured = capsys.readouterr()
    assert status == 2
    line = _one_error_line(captured.err)
    assert line.startswith("tinygrad-lr") and re.search(message, line), line
    assert "training loss" not in captured.out  # nothing trained


def test_fit_never_overwrites_without_force(known_csv, tmp_path, capsys):
    model = tmp_path / "model.npz"
    model.write_text("precious")
    assert cli.main(["fit", str(known_csv), "--target", "y", "--save", str(model), "--quiet"]) == 2
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert re.search(r"--save .*model\.npz: the file exists; use --force to overwrite it", line)
    assert captured.out == "" and model.read_text() == "precious"  # checked before reading or training
    assert cli.main(["fit", str(known_csv), "--target", "y", "--save", str(model), "--quiet", "--force"]) == 0
    assert model.read_bytes()[:2] == b"PK"


def test_fit_divergence_exits_1_with_epoch_and_smaller_rate(known_csv, capsys):
    assert cli.main(["fit", str(known_csv), "--target", "y", "--lr", "1e300", "--quiet"]) == 1
    captured = capsys.readouterr()
    line = _one_error_line(captured.err)
    assert re.fullmatch(r"tinygrad-lr: error: training diverged at epoch \d+: the loss reached \S+ with learning "
                        r"rate 1e\+300; try a smaller rate, e\.g\. --lr 0\.\d", line), line
    assert "agree" not in captured.out and "converged" not in captured.out


def test_predict_refuses_data_without_the_models_columns(known_csv, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert cli.main(["fit", str(known_csv), "--target", "y", "--save", str(model), "--quiet"]) == 0
    capsys.readouterr()
    other = _write(tmp_path, "other.csv", "a,c\n1,2\n")
    assert cli.main(["predict", str(model), other]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "no column 'b', which the model needs (it uses a, b); the header has 'a', 'c'" in line
    tinygrad_lr.save({"weights": tinygrad_lr.zeros(2)}, tmp_path / "foreign.npz")
    assert cli.main(["predict", str(tmp_path / "foreign.npz"), str(known_csv)]) == 2
    assert "a tinygrad_lr file, but not a model saved by" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_missing_or_corrupt_bundled_data_says_reinstall(damage, tmp_path, capsys, monkeypatch):
    if damage == "corrupt":
        (tmp_path / "advertising.csv").write_text("TV,Radio,Newspaper,Sales\n1,2,3\n")
    monkeypatch.setattr(datasets.resources, "files", lambda package: tmp_path)
    assert cli.main(["--out", str(tmp_path / "d")]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "the bundled Advertising data is missing or damaged" in line and "reinstall tinygrad_lr" in line


# ----- the process: broken pipe and Ctrl-C ----------------------------------------------------------------------
@pytest.mark.slow  # a fresh Python process
def test_a_reader_that_stops_early_is_no_error(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "tinygrad_lr", "--epochs", "20"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    process.stdout.close()  # `| head -0`: the first write finds the pipe closed
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""
    assert (tmp_path / "tinygrad_lr_demo" / "loss_graph_final.gv").exists()  # the work was still done


@pytest.mark.slow  # a fresh Python process
def test_ctrl_c_exits_130_with_one_line(known_csv, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "tinygrad_lr", "fit", str(known_csv), "--target", "y", "--epochs", "100000000"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), text=True,
    )
    for line in process.stdout:
        if line.startswith("model:"):  # training has started
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 130
    assert _one_error_line(stderr) == "tinygrad-lr: interrupted (Ctrl-C); no output file was left half-written"
