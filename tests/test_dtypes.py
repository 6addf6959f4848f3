"""torch.tensor's dtype rules, the default float dtype, and torch's type promotion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import Value


@pytest.fixture
def float64_default() -> Iterator[None]:
    previous = tg.get_default_dtype()
    tg.set_default_dtype(tg.float64)
    try:
        yield
    finally:
        tg.set_default_dtype(previous)


def _torch_dtype_name(t: Any) -> str:
    return str(t.dtype)


CONSTRUCTION_CASES = [
    ("python float", lambda: 2.5),
    ("list of floats", lambda: [1.0, 2.0]),
    ("mixed int and float list", lambda: [1, 2.5]),
    ("python int", lambda: 3),
    ("list of ints", lambda: [1, 2, 3]),
    ("bool", lambda: True),
    ("list of bools", lambda: [True, False]),
    ("float64 array", lambda: np.array([1.0, 2.0])),
    ("float32 array", lambda: np.array([1.0, 2.0], dtype=np.float32)),
    ("float16 array", lambda: np.array([1.0], dtype=np.float16)),
    ("0-d float64 array", lambda: np.array(2.5)),
    ("numpy float64 scalar", lambda: np.float64(2.5)),
    ("numpy float32 scalar", lambda: np.float32(2.5)),
    ("int64 array", lambda: np.array([1, 2], dtype=np.int64)),
    ("bool array", lambda: np.array([True])),
    ("nested list", lambda: [[1.0, 2.0], [3.0, 4.0]]),
]


@pytest.mark.parametrize("name,make", CONSTRUCTION_CASES, ids=[c[0] for c in CONSTRUCTION_CASES])
def test_construction_dtype_matches_torch_tensor(name: str, make: Any) -> None:
    torch = require_torch()
    expected = _torch_dtype_name(torch.tensor(make()))
    assert str(tg.tensor(make()).dtype) == expected
    assert str(Value(make()).dtype) == expected


NUMPY_INTEGERS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_)


@pytest.mark.parametrize("dtype", NUMPY_INTEGERS, ids=lambda d: d.__name__)
def test_numpy_integer_dtypes_are_kept_as_torch_keeps_them(dtype: Any) -> None:
    torch = require_torch()
    from tinygrad_lr.utils.data import default_collate

    array = np.array([1, 2], dtype=dtype)
    makers = {
        "tensor": (torch.tensor, tg.tensor),
        "as_tensor": (torch.as_tensor, tg.as_tensor),
        "from_numpy": (torch.from_numpy, tg.from_numpy),
        "Value": (torch.tensor, Value),
        "batch of arrays": (lambda a: torch.utils.data.default_collate([a, a]), lambda a: default_collate([a, a])),
    }
    if dtype is not np.uint64:  # torch cannot build a tensor from NumPy uint64 scalars
        makers["numpy scalar"] = (lambda a: torch.tensor(a[0]), lambda a: tg.tensor(a[0]))
        makers["list of numpy scalars"] = (lambda a: torch.tensor(list(a)), lambda a: tg.tensor(list(a)))
        makers["batch of numpy scalars"] = (
            lambda a: torch.utils.data.default_collate(list(a)), lambda a: default_collate(list(a))
        )
    for name, (theirs, ours) in makers.items():
        assert str(ours(array).dtype) == _torch_dtype_name(theirs(array)), name


def test_from_numpy_shares_memory_for_every_dtype() -> None:
    for dtype in NUMPY_INTEGERS + (np.float16, np.float32, np.float64):
        array = np.zeros(3, dtype=dtype)
        shared = tg.from_numpy(array)
        array[1] = 1
        shared[2] = 1
        assert shared.dtype == array.dtype and shared.tolist() == [0, 1, 1] and array.tolist() == [0, 1, 1]


def test_explicit_dtype_is_honoured() -> None:
    assert tg.tensor([1, 2], dtype=tg.float64).dtype == tg.float64
    assert tg.tensor([1.7, 2.2], dtype=tg.int32).dtype == tg.int32
    assert Value(np.array([1.0]), dtype=tg.float32).dtype == tg.float32
    assert tg.tensor(1.0, dtype=np.float64).dtype == np.float64


def test_default_dtype_is_float32_and_can_be_float64(float64_default: None) -> None:
    torch = require_torch()
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        assert tg.get_default_dtype() == tg.float64
        for make in (
            lambda lib: lib.tensor([1.0]),
            lambda lib: lib.tensor(1.0),
            lambda lib: lib.zeros(2),
            lambda lib: lib.ones(2),
            lambda lib: lib.rand(2),
            lambda lib: lib.randn(2),
            lambda lib: lib.eye(2),
            lambda lib: lib.arange(0, 1, 0.5),
            lambda lib: lib.tensor([1, 2]) * 0.5,
            lambda lib: lib.tensor([1, 2]),
        ):
            assert str(make(tg).dtype) == _torch_dtype_name(make(torch))
    finally:
        torch.set_default_dtype(previous)


def test_default_dtype_restored_is_float32() -> None:
    assert tg.get_default_dtype() == tg.float32
    assert tg.tensor([1.0]).dtype == tg.float32


def test_set_default_dtype_rejects_integers_with_torchs_message() -> None:
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        tg.set_default_dtype(tg.int64)
    assert tg.get_default_dtype() == tg.float32


def test_float64_training_in_double_precision(float64_default: None) -> None:
    w = tg.tensor([0.5, -0.25], requires_grad=True)
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    loss = ((x @ w) ** 2).mean()
    loss.backward()
    assert loss.dtype == tg.float64 and w.grad.dtype == tg.float64
    xs = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = (2 * xs.T @ (xs @ np.array([0.5, -0.25]))) / 2
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-15)


BINARY_CASES = [
    ("int64 + float32", lambda lib: lib.tensor([1, 2]) + lib.tensor([1.0, 2.0])),
    ("int64 * python float", lambda lib: lib.tensor([1, 2]) * 2.5),
    ("int64 / python int", lambda lib: lib.tensor([1, 2]) / 2),
    ("int64 ** 2", lambda lib: lib.tensor([1, 2]) ** 2),
    ("int64 ** 0.5", lambda lib: lib.tensor([1, 2]) ** 0.5),
    ("float32 + float64", lambda lib: lib.tensor([1.0]) + lib.tensor([1.0], dtype=lib.float64)),
    ("float32 + 0-d float64", lambda lib: lib.tensor([1.0, 2.0]) + lib.tensor(1.0, dtype=lib.float64)),
    ("int64 + 0-d float64", lambda lib: lib.tensor([1, 2]) + lib.tensor(1.5, dtype=lib.float64)),
    ("int32 + 0-d int64", lambda lib: lib.tensor([1, 2], dtype=lib.int32) + lib.tensor(3)),
    ("int32 + 1-d int64", lambda lib: lib.tensor([1, 2], dtype=lib.int32) + lib.tensor([3])),
    ("float32 * numpy float64 scalar", lambda lib: lib.tensor([1.0, 2.0]) * np.float64(2.0)),
    ("int64 + True", lambda lib: lib.tensor([1, 2]) + True),
    ("bool * 2", lambda lib: lib.tensor([True]) * 2),
    ("bool * 2.5", lambda lib: lib.tensor([True]) * 2.5),
    ("2 ** int64", lambda lib: 2 ** lib.tensor([1, 2])),
    ("2.0 ** int64", lambda lib: 2.0 ** lib.tensor([1, 2])),
    ("2 / int64", lambda lib: 2 / lib.tensor([1, 2])),
    ("1 - int64", lambda lib: 1 - lib.tensor([1, 2])),
    ("float16 + float32", lambda lib: lib.tensor([1.0], dtype=lib.float16) + lib.tensor([1.0])),
    ("float64 sum", lambda lib: lib.tensor([1.0, 2.0], dtype=lib.float64).sum()),
    ("int64 sum", lambda lib: lib.tensor([1, 2]).sum()),
    ("bool sum", lambda lib: lib.tensor([True, True]).sum()),
    ("float32 matmul", lambda lib: lib.tensor([1.0, 2.0]) @ lib.tensor([1.0, 2.0])),
    ("comparison", lambda lib: lib.tensor([1.0, 2.0]) > 1),
]


@pytest.mark.parametrize("name,op", BINARY_CASES, ids=[c[0] for c in BINARY_CASES])
def test_result_dtype_follows_torch_promotion(name: str, op: Any) -> None:
    torch = require_torch()
    assert str(op(tg).dtype) == _torch_dtype_name(op(torch))


def test_mixed_float_matmul_refuses_as_torch_instead_of_promoting() -> None:
    # every elementwise op promotes; torch's matrix products do not (more cases in test_clear_errors.py)
    a = tg.tensor([[1.0, 2.0]], requires_grad=True)
    b = tg.tensor([[1.0], [2.0]], dtype=tg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: float != double"):
        a @ b
    out = a.double() @ b  # the cast is recorded: a's gradient comes back as float32
    out.backward()
    assert a.grad.dtype == tg.float32 and a.grad.tolist() == [[1.0, 2.0]] and b.grad.tolist() == [[1.0], [2.0]]


def test_leaf_grad_always_has_the_leafs_dtype() -> None:
    x32 = tg.tensor([1.0, 2.0], requires_grad=True)
    x64 = tg.tensor([3.0, 4.0], dtype=tg.float64, requires_grad=True)
    x16 = tg.tensor([1.0, 2.0], dtype=tg.float16, requires_grad=True)
    (x32 * x64 + x16).sum().backward()
    assert (x32.grad.dtype, x64.grad.dtype, x16.grad.dtype) == (tg.float32, tg.float64, tg.float16)
    np.testing.assert_array_equal(x32.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(x64.grad.numpy(), [1.0, 2.0])


def test_grad_flows_through_int_to_float_mixing() -> None:
    w = tg.tensor([0.5, 1.5], requires_grad=True)
    labels = tg.tensor([2, 3])
    (w * labels).sum().backward()
    assert w.grad.dtype == tg.float32 and w.grad.tolist() == [2.0, 3.0]


def test_to_and_cast_helpers_are_differentiable() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert y.dtype == tg.float64 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == tg.float32 and x.grad.tolist() == [2.0, 4.0]
    assert x.to(tg.float32) is x
    assert x.detach().long().dtype == tg.int64 and x.detach().float().dtype == tg.float32
    assert x.detach().to("cpu", tg.float64).dtype == tg.float64
