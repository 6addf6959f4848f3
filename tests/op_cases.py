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
    torch_second_order: bool = True  # and compare it with torch's (False where torch cannot: cdist)
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
    _case("rpow_function", unary(), lambda a: tg.pow(2.5, a), lambda t, a: t.pow(2.5, a)),
    _case("rsub_function", binary(), lambda a, b: tg.rsub(a, b, alpha=2), lambda t, a, b: t.rsub(a, b, alpha=2)),
    _case("rsub_alpha", unary(), lambda a: tg.rsub(a, 3.5, alpha=0.5), lambda t, a: t.rsub(a, 3.5, alpha=0.5)),
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


def draw_threshold_loss(data: Any) -> Sample:
    """Input and target of smooth_l1_loss / huber_loss, |input - target| kept off the threshold (where the second
    derivative jumps), and the threshold and reduction."""
    shape_a, shape_b = data.draw(broadcast_shapes(2), label="shapes")
    threshold = data.draw(st.sampled_from([1.0, 0.5, 2.0]), label="threshold")
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]), label="reduction")
    rng = rng_from(data)
    x = real(rng, shape_a)
    y = real(rng, shape_b)
    d = np.broadcast_to(x, np.broadcast_shapes(shape_a, shape_b)) - y
    assume(np.all(np.abs(np.abs(d) - threshold) > 0.05))
    return Sample((x, y), {"threshold": threshold, "reduction": reduction})


def draw_bce(logits: bool) -> Callable[[Any], Sample]:
    """Probabilities (or logits) and targets of one shape, an optional weight (and pos_weight) broadcast along
    the last dim or shaped like the input, and the reduction."""

    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(), label="shape")
        reduction = data.draw(st.sampled_from(["mean", "sum", "none"]), label="reduction")
        rng = rng_from(data)
        weights = [None, shape, shape[-1:]]
        params: dict[str, Any] = {"reduction": reduction}
        weight_shape = data.draw(st.sampled_from(weights), label="weight")
        params["weight"] = None if weight_shape is None else rng.uniform(0.5, 2.0, weight_shape)
        if logits:
            pos_shape = data.draw(st.sampled_from(weights), label="pos_weight")
            params["pos_weight"] = None if pos_shape is None else rng.uniform(0.5, 3.0, pos_shape)
            first = real(rng, shape, 3.0)
        else:
            first = rng.uniform(0.05, 0.95, shape)
        return Sample((first, rng.uniform(0.0, 1.0, shape)), params)

    return draw


def draw_class_loss(data: Any) -> Sample:
    """Scores of shape (C,), (N, C), (N, C, d) or (N, C, H, W), class-index targets (some ignored), an optional
    class weight and the reduction."""
    classes = data.draw(st.integers(1, 4), label="classes")
    batch = data.draw(st.sampled_from([(), (2,), (3,), (2, 2), (2, 1, 3)]), label="batch")
    shape = (classes,) if batch == () else (batch[0], classes, *batch[1:])
    rng = rng_from(data)
    target = rng.integers(0, classes, batch)
    ignore = data.draw(st.sampled_from([-100, 0]), label="ignore_index")
    weighted = data.draw(st.booleans(), label="weighted")
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]), label="reduction")
    assume(reduction != "mean" or np.any(target != ignore))  # all ignored: nan in both, not comparable
    return Sample((real(rng, shape, 2.0),), {
        "target": target, "weight": rng.uniform(0.5, 2.0, (classes,)) if weighted else None,
        "ignore_index": ignore, "reduction": reduction,
    })


def _constant(lib: Any, array: Any, like: Any) -> Any:
    """A parameter array as a constant of `lib` (tinygrad_lr or torch) in the dtype of `like`, or None."""
    return None if array is None else lib.tensor(array).to(like.dtype)


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
    # losses that are one node each, their reduction inside (nn/loss_ops.py)
    _case("smooth_l1_loss", draw_threshold_loss,
          lambda a, b, threshold, reduction: F_TG.smooth_l1_loss(a, b, reduction=reduction, beta=threshold),
          lambda t, a, b, threshold, reduction: t.nn.functional.smooth_l1_loss(a, b, reduction=reduction,
                                                                              beta=threshold)),
    _case("huber_loss", draw_threshold_loss,
          lambda a, b, threshold, reduction: F_TG.huber_loss(a, b, reduction=reduction, delta=threshold),
          lambda t, a, b, threshold, reduction: t.nn.functional.huber_loss(a, b, reduction=reduction,
                                                                          delta=threshold)),
    _case("binary_cross_entropy", draw_bce(logits=False),
          lambda p, y, weight, reduction: F_TG.binary_cross_entropy(p, y, _constant(tg, weight, p),
                                                                    reduction=reduction),
          lambda t, p, y, weight, reduction: t.nn.functional.binary_cross_entropy(
              p, y, _constant(t, weight, p), reduction=reduction)),
    _case("binary_cross_entropy_with_logits", draw_bce(logits=True),
          lambda z, y, weight, pos_weight, reduction: F_TG.binary_cross_entropy_with_logits(
              z, y, _constant(tg, weight, z), reduction=reduction, pos_weight=_constant(tg, pos_weight, z)),
          lambda t, z, y, weight, pos_weight, reduction: t.nn.functional.binary_cross_entropy_with_logits(
              z, y, _constant(t, weight, z), reduction=reduction, pos_weight=_constant(t, pos_weight, z))),
    _case("nll_loss", draw_class_loss,
          lambda a, target, weight, **kw: F_TG.nll_loss(a, tg.tensor(target), _constant(tg, weight, a), **kw),
          lambda t, a, target, weight, **kw: t.nn.functional.nll_loss(a, t.from_numpy(target),
                                                                      _constant(t, weight, a), **kw)),
    _case("cross_entropy", draw_class_loss,
          lambda a, target, weight, **kw: F_TG.cross_entropy(a, tg.tensor(target), _constant(tg, weight, a), **kw),
          lambda t, a, target, weight, **kw: t.nn.functional.cross_entropy(a, t.from_numpy(target),
                                                                           _constant(t, weight, a), **kw)),
]

OP_CASES += NN_CASES

CASES_BY_NAME = {case.name: case for case in OP_CASES}


# ----- issue 12: the rest of torch's functions ----------------------------------------------------
def between(low: float, high: float) -> Callable[..., np.ndarray]:
    return lambda rng, shape: rng.uniform(low, high, shape)


def off_integers(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """k + u with u in [0.2, 0.8]: away from the jumps of floor, ceil, trunc and frac."""
    return rng.integers(-3, 3, shape) + rng.uniform(0.2, 0.8, shape)


def near_integers(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """k + u with |u| <= 0.3: away from the jumps of round."""
    return rng.integers(-3, 3, shape) + rng.uniform(-0.3, 0.3, shape)


def draw_divisor(data: Any) -> Sample:
    """a and b of one shape with a / b away from integers (where fmod and remainder jump)."""
    shape = data.draw(any_shape(), label="shape")
    rng = rng_from(data)
    b = nonzero(rng, shape, low=0.5)
    return Sample((b * off_integers(rng, shape), b))


def draw_divisor_scalar(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    divisor = data.draw(st.sampled_from([0.7, -1.3, 2.0]), label="divisor")
    return Sample((divisor * off_integers(rng_from(data), shape),), {"divisor": divisor})


def draw_lerp(data: Any) -> Sample:
    shapes = data.draw(broadcast_shapes(3), label="shapes")
    rng = rng_from(data)
    return Sample(tuple(real(rng, s) for s in shapes))


def draw_lerp_scalar(data: Any) -> Sample:
    shape_a, shape_b = data.draw(broadcast_shapes(2), label="shapes")
    rng = rng_from(data)
    return Sample((real(rng, shape_a), real(rng, shape_b)), {"weight": data.draw(st.sampled_from([0.0, 0.3, 1.5]))})


def draw_one_dim(values: Callable[..., np.ndarray] = real, min_dims: int = 0,
                 keepdim: bool = False) -> Callable[[Any], Sample]:
    """A shape and one dim of it (and keepdim when asked)."""

    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(min_dims=min_dims), label="shape")
        params: dict[str, Any] = {"dim": dim_of(data, len(shape))}
        if keepdim:
            params["keepdim"] = data.draw(st.booleans(), label="keepdim")
        return Sample((values(rng_from(data), shape),), params)

    return draw


def draw_prod(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    dim = data.draw(st.one_of(st.none(), st.integers(-max(len(shape), 1), max(len(shape), 1) - 1)), label="dim")
    return Sample((nonzero(rng_from(data), shape, low=0.5),), {"dim": dim, "keepdim": data.draw(st.booleans())})


def draw_prod_with_zeros(data: Any) -> Sample:
    """Products with one or more zeros: the gradient is the product of the others (no division by 0)."""
    shape = data.draw(any_shape(min_dims=1), label="shape")
    rng = rng_from(data)
    x = nonzero(rng, shape, low=0.5)
    x[rng.random(shape) < 0.3] = 0.0
    return Sample((x,), {"dim": dim_of(data, len(shape))})


def draw_sort(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample((distinct(rng_from(data), shape),), {"dim": dim_of(data, len(shape)),
                                                      "descending": data.draw(st.booleans(), label="descending")})


def draw_topk(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    dim = dim_of(data, len(shape))
    size = shape[dim] if shape else 1
    return Sample((distinct(rng_from(data), shape),), {"k": data.draw(st.integers(0, size), label="k"), "dim": dim,
                                                      "largest": data.draw(st.booleans(), label="largest")})


def draw_flip(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    return Sample((real(rng_from(data), shape),), {"dims": tuple(dims)})


def draw_roll(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    if data.draw(st.booleans(), label="flattened"):
        return Sample((real(rng_from(data), shape),), {"shifts": data.draw(st.integers(-4, 4)), "dims": None})
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    shifts = tuple(data.draw(st.integers(-4, 4)) for _ in dims)
    return Sample((real(rng_from(data), shape),), {"shifts": shifts, "dims": tuple(dims)})


def draw_triangle(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=2), label="shape")
    return Sample((real(rng_from(data), shape),), {"diagonal": data.draw(st.integers(-2, 2), label="diagonal")})


def draw_diag(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1, max_dims=2), label="shape")
    return Sample((real(rng_from(data), shape),), {"diagonal": data.draw(st.integers(-2, 2), label="diagonal")})


def draw_tile(data: Any) -> Sample:
    shape = data.draw(any_shape(max_side=2), label="shape")
    reps = data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=len(shape) + 1), label="reps")
    return Sample((real(rng_from(data), shape),), {"dims": tuple(reps)})


def draw_repeat_interleave(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    rng = rng_from(data)
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)), label="dim")
    size = int(np.prod(shape)) if dim is None else shape[dim]
    repeats = (data.draw(st.integers(0, 3), label="repeats") if data.draw(st.booleans(), label="scalar")
               else rng.integers(0, 3, size))
    return Sample((real(rng, shape),), {"repeats": repeats, "dim": dim})


def draw_broadcast_to(data: Any) -> Sample:
    shape_a, shape_b = data.draw(broadcast_shapes(2), label="shapes")
    target = np.broadcast_shapes(shape_a, shape_b)
    return Sample((real(rng_from(data), shape_a),), {"size": target})


def draw_narrow(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1, max_side=4), label="shape")
    dim = dim_of(data, len(shape))
    start = data.draw(st.integers(0, shape[dim]), label="start")
    length = data.draw(st.integers(0, shape[dim] - start), label="length")
    return Sample((real(rng_from(data), shape),), {"dim": dim, "start": start, "length": length})


def draw_sum_to_size(data: Any) -> Sample:
    shape_a, shape_b = data.draw(broadcast_shapes(2), label="shapes")
    full = np.broadcast_shapes(shape_a, shape_b)
    return Sample((real(rng_from(data), full),), {"size": shape_a})


def draw_gather(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    index_shape = tuple(data.draw(st.integers(1, s)) if i != dim % len(shape) else data.draw(st.integers(1, 4))
                        for i, s in enumerate(shape))
    return Sample((real(rng, shape),), {"dim": dim, "index": rng.integers(0, shape[dim], index_shape)})


def draw_scatter(data: Any) -> Sample:
    """x, an index no larger than x and src of the index's shape (torch's backward refuses a larger src), with
    distinct positions along dim (no write races)."""
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim = dim_of(data, len(shape)) % len(shape)
    rng = rng_from(data)
    index_shape = tuple(data.draw(st.integers(1, s)) for s in shape)
    moved = np.moveaxis(np.zeros(index_shape, dtype=np.int64), dim, -1)
    for position in np.ndindex(moved.shape[:-1]):
        moved[position] = rng.permutation(shape[dim])[: moved.shape[-1]]
    return Sample((real(rng, shape), real(rng, index_shape)), {"dim": dim, "index": np.moveaxis(moved, -1, dim)})


def draw_index_select(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    return Sample((real(rng, shape),), {"dim": dim, "index": rng.integers(0, shape[dim], data.draw(st.integers(0, 4)))})


def draw_masked(data: Any) -> Sample:
    shape_x, shape_mask = data.draw(broadcast_shapes(2), label="shapes")
    assume(np.broadcast_shapes(shape_x, shape_mask) == shape_x)
    rng = rng_from(data)
    return Sample((real(rng, shape_x),), {"mask": np.asarray(rng.random(shape_mask) < 0.5)})


def draw_masked_value(data: Any) -> Sample:
    sample = draw_masked(data)
    return Sample((sample.arrays[0], np.asarray(0.7)), sample.params)


def draw_bmm(data: Any) -> Sample:
    b, n, k, m = (data.draw(st.integers(1, 3), label=name) for name in "bnkm")
    rng = rng_from(data)
    return Sample((real(rng, (b, n, k)), real(rng, (b, k, m))))


def draw_addmm(data: Any) -> Sample:
    n, k, m = (data.draw(st.integers(1, 3), label=name) for name in "nkm")
    bias_shape = data.draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]), label="bias shape")
    rng = rng_from(data)
    scales = data.draw(st.sampled_from([{}, {"beta": 0.5, "alpha": 2.0}, {"beta": 0.0}]), label="scales")
    return Sample((real(rng, bias_shape), real(rng, (n, k)), real(rng, (k, m))), scales)


EINSUM_FORMS = [
    ("ij,jk->ik", ((2, 3), (3, 4))), ("ii", ((3, 3),)), ("ii->i", ((3, 3),)), ("bij,bjk->bik", ((2, 2, 3), (2, 3, 2))),
    ("...ij,j->...i", ((2, 2, 3), (3,))), ("ij->j", ((2, 3),)), ("i,j", ((2,), (3,))), ("ij,jk", ((2, 3), (3, 2))),
    ("ij,ij->", ((2, 3), (2, 3))), ("ijk->kji", ((2, 3, 2),)), ("ij,k->ijk", ((2, 2), (3,))),
    ("bi,bi->b", ((3, 2), (3, 2))),
]  # fmt: skip


def draw_einsum(data: Any) -> Sample:
    equation, shapes = data.draw(st.sampled_from(EINSUM_FORMS), label="equation")
    rng = rng_from(data)
    return Sample(tuple(real(rng, s) for s in shapes), {"equation": equation})


def draw_cdist(data: Any) -> Sample:
    n, m, d = (data.draw(st.integers(1, 3), label=name) for name in "nmd")
    batch = data.draw(st.sampled_from([(), (2,)]), label="batch")
    rng = rng_from(data)
    p = data.draw(st.sampled_from([2.0, 1.0, 3.0, 0.5]), label="p")
    return Sample((real(rng, batch + (n, d)), real(rng, batch + (m, d)) + 0.1), {"p": p})


def well_conditioned(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """Square matrices with a dominant diagonal: far from singular."""
    n = shape[-1]
    return rng.standard_normal(shape) * 0.5 + np.eye(n) * rng.choice([-1.0, 1.0], shape[:-2] + (1, 1)) * (n + 1)


def draw_square(data: Any) -> Sample:
    n = data.draw(st.integers(1, 3), label="n")
    batch = data.draw(st.sampled_from([(), (2,), (2, 1)]), label="batch")
    return Sample((well_conditioned(rng_from(data), batch + (n, n)),))


def draw_solve(data: Any) -> Sample:
    n = data.draw(st.integers(1, 3), label="n")
    batch = data.draw(st.sampled_from([(), (2,)]), label="batch")
    rng = rng_from(data)
    rhs = data.draw(st.sampled_from(["vector", "matrix"]), label="rhs")
    b_shape = batch + ((n,) if rhs == "vector" else (n, data.draw(st.integers(1, 3))))
    return Sample((well_conditioned(rng, batch + (n, n)), real(rng, b_shape)))


def full_rank(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    """An m x n matrix of full rank with singular values in [1, 2.4], at least 0.3 apart: pinv and lstsq are smooth
    there, and the spectral norm's gradient (the top singular vectors) is well conditioned in float32 (two
    singular values 1e-4 apart made it 1e-3 off torch's)."""
    u, _ = np.linalg.qr(rng.standard_normal((m, m)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.zeros((m, n))
    k = min(m, n)
    np.fill_diagonal(s, 1.0 + 0.4 * rng.permutation(k) + rng.uniform(0.0, 0.1, k))
    return u @ s @ v.T


def draw_pinv(data: Any) -> Sample:
    m, n = data.draw(st.integers(1, 4), label="m"), data.draw(st.integers(1, 4), label="n")
    return Sample((full_rank(rng_from(data), m, n),))


def draw_lstsq(data: Any) -> Sample:
    n = data.draw(st.integers(1, 3), label="n")
    m = data.draw(st.integers(n, 4), label="m")
    rng = rng_from(data)
    vector = data.draw(st.booleans(), label="vector")
    return Sample((full_rank(rng, m, n), real(rng, (m,) if vector else (m, data.draw(st.integers(1, 2))))))


def draw_matrix_norm(data: Any) -> Sample:
    ord_ = data.draw(st.sampled_from(["fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")]), label="ord")
    m, n = data.draw(st.integers(1, 3), label="m"), data.draw(st.integers(1, 3), label="n")
    batch = data.draw(st.sampled_from([(), (2,)]), label="batch")
    rng = rng_from(data)
    if ord_ in ("nuc", 2, -2):  # distinct singular values: the norm is smooth
        x = np.stack([full_rank(rng, m, n) for _ in range(int(np.prod(batch)))]).reshape(batch + (m, n))
    else:  # distinct row and column sums of distinct |x|
        x = nonzero(rng, batch + (m, n), low=0.3) * (1 + np.arange(m * n).reshape(m, n) * 0.37)
    return Sample((x,), {"ord": ord_, "keepdim": data.draw(st.booleans(), label="keepdim")})


def draw_variance_pair(data: Any) -> Sample:
    return draw_variance(2)(data)


def draw_stack_like(data: Any) -> Sample:
    shape = data.draw(st.sampled_from([(), (3,), (2, 3), (2, 3, 1)]), label="shape")
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    return Sample(tuple(real(rng, shape) for _ in range(count)))


def _sorted_values(result: Any) -> Any:
    return result[0]


def _spd(lib: Any, a: Any) -> Any:
    """a a^T + n I: symmetric positive-definite."""
    return a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype) * a.shape[-1]


ISSUE_12_CASES: list[OpCase] = [
    _case("exp2", unary(), lambda a: a.exp2(), lambda t, a: a.exp2()),
    _case("expm1", unary(), lambda a: a.expm1(), lambda t, a: a.expm1()),
    _case("log2", unary(positive), lambda a: a.log2(), lambda t, a: a.log2()),
    _case("log10", unary(positive), lambda a: tg.log10(a), lambda t, a: t.log10(a)),
    _case("tan", unary(between(-1.2, 1.2)), lambda a: a.tan(), lambda t, a: a.tan()),
    _case("sinh", unary(), lambda a: a.sinh(), lambda t, a: a.sinh()),
    _case("cosh", unary(), lambda a: tg.cosh(a), lambda t, a: t.cosh(a)),
    _case("asin", unary(between(-0.9, 0.9)), lambda a: a.asin(), lambda t, a: a.asin()),
    _case("acos", unary(between(-0.9, 0.9)), lambda a: tg.acos(a), lambda t, a: t.acos(a)),
    _case("atan", unary(lambda r, s: real(r, s, 2.0)), lambda a: a.atan(), lambda t, a: a.atan()),
    _case("erf", unary(), lambda a: a.erf(), lambda t, a: a.erf()),
    _case("atan2", binary(nonzero, nonzero), lambda a, b: tg.atan2(a, b), lambda t, a, b: t.atan2(a, b)),
    _case("round", unary(near_integers), lambda a: a.round(), lambda t, a: a.round()),
    _case("round_decimals", unary(lambda r, s: near_integers(r, s) / 100), lambda a: a.round(decimals=2),
          lambda t, a: a.round(decimals=2)),
    _case("floor", unary(off_integers), lambda a: a.floor(), lambda t, a: a.floor()),
    _case("ceil", unary(off_integers), lambda a: tg.ceil(a), lambda t, a: t.ceil(a)),
    _case("trunc", unary(off_integers), lambda a: a.trunc(), lambda t, a: a.trunc()),
    _case("frac", unary(off_integers), lambda a: a.frac(), lambda t, a: a.frac()),
    _case("sign", unary(nonzero), lambda a: a.sign(), lambda t, a: a.sign()),
    _case("fmod", draw_divisor, lambda a, b: tg.fmod(a, b), lambda t, a, b: t.fmod(a, b)),
    _case("fmod_scalar", draw_divisor_scalar, lambda a, divisor: a.fmod(divisor),
          lambda t, a, divisor: a.fmod(divisor)),
    _case("div_floor", draw_divisor, lambda a, b: tg.div(a, b, rounding_mode="floor"),
          lambda t, a, b: t.div(a, b, rounding_mode="floor")),
    _case("div_trunc_scalar", draw_divisor_scalar, lambda a, divisor: a.div(divisor, rounding_mode="trunc"),
          lambda t, a, divisor: a.div(divisor, rounding_mode="trunc")),
    _case("remainder", draw_divisor, lambda a, b: a % b, lambda t, a, b: a % b),
    _case("remainder_scalar", draw_divisor_scalar, lambda a, divisor: tg.remainder(a, divisor),
          lambda t, a, divisor: t.remainder(a, divisor)),
    _case("lerp", draw_lerp, lambda a, b, w: tg.lerp(a, b, w),
          # torch refuses some broadcasts of start (as for clamp); expanding start first is the same function
          lambda t, a, b, w: t.lerp(a.expand(t.broadcast_shapes(a.shape, b.shape, w.shape)), b, w)),
    _case("lerp_scalar", draw_lerp_scalar, lambda a, b, weight: a.lerp(b, weight),
          lambda t, a, b, weight: t.lerp(a.expand(t.broadcast_shapes(a.shape, b.shape)), b, weight)),
    _case("nan_to_num", unary(), lambda a: a.nan_to_num(), lambda t, a: a.nan_to_num()),
    _case("prod", draw_prod, lambda a, dim, keepdim: a.prod() if dim is None else a.prod(dim, keepdim),
          lambda t, a, dim, keepdim: a.prod() if dim is None else a.prod(dim, keepdim)),
    _case("prod_with_zeros", draw_prod_with_zeros, lambda a, dim: tg.prod(a, dim), lambda t, a, dim: t.prod(a, dim),
          second_order=False),
    _case("cumsum", draw_one_dim(), lambda a, dim: a.cumsum(dim), lambda t, a, dim: a.cumsum(dim)),
    _case("cumprod", draw_one_dim(lambda r, s: nonzero(r, s, 0.5)), lambda a, dim: tg.cumprod(a, dim),
          lambda t, a, dim: t.cumprod(a, dim)),
    _case("cumprod_with_zeros", draw_prod_with_zeros, lambda a, dim: a.cumprod(dim), lambda t, a, dim: a.cumprod(dim),
          second_order=False),
    _case("logsumexp", draw_reduction(lambda r, s: real(r, s, 3.0)), lambda a, dim, keepdim: a.logsumexp(dim, keepdim),
          lambda t, a, dim, keepdim: a.logsumexp((tuple(range(a.ndim)) or 0) if dim is None else dim, keepdim)),
    _case("trace", unary(min_dims=2, max_dims=2), lambda a: a.trace(), lambda t, a: a.trace()),
    _case("diff", draw_one_dim(min_dims=1), lambda a, dim: tg.diff(a, dim=dim), lambda t, a, dim: t.diff(a, dim=dim)),
    _case("var_mean", draw_variance_pair, lambda a, **kw: tg.var_mean(a, **kw), lambda t, a, **kw: t.var_mean(a, **kw)),
    _case("std_mean", draw_variance(2, spread), lambda a, **kw: tg.std_mean(a, **kw),  # std away from its kink
          lambda t, a, **kw: t.std_mean(a, **kw)),
    _case("sort", draw_sort, lambda a, **kw: a.sort(**kw), lambda t, a, **kw: a.sort(**kw)),
    _case("topk", draw_topk, lambda a, **kw: a.topk(**kw), lambda t, a, **kw: a.topk(**kw)),
    _case("median", unary(distinct), lambda a: a.median(), lambda t, a: a.median()),
    _case("median_dim", draw_one_dim(distinct, keepdim=True), lambda a, **kw: a.median(**kw),
          lambda t, a, **kw: a.median(**kw)),
    _case("flip", draw_flip, lambda a, dims: a.flip(dims), lambda t, a, dims: a.flip(dims)),
    _case("fliplr", unary(min_dims=2), lambda a: a.fliplr(), lambda t, a: a.fliplr()),
    _case("flipud", unary(min_dims=1), lambda a: tg.flipud(a), lambda t, a: t.flipud(a)),
    _case("roll", draw_roll, lambda a, shifts, dims: a.roll(shifts, dims),
          lambda t, a, shifts, dims: a.roll(shifts, dims)),
    _case("tril", draw_triangle, lambda a, diagonal: a.tril(diagonal), lambda t, a, diagonal: a.tril(diagonal)),
    _case("triu", draw_triangle, lambda a, diagonal: tg.triu(a, diagonal), lambda t, a, diagonal: t.triu(a, diagonal)),
    _case("diag", draw_diag, lambda a, diagonal: a.diag(diagonal), lambda t, a, diagonal: a.diag(diagonal)),
    _case("tile", draw_tile, lambda a, dims: a.tile(dims), lambda t, a, dims: a.tile(dims)),
    _case("repeat_interleave", draw_repeat_interleave,
          lambda a, repeats, dim: a.repeat_interleave(repeats if np.ndim(repeats) == 0 else tg.tensor(repeats), dim),
          lambda t, a, repeats, dim: a.repeat_interleave(repeats if np.ndim(repeats) == 0 else t.tensor(repeats), dim)),
    _case("broadcast_to", draw_broadcast_to, lambda a, size: tg.broadcast_to(a, size),
          lambda t, a, size: t.broadcast_to(a, size)),
    _case("broadcast_tensors", binary(), lambda a, b: tg.broadcast_tensors(a, b),
          lambda t, a, b: t.broadcast_tensors(a, b)),
    _case("meshgrid", draw_stack_like, lambda *xs: tg.meshgrid(*[x.reshape(-1) for x in xs], indexing="xy"),
          lambda t, *xs: t.meshgrid(*[x.reshape(-1) for x in xs], indexing="xy")),
    _case("hstack", draw_stack_like, lambda *xs: tg.hstack(xs), lambda t, *xs: t.hstack(xs)),
    _case("vstack", draw_stack_like, lambda *xs: tg.vstack(xs), lambda t, *xs: t.vstack(xs)),
    _case("column_stack", draw_stack_like, lambda *xs: tg.column_stack(xs), lambda t, *xs: t.column_stack(xs)),
    _case("narrow", draw_narrow, lambda a, **kw: a.narrow(**kw), lambda t, a, **kw: a.narrow(**kw)),
    _case("unbind", draw_one_dim(min_dims=1), lambda a, dim: a.unbind(dim), lambda t, a, dim: a.unbind(dim)),
    _case("sum_to_size", draw_sum_to_size, lambda a, size: a.sum_to_size(size), lambda t, a, size: a.sum_to_size(size)),
    _case("gather", draw_gather, lambda a, dim, index: a.gather(dim, tg.tensor(index)),
          lambda t, a, dim, index: a.gather(dim, t.from_numpy(index))),
    _case("scatter", draw_scatter, lambda a, src, dim, index: a.scatter(dim, tg.tensor(index), src),
          lambda t, a, src, dim, index: a.scatter(dim, t.from_numpy(index), src)),
    _case("scatter_value", draw_scatter, lambda a, src, dim, index: tg.scatter(a * 2, dim, tg.tensor(index), 1.5),
          lambda t, a, src, dim, index: t.scatter(a * 2, dim, t.from_numpy(index), 1.5),
          torch_second_order=False),  # (src unused: torch's autograd.grad refuses an unused input)
    _case("scatter_add", draw_scatter, lambda a, src, dim, index: a.scatter_add(dim, tg.tensor(index), src),
          lambda t, a, src, dim, index: a.scatter_add(dim, t.from_numpy(index), src)),
    _case("index_select", draw_index_select, lambda a, dim, index: a.index_select(dim, tg.tensor(index)),
          lambda t, a, dim, index: a.index_select(dim, t.from_numpy(index))),
    _case("masked_fill", draw_masked, lambda a, mask: a.masked_fill(tg.tensor(mask), -1.5),
          lambda t, a, mask: a.masked_fill(t.from_numpy(mask), -1.5)),
    _case("masked_fill_value", draw_masked_value, lambda a, v, mask: a.masked_fill(tg.tensor(mask), v),
          lambda t, a, v, mask: a.masked_fill(t.from_numpy(mask), v)),
    _case("masked_select", draw_masked, lambda a, mask: a.masked_select(tg.tensor(mask)),
          lambda t, a, mask: a.masked_select(t.from_numpy(mask))),
    _case("bmm", draw_bmm, lambda a, b: tg.bmm(a, b), lambda t, a, b: t.bmm(a, b)),
    _case("addmm", draw_addmm, lambda c, a, b, **kw: tg.addmm(c, a, b, **kw),
          lambda t, c, a, b, **kw: t.addmm(c, a, b, **kw)),
    _case("einsum", draw_einsum, lambda *xs, equation: tg.einsum(equation, *xs),
          lambda t, *xs, equation: t.einsum(equation, *xs)),
    # (torch does not differentiate cdist's backward; the finite-difference check does)
    _case("cdist", draw_cdist, lambda a, b, p: tg.cdist(a, b, p), lambda t, a, b, p: t.cdist(a, b, p),
          torch_second_order=False),
    _case("inverse", draw_square, lambda a: a.inverse(), lambda t, a: a.inverse()),
    _case("linalg_inv", draw_square, lambda a: tg.linalg.inv(a), lambda t, a: t.linalg.inv(a)),
    _case("det", draw_square, lambda a: tg.linalg.det(a), lambda t, a: t.linalg.det(a)),
    _case("solve", draw_solve, lambda a, b: tg.linalg.solve(a, b), lambda t, a, b: t.linalg.solve(a, b)),
    _case("pinverse", draw_pinv, lambda a: a.pinverse(), lambda t, a: a.pinverse()),
    _case("linalg_pinv", draw_pinv, lambda a: tg.linalg.pinv(a), lambda t, a: t.linalg.pinv(a)),
    _case("lstsq", draw_lstsq, lambda a, b: tg.linalg.lstsq(a, b).solution,
          lambda t, a, b: t.linalg.lstsq(a, b).solution),
    _case("cholesky", draw_square, lambda a: tg.linalg.cholesky(_spd(tg, a)),
          lambda t, a: t.linalg.cholesky(_spd(t, a)), second_order=False),
    _case("cholesky_upper", draw_square, lambda a: tg.linalg.cholesky(_spd(tg, a), upper=True),
          lambda t, a: t.linalg.cholesky(_spd(t, a), upper=True),
          second_order=False),
    _case("vector_norm", draw_norm, lambda a, p, dim, keepdim: tg.linalg.vector_norm(a, 2 if p == "fro" else p, dim,
                                                                                    keepdim),
          lambda t, a, p, dim, keepdim: t.linalg.vector_norm(a, 2 if p == "fro" else p, dim, keepdim)),
    _case("matrix_norm", draw_matrix_norm, lambda a, **kw: tg.linalg.matrix_norm(a, **kw),
          lambda t, a, **kw: t.linalg.matrix_norm(a, **kw), second_order=False),
]
OP_CASES += ISSUE_12_CASES
CASES_BY_NAME.update({case.name: case for case in ISSUE_12_CASES})


# ----- rearranging, products and functions of matrices (branch ops-shape) ------------------------------------------
def draw_movedim(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    n = max(len(shape), 1)
    dims = st.integers(-n, n - 1)
    source = data.draw(st.lists(dims, min_size=1, max_size=n, unique_by=lambda d: d % n), label="source")
    destination = data.draw(st.lists(dims, min_size=len(source), max_size=len(source), unique_by=lambda d: d % n),
                            label="destination")
    return Sample((real(rng_from(data), shape),), {"source": tuple(source), "destination": tuple(destination)})


def draw_unflatten(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1, max_side=4), label="shape")
    dim = dim_of(data, len(shape))
    size = shape[dim]
    first = data.draw(st.sampled_from([d for d in range(1, size + 1) if size % d == 0]), label="first")
    sizes = [first, size // first] + ([1] if data.draw(st.booleans(), label="extra 1") else [])
    if data.draw(st.booleans(), label="infer one"):
        sizes[data.draw(st.integers(0, len(sizes) - 1), label="inferred")] = -1
    return Sample((real(rng_from(data), shape),), {"dim": dim, "sizes": tuple(sizes)})


def _cuts(data: Any, size: int) -> Any:
    """tensor_split's second argument: a number of sections, or indices (negative and out of range included)."""
    if data.draw(st.booleans(), label="sections"):
        return data.draw(st.integers(1, 5), label="count")
    return data.draw(st.lists(st.integers(-size - 1, size + 1), max_size=3), label="indices")


def draw_tensor_split(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1, max_side=4), label="shape")
    dim = dim_of(data, len(shape))
    return Sample((real(rng_from(data), shape),), {"cuts": _cuts(data, shape[dim]), "dim": dim})


def draw_split_along(dim: int, min_dims: int) -> Callable[[Any], Sample]:
    """hsplit (dim 1, dim 0 of a 1-D input), vsplit (0), dsplit (2): equal sections or indices."""

    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(min_dims=min_dims, max_dims=max(min_dims, 3), max_side=4), label="shape")
        size = shape[dim if len(shape) > 1 else 0]
        if data.draw(st.booleans(), label="sections"):
            sections: Any = data.draw(st.sampled_from([d for d in range(1, size + 1) if size % d == 0]))
        else:
            sections = data.draw(st.lists(st.integers(0, size), max_size=3), label="indices")
        return Sample((real(rng_from(data), shape),), {"sections": sections})

    return draw


def draw_several(min_dims: int = 0, max_dims: int = 3) -> Callable[[Any], Sample]:
    """One to three inputs of unrelated shapes (atleast_nd, block_diag)."""

    def draw(data: Any) -> Sample:
        count = data.draw(st.integers(1, 3), label="count")
        rng = rng_from(data)
        return Sample(tuple(real(rng, data.draw(any_shape(min_dims, max_dims), label="shape")) for _ in range(count)))

    return draw


def draw_rot90(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=2), label="shape")
    n = len(shape)
    first, second = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True), label="dims")
    dims = (first - n if data.draw(st.booleans()) else first, second - n if data.draw(st.booleans()) else second)
    return Sample((real(rng_from(data), shape),), {"k": data.draw(st.integers(-5, 5), label="k"), "dims": dims})


def _plane(data: Any, ndim: int) -> tuple[int, int]:
    first, second = data.draw(st.lists(st.integers(0, ndim - 1), min_size=2, max_size=2, unique=True), label="plane")
    return (first - ndim if data.draw(st.booleans()) else first, second - ndim if data.draw(st.booleans()) else second)


def draw_diagonal(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=2), label="shape")
    dim1, dim2 = _plane(data, len(shape))
    offset = data.draw(st.integers(-3, 3), label="offset")
    return Sample((real(rng_from(data), shape),), {"offset": offset, "dim1": dim1, "dim2": dim2})


def draw_diag_embed(data: Any) -> Sample:
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim1, dim2 = _plane(data, len(shape) + 1)
    offset = data.draw(st.integers(-2, 2), label="offset")
    return Sample((real(rng_from(data), shape),), {"offset": offset, "dim1": dim1, "dim2": dim2})


def draw_diagflat(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    return Sample((real(rng_from(data), shape),), {"offset": data.draw(st.integers(-2, 2), label="offset")})


def draw_kron(data: Any) -> Sample:
    rng = rng_from(data)
    return Sample(tuple(real(rng, data.draw(any_shape(max_side=2), label="shape")) for _ in range(2)))


def draw_inner(data: Any) -> Sample:
    rng = rng_from(data)
    if data.draw(st.booleans(), label="a number"):
        shapes = [(), data.draw(any_shape(), label="shape")]
        shapes = shapes[:: 1 if data.draw(st.booleans(), label="order") else -1]
    else:
        last = data.draw(st.integers(1, 3), label="last")
        shapes = [data.draw(any_shape(max_dims=2), label="shape") + (last,) for _ in range(2)]
    return Sample(tuple(real(rng, s) for s in shapes))


def draw_tensordot(data: Any) -> Sample:
    """a with free dims then contracted ones, b with contracted then free; in the list form their axes shuffled."""
    sides = st.lists(st.integers(1, 3), max_size=2)
    free_a, contracted, free_b = (data.draw(sides, label=name) for name in ("free a", "contracted", "free b"))
    rng = rng_from(data)
    shape_a, shape_b = free_a + contracted, contracted + free_b
    if data.draw(st.booleans(), label="count"):
        return Sample((real(rng, tuple(shape_a)), real(rng, tuple(shape_b))), {"dims": len(contracted)})
    order_a = data.draw(st.permutations(range(len(shape_a))), label="order a")
    order_b = data.draw(st.permutations(range(len(shape_b))), label="order b")
    dims_a = [order_a.index(len(free_a) + k) for k in range(len(contracted))]
    dims_b = [order_b.index(k) for k in range(len(contracted))]
    return Sample((real(rng, tuple(shape_a[k] for k in order_a)), real(rng, tuple(shape_b[k] for k in order_b))),
                  {"dims": (dims_a, dims_b)})


def draw_cross(data: Any) -> Sample:
    """Two inputs of 3-vectors along `dim`, broadcasting in the other dims."""
    shape = list(data.draw(any_shape(min_dims=1), label="shape"))
    dim = dim_of(data, len(shape))
    shape[dim] = 3
    other = [1 if k != dim % len(shape) and data.draw(st.booleans(), label="broadcast") else s
             for k, s in enumerate(shape)]
    rng = rng_from(data)
    return Sample((real(rng, tuple(shape)), real(rng, tuple(other))), {"dim": dim})


def draw_cartesian_prod(data: Any) -> Sample:
    count = data.draw(st.integers(1, 3), label="count")
    rng = rng_from(data)
    return Sample(tuple(real(rng, (data.draw(st.integers(1, 3), label="size"),)) for _ in range(count)))


def positive_determinant(rng: np.random.Generator, shape: Shape) -> np.ndarray:
    """well_conditioned matrices with the first row's sign flipped where the determinant is negative."""
    a = well_conditioned(rng, shape)
    a[..., 0, :] *= np.sign(np.linalg.det(a))[..., None]
    return a


def draw_logdet(data: Any) -> Sample:
    n = data.draw(st.integers(1, 3), label="n")
    batch = data.draw(st.sampled_from([(), (2,), (2, 1)]), label="batch")
    return Sample((positive_determinant(rng_from(data), batch + (n, n)),))


def draw_matrix_power(data: Any) -> Sample:
    """Powers up to 4 (5 and more: float32's gradients, of entries in the thousands, differ from torch's in the
    fifth digit, by the order of the sums)."""
    sample = draw_square(data)
    return Sample(sample.arrays, {"n": data.draw(st.integers(-3, 4), label="n")})


def draw_cov(data: Any) -> Sample:
    """Observations with weights that leave positive degrees of freedom."""
    count = data.draw(st.integers(2, 4), label="observations")
    shape = data.draw(st.sampled_from([(count,), (1, count), (2, count), (3, count)]), label="shape")
    rng = rng_from(data)
    params: dict[str, Any] = {"correction": data.draw(st.sampled_from([0, 1]), label="correction")}
    if data.draw(st.booleans(), label="fweights"):
        params["fweights"] = rng.integers(1, 4, count)
    if data.draw(st.booleans(), label="aweights"):
        params["aweights"] = rng.uniform(0.5, 2.0, count)
    w = params.get("fweights", 1) * params.get("aweights", np.ones(count))
    aw = params.get("aweights", 1.0)
    assume(w.sum() - params["correction"] * (w * aw).sum() / w.sum() > 0.1)
    return Sample((real(rng, shape),), params)


def _weights(lib: Any, params: dict[str, Any]) -> dict[str, Any]:
    """cov's weights as tensors of the library (`tensor` of NumPy arrays in both)."""
    return {k: lib.tensor(v) if k.endswith("weights") else v for k, v in params.items()}


def draw_corrcoef(data: Any) -> Sample:
    count = data.draw(st.integers(2, 4), label="observations")
    shape = data.draw(st.sampled_from([(count,), (2, count), (3, count)]), label="shape")
    return Sample((spread(rng_from(data), shape),))


def draw_trapezoid(data: Any) -> Sample:
    """y with the spacing dx, sample points x (1-D along dim, or of y's shape), or neither."""
    shape = data.draw(any_shape(min_dims=1), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    kind = data.draw(st.sampled_from(["none", "dx", "x 1-d", "x full"]), label="spacing")
    if kind == "dx":
        return Sample((real(rng, shape),), {"dim": dim, "dx": data.draw(st.sampled_from([0.5, 2, -1.5]))})
    if kind == "none":
        return Sample((real(rng, shape),), {"dim": dim})
    x_shape = (shape[dim],) if kind == "x 1-d" else shape
    return Sample((real(rng, shape), real(rng, x_shape)), {"dim": dim})


SHAPE_CASES: list[OpCase] = [
    _case("movedim", draw_movedim, lambda a, **kw: a.movedim(**kw), lambda t, a, **kw: a.movedim(**kw)),
    _case("moveaxis", draw_movedim, lambda a, source, destination: tg.moveaxis(a, source, destination),
          lambda t, a, source, destination: t.moveaxis(a, source, destination)),
    _case("unflatten", draw_unflatten, lambda a, dim, sizes: a.unflatten(dim, sizes),
          lambda t, a, dim, sizes: a.unflatten(dim, sizes)),
    _case("ravel", unary(), lambda a: tg.ravel(a.mT if a.ndim > 1 else a),
          lambda t, a: t.ravel(a.mT if a.ndim > 1 else a)),
    _case("swapdims", draw_transpose, lambda a, dim0, dim1: tg.swapdims(a, dim0, dim1),
          lambda t, a, dim0, dim1: t.swapdims(a, dim0, dim1)),
    _case("tensor_split", draw_tensor_split, lambda a, cuts, dim: a.tensor_split(cuts, dim),
          lambda t, a, cuts, dim: a.tensor_split(cuts, dim)),
    _case("hsplit", draw_split_along(1, 1), lambda a, sections: tg.hsplit(a, sections),
          lambda t, a, sections: t.hsplit(a, sections)),
    _case("vsplit", draw_split_along(0, 2), lambda a, sections: a.vsplit(sections),
          lambda t, a, sections: a.vsplit(sections)),
    _case("dsplit", draw_split_along(2, 3), lambda a, sections: a.dsplit(sections),
          lambda t, a, sections: a.dsplit(sections)),
    _case("dstack", draw_stack_like, lambda *xs: tg.dstack(xs), lambda t, *xs: t.dstack(xs)),
    _case("row_stack", draw_stack_like, lambda *xs: tg.row_stack(xs), lambda t, *xs: t.row_stack(xs)),
    _case("atleast_1d", draw_several(), lambda *xs: tg.atleast_1d(*xs), lambda t, *xs: t.atleast_1d(*xs)),
    _case("atleast_2d", draw_several(), lambda *xs: tg.atleast_2d(*xs), lambda t, *xs: t.atleast_2d(*xs)),
    _case("atleast_3d", draw_several(), lambda *xs: tg.atleast_3d(list(xs)), lambda t, *xs: t.atleast_3d(list(xs))),
    _case("rot90", draw_rot90, lambda a, k, dims: a.rot90(k, dims), lambda t, a, k, dims: a.rot90(k, dims)),
    _case("diagonal", draw_diagonal, lambda a, **kw: a.diagonal(**kw), lambda t, a, **kw: a.diagonal(**kw)),
    _case("diag_embed", draw_diag_embed, lambda a, **kw: tg.diag_embed(a, **kw),
          lambda t, a, **kw: t.diag_embed(a, **kw)),
    _case("diagflat", draw_diagflat, lambda a, offset: a.diagflat(offset), lambda t, a, offset: a.diagflat(offset)),
    _case("block_diag", draw_several(max_dims=2), lambda *xs: tg.block_diag(*xs), lambda t, *xs: t.block_diag(*xs)),
    _case("kron", draw_kron, lambda a, b: tg.kron(a, b), lambda t, a, b: t.kron(a, b)),
    _case("inner", draw_inner, lambda a, b: a.inner(b), lambda t, a, b: a.inner(b)),
    _case("tensordot", draw_tensordot, lambda a, b, dims: tg.tensordot(a, b, dims),
          lambda t, a, b, dims: t.tensordot(a, b, dims)),
    _case("cross", draw_cross, lambda a, b, dim: a.cross(b, dim), lambda t, a, b, dim: a.cross(b, dim)),
    _case("linalg_cross", draw_cross, lambda a, b, dim: tg.linalg.cross(a, b, dim=dim),
          lambda t, a, b, dim: t.linalg.cross(a, b, dim=dim)),
    _case("cartesian_prod", draw_cartesian_prod, lambda *xs: tg.cartesian_prod(*xs),
          lambda t, *xs: t.cartesian_prod(*xs)),
    _case("logdet", draw_logdet, lambda a: a.logdet(), lambda t, a: a.logdet()),
    _case("slogdet", draw_square, lambda a: tg.slogdet(a), lambda t, a: t.slogdet(a)),
    _case("linalg_slogdet", draw_square, lambda a: tg.linalg.slogdet(a), lambda t, a: t.linalg.slogdet(a)),
    _case("matrix_power", draw_matrix_power, lambda a, n: a.matrix_power(n), lambda t, a, n: a.matrix_power(n)),
    _case("linalg_matrix_power", draw_matrix_power, lambda a, n: tg.linalg.matrix_power(a, n),
          lambda t, a, n: t.linalg.matrix_power(a, n)),
    _case("cov", draw_cov, lambda a, **kw: a.cov(**_weights(tg, kw)), lambda t, a, **kw: a.cov(**_weights(t, kw))),
    _case("corrcoef", draw_corrcoef, lambda a: tg.corrcoef(a), lambda t, a: t.corrcoef(a)),
    _case("trapezoid", draw_trapezoid, lambda *yx, **kw: tg.trapezoid(*yx, **kw),
          lambda t, *yx, **kw: t.trapezoid(*yx, **kw)),
    _case("trapz", draw_trapezoid, lambda *yx, **kw: tg.trapz(*yx, **kw), lambda t, *yx, **kw: t.trapz(*yx, **kw)),
]
OP_CASES += SHAPE_CASES
CASES_BY_NAME.update({case.name: case for case in SHAPE_CASES})

# ----- slices at listed positions, and scatter with a reduction (ops/indexed.py, ops/scatter_reduce.py) ----------
def _slice_source(shape: Shape, dim: int, count: int) -> Shape:
    """The shape of a source of `count` slices along dim of an input of `shape` (a 0-d input: a 0-d source)."""
    return tuple(count if d == dim else s for d, s in enumerate(shape))


def draw_index_add(data: Any) -> Sample:
    """x, a source of k slices (repeated positions accumulate: they may repeat) and alpha."""
    shape = data.draw(any_shape(), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    size = shape[dim] if shape else 1
    count = data.draw(st.integers(0, 4), label="count") if shape else 1
    index = rng.integers(0, size, count)
    alpha = data.draw(st.sampled_from([1, 2.5, -0.5]), label="alpha")
    source = real(rng, _slice_source(shape, dim % max(len(shape), 1), count) if shape else ())
    return Sample((real(rng, shape), source), {"dim": dim, "index": index, "alpha": alpha})


def draw_index_copy(data: Any) -> Sample:
    """x and a source of k slices at k distinct positions (a repeated position keeps one source slice, which one
    torch leaves undefined); a 0-d input takes a 0-d or one-element source."""
    shape = data.draw(any_shape(), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    size = shape[dim] if shape else 1
    count = data.draw(st.integers(0, size), label="count")
    index = rng.permutation(size)[:count]
    if not shape:
        source: Shape = data.draw(st.sampled_from([(), (1,)]), label="source shape") if count else (0,)
    else:
        source = _slice_source(shape, dim % len(shape), count)
    assume(shape or count)  # (torch refuses an empty index for a 0-d source)
    return Sample((real(rng, shape), real(rng, source)), {"dim": dim, "index": index})


def draw_index_fill(data: Any) -> Sample:
    """x and positions along dim, repeated and negative ones included (torch's backward for a tensor value takes
    no negative ones: the index_fill_value case wraps them)."""
    shape = data.draw(any_shape(), label="shape")
    dim = dim_of(data, len(shape))
    rng = rng_from(data)
    size = shape[dim] if shape else 1
    # (no position of a 0-d input: torch's backward for a tensor value raises, see test_torch_functions.py)
    index = rng.integers(-size, size, data.draw(st.integers(0 if shape else 1, 4), label="count"))
    return Sample((real(rng, shape), real(rng, ())), {"dim": dim, "index": index})


def draw_take(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    size = int(np.prod(shape))
    rng = rng_from(data)
    index_shape = data.draw(any_shape(max_dims=2), label="index shape")
    return Sample((real(rng, shape),), {"index": rng.integers(-size, size, index_shape)})


def draw_take_along_dim(data: Any) -> Sample:
    """x and indices broadcast against each other in every dim but dim (each may be 1 where the other is not),
    or dim None (positions in the flattened x)."""
    rng = rng_from(data)
    if data.draw(st.booleans(), label="flattened"):
        shape = data.draw(any_shape(), label="shape")
        index_shape = data.draw(any_shape(max_dims=2), label="index shape")
        return Sample((real(rng, shape),), {"index": rng.integers(0, int(np.prod(shape)), index_shape), "dim": None})
    ndim = data.draw(st.integers(1, 3), label="ndim")
    dim = dim_of(data, ndim)
    shape, index_shape = [], []
    for d in range(ndim):
        if d == dim % ndim:
            shape.append(data.draw(st.integers(1, 3)))
            index_shape.append(data.draw(st.integers(1, 3)))
        else:
            side = data.draw(st.integers(1, 3))
            pair = data.draw(st.sampled_from([(side, side), (1, side), (side, 1)]))
            shape.append(pair[0])
            index_shape.append(pair[1])
    index = rng.integers(0, shape[dim % ndim], tuple(index_shape))
    return Sample((real(rng, tuple(shape)),), {"index": index, "dim": dim})


def draw_scatter_reduce(zeros: bool = False) -> Callable[[Any], Sample]:
    """x, an index no larger than x apart from dim (positions may repeat: they are reduced together) and src of
    the index's shape (torch's backward refuses a larger one). Values: distinct for amax/amin (no ties), away from
    0 for prod, unless `zeros` puts a zero into src and x each (prod's rule for a zero)."""

    def draw(data: Any) -> Sample:
        shape = data.draw(any_shape(), label="shape")
        dim = dim_of(data, len(shape))
        axis = dim % max(len(shape), 1)
        rng = rng_from(data)
        if shape:
            index_shape = tuple(data.draw(st.integers(1, 4)) if d == axis else data.draw(st.integers(1, s))
                                for d, s in enumerate(shape))
        else:
            index_shape = data.draw(st.sampled_from([(), (1,), (2,)]), label="index shape")
        index = rng.integers(0, shape[axis] if shape else 1, index_shape)
        reductions = ["prod"] if zeros else ["sum", "prod", "mean", "amax", "amin"]
        reduce = data.draw(st.sampled_from(reductions), label="reduce")
        size, count = int(np.prod(shape)), int(np.prod(index_shape))
        if reduce in ("amax", "amin"):
            values = distinct(rng, (size + count,))
        elif reduce == "prod":
            values = nonzero(rng, (size + count,), 0.5)
        else:
            values = real(rng, (size + count,))
        if zeros:
            values[rng.integers(0, size)] = 0.0
            values[size + rng.integers(0, count)] = 0.0
        params = {"dim": dim, "index": index, "reduce": reduce,
                  "include_self": data.draw(st.booleans(), label="include_self")}
        return Sample((values[:size].reshape(shape), values[size:].reshape(index_shape)), params)

    return draw


def _index_fill_value_ours(a: Any, v: Any, dim: int, index: np.ndarray) -> Any:
    return a.index_fill(dim, tg.tensor(index % max(a.shape[dim] if a.ndim else 1, 1)), v)


def _index_fill_value_theirs(t: Any, a: Any, v: Any, dim: int, index: np.ndarray) -> Any:
    return a.index_fill(dim, t.from_numpy(index % max(a.shape[dim] if a.ndim else 1, 1)), v)


INDEXED_CASES: list[OpCase] = [
    _case("index_add", draw_index_add, lambda a, s, dim, index, alpha: a.index_add(dim, tg.tensor(index), s,
                                                                                   alpha=alpha),
          lambda t, a, s, dim, index, alpha: a.index_add(dim, t.from_numpy(index), s, alpha=alpha)),
    _case("index_copy", draw_index_copy, lambda a, s, dim, index: tg.index_copy(a, dim, tg.tensor(index), s),
          lambda t, a, s, dim, index: t.index_copy(a, dim, t.from_numpy(index), s)),
    # (the drawn value is unused with a number: torch's autograd.grad refuses an unused input)
    _case("index_fill", draw_index_fill, lambda a, v, dim, index: a.index_fill(dim, tg.tensor(index), -1.5) + v * 0,
          lambda t, a, v, dim, index: a.index_fill(dim, t.from_numpy(index), -1.5) + v * 0),
    _case("index_fill_value", draw_index_fill, _index_fill_value_ours, _index_fill_value_theirs),
    _case("take", draw_take, lambda a, index: a.take(tg.tensor(index)),
          lambda t, a, index: t.take(a, t.from_numpy(index))),
    _case("take_along_dim", draw_take_along_dim, lambda a, index, dim: tg.take_along_dim(a, tg.tensor(index), dim),
          lambda t, a, index, dim: t.take_along_dim(a, t.from_numpy(index), dim)),
    _case("scatter_reduce", draw_scatter_reduce(),
          lambda a, s, dim, index, **kw: a.scatter_reduce(dim, tg.tensor(index), s, **kw),
          lambda t, a, s, dim, index, **kw: a.scatter_reduce(dim, t.from_numpy(index), s, **kw)),
    _case("scatter_reduce_prod_zeros", draw_scatter_reduce(zeros=True),
          lambda a, s, dim, index, **kw: tg.scatter_reduce(a, dim, tg.tensor(index), s, **kw),
          lambda t, a, s, dim, index, **kw: t.scatter_reduce(a, dim, t.from_numpy(index), s, **kw)),
]
OP_CASES += INDEXED_CASES
CASES_BY_NAME.update({case.name: case for case in INDEXED_CASES})


# ----- more elementwise maths, scans and order statistics (branch ops-math) ----------------------------------
def draw_fused(divisor: bool) -> Callable[[Any], Sample]:
    """addcmul / addcdiv: input, tensor1 and tensor2 of shapes that broadcast, and a value (tensor2 away from 0
    for addcdiv)."""

    def draw(data: Any) -> Sample:
        shapes = data.draw(broadcast_shapes(3), label="shapes")
        rng = rng_from(data)
        last = nonzero(rng, shapes[2], low=0.5) if divisor else real(rng, shapes[2])
        value = data.draw(st.sampled_from([1, 0.5, -2.0]), label="value")
        return Sample((real(rng, shapes[0]), real(rng, shapes[1]), last), {"value": value})

    return draw


def draw_one_sided_clamp(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    bound = data.draw(st.sampled_from([-0.4, 0.0, 0.7]), label="bound")
    return Sample((away_from(grid(rng_from(data), shape, 0.5), [bound]),), {"bound": bound})


def draw_kthvalue(data: Any) -> Sample:
    """Distinct values, a dim and keepdim (as for median), and a k in 1 .. the dim's size."""
    sample = draw_one_dim(distinct, keepdim=True)(data)
    shape = sample.arrays[0].shape
    size = shape[sample.params["dim"]] if shape else 1
    return Sample(sample.arrays, {**sample.params, "k": data.draw(st.integers(1, size), label="k")})


def draw_aminmax(data: Any) -> Sample:
    shape = data.draw(any_shape(), label="shape")
    dim = data.draw(st.one_of(st.none(), st.integers(-max(len(shape), 1), max(len(shape), 1) - 1)), label="dim")
    return Sample((distinct(rng_from(data), shape),), {"dim": dim, "keepdim": data.draw(st.booleans())})


MATH_CASES: list[OpCase] = [
    _case("hypot", binary(nonzero, nonzero), lambda a, b: a.hypot(b), lambda t, a, b: t.hypot(a, b)),
    _case("logaddexp", binary(lambda r, s: real(r, s, 3.0), real), lambda a, b: tg.logaddexp(a, b),
          lambda t, a, b: t.logaddexp(a, b)),
    _case("logaddexp2", binary(real, lambda r, s: real(r, s, 3.0)), lambda a, b: a.logaddexp2(b),
          lambda t, a, b: a.logaddexp2(b)),
    # (xlogy's gradient in x at x == 0 is 0 by torch's rule, not log y: x is drawn away from 0)
    _case("xlogy", binary(nonzero, positive), lambda a, b: tg.xlogy(a, b), lambda t, a, b: t.xlogy(a, b)),
    _case("xlogy_number_self", unary(positive), lambda b: tg.xlogy(2.5, b), lambda t, b: t.xlogy(2.5, b)),
    _case("xlogy_number_other", unary(nonzero), lambda a: a.xlogy(1.5), lambda t, a: a.xlogy(1.5)),
    _case("copysign", binary(nonzero, nonzero), lambda a, b: tg.copysign(a, b), lambda t, a, b: t.copysign(a, b)),
    _case("copysign_number", unary(nonzero), lambda a: a.copysign(-1.0), lambda t, a: a.copysign(-1.0)),
    _case("float_power", binary(positive, real), lambda a, b: tg.float_power(a, b),
          lambda t, a, b: t.float_power(a, b)),
    _case("float_power_number_exponent", unary(positive), lambda a: a.float_power(2.5),
          lambda t, a: a.float_power(2.5)),
    _case("float_power_number_base", unary(), lambda b: tg.float_power(1.5, b), lambda t, b: t.float_power(1.5, b)),
    _case("addcmul", draw_fused(False), lambda x, a, b, value: tg.addcmul(x, a, b, value=value),
          lambda t, x, a, b, value: t.addcmul(x, a, b, value=value)),
    _case("addcdiv", draw_fused(True), lambda x, a, b, value: x.addcdiv(a, b, value=value),
          lambda t, x, a, b, value: x.addcdiv(a, b, value=value)),
    _case("sinc", unary(lambda r, s: nonzero(r, s, 0.05)), lambda a: a.sinc(), lambda t, a: a.sinc()),
    _case("deg2rad", unary(lambda r, s: real(r, s, 90.0)), lambda a: tg.deg2rad(a), lambda t, a: t.deg2rad(a)),
    _case("rad2deg", unary(), lambda a: a.rad2deg(), lambda t, a: a.rad2deg()),
    _case("sgn", unary(nonzero), lambda a: a.sgn(), lambda t, a: a.sgn()),
    _case("clamp_min", draw_one_sided_clamp, lambda a, bound: a.clamp_min(bound),
          lambda t, a, bound: a.clamp_min(bound)),
    _case("clamp_max", draw_one_sided_clamp, lambda a, bound: tg.clamp_max(a, bound),
          lambda t, a, bound: t.clamp_max(a, bound)),
    # x and the bound on two grids that never meet; torch refuses some broadcasts of x (as for clamp): expanded
    _case("clamp_min_tensor", binary(lambda r, s: grid(r, s, 0.5), grid), lambda a, b: a.clamp_min(b),
          lambda t, a, b: a.expand(t.broadcast_shapes(a.shape, b.shape)).clamp_min(b)),
    _case("clamp_max_tensor", binary(lambda r, s: grid(r, s, 0.5), grid), lambda a, b: tg.clamp_max(a, b),
          lambda t, a, b: t.clamp_max(a.expand(t.broadcast_shapes(a.shape, b.shape)), b)),
    _case("cummax", draw_one_dim(distinct), lambda a, dim: a.cummax(dim), lambda t, a, dim: a.cummax(dim)),
    _case("cummin", draw_one_dim(distinct), lambda a, dim: tg.cummin(a, dim), lambda t, a, dim: t.cummin(a, dim)),
    _case("logcumsumexp", draw_one_dim(lambda r, s: real(r, s, 3.0)), lambda a, dim: a.logcumsumexp(dim),
          lambda t, a, dim: a.logcumsumexp(dim)),
    _case("kthvalue", draw_kthvalue, lambda a, **kw: a.kthvalue(**kw), lambda t, a, **kw: a.kthvalue(**kw)),
    _case("aminmax", draw_aminmax, lambda a, **kw: tg.aminmax(a, **kw), lambda t, a, **kw: t.aminmax(a, **kw)),
    _case("msort", unary(distinct), lambda a: a.msort(), lambda t, a: a.msort()),
    _case("nanmedian", unary(distinct), lambda a: a.nanmedian(), lambda t, a: a.nanmedian()),
    _case("nanmedian_dim", draw_one_dim(distinct, keepdim=True), lambda a, **kw: tg.nanmedian(a, **kw),
          lambda t, a, **kw: t.nanmedian(a, **kw)),
]
OP_CASES += MATH_CASES
CASES_BY_NAME.update({case.name: case for case in MATH_CASES})
