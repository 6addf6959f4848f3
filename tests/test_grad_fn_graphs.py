"""grad_fn names and next_functions against torch: the graph a learner inspects is torch's, node for node.

Each expression runs in both libraries; the graph is described from its output down two levels (each node's
name and its next_functions: a node, AccumulateGrad for a leaf, None for an input that needs no gradient).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg


def describe(node: Any, depth: int = 2) -> str:
    if node is None:
        return "None"
    if depth == 0:
        return node.name()
    return node.name() + "(" + ", ".join(f"{describe(n, depth - 1)}/{i}" for n, i in node.next_functions) + ")"


def _inputs(lib: Any) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    make = lambda shape, grad=True, low=-1.0, high=1.0: lib.tensor(  # noqa: E731
        rng.uniform(low, high, shape).astype(np.float32), requires_grad=grad)
    return {
        "x": make((4, 3)), "y": make((4, 3), False), "yg": make((4, 3)), "w": make((4, 3), False, 0.5, 2.0),
        "p": make((4, 3), True, 0.1, 0.9), "t": lib.tensor(np.array([0, 2, 1, 2])), "wc": make((3,), False, 0.5, 2.0),
        "a": make((3,), True, 0.5, 2.0), "x3": make((2, 3, 2)), "t3": lib.tensor(np.array([[0, 2], [1, 1]])),
    }


EXPRESSIONS = {
    "smooth_l1_loss": lambda f, v, r: f.smooth_l1_loss(v["x"], v["y"], reduction=r),
    "smooth_l1_loss_target_grad": lambda f, v, r: f.smooth_l1_loss(v["x"], v["yg"], reduction=r),
    "smooth_l1_loss_beta0": lambda f, v, r: f.smooth_l1_loss(v["x"], v["y"], reduction=r, beta=0.0),
    "huber_loss": lambda f, v, r: f.huber_loss(v["x"], v["y"], reduction=r),
    "huber_loss_weight": lambda f, v, r: f.huber_loss(v["x"], v["y"], reduction=r, weight=v["w"]),
    "mse_loss": lambda f, v, r: f.mse_loss(v["x"], v["yg"], reduction=r),
    "mse_loss_weight": lambda f, v, r: f.mse_loss(v["x"], v["y"], reduction=r, weight=v["w"]),
    "binary_cross_entropy": lambda f, v, r: f.binary_cross_entropy(v["p"], v["y"].clamp(0, 1), reduction=r),
    "binary_cross_entropy_weight": lambda f, v, r: f.binary_cross_entropy(
        v["p"].clamp(0.01, 0.99), v["y"].clamp(0, 1), weight=v["wc"], reduction=r),
    "bce_with_logits": lambda f, v, r: f.binary_cross_entropy_with_logits(v["x"], v["yg"], reduction=r),
    "bce_with_logits_weights": lambda f, v, r: f.binary_cross_entropy_with_logits(
        v["x"], v["y"], weight=v["w"], pos_weight=v["wc"], reduction=r),
    "cross_entropy": lambda f, v, r: f.cross_entropy(v["x"], v["t"], reduction=r),
    "cross_entropy_weight": lambda f, v, r: f.cross_entropy(v["x"], v["t"], weight=v["wc"], reduction=r),
    "cross_entropy_1d": lambda f, v, r: f.cross_entropy(v["x"][0], v["t"][0], reduction=r),
    "cross_entropy_3d": lambda f, v, r: f.cross_entropy(v["x3"], v["t3"], reduction=r),
    "nll_loss": lambda f, v, r: f.nll_loss(v["x"], v["t"], reduction=r),
}

OPERATORS = {
    "rsub": lambda lib, v: 2 - v["a"],
    "rsub_function": lambda lib, v: lib.rsub(v["a"], 2),
    "rpow": lambda lib, v: 2 ** v["a"],
    "rpow_float": lambda lib, v: 2.5 ** v["a"],
    "pow_number_base": lambda lib, v: lib.pow(2, v["a"]),
    "rdiv": lambda lib, v: 2 / v["a"],
    "reciprocal_of_sum": lambda lib, v: 1 / (1 + v["a"]),
    "pow_scalar": lambda lib, v: v["a"] ** 2,
    "sum_dim": lambda lib, v: v["x"].sum(0),
    "mean": lambda lib, v: (v["x"] * v["y"]).mean(),
    "log_softmax": lambda lib, v: v["x"].log_softmax(1),
    "reshape": lambda lib, v: v["x"].reshape(12),
    "clamp_numbers": lambda lib, v: v["x"].clamp(0, 1),
    "where": lambda lib, v: lib.where(v["y"] > 0, v["x"], v["yg"]),
    "cat": lambda lib, v: lib.cat([v["x"], v["y"], v["yg"]]),
    "scaled_sine": lambda lib, v: 2 * lib.sin(v["a"]),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", EXPRESSIONS)
def test_a_loss_is_the_node_torch_records_with_its_inputs(name: str, reduction: str) -> None:
    torch = require_torch()
    ours = EXPRESSIONS[name](tg.nn.functional, _inputs(tg), reduction)
    theirs = EXPRESSIONS[name](torch.nn.functional, _inputs(torch), reduction)
    assert describe(ours.grad_fn) == describe(theirs.grad_fn)


@pytest.mark.parametrize("name", OPERATORS)
def test_an_operator_records_torch_s_nodes(name: str) -> None:
    torch = require_torch()
    ours = OPERATORS[name](tg, _inputs(tg))
    theirs = OPERATORS[name](torch, _inputs(torch))
    assert describe(ours.grad_fn) == describe(theirs.grad_fn)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)
