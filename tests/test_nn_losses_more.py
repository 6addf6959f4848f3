"""The losses and distances added for issue 12 against torch: values and gradients for every reduction on
several shapes (float64 to 1e-10, float32 to 1e-5), the options, module reprs, and error texts."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


def data(shape: tuple[int, ...], dtype: type, kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "real":
        return rng.normal(size=shape).astype(dtype)
    if kind == "positive":
        return rng.uniform(0.2, 2.0, size=shape).astype(dtype)
    if kind == "sign":
        return rng.choice([-1.0, 1.0], size=shape).astype(dtype)
    if kind == "prob":
        p = rng.uniform(0.05, 1.0, size=shape)
        p[..., 0] = 0.0  # xlogy's 0 log 0 = 0
        return (p / p.sum(-1, keepdims=True)).astype(dtype)
    if kind == "binary":
        return rng.integers(0, 2, size=shape).astype(dtype)
    if kind == "counts":
        return rng.integers(0, 6, size=shape).astype(dtype)
    raise ValueError(kind)


# name -> (functional, [(argument kind, shape, differentiable)], options)
CASES: list[tuple[str, list[tuple[str, str, bool]], dict[str, Any]]] = [
    ("kl_div", [("real", "x", True), ("prob", "x", False)], {"reduction": "batchmean"}),
    ("kl_div", [("real", "x", True), ("real", "x", True)], {"reduction": "sum", "log_target": True}),
    ("kl_div", [("real", "x", True), ("prob", "x", True)], {"reduction": "none"}),
    ("gaussian_nll_loss", [("real", "x", True), ("real", "x", True), ("positive", "x", True)], {}),
    ("gaussian_nll_loss", [("real", "x", True), ("real", "x", False), ("positive", "x1", True)],
     {"full": True, "reduction": "sum"}),
    ("gaussian_nll_loss", [("real", "x", True), ("real", "x", False), ("positive", "x-", True)],
     {"reduction": "none", "eps": 0.5}),
    ("poisson_nll_loss", [("real", "x", True), ("counts", "x", False)], {}),
    ("poisson_nll_loss", [("positive", "x", True), ("counts", "x", False)], {"log_input": False, "full": True}),
    ("poisson_nll_loss", [("real", "x", True), ("counts", "x", True)], {"full": True, "reduction": "none"}),
    ("margin_ranking_loss", [("real", "x", True), ("real", "x", True), ("sign", "x", False)], {}),
    ("margin_ranking_loss", [("real", "x", True), ("real", "x", True), ("sign", "x", False)],
     {"margin": 0.5, "reduction": "none"}),
    ("hinge_embedding_loss", [("real", "x", True), ("sign", "x", False)], {}),
    ("hinge_embedding_loss", [("positive", "x", True), ("sign", "x", False)], {"margin": 1.5, "reduction": "sum"}),
    ("soft_margin_loss", [("real", "x", True), ("sign", "x", False)], {}),
    ("soft_margin_loss", [("real", "x", True), ("sign", "x", False)], {"reduction": "none"}),
    ("cosine_embedding_loss", [("real", "m", True), ("real", "m", True), ("sign", "b", False)], {}),
    ("cosine_embedding_loss", [("real", "m", True), ("real", "m", True), ("sign", "b", False)],
     {"margin": 0.2, "reduction": "none"}),
    ("cosine_embedding_loss", [("real", "v", True), ("real", "v", True), ("sign", "s", False)], {"margin": -0.5}),
    ("multilabel_soft_margin_loss", [("real", "m", True), ("binary", "m", False)], {}),
    ("multilabel_soft_margin_loss", [("real", "m", True), ("binary", "m", False)], {"reduction": "none"}),
    ("triplet_margin_loss", [("real", "m", True), ("real", "m", True), ("real", "m", True)], {}),
    ("triplet_margin_loss", [("real", "m", True), ("real", "m", True), ("real", "m", True)],
     {"margin": 2.0, "p": 1, "swap": True, "reduction": "sum"}),
    ("triplet_margin_loss", [("real", "m", True), ("real", "m", True), ("real", "m", True)],
     {"p": 3, "eps": 0.1, "reduction": "none"}),
    ("pairwise_distance", [("real", "m", True), ("real", "m", True)], {}),
    ("pairwise_distance", [("real", "m", True), ("real", "r", True)], {"p": 1.0, "keepdim": True}),
    ("pairwise_distance", [("real", "m", True), ("real", "m", True)], {"p": float("inf")}),
    ("pairwise_distance", [("real", "x", True), ("real", "x", True)], {"p": 3.0, "eps": 0.0}),
    ("cosine_similarity", [("real", "m", True), ("real", "m", True)], {}),
    ("cosine_similarity", [("real", "x", True), ("real", "x", True)], {"dim": -1}),
    ("cosine_similarity", [("real", "m", True), ("real", "r", True)], {"dim": 1, "eps": 1e-3}),
    ("normalize", [("real", "m", True)], {}),
    ("normalize", [("real", "x", True)], {"p": 1.0, "dim": 0}),
    ("normalize", [("real", "x", True)], {"p": 3.0, "dim": -1, "eps": 0.5}),
]
# the shapes: x elementwise (several), m (batch, features), v a vector, b/s the target of m/v, r a row of m
SHAPES = {
    "x": [(6,), (3, 4), (2, 3, 4)],
    "m": [(5, 4)],
    "v": [(4,)],
}


def shape_of(code: str, base: tuple[int, ...]) -> tuple[int, ...]:
    return {"x": base, "m": base, "v": base, "b": base[:1], "s": (), "r": (1, base[-1]), "x1": (*base[:-1], 1),
            "x-": base[:-1]}[code]


def run(lib: Any, name: str, args: list[np.ndarray], grads: list[bool], options: dict) -> list[np.ndarray]:
    tensors = [lib.tensor(a, requires_grad=g) for a, g in zip(args, grads)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = getattr(lib.nn.functional, name)(*tensors, **options)
    weights = lib.tensor(np.linspace(0.5, 1.5, max(out.numel(), 1)).reshape(tuple(out.shape)).astype(args[0].dtype))
    (out * weights).sum().backward()
    return [out.detach().numpy()] + [t.grad.numpy() for t, g in zip(tensors, grads) if g]


def expanded_cases() -> list[Any]:
    cases = []
    for name, arguments, options in CASES:
        main = arguments[0][1]
        for base in SHAPES.get(main, SHAPES["x"]):
            if main == "v":
                base = SHAPES["v"][0]
            cases.append(pytest.param(name, arguments, options, base, id=f"{name}-{options}-{base}"))
            if main in ("m", "v"):
                break
    return cases


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "arguments", "options", "base"), expanded_cases())
def test_values_and_gradients_match_torch(name: str, arguments: list, options: dict, base: tuple, dtype: type,
                                          torch: Any) -> None:
    args = [data(shape_of(code, base), dtype, kind, seed) for seed, (kind, code, _) in enumerate(arguments)]
    grads = [g for _, _, g in arguments]
    ours, theirs = run(tg, name, args, grads, options), run(torch, name, args, grads, options)
    atol = TOLERANCE[dtype]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape and a.dtype == b.dtype, i
        np.testing.assert_allclose(a, b, rtol=atol, atol=atol, err_msg=f"output {i}")


def test_grad_fn_names_match_torch(torch: Any) -> None:
    def names(lib: Any) -> list[str]:
        x = lib.ones(2, 3, requires_grad=True)
        f = lib.nn.functional
        return [
            f.soft_margin_loss(x, lib.ones(2, 3)).grad_fn.name(),
            f.soft_margin_loss(x, lib.ones(2, 3), reduction="none").grad_fn.name(),
            f.kl_div(x, lib.ones(2, 3), reduction="none").grad_fn.name(),
            f.cosine_similarity(x, x + 1).grad_fn.name(),
            f.normalize(x).grad_fn.name(),
        ]

    assert names(tg) == names(torch)


def test_kl_div_mean_warns_like_torch(torch: Any) -> None:
    for lib in (tg, torch):
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            lib.nn.functional.kl_div(lib.zeros(2, 3), lib.ones(2, 3) / 3)


def test_gaussian_nll_clamps_the_variance_without_blocking_its_gradient(torch: Any) -> None:
    def run_small(lib: Any) -> list[np.ndarray]:
        var = lib.tensor([1e-9, 0.5, 2.0], dtype=lib.float64, requires_grad=True)
        x = lib.tensor([0.1, -0.2, 0.3], dtype=lib.float64, requires_grad=True)
        lib.nn.functional.gaussian_nll_loss(x, lib.zeros(3, dtype=lib.float64), var).backward()
        return [x.grad.numpy(), var.grad.numpy()]

    for a, b in zip(run_small(tg), run_small(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


LOSS_MODULES = [
    ("KLDivLoss", {}), ("KLDivLoss", {"reduction": "batchmean", "log_target": True}), ("GaussianNLLLoss", {}),
    ("GaussianNLLLoss", {"full": True, "eps": 1e-3}), ("PoissonNLLLoss", {}), ("PoissonNLLLoss", {"log_input": False}),
    ("MarginRankingLoss", {"margin": 0.3}), ("HingeEmbeddingLoss", {}), ("SoftMarginLoss", {}),
    ("CosineEmbeddingLoss", {"margin": 0.1}), ("MultiLabelSoftMarginLoss", {}), ("TripletMarginLoss", {}),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "swap": True}), ("CosineSimilarity", {}),
    ("CosineSimilarity", {"dim": 0, "eps": 1e-6}), ("PairwiseDistance", {}), ("PairwiseDistance", {"p": 1.0}),
]


@pytest.mark.parametrize(("name", "options"), LOSS_MODULES, ids=[f"{n}{o}" for n, o in LOSS_MODULES])
def test_module_repr_attributes_and_output_match_torch(name: str, options: dict, torch: Any) -> None:
    ours, theirs = getattr(tg.nn, name)(**options), getattr(torch.nn, name)(**options)
    assert repr(ours) == repr(theirs)
    shared = {k: v for k, v in vars(theirs).items() if not k.startswith("_") and k != "training"}
    assert {k: getattr(ours, k) for k in shared} == shared
    arity = {"GaussianNLLLoss": 3, "MarginRankingLoss": 3, "CosineEmbeddingLoss": 3, "TripletMarginLoss": 3,
             "CosineSimilarity": 2, "PairwiseDistance": 2}.get(name, 2)
    args = [data((4, 3), np.float64, "positive" if i == 2 or name == "PoissonNLLLoss" else "real", i)
            for i in range(arity)]
    if name in ("MarginRankingLoss",):
        args[2] = data((4, 3), np.float64, "sign", 5)
    if name == "CosineEmbeddingLoss":
        args[2] = data((4,), np.float64, "sign", 5)
    if name in ("HingeEmbeddingLoss", "SoftMarginLoss"):
        args[1] = data((4, 3), np.float64, "sign", 5)
    if name == "MultiLabelSoftMarginLoss":
        args[1] = data((4, 3), np.float64, "binary", 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = ours(*[tg.tensor(x) for x in args]).numpy()
        b = theirs(*[torch.tensor(x) for x in args]).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_multilabel_soft_margin_weight_is_a_buffer_like_torch(torch: Any) -> None:
    w = np.array([1.0, 2.0, 0.5])
    ours, theirs = tg.nn.MultiLabelSoftMarginLoss(tg.tensor(w)), torch.nn.MultiLabelSoftMarginLoss(torch.tensor(w))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    x, y = data((4, 3), np.float64, "real", 0), data((4, 3), np.float64, "binary", 1)
    np.testing.assert_allclose(ours(tg.tensor(x), tg.tensor(y)).numpy(),
                               theirs(torch.tensor(x), torch.tensor(y)).numpy(), rtol=1e-12)


ERRORS = [
    lambda lib: lib.nn.functional.margin_ranking_loss(lib.ones(2), lib.ones(2, 1), lib.ones(2)),
    lambda lib: lib.nn.functional.triplet_margin_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3)),
    lambda lib: lib.nn.functional.triplet_margin_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), margin=0),
    lambda lib: lib.nn.TripletMarginLoss(margin=-1.0),
    lambda lib: lib.nn.functional.cosine_embedding_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 1)),
    lambda lib: lib.nn.functional.cosine_embedding_loss(lib.ones(2, 3), lib.ones(3), lib.ones(2)),
    lambda lib: lib.nn.functional.cosine_embedding_loss(lib.ones(2, 3), lib.ones(2, 3), lib.tensor(1.0)),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(3, 3)),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(2, 3), lib.ones(2, 3), -1.0),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(2, 3), lib.ones(2, 3), -lib.ones(2, 3)),
    lambda lib: lib.nn.functional.gaussian_nll_loss(lib.ones(2, 3), lib.ones(2, 3), lib.ones(2, 3), reduction="x"),
    lambda lib: lib.nn.functional.kl_div(lib.ones(2), lib.ones(2), reduction="foo"),
    lambda lib: lib.nn.functional.poisson_nll_loss(lib.ones(2), lib.ones(2), reduction="foo"),
    lambda lib: lib.nn.functional.multilabel_soft_margin_loss(lib.ones(2, 3), lib.ones(2, 3), reduction="foo"),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(2), lib.ones(2), reduction="foo"),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(2), lib.ones(3)),
    lambda lib: lib.nn.functional.soft_margin_loss(lib.ones(2), lib.ones(2, requires_grad=True)),
    lambda lib: lib.nn.functional.pairwise_distance(lib.ones(2, 3), lib.ones(2, 4)),
    lambda lib: lib.nn.functional.kl_div(lib.ones(2), lib.ones(3), reduction="sum"),
    lambda lib: lib.nn.functional.poisson_nll_loss(lib.ones(2), lib.ones(3)),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Any, torch: Any) -> None:
    assert_same_error(lambda: call(torch), lambda: call(tg))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, x: lib.nn.functional.normalize(x),
        lambda lib, x: lib.nn.functional.normalize(x, p=3.0),
        lambda lib, x: lib.nn.functional.pairwise_distance(x, lib.zeros(2, 3, dtype=x.dtype), eps=0.0),
        lambda lib, x: lib.nn.functional.pairwise_distance(x, lib.zeros(2, 3, dtype=x.dtype), p=3.0, eps=0.0),
        lambda lib, x: lib.nn.functional.cosine_similarity(x, lib.ones(2, 3, dtype=x.dtype)),
        lambda lib, x: lib.nn.functional.triplet_margin_loss(x, x, lib.ones(2, 3, dtype=x.dtype), eps=0.0),
    ],
)
def test_a_zero_vector_gets_torchs_finite_gradient(call: Any, torch: Any) -> None:
    """The norm's derivative is infinite at 0: torch's is 0 there, and so is ours (no NaN)."""

    def run(lib: Any) -> np.ndarray:
        x = lib.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]], dtype=lib.float64, requires_grad=True)
        out = call(lib, x)
        (out * lib.tensor(np.linspace(1.0, 2.0, out.numel()).reshape(tuple(out.shape)))).sum().backward()
        return x.grad.numpy()

    ours = run(tg)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours, run(torch), rtol=1e-10)
