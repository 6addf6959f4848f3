"""einsum, and cdist: products and distances written by index."""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from tinygrad_lr import arguments
from tinygrad_lr.autograd.function import Function
from tinygrad_lr.ops import dual
from tinygrad_lr.ops.reduce import Norm
from tinygrad_lr.ops.table import function_only
from tinygrad_lr.promotion import as_value, promote_all
from tinygrad_lr.value import Value


def _parse(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """The subscripts of each operand and of the output, with '...' written out as letters and the implicit
    output (the letters used once, in alphabetical order) made explicit."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(shapes) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    spare = [c for c in string.ascii_letters if c not in equation]
    widest = max((len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes) if "..." in t), default=0)
    ellipsis = "".join(spare[:widest])
    written: list[str] = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            count = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[widest - count:])
        if len(term) != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(term)}) does not match "
                               f"the number of dimensions ({len(shape)}) for operand {len(written)}"
                               + (" and no ellipsis was given" if "..." not in term else ""))
        written.append(term)
    if arrow:
        output = output.replace("...", ellipsis)
    else:
        letters = "".join(written)
        output = ellipsis + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis))
    return written, output


class Einsum(Function):
    """sum over the repeated letters of the product of the operands;  d operand_i = einsum of g with the other
    operands, written to operand i's letters (broadcast over letters only it has, onto its diagonals)."""

    torch_name = "EinsumBackward"

    @staticmethod
    def forward(ctx: Any, equation: tuple[list[str], str], *arrays: Any) -> Any:
        terms, output = equation
        ctx.terms, ctx.output, ctx.shapes = terms, output, [a.shape for a in arrays]
        ctx.save_for_backward(*arrays)
        return np.asarray(np.einsum(",".join(terms) + "->" + output, *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        arrays = ctx.saved_tensors
        grads: list[Any] = [None]
        for i, term in enumerate(ctx.terms):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for k, t in enumerate(ctx.terms) if k != i]
            known = set(ctx.output).union(*others)
            target = "".join(dict.fromkeys(c for c in term if c in known))
            operands = [g] + [a for k, a in enumerate(arrays) if k != i]
            sizes = dict(zip(term, ctx.shapes[i]))
            partial = _einsum([ctx.output, *others], target, operands)
            letters = "".join(dict.fromkeys(term))
            if target != letters:  # letters only operand i has: the gradient is the same along them
                kept = partial.reshape([sizes[c] if c in target else 1 for c in letters])
                partial = dual.broadcast_to(kept, tuple(sizes[c] for c in letters))
            if letters != term:  # a repeated letter: the gradient lives on that diagonal (times identities)
                partial = _on_diagonals(term, letters, partial, sizes)
            grads.append(partial)
        return tuple(grads)


def _on_diagonals(term: str, letters: str, partial: Any, sizes: dict[str, int]) -> Any:
    """`partial` (indexed by the distinct letters) written onto the diagonals of an operand indexed by `term`:
    each repeated occurrence of a letter gets a fresh letter tied to the first by an identity matrix."""
    spare = iter(c for c in string.ascii_letters if c not in term)
    written, identities = "", []
    for c in term:
        if c in written:
            fresh = next(spare)
            identities.append((c + fresh, np.eye(sizes[c], dtype=partial.dtype)))
            written += fresh
        else:
            written += c
    terms = [letters] + [t for t, _ in identities]
    return _einsum(terms, written, [partial] + [eye for _, eye in identities])


def _einsum(terms: list[str], output: str, operands: list[Any]) -> Any:
    if any(dual.is_value(o) for o in operands):
        return Einsum.apply((terms, output), *operands)
    return np.einsum(",".join(terms) + "->" + output, *operands)


@function_only
def einsum(equation: str, *operands: Any) -> Value:
    """Products summed over repeated letters, as torch.einsum ('ij,jk->ik' is a matrix product, 'ii' the
    trace, 'bi,bi->b' batched dot products; '...' stands for leading dims)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    values = promote_all([as_value(o) for o in operands], "einsum")
    terms, output = _parse(equation, [v._data.shape for v in values])
    sizes: dict[str, int] = {}
    for k, (term, v) in enumerate(zip(terms, values)):
        for letter, size in zip(term, v._data.shape):
            seen = sizes.setdefault(letter, size)
            if size != seen and 1 not in (size, seen):
                raise RuntimeError(f"einsum(): subscript {letter} has size {size} for operand {k} which does not "
                                   f"broadcast with previously seen size {seen}")
            sizes[letter] = max(seen, size)
    # a letter of size 1 next to a larger one broadcasts (torch does; NumPy's einsum does not): expand it
    values = [v.expand(*(sizes[c] for c in term)) if v._data.shape != tuple(sizes[c] for c in term) else v
              for term, v in zip(terms, values)]
    return Einsum.apply((terms, output), *values)


class Cdist(Norm):
    """The p-norm distances of the difference rows: Norm's rule (0 for equal rows), torch's name."""

    torch_name = "CdistBackward0"


@function_only
def cdist(x1: Any, x2: Any, p: float = 2.0, compute_mode: Any = None) -> Value:
    """The p-norm distance between each row of x1 (..., n, d) and each row of x2 (..., m, d): (..., n, m)."""
    a, b = as_value(x1), as_value(x2)
    if a._data.ndim < 2 or b._data.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if a._data.ndim < 2 else 2} got: "
                           f"{min(a._data.ndim, b._data.ndim)}D")
    if a._data.shape[-1] != b._data.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a._data.shape[-1]} X2: "
                           f"{b._data.shape[-1]}")
    if a._data.dtype.kind != "f" or b._data.dtype.kind != "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X{1 if a._data.dtype.kind != 'f' else 2} got: "
                           f"{arguments.torch_dtype_name(a.dtype if a._data.dtype.kind != 'f' else b.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    difference = a.unsqueeze(-2) - b.unsqueeze(-3)
    if p == float("inf"):
        return difference.abs().amax(-1)
    return Cdist.apply(difference, float(p), (difference.ndim - 1,), False)
