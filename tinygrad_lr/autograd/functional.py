"""`autograd.functional`: derivatives of a whole function, as torch computes them (reverse mode throughout).

For `f` from inputs x (a Value or a tuple of Values) to outputs y:
    vjp(f, x, v)    (f(x), v^T J)              J = dy/dx, shaped y.shape + x.shape
    jvp(f, x, v)    (f(x), J v)
    jacobian(f, x)  J; one per (output, input) pair when they are tuples
    hessian(f, x)   d^2 f / dx^2 of a scalar f, shaped x.shape + x.shape
    vhp(f, x, v)    (f(x), v^T H)              hvp(f, x, v): (f(x), H v); equal, as H is symmetric
Results are detached (no graph) unless `create_graph=True`; an output that does not depend on an input gives zeros
there, or with `strict=True` torch's error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr.autograd.api import grad
from tinygrad_lr.autograd.grad_mode import enable_grad
from tinygrad_lr.value import Value


def _as_tuple(x: Any, argument: str, function: str) -> tuple[bool, tuple[Value, ...]]:
    """(whether x was a tuple, x as a tuple), refusing anything but Values as torch does."""
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, item in enumerate(items):
        if not isinstance(item, Value):
            where = f"The {argument} given to {function} must be either a Tensor or a tuple of Tensors"
            raise TypeError(f"{where} but the value at index {i} has type {type(item).__name__}.")
    return is_tuple, items


def _prepare(inputs: tuple[Value, ...], create_graph: bool) -> tuple[Value, ...]:
    """Leaves to differentiate at: the inputs themselves under create_graph (so the graph reaches them), else
    detached copies of their memory."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(True) for x in inputs)


def _finish(values: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    return tuple(v if create_graph or v is None else v.detach() for v in values)


def _call(func: Callable[..., Any], inputs: tuple[Value, ...], function: str) -> tuple[bool, tuple[Value, ...]]:
    with enable_grad():
        outputs = func(*inputs)
    return _as_tuple(outputs, "outputs of the user-provided function", function)


def _grads(
    outputs: tuple[Value, ...], inputs: tuple[Value, ...], grad_outputs: tuple[Any, ...], create_graph: bool,
    strict: bool, function: str,
) -> tuple[Value, ...]:
    """d(sum_k <grad_outputs[k], outputs[k]>)/d(inputs), zeros where an input is not reached."""
    used = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if used:
        found = grad([o for o, _ in used], inputs, [g for _, g in used], retain_graph=True,
                     create_graph=create_graph, allow_unused=True)  # fmt: skip
    else:
        found = (None,) * len(inputs)
    results = []
    for i, (x, g) in enumerate(zip(inputs, found)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The output of the user-provided function is independent of input {i}. This is not allowed in "
                    "strict mode."
                )
            g = Value._make_const(np.zeros_like(x._data))
        results.append(g)
    return tuple(results)


def _vectors(v: Any, like: tuple[Value, ...], name: str, function: str) -> tuple[Value, ...]:
    if v is None:
        if len(like) != 1 or like[0].numel() != 1:
            raise RuntimeError(
                f"The vector v can only be None if the {name} is a single Tensor with a single element."
            )
        return (Value._make_const(np.ones_like(like[0]._data)),)
    _, vs = _as_tuple(v, "v", function)
    if len(vs) != len(like):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            raise RuntimeError(
                f"Entry {i} in v has invalid size: should be {b.shape} but got {a.shape}."
            )
    return vs


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> Any:
    """(func(inputs), v^T J): the vector-Jacobian product (what backward computes)."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
    xs = _prepare(xs, create_graph)
    out_tuple, ys = _call(func, xs, "vjp")
    vs = _vectors(v, ys, "user-provided function", "vjp")
    result = _finish(_grads(ys, xs, vs, create_graph, strict, "vjp"), create_graph)
    outputs = _finish(ys, create_graph)
    return (outputs if out_tuple else outputs[0]), (result if in_tuple else result[0])


def jacobian(
    func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """J = d func(inputs) / d inputs: for one output y and one input x, shaped y.shape + x.shape; tuples of these
    (outputs outer, inputs inner) when func returns a tuple or inputs is one. One backward pass per output element."""
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs '
            'than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".'
        )
    in_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    xs = _prepare(xs, create_graph)
    out_tuple, ys = _call(func, xs, "jacobian")
    rows = []
    for y in ys:
        per_input: list[list[Any]] = [[] for _ in xs]
        for k in range(y.numel()):
            seed = np.zeros(y._data.size, dtype=y._data.dtype)
            seed[k] = 1
            one_hot = Value._make_const(seed.reshape(y._data.shape))
            for i, g in enumerate(_grads((y,), xs, (one_hot,), create_graph, strict, "jacobian")):
                per_input[i].append(g)
        blocks = []
        for x, gs in zip(xs, per_input):
            if not gs:
                block = Value._make_const(np.zeros(y.shape + x.shape, dtype=x._data.dtype))
            else:
                from tinygrad_lr.ops.shape import stack  # the op table's stack keeps the graph (create_graph)

                block = stack(gs).reshape(tuple(y.shape) + tuple(x.shape))
            blocks.append(block if create_graph else block.detach())
        rows.append(tuple(blocks) if in_tuple else blocks[0])
    return tuple(rows) if out_tuple else rows[0]


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> Any:
    """(func(inputs), J v): the Jacobian-vector product, here contracted from the Jacobian."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
    vs = _vectors(v, xs, "input", "jvp")
    jac = jacobian(func, tuple(xs), create_graph=create_graph, strict=strict)
    with enable_grad():
        outputs = func(*(x if create_graph else x.detach() for x in xs))
    out_tuple, ys = _as_tuple(outputs, "outputs of the user-provided function", "jvp")
    if not out_tuple:
        jac = (jac,)
    products = []
    for row, y in zip(jac, ys):
        total: Any = None
        for block, x, vec in zip(row, xs, vs):
            flat = block.reshape(y.numel(), x.numel()) @ vec.reshape(x.numel()).to(block.dtype)
            total = flat if total is None else total + flat
        products.append(total.reshape(tuple(y.shape)))
    result = _finish(tuple(products), create_graph)
    ys = _finish(ys, create_graph)
    return (ys if out_tuple else ys[0]), (result if out_tuple else result[0])


def _scalar_function(func: Callable[..., Any], function: str) -> Callable[..., Any]:
    def checked(*xs: Any) -> Any:
        out = func(*xs)
        _, ys = _as_tuple(out, "outputs of the user-provided function", function)
        if len(ys) != 1 or ys[0].numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {function} should contain a single "
                               "element")  # fmt: skip
        return ys[0].reshape(())
    return checked


def hessian(
    func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """H = d^2 func / d inputs^2 of a scalar func: shaped x.shape + x.shape; a tuple of tuples for tuple inputs."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "hessian")
    scalar = _scalar_function(func, "hessian")

    def gradient(*points: Any) -> Any:
        return _grads((scalar(*points),), points, (None,), True, strict, "hessian")

    result = jacobian(gradient, xs, create_graph=create_graph, strict=strict)
    return result if in_tuple else result[0][0]


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> Any:
    """(func(inputs), v^T H) of a scalar func: a vjp of its gradient."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vhp")
    vs = _vectors(v, xs, "input", "vhp")
    scalar = _scalar_function(func, "vhp")
    points = _prepare(xs, True)
    with enable_grad():
        out = scalar(*points)
        gradients = _grads((out,), points, (None,), True, strict, "vhp")
    result = _finish(_grads(gradients, points, vs, create_graph, strict, "vhp"), create_graph)
    return _finish((out,), create_graph)[0], (result if in_tuple else result[0])


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> Any:
    """(func(inputs), H v): equal to vhp, the Hessian being symmetric."""
    return vhp(func, inputs, v, create_graph, strict)
