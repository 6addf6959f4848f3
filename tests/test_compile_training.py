"""Training through a compiled Module (`model = torch.compile(model)`, the loss and backward() outside it): the
forward replays with its recorded backward, and every number, gradient and error is eager's (compiler/training.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as torch
from tinygrad_lr.compiler.tracer import TracedArray

nn = torch.nn
STEPS = 8
_rng = np.random.default_rng(0)
X = [torch.from_numpy(_rng.standard_normal((8, 4), dtype=np.float32)) for _ in range(3)]
Y = [torch.from_numpy(_rng.integers(0, 3, 8)) for _ in range(3)]
LOSS = nn.CrossEntropyLoss()


def _mlp() -> Any:
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))


def _normalized() -> Any:
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 3))


def _wide() -> Any:  # arrays large enough that the programs delete them after their last use
    return nn.Sequential(nn.Linear(4, 2048), nn.ReLU(), nn.Linear(2048, 3))


def _plain(model: Any, params: list[Any], i: int) -> Any:
    return LOSS(model(X[i % 3]), Y[i % 3])


def _penalty_outside(model: Any, params: list[Any], i: int) -> Any:
    return LOSS(model(X[i % 3]), Y[i % 3]) + 1e-2 * sum((p**2).sum() for p in params)


def _three_calls(model: Any, params: list[Any], i: int) -> Any:  # each parameter gets three contributions
    return sum(LOSS(model(X[k]), Y[k]) for k in range(3))


def _mean_of_output(model: Any, params: list[Any], i: int) -> Any:  # the upstream gradient is a broadcast view
    return model(X[i % 3]).mean()


def _input_requires_grad(model: Any, params: list[Any], i: int) -> Any:
    x = X[i % 3].clone().requires_grad_()
    _input_requires_grad.last = x  # type: ignore[attr-defined]
    return LOSS(model(x), Y[i % 3])


def _train(build: Callable[[], Any], loss_of: Callable[[Any, list[Any], int], Any], compiled: bool,
           accumulate: bool = False) -> tuple[list[Any], Any]:
    torch.manual_seed(0)
    module = build()
    params = list(module.parameters())
    optimizer = torch.optim.AdamW(params, lr=0.01)
    model = torch.compile(module) if compiled else module
    trail: list[Any] = []
    for i in range(STEPS):
        if not accumulate or i % 2 == 0:
            optimizer.zero_grad()
        loss = loss_of(model, params, i)
        loss.backward()
        if not accumulate or i % 2 == 1:
            optimizer.step()
        trail.append(loss.item())
        trail.extend(p.detach().numpy().copy() for p in params)
        trail.extend(p.grad.numpy().copy() for p in params)
        trail.extend(b.numpy().copy() for b in module.buffers())
        if loss_of is _input_requires_grad:
            trail.append(_input_requires_grad.last.grad.numpy().copy())  # type: ignore[attr-defined]
    return trail, model


@pytest.mark.parametrize("accumulate", [False, True], ids=["step_every_call", "accumulate_two_calls"])
@pytest.mark.parametrize("loss_of", [_plain, _penalty_outside, _three_calls, _mean_of_output, _input_requires_grad],
                         ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("build", [_mlp, _normalized, _wide], ids=["mlp", "batch_norm_dropout", "wide"])
def test_training_through_a_compiled_module_is_eager_bit_for_bit(build: Any, loss_of: Any, accumulate: bool) -> None:
    eager, _ = _train(build, loss_of, compiled=False, accumulate=accumulate)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compiled, model = _train(build, loss_of, compiled=True, accumulate=accumulate)
    assert len(eager) == len(compiled)
    for a, b in zip(eager, compiled):
        assert np.array_equal(a, b), (a, b)
    calls = STEPS * (3 if loss_of is _three_calls else 1)
    training = model._training
    assert not caught and training.n_fallbacks == 0
    assert training.n_replays >= calls - 6  # per .grad state: two eager calls and a trace
    if build is _wide:  # in the forward and in the backward
        assert all("del b" in part for part in training.traces[0].source.split("def _backward"))


def test_a_replayed_output_has_torch_s_node_listing_the_leaves_and_the_program_shows_the_backward() -> None:
    model = torch.compile(_mlp())
    for _ in range(4):
        out = model(X[0])
    assert out.grad_fn.name() == "CompiledFunctionBackward" and type(out._data) is np.ndarray
    leaves = [entry[0].variable for entry in out.grad_fn.next_functions]
    assert sorted(map(id, leaves)) == sorted(map(id, model.parameters()))
    listing = model.explain()
    assert "calls that build a graph (forward and backward)" in listing
    assert "backward (runs when a backward() reaches the output; b" in listing


def _replayed(build: Callable[[], Any] = _mlp) -> tuple[Any, Any]:
    module = build()
    model = torch.compile(module)
    for _ in range(4):
        model(X[0])
    assert model._training.n_replays == 1
    return module, model


@pytest.mark.parametrize("misuse", ["backward_twice", "update_before_backward"])
def test_errors_between_forward_and_backward_are_eager_s(misuse: str) -> None:
    messages = []
    for compiled in (False, True):
        torch.manual_seed(0)
        module = _mlp()
        model = _replayed(lambda m=module: m)[1] if compiled else module
        loss = LOSS(model(X[0]), Y[0])
        with pytest.raises(RuntimeError) as raised:
            if misuse == "backward_twice":
                loss.backward()
                loss.backward()
            else:
                with torch.no_grad():
                    module[2].weight.mul_(0.5)  # saved: the first layer's gradient goes through it
                loss.backward()
        messages.append(str(raised.value))
    # the same text, but for the node that saved the array (torch too names its compiled node there)
    eager, compiled = (m.replace("AddmmBackward0", "X").replace("CompiledFunctionBackward", "X") for m in messages)
    assert eager == compiled


def test_retain_graph_lets_backward_run_twice_as_eager() -> None:
    module, model = _replayed()
    loss = LOSS(model(X[1]), Y[1])
    loss.backward(retain_graph=True)
    once = module[0].weight.grad.numpy().copy()
    loss.backward()
    np.testing.assert_array_equal(module[0].weight.grad.numpy(), 2 * once)


def test_double_backward_through_a_compiled_module_raises_torch_s_error() -> None:
    module, model = _replayed()
    loss = LOSS(model(X[0]), Y[0])
    with pytest.raises(RuntimeError, match="torch.compile with aot_autograd does not currently support double "
                                           "backward"):
        torch.autograd.grad(loss, list(module.parameters()), create_graph=True)


def _tied() -> Any:
    shared = nn.Linear(4, 4)
    return nn.Sequential(shared, nn.Tanh(), shared, nn.Linear(4, 3))


class _TwoOutputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(4, 3)

    def forward(self, x: Any) -> Any:
        out = self.layer(x)
        return out, out.tanh()


class _AfterAnEncoder(nn.Module):  # the compiled part's input carries the encoder's graph
    def __init__(self) -> None:
        super().__init__()
        self.encoder, self.head = nn.Linear(4, 4), nn.Sequential(nn.Tanh(), nn.Linear(4, 3))
        self.compiled_head = torch.compile(self.head)

    def forward(self, x: Any) -> Any:
        return self.compiled_head(self.encoder(x))


@pytest.mark.parametrize(("build", "reason"), [
    (_tied, "twice in one forward"), (_TwoOutputs, "one Value"), (_AfterAnEncoder, "input made by a graph outside"),
], ids=["tied_weights", "two_outputs", "input_with_a_graph"])
def test_what_the_recorded_backward_cannot_repeat_trains_eagerly_and_says_why(build: Any, reason: str) -> None:
    trails = []
    for compiled in (False, True):
        torch.manual_seed(0)
        module = build()
        model = torch.compile(module) if compiled and build is not _AfterAnEncoder else module
        optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(5):
                optimizer.zero_grad()
                out = model(X[0]) if compiled or build is not _AfterAnEncoder else module.head(module.encoder(X[0]))
                loss = LOSS(out if isinstance(out, torch.Value) else out[0] + out[1], Y[0])
                loss.backward()
                optimizer.step()
                trails.append([loss.item(), *(p.detach().numpy().copy() for p in module.parameters())])
    for a, b in zip(trails[:5], trails[5:]):
        assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert len(caught) == 1 and reason in str(caught[0].message)
    training = (module.compiled_head if build is _AfterAnEncoder else model)._training
    assert training.n_replays == 0 and training.n_fallbacks == 3  # the trace and two calls
    assert all(type(p._data) is np.ndarray for p in module.parameters())
    assert not any(type(p.grad._data) is TracedArray for p in module.parameters())


def test_inference_under_no_grad_goes_through_the_program_without_a_graph() -> None:
    module, model = _replayed()
    with torch.no_grad():
        for _ in range(4):
            out = model(X[2])
    assert out.grad_fn is None and model._compiled.n_replays == 1
    np.testing.assert_array_equal(out.numpy(), module(X[2]).detach().numpy())


def test_a_gradient_hook_runs_once_per_backward_and_its_module_trains_eagerly() -> None:
    """A hook on a parameter would run inside the recorded backward as well as in the call's own: the call that
    finds one does not record, so the hook runs as often as eagerly, with the same numbers."""
    runs = []
    for compiled in (False, True):
        torch.manual_seed(0)
        module = _mlp()
        calls: list[int] = []
        module[0].weight.register_hook(lambda grad, calls=calls: (calls.append(1), grad * 0.5)[1])
        model = torch.compile(module) if compiled else module
        optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
        trail: list[Any] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i in range(6):
                optimizer.zero_grad()
                LOSS(model(X[i % 3]), Y[i % 3]).backward()
                optimizer.step()
                trail.extend(p.detach().numpy().copy() for p in module.parameters())
        runs.append((trail, len(calls)))
    (eager, eager_calls), (compiled_trail, compiled_calls) = runs
    assert eager_calls == compiled_calls == 6
    assert all(np.array_equal(a, b) for a, b in zip(eager, compiled_trail))
    assert "gradient hook" in str(caught[0].message) and model._training.n_replays == 0
