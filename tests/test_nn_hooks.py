"""Module hooks (forward pre/post, full backward pre/post), each checked against torch running the same code."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import nn

X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
W = np.array([[0.3, -0.6], [1.2, 0.4]])
B = np.array([0.1, -0.2])
W2 = np.array([[0.7, -1.1]])


def _model(lib: Any) -> Any:
    model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Tanh(), lib.nn.Linear(2, 1)).double()
    with lib.no_grad():
        model[0].weight.copy_(lib.tensor(W))
        model[0].bias.copy_(lib.tensor(B))
        model[2].weight.copy_(lib.tensor(W2))
        model[2].bias.fill_(0.05)
    return model


def _numpy(value: Any) -> np.ndarray | None:
    return None if value is None else value.detach().numpy().copy()


def _record_hooks(lib: Any, x_requires_grad: bool) -> tuple[list[Any], np.ndarray | None, list[np.ndarray]]:
    model = _model(lib)
    seen: list[Any] = []
    for name, module in (("first", model[0]), ("tanh", model[1]), ("model", model)):
        module.register_forward_pre_hook(lambda m, args, name=name: seen.append((name, "pre", _numpy(args[0]))))
        module.register_forward_hook(lambda m, args, out, name=name: seen.append((name, "fwd", _numpy(out))))
        module.register_full_backward_pre_hook(
            lambda m, go, name=name: seen.append((name, "bwd-pre", [_numpy(g) for g in go]))
        )
        module.register_full_backward_hook(
            lambda m, gi, go, name=name: seen.append(
                (name, "bwd", [_numpy(g) for g in gi], [_numpy(g) for g in go])
            )
        )
    x = lib.tensor(X, requires_grad=x_requires_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's (and our) warning when no input requires grad
        (model(x) ** 2).sum().backward()
    return seen, _numpy(x.grad) if x_requires_grad else None, [_numpy(p.grad) for p in model.parameters()]


def _assert_same(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
    elif isinstance(theirs, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    else:
        assert ours == theirs


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_hooks_fire_in_torchs_order_with_torchs_values(x_requires_grad: bool) -> None:
    torch = require_torch()
    ours, theirs = _record_hooks(tg, x_requires_grad), _record_hooks(torch, x_requires_grad)
    assert [event[:2] for event in ours[0]] == [event[:2] for event in theirs[0]]
    _assert_same(ours, theirs)


def test_hooks_that_replace_values_match_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        model = _model(lib)
        model[0].register_forward_pre_hook(lambda m, args: args[0] * 2.0)
        model[1].register_forward_hook(lambda m, args, out: out + 1.0)
        model[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 3.0,))
        model[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
        x = lib.tensor(X, requires_grad=True)
        out = model(x)
        (out**2).sum().backward()
        results.append([_numpy(out), _numpy(x.grad)] + [_numpy(p.grad) for p in model.parameters()])
    _assert_same(results[0], results[1])


def _hook_log(lib: Any) -> list[str]:
    log: list[str] = []
    layer = lib.nn.Linear(2, 2).double()
    first = layer.register_forward_hook(lambda m, a, o: log.append("first"))
    layer.register_forward_hook(lambda m, a, o: log.append("prepended"), prepend=True)
    layer.register_forward_pre_hook(lambda m, a, k: log.append(f"kwargs {sorted(k)}"), with_kwargs=True)
    layer.register_forward_hook(lambda m, a, k, o: log.append(f"post kwargs {sorted(k)}"), with_kwargs=True)
    layer(lib.tensor(X))
    first.remove()
    with layer.register_forward_hook(lambda m, a, o: log.append("scoped")):
        layer(lib.tensor(X))
    layer(lib.tensor(X))
    return log


def test_with_kwargs_prepend_and_remove_like_torch() -> None:
    torch = require_torch()
    ours = _hook_log(tg)
    assert ours == _hook_log(torch) and "scoped" in ours and ours.count("first") == 1


def test_bad_hook_results_raise_torchs_messages() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        layer = lib.nn.Linear(2, 1).double()
        handle = layer.register_forward_pre_hook(lambda m, a, k: 5, with_kwargs=True)
        with pytest.raises(RuntimeError, match=r"forward pre-hook must return None or a tuple of \(new_args, new_kw"):
            layer(lib.tensor(X))
        handle.remove()
        layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
        with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, got 2, bu"):
            layer(lib.tensor(X, requires_grad=True)).sum().backward()


def test_always_call_forward_hook_runs_when_forward_raises() -> None:
    log = []
    layer = nn.Linear(2, 1)
    layer.register_forward_hook(lambda m, a, o: log.append(o), always_call=True)
    with pytest.raises(RuntimeError):
        layer(tg.ones(3, 5))
    assert log == [None]


def test_no_hooks_means_no_hook_points_in_the_graph() -> None:
    layer = nn.Linear(2, 1)
    out = layer(tg.ones(3, 2))
    assert out.grad_fn.name() == "AddmmBackward0"
    layer.register_full_backward_hook(lambda m, gi, go: None)
    assert layer(tg.ones(3, 2)).grad_fn.name() == "BackwardHookFunctionBackward"


class _TwoOutputs(nn.Module):
    def forward(self, x: Any) -> Any:
        return x * 2.0, x * 3.0


def test_backward_hooks_refuse_what_they_cannot_report_but_not_under_no_grad() -> None:
    module = _TwoOutputs()
    module.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.raises(NotImplementedError, match="return one Value"):
        module(tg.ones(2, requires_grad=True))
    with tg.no_grad():
        first, second = module(tg.ones(2, requires_grad=True))
    assert first.tolist() == [2.0, 2.0] and second.tolist() == [3.0, 3.0]


class _Sum(nn.Module):
    def forward(self, x: Any, y: Any) -> Any:
        return x + y


def test_full_backward_hook_on_two_inputs_that_require_grad_is_refused() -> None:
    module = _Sum()
    module.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.raises(NotImplementedError, match="at most one input that requires grad"):
        module(tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True))
    out = module(tg.ones(2, requires_grad=True), tg.ones(2))  # one of them: fine
    assert out.tolist() == [2.0, 2.0]
