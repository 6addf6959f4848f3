"""explain_backward's result: a step table (rows), sums written out, constants named, text, HTML, folding."""

from __future__ import annotations

import re

import numpy as np

import tinygrad_lr as tl
from tinygrad_lr.viz import explain_backward
from tinygrad_lr.viz.explain import BackwardExplanation


def _fan_out():
    """c = a * b feeds tanh(c) and c * a: its gradient is the sum of two contributions."""
    a = tl.tensor(0.5, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(-0.25, dtype=tl.float64, requires_grad=True)
    c = a * b
    loss = c.tanh() + c * a
    return loss, a, b, c


def test_rows_are_the_engines_steps_with_gradient_in_rule_and_products():
    loss, a, b, c = _fan_out()
    explanation = explain_backward(loss, params={"a": a, "b": b, "c": c})
    assert isinstance(explanation, BackwardExplanation)
    trace = explanation.trace
    assert [row.step for row in explanation.steps] == [step.index for step in trace.steps] == [1, 2, 3, 4]
    assert [row.node_id for row in explanation.steps] == [id(step.node) for step in trace.steps]
    assert [row.op for row in explanation.steps] == ["AddBackward0", "MulBackward0", "TanhBackward0", "MulBackward0"]
    mul_a = explanation.steps[1]  # c * a: gradient in 1, sends 1 x a to c and 1 x c to a
    assert mul_a.rule == "a * b;  da = g * b, db = g * a."
    assert mul_a.grad_in == "1"
    assert [(i.index, i.target, i.product) for i in mul_a.inputs] == [
        (0, "op MulBackward0", "1 x 0.5 = 0.5"),
        (1, "a ()", "1 x (-0.125) = -0.125"),
    ]


def test_fan_out_sums_and_leaf_totals_are_written_out():
    loss, a, b, c = _fan_out()
    explanation = explain_backward(loss, params={"a": a, "b": b, "c": c})
    row_c = next(row for row in explanation.steps if row.output == "c")
    tanh_c = 1 - np.tanh(-0.125) ** 2  # what tanh sends to c
    assert row_c.grad_in == f"{0.5 + tanh_c:.4g}"  # 1.484
    assert row_c.sum_of == f"0.5 (from step 2) + {tanh_c:.4g} (from step 3)"
    leaf_a = next(leaf for leaf in explanation.leaves if leaf.name == "a ()")
    # a: -0.125 from c * a (step 2), then b * dloss/dc from c = a * b (step 4)
    assert leaf_a.total == f"{-0.125 + -0.25 * (0.5 + tanh_c):.4g}"
    assert leaf_a.sum_of == f"(-0.125) (from step 2) + ({-0.25 * (0.5 + tanh_c):.4g}) (from step 4)"
    text = str(explanation)
    assert f"        = 0.5 (from step 2) + {tanh_c:.4g} (from step 3)" in text.splitlines()
    loss.backward()
    assert f"{a.grad.item():.4g}" == leaf_a.total


def test_constants_are_named_by_params_or_shown():
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = tl.tensor([0.5, -1.0], requires_grad=True)
    loss = (x * w).sum()
    named = explain_backward(loss, params={"X": x, "w": w})
    mul = named.steps[1]
    assert [(i.index, i.target) for i in mul.inputs] == [(0, "constant X"), (1, "w (2,)")]
    assert "    input 0: constant X (needs no gradient)" in str(named).splitlines()
    shown = explain_backward(loss)
    assert shown.steps[1].inputs[0].target == "constant [[1, 2], [3, 4]]  shape (2, 2)"
    f = tl.tensor(4.0, requires_grad=True)
    # a Python number; 10 / f is 10 * (1 / f), as in torch: the constant is the product's second input
    assert explain_backward(10.0 / f).steps[0].inputs[1].target == "constant 10"


def test_text_aligns_what_each_input_receives():
    w = tl.tensor([1.0, 2.0], requires_grad=True)
    bias = tl.tensor(0.5, requires_grad=True)
    loss = (w + bias).sum()
    lines = str(explain_backward(loss, params={"w": w, "bias": bias})).splitlines()
    sends = [line for line in lines if line.startswith("    input ")]
    assert len(sends) == 3
    assert len({line.index("sends") for line in sends[1:]}) == 1  # one step: aligned
    assert "(summed from (2,) to the input's shape (): un-broadcast)" in sends[2]
    assert repr(explain_backward(loss)) == str(explain_backward(loss))


def test_html_table_has_one_row_per_step_tied_to_its_node():
    loss, a, b, c = _fan_out()
    explanation = explain_backward(loss, params={"a": a, "b<i>": b})
    page = explanation._repr_html_()
    assert page.count('<tr id="backward-step-') == 4
    for step in explanation.trace.steps:
        assert f'<tr id="backward-step-{step.index}" data-node-id="{id(step.node)}">' in page
    assert "b&lt;i&gt; ()" in page and "<i>" not in page  # names are escaped
    assert "0.5 (from step 2) + " in page and "\\n" not in page


def _chain(steps):
    x = tl.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(steps):
        y = y * 1.0
    return y


def test_a_long_chain_of_one_op_folds_into_one_row():
    explanation = explain_backward(_chain(100_000))
    (row,) = explanation.steps
    assert (row.step, row.last, row.count, row.op) == (1, 100_000, 100_000, "MulBackward0")
    text = str(explanation)
    assert "steps 1-100,000: MulBackward0 x 100,000" in text
    assert len(text) < 2_000 and len(explanation._repr_html_()) < 3_000
    assert "MulBackward0 &times; 100,000" in explanation._repr_html_()
    unfolded = explain_backward(_chain(600), max_steps=None)
    assert len(unfolded.steps) == 600


def test_a_repeated_pattern_of_ops_folds_and_other_steps_stay():
    x = tl.tensor([0.5, -0.3], requires_grad=True)
    y = x
    for _ in range(400):
        y = ((y + 0.1) * 0.9).tanh()
    explanation = explain_backward((y * y).sum(), max_steps=100)
    rows = [(row.step, row.last, row.op, row.count) for row in explanation.steps]
    assert rows == [
        (1, 1, "SumBackward0", 1),
        (2, 2, "MulBackward0", 1),
        (3, 1202, "(TanhBackward0, MulBackward0, AddBackward0)", 400),
    ]


def test_rows_beyond_max_steps_are_cut_with_a_note_where_they_are():
    x = tl.tensor(2.0, requires_grad=True)
    y = x
    for k in range(60):  # no op repeats three times in a row: nothing folds
        y = y * 1.0 if k % 2 else y + 1.0
        y = y.sin() if k % 3 else y.exp()
    explanation = explain_backward(y, max_steps=20)
    assert len(explanation.steps) == 20
    assert [row.step for row in explanation.steps][:10] == list(range(1, 11))
    assert [row.step for row in explanation.steps][10:] == list(range(111, 121))
    lines = str(explanation).splitlines()
    gap = lines.index("... 100 rows, steps 11 to 110, not shown (max_steps=20) ...")
    before = [line for line in lines[:gap] if re.match(r"steps? \d", line)]
    after = [line for line in lines[gap:] if re.match(r"steps? \d", line)]
    assert before[-1].startswith("step 10: ") and after[0].startswith("step 111: ")
