"""viz.backward_stepper: the page steps through the engine's own backward (observe_backward), in headless Chromium."""

from __future__ import annotations

import re

import numpy as np
import pytest
from browser import Browser, assert_offline
from conftest import require_dot

import tinygrad_lr as tl
from tinygrad_lr import nn
from tinygrad_lr.autograd.observe import observe_backward
from tinygrad_lr.viz import backward_stepper, explain_backward
from tinygrad_lr.viz.summary import summarize


@pytest.fixture(scope="module")
def browser():
    require_dot()
    with Browser() as running:
        yield running


def _model_and_loss():
    tl.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x, y = tl.randn(4, 2), tl.randn(4, 1)
    return model, nn.MSELoss()(model(x), y)


def _side_text(page):
    return page.evaluate("document.getElementById('side').innerText")


def test_screenshots_differ_and_the_last_step_shows_every_parameters_gradient(tmp_path, browser):
    model, loss = _model_and_loss()
    path = backward_stepper(loss, tmp_path / "steps.html", params=model)
    n = len(observe_backward(loss))
    assert n == 4
    loss.backward()  # the page changed nothing: backward still has its saved values, and no .grad was there before
    grads = {name: summarize(p.grad.numpy(), 6, norm=True) for name, p in model.named_parameters()}
    shots, texts = [], []
    for k in (0, 1, n):
        page = browser.open(path, f"#{k}")
        shots.append(page.screenshot())
        texts.append(_side_text(page))
        assert f"step {k} of {n}" in texts[-1]
        assert_offline(page)
        assert page.console_errors == []
    assert shots[0] != shots[1] != shots[2] != shots[0]
    for name, grad in grads.items():
        assert f"{name}\tgrad {grad}" in texts[2]
        assert grad not in texts[0]
    assert texts[0].count("grad —") == 4
    # a matrix product's rule is a map, not a number: written as what it sends, with the engine's result
    assert f"input 1 -> 0.weight: W gets gᵀ @ x: sends {grads['0.weight']}" in texts[2]


def test_the_page_steps_through_the_engines_steps_in_explain_backwards_order(tmp_path, browser):
    a = tl.tensor([0.3, -0.7], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([1.5, 0.2], dtype=tl.float64, requires_grad=True)
    c = a * b
    loss = (c.exp() + c.sin() * a).tanh().sum()
    path = backward_stepper(loss, tmp_path / "steps.html", params={"a": a, "b": b})
    narrated = re.findall(r"^step (\d+): (\w+)", str(explain_backward(loss)), re.M)
    page = browser.open(path)
    titles = []
    for k in range(1, len(narrated) + 1):
        page.evaluate("document.getElementById('next').click()")
        titles.append(page.evaluate("document.getElementById('step-title').textContent"))
        assert page.evaluate("location.hash") == f"#{k}"  # the URL follows the stepping
        active = page.evaluate("document.querySelector('g.node.active').id")
        label = page.evaluate(f"document.getElementById('{active}').textContent")
        assert f"backward step {k}" in label  # the highlighted box is the op this step runs
        assert page.evaluate("document.querySelectorAll('g.edge.active').length") >= 1
    assert [re.match(r"Step (\d+) of \d+: (\w+)", t).groups() for t in titles] == narrated
    assert page.evaluate("document.getElementById('next').disabled")
    page.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowLeft'}))")
    assert page.evaluate("location.hash") == f"#{len(narrated) - 1}"
    page.evaluate("location.hash = '#2'")
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert page.evaluate("document.getElementById('counter').textContent") == f"step 2 of {len(narrated)}"
    assert a.grad is None and b.grad is None


def test_gradients_fill_in_as_they_become_known(tmp_path, browser):
    a = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    out = (a * 3.0).tanh()
    page = browser.open(backward_stepper(out, tmp_path / "s.html", params={"a": a}), "#0")
    grad_lines = (
        "[...document.querySelectorAll('g.node text')].map(t => t.textContent).filter(t => t.startsWith('grad'))"
    )
    assert set(page.evaluate(grad_lines)) == {"grad —"}
    page.evaluate("document.getElementById('next').click()")  # tanh ran: its input's gradient is complete
    after_one = page.evaluate(grad_lines)
    assert "grad 1" in after_one and "grad —" in after_one
    page.evaluate("location.hash = '#2'")
    page.evaluate("new Promise(r => setTimeout(r, 50))")
    assert "grad —" not in page.evaluate(grad_lines)
    expected = 3 * (1 - np.tanh(6.0) ** 2)
    assert f"grad {summarize(expected)}" in page.evaluate(grad_lines)


def test_the_chain_rule_is_written_with_numbers_and_accumulation_is_shown(tmp_path, browser):
    a = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    b = a + a
    out = b * a
    page = browser.open(backward_stepper(out, tmp_path / "s.html", params={"a": a, "b": b}), "#1")
    text = _side_text(page)
    assert "gradient in: g = d(out)/d(MulBackward0 output) = 1" in text
    assert "input 0 -> b (step 2): g x d/da = 1 x 2 = 2" in text  # d(b*a)/db = a = 2
    assert "input 1 -> a: g x d/db = 1 x 4 = 4" in text  # d(b*a)/da = b = 4
    assert "contribution 1 of 3 to a's gradient (from steps 1, 2, 2)" in text
    page = browser.open(tmp_path / "s.html", "#2")
    text = _side_text(page)
    assert "input 0 -> a: g x d/da = 2 x 1 = 2" in text and "input 1 -> a: g x d/db = 2 x 1 = 2" in text
    assert "contribution 2 of 3" in text and "contribution 3 of 3" in text
    assert "a's gradient, complete: 4 + 2 + 2 = 8" in text
    assert "a\tgrad 8" in text


def test_bad_input_and_a_freed_graph_get_clear_errors(tmp_path):
    a = tl.tensor(2.0, requires_grad=True)
    with pytest.raises(TypeError, match="Value or a tuple of Values, got float"):
        backward_stepper(2.0, tmp_path / "s.html")
    out = a * a
    out.backward()
    with pytest.raises(RuntimeError, match=r"before loss.backward\(\), or use loss.backward\(retain_graph=True\)"):
        backward_stepper(out, tmp_path / "s.html")
    require_dot()
    target = tmp_path / "missing" / "s.html"
    with pytest.raises(OSError, match=re.escape(str(target))):
        backward_stepper(a * a, target)


def test_the_page_loads_nothing(tmp_path):
    require_dot()
    _, loss = _model_and_loss()
    page = backward_stepper(loss, tmp_path / "s.html").read_text()
    assert "default-src 'none'" in page
    assert "<!DOCTYPE svg" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
