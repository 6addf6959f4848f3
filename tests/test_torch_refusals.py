"""What torch refuses, refused in torch's words instead of a wrong or surprising result (issue 16 item 5)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg

NOT_VIEWABLE = [
    ("transposed", lambda m: m.arange(6.0).reshape(2, 3).t(), [(6,), (-1,), (1, 6)]),
    ("sliced", lambda m: m.arange(6.0).reshape(2, 3)[:, :2], [(4,), (-1,), (1, 4)]),
]


@pytest.mark.parametrize("name,make,shapes", NOT_VIEWABLE, ids=[c[0] for c in NOT_VIEWABLE])
def test_view_of_a_non_contiguous_value_raises_torchs_error(torch, name: str, make: Any, shapes: list) -> None:  # type: ignore[no-untyped-def]
    for shape in shapes:
        assert_same_error(lambda s=shape: make(torch).view(*s), lambda s=shape: make(tg).view(*s))
        assert make(tg).reshape(*shape).tolist() == make(torch).reshape(*shape).tolist()  # reshape copies
    assert_same_error(lambda: make(torch).view(5), lambda: make(tg).view(5))  # the size is checked first


VIEWABLE = [
    ("contiguous", lambda m: m.zeros(2, 3), (6,)),
    ("transposed, split differently", lambda m: m.arange(6.0).reshape(2, 3).t(), (3, 2)),
    ("sliced, new unit dims", lambda m: m.arange(6.0).reshape(2, 3)[:, :2], (2, 1, 2, 1)),
    ("empty", lambda m: m.zeros(0, 3).t(), (0,)),
]


@pytest.mark.parametrize("name,make,shape", VIEWABLE, ids=[c[0] for c in VIEWABLE])
def test_a_view_shares_memory_where_torch_can_view(torch, name: str, make: Any, shape: tuple) -> None:  # type: ignore[no-untyped-def]
    theirs, ours = make(torch), make(tg)
    theirs.view(*shape).fill_(7)
    ours.view(*shape).fill_(7)
    assert ours.tolist() == theirs.tolist()  # the write went through the view into the original
    assert ours.view_as(tg.zeros(shape)).shape == tuple(shape)


@pytest.mark.parametrize(
    "call",
    [lambda m: m.tensor([1, 2]) // 0, lambda m: m.tensor([1, 2]) // m.tensor([3, 0]),
     lambda m: m.tensor([1, 2]) % 0, lambda m: m.tensor([1, 2]) % m.tensor([0, 1]),
     lambda m: 1 // m.tensor([0]), lambda m: 5 % m.tensor([2, 0]), lambda m: m.tensor([True]) % m.tensor([0])],
    ids=["floordiv", "floordiv tensor", "mod", "mod tensor", "rfloordiv", "rmod", "bool by int"],
)
def test_integer_division_by_zero_raises_torchs_error(torch, call: Any) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: call(torch), lambda: call(tg))


def test_division_without_a_zero_integer_divisor_still_works(torch) -> None:  # type: ignore[no-untyped-def]
    for call in (lambda m: m.tensor([1.0, -3.0]) // 0, lambda m: m.tensor([1.0]) % 0, lambda m: m.tensor([7, -7]) // 2,
                 lambda m: m.tensor([7, -7]) % 3, lambda m: 7 // m.tensor([2, -2]), lambda m: 7 % m.tensor([2, -3]),
                 lambda m: m.tensor([7]) // 2.5):
        ours, theirs = call(tg), call(torch)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())  # (NaN where torch has NaN)
        assert str(ours.dtype) == str(theirs.dtype)


@pytest.mark.parametrize("argument", ["float64", "banana", "int", "CPU", "cpu:01", " cpu"])
def test_to_with_a_string_that_is_not_a_device_raises_as_torch(torch, argument: str) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: torch.ones(2).to(argument), lambda: tg.ones(2).to(argument))
    assert_same_error(lambda: torch.ones(2).to(device=argument), lambda: tg.ones(2).to(device=argument))


def test_to_accepts_the_cpu_and_dtypes_as_torch() -> None:
    x = tg.ones(2)
    assert x.to("cpu") is x and x.to("cpu:0") is x and x.to(tg.float64).dtype == tg.float64
    assert x.to("cpu", tg.float64).dtype == tg.float64 and x.to(device="cpu", dtype=tg.float64).dtype == tg.float64
    assert x.to(np.float64).dtype == tg.float64
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        x.to("cuda")
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices$"):
        x.to("mps")


@pytest.mark.parametrize(
    "data,mask", [([0, 1, 2], [1, 0, 1]), ([[0, 1, 2], [3, 4, 5]], [1, 0]), ([0, 1, 2], [1, 0, 2])], ids=str
)
def test_a_uint8_index_is_a_mask_with_torchs_warning(torch, data: list, mask: list) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(UserWarning) as theirs_warning:
        theirs = torch.tensor(data)[torch.tensor(mask, dtype=torch.uint8)]
    with pytest.warns(UserWarning) as ours_warning:
        ours = tg.tensor(data)[tg.tensor(mask, dtype=tg.uint8)]
    assert ours.tolist() == theirs.tolist()
    assert str(ours_warning[0].message) == str(theirs_warning[0].message).split(" (Triggered")[0]
    assert ours_warning[0].filename == __file__
    theirs, ours = torch.tensor(data), tg.tensor(data)
    with pytest.warns(UserWarning):
        theirs[torch.tensor(mask, dtype=torch.uint8)] = theirs[torch.tensor(mask, dtype=torch.uint8)] * 10
    with pytest.warns(UserWarning):
        ours[tg.tensor(mask, dtype=tg.uint8)] = ours[tg.tensor(mask, dtype=tg.uint8)] * 10
    assert ours.tolist() == theirs.tolist()


def test_filling_through_a_uint8_mask_gives_torchs_error(torch) -> None:  # type: ignore[no-untyped-def]
    def fill(m: Any, value: Any) -> None:
        x = m.tensor([0, 1, 2])
        x[m.tensor([1, 0, 1], dtype=m.uint8)] = value

    assert_same_error(lambda: fill(torch, 9), lambda: fill(tg, 9))
    assert_same_error(lambda: fill(torch, torch.tensor(9)), lambda: fill(tg, tg.tensor(9)))


def test_a_uint8_mask_of_the_wrong_shape_gives_torchs_error(torch) -> None:  # type: ignore[no-untyped-def]
    with pytest.warns(UserWarning):
        assert_same_error(lambda: torch.arange(3)[torch.tensor([1, 0], dtype=torch.uint8)],
                          lambda: tg.arange(3)[tg.tensor([1, 0], dtype=tg.uint8)])
