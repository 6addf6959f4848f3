"""Local derivatives of the common ops, in words (`d/da = b`) and, given the op's input values, in numbers.

The chain rule at an op with output out = f(a, b) and incoming gradient g = dloss/dout sends g * dout/da to a: the
drawing writes dout/da as `d/da`. For elementwise ops the local derivative is an array of a's shape (after
broadcasting); for matrix products and reductions it is a linear map, so those are written as what they send
(`a gets g @ bᵀ`, g being the incoming gradient) and given no numbers. An op missing from the table shows the first
line of its Function's docstring, which states its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import Node

# Function class name -> the local derivative for each input, in words
WORDS: dict[str, tuple[str, ...]] = {
    "Add": ("d/da = 1", "d/db = 1"),
    "Sub": ("d/da = 1", "d/db = -1"),
    "Mul": ("d/da = b", "d/db = a"),
    "Div": ("d/da = 1/b", "d/db = -a/b²"),
    "Neg": ("d/da = -1",),
    "Pow": ("d/da = b·a^(b-1)", "d/db = a^b·ln a"),
    "Exp": ("d/da = e^a = out",),
    "Log": ("d/da = 1/a",),
    "Sqrt": ("d/da = 1/(2·√a)",),
    "Sin": ("d/da = cos a",),
    "Cos": ("d/da = -sin a",),
    "Abs": ("d/da = sign(a)",),
    "Tanh": ("d/da = 1 - out²",),
    "Sigmoid": ("d/da = out·(1 - out)",),
    "Relu": ("d/da = 1 where a > 0, else 0",),
    "Sum": ("d/da = 1 for each summed element",),
    "Mean": ("d/da = 1/N for each of the N elements",),
    "MatMul": ("a gets g @ bᵀ", "b gets aᵀ @ g"),
    "Linear": ("x gets g @ W", "W gets gᵀ @ x", "b gets g summed over rows"),
    "MSELoss": ("d/dx = 2·(x - y)/N", "d/dy = -2·(x - y)/N"),
}


def _pow_scalar_words(node: Node) -> tuple[str, ...]:
    c = getattr(node, "exponent", None)
    if c is None:
        return ("d/da = c·a^(c-1)",)
    if c == 2:
        return ("d/da = 2·a",)
    return (f"d/da = {_num(c)}·a^{_num(c - 1)}",)


def words(node: Node) -> tuple[str, ...]:
    """The local derivative for each input of `node`, in words (one string per input that has one)."""
    name = node._function.__name__
    if name == "PowScalar":
        return _pow_scalar_words(node)
    if name in WORDS:
        found = WORDS[name]
        if name == "MSELoss" and getattr(node, "scale", None) == 2.0:  # reduction 'sum' or 'none': no 1/N
            return ("d/dx = 2·(x - y)", "d/dy = -2·(x - y)")
        return found
    doc = node._function.__doc__
    rule = doc.strip().splitlines()[0] if doc and doc.strip() else f"see {name}.backward"
    return (f"rule: {rule}",)


Numbers = Callable[[Node, Sequence[Any], Any], tuple[Any, ...]]


def _pow_scalar(node: Node, x: Sequence[Any], out: Any) -> tuple[Any, ...]:
    c = node.exponent  # type: ignore[attr-defined]
    return (np.zeros_like(x[0]) if c == 0 else c * x[0] ** (c - 1),)


def _mse(node: Node, x: Sequence[Any], out: Any) -> tuple[Any, ...]:
    local = node.scale * (x[0] - x[1])  # type: ignore[attr-defined]
    return local, -local


NUMBERS: dict[str, Numbers] = {
    "Add": lambda node, x, out: (np.float64(1), np.float64(1)),  # (each element: 1, whatever the shapes)
    "Sub": lambda node, x, out: (np.float64(1), np.float64(-1)),
    "Mul": lambda node, x, out: (x[1], x[0]),
    "Div": lambda node, x, out: (1 / x[1], -x[0] / x[1] ** 2),
    "Neg": lambda node, x, out: (np.float64(-1),),
    "PowScalar": _pow_scalar,
    "Exp": lambda node, x, out: (out,),
    "Log": lambda node, x, out: (1 / x[0],),
    "Sqrt": lambda node, x, out: (1 / (2 * out),),
    "Sin": lambda node, x, out: (np.cos(x[0]),),
    "Cos": lambda node, x, out: (-np.sin(x[0]),),
    "Tanh": lambda node, x, out: (1 - out * out,),
    "Sigmoid": lambda node, x, out: (out * (1 - out),),
    "Relu": lambda node, x, out: ((x[0] > 0).astype(np.float64),),
    "MSELoss": _mse,
}


NEEDS_OUTPUT = {"Exp", "Sqrt", "Tanh", "Sigmoid"}  # rules written with the op's output


def numbers(node: Node, inputs: Sequence[Any], output: Any) -> tuple[Any, ...] | None:
    """The local derivative for each input, as arrays, from the op's input values and output (None when a value it
    needs is not known, or for ops whose derivative is not elementwise)."""
    rule = NUMBERS.get(node._function.__name__)
    if rule is None or (output is None and node._function.__name__ in NEEDS_OUTPUT):
        return None
    name = node._function.__name__
    needed = 0 if name in ("Add", "Sub", "Neg") else 2 if name in ("Mul", "Div", "MSELoss") else 1
    if any(value is None for value in inputs[:needed]):
        return None
    arrays = [np.asarray(value, dtype=np.float64) for value in inputs[:needed]]
    with np.errstate(all="ignore"):
        out = None if output is None else np.asarray(output, dtype=np.float64)
        return tuple(np.asarray(local) for local in rule(node, arrays, out))


def _num(x: Any) -> str:
    return f"{float(x):g}"
