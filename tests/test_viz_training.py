"""viz.training_page: real training recorded per learning rate, and the page in headless Chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser import Browser, assert_offline

import tinygrad_lr as tl
from tinygrad_lr import nn
from tinygrad_lr.viz import record_training, training_page, training_plot


def _line_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 5.0, n)
    return x, 2.0 * x + 1.0 + rng.normal(0.0, 0.5, n)


def test_each_epoch_is_one_real_gradient_descent_step_from_the_same_start():
    x, y = _line_data()
    record = record_training(x, y, learning_rates=(0.01, 0.05), epochs=3, seed=7)
    tl.manual_seed(7)
    start = nn.Linear(1, 1)
    w, b = float(start.weight.item()), float(start.bias.item())
    for run in record.runs:
        assert run.parameters[0] == pytest.approx({"weight": w, "bias": b})
        # by hand: dL/dw = mean(2 (w x + b - y) x), dL/db = mean(2 (w x + b - y)), in float32 as the model
        xs, ys = x.astype(np.float32), y.astype(np.float32)
        ww, bb = np.float32(w), np.float32(b)
        for epoch in range(3):
            error = ww * xs + bb - ys
            assert run.losses[epoch] == pytest.approx(float(np.mean(error**2)), rel=1e-5)
            ww, bb = ww - np.float32(run.learning_rate) * np.mean(2 * error * xs), bb - np.float32(
                run.learning_rate
            ) * np.mean(2 * error)
            assert run.parameters[epoch + 1] == pytest.approx({"weight": float(ww), "bias": float(bb)}, rel=1e-5)
        # the drawn curve is the model's prediction on the grid
        expected = run.parameters[3]["weight"] * record.grid + run.parameters[3]["bias"]
        np.testing.assert_allclose(run.curves[3], expected, rtol=1e-5, atol=1e-5)


def test_rates_above_two_over_the_largest_curvature_diverge_and_below_converge():
    x, y = _line_data()
    record = record_training(x, y, learning_rates=(0.001,), epochs=1)
    critical = record.critical_learning_rate
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert critical == pytest.approx(2 / np.linalg.eigvalsh(hessian).max())
    below, above = record_training(x, y, learning_rates=(0.9 * critical, 1.1 * critical), epochs=300).runs
    assert not below.diverged and below.losses[-1] < 0.01 * below.losses[0]
    assert above.diverged
    assert above.losses[above.diverged_at] > 1e3 * above.losses[0] or not np.isfinite(above.losses[-1])


def test_a_rate_that_blows_up_stops_training_and_is_flagged():
    x, y = _line_data()
    run = record_training(x, y, learning_rates=(1.5,), epochs=200).runs[0]
    assert run.diverged
    assert len(run.losses) == run.diverged_at + 1 < 200  # stopped once the loss had exploded
    assert len(run.curves) == len(run.losses)


def test_a_custom_model_gets_no_critical_rate_and_its_curve_is_recorded():
    x, y = _line_data()
    record = record_training(
        x, y, model_fn=lambda: nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1)), learning_rates=(0.05,),
        epochs=20,
    )
    assert record.critical_learning_rate is None
    run = record.runs[0]
    assert run.parameters == []  # too many parameters to print
    assert len(run.curves) == 21 and len(run.curves[0]) == record.grid.size
    assert run.losses[-1] < run.losses[0]


def test_bad_input_gets_one_clear_error(tmp_path):
    x, y = _line_data()
    with pytest.raises(ValueError, match=r"shape \(n,\) or \(n, 1\), got \(40, 2\)"):
        training_page(np.stack([x, x], 1), y, tmp_path / "p.html")
    with pytest.raises(ValueError, match="40 x and 39 y"):
        training_page(x, y[:-1], tmp_path / "p.html")
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        training_page(x, y, tmp_path / "p.html", epochs=0)
    with pytest.raises(OSError, match=re.escape(str(tmp_path / "missing" / "p.html"))):
        training_page(x, y, tmp_path / "missing" / "p.html", epochs=2)


def test_the_page_is_self_contained(tmp_path):
    x, y = _line_data()
    page = training_page(x, y, tmp_path / "line.html", epochs=5).read_text()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)  # nothing to load
    assert not re.search(r"""url\(\s*["']?https?:""", page)


@pytest.fixture(scope="module")
def browser():
    with Browser() as running:
        yield running


def test_in_chromium_the_slider_moves_the_line(tmp_path, browser):
    x, y = _line_data()
    path = training_page(x, y, tmp_path / "line.html", learning_rates=(0.01, 0.05), epochs=60)
    page = browser.open(path, "#rate=1&epoch=0")
    start = page.evaluate("document.getElementById('fit-line').getAttribute('points')")
    status0 = page.evaluate("document.getElementById('status').textContent")
    page.evaluate(
        "(() => { const s = document.getElementById('epoch'); s.value = 40; s.dispatchEvent(new Event('input')); })()"
    )
    moved = page.evaluate("document.getElementById('fit-line').getAttribute('points')")
    status40 = page.evaluate("document.getElementById('status').textContent")
    assert start and moved and start != moved
    assert status0.startswith("epoch 0 of 60") and status40.startswith("epoch 40 of 60")
    assert page.evaluate("location.hash") == "#rate=1&epoch=40"  # the URL follows, so a state can be linked
    assert len(moved.split()) == 60  # one vertex per grid point
    assert_offline(page)
    assert page.console_errors == []


def test_in_chromium_play_runs_through_the_epochs(tmp_path, browser):
    x, y = _line_data()
    page = browser.open(training_page(x, y, tmp_path / "line.html", learning_rates=(0.05,), epochs=10))
    page.evaluate("document.getElementById('play').click()")
    page.evaluate(  # wait (at most 30 s) until the play button is back: it stops by itself at the last epoch
        """new Promise(done => { const t = setInterval(() => { if (!document.getElementById('play')
            .textContent.includes('pause')) { clearInterval(t); done(); } }, 50); setTimeout(done, 30000); })"""
    )
    assert page.evaluate("document.getElementById('status').textContent").startswith("epoch 10 of 10")
    assert page.evaluate("document.getElementById('play').textContent") == "\u25b6 play"


def test_in_chromium_the_diverging_rate_is_flagged(tmp_path, browser):
    x, y = _line_data()
    path = training_page(x, y, tmp_path / "line.html", learning_rates=(0.01, 1.5), epochs=50)
    page = browser.open(path)
    labels = page.evaluate("[...document.querySelectorAll('#rates button')].map(b => [b.textContent, b.className])")
    assert labels[0] == ["0.01", "active"]
    assert labels[1][0] == "1.5diverges" and "diverged" in labels[1][1]
    page.evaluate("document.querySelector('#rates button[data-rate=\"1\"]').click()")
    verdict = page.evaluate("document.getElementById('verdict').textContent")
    assert verdict.startswith("lr = 1.5 diverges: the loss explodes from ")
    assert page.evaluate("document.getElementById('verdict').className") == "bad"
    assert_offline(page)


def test_the_offline_check_catches_a_page_that_loads_something(tmp_path, browser):
    page_path = tmp_path / "leaky.html"
    page_path.write_text('<html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    page = browser.open(page_path)
    with pytest.raises(AssertionError, match="127.0.0.1:9"):
        assert_offline(page)


def test_training_plot_draws_the_record_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    x, y = _line_data()
    record = record_training(x, y, learning_rates=(0.01, 1.5), epochs=20)
    png = training_plot(record, tmp_path / "training.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = training_plot(record, tmp_path / "training.svg", learning_rate=0.01).read_text()
    assert "lr = 1.5 (diverges)" in svg and "fit, lr = 0.01" in svg
    with pytest.raises(ValueError, match="learning_rate 0.5 was not trained; the record has 0.01, 1.5"):
        training_plot(record, tmp_path / "t.png", learning_rate=0.5)


def test_default_rates_are_multiples_of_the_critical_rate_whatever_the_scale_of_x(tmp_path):
    x, y = _line_data()
    for scale in (1.0, 100.0):
        record = record_training(x * scale, y, epochs=100)
        critical = record.critical_learning_rate
        rates = [run.learning_rate for run in record.runs]
        assert rates == [float(f"{m * critical:.2g}") for m in (0.01, 0.1, 0.5, 0.9, 1.1)]
        assert [run.diverged for run in record.runs] == [False, False, False, False, True]
    custom = record_training(x, y, model_fn=lambda: nn.Linear(1, 1), epochs=1)
    assert [run.learning_rate for run in custom.runs] == [0.001, 0.01, 0.1, 0.5, 1.5]
    page = training_page(x * 100, y, tmp_path / "p.html", epochs=5).read_text()
    assert '"curvatureRatio":' in page


def test_in_chromium_badly_scaled_data_gets_the_advice_to_standardize(tmp_path, browser):
    x, y = _line_data()
    about = "document.getElementById('about').textContent"
    page = browser.open(training_page(x * 100, y, tmp_path / "raw.html", epochs=5))
    assert "converges only for lr < " in page.evaluate(about) and "standardizing" in page.evaluate(about)
    centred = (x - x.mean()) / x.std()
    page = browser.open(training_page(centred, y, tmp_path / "standard.html", epochs=5))
    assert "standardizing" not in page.evaluate(about)
