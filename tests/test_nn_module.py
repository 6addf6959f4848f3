"""nn.Module: registration, traversal order, modes, zero_grad, dtype casts, state_dict / load_state_dict, repr."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
from tinygrad_lr import nn


class Net(nn.Module):
    """The reference example: a Linear, then a Sequential body."""

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(2, 1)
        self.body = nn.Sequential(nn.Linear(2, 2), nn.ReLU())

    def forward(self, x: tg.Value) -> tg.Value:
        return self.lin(self.body(x))


def _torch_net(torch: Any) -> Any:
    class M(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(2, 1)
            self.body = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())

    return M()


# ----- Parameter -----------------------------------------------------------------------------------
def test_parameter_shares_memory_requires_grad_and_prints_like_torch() -> None:
    data = tg.tensor([1.0, 2.0])
    param = nn.Parameter(data)
    assert param.requires_grad and param.is_leaf and isinstance(param, tg.Value)
    param.data.numpy()[0] = 5.0
    assert data.numpy()[0] == 5.0
    assert repr(param) == "Parameter containing:\ntensor([5., 2.], requires_grad=True)"
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    assert type(param * 2) is tg.Value


def test_parameter_of_integers_cannot_require_grad() -> None:
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tg.tensor([1, 2]))


def test_parameter_survives_deepcopy_and_pickle() -> None:
    param = nn.Parameter(tg.tensor([1.0, 2.0]))
    for clone in (copy.deepcopy(param), pickle.loads(pickle.dumps(param))):
        assert isinstance(clone, nn.Parameter) and clone.requires_grad
        np.testing.assert_array_equal(clone.detach().numpy(), [1.0, 2.0])
        assert not np.shares_memory(clone.detach().numpy(), param.detach().numpy())


# ----- registration and traversal ------------------------------------------------------------------
def test_named_parameters_in_registration_order_and_parameters_is_a_generator() -> None:
    net = Net()
    assert [name for name, _ in net.named_parameters()] == [
        "lin.weight", "lin.bias", "body.0.weight", "body.0.bias",
    ]
    params = net.parameters()
    assert iter(params) is params
    expected = [net.lin.weight, net.lin.bias, net.body[0].weight, net.body[0].bias]
    got = list(params)
    assert len(got) == 4 and all(p is q for p, q in zip(got, expected))


def test_modules_children_and_named_modules_walk_pre_order(torch: Any) -> None:
    net = Net()
    names = [name for name, _ in net.named_modules()]
    assert names == [name for name, _ in _torch_net(torch).named_modules()]
    assert names == ["", "lin", "body", "body.0", "body.1"]
    assert list(net.modules())[0] is net
    assert list(net.children()) == [net.lin, net.body]
    assert [name for name, _ in net.named_children()] == ["lin", "body"]


def test_shared_modules_are_deduplicated_in_parameters_but_not_in_state_dict() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert len(list(model.parameters())) == 2
    assert [name for name, _ in model.named_modules()] == ["", "0", "1"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_buffers_go_into_state_dict_but_not_parameters() -> None:
    layer = nn.Linear(2, 2)
    layer.register_buffer("running", tg.zeros(2))
    layer.register_buffer("scratch", tg.ones(1), persistent=False)
    layer.register_buffer("empty", None)
    layer.plain = tg.ones(3)  # a plain Value attribute is neither
    assert [name for name, _ in layer.named_buffers()] == ["running", "scratch"]
    assert list(layer.state_dict()) == ["weight", "bias", "running"]
    assert len(list(layer.parameters())) == 2
    layer.running = tg.full((2,), 3.0)
    assert layer.state_dict()["running"].tolist() == [3.0, 3.0]


def test_assignment_replaces_and_moves_between_registries() -> None:
    layer = nn.Linear(2, 2)
    layer.weight = nn.Parameter(tg.zeros(2, 2))
    assert layer.weight.detach().numpy().sum() == 0
    assert layer._parameters["weight"] is layer.weight
    layer.bias = None
    assert layer.bias is None and list(layer.state_dict()) == ["weight"]
    layer.extra = nn.Tanh()
    assert list(layer.children()) == [layer.extra]
    del layer.extra
    assert list(layer.children()) == []
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'extra'"):
        _ = layer.extra


def _registration_errors(lib_nn: Any, lib: Any) -> list[Any]:
    def fresh() -> Any:
        m = lib_nn.Linear(2, 2)
        m.lin = lib_nn.Linear(1, 1)
        m.register_buffer("buf", lib.ones(1))
        return m

    return [
        lambda: setattr(fresh(), "weight", lib.ones(2, 2)),
        lambda: setattr(fresh(), "weight", 3),
        lambda: setattr(fresh(), "lin", 3),
        lambda: fresh().add_module("a.b", lib_nn.ReLU()),
        lambda: fresh().add_module("", lib_nn.ReLU()),
        lambda: fresh().add_module("q", 3),
        lambda: fresh().add_module("weight", lib_nn.ReLU()),
        lambda: fresh().register_buffer("weight", lib.ones(1)),
        lambda: fresh().register_buffer("a.b", lib.ones(1)),
        lambda: fresh().register_buffer("", lib.ones(1)),
        lambda: fresh().register_buffer(3, None),
        lambda: fresh().register_parameter(3, None),
        lambda: fresh().register_parameter("buf", lib_nn.Parameter(lib.ones(1))),
        lambda: fresh().register_parameter("w2", lib_nn.Parameter(lib.ones(1)) * 2),
        lambda: fresh().missing_attribute,
        lambda: fresh().train("yes"),
        lambda: lib_nn.Linear(2, 2).to(lib.long),
    ]


def test_registration_error_texts_match_torch(torch: Any) -> None:
    ours_cases = _registration_errors(nn, tg)
    theirs_cases = _registration_errors(torch.nn, torch)
    for index, (ours, theirs) in enumerate(zip(ours_cases, theirs_cases)):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type) as got:
            ours()
        normalized = str(expected.value).replace("torch.FloatTensor", "Value").replace("torch.int64", "int64")
        assert str(got.value) == normalized, f"case {index}"


def test_assigning_before_init_raises() -> None:
    class Early(nn.Module):
        def __init__(self) -> None:
            self.weight = nn.Parameter(tg.ones(1))

    class EarlyModule(nn.Module):
        def __init__(self) -> None:
            self.lin = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"^cannot assign parameters before Module.__init__\(\) call$"):
        Early()
    with pytest.raises(AttributeError, match=r"^cannot assign module before Module.__init__\(\) call$"):
        EarlyModule()


def test_register_parameter_none_and_get_parameter() -> None:
    module = nn.Module()
    module.register_parameter("scale", None)
    assert module.scale is None and list(module.parameters()) == []
    module.scale = nn.Parameter(tg.ones(1))
    net = Net()
    assert net.get_parameter("body.0.bias") is net.body[0].bias
    assert net.get_submodule("body.1") is net.body[1]


# ----- calling, modes, gradients -------------------------------------------------------------------
def test_call_runs_forward_and_missing_forward_raises_torchs_error() -> None:
    net = Net()
    x = tg.tensor([[1.0, 2.0]])
    np.testing.assert_array_equal(net(x).detach().numpy(), net.forward(x).detach().numpy())

    class NoFwd(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match=r'^Module \[NoFwd\] is missing the required "forward" function$'):
        NoFwd()(x)


def test_train_and_eval_are_recursive_and_return_self() -> None:
    net = Net()
    assert net.training and net.body[1].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    net.train(False)
    assert not net.body.training


def test_zero_grad_sets_to_none_or_zeros_in_place() -> None:
    net = Net()
    net(tg.tensor([[1.0, -1.0]])).sum().backward()
    grad = net.lin.weight.grad
    assert grad is not None
    net.zero_grad(set_to_none=False)
    assert net.lin.weight.grad is grad
    np.testing.assert_array_equal(grad.numpy(), np.zeros((1, 2)))
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_apply_visits_children_first_then_self() -> None:
    visited = []
    net = Net()
    assert net.apply(lambda m: visited.append(type(m).__name__)) is net
    assert visited == ["Linear", "Linear", "ReLU", "Sequential", "Net"]

    def init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)

    net.apply(init_weights)
    assert all(not m.weight.detach().numpy().any() for m in net.modules() if isinstance(m, nn.Linear))


def test_requires_grad_toggles_every_parameter() -> None:
    net = Net()
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


# ----- dtype ---------------------------------------------------------------------------------------
def test_double_float_and_to_cast_in_place_and_return_self() -> None:
    net = Net()
    weight = net.lin.weight
    net(tg.tensor([[1.0, 2.0]])).sum().backward()
    assert net.double() is net
    assert net.lin.weight is weight
    assert weight.dtype == np.float64 and weight.grad.dtype == np.float64
    assert net(tg.tensor(np.ones((1, 2)))).dtype == np.float64
    assert net.to(tg.float32) is net and weight.dtype == np.float32
    assert net.to("cpu", dtype=tg.float64) is net and weight.dtype == np.float64
    assert net.to(tg.ones(1)) is net and weight.dtype == np.float32
    assert net.float() is net


def test_to_rejects_non_floating_dtypes() -> None:
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex dtypes"):
        nn.Linear(2, 2).to(tg.int64)


# ----- state_dict ----------------------------------------------------------------------------------
def test_state_dict_keys_values_and_memory_sharing() -> None:
    net = Net()
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == ["lin.weight", "lin.bias", "body.0.weight", "body.0.bias"]
    assert not any(v.requires_grad for v in state.values())
    assert not any(isinstance(v, nn.Parameter) for v in state.values())
    assert np.shares_memory(state["lin.weight"].numpy(), net.lin.weight.detach().numpy())
    with tg.no_grad():
        net.lin.weight.fill_(7.0)
    assert state["lin.weight"].tolist() == [[7.0, 7.0]]
    assert net.state_dict(keep_vars=True)["lin.weight"] is net.lin.weight
    assert list(net.state_dict(prefix="model."))[0] == "model.lin.weight"


def test_load_state_dict_copies_in_place_with_dtype_cast() -> None:
    net = Net()
    weight = net.lin.weight
    source = {k: tg.tensor(np.full(v.shape, 0.25, dtype=np.float64)) for k, v in net.state_dict().items()}
    result = net.load_state_dict(source)
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert net.lin.weight is weight and weight.dtype == np.float32
    np.testing.assert_array_equal(weight.detach().numpy(), [[0.25, 0.25]])
    source["lin.weight"].numpy()[0, 0] = 1.0
    assert weight.detach().numpy()[0, 0] == 0.25  # copied, not shared


def test_load_state_dict_roundtrip_reproduces_predictions() -> None:
    tg.manual_seed(1)
    first = Net()
    second = Net()
    x = tg.tensor([[0.3, -0.7]])
    assert first(x).item() != second(x).item()
    second.load_state_dict(first.state_dict())
    assert first(x).item() == second(x).item()


def _load_errors(lib_nn: Any, lib: Any) -> list[Any]:
    return [
        lambda: lib_nn.Sequential(lib_nn.Linear(3, 2)).load_state_dict({}),
        lambda: lib_nn.Linear(3, 2).load_state_dict({"weight": lib.ones(2, 3), "bias": lib.ones(2), "x": lib.ones(1),
                                                     "y": lib.ones(1)}),
        lambda: lib_nn.Linear(3, 1).load_state_dict({"weight": lib.ones(2, 3), "bias": lib.ones(1)}),
        lambda: lib_nn.Linear(3, 1).load_state_dict({"weight": lib.ones(2, 3), "bias": lib.ones(1)}, strict=False),
        lambda: lib_nn.Sequential(lib_nn.Linear(3, 2)).load_state_dict(
            {"0.weight": lib.ones(3, 3), "0.bias": lib.ones(3), "x": lib.ones(1)}
        ),
        lambda: lib_nn.Sequential(lib_nn.Linear(3, 2), lib_nn.Linear(2, 2)).load_state_dict(
            {"1.weight": lib.ones(2, 2), "0.extra": lib.ones(1), "x": lib.ones(1), "0.weight": lib.ones(1, 1)}
        ),
        lambda: lib_nn.Sequential(lib_nn.Linear(3, 2)).load_state_dict(
            {"0": lib.ones(1), "0.weight.x": lib.ones(1), "0.weight": lib.ones(2, 3), "0.bias": lib.ones(2)}
        ),
        lambda: lib_nn.Linear(3, 2).load_state_dict({"weight": lib.ones(2, 3), "bias": [1.0, 2.0]}),
        lambda: lib_nn.Linear(3, 2).load_state_dict([1]),
    ]


def test_load_state_dict_error_texts_match_torch(torch: Any) -> None:
    for index, (ours, theirs) in enumerate(zip(_load_errors(nn, tg), _load_errors(torch.nn, torch))):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type) as got:
            ours()
        assert str(got.value) == str(expected.value), f"case {index}"


def test_load_state_dict_reference_texts() -> None:
    with pytest.raises(RuntimeError) as missing:
        nn.Sequential(nn.Linear(3, 2)).load_state_dict({})
    assert str(missing.value) == (
        'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.weight", "0.bias". '
    )
    with pytest.raises(RuntimeError) as size:
        nn.Linear(3, 1).load_state_dict({"weight": tg.ones(2, 3), "bias": tg.ones(1)})
    assert str(size.value) == (
        "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape "
        "torch.Size([2, 3]) from checkpoint, the shape in current model is torch.Size([1, 3])."
    )


def test_load_state_dict_not_strict_reports_keys(torch: Any) -> None:
    ours = nn.Linear(3, 2).load_state_dict({"weight": tg.ones(2, 3), "extra": tg.ones(1)}, strict=False)
    theirs = torch.nn.Linear(3, 2).load_state_dict({"weight": torch.ones(2, 3), "extra": torch.ones(1)}, strict=False)
    assert repr(ours) == repr(theirs) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['extra'])"
    assert ours.missing_keys == ["bias"] and ours.unexpected_keys == ["extra"]


def test_load_state_dict_accepts_numpy_arrays() -> None:
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": np.array([[1.0, 2.0]]), "bias": np.array([0.5])})
    assert layer(tg.tensor([1.0, 1.0])).item() == 3.5


# ----- repr ----------------------------------------------------------------------------------------
def test_repr_nests_like_the_reference(torch: Any) -> None:
    expected = (
        "M(\n"
        "  (lin): Linear(in_features=2, out_features=1, bias=True)\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "    (1): ReLU()\n"
        "  )\n"
        ")"
    )
    assert repr(_torch_net(torch)) == expected
    assert repr(Net()) == expected.replace("M(", "Net(", 1)


def test_repr_of_empty_and_custom_extra_repr() -> None:
    class Empty(nn.Module):
        pass

    class Scaled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.Tanh()

        def extra_repr(self) -> str:
            return "scale=2"

    assert repr(Empty()) == "Empty()"
    assert repr(Scaled()) == "Scaled(\n  scale=2\n  (inner): Tanh()\n)"


def test_deepcopy_of_a_module_is_independent() -> None:
    net = Net()
    clone = copy.deepcopy(net)
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in net.named_parameters()]
    assert clone.lin.weight is clone.lin._parameters["weight"]
    assert clone.lin.weight is not net.lin.weight
    with tg.no_grad():
        clone.lin.weight.fill_(0.0)
    assert net.lin.weight.detach().numpy().any()
