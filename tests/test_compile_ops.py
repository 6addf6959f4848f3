"""Every op of tests/op_cases.py compiled: forward and backward replayed give eager's numbers, bit for bit.

For each drawn sample, a function computes the op, weights each output by a fixed random gradient and runs
backward; it is called through `compile` until its program replays (each op's must: with the same inputs, no
branch on data goes another way), and its outputs and the inputs' gradients compared with an eager call's.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_cases import MAX_EXAMPLES, OP_CASES, OpCase, rng_from

import tinygrad_lr as tg

CALLS = 4  # two eager calls, a trace, a replay
EXAMPLES = max(1, MAX_EXAMPLES // 8)  # each example traces and compiles a program: fewer than the op tests


def _outputs(result: Any) -> list[Any]:
    return [r for r in (result if isinstance(result, tuple) else (result,)) if isinstance(r, tg.Value)]


def _run(arrays: list[np.ndarray], compiled: Any) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
    inputs = [tg.tensor(a, requires_grad=True) for a in arrays]
    outputs = compiled(*inputs)
    grads = [None if x.grad is None else x.grad.numpy().copy() for x in inputs]
    return [o.numpy().copy() for o in outputs], grads


@pytest.mark.parametrize("case", OP_CASES, ids=repr)
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_an_op_compiled_gives_eager_numbers(case: OpCase, data: Any) -> None:
    sample = case.draw(data)
    rng = rng_from(data)
    probe = _outputs(case.ours(*[tg.tensor(a, requires_grad=True) for a in sample.arrays], **sample.params))
    weights = [rng.standard_normal(o.shape) for o in probe]

    def forward_backward(*inputs: Any) -> Any:
        outputs = _outputs(case.ours(*inputs, **sample.params))
        total = None
        for o, w in zip(outputs, weights):
            if o.requires_grad and o.dtype.is_floating_point:
                term = (o * tg.tensor(w, dtype=o.dtype)).sum()
                total = term if total is None else total + term
        if total is not None:
            total.backward()
        return tuple(o.detach() for o in outputs)

    eager = _run(list(sample.arrays), forward_backward)
    compiled = tg.compile(forward_backward)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # an op that cannot be replayed says so and runs eagerly
        for _ in range(CALLS):
            result = _run(list(sample.arrays), compiled)
    # every op replays: its fourth call, with the same inputs, runs the program
    assert compiled.n_replays == 1, f"{case.name}: {[str(w.message) for w in caught]}"
    for k, (a, b) in enumerate(zip(eager[0], result[0])):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), f"{case.name}: output {k}"
    for k, (a, b) in enumerate(zip(eager[1], result[1])):
        assert (a is None) == (b is None), f"{case.name}: gradient {k} presence"
        if a is not None:
            assert np.array_equal(a, b, equal_nan=True), f"{case.name}: gradient {k}"
