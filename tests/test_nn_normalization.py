"""BatchNorm1d and LayerNorm against torch: outputs, gradients, running statistics, state_dict, reprs, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error, require_torch

import tinygrad_lr as tg
from tinygrad_lr.autograd import gradcheck

RNG = np.random.default_rng(3)
BATCHES = [RNG.standard_normal((5, 3)) * 2 + 1 for _ in range(3)]
BATCHES_3D = [RNG.standard_normal((4, 3, 6)) for _ in range(3)]


def _train_and_eval(lib: Any, make: Callable[[Any], Any], batches: list[np.ndarray], dtype: str) -> list[np.ndarray]:
    """Three training steps (outputs and all gradients each time), then the state and an evaluation output."""
    module = make(lib).to(getattr(lib, dtype))
    results = []
    for k, batch in enumerate(batches):
        x = lib.tensor(batch.astype(dtype), requires_grad=True)
        out = module(x)
        (out * lib.tensor(np.cos(np.arange(out.numel())).reshape(out.shape).astype(dtype))).sum().backward()
        results += [out.detach().numpy().copy(), x.grad.numpy().copy()]
        results += [p.grad.numpy().copy() for p in module.parameters()]
        module.zero_grad()
        if k == 0:
            results.append(np.array(sorted(module.state_dict())))
    results += [v.detach().numpy().copy() for v in module.state_dict().values()]
    module.eval()
    results.append(module(lib.tensor(batches[0].astype(dtype))).detach().numpy().copy())
    return results


MODULES: dict[str, tuple[Callable[[Any], Any], list[np.ndarray]]] = {
    "batchnorm 2d": (lambda lib: lib.nn.BatchNorm1d(3), BATCHES),
    "batchnorm 3d": (lambda lib: lib.nn.BatchNorm1d(3), BATCHES_3D),
    "batchnorm momentum None": (lambda lib: lib.nn.BatchNorm1d(3, momentum=None), BATCHES),
    "batchnorm no affine": (lambda lib: lib.nn.BatchNorm1d(3, affine=False), BATCHES),
    "batchnorm no bias": (lambda lib: lib.nn.BatchNorm1d(3, bias=False), BATCHES_3D),
    "batchnorm no running stats": (lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False), BATCHES),
    "layernorm": (lambda lib: lib.nn.LayerNorm(3), BATCHES),
    "layernorm 2 dims": (lambda lib: lib.nn.LayerNorm((3, 6)), BATCHES_3D),
    "layernorm no bias": (lambda lib: lib.nn.LayerNorm(6, bias=False), BATCHES_3D),
    "layernorm no affine": (lambda lib: lib.nn.LayerNorm(3, elementwise_affine=False, eps=1e-3), BATCHES),
}


@pytest.mark.slow  # 16 training runs, ours and torch's: ~2 s in all
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(MODULES))
def test_normalization_matches_torch(name: str, dtype: str) -> None:
    torch = require_torch()
    make, batches = MODULES[name]
    ours, theirs = _train_and_eval(tg, make, batches, dtype), _train_and_eval(torch, make, batches, dtype)
    assert len(ours) == len(theirs)
    tol = 1e-5 if dtype == "float32" else 1e-10
    for k, (got, expected) in enumerate(zip(ours, theirs)):
        if expected.dtype.kind in "fiu":
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=f"{name} item {k}")
        else:
            assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("make", [lambda: tg.nn.BatchNorm1d(3).double(), lambda: tg.nn.LayerNorm(3).double()])
def test_normalization_gradients_pass_gradcheck(make: Callable[[], Any]) -> None:
    module = make()
    x = tg.tensor(BATCHES[0], requires_grad=True)
    weight, bias = module.weight, module.bias
    assert gradcheck(lambda x, w, b: module(x) * w.sum() + b.sum(), (x, weight, bias))


def test_reprs_match_torch() -> None:
    torch = require_torch()
    for make in (
        lambda lib: lib.nn.BatchNorm1d(4),
        lambda lib: lib.nn.BatchNorm1d(4, eps=1e-3, momentum=None, affine=False),
        lambda lib: lib.nn.BatchNorm1d(4, bias=False, track_running_stats=False),
        lambda lib: lib.nn.LayerNorm((3, 4)),
        lambda lib: lib.nn.LayerNorm(3, bias=False),
    ):
        assert repr(make(tg)) == repr(make(torch))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)),
        lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
        lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 4)),
        lambda lib: lib.nn.BatchNorm1d(3, track_running_stats=False)(lib.ones(2, 4)),
        lambda lib: lib.nn.LayerNorm(3)(lib.ones(2, 4)),
    ],
)
def test_errors_use_torchs_words(call: Any) -> None:
    torch = require_torch()
    assert_same_error(lambda: call(torch), lambda: call(tg))


def test_batchnorm_in_eval_mode_accepts_a_single_sample() -> None:
    module = tg.nn.BatchNorm1d(2).eval()
    out = module(tg.tensor([[1.0, 2.0]]))
    np.testing.assert_allclose(out.detach().numpy(), [[1.0, 2.0]] / np.sqrt(1 + 1e-5), rtol=1e-6)
