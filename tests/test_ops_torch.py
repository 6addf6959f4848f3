"""Every op of tests/op_cases.py against torch: forward values, backward gradients and result dtypes.

float64 must agree to 1e-10 and float32 to 1e-5 (relative where values are large). Then the traps a table of
random inputs does not reach: torch's dtype promotion, softmax at +-1000, repeated indices, ties and kinks,
comparisons. And the free functions (`tinygrad_lr.add`, `.pow`, ...), `split`/`chunk`, and the grad_fn names.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import MAX_EXAMPLES, OP_CASES, OpCase, Sample, rng_from

import tinygrad_lr as tg

torch = require_torch()

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


def _torch_dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _as_list(result: Any) -> list[Any]:
    return list(result) if isinstance(result, tuple) else [result]


def assert_same(ours: tg.Value | None, theirs: Any, tol: float, what: str) -> None:
    """Same presence, shape, dtype and values (|ours - theirs| <= tol + tol |theirs|)."""
    if theirs is None:
        assert ours is None, f"{what}: torch has None, we have {ours}"
        return
    assert ours is not None, f"{what}: torch has {theirs}, we have None"
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
    assert str(ours.dtype) == str(theirs.dtype), f"{what}: dtype {ours.dtype} vs {theirs.dtype}"
    expected = theirs.detach().numpy(force=True)  # force: torch may hand back a lazy ZeroTensor
    if expected.dtype.kind == "f":
        np.testing.assert_allclose(ours.detach().numpy(), expected, rtol=tol, atol=tol, err_msg=what)
    else:
        np.testing.assert_array_equal(ours.detach().numpy(), expected, err_msg=what)


def compare_with_torch(case: OpCase, sample: Sample, dtype: Any, rng: np.random.Generator) -> None:
    """Run the op forward and backward (with a random output gradient) in both engines and compare."""
    tol = TOLERANCE[dtype]
    ours_in = [tg.tensor(a.astype(dtype), requires_grad=True) for a in sample.arrays]
    theirs_in = [torch.tensor(a.astype(dtype), requires_grad=True) for a in sample.arrays]
    ours_out = _as_list(case.ours(*ours_in, **sample.params))
    theirs_out = _as_list(case.theirs(torch, *theirs_in, **sample.params))
    assert len(ours_out) == len(theirs_out)
    for k, (o, t) in enumerate(zip(ours_out, theirs_out)):
        assert_same(o, t, tol, f"{case.name} {dtype.__name__} output {k}")
        assert o.requires_grad == t.requires_grad, f"{case.name}: output {k} requires_grad"

    differentiable = [k for k, t in enumerate(theirs_out) if t.requires_grad]
    seeds = [rng.standard_normal(tuple(theirs_out[k].shape)).astype(_torch_dtype_name(theirs_out[k].dtype))
             for k in differentiable]
    tg.autograd.backward([ours_out[k] for k in differentiable], [tg.tensor(s) for s in seeds])
    torch.autograd.backward([theirs_out[k] for k in differentiable], [torch.from_numpy(s) for s in seeds])
    for i, (x, tx) in enumerate(zip(ours_in, theirs_in)):
        assert_same(x.grad, tx.grad, tol, f"{case.name} {dtype.__name__} gradient of input {i}")


@pytest.mark.parametrize("case", OP_CASES, ids=str)
@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(data=st.data())
def test_op_forward_and_backward_match_torch(case: OpCase, data: Any) -> None:
    sample = case.draw(data)
    rng = rng_from(data)
    for dtype in (np.float64, np.float32):
        compare_with_torch(case, sample, dtype, rng)


def compare_second_order_with_torch(case: OpCase, sample: Sample, dtype: Any, rng: np.random.Generator) -> None:
    """Differentiate the gradient (create_graph=True) again: a Hessian-vector product, in both engines."""
    tol = TOLERANCE[dtype] * 10
    ours_in = [tg.tensor(a.astype(dtype), requires_grad=True) for a in sample.arrays]
    theirs_in = [torch.tensor(a.astype(dtype), requires_grad=True) for a in sample.arrays]
    ours_out = [o for o in _as_list(case.ours(*ours_in, **sample.params)) if o.requires_grad]
    theirs_out = [t for t in _as_list(case.theirs(torch, *theirs_in, **sample.params)) if t.requires_grad]
    seeds = [rng.standard_normal(tuple(t.shape)).astype(_torch_dtype_name(t.dtype)) for t in theirs_out]
    ours_grads = tg.autograd.grad(ours_out, ours_in, [tg.tensor(s) for s in seeds], create_graph=True)
    theirs_grads = torch.autograd.grad(theirs_out, theirs_in, [torch.from_numpy(s) for s in seeds], create_graph=True)
    ours_total = theirs_total = 0
    for g, tgrad in zip(ours_grads, theirs_grads):
        assert_same(g, tgrad, tol, f"{case.name} {dtype.__name__} first derivative")
        direction = rng.standard_normal(tuple(tgrad.shape)).astype(_torch_dtype_name(tgrad.dtype))
        ours_total = ours_total + (g * tg.tensor(direction)).sum()
        theirs_total = theirs_total + (tgrad * torch.from_numpy(direction)).sum()
    # A gradient that does not depend on the inputs (a linear op, or relu's mask) may or may not be recorded:
    # then a missing second derivative counts as zeros, exactly: where torch records none, ours must be 0 to the
    # last bit (a rule that rounds to "almost 0", as out / a for a one-element prod did, is a different rule).
    if ours_total.requires_grad:
        ours_total.backward()
    if theirs_total.requires_grad:
        theirs_total.backward()
    for i, (x, tx) in enumerate(zip(ours_in, theirs_in)):
        what = f"{case.name} {dtype.__name__} second derivative for input {i}"
        if x.grad is not None and tx.grad is not None:
            assert_same(x.grad, tx.grad, tol, what)
        elif x.grad is not None or tx.grad is not None:
            present = x.grad.numpy() if x.grad is not None else tx.grad.numpy(force=True)
            np.testing.assert_array_equal(present, 0, err_msg=what)


class _CubeFlatBackward(tg.autograd.Function):
    """x^3 whose first derivative is right but computed from x's array: no second derivative (torch's is 6x)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        return g * 3 * (x._data if isinstance(x, tg.Value) else x) ** 2


class _DoubleWithCurvature(tg.autograd.Function):
    """2x whose first derivative is right (2) but, under create_graph, has slope `bend` in x (torch's: none)."""

    bend = 1.0

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return 2 * x

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (x,) = ctx.saved_tensors
        if not isinstance(x, tg.Value):
            return g * 2
        return g * (2 + _DoubleWithCurvature.bend * (x - tg.tensor(x._data)))  # value 2, derivative `bend`


def _one_input_case(name: str, ours: Any, theirs: Any) -> tuple[OpCase, Sample]:
    sample = Sample((np.array([0.7, -1.3, 2.1]),))
    return OpCase(name, lambda data: sample, ours, theirs), sample


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_second_order_comparison_fails_when_ours_lacks_torchs_second_derivative(dtype: Any) -> None:
    case, sample = _one_input_case("flat cube", _CubeFlatBackward.apply, lambda t, x: x**3)
    with pytest.raises(AssertionError, match="flat cube .* second derivative for input 0"):
        compare_second_order_with_torch(case, sample, dtype, np.random.default_rng(0))


@pytest.mark.parametrize("bend", [1.0, 1e-3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_second_order_comparison_fails_for_a_second_derivative_where_torch_has_none(
    dtype: Any, bend: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch records no second derivative for 2x; ours recording a small non-zero one must fail (even 1e-3 in
    float32, far below the first-order tolerance's reach of values ~1)."""
    monkeypatch.setattr(_DoubleWithCurvature, "bend", bend)
    case, sample = _one_input_case("curved double", _DoubleWithCurvature.apply, lambda t, x: 2 * x)
    with pytest.raises(AssertionError, match="curved double .* second derivative for input 0"):
        compare_second_order_with_torch(case, sample, dtype, np.random.default_rng(0))


def test_second_order_comparison_passes_a_right_second_derivative() -> None:
    case, sample = _one_input_case("cube", lambda x: x**3, lambda t, x: x**3)
    for dtype in (np.float64, np.float32):
        compare_second_order_with_torch(case, sample, dtype, np.random.default_rng(0))


SECOND_ORDER_CASES = [case for case in OP_CASES if case.second_order and case.torch_second_order]


@pytest.mark.slow  # every op's second derivative: ~2-4 s in all
@pytest.mark.parametrize("case", SECOND_ORDER_CASES, ids=str)
@settings(max_examples=max(MAX_EXAMPLES // 2, 5), deadline=None)
@given(data=st.data())
def test_op_second_derivative_matches_torch(case: OpCase, data: Any) -> None:
    sample = case.draw(data)
    rng = rng_from(data)
    for dtype in (np.float64, np.float32):
        compare_second_order_with_torch(case, sample, dtype, rng)


FREE_FUNCTIONS = {
    "abs": (), "exp": (), "log": (), "log1p": (), "sqrt": (), "sin": (), "cos": (), "tanh": (), "sigmoid": (),
    "relu": (), "softmax": (1,), "log_softmax": (0,), "sum": (1,), "mean": (0,), "var": (1,), "std": (), "amax": (1,),
    "amin": (0,), "max": (), "min": (), "flatten": (), "squeeze": (), "unsqueeze": (1,), "transpose": (0, 1),
    "permute": ((1, 0),), "reshape": ((3, 2),), "clamp": (0.8, 1.5),
}  # fmt: skip


@pytest.mark.parametrize("name", list(FREE_FUNCTIONS))
def test_free_functions_match_torch(name: str) -> None:
    data = np.array([[0.5, 1.0, 2.0], [1.5, 0.7, 1.2]])
    args = FREE_FUNCTIONS[name]
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out = getattr(tg, name)(x, *args)
    expected = getattr(torch, name)(tx, *args)
    assert_same(out, expected, 1e-12, name)
    out.backward(tg.ones_like(out))
    expected.backward(torch.ones_like(expected))
    assert_same(x.grad, tx.grad, 1e-12, f"{name} gradient")


BINARY_FREE_FUNCTIONS = {
    "add_alpha": lambda m, a, b: m.add(a, b, alpha=2.5),
    "sub_alpha": lambda m, a, b: m.sub(a, b, alpha=-0.5),
    "mul": lambda m, a, b: m.mul(a, b),
    "div": lambda m, a, b: m.div(a, b),
    "pow_tensor": lambda m, a, b: m.pow(a, b),
    "pow_scalar_base": lambda m, a, b: m.pow(2.0, b),
    "pow_scalar_exponent": lambda m, a, b: m.pow(a, 3),
    "neg": lambda m, a, b: m.neg(a) * b,
    "square": lambda m, a, b: m.square(a) + b,
}


@pytest.mark.parametrize("name", sorted(BINARY_FREE_FUNCTIONS))
def test_binary_free_functions_match_torch(name: str) -> None:
    rng = np.random.default_rng(3)
    a_np = rng.uniform(0.5, 2.0, (3, 1))
    b_np = rng.uniform(0.5, 2.0, (1, 4))
    a, b = tg.tensor(a_np, requires_grad=True), tg.tensor(b_np, requires_grad=True)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    out, expected = BINARY_FREE_FUNCTIONS[name](tg, a, b), BINARY_FREE_FUNCTIONS[name](torch, ta, tb)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    for ours, theirs in ((a, ta), (b, tb)):
        if theirs.grad is None:
            assert ours.grad is None
        else:
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["leaky_relu", "softplus"])
def test_functional_activations_match_torch(name: str) -> None:
    data = np.array([-2.0, -0.5, 0.5, 30.0])
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out, expected = getattr(tg, name)(x), getattr(torch.nn.functional, name)(tx)
    assert_same(out, expected, 1e-12, name)
    out.sum().backward()
    expected.sum().backward()
    assert_same(x.grad, tx.grad, 1e-12, f"{name} gradient")


def test_functional_softplus_takes_torchs_beta_and_threshold() -> None:
    data = np.array([-2.0, -0.5, 0.5, 3.0])
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out = tg.nn.functional.softplus(x, beta=2.0, threshold=2.0)
    expected = torch.nn.functional.softplus(tx, beta=2.0, threshold=2.0)
    assert_same(out, expected, 1e-12, "softplus")
    out.sum().backward()
    expected.sum().backward()
    assert_same(x.grad, tx.grad, 1e-12, "softplus gradient")


# ----- dtype promotion -----------------------------------------------------------------------
def _operand(engine: Any, spec: Any) -> Any:
    """A Python scalar stays as it is; (dtype, shape) becomes a tensor of small positive values."""
    if not isinstance(spec, tuple):
        return spec
    dtype, shape = spec
    data = np.arange(1, 1 + int(np.prod(shape))).reshape(shape).astype(dtype) * (0.5 if dtype[0] == "f" else 1)
    requires_grad = dtype.startswith("float")
    if engine is tg:
        return tg.tensor(data, requires_grad=requires_grad)
    return torch.tensor(data, requires_grad=requires_grad)


PROMOTION_PAIRS = [
    (("float32", (3,)), 2.5),  # a Python float keeps float32
    (("float32", (3,)), 2),
    (("float32", (3,)), np.float64(2.5)),  # a NumPy scalar counts as a Python scalar
    (("int64", (3,)), 2.5),  # int tensor and float scalar: the default float dtype
    (("int64", (3,)), 2),
    (("bool", (3,)), 2.5),
    (("float32", (3,)), ("float64", (3,))),  # dimensioned tensors promote
    (("float32", (3,)), ("float64", ())),  # a 0-d tensor of the same category does not widen
    (("float64", (3,)), ("float32", ())),
    (("float32", ()), ("float64", ())),
    (("int64", (3,)), ("float64", ())),  # a 0-d tensor of a higher category decides
    (("int64", (3,)), ("float32", (3,))),
    (("float32", (2, 1)), ("float64", (3,))),
]

BINARY_OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}


def _promotion_ids(pair: Any) -> str:
    return " op ".join(f"{s[0]}{list(s[1])}" if isinstance(s, tuple) else type(s).__name__ for s in pair)


@pytest.mark.parametrize("op", list(BINARY_OPS), ids=str)
@pytest.mark.parametrize("pair", PROMOTION_PAIRS, ids=_promotion_ids)
@pytest.mark.parametrize("reflected", [False, True], ids=["tensor_first", "tensor_second"])
def test_result_dtype_follows_torch_promotion(op: str, pair: Any, reflected: bool) -> None:
    left, right = (pair[1], pair[0]) if reflected else pair
    fn = BINARY_OPS[op]
    ours_args = [_operand(tg, left), _operand(tg, right)]
    theirs_args = [_operand(torch, left), _operand(torch, right)]
    expected = fn(*theirs_args)
    result = fn(*ours_args)
    assert_same(result, expected, 1e-6, f"{op} of {left} and {right}")
    if expected.requires_grad:
        result.sum().backward()
        expected.sum().backward()
        for ours, theirs in zip(ours_args, theirs_args):
            if isinstance(theirs, torch.Tensor) and theirs.requires_grad:
                assert_same(ours.grad, theirs.grad, 1e-6, f"gradient of {op}")  # a leaf's grad has its dtype


@pytest.mark.parametrize("pair", PROMOTION_PAIRS[6:], ids=_promotion_ids)
@pytest.mark.parametrize("op", ["maximum", "minimum", "where", "cat"])
def test_other_ops_promote_like_torch(pair: Any, op: str) -> None:
    def run(engine: Any, a: Any, b: Any) -> Any:
        if op == "where":
            return engine.where(engine.tensor([True, False, True]), a, b)
        if op == "cat":
            return engine.cat([a.reshape(-1), b.reshape(-1)])
        return getattr(engine, op)(a, b)

    assert_same(run(tg, *[_operand(tg, s) for s in pair]), run(torch, *[_operand(torch, s) for s in pair]), 1e-6, op)



# ----- numerically hard inputs ---------------------------------------------------------------
EXTREME = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 999.0], [-1000.0, -999.0, -1000.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_is_stable_at_plus_minus_1000(name: str, dim: int, dtype: Any) -> None:
    x = tg.tensor(EXTREME.astype(dtype), requires_grad=True)
    tx = torch.tensor(EXTREME.astype(dtype), requires_grad=True)
    out, expected = getattr(x, name)(dim), getattr(tx, name)(dim)
    assert np.isfinite(out.detach().numpy()).all()
    assert_same(out, expected, TOLERANCE[dtype], name)
    seed = np.random.default_rng(0).standard_normal(EXTREME.shape).astype(dtype)
    out.backward(tg.tensor(seed))
    expected.backward(torch.from_numpy(seed))
    assert np.isfinite(x.grad.numpy()).all()
    assert_same(x.grad, tx.grad, TOLERANCE[dtype], f"{name} gradient")


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "exp_of_negative"])
def test_saturating_functions_match_torch_at_plus_minus_1000(name: str, dtype: Any) -> None:
    data = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0], dtype=dtype)
    calls = {
        "sigmoid": lambda v: v.sigmoid(),
        "tanh": lambda v: v.tanh(),
        "softplus": lambda v: v.softplus() if isinstance(v, tg.Value) else torch.nn.functional.softplus(v),
        "exp_of_negative": lambda v: (-(v.abs())).exp(),
    }
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out, expected = calls[name](x), calls[name](tx)
    assert_same(out, expected, TOLERANCE[dtype], name)
    out.sum().backward()
    expected.sum().backward()
    assert_same(x.grad, tx.grad, TOLERANCE[dtype], f"{name} gradient")


# ----- indexing ------------------------------------------------------------------------------
def test_repeated_integer_indices_accumulate_gradients() -> None:
    x = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    x[[0, 0, 2, 0, -1]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0, 1.0]


@pytest.mark.parametrize(
    "index",
    [
        (np.array([0, 0, 1, 0]),),
        (slice(None), np.array([2, 2, -1])),
        (np.array([[0, 1], [1, 1]]), np.array([2, 2])),
        (np.array([1, 1]), slice(0, 2)),
        (np.array([[True, False, True], [True, True, False]]),),
        (np.array([True, True]), np.array([0, 0])),
    ],
    ids=["leading", "after_slice", "broadcast_pair", "array_then_slice", "mask", "mask_and_array"],
)
def test_advanced_indexing_gradients_match_torch(index: tuple[Any, ...]) -> None:
    data = np.arange(6.0).reshape(2, 3)
    seed_rng = np.random.default_rng(1)
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out = x[index]
    expected = tx[tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)]
    assert_same(out, expected, 1e-12, "indexing")
    seed = seed_rng.standard_normal(tuple(expected.shape))
    out.backward(tg.tensor(seed))
    expected.backward(torch.from_numpy(seed))
    assert_same(x.grad, tx.grad, 1e-12, "indexing gradient")


# ----- ties and kinks: the subgradient torch picks --------------------------------------------
TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, -1.0]])

TIE_OPS = {
    "max": lambda v: v.max(),
    "min": lambda v: v.min(),
    "amax_dim1": lambda v: v.amax(1),
    "amin_dims": lambda v: v.amin((0, 1)),
    "max_dim1_values": lambda v: v.max(1)[0],
    "min_dim1_values": lambda v: v.min(dim=1).values,
    "max_dim0_values": lambda v: v.max(0).values,
    "maximum_with_columns_reversed": lambda v: v.maximum(v[:, [2, 1, 0]]),
    "minimum_with_rows_swapped": lambda v: v.minimum(v[[1, 0]]),
    "clamp_at_bounds": lambda v: v.clamp(2.0, 3.0),
    "clamp_min_at_bound": lambda v: v.clamp(min=2.0),
    "relu_at_zero": lambda v: (v - 2.0).relu(),
    "abs_at_zero": lambda v: (v - 2.0).abs(),
    "leaky_relu_at_zero": lambda v: (v - 2.0).leaky_relu(0.1)
    if isinstance(v, tg.Value)
    else torch.nn.functional.leaky_relu(v - 2.0, 0.1),
}


@pytest.mark.parametrize("name", list(TIE_OPS))
def test_gradient_at_ties_and_kinks_matches_torch(name: str) -> None:
    fn = TIE_OPS[name]
    x, tx = tg.tensor(TIES, requires_grad=True), torch.tensor(TIES, requires_grad=True)
    out, expected = fn(x), fn(tx)
    assert_same(out, expected, 1e-12, name)
    seed = np.random.default_rng(2).standard_normal(tuple(expected.shape))
    out.backward(tg.tensor(seed))
    expected.backward(torch.from_numpy(seed))
    assert_same(x.grad, tx.grad, 1e-12, f"{name} gradient")


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_split_the_gradient_of_ties_between_their_inputs(name: str) -> None:
    a_data, b_data = np.array([1.0, 2.0, 3.0, -1.0]), np.array([1.0, 0.0, 3.0, 5.0])
    a, b = tg.tensor(a_data, requires_grad=True), tg.tensor(b_data, requires_grad=True)
    ta, tb = torch.tensor(a_data, requires_grad=True), torch.tensor(b_data, requires_grad=True)
    getattr(a, name)(b).sum().backward()
    getattr(torch, name)(ta, tb).sum().backward()
    assert_same(a.grad, ta.grad, 0, f"{name} gradient of a")
    assert_same(b.grad, tb.grad, 0, f"{name} gradient of b")
    assert a.grad[0].item() == 0.5 and b.grad[2].item() == 0.5


POW_SPECIAL_POINTS = {
    "zero_base_tensor_exponent": (np.array([0.0, 0.0, 0.0, 2.0]), np.array([2.0, 0.0, 0.5, 1.5])),
    "zero_exponent": (np.array([0.0, 1.0, -2.0]), np.array([0.0, 0.0, 0.0])),
}


@pytest.mark.parametrize("name", list(POW_SPECIAL_POINTS))
def test_pow_at_zero_base_and_zero_exponent_matches_torch(name: str) -> None:
    base, exponent = POW_SPECIAL_POINTS[name]
    a, b = tg.tensor(base, requires_grad=True), tg.tensor(exponent, requires_grad=True)
    ta, tb = torch.tensor(base, requires_grad=True), torch.tensor(exponent, requires_grad=True)
    out, expected = a**b, ta**tb
    assert_same(out, expected, 1e-12, "pow")
    out.sum().backward()
    expected.sum().backward()
    assert_same(a.grad, ta.grad, 1e-12, "pow gradient of the base")
    assert_same(b.grad, tb.grad, 1e-12, "pow gradient of the exponent")
    for scalar in (0.0, 2.0, 0.5):
        x, tx = tg.tensor(base, requires_grad=True), torch.tensor(base, requires_grad=True)
        (x**scalar).sum().backward()
        (tx**scalar).sum().backward()
        assert_same(x.grad, tx.grad, 1e-12, f"gradient of x ** {scalar}")


@pytest.mark.parametrize(
    "call",
    [
        lambda e: e.tensor([1, 2, -1, -1, 3]) ** e.tensor([-1, -2, -1, -2, 2]),
        lambda e: 2 ** e.tensor([-1, 0, 3]),
        lambda e: e.tensor([2, 3]) ** 2,
        lambda e: e.tensor([2, 3]) ** 0.5,
    ],
    ids=["negative_tensor_exponents", "reflected", "int_scalar", "float_scalar"],
)
def test_integer_powers_match_torch(call: Any) -> None:
    assert_same(call(tg), call(torch), 1e-6, "integer power")


def test_integer_to_negative_scalar_power_raises_torch_error() -> None:
    _assert_same_error(lambda e: e.tensor([1, 2]) ** -1)


@pytest.mark.parametrize(
    "x, bounds",
    [
        (("int64", (3,)), {"min": 2.5}),
        (("int64", (3,)), {"max": 2}),
        (("float32", (3,)), {"min": ("float64", (3,))}),
        (("float32", (3,)), {"min": ("float64", ())}),
        (("float32", (3,)), {"min": np.float64(1.0), "max": 2}),
        (("int64", (3,)), {"min": ("float32", (3,)), "max": ("float64", ())}),
    ],
)
def test_clamp_result_dtype_follows_torch(x: Any, bounds: dict[str, Any]) -> None:
    ours = _operand(tg, x).clamp(**{k: _operand(tg, v) for k, v in bounds.items()})
    theirs = _operand(torch, x).clamp(**{k: _operand(torch, v) for k, v in bounds.items()})
    assert_same(ours, theirs, 1e-6, f"clamp of {x} with {bounds}")


def test_max_and_min_with_dim_return_torch_indices_on_ties() -> None:
    x, tx = tg.tensor(TIES), torch.tensor(TIES)
    for dim in (0, 1, -1):
        assert x.max(dim).indices.tolist() == tx.max(dim).indices.tolist()
        assert x.min(dim).indices.tolist() == tx.min(dim).indices.tolist()
        assert x.argmax(dim).tolist() == tx.argmax(dim).tolist()
        assert x.argmin(dim).tolist() == tx.argmin(dim).tolist()
    assert x.argmax().item() == tx.argmax().item()


# ----- comparisons -----------------------------------------------------------------------------
COMPARISONS = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}


@pytest.mark.parametrize("other", ["scalar", "reflected_scalar", "same_shape", "broadcast", "int_tensor"])
@pytest.mark.parametrize("name", list(COMPARISONS))
def test_comparisons_return_bool_values_without_grad(name: str, other: str) -> None:
    data = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    operands = {
        "same_shape": np.array([[1.0, 0.0, 4.0], [3.0, 3.0, 0.0]]),
        "broadcast": np.array([2.0, 2.0, 1.0]),
        "int_tensor": np.array([1, 2, 2]),
    }
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    compare = COMPARISONS[name]
    if other == "scalar":
        out, expected = compare(x, 2.0), compare(tx, 2.0)
    elif other == "reflected_scalar":
        out, expected = compare(2, x), compare(2, tx)
    else:
        out, expected = compare(x, tg.tensor(operands[other])), compare(tx, torch.tensor(operands[other]))
    assert_same(out, expected, 0, name)
    assert out.dtype == np.bool_
    assert not out.requires_grad and out.grad_fn is None


# ----- NaN -----------------------------------------------------------------------------------
NAN_OPS = {
    "max": lambda v, w: v.max(),
    "min": lambda v, w: v.min(),
    "amax": lambda v, w: v.amax(0),
    "max_dim": lambda v, w: v.max(0)[0],
    "maximum": lambda v, w: v.maximum(w),
    "minimum": lambda v, w: v.minimum(w),
}


@pytest.mark.parametrize("name", list(NAN_OPS))
def test_nan_gradients_of_max_and_min_follow_torch(name: str) -> None:
    data, other = np.array([1.0, np.nan, 2.0]), np.array([0.0, 0.0, 3.0])
    x, w = tg.tensor(data, requires_grad=True), tg.tensor(other, requires_grad=True)
    tx, tw = torch.tensor(data, requires_grad=True), torch.tensor(other, requires_grad=True)
    out, expected = NAN_OPS[name](x, w), NAN_OPS[name](tx, tw)
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    if tw.grad is not None:
        np.testing.assert_array_equal(w.grad.numpy(), tw.grad.numpy())


# ----- bad arguments get torch's error ---------------------------------------------------------
BAD_CALLS = {
    "expand_mismatch": lambda e: e.zeros(2, 3).expand(3, 2),
    "expand_mismatch_with_new_dims": lambda e: e.zeros(2, 3).expand(4, 2, 5),
    "permute_duplicate": lambda e: e.zeros(2, 3).permute(0, 0),
    "permute_too_many": lambda e: e.zeros(2, 3).permute(0, 1, 2),
    "permute_out_of_range": lambda e: e.zeros(2, 3).permute(0, 2),
    "flatten_reversed": lambda e: e.zeros(2, 3).flatten(1, 0),
    "reshape_wrong_size": lambda e: e.zeros(2, 3).reshape(4, -1),
    "reshape_two_inferred": lambda e: e.zeros(2, 3).reshape(-1, -1),
    "sum_dim_out_of_range": lambda e: e.zeros(2, 3).sum(2),
    "softmax_dim_out_of_range": lambda e: e.zeros(2, 3).softmax(-3),
    "transpose_out_of_range": lambda e: e.zeros(2, 3).transpose(0, 2),
    "unsqueeze_out_of_range": lambda e: e.zeros(2, 3).unsqueeze(4),
    "add_not_broadcastable": lambda e: e.zeros(2, 3) + e.zeros(3, 2),
    "cat_dim_out_of_range": lambda e: e.cat([e.zeros(2, 3), e.zeros(2, 3)], 2),
    "cat_zero_dim": lambda e: e.cat([e.zeros(2), e.tensor(1.0)]),
    "cat_ndim_mismatch": lambda e: e.cat([e.zeros(2, 3), e.zeros(3)], 1),
    "cat_size_mismatch": lambda e: e.cat([e.zeros(2, 3), e.zeros(2, 4)]),
    "stack_unequal": lambda e: e.stack([e.zeros(2, 3), e.zeros(1, 3)]),
    "mask_shape_mismatch": lambda e: e.zeros(2, 3)[:, e.tensor([True, False])],
    "float_index": lambda e: e.zeros(3)[e.tensor([0.5])],
    "where_float_condition": lambda e: e.where(e.tensor([1.0, 0.0]), e.zeros(2), e.ones(2)),
    "where_int_condition": lambda e: e.where(e.tensor([1, 0]), e.zeros(2), e.ones(2)),
    "index_out_of_range": lambda e: e.zeros(2, 3)[2],  # ours adds the indexed shape after torch's text
    "floor_divide_shapes": lambda e: e.zeros(2, 1) // e.zeros(3, 0),
    "remainder_int_shapes": lambda e: e.zeros(2, 1, dtype=e.int64).remainder(e.zeros(3, 0, dtype=e.int64)),
    "integer_zero_divisor": lambda e: e.ones(2, dtype=e.int32) % e.zeros(1, dtype=e.int32),
}

EMPTY_REDUCTIONS = {
    "amax_over_empty_dim": lambda e: e.zeros(0, 3).amax(0),
    "amin_over_empty_dims": lambda e: e.zeros(0, 3).amin((0, 1)),
    "max_of_nothing": lambda e: e.zeros(0, 3).max(),
    "min_of_nothing": lambda e: e.zeros(0, 3).min(),
    "amax_of_nothing": lambda e: e.zeros(0, 3).amax(),
    "max_over_empty_dim": lambda e: e.zeros(0, 3).max(0),
    "argmax_over_empty_dim": lambda e: e.zeros(0, 3).argmax(0),
    "argmin_of_nothing": lambda e: e.zeros(0, 3).argmin(),
}
BAD_CALLS.update(EMPTY_REDUCTIONS)

EMPTY_OPS = {
    "sum": lambda v: v.sum(0),
    "mean_over_nonempty_dim": lambda v: v.mean(1),
    "amax_over_nonempty_dim": lambda v: v.amax(1),
    "max_over_nonempty_dim": lambda v: v.max(1)[0],
    "softmax": lambda v: v.softmax(0),
    "log_softmax": lambda v: v.log_softmax(1),
    "matmul_inner_zero": lambda v: v.T @ v,
    "cat": lambda v: (tg if isinstance(v, tg.Value) else torch).cat([v, v * 2], 0),
    "cat_skips_a_1d_empty": lambda v: (tg if isinstance(v, tg.Value) else torch).cat([v[:, 0] * 0 + v.sum(), v]),
    "prod_of_nothing": lambda v: v.prod(),
    "prod_over_empty_dim": lambda v: v.prod(0),
    "prod_over_nonempty_dim": lambda v: v.prod(1),
    "exp": lambda v: v.exp(),
    "index_empty": lambda v: v[(tg if isinstance(v, tg.Value) else torch).tensor([], dtype=tg.int64 if isinstance(
        v, tg.Value) else torch.int64)],
}


@pytest.mark.parametrize("name", list(EMPTY_OPS))
def test_ops_on_empty_tensors_match_torch(name: str) -> None:
    x, tx = tg.zeros(0, 3, dtype=tg.float64, requires_grad=True), torch.zeros(0, 3, dtype=torch.float64,
                                                                               requires_grad=True)
    out, expected = EMPTY_OPS[name](x), EMPTY_OPS[name](tx)
    assert_same(out, expected, 1e-12, name)
    out.sum().backward()
    expected.sum().backward()
    assert_same(x.grad, tx.grad, 1e-12, f"{name} gradient")


@pytest.mark.parametrize("shape, dim", [((0,), None), ((0, 3), 0), ((5, 7), 1), ((1000,), None)])
def test_float16_mean_matches_torch_and_an_empty_one_is_nan_without_a_warning(shape: Any, dim: Any) -> None:
    data = (np.random.default_rng(0).standard_normal(shape) * 100).astype(np.float16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "Mean of empty slice" is not torch's: torch says nothing
        ours = tg.from_numpy(data).mean() if dim is None else tg.from_numpy(data).mean(dim)
    expected = torch.from_numpy(data).mean() if dim is None else torch.from_numpy(data).mean(dim)
    assert ours.dtype == tg.float16 and np.array_equal(ours.numpy(), expected.numpy(), equal_nan=True)


@pytest.mark.parametrize("p", [2, 3, 0.5, 1, 0])
@pytest.mark.parametrize("shape, dim", [((1,), None), ((2, 1), 1), ((1, 2), 0), ((), None), ((), 0), ((2, 1), None)])
def test_norm_of_one_element_per_output_is_its_magnitude_as_in_torch(p: Any, shape: Any, dim: Any) -> None:
    data = np.full(shape, -1e30, dtype=np.float32)  # squared, 1e30 overflows float32: torch takes |x| instead
    if data.ndim == 2:
        data[-1, -1] = 3.0
    ours, expected = tg.from_numpy(data).norm(p, dim), torch.from_numpy(data).norm(p, dim)
    assert np.array_equal(ours.numpy(), expected.numpy()), (ours, expected)


@pytest.mark.parametrize("call", [
    lambda e: e.zeros(0, dtype=e.int16) // e.zeros(1, dtype=e.int16),
    lambda e: e.fmod(e.zeros(0, dtype=e.int32), e.zeros((2, 1), dtype=e.int32)),
    lambda e: e.zeros(3, 0, dtype=e.int64).div(e.zeros(3, 1, dtype=e.int64), rounding_mode="trunc"),
], ids=["floor_divide", "fmod", "div_trunc"])
def test_an_empty_integer_quotient_needs_no_nonzero_divisor(call: Any) -> None:
    ours, expected = call(tg), call(torch)  # no quotient is computed: torch raises no ZeroDivisionError
    assert ours.shape == expected.shape and ours.dtype == tg.from_numpy(expected.numpy()).dtype


MATMUL_MISMATCHES = [
    ((3,), (4,)),
    ((3,), (4, 5)),
    ((2, 3), (4,)),
    ((2, 3), (2, 3)),
    ((2, 2, 3), (4,)),
    ((2, 2, 3), (4, 2)),
    ((2, 2, 3), (2, 4, 2)),
    ((4,), (2, 3, 5)),
    ((2, 3, 4), (3, 4, 5)),
    ((5, 2, 3), (2, 4, 3)),
    ((2, 3, 2, 3), (5, 3, 2)),
    ((3,), ()),
]


def _assert_same_error(call: Any, exact: bool = True) -> None:
    assert_same_error(lambda: call(torch), lambda: call(tg), exact)


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_shape_arguments_raise_torch_error(name: str) -> None:
    _assert_same_error(BAD_CALLS[name], exact=name != "index_out_of_range")


@pytest.mark.parametrize("shapes", MATMUL_MISMATCHES, ids=str)
def test_matmul_shape_mismatch_raises_torch_error_naming_both_sizes(shapes: Any) -> None:
    a, b = shapes
    _assert_same_error(lambda e: (e.zeros(a) if a else e.tensor(0.0)) @ (e.zeros(b) if b else e.tensor(0.0)))


@pytest.mark.parametrize("shape", [(3, 5), (40, 30)])  # below and above dual.SMALL_BROADCAST elements
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_sum_and_mean_backward_on_small_and_large_arrays_match_torch(shape: Any, reduction: str, dim: Any) -> None:
    # The backward of a reduction expands the gradient: a filled copy for a few elements, a view for many.
    data = np.random.default_rng(7).standard_normal(shape)
    x, t = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    weights = np.arange(1.0, 1.0 + shape[0] * shape[1]).reshape(shape)
    ours = getattr(x * tg.tensor(weights), reduction)(dim)
    theirs = getattr(t * torch.tensor(weights), reduction)(dim)
    (ours * ours).sum().backward()
    (theirs * theirs).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def _named_calls() -> list[tuple[str, Any]]:
    """(label, f(lib, x, v, w, b, bx)): x (4, 3), v (3,), w (2, 3), b (2,) need grad; bx (2, 4, 3) too."""
    def functional(lib: Any) -> Any:
        return lib.nn.functional

    return [
        ("mul", lambda lib, x, *_: x * 2), ("add", lambda lib, x, *_: x + x), ("sub", lambda lib, x, *_: x - 1),
        ("div", lambda lib, x, *_: x / 2), ("neg", lambda lib, x, *_: -x), ("abs", lambda lib, x, *_: x.abs()),
        ("exp", lambda lib, x, *_: x.exp()), ("log", lambda lib, x, *_: x.abs().log()),
        ("log1p", lambda lib, x, *_: x.abs().log1p()), ("sqrt", lambda lib, x, *_: x.abs().sqrt()),
        ("sin", lambda lib, x, *_: x.sin()), ("cos", lambda lib, x, *_: x.cos()),
        ("tanh", lambda lib, x, *_: x.tanh()), ("sigmoid", lambda lib, x, *_: x.sigmoid()),
        ("relu", lambda lib, x, *_: x.relu()), ("leaky_relu", lambda lib, x, *_: functional(lib).leaky_relu(x)),
        ("softplus", lambda lib, x, *_: functional(lib).softplus(x)),
        ("softmax", lambda lib, x, *_: x.softmax(1)), ("log_softmax", lambda lib, x, *_: x.log_softmax(1)),
        ("pow scalar", lambda lib, x, *_: x**2), ("pow tensor", lambda lib, x, *_: x.abs() ** x),
        ("sum", lambda lib, x, *_: x.sum()), ("sum dim", lambda lib, x, *_: x.sum(0)),
        ("mean", lambda lib, x, *_: x.mean()), ("mean dim", lambda lib, x, *_: x.mean(1)),
        ("max", lambda lib, x, *_: x.max()), ("max dim", lambda lib, x, *_: x.max(0)[0]),
        ("amax", lambda lib, x, *_: x.amax()), ("var", lambda lib, x, *_: x.var()),
        ("clamp numbers", lambda lib, x, *_: x.clamp(min=0.0)),
        ("clamp tensors", lambda lib, x, v, *_: x.clamp(min=v)),
        ("reshape", lambda lib, x, *_: x.reshape(12)), ("view", lambda lib, x, *_: x.view(2, 6)),
        ("permute", lambda lib, x, *_: x.permute(1, 0)), ("T", lambda lib, x, *_: x.T),
        ("expand", lambda lib, x, v, *_: v.expand(4, 3)), ("cat", lambda lib, x, *_: lib.cat([x, x])),
        ("where", lambda lib, x, *_: lib.where(x > 0, x, x * 2)),
        ("maximum", lambda lib, x, *_: lib.maximum(x, x * 2)), ("clone", lambda lib, x, *_: x.clone()),
        ("to float32", lambda lib, x, *_: x.to(lib.float32)),
        ("select", lambda lib, x, *_: x[0]), ("select column", lambda lib, x, *_: x[:, 1]),
        ("slice", lambda lib, x, *_: x[1:]), ("gather", lambda lib, x, *_: x[[0, 2]]),
        ("mask", lambda lib, x, *_: x[x > 0]),
        ("mm", lambda lib, x, v, w, *_: x @ w.T), ("dot", lambda lib, x, v, *_: v @ v),
        ("mv", lambda lib, x, v, *_: x @ v), ("vm", lambda lib, x, v, w, *_: v @ w.T),
        ("batched", lambda lib, x, v, w, b, bx: bx @ bx.transpose(1, 2)),
        ("linear", lambda lib, x, v, w, b, bx: functional(lib).linear(x, w, b)),
        ("linear without bias", lambda lib, x, v, w, b, bx: functional(lib).linear(x, w)),
        ("linear on 3-d input", lambda lib, x, v, w, b, bx: functional(lib).linear(bx, w, b)),
        ("mse_loss", lambda lib, x, *_: functional(lib).mse_loss(x, x.detach() * 0.5)),
        # (with a reduction, our BCE losses end in a mean or sum node of their own; torch's loss node reduces)
        ("binary_cross_entropy", lambda lib, x, *_: functional(lib).binary_cross_entropy(
            x.sigmoid(), x.detach() * 0, reduction="none")),
        ("bce_with_logits", lambda lib, x, *_: functional(lib).binary_cross_entropy_with_logits(
            x, x.detach() * 0, reduction="none")),
        # rearranging, products and functions of matrices (branch ops-shape)
        ("movedim", lambda lib, x, v, w, b, bx: bx.movedim(0, 2)),
        ("unflatten", lambda lib, x, *_: x.unflatten(0, (2, 2))), ("ravel", lambda lib, x, *_: x.t().ravel()),
        ("tensor_split", lambda lib, x, *_: x.tensor_split(2)[0]), ("hsplit", lambda lib, x, *_: x.hsplit(3)[1]),
        ("rot90", lambda lib, x, *_: x.rot90()), ("diagonal", lambda lib, x, *_: x.diagonal(1)),
        ("diag_embed", lambda lib, x, *_: x.diag_embed()), ("diagflat", lambda lib, x, v, *_: v.diagflat()),
        ("diag of a matrix", lambda lib, x, *_: x.diag()),
        ("block_diag", lambda lib, x, v, *_: lib.block_diag(x, v)),
        ("cross", lambda lib, x, *_: lib.cross(x, x * 2, dim=1)),
        ("linalg.cross", lambda lib, x, *_: lib.linalg.cross(x, x * 2)),
        ("slogdet", lambda lib, x, *_: lib.linalg.slogdet(x[:3]).logabsdet),
        ("slogdet sign", lambda lib, x, *_: lib.slogdet(x[:3]).sign), ("logdet", lambda lib, x, *_: x[:3].logdet()),
        ("matrix_power 1", lambda lib, x, *_: x[:3].matrix_power(1)),
        ("matrix_power 2", lambda lib, x, *_: x[:3].matrix_power(2)),
        ("matrix_power -1", lambda lib, x, *_: lib.linalg.matrix_power(x[:3], -1)),
        ("corrcoef", lambda lib, x, *_: x.corrcoef()),
        ("dstack", lambda lib, x, *_: lib.dstack([x, x])),
    ]


@pytest.mark.parametrize(("label", "call"), _named_calls(), ids=[label for label, _ in _named_calls()])
def test_grad_fn_names_match_torch(label: str, call: Any) -> None:
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(shape) for shape in ((4, 3), (3,), (2, 3), (2,), (2, 4, 3))]
    ours = call(tg, *[tg.tensor(a, requires_grad=True) for a in arrays])
    theirs = call(torch, *[torch.tensor(a, requires_grad=True) for a in arrays])
    assert ours.grad_fn.name() == theirs.grad_fn.name()


# ----- split and chunk: the pieces, their gradients and the error texts ----------------------------------------
SPLIT_INPUT = np.arange(30.0).reshape(3, 10) / 7.0

SPLIT_CALLS = {
    "split 3 dim 1": lambda lib, x: x.split(3, dim=1),
    "split sizes dim -1": lambda lib, x: x.split([2, 5, 3], dim=-1),
    "split 2 dim 0": lambda lib, x: lib.split(x, 2),
    "chunk 4 dim 1": lambda lib, x: x.chunk(4, dim=1),
    "chunk 3 dim 0": lambda lib, x: lib.chunk(x, 3, 0),
    "chunk 6 dim 1 (fewer pieces)": lambda lib, x: x.chunk(6, 1),
}


@pytest.mark.parametrize("name", sorted(SPLIT_CALLS))
def test_split_and_chunk_pieces_and_gradients_match_torch(name: str) -> None:
    results = []
    for lib in (tg, torch):
        x = lib.tensor(SPLIT_INPUT, requires_grad=True)
        pieces = SPLIT_CALLS[name](lib, x)
        sum(((p * (k + 1)) ** 2).sum() for k, p in enumerate(pieces)).backward()
        results.append(([p.detach().numpy().copy() for p in pieces], x.grad.numpy().copy()))
    (ours, our_grad), (theirs, their_grad) = results
    assert [p.shape for p in ours] == [p.shape for p in theirs]
    for got, expected in zip(ours, theirs):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(our_grad, their_grad, rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.arange(10.0).split([2, 3]),
        lambda lib: lib.arange(10.0).chunk(0),
        lambda lib: lib.arange(10.0).split(0),
        lambda lib: lib.arange(10.0).split(-1),
        lambda lib: lib.arange(10.0).split(3, dim=2),
    ],
)
def test_split_and_chunk_bad_arguments_raise_torchs_errors(call: Any) -> None:
    assert_same_error(lambda: call(torch), lambda: call(tg))
