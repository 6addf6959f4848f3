"""draw_graph, render_graph and explain_backward: what they draw and say, and that they change nothing."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from conftest import graph_nodes, require_dot

import tinygrad_lr as tl
from tinygrad_lr.autograd.function import Node
from tinygrad_lr.autograd.observe import observe_backward
from tinygrad_lr.viz import GraphvizNotFoundError, draw_graph, explain_backward, render_graph, save_source
from tinygrad_lr.viz import graph as graph_module


def _nodes(graph):
    """node id -> (label, fillcolor) parsed from the DOT source."""
    found = {}
    for match in re.finditer(r'^\t(\w+) \[label="(.*?)"(?: fillcolor=(\w+))?', graph.source, re.M | re.S):
        found[match.group(1)] = (match.group(2), match.group(3))
    return found


def _edges(graph):
    return re.findall(r"^\t(\w+) -> (\w+)", graph.source, re.M)


def _regression():
    x = tl.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=tl.float64)
    y = tl.tensor([[1.0], [2.0], [3.0]], dtype=tl.float64)
    weight = tl.tensor([[0.5, -1.0]], dtype=tl.float64, requires_grad=True)
    bias = tl.tensor([0.1], dtype=tl.float64, requires_grad=True)
    prediction = x @ weight.T + bias
    loss = ((prediction - y) ** 2).mean()
    return loss, weight, bias, prediction


def test_graph_has_torchviz_colours_labels_and_input_to_consumer_edges():
    loss, weight, bias, _ = _regression()
    loss.backward()
    graph = draw_graph(loss, params={"weight": weight, "bias": bias})
    nodes = _nodes(graph)
    labels = {node_id: label for node_id, (label, _) in nodes.items()}
    colours = {node_id: colour for node_id, (_, colour) in nodes.items()}

    assert colours["output0"] == "darkolivegreen1"
    assert labels["output0"].startswith("() float64\nvalue ")
    assert labels["output0"].endswith("grad 1 (backward's seed: dout/dout)")
    assert f"value {float(loss):.4g}" in labels["output0"]
    ops = {labels[i].split("\n")[0]: i for i in nodes if i.startswith("op")}
    assert set(ops) == {"MeanBackward0", "PowBackward0", "SubBackward0", "AddBackward0", "MmBackward0",
                        "PermuteBackward0"}
    assert all(colours[i] == "lightgrey" for i in ops.values())
    leaves = {labels[i].split("\n")[0]: i for i in nodes if i.startswith("leaf")}
    assert set(leaves) == {"weight", "bias"}
    assert all(colours[i] == "lightblue" for i in leaves.values())
    w_label = labels[leaves["weight"]]
    assert "(1, 2)" in w_label and "data [[0.5, -1]]" in w_label
    grad_text = ", ".join(f"{g:.4g}" for g in weight.grad.numpy().ravel())
    assert f"grad [[{grad_text}]]" in w_label
    assert f"grad [{bias.grad.item():.4g}]" in labels[leaves["bias"]]

    edges = set(_edges(graph))
    assert (ops["MeanBackward0"], "output0") in edges
    assert (leaves["weight"], ops["PermuteBackward0"]) in edges
    assert (ops["PermuteBackward0"], ops["MmBackward0"]) in edges
    assert (leaves["bias"], ops["AddBackward0"]) in edges
    assert (ops["AddBackward0"], ops["SubBackward0"]) in edges
    assert len(edges) == 8  # x and y: backward freed what referenced them (see the study-mode tests)


def test_source_is_deterministic_for_the_same_computation():
    sources = []
    for _ in range(2):
        loss, weight, bias, _ = _regression()
        loss.backward()
        sources.append(draw_graph(loss, params={"weight": weight, "bias": bias}).source)
    assert sources[0] == sources[1]
    assert "op0" in sources[0] and "leaf0" in sources[0]


def test_show_data_and_show_grad_can_be_turned_off():
    loss, weight, bias, _ = _regression()
    loss.backward()
    source = draw_graph(loss, params={"weight": weight}, show_data=False, show_grad=False, legend=False).source
    assert "data " not in source and "grad " not in source and "value " not in source
    assert "weight" in source


def test_a_value_used_twice_gives_two_edges_and_unnamed_leaves_show_their_shape():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    b = a + a
    graph = draw_graph(b)
    assert _edges(graph).count(("leaf0", "op0")) == 2
    assert _nodes(graph)["leaf0"][0].startswith("(2,) float32\ndata [1, 2]\ngrad —")


def test_tuple_of_outputs_and_shared_nodes_are_drawn_once():
    a = tl.tensor(2.0, requires_grad=True)
    h = a * 3.0
    graph = draw_graph((h + 1.0, h * 2.0), params={"a": a})
    nodes = _nodes(graph)
    assert "output0" in nodes and "output1" in nodes
    assert sum(1 for label, _ in nodes.values() if label.startswith("MulBackward0")) == 2  # h and h * 2
    assert sum(1 for i in nodes if i.startswith("leaf")) == 1


def test_lists_and_other_types_get_a_clear_error():
    a = tl.tensor(2.0, requires_grad=True)
    with pytest.raises(TypeError, match="got a list: pass tuple"):
        draw_graph([a * 2, a * 3])
    with pytest.raises(TypeError, match="Value or a tuple of Values, got ndarray"):
        draw_graph(np.ones(2))
    with pytest.raises(TypeError, match="params must be a dict"):
        draw_graph(a * 2, params=[a])


def test_named_non_leaf_and_retained_values_show_their_values():
    a = tl.tensor(-4.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(2.0, dtype=tl.float64, requires_grad=True)
    c = a * b
    c.retain_grad()
    d = c + b**3
    e = d.relu()
    e.backward()
    labels = [label for label, _ in _nodes(draw_graph(e, params={"a": a, "b": b, "d": d, "note": "not a Value"})
                                           ).values()]
    mul = next(label for label in labels if label.startswith("MulBackward0"))
    assert "data -8" in mul and "grad 0" in mul  # retained: relu'(0) is 0 in torch's convention
    add = next(label for label in labels if label.startswith("AddBackward0"))
    assert "-> d ()" in add and "data 0" in add


def test_params_may_be_a_module_like_object():
    class Model:
        def __init__(self):
            self.weight = tl.tensor([1.0], requires_grad=True)

        def named_parameters(self):
            return iter([("fc.weight", self.weight)])

    model = Model()
    source = draw_graph((model.weight * 2).sum(), params=model).source
    assert "fc.weight" in source


def test_big_arrays_are_summarized_and_big_graphs_grow():
    x = tl.tensor(np.arange(100.0), requires_grad=True)
    y = x
    for _ in range(200):
        y = y * 1.0
    graph = draw_graph(y.sum())
    assert "data mean 49.5, min 0, max 99" in graph.source
    size = float(graph.graph_attr["size"].split(",")[0])
    assert size == pytest.approx(0.15 * len(graph.body))
    assert size > 12


def test_deep_graphs_are_walked_without_recursion():
    x = tl.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y + 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        graph = draw_graph(y, max_nodes=5000)
        text = str(explain_backward(y, max_steps=None))  # every step, unfolded
    finally:
        sys.setrecursionlimit(limit)
    assert sum(1 for line in graph.body if "AddBackward0" in line) == 3000
    assert "step 3000: AddBackward0" in text


def test_show_saved_draws_orange_saved_values_and_attributes():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    b = tl.tensor([3.0, 4.0], requires_grad=True)
    loss = (a * b).sum()
    nodes = _nodes(draw_graph(loss, show_saved=True, legend=False))
    saved = {label for label, colour in nodes.values() if colour == "orange"}
    assert any(label.startswith("saved[0]: input 0\n(2,)\ndata [1, 2]") for label in saved)
    assert any(label.startswith("saved[1]: input 1\n(2,)\ndata [3, 4]") for label in saved)
    loss.backward()
    source = draw_graph(loss, show_saved=True, legend=False).source
    assert "(saved values freed by backward)" in source
    assert "orange" not in source


def test_save_source_writes_the_dot_text(tmp_path):
    loss, *_ = _regression()
    graph = draw_graph(loss)
    path = save_source(graph, tmp_path / "g.gv")
    assert path.read_text() == graph.source


def test_render_png_and_svg_with_dot(tmp_path):
    require_dot()
    loss, weight, bias, _ = _regression()
    loss.backward()
    graph = draw_graph(loss, params={"weight": weight, "bias": bias})
    png = render_graph(graph, tmp_path / "graph")
    assert png.name == "graph.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = render_graph(graph, tmp_path / "graph.svg")
    text = svg.read_text()
    assert "<svg" in text and "weight" in text and "MmBackward0" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.png", "graph.svg"]  # no stray source files


def test_render_fails_early_and_clearly_without_dot(tmp_path, monkeypatch):
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)
    loss, *_ = _regression()
    with pytest.raises(GraphvizNotFoundError) as info:
        render_graph(draw_graph(loss), tmp_path / "g.png")
    message = str(info.value)
    assert "`dot`" in message and "apt-get install graphviz" in message
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="format must be one of png, svg, pdf"):
        render_graph(draw_graph(loss), tmp_path / "g", format="gif")


# ----- explain_backward -----------------------------------------------------------------------------
def test_explain_backward_narrates_each_step_with_rule_and_numbers():
    a = tl.tensor(3.0, dtype=tl.float64, requires_grad=True)
    b = tl.tensor(-2.0, dtype=tl.float64, requires_grad=True)
    c = a * b
    loss = c + a
    text = str(explain_backward(loss, params={"a": a, "b": b, "c": c, "loss": loss}))
    lines = text.splitlines()
    assert lines[0] == "How loss.backward() computes its gradients, step by step"
    assert "loss = -3, computed by AddBackward0" in text
    step1 = lines.index("step 1: loss = AddBackward0  (output shape ())")
    assert lines[step1 + 1] == "    rule: a + b;  da = g, db = g."
    assert lines[step1 + 2] == "    gradient in: dloss/dloss = 1"
    assert lines[step1 + 3] == "    input 0 -> op MulBackward0: sends 1 x 1 = 1"  # gradient in x local derivative
    assert lines[step1 + 4] == "    input 1 -> a ():            sends 1 x 1 = 1"
    step2 = lines.index("step 2: c = MulBackward0  (output shape ())")
    assert lines[step2 + 1] == "    rule: a * b;  da = g * b, db = g * a."
    assert lines[step2 + 3] == "    input 0 -> a (): sends 1 x (-2) = -2"
    assert lines[step2 + 4] == "    input 1 -> b (): sends 1 x 3 = 3"
    leaf_a = lines.index("    a (): dloss/d(leaf) = -1")  # 1 + b: both paths summed ...
    assert lines[leaf_a + 1] == "        = 1 (from step 1) + (-2) (from step 2)"  # ... and shown
    assert "    b (): dloss/d(leaf) = 3" in lines
    loss.backward()
    assert a.grad.item() == -1.0 and b.grad.item() == 3.0


def test_explain_backward_mentions_unbroadcasting():
    w = tl.tensor([[1.0, 2.0]], requires_grad=True)
    b = tl.tensor([0.5], requires_grad=True)
    loss = (tl.ones(4, 2) * w + b).sum()
    text = str(explain_backward(loss, params={"w": w, "b": b}))
    expected = "w (1, 2): sends [[4, 4]]  shape (1, 2)  (summed from (4, 2) to the input's shape (1, 2): un-broadcast)"
    assert expected in text
    assert "b (1,): dloss/d(leaf) = [8]  shape (1,)" in text


def test_explain_backward_matches_the_engine_and_changes_nothing():
    rng = np.random.default_rng(0)
    x = tl.tensor(rng.normal(size=(5, 3)))
    w1 = tl.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    w2 = tl.tensor(rng.normal(size=(4, 1)), requires_grad=True)
    h = (x @ w1).tanh()
    h.retain_grad()
    loss = ((h @ w2).sigmoid() * h.sum(dim=1, keepdim=True)).mean()
    w1.grad = tl.ones(3, 4, dtype=tl.float64)
    totals = {id(total.leaf): total.grad for total in observe_backward(loss).leaves}
    text = str(explain_backward(loss))
    assert w1.grad.numpy().tolist() == np.ones((3, 4)).tolist()  # untouched
    assert w2.grad is None and h.grad is None
    assert ".grad already holds mean 1, min 1, max 1, backward() would add" in text
    w1.grad = None
    loss.backward()  # the saved values are still there
    np.testing.assert_allclose(totals[id(w1)], w1.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(totals[id(w2)], w2.grad.numpy(), rtol=1e-12)


def _branching_graph():
    """A graph with shared nodes and several valid topological orders, so the schedule matters."""
    a = tl.tensor([0.3, -0.7], dtype=tl.float64, requires_grad=True)
    b = tl.tensor([1.5, 0.2], dtype=tl.float64, requires_grad=True)
    c = a * b
    f = c.exp() + c.sin() * a
    loss = (f.tanh() + c.sigmoid() - b.relu()).sum()
    return loss, a, b


def test_explain_backward_narrates_the_engines_order_of_ops_and_leaves():
    loss, a, b = _branching_graph()
    engine_ops = []
    for node in graph_nodes(loss):
        node.register_hook(lambda g, node=node: engine_ops.append(node.name()))
    leaf_order = []
    b.register_hook(lambda g: leaf_order.append("b"))
    a.register_hook(lambda g: leaf_order.append("a"))
    text = str(explain_backward(loss, params={"a": a, "b": b}))
    loss.backward()
    narrated_ops = re.findall(r"^step \d+: (?:\w+ = )?(\w+)  \(output shape", text, re.M)
    assert len(engine_ops) == 11 and narrated_ops == engine_ops
    narrated_leaves = re.findall(r"^    (\w) \(2,\): dloss/d\(leaf\)", text, re.M)
    assert narrated_leaves == leaf_order == ["b", "a"]


def test_explain_backward_leaves_the_graph_alone():
    loss, a, b = _branching_graph()
    loss.backward(retain_graph=True)
    nodes = graph_nodes(loss)
    missing = object()
    slots = (*Node.__slots__, "saved_tensors", "_released", "_pre_hooks", "_retained")
    before = [[getattr(node, slot, missing) for slot in slots] for node in nodes]
    grads = a.grad.numpy().copy(), b.grad.numpy().copy()
    explain_backward(loss)
    after = [[getattr(node, slot, missing) for slot in slots] for node in nodes]
    assert all(x is y for row_before, row_after in zip(before, after) for x, y in zip(row_before, row_after))
    assert a.grad.numpy().tolist() == grads[0].tolist() and b.grad.numpy().tolist() == grads[1].tolist()


def test_explain_backward_after_backward_needs_retain_graph():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    loss = (a * a).sum()
    loss.backward(retain_graph=True)
    assert "[2, 4]" in str(explain_backward(loss))
    loss.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        explain_backward(loss)


def test_explain_backward_bad_inputs():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        explain_backward(a * 2)
    assert "sends [3, 4]" in str(explain_backward(a * 2, gradient=[1.5, 2.0]))
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of torch.Size\(\[3\]\)"):
        explain_backward(a * 2, gradient=[1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        explain_backward(tl.tensor(1.0))
    with pytest.raises(TypeError, match="takes a Value"):
        explain_backward(3.0)
    assert "is a leaf" in str(explain_backward(tl.tensor(1.0, requires_grad=True)))


def test_explain_backward_points_out_hooks_it_does_not_run():
    calls = []
    a = tl.tensor(2.0, requires_grad=True)
    a.register_hook(lambda g: calls.append("leaf") or g * 2)
    b = a * 3
    b.register_hook(lambda g: calls.append("node"))
    text = str(explain_backward(b * 1.0, params={"a": a, "b": b}))
    assert calls == []
    assert "a hook is registered here" in text
    assert "a (): dloss/d(leaf) = 3 (before this leaf's hooks" in text
