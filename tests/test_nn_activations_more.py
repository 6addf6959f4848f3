"""The activations added for issue 12 against torch: forward and backward on several shapes (float64 to 1e-10,
float32 to 1e-5) with the kinks themselves among the inputs, grad_fn names, in-place forms, module reprs and
error texts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg
from tinygrad_lr.nn import functional as F

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}
KINKS = np.array([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 0.1, -0.1, 25.0, -25.0])

# (functional name, options): each checked forward, backward and for its grad_fn name
FUNCTIONS: list[tuple[str, dict[str, Any]]] = [
    ("hardtanh", {}),
    ("hardtanh", {"min_val": -0.5, "max_val": 3.0}),
    ("relu6", {}),
    ("elu", {}),
    ("elu", {"alpha": 0.5}),
    ("selu", {}),
    ("celu", {}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("mish", {}),
    ("logsigmoid", {}),
    ("softsign", {}),
    ("softmin", {"dim": -1}),
    ("hardsigmoid", {}),
    ("hardswish", {}),
    ("hardshrink", {}),
    ("hardshrink", {"lambd": 1.0}),
    ("softshrink", {}),
    ("softshrink", {"lambd": 1.0}),
    ("tanhshrink", {}),
    ("threshold", {"threshold": 0.5, "value": -2.0}),
    ("glu", {}),
    ("glu", {"dim": 0}),
    ("rrelu", {}),
    ("softplus", {"beta": 2.0, "threshold": 3.0}),
]
SHAPES = [(2, 13), (13, 2, 2), (26,)]


def inputs(shape: tuple[int, ...], dtype: type, seed: int = 0) -> np.ndarray:
    """The kinks of every activation, and random values, in `shape` (whose size is a multiple of 13)."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    values = np.concatenate([KINKS, rng.normal(scale=3.0, size=size - KINKS.size)])
    return values.reshape(shape).astype(dtype)


def run(lib: Any, name: str, options: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    a = lib.tensor(x, requires_grad=True)
    y = getattr(lib.nn.functional, name)(a, **options)
    weights = lib.tensor(np.linspace(-1.0, 2.0, int(np.prod(y.shape))).reshape(tuple(y.shape)).astype(x.dtype))
    (y * weights).sum().backward()
    return y.detach().numpy(), a.grad.numpy(), y.grad_fn.name()


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "options"), FUNCTIONS, ids=[f"{n}{o or ''}" for n, o in FUNCTIONS])
def test_forward_backward_and_grad_fn_match_torch(name: str, options: dict, dtype: type, shape: tuple,
                                                  torch: Any) -> None:
    if name == "glu" and shape[options.get("dim", -1)] % 2:
        shape = (*shape[:-1], shape[-1] * 2) if options.get("dim", -1) == -1 else (shape[0] * 2, *shape[1:])
    x = inputs(shape, dtype)
    ours, theirs = run(tg, name, options, x), run(torch, name, options, x)
    atol = TOLERANCE[dtype]
    assert ours[0].dtype == dtype and ours[1].dtype == dtype
    np.testing.assert_allclose(ours[0], theirs[0], rtol=atol, atol=atol, err_msg="forward")
    np.testing.assert_allclose(ours[1], theirs[1], rtol=atol, atol=atol, err_msg="backward")
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("name", ["elu", "selu", "celu", "gelu", "silu", "mish", "logsigmoid", "hardswish", "glu"])
def test_second_derivative_matches_torch(name: str, torch: Any) -> None:
    """create_graph=True: the backward rules are differentiable too."""
    x = inputs((2, 26), np.float64, seed=1)
    x[np.abs(x) < 1e-3] += 0.25  # (no second derivative at the kinks)

    def second(lib: Any) -> np.ndarray:
        a = lib.tensor(x, requires_grad=True)
        y = getattr(lib.nn.functional, name)(a)
        (g,) = lib.autograd.grad(y.sum(), a, create_graph=True)
        (g * g).sum().backward()
        return a.grad.numpy()

    np.testing.assert_allclose(second(tg), second(torch), rtol=1e-10, atol=1e-10)


def test_prelu_with_one_and_with_per_channel_slopes_matches_torch(torch: Any) -> None:
    for shape, slopes in [((4, 3), [0.25]), ((4, 3), [0.1, -0.2, 2.0]), ((2, 3, 5), [0.1, 0.3, 0.5]), ((5,), [0.3]),
                          ((2, 3, 2, 2), [0.5, 1.5, -1.0]), ((), [0.2])]:
        x = inputs((39,), np.float64)[: int(np.prod(shape))].reshape(shape) if shape else np.array(-1.5)

        def run_prelu(lib: Any, x: np.ndarray = x, slopes: list = slopes) -> list[np.ndarray]:
            a = lib.tensor(x, requires_grad=True)
            w = lib.tensor(slopes, dtype=lib.float64, requires_grad=True)
            y = lib.nn.functional.prelu(a, w)
            (y * (y + 1)).sum().backward()
            assert y.grad_fn.name() == "PreluKernelBackward0"
            return [y.detach().numpy(), a.grad.numpy(), w.grad.numpy()]

        for ours, theirs in zip(run_prelu(tg), run_prelu(torch)):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_rrelu_in_training_uses_slopes_between_lower_and_upper_and_they_are_its_gradient() -> None:
    tg.manual_seed(0)
    x = tg.tensor(inputs((2, 13), np.float64), requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    data, grad = x.detach().numpy(), x.grad.numpy()
    negative = data <= 0
    np.testing.assert_array_equal(y.detach().numpy()[~negative], data[~negative])
    slopes = grad[negative]
    assert np.all((slopes >= 0.1) & (slopes <= 0.3)) and len(set(slopes.tolist())) > 3
    nonzero = negative & (data != 0)
    np.testing.assert_allclose(y.detach().numpy()[nonzero], data[nonzero] * grad[nonzero], rtol=1e-15)


@pytest.mark.parametrize(
    "name", ["hardtanh", "relu6", "elu", "selu", "celu", "silu", "mish", "hardsigmoid", "hardswish", "threshold",
             "rrelu"],
)
def test_inplace_forms_match_torch(name: str, torch: Any) -> None:
    options = {"threshold": 0.5, "value": -2.0} if name == "threshold" else {}

    def run_inplace(lib: Any) -> tuple[np.ndarray, np.ndarray, bool]:
        leaf = lib.tensor(inputs((2, 13), np.float64), requires_grad=True)
        a = leaf * 1.0
        y = getattr(lib.nn.functional, name)(a, inplace=True, **options)
        y.sum().backward()
        return y.detach().numpy(), leaf.grad.numpy(), y is a

    ours, theirs = run_inplace(tg), run_inplace(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)
    assert ours[2] == theirs[2]


def test_softmin_without_dim_warns_at_the_callers_line_like_softmax() -> None:
    x = tg.ones(2, 3)
    for call in (lambda: F.softmin(x), lambda: tg.nn.Softmin()(x)):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as caught:
            call()
        assert caught[0].filename == __file__


@pytest.mark.parametrize(
    ("name", "args"),
    [("relu_", ()), ("elu_", (0.5,)), ("selu_", ()), ("celu_", (2.0,)), ("hardtanh_", (-0.5, 0.5)),
     ("leaky_relu_", (0.2,)), ("rrelu_", (0.1, 0.2)), ("threshold_", (0.5, -3.0))],
)
def test_underscore_forms_work_in_place_like_torch(name: str, args: tuple, torch: Any) -> None:
    results = []
    for lib in (tg, torch):
        a = lib.tensor([-1.0, 0.25, 2.0], dtype=lib.float64)
        assert getattr(lib.nn.functional, name)(a, *args) is a
        results.append(a.tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


MODULES = [
    ("ReLU6", (), {}), ("ReLU6", (True,), {}), ("PReLU", (), {}), ("PReLU", (4, 0.1), {}), ("RReLU", (), {}),
    ("RReLU", (0.1, 0.3, True), {}), ("ELU", (), {}), ("ELU", (0.5, True), {}), ("SELU", (), {}),
    ("SELU", (True,), {}), ("CELU", (), {}), ("CELU", (2.0, True), {}), ("GELU", (), {}), ("GELU", ("tanh",), {}),
    ("SiLU", (), {}), ("SiLU", (True,), {}), ("Mish", (), {}), ("LogSigmoid", (), {}), ("Softplus", (), {}),
    ("Softplus", (2, 10), {}), ("Softsign", (), {}), ("Softmin", (), {}), ("Softmin", (1,), {}),
    ("Hardtanh", (), {}), ("Hardtanh", (-2, 3, True), {}), ("Hardsigmoid", (True,), {}), ("Hardswish", (), {}),
    ("Hardshrink", (), {}), ("Hardshrink", (0.3,), {}), ("Softshrink", (1,), {}), ("Tanhshrink", (), {}),
    ("Threshold", (0.1, 20), {}), ("Threshold", (0.1, 20, True), {}), ("GLU", (), {}), ("GLU", (1,), {}),
]


@pytest.mark.filterwarnings("ignore:Implicit dimension choice")
@pytest.mark.parametrize(("name", "args", "kwargs"), MODULES, ids=[f"{n}{a}" for n, a, _ in MODULES])
def test_module_repr_and_output_match_torch(name: str, args: tuple, kwargs: dict, torch: Any) -> None:
    ours, theirs = getattr(tg.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = inputs((2, 4, 26), np.float64)
    ours.double().eval()
    theirs.double().eval()
    inplace = getattr(ours, "inplace", False)
    a, b = tg.tensor(x), torch.tensor(x)
    out_ours, out_theirs = ours(a), theirs(b)
    np.testing.assert_allclose(out_ours.detach().numpy(), out_theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    if inplace:  # the input itself now holds the output
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def test_prelu_parameter_is_learned_like_torch(torch: Any) -> None:
    def train(lib: Any) -> np.ndarray:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4).double(), lib.nn.PReLU(4).double())
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3)))
            model[0].bias.fill_(-0.1)
        opt = lib.optim.SGD(model.parameters(), lr=0.5)
        x = lib.tensor(np.linspace(-2, 2, 15).reshape(5, 3))
        for _ in range(5):
            opt.zero_grad()
            (model(x) ** 2).mean().backward()
            opt.step()
        return model[1].weight.detach().numpy()

    np.testing.assert_allclose(train(tg), train(torch), rtol=1e-12)


ERRORS = [
    lambda lib: lib.nn.functional.gelu(lib.ones(2), approximate="x"),
    lambda lib: lib.nn.functional.softshrink(lib.ones(2), -1.0),
    lambda lib: lib.nn.functional.softshrink(lib.ones(2, dtype=lib.float64), -1.0),
    lambda lib: lib.nn.functional.hardtanh(lib.ones(2), 2.0, 1.0),
    lambda lib: lib.nn.functional.glu(lib.tensor(1.0)),
    lambda lib: lib.nn.functional.glu(lib.ones(2, 3)),
    lambda lib: lib.nn.functional.glu(lib.ones(2, 4), dim=2),
    lambda lib: lib.nn.functional.prelu(lib.ones(2, 3), lib.ones(2)),
    lambda lib: lib.nn.functional.prelu(lib.ones(2, 3), lib.ones(3, 1)),
    lambda lib: lib.nn.functional.prelu(lib.ones(2, 3, dtype=lib.float64), lib.ones(3)),
    lambda lib: lib.nn.functional.rrelu(lib.ones(2), 0.5, 0.1),
    lambda lib: lib.nn.functional.elu(lib.ones(2, dtype=lib.long)),
    lambda lib: lib.nn.functional.gelu(lib.ones(2, dtype=lib.long)),
    lambda lib: lib.nn.functional.celu(lib.ones(2), 0.0),
    lambda lib: lib.nn.Hardtanh(2, 1),
    *[
        lambda lib, name=name: getattr(lib.nn.functional, name)("a")
        for name in ["silu", "mish", "logsigmoid", "hardswish", "hardsigmoid", "hardtanh", "relu6", "elu", "selu",
                     "celu", "gelu", "softshrink", "hardshrink", "rrelu"]
    ],
    lambda lib: lib.nn.functional.threshold("a", 1.0, 2.0),
    lambda lib: lib.nn.functional.prelu("a", lib.ones(1)),
    lambda lib: lib.nn.functional.elu(lib.ones(2, requires_grad=True), inplace=True),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Any, torch: Any) -> None:
    assert_same_error(lambda: call(torch), lambda: call(tg))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rrelu_and_alpha_dropout_in_training_draw_torchs_numbers_after_the_same_seed(torch: Any, dtype: str) -> None:
    theirs_dtype, ours_dtype = getattr(torch, dtype), getattr(tg, dtype)
    tolerance = 1e-6 if dtype == "float32" else 0.0  # float32: the product rounds once more in torch's kernel
    torch.manual_seed(3)
    x = torch.randn(40, 3, dtype=theirs_dtype)
    theirs = [torch.nn.functional.rrelu(x, training=True), torch.nn.functional.alpha_dropout(x, 0.3, training=True)]
    tg.manual_seed(3)
    a = tg.randn(40, 3, dtype=ours_dtype)
    ours = [F.rrelu(a, training=True), F.alpha_dropout(a, 0.3, training=True)]
    for got, expected in zip(ours, theirs):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=tolerance, atol=tolerance)
