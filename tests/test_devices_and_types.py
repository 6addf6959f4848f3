"""devices.py, profiler.py and tensor_types.py against torch: torch.device, the CPU-only refusals in torch's words,
torch.profiler's names, and the legacy tensor classes (Tensor(2, 3), FloatTensor, x.type())."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr import devices


# ----- torch.device --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 1), ("mps",), ("cpu", 0), ("meta",)])
def test_a_device_prints_and_compares_as_torch_s(args: tuple[Any, ...]) -> None:
    torch = require_torch()
    ours, theirs = tg.device(*args), torch.device(*args)
    assert (repr(ours), str(ours), ours.type, ours.index) == (repr(theirs), str(theirs), theirs.type, theirs.index)
    assert ours == tg.device(str(theirs)) and hash(ours) == hash(tg.device(str(theirs)))
    assert ours != tg.device("xpu")
    assert pickle.loads(pickle.dumps(ours)) == ours and copy.deepcopy(ours) == ours
    assert tg.device(ours) == ours


@pytest.mark.parametrize("args", [("foo",), ("cuda:x",), ("cuda:01",), ("cuda:1", 1), (0,)])
def test_a_bad_device_raises_torch_s_error(args: tuple[Any, ...]) -> None:
    torch = require_torch()
    assert_same_error(lambda: torch.device(*args), lambda: tg.device(*args))


def test_a_device_of_a_wrong_type_is_a_type_error_as_in_torch() -> None:
    torch = require_torch()
    with pytest.raises(TypeError) as theirs:
        torch.device(1.5)
    with pytest.raises(TypeError) as ours:
        tg.device(1.5)
    assert str(theirs.value).startswith(str(ours.value))  # torch goes on to list its signatures


@pytest.mark.parametrize("where", ["cuda", "cuda:0", "mps"])
def test_data_on_a_device_other_than_the_cpu_is_refused_in_torch_s_words(where: str) -> None:
    torch = require_torch()
    if where != "mps":  # torch's factories dump its dispatcher's backend list for mps; ours say what .to says
        assert_same_error(lambda: torch.zeros(2, device=where), lambda: tg.zeros(2, device=where))
    assert_same_error(lambda: torch.zeros(2).to(where), lambda: tg.zeros(2).to(where))
    assert_same_error(lambda: torch.tensor([1.0], device=where), lambda: tg.tensor([1.0], device=where))


def test_the_cpu_is_where_everything_lives() -> None:
    torch = require_torch()
    x = tg.randn(3, device="cpu")
    assert (x.device, x.is_cuda, str(x.device)) == (tg.device("cpu"), False, str(torch.randn(3).device))
    assert x.cpu() is x and x.to("cpu") is x and x.to(tg.device("cpu")) is x
    assert_same_error(lambda: torch.zeros(2).cuda(), lambda: tg.zeros(2).cuda())
    assert tg.cuda.is_available() is torch.cuda.is_available() is False
    assert tg.cuda.device_count() == torch.cuda.device_count() == 0
    assert tg.backends.mps.is_available() is torch.backends.mps.is_available()


def test_the_default_device_is_set_and_restored_as_in_torch() -> None:
    torch = require_torch()
    assert str(tg.get_default_device()) == str(torch.get_default_device()) == "cpu"
    with tg.device("cuda"):
        assert devices.get_default_device() == tg.device("cuda")
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            tg.zeros(2)  # the factories now make data there, which a CPU build refuses
    assert devices.get_default_device() == tg.device("cpu")
    tg.set_default_device("meta")
    try:
        assert tg.get_default_device() == tg.device("meta")
    finally:
        tg.set_default_device(None)
    assert tg.zeros(2).device == tg.device("cpu")


# ----- torch.profiler --------------------------------------------------------------------------------------------
def test_torch_profiler_records_named_ranges_and_ops() -> None:
    torch = require_torch()
    keys = []
    for lib in (tg, torch):
        x = lib.ones(4, 4, requires_grad=True)
        with lib.profiler.profile(activities=[lib.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
            with lib.profiler.record_function("forward"):
                y = (x * 2).sum()
            y.backward()
            prof.step()
        keys.append({event.key for event in prof.key_averages()})
        assert "forward" in prof.key_averages().table(sort_by="cpu_time_total")
    assert "forward" in keys[0] and "forward" in keys[1]
    names = ("CPU", "CUDA")
    assert [getattr(tg.profiler.ProfilerActivity, n).name for n in names] == [
        getattr(torch.profiler.ProfilerActivity, n).name for n in names]


def test_record_function_is_also_a_decorator() -> None:
    @tg.profiler.record_function("double")
    def double(v: Any) -> Any:
        return v * 2

    with tg.profiler.profile() as prof:
        assert double(tg.tensor(2.0)).item() == 4.0
    assert "double" in {event.key for event in prof.key_averages()}


# ----- the legacy tensor classes -----------------------------------------------------------------------------------
LEGACY_CALLS: dict[str, Callable[[Any], Any]] = {
    "sizes": lambda t: t.Tensor(2, 3),
    "empty": lambda t: t.Tensor(),
    "list_of_ints": lambda t: t.Tensor([1, 2, 3]),
    "float64_array": lambda t: t.Tensor(np.array([[1.5, 2.5]], dtype=np.float64)),
    "size_object": lambda t: t.Tensor(t.Size([2, 1])),
    "float": lambda t: t.FloatTensor([1, 2]),
    "double": lambda t: t.DoubleTensor([1, 2]),
    "long_truncates": lambda t: t.LongTensor([1.7, -2.7]),
    "int_sizes": lambda t: t.IntTensor(2),
    "bool": lambda t: t.BoolTensor([0, 2]),
    "byte": lambda t: t.ByteTensor([1, 255]),
    "half": lambda t: t.HalfTensor([0.5]),
}


@pytest.mark.parametrize("name", LEGACY_CALLS)
def test_a_legacy_constructor_gives_torch_s_shape_dtype_and_values(name: str) -> None:
    torch = require_torch()
    ours, theirs = LEGACY_CALLS[name](tg), LEGACY_CALLS[name](torch)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    assert ours.type() == theirs.type()
    if name not in ("sizes", "int_sizes", "size_object"):  # torch leaves those uninitialised
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert repr(ours) == repr(theirs)


LEGACY_ERRORS: dict[str, Callable[[Any], Any]] = {
    "number": lambda t: t.Tensor(2.5),
    "none": lambda t: t.Tensor(None),
    "string": lambda t: t.Tensor("ab"),
    "negative_size": lambda t: t.Tensor(2, -1),
    "mixed_sizes": lambda t: t.Tensor(2, 1.5),
    "typed_alias_of_other_dtype": lambda t: t.LongTensor(t.zeros(2)),
    "unknown_type_name": lambda t: t.zeros(2).type("torch.NoSuchTensor"),
}


@pytest.mark.parametrize("name", LEGACY_ERRORS)
def test_a_bad_legacy_call_raises_torch_s_error(name: str) -> None:
    torch = require_torch()
    assert_same_error(lambda: LEGACY_ERRORS[name](torch), lambda: LEGACY_ERRORS[name](tg))


def test_tensor_of_a_tensor_is_the_same_memory_as_in_torch() -> None:
    for lib in (tg, require_torch()):
        t = lib.zeros(3)
        alias = lib.Tensor(t)
        t[0] = 5.0
        assert alias[0].item() == 5.0


def test_isinstance_follows_the_dtype_as_in_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        f, d, i = lib.zeros(2), lib.zeros(2, dtype=lib.float64), lib.zeros(2, dtype=lib.int64)
        assert isinstance(f, lib.FloatTensor) and not isinstance(d, lib.FloatTensor)
        assert isinstance(d, lib.DoubleTensor) and isinstance(i, lib.LongTensor) and not isinstance(i, lib.IntTensor)
        assert all(isinstance(v, lib.Tensor) for v in (f, d, i, lib.nn.Parameter(f)))
        assert isinstance(lib.nn.Linear(2, 1).weight, lib.FloatTensor)
        assert not isinstance([1.0], lib.Tensor) and not isinstance(np.zeros(2), lib.FloatTensor)
        assert lib.is_tensor(f) and not lib.is_tensor([1.0])
        assert lib.is_floating_point(d) and not lib.is_floating_point(i) and lib.numel(lib.zeros(2, 3)) == 6


@pytest.mark.parametrize("to", ["torch.DoubleTensor", "torch.LongTensor", "DoubleTensor", "int32", None])
def test_type_names_and_converts_as_in_torch(to: str | None) -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.5, -2.5])
        if to is None:
            results.append(x.type())
            continue
        target = to if to.startswith("torch.") else getattr(lib, to)
        y = x.type(target)
        results.append((y.type(), str(y.dtype), y.tolist(), x.type(x.type()) is x))
    assert results[0] == results[1]


def test_the_legacy_constructor_follows_the_default_dtype() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        lib.set_default_dtype(lib.float64)
        try:
            assert lib.Tensor([1]).dtype == lib.float64 and lib.Tensor([1]).type() == "torch.DoubleTensor"
            assert lib.FloatTensor([1]).dtype == lib.float32
        finally:
            lib.set_default_dtype(lib.float32)
