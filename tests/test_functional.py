"""torch-style free functions (tinygrad_lr.add, .pow, ...) agree with torch's, values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tl

CASES = {
    "add_alpha": lambda m, a, b: m.add(a, b, alpha=2.5),
    "sub_alpha": lambda m, a, b: m.sub(a, b, alpha=-0.5),
    "mul": lambda m, a, b: m.mul(a, b),
    "div": lambda m, a, b: m.div(a, b),
    "pow_tensor": lambda m, a, b: m.pow(a, b),
    "pow_scalar_base": lambda m, a, b: m.pow(2.0, b),
    "pow_scalar_exponent": lambda m, a, b: m.pow(a, 3),
    "neg": lambda m, a, b: m.neg(a) * b,
    "square": lambda m, a, b: m.square(a) + b,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_free_function_matches_torch(name: str) -> None:
    torch = require_torch()
    rng = np.random.default_rng(3)
    a_np = rng.uniform(0.5, 2.0, (3, 1))
    b_np = rng.uniform(0.5, 2.0, (1, 4))
    a, b = tl.tensor(a_np, requires_grad=True), tl.tensor(b_np, requires_grad=True)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    out, expected = CASES[name](tl, a, b), CASES[name](torch, ta, tb)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    for ours, theirs in ((a, ta), (b, tb)):
        if theirs.grad is None:
            assert ours.grad is None
        else:
            np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)
