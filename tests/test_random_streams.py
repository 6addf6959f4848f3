"""Same seed, same numbers as torch: every random draw compared bit for bit with torch's CPU generator."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as tg
from tests.conftest import assert_same_error, require_torch
from tinygrad_lr.random.fma import fma32, fma64

Draw = Callable[[Any], Any]

# Each draw is written once and run with `m` = torch and `m` = tinygrad_lr.
DRAWS: dict[str, Draw] = {
    "rand": lambda m: m.rand(5),
    "rand float64": lambda m: m.rand(2, 3, dtype=m.float64),
    "rand 1000": lambda m: m.rand(1000),
    "uniform_ wide": lambda m: m.empty(300).uniform_(-1 / 3, 1 / 3),
    "uniform_ float64 offset": lambda m: m.empty(300, dtype=m.float64).uniform_(2.5, 7.1),
    "randn scalar path": lambda m: m.randn(3),
    "randn scalar path float64": lambda m: m.randn(7, dtype=m.float64),
    "randn 16": lambda m: m.randn(16),
    "randn blocks with a tail": lambda m: m.randn(37),
    "randn large": lambda m: m.randn(64, 100),
    "randn float64 blocks": lambda m: m.randn(53, dtype=m.float64),
    "normal_ mean std": lambda m: m.empty(40).normal_(0.3, 1.7),
    "normal_ mean std float64": lambda m: m.empty(40, dtype=m.float64).normal_(-2.0, 0.25),
    "normal_ small mean std": lambda m: m.empty(5, dtype=m.float64).normal_(0.3, 1.7),
    "normal_ non-contiguous": lambda m: m.empty(20, 3).t().normal_(),
    "normal numbers": lambda m: m.normal(2.0, 3.0, (20,)),
    "normal tensors": lambda m: m.normal(m.arange(20.0), m.ones(20) * 0.5),
    "normal tensor mean": lambda m: m.normal(m.arange(5.0), 2.0),
    "randn_like": lambda m: m.randn_like(m.zeros(3, 4)),
    "rand_like": lambda m: m.rand_like(m.zeros(3, 4, dtype=m.float64)),
    "randn_like transposed": lambda m: m.randn_like(m.zeros(8, 4).t()),
    "rand_like transposed": lambda m: m.rand_like(m.zeros(5, 3).t()),
    "bernoulli transposed p": lambda m: m.bernoulli(m.rand(6, 4).t()),
    "bernoulli_ into a transposed tensor": lambda m: m.zeros(6, 4).t().bernoulli_(m.rand(4, 6)),
    "dropout of a transposed tensor": lambda m: m.nn.functional.dropout(m.ones(5, 7).t(), 0.4),
    "randint": lambda m: m.randint(0, 10, (6,)),
    "randint high only": lambda m: m.randint(7, (3, 4)),
    "randint 64-bit range": lambda m: m.randint(-(2**40), 2**40, (50,)),
    "randint_like": lambda m: m.randint_like(m.zeros(5), 3, 9),
    "randperm small": lambda m: m.randperm(10),
    "randperm 5000": lambda m: m.randperm(5000),
    "random_ int64": lambda m: m.empty(5, dtype=m.int64).random_(),
    "random_ float bounds": lambda m: m.empty(5).random_(3, 9),
    "random_ float32 full": lambda m: m.empty(5).random_(),
    "bernoulli tensor p": lambda m: m.bernoulli(m.full((60,), 0.3)),
    "bernoulli float64 p": lambda m: m.bernoulli(m.rand(60, dtype=m.float64)),
    "bernoulli_ number": lambda m: m.empty(30, dtype=m.float64).bernoulli_(0.7),
    "exponential_": lambda m: m.empty(20).exponential_(2.5),
    "multinomial one": lambda m: m.multinomial(m.tensor([0.1, 0.5, 0.4]), 1),
    "multinomial without replacement": lambda m: m.multinomial(m.tensor([0.1, 0.5, 0.4, 0.2]), 3),
    "multinomial with replacement": lambda m: m.multinomial(m.tensor([0.1, 0.5, 0.4]), 50, replacement=True),
    "multinomial rows": lambda m: m.multinomial(m.rand(3, 4), 3),
    "multinomial rows float64": lambda m: m.multinomial(m.rand(3, 4, dtype=m.float64), 7, True),
    "dropout": lambda m: m.nn.functional.dropout(m.ones(40, 3), 0.3),
    "dropout float64": lambda m: m.nn.functional.dropout(m.ones(10, dtype=m.float64) * 3, 0.5),
    "Dropout module": lambda m: m.nn.Dropout(0.25)(m.arange(30.0)),
    "Linear": lambda m: [p.detach() for p in m.nn.Linear(3, 2).parameters()],
    "Linear large": lambda m: [p.detach() for p in m.nn.Linear(30, 20).parameters()],
    "Sequential MLP": lambda m: [p.detach() for p in
                                 m.nn.Sequential(m.nn.Linear(4, 8), m.nn.ReLU(), m.nn.Linear(8, 1)).parameters()],
    "uniform_ init": lambda m: m.nn.init.uniform_(m.empty(4, 5), -0.1, 0.2),
    "normal_ init": lambda m: m.nn.init.normal_(m.empty(4, 5), 0.0, 0.02),
    "xavier_uniform_": lambda m: m.nn.init.xavier_uniform_(m.empty(5, 7)),
    "xavier_normal_": lambda m: m.nn.init.xavier_normal_(m.empty(5, 7)),
    "kaiming_uniform_": lambda m: m.nn.init.kaiming_uniform_(m.empty(6, 3), nonlinearity="relu"),
    "kaiming_normal_": lambda m: m.nn.init.kaiming_normal_(m.empty(6, 3), mode="fan_out"),
    "trunc_normal_": lambda m: m.nn.init.trunc_normal_(m.empty(50, 3), std=0.02),
    "trunc_normal_ wide": lambda m: m.nn.init.trunc_normal_(m.empty(500), std=1.0),
    "trunc_normal_ narrow": lambda m: m.nn.init.trunc_normal_(m.empty(50, 3), mean=1.5, a=-0.1, b=0.2),
    "random_split": lambda m: [s.indices for s in m.utils.data.random_split(range(10), [3, 7])],
    "random_split fractions": lambda m: [s.indices for s in m.utils.data.random_split(range(11), [0.5, 0.5])],
}


def _as_arrays(result: Any) -> list[np.ndarray]:
    if isinstance(result, (list, tuple)):
        return [a for item in result for a in _as_arrays(item)]
    if hasattr(result, "detach"):
        return [result.detach().numpy()]
    return [np.asarray(result)]


def _run(module: Any, draw: Draw, seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The draw after `manual_seed(seed)`, and the next draw after it (so the streams' positions match too)."""
    module.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = _as_arrays(draw(module))
    return result, module.rand(3).numpy()


@pytest.mark.parametrize("seed", [0, 42, 2**40 + 7])
@pytest.mark.parametrize("name", list(DRAWS))
def test_draw_equals_torch_bit_for_bit(name: str, seed: int) -> None:
    torch = require_torch()
    theirs, their_next = _run(torch, DRAWS[name], seed)
    ours, our_next = _run(tg, DRAWS[name], seed)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(our_next, their_next)


def test_orthogonal_init_uses_torchs_draws_and_matches_its_matrix_to_rounding(torch: Any) -> None:
    for shape in [(6, 4), (3, 7), (4, 2, 3)]:
        torch.manual_seed(5)
        tg.manual_seed(5)
        theirs = torch.nn.init.orthogonal_(torch.empty(shape), gain=2.0).numpy()
        ours = tg.nn.init.orthogonal_(tg.empty(shape), gain=2.0).numpy()
        np.testing.assert_allclose(ours, theirs, atol=2e-6)
        np.testing.assert_array_equal(tg.rand(2).numpy(), torch.rand(2).numpy())


def test_long_float32_normal_stream_is_exact(torch: Any) -> None:
    """The AVX2 log/sincos rewrite, over 10^6 uniforms (all the polynomial branches and octants)."""
    torch.manual_seed(123)
    tg.manual_seed(123)
    np.testing.assert_array_equal(tg.randn(1000, 1000).numpy(), torch.randn(1000, 1000).numpy())


def test_default_generator_state_round_trips_with_torch_bytes(torch: Any) -> None:
    torch.manual_seed(9)
    tg.manual_seed(9)
    np.testing.assert_array_equal(tg.get_rng_state().numpy(), torch.get_rng_state().numpy())
    torch.randn(3, dtype=torch.float64)  # leaves a cached normal in the state
    tg.randn(3, dtype=tg.float64)
    torch.rand(700)  # crosses a refill of the 624 words
    tg.rand(700)
    np.testing.assert_array_equal(tg.get_rng_state().numpy(), torch.get_rng_state().numpy())
    saved = torch.get_rng_state()
    expected = torch.randn(5, dtype=torch.float64).numpy()  # starts with the cached normal
    tg.manual_seed(1)
    tg.set_rng_state(tg.tensor(saved.numpy(), dtype=tg.uint8))
    np.testing.assert_array_equal(tg.randn(5, dtype=tg.float64).numpy(), expected)


def test_generator_objects_match_torch(torch: Any) -> None:
    assert tg.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    np.testing.assert_array_equal(tg.rand(4, generator=tg.Generator()).numpy(),
                                  torch.rand(4, generator=torch.Generator()).numpy())
    ours, theirs = tg.Generator().manual_seed(-5), torch.Generator().manual_seed(-5)
    assert ours.initial_seed() == theirs.initial_seed() == 2**64 - 5
    np.testing.assert_array_equal(ours.get_state().numpy(), theirs.get_state().numpy())
    tg.randperm(30, generator=ours)
    torch.randperm(30, generator=theirs)
    copy_ours, copy_theirs = tg.Generator(), torch.Generator()
    copy_ours.set_state(ours.get_state())
    copy_theirs.set_state(theirs.get_state())
    np.testing.assert_array_equal(tg.randn(20, generator=copy_ours).numpy(),
                                  torch.randn(20, generator=copy_theirs).numpy())
    assert tg.manual_seed(True).initial_seed() == torch.manual_seed(True).initial_seed() == 1


def test_seed_draws_a_fresh_64_bit_seed_and_reseeds() -> None:
    first = tg.seed()
    assert tg.initial_seed() == first and 0 <= first < 2**64
    assert tg.seed() != first  # 2^-64 chance of a false failure
    generator = tg.Generator()
    seed = generator.seed()
    np.testing.assert_array_equal(tg.rand(3, generator=generator).numpy(),
                                  tg.rand(3, generator=tg.Generator().manual_seed(seed)).numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.randn(-2, 3),
        lambda m: m.rand(-1),
        lambda m: m.empty(3).normal_(std=-1),
        lambda m: m.normal(0.0, -1.0, (3,)),
        lambda m: m.normal(m.zeros(2), -m.ones(2)),
        lambda m: m.empty(3).uniform_(2, 1),
        lambda m: m.empty(3).uniform_(-3e38, 3e38),
        lambda m: m.randint(5, 2, (3,)),
        lambda m: m.randn(3, dtype=m.int64),
        lambda m: m.rand(3, dtype=m.int64),
        lambda m: m.empty(3).bernoulli_(1.5),
        lambda m: m.bernoulli(m.tensor([1.5])),
        lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
        lambda m: m.multinomial(m.tensor([0.5, -1.0]), 1),
        lambda m: m.multinomial(m.tensor([0.5, 0.5]), 3),
        lambda m: m.multinomial(m.tensor([0.5, 0.5]), 0),
        lambda m: m.multinomial(m.ones(2, 2, 2), 1),
        lambda m: m.multinomial(m.tensor([1, 2]), 1),
        lambda m: m.multinomial(m.tensor([0.5, float("nan")]), 2, replacement=True),
        lambda m: m.multinomial(m.tensor([0.5, float("inf")]), 2, replacement=True),
        lambda m: m.multinomial(m.tensor([0.5, float("inf")]), 1),
        lambda m: m.Generator().manual_seed(1.5),
        lambda m: m.manual_seed(2**64),
        lambda m: m.set_rng_state(m.zeros(100, dtype=m.uint8)),
        lambda m: m.set_rng_state(m.zeros(5056, dtype=m.uint8)),
        lambda m: m.set_rng_state(m.zeros(5056)),
        lambda m: m.Generator("cuda:0"),
        lambda m: m.Generator("mps"),
        lambda m: m.Generator("meta"),
        lambda m: m.Generator("xyz"),
        lambda m: m.Generator(0),
    ],
)
def test_errors_match_torch(call: Callable[[Any], Any]) -> None:
    torch = require_torch()
    assert_same_error(lambda: call(torch), lambda: call(tg))


def test_fused_multiply_add_rounds_once() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal(3000) * 10.0 ** rng.integers(-8, 8, 3000)
    b = rng.standard_normal(3000) * 10.0 ** rng.integers(-8, 8, 3000)
    c = -a * b * (1 + rng.standard_normal(3000) * 1e-12)  # heavy cancellation: the hard cases
    c[::2] = rng.standard_normal(1500)
    exact = [Fraction(x) * Fraction(y) + Fraction(z) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(fma64(a, b, c), [float(e) for e in exact])
    a32, b32, c32 = (v.astype(np.float32) for v in (a, b, c))
    exact32 = [Fraction(x) * Fraction(y) + Fraction(z) for x, y, z in zip(a32.tolist(), b32.tolist(), c32.tolist())]
    expected32 = np.array([_round_to_float32(e) for e in exact32], dtype=np.float32)
    np.testing.assert_array_equal(fma32(a32, b32, c32), expected32)


def _round_to_float32(value: Fraction) -> float:
    """Correct rounding of an exact rational to float32 (ties to even), by exact comparison of neighbours."""
    guess = np.float32(float(value))
    below, above = np.nextafter(guess, np.float32(-np.inf)), np.nextafter(guess, np.float32(np.inf))
    best = min((below, guess, above), key=lambda f: (abs(Fraction(float(f)) - value),
                                                     int(np.array(f).view(np.int32)) & 1))
    return float(best)


def test_randperm_large_n_branch_is_a_permutation() -> None:
    """torch's inside-out shuffle for n >= 2^32 / 20 cannot be compared at that size; check its kernel alone."""
    from tinygrad_lr.random import kernels

    kernels_threshold = kernels._LARGE_RANDPERM
    try:
        kernels._LARGE_RANDPERM = 0
        order = kernels.randperm(tg.Generator().manual_seed(3), 1000)
    finally:
        kernels._LARGE_RANDPERM = kernels_threshold
    assert sorted(order.tolist()) == list(range(1000)) and order.tolist() != list(range(1000))


def test_scalar_normal_cache_is_used_by_the_next_call(torch: Any) -> None:
    """torch keeps the sine half of a Box-Muller pair for the next small normal draw, in any dtype."""
    torch.manual_seed(3)
    tg.manual_seed(3)
    for m in (torch, tg):
        m.randn(1, dtype=m.float64)
    theirs = torch.randn(2).numpy()
    ours = tg.randn(2).numpy()
    np.testing.assert_array_equal(ours, theirs)
    assert math.isfinite(float(ours[0]))


def test_fork_rng_restores_the_global_stream(torch: Any) -> None:
    for m in (torch, tg):
        m.manual_seed(4)
        with m.random.fork_rng():
            m.rand(100)
    np.testing.assert_array_equal(tg.rand(3).numpy(), torch.rand(3).numpy())


def _seeded_training(m: Any) -> list[float]:
    """A tutorial-style run: seed, synthetic data, an MLP with Dropout, shuffled mini-batches, SGD."""
    m.manual_seed(0)
    x = m.randn(64, 3)
    y = x @ m.tensor([[1.5], [-2.0], [0.5]]) + 0.1 * m.randn(64, 1)
    model = m.nn.Sequential(m.nn.Linear(3, 16), m.nn.ReLU(), m.nn.Dropout(0.2), m.nn.Linear(16, 1))
    optimizer = m.optim.SGD(model.parameters(), lr=0.05)
    loader = m.utils.data.DataLoader(m.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)
    losses = []
    for _ in range(3):
        for xb, yb in loader:
            loss = m.nn.functional.mse_loss(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def test_seeded_training_run_gives_torchs_losses(torch: Any) -> None:
    """Same initial weights, same data, same dropout masks, same batch order: the losses agree to rounding."""
    np.testing.assert_allclose(_seeded_training(tg), _seeded_training(torch), rtol=1e-5)


def test_seed_lesson_draws_print_the_lessons_numbers() -> None:
    """Made With ML's linear-regression lesson (shared/seeds/004): manual_seed(1234), randn(3, 1), Linear(1, 1)."""
    tg.manual_seed(1234)
    x = tg.randn(3, 1)
    assert str(x.numpy()) == "[[ 0.04613046]\n [ 0.40240282]\n [-1.0115291 ]]"  # as the lesson prints it
    layer = tg.nn.Linear(1, 1)
    assert (round(layer.weight.item(), 2), round(layer.bias.item(), 2)) == (0.35, -0.34)
    assert str(layer(x).detach().numpy()) == "[[-0.32104054]\n [-0.19719592]\n [-0.68869597]]"


def test_random_sizes_bounds_and_moments_equal_torch(torch: Any) -> None:
    """Sizes around the 16-value switch and the tail block, bounds and moments of every magnitude."""
    rng = np.random.default_rng(2026)
    for _ in range(60):
        seed = int(rng.integers(0, 2**63))
        size = int(rng.choice([1, 2, 15, 16, 17, 31, 33, 200, 1001]))
        dtype = str(rng.choice(["float32", "float64"]))
        mean = float(rng.normal() * 10.0 ** rng.integers(-3, 4))
        std = float(abs(rng.normal()) * 10.0 ** rng.integers(-3, 3))
        low = float(rng.normal() * 10.0 ** rng.integers(-3, 4))
        high = low + float(abs(rng.normal()) * 10.0 ** rng.integers(-3, 4))
        results = []
        for m in (torch, tg):
            m.manual_seed(seed)
            kind = getattr(m, dtype)
            results.append([m.empty(size, dtype=kind).normal_(mean, std).numpy(),
                            m.empty(size, dtype=kind).uniform_(low, high).numpy(),
                            m.randn(size, dtype=kind).numpy()])
        for ours, theirs in zip(results[1], results[0]):
            np.testing.assert_array_equal(ours, theirs)
