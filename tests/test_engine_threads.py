"""Backward from several threads at once: each walk keeps its own bookkeeping, leaf accumulation loses nothing."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

import tinygrad_lr as tl

ITERATIONS = 100


@contextmanager
def _switching_often() -> Iterator[None]:
    """Make the interpreter switch threads every few bytecodes, so two walks interleave inside every step."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _run_in_threads(work: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Run `work` ITERATIONS times in each of `threads` threads started together; every result, or the first error."""
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def loop() -> None:
        start.wait()
        try:
            for _ in range(ITERATIONS):
                results.append(work())
        except BaseException as error:  # noqa: BLE001  (reported in the main thread)
            errors.append(error)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    with _switching_often():
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if errors:
        raise errors[0]
    return results


def _residual_tanh_chain(lib: Any, steps: int = 300) -> tuple[Any, Any]:
    """h = (h @ w * 0.01).tanh() + h, `steps` times, from a fixed 20x20 h and w: every node has two consumers."""
    rng = np.random.default_rng(0)
    w = lib.tensor(rng.normal(size=(20, 20)), requires_grad=True)
    h = lib.tensor(rng.normal(size=(20, 20)))
    for _ in range(steps):
        h = (h @ w * 0.01).tanh() + h
    return h.sum(), w


def test_two_threads_taking_grad_of_one_shared_graph_get_the_single_threaded_result(torch):
    loss, w = _residual_tanh_chain(tl)
    (expected,) = tl.autograd.grad(loss, w, retain_graph=True)
    torch_loss, torch_w = _residual_tanh_chain(torch)
    (torch_grad,) = torch.autograd.grad(torch_loss, torch_w)
    np.testing.assert_allclose(expected.numpy(), torch_grad.numpy(), rtol=1e-10)

    results = _run_in_threads(lambda: tl.autograd.grad(loss, w, retain_graph=True)[0].numpy())
    assert len(results) == 2 * ITERATIONS
    wrong = sum(not np.array_equal(result, expected.numpy()) for result in results)
    assert wrong == 0, f"{wrong} of {len(results)} gradients differ from the single-threaded one"


def test_threads_backward_into_one_shared_leaf_lose_no_update():
    # big enough that NumPy releases the GIL while it adds into .grad, so unguarded additions overlap
    x = tl.tensor(np.arange(8.0 * 512).reshape(8, 512) % 7)  # integers: every sum is exact in any order
    w = tl.tensor(np.zeros((512, 512)), requires_grad=True)
    one = np.repeat((x.numpy().sum(axis=0))[:, None], 512, axis=1)  # d(sum(x @ w))/dw

    def step() -> None:
        (x @ w).sum().backward()

    _run_in_threads(step, threads=4)
    np.testing.assert_array_equal(w.grad.numpy(), 4 * ITERATIONS * one)


def test_threads_accumulating_a_retained_gradient_lose_no_update():
    a = tl.tensor(np.ones((512, 512)), requires_grad=True)
    b = a * 3.0
    b.retain_grad()
    loss = (b * 2.0).sum()

    def step() -> None:
        loss.backward(retain_graph=True)

    _run_in_threads(step, threads=4)
    np.testing.assert_array_equal(b.grad.numpy(), np.full((512, 512), 2.0 * 4 * ITERATIONS))
    np.testing.assert_array_equal(a.grad.numpy(), np.full((512, 512), 6.0 * 4 * ITERATIONS))


def test_threads_backward_into_leaves_with_hooks_lose_no_update():
    # the accumulation lock is let go while a leaf's hook runs and taken again for the addition
    x = tl.tensor(np.arange(8.0 * 512).reshape(8, 512) % 7)
    w = tl.tensor(np.zeros((512, 512)), requires_grad=True)
    b = tl.tensor(np.zeros(512), requires_grad=True)
    w.register_hook(lambda g: g * 2.0)
    one = np.repeat((x.numpy().sum(axis=0))[:, None], 512, axis=1)

    def step() -> None:
        (x @ w + b).sum().backward()

    _run_in_threads(step, threads=4)
    np.testing.assert_array_equal(w.grad.numpy(), 2 * 4 * ITERATIONS * one)
    np.testing.assert_array_equal(b.grad.numpy(), np.full(512, 8.0 * 4 * ITERATIONS))


def test_a_leaf_hook_may_run_backward_itself():
    # the hook runs while the walk that called it is adding gradients into leaves: it must not wait for that walk
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    b = tl.tensor([3.0, 4.0], requires_grad=True)
    other = tl.tensor([5.0], requires_grad=True)

    def hook(grad: Any) -> None:
        (other * 2.0).sum().backward()

    b.register_hook(hook)
    done = threading.Event()

    def run() -> None:
        (a * b).sum().backward()
        done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert done.wait(timeout=30), "backward inside a leaf hook deadlocked"
    np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(other.grad.numpy(), [2.0])
