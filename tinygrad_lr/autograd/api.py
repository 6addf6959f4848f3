"""`backward` and `grad`: the user-facing entry points to the engine, with torch's checks and messages."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr.arguments import as_tuple
from tinygrad_lr.autograd.engine import _accumulate, run_backward
from tinygrad_lr.value import Value


def _seed_gradients(outputs: Sequence[Value], grad_outputs: Sequence[Any], create_graph: bool) -> list[Any]:
    """The gradient each output starts with: given, or 1 for a one-element output."""
    seeds = []
    for i, out in enumerate(outputs):
        given = grad_outputs[i] if i < len(grad_outputs) else None
        if given is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = np.array(1, dtype=out._data.dtype).reshape(out._data.shape)  # np.ones, without its overhead
            seeds.append(Value._make_const(seed) if create_graph else seed)
            continue
        if not isinstance(given, Value):
            given = Value(given)
        if given.shape != out.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {given.shape!r} and "
                f"output[{i}] has a shape of {out.shape!r}."
            )
        if given._data.dtype != out._data.dtype:
            given = given.to(out._data.dtype)
        seeds.append(given if create_graph else given._data)
    return seeds


def _graph_entries(outputs: Sequence[Value]) -> list[Any]:
    entries = []
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        entries.append(out if out._grad_fn is None else out._grad_fn)
    return entries


def backward(
    tensors: Value | Sequence[Value],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's `.grad` (the sum over outputs, each weighted by its grad)."""
    outputs = as_tuple(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
            "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
            "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
            "to None after use to break the cycle and avoid the leak.",
            UserWarning,
            stacklevel=3,
        )
    entries = _graph_entries(outputs)
    seeds = _seed_gradients(outputs, as_tuple(grad_tensors), create_graph)
    if inputs is None:
        run_backward(entries, seeds, retain_graph, create_graph)
        return
    # Only the listed inputs receive gradients: capture everything, then accumulate into those.
    targets = as_tuple(inputs)
    capture = {_capture_key(t): None for t in targets}
    run_backward(entries, seeds, retain_graph, create_graph, capture)
    for t in targets:
        g = capture[_capture_key(t)]
        if g is not None:
            _accumulate(t, g, create_graph)


def _capture_key(t: Value) -> Any:
    if not t._requires_grad:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return t if t._grad_fn is None else t._grad_fn


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Value | None, ...]:
    """Return d(outputs)/d(inputs) as a tuple, one entry per input, without touching any `.grad`."""
    outs = as_tuple(outputs)
    ins = as_tuple(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    entries = _graph_entries(outs)
    seeds = _seed_gradients(outs, as_tuple(grad_outputs), create_graph)
    keys = [_capture_key(t) for t in ins]
    capture: dict[Any, Any] = {k: None for k in keys}
    run_backward(entries, seeds, retain_graph, create_graph, capture)
    results: list[Value | None] = []
    for i, (t, key) in enumerate(zip(ins, keys)):
        g = capture[key]
        if g is None:
            if materialize_grads:
                results.append(Value._make_const(np.zeros_like(t._data)))
                continue
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            results.append(None)
            continue
        if isinstance(g, Value):
            results.append(g)
        else:
            results.append(Value._make_const(np.array(g, dtype=t._data.dtype, copy=True)))
    return tuple(results)
