"""Layers: Linear (init, fused forward/backward, errors), containers, activations, Dropout, and parity with torch."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_lr as tg
from tinygrad_lr import nn
from tinygrad_lr.autograd import gradcheck, gradgradcheck
from tinygrad_lr.nn import functional as F


# ----- Linear --------------------------------------------------------------------------------------
def test_linear_shapes_dtype_and_repr() -> None:
    layer = nn.Linear(3, 2)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert layer.weight.dtype == np.float32 and layer.weight.requires_grad
    assert isinstance(layer.weight, nn.Parameter)
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=True)"
    assert nn.Linear(3, 2, dtype=tg.float64).weight.dtype == np.float64
    no_bias = nn.Linear(3, 2, bias=False)
    assert no_bias.bias is None
    assert [name for name, _ in no_bias.named_parameters()] == ["weight"]
    assert list(no_bias.state_dict()) == ["weight"]
    assert repr(no_bias) == "Linear(in_features=3, out_features=2, bias=False)"


def test_linear_follows_the_default_dtype() -> None:
    tg.set_default_dtype(tg.float64)
    try:
        assert nn.Linear(2, 2).weight.dtype == np.float64
    finally:
        tg.set_default_dtype(tg.float32)


def test_linear_init_is_reproducible_after_manual_seed_and_within_bound() -> None:
    tg.manual_seed(0)
    first = nn.Linear(100, 30)
    tg.manual_seed(0)
    second = nn.Linear(100, 30)
    np.testing.assert_array_equal(first.weight.detach().numpy(), second.weight.detach().numpy())
    np.testing.assert_array_equal(first.bias.detach().numpy(), second.bias.detach().numpy())
    bound = 1 / math.sqrt(100)
    weights = first.weight.detach().numpy()
    assert np.abs(weights).max() <= bound and np.abs(first.bias.detach().numpy()).max() <= bound
    assert np.abs(weights).max() > 0.9 * bound  # spread over the whole interval, not a narrower one
    assert abs(weights.mean()) < 0.01
    third = nn.Linear(100, 30)
    assert not np.array_equal(third.weight.detach().numpy(), weights)


def test_linear_draws_weight_first_then_bias_from_the_global_generator() -> None:
    tg.manual_seed(123)
    layer = nn.Linear(4, 3)
    rng = tg.Generator().manual_seed(123)
    bound = 1 / math.sqrt(4)
    weight = tg.empty(3, 4).uniform_(-bound, bound, generator=rng).numpy()
    bias = tg.empty(3).uniform_(-bound, bound, generator=rng).numpy()
    np.testing.assert_array_equal(layer.weight.detach().numpy(), weight)
    np.testing.assert_array_equal(layer.bias.detach().numpy(), bias)


def test_linear_with_zero_inputs_has_zero_bias_and_warns() -> None:
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        layer = nn.Linear(0, 3)
    np.testing.assert_array_equal(layer.bias.detach().numpy(), np.zeros(3))
    np.testing.assert_array_equal(layer(tg.zeros(2, 0)).detach().numpy(), np.zeros((2, 3)))


@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3), (0, 3)], ids=["batch", "vector", "batched3d", "empty"])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_and_backward_match_torch(shape: tuple[int, ...], bias: bool) -> None:
    torch = require_torch()
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape)
    ours = nn.Linear(3, 2, bias=bias, dtype=tg.float64)
    theirs = torch.nn.Linear(3, 2, bias=bias, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    x = tg.tensor(x_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), atol=1e-12)
    upstream = rng.standard_normal(tuple(ty.shape))
    y.backward(tg.tensor(upstream))
    ty.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-12)
    if bias:
        np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    lead=st.lists(st.integers(0, 3), min_size=0, max_size=3),
    in_features=st.integers(1, 5),
    out_features=st.integers(1, 4),
    bias=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_fused_linear_and_mse_match_torch_on_random_shapes(
    lead: list[int], in_features: int, out_features: int, bias: bool, seed: int
) -> None:
    torch = require_torch()
    rng = np.random.default_rng(seed)
    x_np = rng.standard_normal((*lead, in_features))
    w_np = rng.standard_normal((out_features, in_features))
    b_np = rng.standard_normal(out_features)
    target = rng.standard_normal((*lead, out_features))
    ours = [tg.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np)]
    out = F.linear(ours[0], ours[1], ours[2] if bias else None)
    expected = torch.nn.functional.linear(theirs[0], theirs[1], theirs[2] if bias else None)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
    loss = F.mse_loss(out, tg.tensor(target), reduction="sum")
    expected_loss = torch.nn.functional.mse_loss(expected, torch.tensor(target), reduction="sum")
    assert loss.item() == pytest.approx(expected_loss.item(), rel=1e-12, abs=1e-12)
    loss.backward()
    expected_loss.backward()
    for mine, reference in zip(ours if bias else ours[:2], theirs if bias else theirs[:2]):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), atol=1e-10)


def test_linear_is_one_fused_node_and_passes_gradcheck() -> None:
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = tg.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = tg.tensor(rng.standard_normal(2), requires_grad=True)
    out = F.linear(x, w, b)
    assert out.grad_fn.name() == "AddmmBackward0"
    assert len(out.grad_fn.next_functions) == 3
    assert gradcheck(F.linear, (x, w, b))
    assert gradcheck(F.linear, (tg.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True), w, b))
    assert gradcheck(F.linear, (tg.tensor(rng.standard_normal(3), requires_grad=True), w))
    assert gradgradcheck(lambda a, c, d: F.linear(a, c, d).tanh(), (x, w, b))


def test_linear_skips_the_input_gradient_when_not_needed() -> None:
    layer = nn.Linear(3, 1, dtype=tg.float64)
    x = tg.tensor(np.ones((4, 3)))
    layer(x).sum().backward()
    assert x.grad is None
    np.testing.assert_allclose(layer.weight.grad.numpy(), np.full((1, 3), 4.0))
    np.testing.assert_allclose(layer.bias.grad.numpy(), [4.0])


def _linear_error_cases(lib: Any, layer_cls: Any, f: Any) -> list[Any]:
    return [
        lambda: f.linear(lib.ones(4, 4), lib.ones(2, 3)),
        lambda: f.linear(lib.ones(2, 4, 4), lib.ones(2, 3)),
        lambda: f.linear(lib.ones(4), lib.ones(2, 3)),
        lambda: layer_cls(3, 2)(lib.ones(4, 3, dtype=lib.float64)),
        lambda: layer_cls(3, 2)(lib.ones(3, dtype=lib.float64)),
        lambda: layer_cls(3, 2, bias=False)(lib.ones(4, 3, dtype=lib.float64)),
        lambda: layer_cls(3, 2)(lib.tensor(1.0)),
        lambda: layer_cls(3, 2)(lib.ones(4, 3, dtype=lib.long)),
    ]


def test_linear_error_texts_match_torch(torch: Any) -> None:
    for index, (ours, theirs) in enumerate(
        zip(_linear_error_cases(tg, nn.Linear, F), _linear_error_cases(torch, torch.nn.Linear, torch.nn.functional))
    ):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type) as got:
            ours()
        assert str(got.value) == str(expected.value), f"case {index}"


@pytest.mark.parametrize("dtype", ["float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"])
def test_linear_dtype_clash_names_torchs_c_types(torch: Any, dtype: str) -> None:
    # without a bias torch's kernel names C++ types: "short int != float", "signed char != float", ...
    assert_same_error(
        lambda: torch.nn.functional.linear(torch.ones(2, 3, dtype=getattr(torch, dtype)), torch.ones(4, 3)),
        lambda: F.linear(tg.ones(2, 3, dtype=getattr(tg, dtype)), tg.ones(4, 3)),
    )


def test_linear_init_has_the_reference_bound_for_fan_in_100() -> None:
    # torch's arithmetic: sqrt(3) * sqrt(2 / (1 + 5)) / sqrt(100) = 0.09999999999999999
    tg.manual_seed(0)
    layer = nn.Linear(100, 1000, dtype=tg.float64)
    assert np.abs(layer.weight.detach().numpy()).max() <= 0.09999999999999999


# ----- Sequential and ModuleList -------------------------------------------------------------------
def test_sequential_indexing_slicing_len_and_iteration() -> None:
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3
    assert model[0] is layers[0] and model[-1] is layers[2] and model[-3] is layers[0]
    assert list(model) == layers
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert repr(model[1:]) == "Sequential(\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)"
    with pytest.raises(IndexError, match="^index 3 is out of range$"):
        model[3]
    with pytest.raises(IndexError, match="^index -4 is out of range$"):
        model[-4]
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_sequential_from_ordered_dict_append_and_delete() -> None:
    model = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert list(model.state_dict()) == ["fc.weight", "fc.bias"]
    assert model.fc is model[0]
    assert model.append(nn.Sigmoid()) is model
    assert [name for name, _ in model.named_children()] == ["fc", "act", "2"]
    del model[0]
    assert [name for name, _ in model.named_children()] == ["0", "1"]
    assert repr(model) == "Sequential(\n  (0): Tanh()\n  (1): Sigmoid()\n)"
    assert repr(nn.Sequential()) == "Sequential()"


def test_sequential_forward_chains_modules() -> None:
    model = nn.Sequential(nn.Linear(2, 3, dtype=tg.float64), nn.Tanh(), nn.Linear(3, 1, dtype=tg.float64))
    x = tg.tensor(np.array([[0.5, -1.0], [2.0, 0.1]]))
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(model(x).detach().numpy(), expected.detach().numpy())


def test_module_list_registers_its_modules() -> None:
    class Stack(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

    stack = Stack()
    assert len(stack.layers) == 3
    assert len(list(stack.parameters())) == 6
    assert list(stack.state_dict())[:2] == ["layers.0.weight", "layers.0.bias"]


# ----- activations ---------------------------------------------------------------------------------
def test_activations_match_the_reference_values() -> None:
    x = tg.tensor([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.ReLU()(x).numpy(), [0, 0, 3])
    np.testing.assert_allclose(nn.Tanh()(x).numpy(), [-0.9640, 0, 0.9951], atol=1e-4)
    np.testing.assert_allclose(nn.Sigmoid()(x).numpy(), [0.1192, 0.5, 0.9526], atol=1e-4)
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).numpy(), [-0.2, 0, 3], rtol=1e-6)
    np.testing.assert_array_equal(nn.Identity(54, unused="x")(x).numpy(), x.numpy())


def test_activation_reprs_match_torch(torch: Any) -> None:
    pairs = [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
        (nn.LeakyReLU(), torch.nn.LeakyReLU()),
        (nn.LeakyReLU(0.2, inplace=True), torch.nn.LeakyReLU(0.2, inplace=True)),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.Softmax(), torch.nn.Softmax()),
        (nn.LogSoftmax(dim=-1), torch.nn.LogSoftmax(dim=-1)),
        (nn.Dropout(), torch.nn.Dropout()),
        (nn.Dropout(0.2, inplace=True), torch.nn.Dropout(0.2, inplace=True)),
        (nn.Flatten(), torch.nn.Flatten()),
        (nn.Identity(), torch.nn.Identity()),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_activation_modules_forward_and_backward_match_torch(dtype: Any) -> None:
    torch = require_torch()
    rng = np.random.default_rng(2)
    x_np = (rng.standard_normal((3, 4)) * 3).astype(dtype)
    tol = 1e-12 if dtype == np.float64 else 1e-6
    pairs = [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.LeakyReLU(0.05), torch.nn.LeakyReLU(0.05)),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
        (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
        (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
        (nn.Flatten(0), torch.nn.Flatten(0)),
    ]
    upstream = rng.standard_normal((3, 4)).astype(dtype)
    for ours, theirs in pairs:
        x = tg.tensor(x_np, requires_grad=True)
        tx = torch.tensor(x_np, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=tol, atol=tol)
        y.backward(tg.tensor(upstream.reshape(y.shape)))
        ty.backward(torch.tensor(upstream.reshape(tuple(ty.shape))))
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol, err_msg=repr(ours))


def test_softmax_without_dim_warns_and_picks_torchs_dim() -> None:
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    with pytest.warns(UserWarning, match="^Implicit dimension choice for softmax has been deprecated"):
        out = nn.Softmax()(x)
    np.testing.assert_allclose(out.numpy().sum(axis=1), [1.0, 1.0], rtol=1e-6)
    with pytest.warns(UserWarning, match="log_softmax"):
        F.log_softmax(tg.tensor([1.0, 2.0]))


def test_softmax_warning_points_at_the_caller() -> None:
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    for call in (lambda: F.softmax(x), lambda: F.log_softmax(x), lambda: nn.Softmax()(x), lambda: nn.LogSoftmax()(x)):
        with pytest.warns(UserWarning, match="Implicit dimension choice") as record:
            call()
        assert record[0].filename == __file__


@pytest.mark.parametrize("inplace", [False, True])
def test_activations_reject_non_value_inputs(inplace: bool) -> None:
    for name in ("relu", "leaky_relu"):
        with pytest.raises(TypeError, match=rf"^{name}\(\): argument 'input' \(position 1\) must be Tensor, not list"):
            getattr(F, name)([1.0], inplace=inplace)
    for module in (nn.ReLU(inplace), nn.LeakyReLU(inplace=inplace), nn.Tanh(), nn.Sigmoid()):
        with pytest.raises(TypeError, match=r"argument 'input' \(position 1\) must be Tensor, not float"):
            module(1.0)


def test_flatten_keeps_the_batch_dimension() -> None:
    assert nn.Flatten()(tg.ones(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0, 1)(tg.ones(2, 3, 4)).shape == (6, 4)


def test_functional_inplace_writes_into_a_plain_input() -> None:
    x = tg.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True) is x
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0])
    leaf = tg.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        nn.ReLU(inplace=True)(leaf)
    out = nn.ReLU(inplace=True)(leaf * 1.0)  # inside a graph: same values and gradients as torch's in-place op
    out.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), [0.0, 1.0])


# ----- Dropout -------------------------------------------------------------------------------------
def test_dropout_zeroes_with_probability_p_and_scales_the_rest() -> None:
    tg.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = tg.ones(200, 500, requires_grad=True)
    out = layer(x)
    values = out.detach().numpy()
    assert set(np.unique(values)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((values == 0).mean() - 0.25) < 0.01
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)  # the gradient is the same mask


def test_dropout_is_reproducible_after_manual_seed() -> None:
    x = tg.ones(50)
    tg.manual_seed(7)
    first = nn.Dropout()(x).numpy()
    tg.manual_seed(7)
    second = nn.Dropout()(x).numpy()
    np.testing.assert_array_equal(first, second)


def test_dropout_is_identity_in_eval_mode_and_for_p_zero() -> None:
    x = tg.tensor([1.0, 2.0, 3.0])
    layer = nn.Dropout(0.9).eval()
    assert layer(x) is x
    assert nn.Dropout(0.0)(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    np.testing.assert_array_equal(nn.Dropout(1.0)(x).numpy(), [0.0, 0.0, 0.0])
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    model.eval()
    assert not model[1].training
    np.testing.assert_array_equal(model(x).detach().numpy(), model[0](x).detach().numpy())


def test_dropout_rejects_a_bad_probability(torch: Any) -> None:
    for p in (1.5, -0.1):
        with pytest.raises(ValueError) as expected:
            torch.nn.Dropout(p)
        with pytest.raises(ValueError) as got:
            nn.Dropout(p)
        assert str(got.value) == str(expected.value)
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            F.dropout(tg.ones(2), p)


# ----- a whole MLP and interop with torch ----------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_mlp_forward_and_backward_match_torch(dtype: Any) -> None:
    torch = require_torch()
    torch_dtype = torch.float64 if dtype == np.float64 else torch.float32
    tol = 1e-10 if dtype == np.float64 else 1e-5
    ours = nn.Sequential(nn.Linear(10, 64, dtype=dtype), nn.Tanh(), nn.Linear(64, 1, dtype=dtype))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(10, 64, dtype=torch_dtype), torch.nn.Tanh(), torch.nn.Linear(64, 1, dtype=torch_dtype)
    )
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 10)).astype(dtype)
    y = rng.standard_normal((64, 1)).astype(dtype)
    loss = nn.MSELoss()(ours(tg.tensor(x)), tg.tensor(y))
    expected = torch.nn.MSELoss()(theirs(torch.tensor(x)), torch.tensor(y))
    assert loss.item() == pytest.approx(expected.item(), rel=tol, abs=tol)
    loss.backward()
    expected.backward()
    theirs_params = dict(theirs.named_parameters())
    for name, param in ours.named_parameters():
        np.testing.assert_allclose(
            param.grad.numpy(), theirs_params[name].grad.numpy(), rtol=tol, atol=tol, err_msg=name
        )


def test_our_state_dict_loads_into_torch_and_predicts_the_same(torch: Any) -> None:
    tg.manual_seed(4)
    ours = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    result = theirs.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in ours.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    with tg.no_grad():
        mine = ours(tg.tensor(x)).numpy()
    np.testing.assert_allclose(mine, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-6, atol=1e-6)
    single = nn.Linear(3, 1)
    theirs_single = torch.nn.Linear(3, 1)
    theirs_single.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in single.state_dict().items()})
    np.testing.assert_allclose(
        single(tg.tensor(x)).detach().numpy(), theirs_single(torch.from_numpy(x)).detach().numpy(), rtol=1e-6
    )


def test_torch_state_dict_loads_into_ours(torch: Any) -> None:
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    ours = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    assert repr(ours.load_state_dict(theirs.state_dict())) == "<All keys matched successfully>"
    ours.load_state_dict({k: tg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(
        ours(tg.tensor(x)).detach().numpy(), theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-6, atol=1e-6
    )
    # the reference values of torch.manual_seed(0); Linear(3, 1) load as they are
    torch.manual_seed(0)
    reference = torch.nn.Linear(3, 1)
    layer = nn.Linear(3, 1)
    layer.load_state_dict(reference.state_dict())
    np.testing.assert_allclose(layer.weight.detach().numpy(), [[-0.004322517663, 0.30971583724, -0.47518533468]])
    np.testing.assert_allclose(layer.bias.detach().numpy(), [-0.42489460111])
