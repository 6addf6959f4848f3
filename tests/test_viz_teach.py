"""Graphs that teach: study mode, constants and inputs, local derivatives, backward steps, expand=True, folding big
graphs, clusters per submodule, gradient highlights, the legend, and rendering errors."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from conftest import require_dot

import tinygrad_lr as tl
from tinygrad_lr import nn
from tinygrad_lr.autograd import function
from tinygrad_lr.autograd.function import Node
from tinygrad_lr.viz import draw_graph, explain_backward, record, render_graph
from tinygrad_lr.viz import graph as graph_module
from tinygrad_lr.viz.graph_model import NO_GRAD
from tinygrad_lr.viz.summary import summarize


def _nodes(graph):
    """node id -> (label, attribute text) from the DOT source."""
    found = {}
    for match in re.finditer(r'^\t(\w+) \[label="(.*?)"(.*?)\]$', graph.source, re.M | re.S):
        found[match.group(1)] = (match.group(2), match.group(3))
    return found


def _labels(graph):
    return {node_id: label for node_id, (label, _) in _nodes(graph).items()}


def _edges(graph):
    return re.findall(r"^\t(\w+) -> (\w+)(?: \[(.*?)\])?$", graph.source, re.M)


def _op_labels(graph, name):
    return [label for node_id, label in _labels(graph).items() if node_id.startswith("op") and label.startswith(name)]


def _readme_expression():
    """micrograd's README expression: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773."""
    a = tl.tensor(-4.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, e, f, g


# ----- study mode ---------------------------------------------------------------------------------------
def test_study_mode_shows_every_value_and_gradient_as_micrograd_does():
    with record():
        a, b, e, f, g = _readme_expression()
        g.backward()
    graph = draw_graph(g, params={"a": a, "b": b})
    labels = _labels(graph)
    last = next(source for source, target, _ in _edges(graph) if target == "output0")
    assert labels["output0"] == "() float64\nvalue 24.7\ngrad 1"  # study mode kept g's gradient too
    ops = [label for node_id, label in labels.items() if node_id.startswith("op") and node_id != last]
    # 25 (and g's op, whose value the output box shows): 10.0 / f is two, (1 / f) * 10, as in torch and micrograd
    assert len(ops) == 25
    assert all("data " in label and "grad " in label for label in ops)
    assert not any(f"grad {NO_GRAD}" in label for label in ops)
    # f = e ** 2: its gradient is what backward delivered into f (0.5 + (-10 / f^2)), and its local derivative 2e
    pow_box = next(label for label in _op_labels(graph, "PowBackward0") if f"data {f.item():.4g}" in label)
    assert f"grad {0.5 - 10.0 / f.item() ** 2:.4g}" in pow_box
    assert f"d/da = 2·a = {2 * e.item():.4g}" in pow_box
    assert f.grad.item() == pytest.approx(0.5 - 10.0 / f.item() ** 2)  # kept on the Value, no warning needed
    assert "grad 138.8" in labels["leaf0"] + labels["leaf1"] and "grad 645.6" in labels["leaf0"] + labels["leaf1"]


def test_study_mode_draws_constants_and_inputs_that_need_no_gradient():
    x_data = np.array([[1.0], [2.0], [3.0]])
    with record():
        X = tl.tensor(x_data, dtype=tl.float64)  # noqa: N806 - the data matrix, as in the lessons
        y = tl.tensor([[2.0], [4.0], [6.0]], dtype=tl.float64)
        w = tl.tensor([[0.5]], dtype=tl.float64, requires_grad=True)
        loss = ((X @ w - y) ** 2).mean()
        scaled = 10.0 / loss
    graph = draw_graph(scaled, params={"X": X, "y": y, "w": w})
    labels = _labels(graph)
    inputs = {labels[i].split("\n")[0]: i for i in labels if i.startswith("input")}
    assert set(inputs) == {"X", "y"}
    assert labels[inputs["X"]].startswith("X\n(3, 1) float64\nno grad (requires_grad=False)\ndata [[1], [2], [3]]")
    constants = sorted(labels[i] for i in labels if i.startswith("const"))
    assert constants == ["constant 10", "constant 2"]  # 10.0 / loss (torch: (1 / loss) * 10), the exponent of ** 2
    edges = {(s, t): attrs for s, t, attrs in _edges(graph)}
    mul = next(i for i in labels if labels[i].startswith("MulBackward0"))
    const10 = next(i for i in labels if labels[i] == "constant 10")
    assert "dotted" in edges[(const10, mul)]
    reciprocal = next(i for i in labels if labels[i].startswith("ReciprocalBackward0"))
    assert (reciprocal, mul) in edges
    mm = next(i for i in labels if labels[i].startswith("MmBackward0"))
    assert (inputs["X"], mm) in edges


def test_outside_study_mode_nothing_is_kept():
    with record():
        pass
    assert function.study_hook is None
    a = tl.tensor(3.0, requires_grad=True)
    c = a * 2.0
    loss = c * c
    loss.backward()
    assert "_study" not in c.grad_fn.__dict__ and c.grad_fn._retained is None and not c.grad_fn._observed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert c.grad is None  # as in torch: a non-leaf's gradient is not kept
    assert caught
    labels = _op_labels(draw_graph(loss), "MulBackward0")
    assert all("data " not in label for label in labels)


def test_record_blocks_nest_and_restore_on_errors():
    with pytest.raises(ZeroDivisionError):
        with record():
            with record():
                pass
            assert function.study_hook is not None
            raise ZeroDivisionError
    assert function.study_hook is None


# ----- local derivatives, steps, dtype, "—" -------------------------------------------------------------
def test_op_boxes_give_the_local_derivative_in_words_and_in_study_mode_in_numbers():
    a = tl.tensor(3.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(-2.0, dtype=tl.float64, requires_grad=True)
    plain = draw_graph(a * b)
    (mul,) = _op_labels(plain, "MulBackward0")
    assert "d/da = b\nd/db = a" in mul
    with record():
        out = a * b
    (mul,) = _op_labels(draw_graph(out), "MulBackward0")
    assert "d/da = b = -2\nd/db = a = 3" in mul


def test_boxes_and_edges_carry_the_step_numbers_of_backward_and_explain_backward():
    a = tl.tensor([0.3, -0.7], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([1.5, 0.2], dtype=tl.float64, requires_grad=True)
    c = a * b
    f = c.exp() + c.sin() * a
    loss = (f.tanh() + c.sigmoid() - b.relu()).sum()
    graph = draw_graph(loss, params={"a": a, "b": b})
    text = str(explain_backward(loss))
    engine_order = []
    nodes, stack = [], [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node not in nodes:
            nodes.append(node)
            stack.extend(e for e in node.next_entries if isinstance(e, Node))
    for node in nodes:
        node.register_hook(lambda g, node=node: engine_order.append(node.name()))
    loss.backward()
    labels = _labels(graph)
    by_step = {}
    for node_id, label in labels.items():
        found = re.search(r"backward step (\d+)$", label)
        if found:
            by_step[int(found.group(1))] = (node_id, label.split("\n")[0])
    assert [by_step[k][1] for k in sorted(by_step)] == engine_order
    narrated = re.findall(r"^step (\d+): (?:\w+ = )?(\w+)", text, re.M)
    assert [(int(k), name) for k, name in narrated] == [(k, by_step[k][1]) for k in sorted(by_step)]
    after = _labels(draw_graph(loss, params={"a": a, "b": b}))  # freed: the order from the graph's structure
    assert {i: re.search(r"backward step (\d+)$", t).group(1) for i, t in after.items() if "backward step" in t} == {
        node_id: str(k) for k, (node_id, _) in by_step.items()
    }
    for _source, target, attrs in _edges(graph):  # an edge carries the step of the op its gradient goes through
        if target.startswith("op"):
            step = next(k for k, (node_id, _) in by_step.items() if node_id == target)
            assert f'label=" {step}"' in attrs


def test_before_backward_gradients_read_a_dash_and_after_it_the_output_shows_its_seed():
    a = tl.tensor([1.0, -2.0], requires_grad=True)
    loss = (a * a).sum()
    before = _labels(draw_graph(loss))
    assert before["leaf0"] == "(2,) float32\ndata [1, -2]\ngrad —"
    assert before["output0"].endswith("grad —")
    loss.backward()
    after = _labels(draw_graph(loss))
    assert after["leaf0"] == "(2,) float32\ndata [1, -2]\ngrad [2, -4]"
    assert after["output0"] == "() float32\nvalue 5\ngrad 1 (backward's seed: dout/dout)"


def test_array_summaries_give_the_norm():
    a = tl.tensor(np.arange(10.0), requires_grad=True)
    labels = _labels(draw_graph((a * 2).sum()))
    norm = np.linalg.norm(np.arange(10.0))
    assert f"data mean 4.5, min 0, max 9, norm {norm:.4g}" in labels["leaf0"]
    assert summarize(np.arange(10.0)) == "mean 4.5, min 0, max 9"  # explain_backward's text is unchanged


def test_zero_nonfinite_and_very_large_gradients_are_highlighted():
    dead = tl.tensor([-1.0, -2.0], requires_grad=True)
    broken = tl.tensor([0.0, 1.0], requires_grad=True)
    huge = tl.tensor([1e4], requires_grad=True)
    loss = dead.relu().sum() + broken.sqrt().sum() + (huge**3).sum()
    with np.errstate(divide="ignore"):  # sqrt'(0) = inf, on purpose
        loss.backward()
    nodes = {labels.split("\n")[1]: attrs for labels, attrs in _nodes(draw_graph(loss)).values()}
    data = {label.split("\n")[1]: label for label, _ in _nodes(draw_graph(loss)).values()}
    assert "(zero)" in data["data [-1, -2]"] and "color=goldenrod" in nodes["data [-1, -2]"]
    assert "(NaN/inf!)" in data["data [0, 1]"] and "color=red" in nodes["data [0, 1]"]
    assert "(very large)" in data["data [1e+04]"] and "color=darkorange" in nodes["data [1e+04]"]


def test_the_legend_explains_colours_shapes_and_step_numbers():
    a = tl.tensor(1.0, requires_grad=True)
    source = draw_graph(a * 2).source
    assert "legend [label=<<TABLE" in source
    for words in ("output", "leaf", "constant", "no grad (X, y)", "backward step k", "not computed yet", "NaN/inf"):
        assert words in source
    assert "legend" not in draw_graph(a * 2, legend=False).source


def test_rankdir_is_passed_to_graphviz_and_checked():
    a = tl.tensor(1.0, requires_grad=True)
    assert draw_graph(a * 2, rankdir="LR").graph_attr["rankdir"] == "LR"
    with pytest.raises(ValueError, match="rankdir must be one of TB, BT, LR, RL, got 'up'"):
        draw_graph(a * 2, rankdir="up")


# ----- expand=True ------------------------------------------------------------------------------------
@pytest.mark.parametrize("study", [True, False])
def test_expand_draws_linear_and_mse_as_the_elementary_ops_with_hand_computed_values(study):
    tl.manual_seed(0)
    model = nn.Linear(2, 1, dtype=tl.float64)
    X = tl.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], dtype=tl.float64)  # noqa: N806
    y = tl.tensor([[1.0], [0.0], [2.0]], dtype=tl.float64)
    if study:
        with record():
            loss = nn.MSELoss()(model(X), y)
            loss.backward()
    else:
        loss = nn.MSELoss()(model(X), y)  # before backward: the values come from what the ops saved
    graph = draw_graph(loss, params=model, expand=True)
    labels = _labels(graph)
    w, b = model.weight.detach().numpy(), model.bias.detach().numpy()
    x, target = X.numpy(), y.numpy()
    product = x @ w.T
    prediction = product + b
    diff = prediction - target
    by_title = {label.split("\n")[0].split(" (")[0]: label for label in labels.values()}
    assert set(by_title) >= {"MmBackward0", "AddBackward0", "SubBackward0", "PowBackward0", "MeanBackward0"}
    assert f"data {summarize(product)}" in by_title["MmBackward0"]
    assert f"data {summarize(prediction)}" in by_title["AddBackward0"]
    assert f"data {summarize(diff)}" in by_title["SubBackward0"]
    assert f"data {summarize(diff**2)}" in by_title["PowBackward0"]
    assert f"data {summarize((diff**2).mean())}" in by_title["MeanBackward0"]
    if study:  # the chain rule by hand: d mean / d square = 1/N, d square / d diff = 2 diff
        assert f"grad {summarize(np.full((3, 1), 1 / 3))}" in by_title["PowBackward0"]
        assert f"grad {summarize(2 * diff / 3)}" in by_title["SubBackward0"]
        assert f"grad {summarize(2 * diff / 3)}" in by_title["AddBackward0"]
        assert f"grad {summarize(2 * diff / 3)}" in by_title["MmBackward0"]
        np.testing.assert_allclose(model.weight.grad.numpy(), (2 * diff / 3).T @ x)
    edges = {(s, t) for s, t, _ in _edges(graph)}
    ids = {label.split("\n")[0].split(" (")[0]: node_id for node_id, label in labels.items()}
    assert (ids["MmBackward0"], ids["AddBackward0"]) in edges
    assert (ids["SubBackward0"], ids["PowBackward0"]) in edges
    assert (ids["PowBackward0"], ids["MeanBackward0"]) in edges
    assert (ids["AddBackward0"], ids["SubBackward0"]) in edges


# ----- big graphs, clusters -----------------------------------------------------------------------------
def test_a_chain_of_a_hundred_thousand_ops_is_folded_and_renders(tmp_path):
    x = tl.tensor(1.0, requires_grad=True)
    z = x
    for _ in range(100_000):
        z = z * 1.00001
    graph = draw_graph(z)
    labels = _labels(graph)
    (fold,) = [label for node_id, label in labels.items() if node_id.startswith("fold")]
    assert fold.startswith("MulBackward0 x 100,000\n(a chain of the same op, folded)\nsteps 1-100,000")
    assert "100,000 ops, more than max_nodes=500: 1 run(s) of the same op (100,000 ops) folded" in labels["note"]
    assert len(graph.source) < 5000
    require_dot()
    svg = render_graph(graph, tmp_path / "chain.svg").read_text()
    assert "MulBackward0 x 100,000" in svg


def test_a_folded_run_with_a_leaf_per_op_draws_a_few_leaves_and_counts_the_rest():
    weights = [tl.tensor(1.0, requires_grad=True) for _ in range(600)]
    z = tl.tensor(1.0, requires_grad=True)
    for w in weights:
        z = z * w
    labels = _labels(draw_graph(z))
    assert labels["fold_op0"].startswith("MulBackward0 x 600")
    assert sum(1 for node_id in labels if node_id.startswith("leaf")) == 3
    assert labels["fold_op0_leaves"] == "598 more leaves (folded)"


def test_a_wide_graph_over_max_nodes_draws_the_ops_nearest_the_output_and_says_so():
    leaves = [tl.tensor(float(k), requires_grad=True) for k in range(30)]
    total = leaves[0].exp()
    for leaf in leaves[1:]:
        total = total + leaf.exp()  # alternating ops: no run of the same op to fold
    graph = draw_graph(total, max_nodes=10)
    labels = _labels(graph)
    assert sum(1 for node_id in labels if node_id.startswith("op")) == 10
    assert "49 ops farther from the output are not drawn (max_nodes=10)" in labels["note"]


def test_params_as_a_module_clusters_each_submodules_ops():
    tl.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    loss = nn.MSELoss()(model(tl.randn(4, 2)), tl.randn(4, 1))
    source = draw_graph(loss, params=model).source
    for name in ("0", "2"):
        block = re.search(rf"subgraph cluster_{name} {{(.*?)\n\t}}", source, re.S)
        assert block is not None and f"label={name}" in block.group(1)
        assert f"{name}.weight" in block.group(1) and f"{name}.bias" in block.group(1)
        assert "AddmmBackward0" in block.group(1)
    assert "cluster_1" not in source  # Tanh has no parameters to tell its ops by


# ----- rendering ------------------------------------------------------------------------------------------
def test_render_jpg_writes_a_jpeg_and_unknown_suffixes_are_refused(tmp_path):
    a = tl.tensor(1.0, requires_grad=True)
    graph = draw_graph(a * 2)
    with pytest.raises(ValueError, match=r"format must be one of png, svg, pdf, jpg, jpeg, got 'txt'"):
        render_graph(graph, tmp_path / "x.txt")
    with pytest.raises(ValueError, match=r"ends in \.png but the format is 'svg'"):
        render_graph(graph, tmp_path / "x.png", format="svg")
    assert list(tmp_path.iterdir()) == []
    require_dot()
    path = render_graph(graph, tmp_path / "x.jpg")
    assert path == tmp_path / "x.jpg" and path.read_bytes()[:3] == b"\xff\xd8\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.jpg"]


def test_an_unwritable_path_names_the_users_path(tmp_path):
    require_dot()
    a = tl.tensor(1.0, requires_grad=True)
    target = tmp_path / "no such dir" / "g.png"
    with pytest.raises(OSError, match=re.escape(f"can't write {str(target)!r}: No such file or directory")):
        render_graph(draw_graph(a * 2), target)


def test_in_jupyter_without_dot_the_graph_shows_its_source_and_the_install_hint(monkeypatch):
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    a = tl.tensor(1.0, requires_grad=True)
    graph = draw_graph(a * 2)
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert bundle["text/plain"].startswith(graph.source)
    assert "`dot` is not on PATH" in bundle["text/plain"] and "apt-get install graphviz" in bundle["text/plain"]


def test_every_op_in_the_derivative_tables_is_a_real_function():
    """The tables are keyed by Function class name: a renamed op would silently fall back to its docstring."""
    import tinygrad_lr.nn  # noqa: F401  (the fused Linear and MSELoss)
    from tinygrad_lr.autograd.function import Function
    from tinygrad_lr.viz import derivatives

    names, stack = set(), [Function]
    while stack:
        cls = stack.pop()
        names.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    assert set(derivatives.WORDS) | set(derivatives.NUMBERS) | {"PowScalar"} <= names
