"""no_grad, enable_grad and set_grad_enabled: context managers, decorators, thread-local state."""

from __future__ import annotations

import threading

import pytest

import tinygrad_lr as tg


@pytest.fixture
def x() -> tg.Value:
    return tg.tensor([1.0, 2.0], requires_grad=True)


def test_no_grad_context_records_nothing(x: tg.Value) -> None:
    assert tg.is_grad_enabled()
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2 + 1
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_no_grad_decorator(x: tg.Value) -> None:
    @tg.no_grad()
    def double(v: tg.Value) -> tg.Value:
        return v * 2

    y = double(x)
    assert not y.requires_grad and tg.is_grad_enabled()
    assert double.__name__ == "double"


def test_enable_grad_inside_no_grad(x: tg.Value) -> None:
    with tg.no_grad():
        with tg.enable_grad():
            assert tg.is_grad_enabled()
            y = x * 2
        assert not tg.is_grad_enabled()
    assert y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_enable_grad_decorator_inside_no_grad(x: tg.Value) -> None:
    @tg.enable_grad()
    def square(v: tg.Value) -> tg.Value:
        return v * v

    with tg.no_grad():
        y = square(x)
    assert y.requires_grad


def test_set_grad_enabled_as_context_manager_function_and_decorator(x: tg.Value) -> None:
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(True):
        assert (x * 2).requires_grad
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()

    @tg.set_grad_enabled(False)
    def f(v: tg.Value) -> tg.Value:
        return v + 1

    assert not f(x).requires_grad and tg.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception(x: tg.Value) -> None:
    with pytest.raises(ValueError, match="boom"):
        with tg.no_grad():
            raise ValueError("boom")
    assert tg.is_grad_enabled()

    @tg.no_grad()
    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        fail()
    assert tg.is_grad_enabled()


def test_nested_no_grad_blocks_restore_each_level() -> None:
    with tg.no_grad():
        with tg.no_grad():
            pass
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_grad_mode_is_thread_local(x: tg.Value) -> None:
    seen: dict[str, bool] = {}
    inside = threading.Event()
    release = threading.Event()

    def other_thread() -> None:
        with tg.no_grad():
            inside.set()
            release.wait(5)
            seen["other_records"] = (x * 2).requires_grad

    def fresh_thread() -> None:
        seen["fresh_enabled"] = tg.is_grad_enabled()
        seen["fresh_records"] = (x * 2).requires_grad

    worker = threading.Thread(target=other_thread)
    worker.start()
    inside.wait(5)
    # the other thread is inside no_grad right now; this thread still records
    seen["main_records"] = (x * 2).requires_grad
    release.set()
    worker.join()
    with tg.no_grad():
        fresh = threading.Thread(target=fresh_thread)
        fresh.start()
        fresh.join()
    assert seen == {"other_records": False, "main_records": True, "fresh_enabled": True, "fresh_records": True}


def test_the_fast_grad_mode_flag_follows_every_thread(x: tg.Value) -> None:
    # grad_mode.everywhere lets recording skip the thread-local read while no thread has grad mode off
    from tinygrad_lr.autograd import grad_mode

    assert grad_mode.everywhere
    with tg.no_grad():
        assert not grad_mode.everywhere
        with tg.no_grad(), tg.set_grad_enabled(False):  # already off: nothing more to count
            pass
        with tg.enable_grad():
            assert grad_mode.everywhere and (x * 2).requires_grad
        assert not grad_mode.everywhere and not (x * 2).requires_grad
    assert grad_mode.everywhere

    @tg.set_grad_enabled(False)
    def off() -> bool:
        return (x * 2).requires_grad

    assert grad_mode.everywhere and not off() and grad_mode.everywhere
    inside, release = threading.Event(), threading.Event()

    def other_thread() -> None:
        with tg.no_grad():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_thread)
    worker.start()
    inside.wait(5)
    assert not grad_mode.everywhere and (x * 2).requires_grad  # off in the other thread only
    release.set()
    worker.join()
    assert grad_mode.everywhere
    (x * x).sum().backward()  # backward turns grad mode off while it runs, and back on
    assert grad_mode.everywhere and (x * 2).requires_grad


def test_inplace_update_under_no_grad_is_the_sgd_step(x: tg.Value) -> None:
    loss = (x * x).sum()
    loss.backward()
    with tg.no_grad():
        x -= 0.1 * x.grad
    assert x.is_leaf and x.requires_grad
    assert [round(v, 6) for v in x.tolist()] == [0.8, 1.6]


def test_backward_inside_no_grad_still_computes_gradients(x: tg.Value) -> None:
    loss = (x * x).sum()
    with tg.no_grad():
        loss.backward()
    assert x.grad.tolist() == [2.0, 4.0]
