"""Module traversal and mode/gradient helpers side by side with torch on the same model: `named_modules`
(shared submodules, remove_duplicate, prefix), `apply`, `train`/`eval`, `requires_grad_`, `zero_grad`;
and nn.utils.parameters_to_vector / vector_to_parameters."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg


def model(lib: Any) -> Any:
    """A model where one Linear appears twice (shared) and one Sequential is nested."""
    nn = lib.nn
    shared = nn.Linear(2, 2)
    return nn.Sequential(shared, nn.Sequential(nn.Tanh(), shared, nn.Dropout(0.5)), nn.Linear(2, 1))


def describe(modules: Any) -> list[tuple[str, str]]:
    return [(name, type(module).__name__) for name, module in modules]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.named_modules(),
        lambda m: m.named_modules(remove_duplicate=False),
        lambda m: m.named_modules(prefix="net"),
        lambda m: m.named_children(),
        lambda m: [(type(x).__name__, x) for x in m.modules()],
        lambda m: m[1].named_modules(prefix="inner", remove_duplicate=False),
    ],
)
def test_named_modules_and_children_equal_torch(call: Any, torch: Any) -> None:
    assert describe(call(model(tg))) == describe(call(model(torch)))


def test_named_parameters_with_a_shared_module_equal_torch(torch: Any) -> None:
    ours, theirs = model(tg), model(torch)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters(remove_duplicate=False)] == [
        n for n, _ in theirs.named_parameters(remove_duplicate=False)
    ]
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_apply_visits_modules_in_torchs_order(torch: Any) -> None:
    def visits(lib: Any) -> list[str]:
        seen: list[str] = []
        result = model(lib).apply(lambda m: seen.append(type(m).__name__))
        assert isinstance(result, lib.nn.Sequential)
        return seen

    assert visits(tg) == visits(torch)


def test_train_eval_set_every_module_and_reject_non_bools(torch: Any) -> None:
    def modes(lib: Any) -> list[Any]:
        m = model(lib)
        seen = [[x.training for x in m.modules()]]
        assert m.eval() is m
        seen.append([x.training for x in m.modules()])
        m[1].train()
        seen.append([x.training for x in m.modules()])
        m.train(False)
        seen.append([x.training for x in m.modules()])
        return seen

    assert modes(tg) == modes(torch)
    assert_same_error(lambda: model(torch).train("yes"), lambda: model(tg).train("yes"))
    assert_same_error(lambda: model(torch).train(1), lambda: model(tg).train(1))


def test_requires_grad_freezes_and_unfreezes_like_torch(torch: Any) -> None:
    def flags(lib: Any) -> list[Any]:
        m = model(lib)
        assert m[2].requires_grad_(False) is m[2]
        seen = [p.requires_grad for p in m.parameters()]
        m.requires_grad_()
        seen += [p.requires_grad for p in m.parameters()]
        return seen

    assert flags(tg) == flags(torch)


@pytest.mark.filterwarnings(r"ignore:Using backward\(\) with create_graph=True")
@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_like_torch(set_to_none: bool, torch: Any) -> None:
    def after(lib: Any) -> list[Any]:
        m = lib.nn.Linear(3, 2)
        x = lib.ones(4, 3)
        m(x).sum().backward(create_graph=True)  # weight.grad has a grad_fn: zero_grad detaches it
        grads_before = [p.grad for p in m.parameters()]
        m.zero_grad(set_to_none=set_to_none)
        seen: list[Any] = []
        for p, before in zip(m.parameters(), grads_before):
            if p.grad is None:
                seen.append(None)
            else:
                seen.append((p.grad is before, p.grad.grad_fn is None, p.grad.requires_grad, p.grad.numpy().tolist()))
        return seen

    assert after(tg) == after(torch)


def test_parameters_to_vector_is_differentiable_and_equals_torch(torch: Any) -> None:
    def run(lib: Any) -> tuple[np.ndarray, list[np.ndarray], str]:
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 2).double()
        with lib.no_grad():
            for i, p in enumerate(m.parameters()):
                p.copy_(lib.arange(p.numel(), dtype=lib.float64).reshape(p.shape) / (i + 2))
        vec = lib.nn.utils.parameters_to_vector(m.parameters())
        (vec * lib.arange(vec.numel(), dtype=lib.float64)).sum().backward()
        return vec.detach().numpy(), [p.grad.numpy() for p in m.parameters()], vec.grad_fn.name()

    (v1, g1, f1), (v2, g2, f2) = run(tg), run(torch)
    np.testing.assert_array_equal(v1, v2)
    for a, b in zip(g1, g2):
        np.testing.assert_array_equal(a, b)
    assert f1 == f2 == "CatBackward0"


def test_vector_to_parameters_views_the_vector_like_torch(torch: Any) -> None:
    def run(lib: Any) -> list[Any]:
        m = lib.nn.Linear(3, 2)
        vec = lib.arange(8.0)
        lib.nn.utils.vector_to_parameters(vec, m.parameters())
        seen = [p.detach().numpy().tolist() for p in m.parameters()]
        vec[0] = 100.0  # the parameters are views of vec
        seen.append(m.weight[0, 0].item())
        seen.append([(p.is_leaf, p.requires_grad, tuple(p.shape)) for p in m.parameters()])
        return seen

    assert run(tg) == run(torch)
    assert_same_error(
        lambda: torch.nn.utils.vector_to_parameters([1.0], [torch.zeros(1)]),
        lambda: tg.nn.utils.vector_to_parameters([1.0], [tg.zeros(1)]),
    )
    assert_same_error(
        lambda: torch.nn.utils.vector_to_parameters(np.zeros(1), [torch.zeros(1)]),
        lambda: tg.nn.utils.vector_to_parameters(np.zeros(1), [tg.zeros(1)]),
    )
