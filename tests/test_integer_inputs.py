"""Integer and bool inputs to float ops follow torch's promotion: the default float dtype (float32, or float64
after set_default_dtype), never NumPy's float64/float16 or an integer result (issue 16 item 3)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
import tinygrad_lr.nn.functional as F

FLOAT_OPS = ["exp", "log", "log1p", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "reciprocal"]
INPUTS = {
    "int64": ([1, 4], None),
    "int32": ([1, 4], "int32"),
    "int16": ([3, 0], "int16"),
    "uint8": ([1, 200], "uint8"),
    "bool": ([True, False], None),
}


def make(module: Any, name: str) -> Any:
    data, dtype = INPUTS[name]
    return module.tensor(data, dtype=getattr(module, dtype) if dtype else None)


@pytest.mark.parametrize("dtype", list(INPUTS))
@pytest.mark.parametrize("op", FLOAT_OPS)
def test_float_ops_on_integers_and_bools_give_torchs_default_float(torch, op: str, dtype: str) -> None:  # type: ignore[no-untyped-def]
    theirs = getattr(make(torch, dtype), op)()
    ours = getattr(make(tg, dtype), op)()
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_sigmoid_of_integers_is_not_truncated_to_zero() -> None:
    out = tg.tensor([1, 4]).sigmoid()
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.numpy(), [0.7311, 0.9820], atol=1e-4)


def test_the_float64_default_applies_too(torch) -> None:  # type: ignore[no-untyped-def]
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    tg.set_default_dtype(tg.float64)
    try:
        for op in FLOAT_OPS:
            assert str(getattr(tg.tensor([1, 4]), op)().dtype) == str(getattr(torch.tensor([1, 4]), op)().dtype)
    finally:
        torch.set_default_dtype(previous)
        tg.set_default_dtype(tg.float32)


def test_functional_forms_promote_too(torch) -> None:  # type: ignore[no-untyped-def]
    for name in ("sigmoid", "tanh"):
        theirs = getattr(torch.nn.functional, name)(torch.tensor([1, 4]))
        ours = getattr(F, name)(tg.tensor([1, 4]))
        assert str(ours.dtype) == "torch.float32" and np.allclose(ours.numpy(), theirs.numpy())
    for name in ("exp", "sqrt", "sin", "log"):
        assert getattr(tg, name)(tg.tensor([1, 4])).dtype == tg.float32


def test_float_ops_on_floats_keep_their_dtype() -> None:
    for dtype in (tg.float16, tg.float32, tg.float64):
        for op in FLOAT_OPS:
            assert getattr(tg.ones(2, dtype=dtype), op)().dtype == dtype


REFUSED = {
    "softplus": lambda m, x: m.nn.functional.softplus(x),
    "leaky_relu": lambda m, x: m.nn.functional.leaky_relu(x),
    "softmax last dim": lambda m, x: x.softmax(-1),
    "softmax dim 0": lambda m, x: x.softmax(0),
    "log_softmax last dim": lambda m, x: m.nn.functional.log_softmax(x, dim=1),
    "log_softmax dim 0": lambda m, x: x.log_softmax(0),
    "std": lambda m, x: x.std(),
    "var dim": lambda m, x: x.var(dim=0),
    "norm": lambda m, x: x.norm(),
    "exp_": lambda m, x: x.clone().exp_(),
    "sigmoid_": lambda m, x: x.clone().sigmoid_(),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("op", list(REFUSED))
def test_float_only_ops_refuse_integers_in_torchs_words(torch, op: str, dtype: str) -> None:  # type: ignore[no-untyped-def]
    from conftest import assert_same_error

    data = [[True, False], [False, True]] if dtype == "bool" else [[1, 4], [2, 3]]
    theirs = torch.tensor(data, dtype=getattr(torch, dtype))
    ours = tg.tensor(data, dtype=getattr(tg, dtype))
    assert_same_error(lambda: REFUSED[op](torch, theirs), lambda: REFUSED[op](tg, ours))


# ----- found by a differential probe against torch (random op x dtype x shape x values) ---------------------
MIN_CASES = {
    "uint8 with 255 and 0": ([255, 0, 3], "uint8"),
    "uint8 with 1": ([3, 255, 1], "uint8"),
    "int64 minimum": ([-(2**63), 5], "int64"),
    "bool": ([True, False], "bool"),
    "float with NaN": ([1.0, float("nan"), -2.0], "float32"),
}


@pytest.mark.parametrize("case", list(MIN_CASES))
def test_min_and_amin_of_every_dtype_equal_torchs(torch, case: str) -> None:  # type: ignore[no-untyped-def]
    # min was -max(-x): negation wraps unsigned integers (uint8 min of [255, 0, 3] came out 3) and refuses bools
    data, dtype = MIN_CASES[case]
    ours, theirs = tg.tensor(data, dtype=getattr(tg, dtype)), torch.tensor(data, dtype=getattr(torch, dtype))
    for reduce in (lambda x: x.min(), lambda x: x.amin(), lambda x: x.min(0)[0], lambda x: x.min(0)[1],
                   lambda x: x.amin(0)):
        got, expected = reduce(ours), reduce(theirs)
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
        assert str(got.dtype) == str(expected.dtype)


def test_min_records_torchs_min_nodes_and_gradients(torch) -> None:  # type: ignore[no-untyped-def]
    data = [[1.0, 0.0, 0.0, 2.0]]
    for reduce in (lambda x: x.min(), lambda x: x.min(1)[0].sum(), lambda x: x.amin(1).sum()):
        ours, theirs = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        out, expected = reduce(ours), reduce(theirs)
        out.backward()
        expected.backward()
        assert out.grad_fn.name() == expected.grad_fn.name() or out.grad_fn.next_functions[0][0].name() == (
            expected.grad_fn.next_functions[0][0].name()
        )
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_square_of_bools_is_int64_as_torch(torch) -> None:  # type: ignore[no-untyped-def]
    got, expected = tg.tensor([True, False]).square(), torch.tensor([True, False]).square()
    assert str(got.dtype) == str(expected.dtype) and got.tolist() == expected.tolist()


@pytest.mark.parametrize(
    "values",
    [[1e30, 0.0, 0.0], [1e38, -1e38, 3.0], [3.0, 255.0, -1.0], [1.0, 2.0, 3.5]],
    ids=["1e30", "1e38", "spread", "small"],
)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_var_and_std_of_narrow_floats_are_torchs_correctly_rounded_numbers(torch, values, dtype) -> None:  # type: ignore[no-untyped-def]
    # squares of 1e30 overflowed float32 (std came out inf); torch accumulates in double and rounds once
    ours, theirs = tg.tensor(values, dtype=getattr(tg, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))
    for reduce in (lambda x: x.var(), lambda x: x.std()):
        got, expected = reduce(ours), reduce(theirs)
        assert str(got.dtype) == str(expected.dtype)
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_sign_of_nan_is_zero_and_any_all_of_uint8_stay_uint8_as_torch(torch) -> None:  # type: ignore[no-untyped-def]
    for dtype in ("float32", "float16", "float64"):
        got = tg.tensor([float("nan"), -2.0, 3.0], dtype=getattr(tg, dtype)).sign()
        assert got.tolist() == torch.tensor([float("nan"), -2.0, 3.0], dtype=getattr(torch, dtype)).sign().tolist()
    for reduce in (lambda x: x.any(), lambda x: x.all(), lambda x: x.any(1), lambda x: x.all(1, keepdim=True)):
        got, expected = reduce(tg.tensor([[1, 0]], dtype=tg.uint8)), reduce(torch.tensor([[1, 0]], dtype=torch.uint8))
        assert str(got.dtype) == str(expected.dtype) and got.tolist() == expected.tolist()


def test_half_precision_sigmoid_and_softmax_round_torchs_float32_result(torch) -> None:  # type: ignore[no-untyped-def]
    values = [0.37, -1.0, 2.5, -1.05, 7.25, -0.001]
    ours, theirs = tg.tensor(values, dtype=tg.float16), torch.tensor(values, dtype=torch.float16)
    assert ours.sigmoid().tolist() == theirs.sigmoid().tolist()
    assert ours.softmax(0).tolist() == theirs.softmax(0).tolist()
