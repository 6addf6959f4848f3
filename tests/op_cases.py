"""The table of differentiable ops that test_ops_gradcheck.py and test_ops_torch.py both check.

Each `OpCase` says how to draw valid inputs, how to call the op in tinygrad_lr and how in torch:

- shapes come from hypothesis: 0-d, size-1 dims and broadcasting pairs ((3,1) with (1,4), (2,3) with (3,), 0-d
  with (2,3)), plus whatever `mutually_broadcastable_shapes` finds;
- values come from a NumPy generator seeded by hypothesis, drawn from the op's domain (positive for log and sqrt)
  and kept away from kinks and ties (abs and relu at 0, clamp at its bounds, equal elements for max), so central
  differences with eps=1e-6 are exact up to rounding;
- `ours(*values, **params)` calls tinygrad_lr, `theirs(torch, *tensors, **params)` calls torch (passed in, as
  torch is a test-only dependency and the gradcheck tests run without it).

An op may return a tuple (max(dim) gives values and indices); every element is compared.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import tinygrad_lr as tg

# Raise for a long local hunt for bugs: OPS_MAX_EXAMPLES=500 python -m pytest tests/test_ops_torch.py
MAX_EXAMPLES = int(os.environ.get("OPS_MAX_EXAMPLES", "25"))

Shape = tuple[int, ...]

CLASSIC_PAIRS: list[tuple[Shape, Shape]] = [
    ((3, 1), (1, 4)),
    ((2, 3), (3,)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 1, 3), (4, 1)),
    ((1,), (3, 1)),
    ((), ()),
]


@dataclass(frozen=True)
class Sample:
    """One drawn input: the float arrays to differentiate (float64) and every other argument."""

    arrays: tuple[np.ndarray, ...]
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # NumPy's generators return scalars for shape (): make every input a float64 array
        object.__setattr__(self, "arrays", tuple(np.array(a, dtype=np.float64) for a in self.arrays))


@dataclass(frozen=True)
class OpCase:
    name: str
    draw: Callable[[Any], Sample]  # hypothesis DataObject -> Sample
    ours: Callable[..., Any]  # ours(*values, **params)
    theirs: Callable[..., Any]  # theirs(torch, *tensors, **params)
    second_order: bool = True  # also run gradgradcheck (the backward itself differentiated)
    eps: float = 1e-6  # gradcheck step

    def __repr__(self) -> str:
        return self.name


# ----- drawing shapes --------------------------------------------------------------------------
def any_shape(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 3) -> st.SearchStrategy:
    """Shapes up to 3-d with sides 1-3, 0-d included: small enough for a full Jacobian."""
    return array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def broadcast_shapes(count: int = 2) -> st.SearchStrategy:
    drawn = mutually_broadcastable_shapes(num_shapes=count, min_dims=0, max_dims=3, min_side=1, max_side=3).map(
        lambda result: result.input_shapes
    )
    if count != 2:
        return drawn
    return st.one_of(st.sampled_from(CLASSIC_PAIRS), drawn)


def rng_from(data: Any) -> np.random.Generator:
    return np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))


def dim_of(data: Any, ndim: int, extra: int = 0) -> int:
    """A valid dim for a tensor of `ndim` dims (`extra`=1 for unsqueeze/stack), negative forms included."""
    size = max(ndim + extra, 1)
    return data.draw(st.integers(-size, size - 1), label="dim")


def reduction_dims(data: Any, ndim: int) -> Any:
    """None, one dim, or a tuple of distinct dims (negative forms included)."""
    if ndim == 0:
        return data.draw(st.sampled_from([None, 0, -1]), label="dim")
    choice = data.draw(st.sampled_from(["all", "one", "several"]), label="dim kind")
    if choice == "all":
        return None
    if choice == "one":
        return dim_of(data, ndim)
    axes = data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True), label="dims")
    return tuple(a - ndim if data.draw(st.booleans(), label="negative") else a for a in axes)


def reduced_count(shape: Shape, dim: Any) -> int:
    if dim is None or not shape:
        return int(np.prod(shape))
    axes = {d % len(shape) for d in (dim if isinstance(dim, tuple) else (dim,))}
    return int(np.prod([shape[a] for a in axes]))


# ----- drawing values --------------------------------------------------------------------------
def real(rng: np.random.Generator, shape: Shape, scale: float = 1.0) -> np.ndarray:
    return rng.standard_normal(shape) * scale


def positive(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    return rng.uniform(0.5, 2.0, shape)


def nonzero(rng: np.random.Generator, shape: Shape, low: float = 0.2) -> np.ndarray:
    """|x| in [low, 2]: away from the kink at 0 of abs, relu, leaky_relu and from poles."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(low, 2.0, shape)


def grid(rng: np.random.Generator, shape: Shape, offset: float = 0.0) -> np.ndarray:
    """Values on (k + offset) * 0.3: two grids with offsets 0 and 0.5 never meet, so maximum(a, b) has no ties."""
    return (rng.integers(-6, 6, shape) + offset) * 0.3


def distinct(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Distinct values 0.3 apart, so max/min reductions have a single winner."""
    size = int(np.prod(shape))
    return ((rng.permutation(size) - size / 2 + 0.25) * 0.3).reshape(shape)


def away_from(x: np.ndarray, points: list[float], gap: float = 0.05) -> np.ndarray:
    """Move values within `gap` of a kink to 2 * gap past it."""
    x = np.array(x, dtype=np.float64)
    for p in points:
        close = np.abs(x - p) < gap
        x[close] = p + 2 * gap
    return x


# ----- draw functions, one per kind of op ----------------------------------------------------
def unary(values: Callable[..., np.ndarray] = real, **shape_args: Any) -> Callable[[Any], Sample]:
    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(**shape_args), label="shape")
        return Sample((values(rng_from(data), shape),))

    return draw


def binary(left: Callable[..., np.ndarray] = real, right: Callable[..., np.ndarray] = real) -> Callable[[Any], Sample]:
    def draw(data: Any) -> Sample:
        shape_a, shape_b = data.draw(broadcast_shapes(2), label="shapes")
        rng = rng_from(data)
        return Sample((left(rng, shape_a), right(rng, shape_b)))

    return draw


def draw_pow_scalar(data: Any) -> Sample:
    exponent = data.draw(st.sampled_from([2, 3, 1, 0, -1, -2, 0.5, -1.5, 2.5]), label="exponent")
    shape = data.draw(any_shape(), label="shape")
    rng = rng_from(data)
    base = positive(rng, shape) if isinstance(exponent, float) else nonzero(rng, shape, low=0.5)
    return Sample((base,), {"exponent": exponent})


def draw_matmul(data: Any) -> Sample:
    n, k, m, b, c = (data.draw(st.integers(1, 3), label=name) for name in "nkmbc")
    shapes = data.draw(
        st.sampled_from(
            [
                ((k,), (k,)),
                ((k,), (k, m)),
                ((n, k), (k,)),
                ((n, k), (k, m)),
                ((b, n, k), (k, m)),
                ((n, k), (b, k, m)),
                ((b, n, k), (b, k, m)),
                ((b, 1, n, k), (c, k, m)),
                ((b, n, k), (k,)),
                ((k,), (b, k, m)),
            ]
        ),
        label="shapes",
    )
    rng = rng_from(data)
    return Sample(tuple(real(rng, s) for s in shapes))


def draw_reduction(values: Callable[..., np.ndarray] = real) -> Callable[[Any], Sample]:
    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(), label="shape")
        dim = reduction_dims(data, len(shape))
        keepdim = data.draw(st.booleans(), label="keepdim")
        return Sample((values(rng_from(data), shape),), {"dim": dim, "keepdim": keepdim})

    return draw


def draw_max_dim(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample(
        (distinct(rng_from(data), shape),),
        {"dim": dim_of(data, len(shape)), "keepdim": data.draw(st.booleans(), label="keepdim")},
    )


def spread(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Distinct values at least 0.3 apart: std is away from its kink at 0, where its second derivative's terms
    (each ~1/std) cancel and float32 leaves only rounding noise to compare."""
    return distinct(rng, shape) + rng.uniform(0.0, 0.1, shape)


def draw_variance(min_count: int, values: Callable[[np.random.Generator, Shape], np.ndarray] = real
                  ) -> Callable[[Any], Sample]:
    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(min_dims=1, min_side=1, max_side=4), label="shape")
        dim = reduction_dims(data, len(shape))
        options = data.draw(
            st.sampled_from([{}, {"unbiased": False}, {"unbiased": True}, {"correction": 0}, {"correction": 2}]),
            label="correction",
        )
        correction = options.get("correction", 0 if options.get("unbiased") is False else 1)
        assume(reduced_count(shape, dim) - correction >= 1 and reduced_count(shape, dim) >= min_count)
        keepdim = data.draw(st.booleans(), label="keepdim")
        return Sample((values(rng_from(data), shape),), {"dim": dim, "keepdim": keepdim, **options})

    return draw


def draw_norm(data: Any) -> Sample:
    """A p-norm over some dims: away from 0 (the kink of |x|), p from each of torch's backward formulas."""
    shape = data.draw(any_shape(), label="shape")
    p = data.draw(st.sampled_from([2, 3, 1.5, 1, 0.5, "fro", float("inf"), -float("inf")]), label="p")
    values = distinct if p in (float("inf"), -float("inf")) else nonzero  # inf norms: a single largest |x|
    dim = reduction_dims(data, len(shape))
    assume(not (p == "fro" and isinstance(dim, (tuple, list)) and len(dim) > 2))  # torch refuses, and so do we
    return Sample((values(rng_from(data), shape),), {"p": p, "dim": dim,
                                                    "keepdim": data.draw(st.booleans(), label="keepdim")})


def draw_reshape(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    size = int(np.prod(shape))
    targets = [(size,), (-1,), tuple(reversed(shape)), shape + (1,), (1,) + shape]
    if len(shape) >= 2:
        targets.append((shape[0], -1))
    if size == 1:
        targets.append(())
    target = data.draw(st.sampled_from(targets), label="target")
    return Sample((real(rng_from(data), shape),), {"shape": target})


def draw_flatten(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    ndim = max(len(shape), 1)
    start = data.draw(st.integers(0, ndim - 1), label="start")
    end = data.draw(st.integers(start, ndim - 1), label="end")
    if data.draw(st.booleans(), label="negative end"):
        end -= ndim
    return Sample((real(rng_from(data), shape),), {"start_dim": start, "end_dim": end})


def draw_squeeze(data: Any) -> Sample:
    shape = data.draw(any_shape(max_side=2), label="shape")
    kind = data.draw(st.sampled_from(["all", "one", "several"]), label="squeeze kind")
    params: dict[str, Any] = {}
    if kind == "one":
        params["dim"] = dim_of(data, len(shape))
    elif kind == "several" and shape:
        params["dim"] = tuple(data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=3)))
    return Sample((real(rng_from(data), shape),), params)


def draw_unsqueeze(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample((real(rng_from(data), shape),), {"dim": dim_of(data, len(shape), extra=1)})


def draw_transpose(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample(
        (real(rng_from(data), shape),), {"dim0": dim_of(data, len(shape)), "dim1": dim_of(data, len(shape))}
    )


def draw_permute(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    order = data.draw(st.permutations(range(len(shape))), label="order")
    order = [d - len(shape) if data.draw(st.booleans(), label="negative") else d for d in order]
    return Sample((real(rng_from(data), shape),), {"dims": tuple(order)})


def draw_expand(data: Any) -> Sample:
    shape = data.draw(any_shape(max_side=2), label="shape")
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2), label="new leading sizes")
    sizes = [
        (data.draw(st.sampled_from([1, 3]), label="size") if s == 1 else data.draw(st.sampled_from([s, -1])))
        for s in shape
    ]
    return Sample((real(rng_from(data), shape),), {"sizes": tuple(lead) + tuple(sizes)})


def draw_mm(data: Any) -> Sample:
    n, k, m = (data.draw(st.integers(1, 3), label=name) for name in "nkm")
    rng = rng_from(data)
    return Sample((real(rng, (n, k)), real(rng, (k, m))))


def draw_split(data: Any) -> Sample:
    """A split size (the last piece may be shorter) or a list of section sizes, along any dim."""
    shape = data.draw(any_shape(min_dims=1, max_side=4), label="shape")
    dim = dim_of(data, len(shape))
    size = shape[dim]
    if data.draw(st.booleans(), label="sections"):
        first = data.draw(st.integers(0, size), label="first section")
        sections: Any = [first, size - first]
    else:
        sections = data.draw(st.integers(1, size), label="split size")
    return Sample((real(rng_from(data), shape),), {"sections": sections, "dim": dim})


def draw_chunk(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1, max_side=4), label="shape")
    chunks = data.draw(st.integers(1, 4), label="chunks")
    return Sample((real(rng_from(data), shape),), {"chunks": chunks, "dim": dim_of(data, len(shape))})


def draw_repeat(data: Any) -> Sample:
    shape = data.draw(any_shape(max_side=2), label="shape")
    lead = data.draw(st.lists(st.integers(1, 2), max_size=1), label="new leading repeats")
    reps = data.draw(st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape)), label="repeats")
    return Sample((real(rng_from(data), shape),), {"sizes": tuple(lead) + tuple(reps)})


def _slice_for(data: Any, size: int) -> slice:
    start = data.draw(st.one_of(st.none(), st.integers(-size, size)), label="start")
    stop = data.draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)), label="stop")
    step = data.draw(st.sampled_from([None, 1, 2, 3]), label="step")
    return slice(start, stop, step)


def draw_basic_index(data: Any) -> Sample:
    """Ints, slices (steps and negative bounds), None, and an Ellipsis before or after them."""
    shape = data.draw(any_shape(), label="shape")
    count = data.draw(st.integers(0, len(shape)), label="indexed dims")
    trailing = data.draw(st.booleans(), label="ellipsis first")
    parts: list[Any] = []
    for size in shape[len(shape) - count :] if trailing else shape[:count]:
        kind = data.draw(st.sampled_from(["int", "slice", "none"]), label="index kind")
        if kind == "int":
            parts.append(data.draw(st.integers(-size, size - 1), label="int"))
        elif kind == "slice":
            parts.append(_slice_for(data, size))
        else:
            parts += [None, _slice_for(data, size)]
    if trailing:
        parts.insert(0, Ellipsis)
    elif data.draw(st.booleans(), label="ellipsis last"):
        parts.append(Ellipsis)
    return Sample((real(rng_from(data), shape),), {"index": tuple(parts)})


def draw_integer_index(data: Any) -> Sample:
    """Integer arrays with repeated (and negative) indices, alone, after a slice, or paired and broadcast."""
    shape = data.draw(any_shape(min_dims=1, max_side=3), label="shape")
    rng = rng_from(data)
    kind = data.draw(st.sampled_from(["first", "after slice", "pair", "2-d array"]), label="kind")
    count = data.draw(st.integers(1, 5), label="count")
    if kind == "after slice" and len(shape) >= 2:
        index: Any = (slice(None), rng.integers(-shape[1], shape[1], count))
    elif kind == "pair" and len(shape) >= 2:
        index = (rng.integers(0, shape[0], (count, 1)), rng.integers(-shape[1], shape[1], (1, 2)))
    elif kind == "2-d array":
        index = (rng.integers(0, shape[0], (2, count)),)
    else:
        index = (rng.integers(-shape[0], shape[0], count),)
    return Sample((real(rng, shape),), {"index": index})


def draw_mask_index(data: Any) -> Sample:
    """Boolean masks: the full shape, or the leading dim only."""
    shape = data.draw(any_shape(min_dims=1), label="shape")
    rng = rng_from(data)
    full = data.draw(st.booleans(), label="full mask")
    mask = rng.random(shape if full else shape[:1]) < 0.6
    return Sample((real(rng, shape),), {"index": (mask,)})


def draw_index_put(data: Any) -> Sample:
    """x[index] = v on a non-leaf: an int, a slice or a mask on the first dim; v the indexed shape or broadcast."""
    shape = data.draw(any_shape(min_dims=1), label="shape")
    rng = rng_from(data)
    kind = data.draw(st.sampled_from(["int", "slice", "mask"]), label="kind")
    if kind == "int":
        index: tuple[Any, ...] = (data.draw(st.integers(-shape[0], shape[0] - 1), label="int"),)
    elif kind == "slice":
        index = (_slice_for(data, shape[0]),)
    else:
        index = (rng.random(shape[:1]) < 0.5,)
    target = np.empty(shape)[index].shape
    broadcast = data.draw(st.booleans(), label="broadcast v") and len(target) > 0
    return Sample((real(rng, shape), real(rng, target[1:] if broadcast else target)), {"index": index})


def index_put_ours(a: Any, v: Any, index: tuple[Any, ...]) -> Any:
    out = a * 1.0  # a non-leaf, as assignment into a leaf that requires grad is refused
    out[index] = v
    return out


def index_put_theirs(t: Any, a: Any, v: Any, index: tuple[Any, ...]) -> Any:
    out = a * 1.0
    out[torch_index(t, index)] = v
    return out


def draw_cat(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim = dim_of(data, len(shape))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="sizes along dim")
    rng = rng_from(data)
    arrays = []
    for s in sizes:
        part = list(shape)
        part[dim] = s
        arrays.append(real(rng, tuple(part)))
    return Sample(tuple(arrays), {"dim": dim})


def draw_stack(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    return Sample(tuple(real(rng, shape) for _ in range(count)), {"dim": dim_of(data, len(shape), extra=1)})


def draw_where(data: Any) -> Sample:
    cond_shape, shape_a, shape_b = data.draw(broadcast_shapes(3), label="shapes")
    rng = rng_from(data)
    return Sample((real(rng, shape_a), real(rng, shape_b)), {"condition": np.asarray(rng.random(cond_shape) < 0.5)})


def draw_clamp(data: Any) -> Sample:
    bounds = data.draw(
        st.sampled_from([{"min": -0.4}, {"max": 0.4}, {"min": -0.4, "max": 0.4}, {"min": 0.2, "max": 1.0}]),
        label="bounds",
    )
    shape = data.draw(any_shape(), label="shape")
    return Sample((away_from(grid(rng_from(data), shape, 0.5), list(bounds.values())),), bounds)


def draw_clamp_tensor_bounds(data: Any) -> Sample:
    """x, min and max on three grids that never meet (min > max included: torch then returns max)."""
    shapes = data.draw(broadcast_shapes(3), label="shapes")
    rng = rng_from(data)
    return Sample(tuple(grid(rng, shape, offset) for shape, offset in zip(shapes, (2 / 3, 0.0, 1 / 3))))


def draw_leaky_relu(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    slope = data.draw(st.sampled_from([0.01, 0.2, 1.5]), label="slope")
    return Sample((nonzero(rng_from(data), shape),), {"negative_slope": slope})


def draw_softplus(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    beta, threshold = data.draw(st.sampled_from([(1.0, 20.0), (2.0, 1.0), (0.5, 0.5), (1.0, 2.0)]), label="params")
    x = away_from(real(rng_from(data), shape, scale=3.0), [threshold / beta])
    return Sample((x,), {"beta": beta, "threshold": threshold})


def draw_softmax(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample((real(rng_from(data), shape, scale=3.0),), {"dim": dim_of(data, len(shape))})


def other_float(dtype: Any) -> Any:
    return tg.float32 if dtype == tg.float64 else tg.float64


def torch_other_float(torch: Any, dtype: Any) -> Any:
    return torch.float32 if dtype == torch.float64 else torch.float64


def torch_index(torch: Any, index: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)


def value_index(index: tuple[Any, ...]) -> tuple[Any, ...]:
    """Index arrays as Values (integer and bool Values index like arrays)."""
    return tuple(tg.tensor(i) if isinstance(i, np.ndarray) else i for i in index)


# ----- the table ------------------------------------------------------------------------------
def _case(name: str, draw: Callable[[Any], Sample], ours: Callable[..., Any], theirs: Callable[..., Any],
          **options: Any) -> OpCase:
    return OpCase(name, draw, ours, theirs, **options)


OP_CASES: list[OpCase] = [
    # arithmetic, with broadcasting and the reflected forms
    _case("add", binary(), lambda a, b: a + b, lambda t, a, b: a + b),
    _case("sub", binary(), lambda a, b: a - b, lambda t, a, b: a - b),
    _case("mul", binary(), lambda a, b: a * b, lambda t, a, b: a * b),
    _case("div", binary(real, nonzero), lambda a, b: a / b, lambda t, a, b: a / b),
    _case("pow", binary(positive, real), lambda a, b: a**b, lambda t, a, b: a**b),
    _case("pow_scalar", draw_pow_scalar, lambda a, exponent: a**exponent, lambda t, a, exponent: a**exponent),
    _case("add_scalar", unary(), lambda a: a + 2.5, lambda t, a: a + 2.5),
    _case("radd", unary(), lambda a: 2.5 + a, lambda t, a: 2.5 + a),
    _case("rsub", unary(), lambda a: 2 - a, lambda t, a: 2 - a),
    _case("rmul", unary(), lambda a: 3 * a, lambda t, a: 3 * a),
    _case("rdiv", unary(nonzero), lambda a: 2 / a, lambda t, a: 2 / a),
    _case("rpow", unary(), lambda a: 2**a, lambda t, a: 2**a),
    _case("neg", unary(), lambda a: -a, lambda t, a: -a),
    _case("abs", unary(nonzero), lambda a: a.abs(), lambda t, a: a.abs()),
    _case("matmul", draw_matmul, lambda a, b: a @ b, lambda t, a, b: a @ b),
    _case("matmul_function", draw_matmul, lambda a, b: tg.matmul(a, b), lambda t, a, b: t.matmul(a, b)),
    _case("mm", draw_mm, lambda a, b: a.mm(b), lambda t, a, b: a.mm(b)),
    # reductions
    _case("sum", draw_reduction(), lambda a, dim, keepdim: a.sum(dim, keepdim),
          lambda t, a, dim, keepdim: a.sum(dim, keepdim)),
    _case("mean", draw_reduction(), lambda a, dim, keepdim: a.mean(dim, keepdim),
          lambda t, a, dim, keepdim: a.mean(dim, keepdim)),
    _case("var", draw_variance(1), lambda a, **kw: a.var(**kw), lambda t, a, **kw: a.var(**kw)),
    _case("std", draw_variance(2, spread), lambda a, **kw: a.std(**kw), lambda t, a, **kw: a.std(**kw)),
    _case("norm", draw_norm, lambda a, **kw: a.norm(**kw), lambda t, a, **kw: a.norm(**kw)),
    _case("max", unary(distinct), lambda a: a.max(), lambda t, a: a.max()),
    _case("min", unary(distinct), lambda a: a.min(), lambda t, a: a.min()),
    _case("max_dim", draw_max_dim, lambda a, dim, keepdim: a.max(dim, keepdim),
          lambda t, a, dim, keepdim: a.max(dim, keepdim)),
    _case("min_dim", draw_max_dim, lambda a, dim, keepdim: a.min(dim=dim, keepdim=keepdim),
          lambda t, a, dim, keepdim: a.min(dim=dim, keepdim=keepdim)),
    _case("amax", draw_reduction(distinct), lambda a, dim, keepdim: a.amax(dim, keepdim),
          lambda t, a, dim, keepdim: a.amax(() if dim is None else dim, keepdim)),
    _case("amin", draw_reduction(distinct), lambda a, dim, keepdim: a.amin(dim, keepdim),
          lambda t, a, dim, keepdim: a.amin(() if dim is None else dim, keepdim)),
    # shape
    _case("reshape", draw_reshape, lambda a, shape: a.reshape(shape), lambda t, a, shape: a.reshape(shape)),
    _case("view", draw_reshape, lambda a, shape: a.view(*shape), lambda t, a, shape: a.view(shape)),
    _case("flatten", draw_flatten, lambda a, **kw: a.flatten(**kw), lambda t, a, **kw: a.flatten(**kw)),
    _case("squeeze", draw_squeeze, lambda a, **kw: a.squeeze(**kw), lambda t, a, **kw: a.squeeze(**kw)),
    _case("unsqueeze", draw_unsqueeze, lambda a, dim: a.unsqueeze(dim), lambda t, a, dim: a.unsqueeze(dim)),
    _case("transpose", draw_transpose, lambda a, dim0, dim1: a.transpose(dim0, dim1),
          lambda t, a, dim0, dim1: a.transpose(dim0, dim1)),
    _case("permute", draw_permute, lambda a, dims: a.permute(*dims), lambda t, a, dims: a.permute(dims)),
    _case("expand", draw_expand, lambda a, sizes: a.expand(*sizes), lambda t, a, sizes: a.expand(sizes)),
    _case("t", unary(max_dims=2), lambda a: a.t(), lambda t, a: a.t()),
    _case("repeat", draw_repeat, lambda a, sizes: a.repeat(*sizes), lambda t, a, sizes: a.repeat(sizes)),
    _case("split", draw_split, lambda a, sections, dim: a.split(sections, dim),
          lambda t, a, sections, dim: a.split(sections, dim)),
    _case("chunk", draw_chunk, lambda a, **kw: a.chunk(**kw), lambda t, a, **kw: a.chunk(**kw)),
    # torch deprecates .T on other than 2 dims (a warning); it reverses the dims, as permute does
    _case("T", unary(min_dims=1), lambda a: a.T, lambda t, a: a.permute(*reversed(range(a.ndim)))),
    # indexing
    _case("index_basic", draw_basic_index, lambda a, index: a[index], lambda t, a, index: a[index]),
    _case("index_integer", draw_integer_index, lambda a, index: a[index],
          lambda t, a, index: a[torch_index(t, index)]),
    _case("index_integer_value", draw_integer_index, lambda a, index: a[value_index(index)],
          lambda t, a, index: a[torch_index(t, index)]),
    _case("index_mask", draw_mask_index, lambda a, index: a[index], lambda t, a, index: a[torch_index(t, index)]),
    _case("index_mask_value", draw_mask_index, lambda a, index: a[value_index(index)[0]],
          lambda t, a, index: a[torch_index(t, index)[0]]),
    _case("index_put", draw_index_put, index_put_ours, index_put_theirs),
    # joining and selecting
    _case("cat", draw_cat, lambda *xs, dim: tg.cat(xs, dim), lambda t, *xs, dim: t.cat(xs, dim)),
    _case("stack", draw_stack, lambda *xs, dim: tg.stack(xs, dim), lambda t, *xs, dim: t.stack(xs, dim)),
    _case("where", draw_where, lambda a, b, condition: tg.where(tg.tensor(condition), a, b),
          lambda t, a, b, condition: t.where(t.from_numpy(condition), a, b)),
    _case("clamp", draw_clamp, lambda a, **kw: a.clamp(**kw), lambda t, a, **kw: a.clamp(**kw)),
    _case("clamp_tensor_bounds", draw_clamp_tensor_bounds, lambda a, lo, hi: a.clamp(lo, hi),
          # torch refuses some broadcasts here (x of shape () with bounds (1,) and ()); expanding x first is equal
          lambda t, a, lo, hi: t.clamp(a.expand(t.broadcast_shapes(a.shape, lo.shape, hi.shape)), lo, hi)),
    _case("maximum", binary(lambda r, s: grid(r, s, 0.0), lambda r, s: grid(r, s, 0.5)),
          lambda a, b: a.maximum(b), lambda t, a, b: t.maximum(a, b)),
    _case("minimum", binary(lambda r, s: grid(r, s, 0.0), lambda r, s: grid(r, s, 0.5)),
          lambda a, b: tg.minimum(a, b), lambda t, a, b: t.minimum(a, b)),
    # elementwise functions
    _case("exp", unary(), lambda a: a.exp(), lambda t, a: a.exp()),
    _case("log", unary(positive), lambda a: a.log(), lambda t, a: a.log()),
    _case("log1p", unary(lambda r, s: r.uniform(-0.5, 2.0, s)), lambda a: a.log1p(), lambda t, a: a.log1p()),
    _case("sqrt", unary(positive), lambda a: a.sqrt(), lambda t, a: a.sqrt()),
    _case("sin", unary(lambda r, s: real(r, s, 2.0)), lambda a: a.sin(), lambda t, a: a.sin()),
    _case("cos", unary(lambda r, s: real(r, s, 2.0)), lambda a: a.cos(), lambda t, a: a.cos()),
    _case("tanh", unary(), lambda a: a.tanh(), lambda t, a: a.tanh()),
    _case("sigmoid", unary(lambda r, s: real(r, s, 3.0)), lambda a: a.sigmoid(), lambda t, a: a.sigmoid()),
    _case("relu", unary(nonzero), lambda a: a.relu(), lambda t, a: a.relu()),
    _case("leaky_relu", draw_leaky_relu, lambda a, negative_slope: a.leaky_relu(negative_slope),
          lambda t, a, negative_slope: t.nn.functional.leaky_relu(a, negative_slope)),
    _case("softplus", draw_softplus, lambda a, **kw: a.softplus(**kw),
          lambda t, a, **kw: t.nn.functional.softplus(a, **kw)),
    _case("softmax", draw_softmax, lambda a, dim: a.softmax(dim), lambda t, a, dim: a.softmax(dim)),
    _case("log_softmax", draw_softmax, lambda a, dim: a.log_softmax(dim), lambda t, a, dim: a.log_softmax(dim)),
    _case("square", unary(), lambda a: a.square(), lambda t, a: a.square()),
    _case("reciprocal", unary(nonzero), lambda a: a.reciprocal(), lambda t, a: a.reciprocal()),
    _case("rsqrt", unary(positive), lambda a: a.rsqrt(), lambda t, a: a.rsqrt()),
    _case("clone", unary(), lambda a: a.clone(), lambda t, a: a.clone()),
    # dtype conversion: float64 -> float32 loses digits, so its finite differences need a larger step
    _case("cast", unary(), lambda a: a.to(other_float(a.dtype)), lambda t, a: a.to(torch_other_float(t, a.dtype)),
          eps=1e-3),
]

# ----- nn activations and losses that are one kernel each (nn/activation_ops.py, issue 12) -----------------------
def draw_activation(kinks: list[float], scale: float = 2.0, **params: Any) -> Callable[[Any], Sample]:
    """Values on any shape, kept `gap` away from the activation's kinks; `params` is fixed or drawn."""

    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(), label="shape")
        drawn = {k: data.draw(v, label=k) if isinstance(v, st.SearchStrategy) else v for k, v in params.items()}
        points = [k(drawn) if callable(k) else k for k in kinks]
        return Sample((away_from(real(rng_from(data), shape, scale=scale), points),), drawn)

    return draw


def draw_glu(data: Any) -> Sample:
    ndim = data.draw(st.integers(1, 3), label="ndim")
    shape = list(data.draw(any_shape(min_dims=ndim, max_dims=ndim), label="shape"))
    dim = dim_of(data, ndim)
    shape[dim] *= 2
    return Sample((real(rng_from(data), tuple(shape)),), {"dim": dim})


def draw_prelu(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=0), label="shape")
    channels = shape[1] if len(shape) >= 2 else 1  # torch: one slope for inputs of fewer than 2 dims
    count = data.draw(st.sampled_from([1, channels]), label="slopes")
    rng = rng_from(data)
    return Sample((nonzero(rng, shape), rng.uniform(-0.5, 1.5, (count,))))


def draw_soft_margin(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    rng = rng_from(data)
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]), label="reduction")
    return Sample((real(rng, shape),), {"target": rng.choice([-1.0, 1.0], shape), "reduction": reduction})


def draw_embedding(data: Any) -> Sample:
    rows, dim = data.draw(st.integers(1, 4), label="rows"), data.draw(st.integers(1, 3), label="dim")
    index_shape = data.draw(any_shape(max_dims=2), label="index shape")
    rng = rng_from(data)
    # (padding_idx and scale_grad_by_freq change the gradient on purpose: they are compared with torch elsewhere)
    return Sample((real(rng, (rows, dim)),), {"indices": rng.integers(0, rows, index_shape)})


def draw_pad(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    count = data.draw(st.integers(1, len(shape)), label="padded dims")
    pad = []
    for size in reversed(shape[len(shape) - count:]):
        before = data.draw(st.integers(-(size - 1), 2), label="before")
        after = data.draw(st.integers(-(size + min(before, 0) - 1), 2), label="after")  # torch crops first
        pad += [before, after]
    value = data.draw(st.sampled_from([0.0, 1.5]), label="value")
    return Sample((real(rng_from(data), shape),), {"pad": tuple(pad), "value": value})


def draw_xlogx(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample((positive(rng_from(data), shape),))


F_TG = tg.nn.functional
SHRINK_KINKS = [lambda p: -p["lambd"], lambda p: p["lambd"]]

NN_CASES: list[OpCase] = [
    _case("hardtanh", draw_activation([lambda p: p["min_val"], lambda p: p["max_val"]],
                                      min_val=st.sampled_from([-1.0, -0.5]), max_val=st.sampled_from([1.0, 2.0])),
          lambda a, **kw: F_TG.hardtanh(a, **kw), lambda t, a, **kw: t.nn.functional.hardtanh(a, **kw)),
    _case("relu6", draw_activation([0.0, 6.0], scale=4.0), lambda a: F_TG.relu6(a),
          lambda t, a: t.nn.functional.relu6(a)),
    _case("elu", draw_activation([0.0], alpha=st.sampled_from([1.0, 0.5, 2.0])),
          lambda a, alpha: F_TG.elu(a, alpha), lambda t, a, alpha: t.nn.functional.elu(a, alpha)),
    _case("selu", draw_activation([0.0]), lambda a: F_TG.selu(a), lambda t, a: t.nn.functional.selu(a)),
    _case("celu", draw_activation([0.0], alpha=st.sampled_from([1.0, 0.5, 2.0])),
          lambda a, alpha: F_TG.celu(a, alpha), lambda t, a, alpha: t.nn.functional.celu(a, alpha)),
    _case("gelu", draw_activation([], approximate=st.sampled_from(["none", "tanh"])),
          lambda a, approximate: F_TG.gelu(a, approximate=approximate),
          lambda t, a, approximate: t.nn.functional.gelu(a, approximate=approximate)),
    _case("silu", draw_activation([], scale=3.0), lambda a: F_TG.silu(a), lambda t, a: t.nn.functional.silu(a)),
    _case("mish", draw_activation([], scale=3.0), lambda a: F_TG.mish(a), lambda t, a: t.nn.functional.mish(a)),
    _case("logsigmoid", draw_activation([], scale=3.0), lambda a: F_TG.logsigmoid(a),
          lambda t, a: t.nn.functional.logsigmoid(a)),
    # torch has no derivative of hardsigmoid's backward (ours: 0, the true one away from the kinks)
    _case("hardsigmoid", draw_activation([-3.0, 3.0], scale=3.0), lambda a: F_TG.hardsigmoid(a),
          lambda t, a: t.nn.functional.hardsigmoid(a), second_order=False),
    _case("hardswish", draw_activation([-3.0, 3.0], scale=3.0), lambda a: F_TG.hardswish(a),
          lambda t, a: t.nn.functional.hardswish(a)),
    _case("hardshrink", draw_activation(SHRINK_KINKS, lambd=st.sampled_from([0.5, 1.0])),
          lambda a, lambd: F_TG.hardshrink(a, lambd), lambda t, a, lambd: t.nn.functional.hardshrink(a, lambd)),
    _case("softshrink", draw_activation(SHRINK_KINKS, lambd=st.sampled_from([0.5, 1.0])),
          lambda a, lambd: F_TG.softshrink(a, lambd), lambda t, a, lambd: t.nn.functional.softshrink(a, lambd)),
    _case("threshold", draw_activation([lambda p: p["threshold"]], threshold=st.sampled_from([0.0, 0.5]),
                                       value=st.sampled_from([-1.0, 2.0])),
          lambda a, **kw: F_TG.threshold(a, **kw), lambda t, a, **kw: t.nn.functional.threshold(a, **kw)),
    _case("glu", draw_glu, lambda a, dim: F_TG.glu(a, dim), lambda t, a, dim: t.nn.functional.glu(a, dim)),
    _case("prelu", draw_prelu, lambda a, w: F_TG.prelu(a, w), lambda t, a, w: t.nn.functional.prelu(a, w)),
    _case("rrelu_eval", draw_activation([0.0]), lambda a: F_TG.rrelu(a, 0.1, 0.3),
          lambda t, a: t.nn.functional.rrelu(a, 0.1, 0.3)),
    _case("soft_margin_loss", draw_soft_margin,
          lambda a, target, reduction: F_TG.soft_margin_loss(a, tg.tensor(target), reduction=reduction),
          lambda t, a, target, reduction: t.nn.functional.soft_margin_loss(a, t.from_numpy(target),
                                                                           reduction=reduction)),
    _case("embedding", draw_embedding,
          lambda w, indices, **kw: F_TG.embedding(tg.tensor(indices), w, **kw),
          lambda t, w, indices, **kw: t.nn.functional.embedding(t.from_numpy(indices), w, **kw)),
    _case("pad", draw_pad, lambda a, pad, value: F_TG.pad(a, pad, value=value),
          lambda t, a, pad, value: t.nn.functional.pad(a, pad, value=value)),
    _case("kl_div_target", draw_xlogx,  # xlogy(t, t) - t * input: the target's side, through XlogX
          lambda a: F_TG.kl_div(tg.zeros(a.shape, dtype=a.dtype), a, reduction="sum"),
          lambda t, a: t.nn.functional.kl_div(t.zeros(a.shape, dtype=a.dtype), a, reduction="sum")),
]

OP_CASES += NN_CASES

CASES_BY_NAME = {case.name: case for case in OP_CASES}
