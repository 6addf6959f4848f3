"""Losses: forward and backward against torch for each reduction and option, gradchecks, warnings and error texts."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.autograd import gradcheck, gradgradcheck
from tinygrad_lr.nn import functional as F

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}
REDUCTIONS = ("mean", "sum", "none")


# ----- inputs --------------------------------------------------------------------------------------
def regression_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    x = rng.standard_normal((4, 3))
    y = rng.standard_normal((4, 3))
    y[0, 0] = x[0, 0]  # a tie: |d| has derivative sign(0) = 0 in torch
    y[1, 1] = x[1, 1] + 1.0  # exactly on the Huber / SmoothL1 threshold (delta = beta = 1)
    return {"input": x, "target": y, "weight": rng.uniform(0.5, 2.0, (4, 3))}


def probability_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "input": rng.uniform(0.05, 0.95, (4, 3)),
        "target": rng.uniform(0.0, 1.0, (4, 3)),
        "weight": rng.uniform(0.5, 2.0, (3,)),
    }


def logit_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    z = rng.standard_normal((4, 3)) * 3
    z[0, 0], z[0, 1], z[0, 2] = 40.0, -40.0, 0.0  # large logits stay finite; z = 0 has gradient sigmoid(0) - t
    return {
        "input": z,
        "target": rng.uniform(0.0, 1.0, (4, 3)),
        "weight": rng.uniform(0.5, 2.0, (4, 3)),
        "pos_weight": rng.uniform(0.5, 3.0, (3,)),
    }


def class_inputs(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        "input": rng.standard_normal((6, 4)) * 2,
        "target": np.array([0, 3, 1, 2, 3, 1]),
        "weight": rng.uniform(0.5, 2.0, (4,)),
        "probs": rng.dirichlet(np.ones(4), 6),
    }


# Each case: (id, input maker, call(F, values, reduction), names of the inputs that require grad).
Case = tuple[str, Callable[[np.random.Generator], dict[str, np.ndarray]], Callable[..., Any], tuple[str, ...]]
CASES: list[Case] = [
    ("mse", regression_inputs, lambda f, v, r: f.mse_loss(v["input"], v["target"], reduction=r), ("input", "target")),
    ("mse_weight", regression_inputs,
     lambda f, v, r: f.mse_loss(v["input"], v["target"], reduction=r, weight=v["weight"]), ("input", "target")),
    ("l1", regression_inputs, lambda f, v, r: f.l1_loss(v["input"], v["target"], reduction=r), ("input", "target")),
    ("l1_weight", regression_inputs,
     lambda f, v, r: f.l1_loss(v["input"], v["target"], reduction=r, weight=v["weight"]), ("input",)),
    ("huber", regression_inputs,
     lambda f, v, r: f.huber_loss(v["input"], v["target"], reduction=r), ("input", "target")),
    ("huber_delta", regression_inputs,
     lambda f, v, r: f.huber_loss(v["input"], v["target"], reduction=r, delta=0.4), ("input", "target")),
    ("huber_weight", regression_inputs,
     lambda f, v, r: f.huber_loss(v["input"], v["target"], reduction=r, weight=v["weight"]), ("input",)),
    ("smooth_l1", regression_inputs,
     lambda f, v, r: f.smooth_l1_loss(v["input"], v["target"], reduction=r), ("input", "target")),
    ("smooth_l1_beta", regression_inputs,
     lambda f, v, r: f.smooth_l1_loss(v["input"], v["target"], reduction=r, beta=0.3), ("input", "target")),
    ("smooth_l1_beta0", regression_inputs,
     lambda f, v, r: f.smooth_l1_loss(v["input"], v["target"], reduction=r, beta=0.0), ("input",)),
    ("bce", probability_inputs,
     lambda f, v, r: f.binary_cross_entropy(v["input"], v["target"], reduction=r), ("input", "target")),
    ("bce_weight", probability_inputs,
     lambda f, v, r: f.binary_cross_entropy(v["input"], v["target"], v["weight"], reduction=r), ("input",)),
    ("bce_logits", logit_inputs,
     lambda f, v, r: f.binary_cross_entropy_with_logits(v["input"], v["target"], reduction=r), ("input", "target")),
    ("bce_logits_weights", logit_inputs,
     lambda f, v, r: f.binary_cross_entropy_with_logits(
         v["input"], v["target"], v["weight"], reduction=r, pos_weight=v["pos_weight"]),
     ("input", "target")),
    ("cross_entropy", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["target"], reduction=r), ("input",)),
    ("cross_entropy_weight", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["target"], v["weight"], reduction=r), ("input",)),
    ("cross_entropy_ignore", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["target"], ignore_index=3, reduction=r), ("input",)),
    ("cross_entropy_smoothing", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["target"], reduction=r, label_smoothing=0.15), ("input",)),
    ("cross_entropy_all_options", class_inputs,
     lambda f, v, r: f.cross_entropy(
         v["input"], v["target"], v["weight"], ignore_index=1, reduction=r, label_smoothing=0.3),
     ("input",)),
    ("cross_entropy_probs", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["probs"], reduction=r), ("input", "probs")),
    ("cross_entropy_probs_options", class_inputs,
     lambda f, v, r: f.cross_entropy(v["input"], v["probs"], v["weight"], reduction=r, label_smoothing=0.2),
     ("input", "probs")),
    ("nll", class_inputs,
     lambda f, v, r: f.nll_loss(v["input"].log_softmax(1), v["target"], v["weight"], ignore_index=2, reduction=r),
     ("input",)),
]


def _tensors(lib: Any, values: dict[str, np.ndarray], dtype: Any, grads: tuple[str, ...]) -> dict[str, Any]:
    """`values` as tensors of `lib` (tinygrad_lr or torch), floating ones in `dtype`, those named in `grads`
    requiring grad."""
    out = {}
    for name, array in values.items():
        array = array.astype(dtype) if array.dtype.kind == "f" else array
        out[name] = lib.tensor(array, requires_grad=name in grads)
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_forward_and_backward_match_torch(case: Case, reduction: str, dtype: Any) -> None:
    torch = require_torch()
    _, make, call, grads = case
    rng = np.random.default_rng(7)
    values = make(rng)
    ours = _tensors(tg, values, dtype, grads)
    theirs = _tensors(torch, values, dtype, grads)
    loss = call(F, ours, reduction)
    expected = call(torch.nn.functional, theirs, reduction)
    tol = TOLERANCE[dtype]
    assert loss.shape == tuple(expected.shape)
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss.detach().numpy(), expected.detach().numpy(), rtol=tol, atol=tol)
    upstream = rng.standard_normal(tuple(expected.shape)).astype(dtype)
    loss.backward(tg.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    for name in grads:
        np.testing.assert_allclose(
            ours[name].grad.numpy(), theirs[name].grad.numpy(), rtol=tol, atol=tol, err_msg=f"gradient of {name}"
        )


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_gradients_pass_gradcheck(case: Case) -> None:
    _, make, call, grads = case
    values = make(np.random.default_rng(3))
    # finite differences across the threshold points (ties, |d| = delta) would be meaningless: move off them
    values["input"] = values["input"] + 1e-3
    for reduction in ("mean", "none"):
        ours = _tensors(tg, values, np.float64, grads)
        names = list(ours)

        def fn(*args: tg.Value, reduction: str = reduction, names: list[str] = names) -> tg.Value:
            return call(F, dict(zip(names, args)), reduction)

        assert gradcheck(fn, tuple(ours[n] for n in names), eps=1e-6, atol=1e-6)


def test_bce_with_logits_gradient_of_pos_weight_passes_gradcheck() -> None:
    values = _tensors(tg, logit_inputs(np.random.default_rng(4)), np.float64, ("input", "target", "pos_weight"))

    def fn(z: tg.Value, t: tg.Value, pw: tg.Value) -> tg.Value:
        return F.binary_cross_entropy_with_logits(z, t, values["weight"], reduction="sum", pos_weight=pw)

    assert gradcheck(fn, (values["input"], values["target"], values["pos_weight"]))


def test_mse_loss_is_one_fused_node_with_second_derivatives() -> None:
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    y = tg.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    loss = F.mse_loss(x, y)
    assert loss.grad_fn.name() == "MseLossBackward0"
    assert all(type(e) is tg.Value for e in (x, y))
    assert gradgradcheck(lambda a, b: F.mse_loss(a, b), (x, y))
    assert gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction="sum"), (x, y))
    assert gradgradcheck(lambda a, b: F.mse_loss(a, b, reduction="none"), (x, y))
    assert gradgradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b.sigmoid()), (x, y))


def test_mse_loss_gradient_is_two_d_over_n() -> None:
    x = tg.tensor([1.0, 2.0, 4.0], requires_grad=True)
    y = tg.tensor([0.0, 2.0, 1.0])
    loss = nn.MSELoss()(x, y)
    loss.backward()
    assert loss.item() == pytest.approx((1 + 0 + 9) / 3)
    np.testing.assert_allclose(x.grad.numpy(), [2 / 3, 0.0, 2.0], rtol=1e-6)


def test_empty_mean_is_nan_and_sum_is_zero() -> None:
    empty = tg.zeros(0)
    assert np.isnan(F.mse_loss(empty, empty).item())
    assert np.isnan(F.l1_loss(empty, empty).item())
    assert F.mse_loss(empty, empty, reduction="sum").item() == 0.0


def test_mixed_dtypes_promote_as_torch(torch: Any) -> None:
    a = np.array([0.5, 1.5])
    for target_dtype in (np.float64, np.int64):
        ours = F.mse_loss(tg.tensor(a.astype(np.float32)), tg.tensor(np.array([1, 1]).astype(target_dtype)))
        theirs = torch.nn.functional.mse_loss(
            torch.tensor(a.astype(np.float32)), torch.tensor(np.array([1, 1]).astype(target_dtype))
        )
        assert str(ours.dtype) == str(theirs.dtype)
        assert ours.item() == pytest.approx(theirs.item())


# ----- the broadcasting warning --------------------------------------------------------------------
BROADCAST_LOSSES = [
    (nn.MSELoss, "MSELoss", F.mse_loss, "mse_loss"),
    (nn.L1Loss, "L1Loss", F.l1_loss, "l1_loss"),
    (nn.HuberLoss, "HuberLoss", F.huber_loss, "huber_loss"),
    (nn.SmoothL1Loss, "SmoothL1Loss", F.smooth_l1_loss, "smooth_l1_loss"),
]


@pytest.mark.parametrize("module, torch_name, function, torch_function", BROADCAST_LOSSES)
def test_target_size_mismatch_warns_and_broadcasts_like_torch(
    module: Any, torch_name: str, function: Any, torch_function: str
) -> None:
    torch = require_torch()
    prediction = np.array([[1.0], [2.0], [3.0], [4.0]])
    target = np.array([1.5, 2.0, 0.0, 4.5])
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        loss = module()(tg.tensor(prediction), tg.tensor(target))
        none = function(tg.tensor(prediction), tg.tensor(target), reduction="none")
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        expected = getattr(torch.nn, torch_name)()(torch.tensor(prediction), torch.tensor(target))
    assert [str(w.message) for w in ours] == [str(theirs[0].message)] * 2
    assert str(ours[0].message) == (
        "Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). This will "
        "likely lead to incorrect results due to broadcasting. Please ensure they have the same size."
    )
    assert all(w.category is UserWarning for w in ours)
    assert ours[1].filename == __file__  # as torch's stacklevel=2: the warning points at the function's caller
    assert none.shape == (4, 4)
    assert loss.item() == pytest.approx(expected.item(), abs=1e-12)


def test_mse_broadcast_example_gives_the_broadcast_mean() -> None:
    prediction = tg.tensor([[1.0], [2.0], [3.0], [4.0]])
    target = tg.tensor([1.0, 2.0, 3.0, 4.0])
    with pytest.warns(UserWarning, match="different to the input size"):
        loss = F.mse_loss(prediction, target)
    assert loss.item() == pytest.approx(2.5)  # mean of (i - j)^2 over the 4 x 4 grid, not 0
    assert F.mse_loss(prediction.reshape(-1), target).item() == 0.0


def test_shapes_that_cannot_broadcast_warn_then_raise(torch: Any) -> None:
    with pytest.warns(UserWarning), pytest.raises(RuntimeError) as ours:
        F.mse_loss(tg.ones(4), tg.ones(3))
    with pytest.warns(UserWarning), pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.mse_loss(torch.ones(4), torch.ones(3))
    assert str(ours.value) == str(theirs.value)


# ----- error texts ---------------------------------------------------------------------------------
def _error_cases(lib: Any, f: Any, nn_: Any) -> list[Callable[[], Any]]:
    t = lib.tensor
    return [
        lambda: nn_.MSELoss(reduction="avg")(t([1.0]), t([1.0])),
        lambda: nn_.L1Loss(reduction="avg")(t([1.0]), t([1.0])),
        lambda: nn_.BCELoss(reduction="avg")(t([0.5]), t([1.0])),
        lambda: nn_.BCEWithLogitsLoss(reduction="avg")(t([0.5]), t([1.0])),
        lambda: nn_.CrossEntropyLoss(reduction="avg")(t([[0.5, 1.0]]), t([1])),
        lambda: f.huber_loss(t([1.0]), t([1.0]), delta=0.0),
        lambda: f.smooth_l1_loss(t([1.0]), t([1.0]), beta=-1.0),
        lambda: f.binary_cross_entropy(t([[0.5]]), t([1.0])),
        lambda: f.binary_cross_entropy(t([0.5, 1.5]), t([1.0, 1.0])),
        lambda: f.binary_cross_entropy(t([0.5, 0.5]), t([1.0, 1.0], dtype=lib.float64)),
        lambda: f.binary_cross_entropy(t([0.5, 0.5]), t([1.0, 1.0]), weight=t([1.0, 1.0, 1.0])),
        lambda: f.binary_cross_entropy_with_logits(t([[0.5], [0.5]]), t([1.0, 0.0])),
        lambda: f.binary_cross_entropy_with_logits(t([0.5, 0.5]), t([1.0, 1.0]), pos_weight=t([1.0, 2.0, 3.0])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([1.0, 0.0], dtype=lib.float64)),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([1, 0], dtype=lib.int32)),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([1, 3])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([-1, 0])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([1, 0, 2])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([[1, 0], [0, 1]])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]), t([[1, 0, 0], [0, 1, 0]])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0]]), t([0]), weight=t([1.0, 2.0])),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0]]), t([[0.2, 0.3, 0.5]]), ignore_index=1),
        lambda: f.cross_entropy(t([[1.0, 2.0, 3.0]]), t([0]), label_smoothing=1.5),
        lambda: f.cross_entropy(lib.ones(2, 3, 4), lib.zeros(2, 5, dtype=lib.long)),
        lambda: f.nll_loss(t([[1.0, 2.0, 3.0]]), t([3])),
    ]


def test_error_texts_match_torch(torch: Any) -> None:
    ours_cases = _error_cases(tg, F, nn)
    theirs_cases = _error_cases(torch, torch.nn.functional, torch.nn)
    assert len(ours_cases) == len(theirs_cases)
    for ours, theirs in zip(ours_cases, theirs_cases):
        assert_same_error(theirs, ours)


def test_bad_reduction_is_accepted_by_the_constructor() -> None:
    loss = nn.MSELoss(reduction="avg")
    assert loss.reduction == "avg"
    with pytest.raises(ValueError, match="^avg is not a valid value for reduction$"):
        loss(tg.ones(2), tg.ones(2))


def test_legacy_size_average_and_reduce_warn_and_map() -> None:
    with pytest.warns(UserWarning, match=r"please use reduction='sum' instead\.$"):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.L1Loss(reduce=False).reduction == "none"


def test_loss_reprs_and_attributes() -> None:
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.HuberLoss(delta=2.0)) == "HuberLoss()"
    assert nn.HuberLoss(delta=2.0).delta == 2.0
    assert nn.SmoothL1Loss(beta=0.5).beta == 0.5
    assert repr(nn.CrossEntropyLoss(label_smoothing=0.1)) == "CrossEntropyLoss()"
    assert nn.CrossEntropyLoss().ignore_index == -100
    weight = tg.tensor([1.0, 2.0])
    loss = nn.CrossEntropyLoss(weight=weight)
    assert loss.weight is weight and list(loss.state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=weight).state_dict()) == ["pos_weight"]


# ----- edge values ---------------------------------------------------------------------------------
def test_bce_clamps_log_at_minus_100(torch: Any) -> None:
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    ours = tg.tensor(p, requires_grad=True)
    theirs = torch.tensor(p, requires_grad=True)
    loss = F.binary_cross_entropy(ours, tg.tensor(t), reduction="none")
    expected = torch.nn.functional.binary_cross_entropy(theirs, torch.tensor(t), reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [100.0, 100.0, 0.0, 0.0, np.log(2)])
    np.testing.assert_allclose(loss.detach().numpy(), expected.detach().numpy())
    loss.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy())


def test_bce_with_logits_is_stable_for_huge_logits() -> None:
    z = tg.tensor([1000.0, -1000.0, 1000.0, -1000.0], requires_grad=True)
    t = tg.tensor([1.0, 0.0, 0.0, 1.0])
    loss = F.binary_cross_entropy_with_logits(z, t, reduction="none")
    np.testing.assert_allclose(loss.detach().numpy(), [0.0, 0.0, 1000.0, 1000.0])
    loss.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [0.0, 0.0, 1.0, -1.0])


def test_cross_entropy_with_all_targets_ignored_is_nan_for_mean() -> None:
    x = tg.ones(2, 3)
    assert np.isnan(F.cross_entropy(x, tg.tensor([1, 1]), ignore_index=1).item())
    assert F.cross_entropy(x, tg.tensor([1, 1]), ignore_index=1, reduction="sum").item() == 0.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_cross_entropy_spatial_and_unbatched_inputs_match_torch(dtype: Any) -> None:
    torch = require_torch()
    rng = np.random.default_rng(5)
    cases = [
        (rng.standard_normal((2, 3, 4)), rng.integers(0, 3, (2, 4))),
        (rng.standard_normal((2, 3, 2, 2)), rng.integers(0, 3, (2, 2, 2))),
        (rng.standard_normal((3,)), np.array(2)),
        (rng.standard_normal((2, 3, 4)), rng.dirichlet(np.ones(3), (2, 4)).transpose(0, 2, 1).copy()),
    ]
    tol = TOLERANCE[dtype]
    for logits, target in cases:
        for reduction in REDUCTIONS:
            x = tg.tensor(logits.astype(dtype), requires_grad=True)
            tx = torch.tensor(logits.astype(dtype), requires_grad=True)
            y = target.astype(dtype) if target.dtype.kind == "f" else target
            loss = F.cross_entropy(x, tg.tensor(y), reduction=reduction, label_smoothing=0.1)
            expected = torch.nn.functional.cross_entropy(tx, torch.tensor(y), reduction=reduction, label_smoothing=0.1)
            assert loss.shape == tuple(expected.shape)
            np.testing.assert_allclose(loss.detach().numpy(), expected.detach().numpy(), rtol=tol, atol=tol)
            loss.sum().backward()
            expected.sum().backward()
            np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)


def test_loss_modules_match_functional() -> None:
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.standard_normal((3, 2)))
    y = tg.tensor(rng.standard_normal((3, 2)))
    assert nn.HuberLoss(delta=0.5)(x, y).item() == F.huber_loss(x, y, delta=0.5).item()
    assert nn.SmoothL1Loss(reduction="sum", beta=0.5)(x, y).item() == F.smooth_l1_loss(
        x, y, reduction="sum", beta=0.5
    ).item()
    p = y.sigmoid()
    weight = tg.tensor([1.0, 3.0])
    assert nn.BCELoss(weight)(x.sigmoid(), p).item() == F.binary_cross_entropy(x.sigmoid(), p, weight).item()
    assert nn.BCEWithLogitsLoss(pos_weight=weight)(x, p).item() == pytest.approx(
        F.binary_cross_entropy_with_logits(x, p, pos_weight=weight).item()
    )
    target = tg.tensor([0, 1, 1])
    assert nn.NLLLoss()(x.log_softmax(1), target).item() == pytest.approx(nn.CrossEntropyLoss()(x, target).item())


def test_losses_reject_non_value_arguments() -> None:
    with pytest.raises(TypeError, match=r"mse_loss\(\): argument 'target' \(position 2\) must be Tensor, not list"):
        F.mse_loss(tg.ones(2), [1.0, 1.0])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_loss_on_many_rows_sums_in_blocks_and_matches_torch(reduction: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3 * 65536 + 123, 1)).astype(np.float32)  # several blocks and a partial one
    y = rng.standard_normal((3 * 65536 + 123, 1)).astype(np.float32)
    results = []
    for lib in (tg, torch):
        input = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.mse_loss(input, lib.tensor(y), reduction=reduction)
        loss.backward()
        results.append((loss.item(), input.grad.numpy().copy()))
    exact = float(np.sum((x.astype(np.float64) - y) ** 2)) / (x.size if reduction == "mean" else 1)
    assert results[0][0] == pytest.approx(exact, rel=1e-5) and results[0][0] == pytest.approx(results[1][0], rel=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5, atol=1e-12)
