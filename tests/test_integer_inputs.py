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
