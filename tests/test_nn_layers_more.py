"""The layers and containers added for issue 12 against torch: Embedding (and F.embedding, F.one_hot), Bilinear,
Unflatten, RMSNorm (and F.rms_norm, F.layer_norm, F.batch_norm), AlphaDropout, F.pad, ModuleDict,
ParameterList, ParameterDict: outputs, gradients, state_dict keys, reprs, init draws and error texts."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


def randn(shape: tuple[int, ...], dtype: type = np.float64, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def forward_backward(lib: Any, fn: Any, arrays: list[np.ndarray]) -> list[np.ndarray]:
    tensors = [lib.tensor(a, requires_grad=True) for a in arrays]
    out = fn(lib, *tensors)
    weights = lib.tensor(np.linspace(-1.0, 2.0, out.numel()).reshape(tuple(out.shape)).astype(arrays[0].dtype))
    (out * weights).sum().backward()
    return [out.detach().numpy()] + [t.grad.numpy() for t in tensors]


FUNCTIONAL = [
    ("bilinear", lambda lib, a, b, w, c: lib.nn.functional.bilinear(a, b, w, c), [(5, 3), (5, 4), (2, 3, 4), (2,)]),
    ("bilinear_batch", lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w), [(2, 5, 3), (2, 5, 4), (6, 3, 4)]),
    ("bilinear_1d", lambda lib, a, b, w: lib.nn.functional.bilinear(a, b, w), [(3,), (4,), (2, 3, 4)]),
    ("layer_norm", lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (3, 4), w, b), [(2, 3, 4), (3, 4), (3, 4)]),
    ("layer_norm_plain", lambda lib, x: lib.nn.functional.layer_norm(x, [4], eps=0.1), [(5, 4)]),
    ("rms_norm", lambda lib, x, w: lib.nn.functional.rms_norm(x, (4,), w), [(2, 3, 4), (4,)]),
    ("rms_norm_eps", lambda lib, x: lib.nn.functional.rms_norm(x, (3, 4), eps=0.5), [(2, 3, 4)]),
    ("batch_norm_train", lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, training=True),
     [(6, 3), (3,), (3,)]),
    ("batch_norm_train_3d", lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True, eps=0.01),
     [(4, 3, 5)]),
    ("batch_norm_4d", lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True), [(2, 3, 2, 2)]),
    ("batch_norm_eval", lambda lib, x, w: lib.nn.functional.batch_norm(
        x, lib.tensor([0.5, -1.0, 0.0], dtype=x.dtype), lib.tensor([1.5, 0.5, 2.0], dtype=x.dtype), w),
     [(6, 3), (3,)]),
    ("pad", lambda lib, x: lib.nn.functional.pad(x, (1, 2)), [(2, 3)]),
    ("pad_two_dims", lambda lib, x: lib.nn.functional.pad(x, (1, 0, 2, 1), value=3.5), [(2, 3, 4)]),
    ("pad_crop", lambda lib, x: lib.nn.functional.pad(x, (-1, 2, 1, -1)), [(3, 4)]),
    ("pad_all", lambda lib, x: lib.nn.functional.pad(x, [1, 1, 0, 2, 3, 0]), [(2, 3, 4)]),
    ("embedding", lambda lib, w: lib.nn.functional.embedding(lib.tensor([[0, 2, 0], [3, 3, 1]]), w), [(4, 3)]),
    ("embedding_padding", lambda lib, w: lib.nn.functional.embedding(lib.tensor([0, 2, 0, 1]), w, padding_idx=0),
     [(4, 3)]),
    ("embedding_freq", lambda lib, w: lib.nn.functional.embedding(
        lib.tensor([0, 2, 0, 1, 0]), w, scale_grad_by_freq=True), [(4, 3)]),
    ("embedding_negative_padding", lambda lib, w: lib.nn.functional.embedding(lib.tensor([3, 2]), w, padding_idx=-1),
     [(4, 3)]),
    ("unflatten", lambda lib, x: lib.nn.Unflatten(1, (2, -1))(x), [(3, 8)]),
    ("unflatten_last", lambda lib, x: lib.nn.Unflatten(-1, (2, 2))(x), [(3, 2, 4)]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "fn", "shapes"), FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_forward_and_backward_match_torch(name: str, fn: Any, shapes: list, dtype: type, torch: Any) -> None:
    arrays = [randn(shape, dtype, seed) for seed, shape in enumerate(shapes)]
    ours, theirs = forward_backward(tg, fn, arrays), forward_backward(torch, fn, arrays)
    atol = TOLERANCE[dtype]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape and a.dtype == b.dtype, i
        np.testing.assert_allclose(a, b, rtol=atol, atol=atol, err_msg=f"output {i}")


def test_batch_norm_updates_the_running_statistics_like_torch(torch: Any) -> None:
    def run(lib: Any) -> list[np.ndarray]:
        mean, var = lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64)
        for seed in range(3):
            lib.nn.functional.batch_norm(lib.tensor(randn((5, 3, 2), seed=seed)), mean, var, training=True,
                                         momentum=0.3)
        return [mean.numpy(), var.numpy()]

    for a, b in zip(run(tg), run(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_embedding_max_norm_renormalizes_the_rows_used_in_place_like_torch(torch: Any) -> None:
    def run(lib: Any) -> np.ndarray:
        w = lib.tensor(randn((5, 3)) * 3)
        lib.nn.functional.embedding(lib.tensor([0, 2, 2]), w, max_norm=1.5, norm_type=1.0)
        return w.numpy()

    np.testing.assert_allclose(run(tg), run(torch), rtol=1e-12)


def test_one_hot_matches_torch(torch: Any) -> None:
    for values, classes in [([0, 2, 1], -1), ([[1], [3]], 5), ([], 3)]:
        ours = tg.nn.functional.one_hot(tg.tensor(values, dtype=tg.int64), classes)
        theirs = torch.nn.functional.one_hot(torch.tensor(values, dtype=torch.int64), classes)
        assert ours.dtype == np.int64 and ours.numpy().tolist() == theirs.numpy().tolist()
        assert tuple(ours.shape) == tuple(theirs.shape)


MODULES = [
    ("Embedding", (10, 3), {}), ("Embedding", (10, 3), {"padding_idx": 2}),
    ("Embedding", (10, 3), {"padding_idx": -1, "max_norm": 1.0, "norm_type": 1.0, "scale_grad_by_freq": True}),
    ("Bilinear", (3, 4, 2), {}), ("Bilinear", (3, 4, 2), {"bias": False}), ("RMSNorm", (4,), {}),
    ("RMSNorm", ((3, 4),), {"eps": 1e-3, "elementwise_affine": False}), ("AlphaDropout", (), {}),
    ("AlphaDropout", (0.2, True), {}), ("Unflatten", (1, (2, 2)), {}), ("Unflatten", (-1, [3, -1]), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), MODULES, ids=[f"{n}{a}{k}" for n, a, k in MODULES])
def test_module_repr_state_dict_and_init_match_torch(name: str, args: tuple, kwargs: dict, torch: Any) -> None:
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = getattr(tg.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (n1, p1), (n2, p2) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n1 == n2 and tuple(p1.shape) == tuple(p2.shape) and str(p1.dtype) == str(p2.dtype)
        if name in ("RMSNorm",):
            np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())
    if name == "Embedding" and "padding_idx" in kwargs:
        row = ours.padding_idx
        assert not ours.weight.detach().numpy()[row].any() and row == theirs.padding_idx


def test_embedding_trains_like_torch_and_from_pretrained_freezes(torch: Any) -> None:
    table = randn((6, 3))

    def train(lib: Any) -> np.ndarray:
        emb = lib.nn.Embedding.from_pretrained(lib.tensor(table), freeze=False, padding_idx=1)
        opt = lib.optim.SGD(emb.parameters(), lr=0.5)
        for _ in range(3):
            opt.zero_grad()
            (emb(lib.tensor([[1, 2, 2], [0, 5, 1]])) ** 2).sum().backward()
            opt.step()
        return emb.weight.detach().numpy()

    np.testing.assert_allclose(train(tg), train(torch), rtol=1e-12)
    frozen = tg.nn.Embedding.from_pretrained(tg.tensor(table))
    assert not frozen.weight.requires_grad and repr(frozen) == repr(torch.nn.Embedding.from_pretrained(
        torch.tensor(table)))


def test_alpha_dropout_keeps_mean_and_variance_and_is_identity_in_eval() -> None:
    tg.manual_seed(0)
    x = tg.tensor(np.random.default_rng(0).normal(size=200_000))
    layer = tg.nn.AlphaDropout(0.3)
    y = layer(x).numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1) < 0.01
    dropped = np.isclose(y, -1.7580993408473766 * (1 / np.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7))
                         + 1.7580993408473766 * (1 / np.sqrt((1.7580993408473766**2 * 0.3 + 1) * 0.7)) * 0.3)
    assert abs(dropped.mean() - 0.3) < 0.01
    assert layer.eval()(x) is x


def test_alpha_dropout_gradient_is_the_kept_scale(torch: Any) -> None:
    tg.manual_seed(0)
    x = tg.tensor(randn((1000,)), requires_grad=True)
    y = tg.nn.functional.alpha_dropout(x, 0.4, training=True)
    y.sum().backward()
    a = 1 / np.sqrt((1.7580993408473766**2 * 0.4 + 1) * 0.6)
    assert set(np.round(x.grad.numpy(), 12).tolist()) == {0.0, round(a, 12)}


# ----- containers ------------------------------------------------------------------------------------------------
def test_module_dict_matches_torch(torch: Any) -> None:
    def build(lib: Any) -> Any:
        lib.manual_seed(0)
        d = lib.nn.ModuleDict({"b": lib.nn.Linear(2, 2), "a": lib.nn.ReLU()})
        d["c"] = lib.nn.Tanh()
        d.update([("d", lib.nn.Sigmoid())])
        d.update(OrderedDict(e=lib.nn.Identity()))
        del d["a"]
        popped = d.pop("d")
        return d, popped

    (ours, our_pop), (theirs, their_pop) = build(tg), build(torch)
    assert repr(ours) == repr(theirs) and type(our_pop).__name__ == type(their_pop).__name__
    assert list(ours) == list(theirs) and list(ours.keys()) == list(theirs.keys())
    assert [type(m).__name__ for m in ours.values()] == [type(m).__name__ for m in theirs.values()]
    assert ("b" in ours) and ("a" not in ours) and len(ours) == len(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    model_ours, model_theirs = tg.nn.Module(), torch.nn.Module()
    model_ours.heads, model_theirs.heads = ours, theirs
    assert [n for n, _ in model_ours.named_parameters()] == [n for n, _ in model_theirs.named_parameters()]
    ours.clear()
    assert len(ours) == 0 and repr(ours) == "ModuleDict()"


def test_parameter_list_matches_torch(torch: Any) -> None:
    def build(lib: Any) -> Any:
        pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2, 3)), lib.zeros(3), 5])
        pl.append(lib.nn.Parameter(lib.ones(2, dtype=lib.float64), requires_grad=False))
        pl.extend([lib.ones(1)])
        pl[1] = lib.full((4,), 2.0)
        return pl

    ours, theirs = build(tg), build(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [type(x).__name__ for x in ours] == [type(x).__name__ for x in theirs]
    assert len(ours) == len(theirs) == 5 and ours[2] == 5 and ours[-1].shape == (1,)
    assert [tuple(p.shape) for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]
    assert len(ours[1:3]) == 2 and isinstance(ours[1:3], tg.nn.ParameterList)
    assert isinstance(ours[1], tg.nn.Parameter) and ours[1].requires_grad
    assert_same_error(lambda: theirs[7], lambda: ours[7])
    assert_same_error(lambda: theirs(1), lambda: ours(1))
    assert_same_error(lambda: theirs.extend(3), lambda: ours.extend(3))


def test_parameter_dict_matches_torch(torch: Any) -> None:
    def build(lib: Any) -> Any:
        pd = lib.nn.ParameterDict({"b": lib.nn.Parameter(lib.ones(2)), "a": lib.zeros(3)})  # plain dict: sorted
        pd["c"] = lib.ones(1, 2)
        pd.update([("d", 4)])
        pd.setdefault("e", lib.ones(2, dtype=lib.float64))
        return pd

    ours, theirs = build(tg), build(torch)
    assert repr(ours).replace("tinygrad_lr.", "torch.") == repr(theirs)
    assert list(ours) == list(theirs) and list(ours.keys()) == list(theirs.keys())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.get("zz", 7) == 7 and "a" in ours and ours["d"] == 4
    assert ours.pop("d") == 4 and ours.popitem()[0] == theirs.popitem()[0] == "e"
    merged = ours | tg.nn.ParameterDict({"z": tg.ones(1)})
    assert list(merged) == ["a", "b", "c", "z"]
    for call in [lambda d, lib: d.__setitem__(1, lib.ones(1)), lambda d, lib: d["zz"], lambda d, lib: d(1),
                 lambda d, lib: d.update(3), lambda d, lib: d.update([3]), lambda d, lib: d.update([(1, 2, 3)])]:
        assert_same_error(lambda call=call: call(theirs, torch), lambda call=call: call(ours, tg))


def test_module_dict_errors_match_torch(torch: Any) -> None:
    for call in [lambda lib: lib.nn.ModuleDict().update(3), lambda lib: lib.nn.ModuleDict().update([3]),
                 lambda lib: lib.nn.ModuleDict().update([(1, 2, 3)]), lambda lib: lib.nn.ModuleDict()["z"],
                 lambda lib: lib.nn.ModuleDict({"a": 3})]:
        assert_same_error(lambda call=call: call(torch), lambda call=call: call(tg))


ERRORS = [
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(3, 4), lib.ones(5, 3, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 2), lib.ones(2, 4), lib.ones(5, 3, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 5), lib.ones(5, 3, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 1, 4), lib.ones(5, 3, 4)),
    lambda lib: lib.nn.functional.bilinear(lib.ones(2, 3), lib.ones(2, 4), lib.ones(5, 3, 4), lib.ones(4)),
    lambda lib: lib.nn.Unflatten(1, (2, 2))(lib.ones(3, 5)),
    lambda lib: lib.nn.Unflatten(1, (2, 2.0)),
    lambda lib: lib.nn.functional.one_hot(lib.ones(3)),
    lambda lib: lib.nn.functional.one_hot(lib.ones(3, dtype=lib.int32)),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([-1, 2])),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([1, 2]), 2),
    lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.long)),
    lambda lib: lib.nn.functional.pad(lib.ones(2, 2), (1,)),
    lambda lib: lib.nn.functional.pad(lib.ones(2, 2), (1, 1, 1, 1, 1, 1)),
    lambda lib: lib.nn.functional.pad(lib.ones(2, 2), (-3, 0)),
    lambda lib: lib.nn.functional.pad(lib.ones(2, 2, 2), (1, 1), mode="foo"),
    lambda lib: lib.nn.functional.embedding(lib.ones(2), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([3]), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([0]), lib.ones(3)),
    lambda lib: lib.nn.Embedding(3, 2, padding_idx=3),
    lambda lib: lib.nn.Embedding(3, 2, padding_idx=-4),
    lambda lib: lib.nn.functional.alpha_dropout(lib.ones(2), 1.5),
    lambda lib: lib.nn.AlphaDropout(-0.5),
    lambda lib: lib.nn.functional.rms_norm(lib.ones(2, 3), (4,)),
    lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (4,)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(2, 3), lib.zeros(4), lib.ones(4)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(1, 3), None, None, training=True),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call: Any, torch: Any) -> None:
    assert_same_error(lambda call=call: call(torch), lambda call=call: call(tg))


def test_pad_modes_other_than_constant_say_so() -> None:
    with pytest.raises(NotImplementedError, match="mode='constant' only"):
        tg.nn.functional.pad(tg.ones(2, 2, 2), (1, 1), mode="reflect")


@pytest.mark.parametrize(
    ("name", "args", "inputs"),
    [("Bilinear", (3, 4, 2), [(5, 3), (5, 4)]), ("RMSNorm", ((2, 4),), [(3, 2, 4)]),
     ("Embedding", (6, 3), None), ("Unflatten", (1, (2, 3)), [(4, 6)])],
)
def test_module_forward_and_parameter_gradients_match_torch(name: str, args: tuple, inputs: list | None,
                                                            torch: Any) -> None:
    ours, theirs = getattr(tg.nn, name)(*args).double(), getattr(torch.nn, name)(*args).double()
    with torch.no_grad():  # the same parameters in both (torch's init draws are compared elsewhere)
        for p in theirs.parameters():
            p.copy_(torch.tensor(randn(tuple(p.shape), seed=7)))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    if inputs is None:
        a, b = [tg.tensor([[0, 5], [2, 2]])], [torch.tensor([[0, 5], [2, 2]])]
    else:
        arrays = [randn(shape, seed=i) for i, shape in enumerate(inputs)]
        a, b = [tg.tensor(x) for x in arrays], [torch.tensor(x) for x in arrays]
    out_a, out_b = ours(*a), theirs(*b)
    np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(), rtol=1e-12, atol=1e-12)
    if list(theirs.parameters()):
        (out_a**2).sum().backward()
        (out_b**2).sum().backward()
        for (n, p), q in zip(ours.named_parameters(), theirs.parameters()):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=n)


@pytest.mark.parametrize("optimizer", ["NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop"])
def test_a_model_of_the_new_layers_trains_like_torch(optimizer: str, torch: Any) -> None:
    """Embedding -> Linear -> GELU -> LayerNorm -> SiLU -> Linear -> RMSNorm -> ELU -> Linear, the same weights in
    both, trained 12 steps with a new optimizer and a new schedule: the losses agree to rounding."""
    rng = np.random.default_rng(0)
    idx, y = rng.integers(0, 20, (16, 5)), rng.normal(size=(16, 1))

    def build(lib: Any) -> Any:
        nn = lib.nn
        return nn.Sequential(nn.Embedding(20, 8), nn.Flatten(), nn.Linear(40, 16), nn.GELU(), nn.LayerNorm(16),
                             nn.SiLU(), nn.Linear(16, 16), nn.RMSNorm(16), nn.ELU(), nn.Linear(16, 1)).double()

    theirs = build(torch)
    ours = build(tg)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})

    def train(lib: Any, model: Any) -> list[float]:
        opt = getattr(lib.optim, optimizer)(model.parameters(), lr=0.01)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=12, cycle_momentum=False)
        x, t = lib.tensor(idx), lib.tensor(y)
        losses = []
        for _ in range(12):
            opt.zero_grad()
            loss = lib.nn.functional.smooth_l1_loss(model(x), t)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        return losses

    ours_losses, their_losses = train(tg, ours), train(torch, theirs)
    np.testing.assert_allclose(ours_losses, their_losses, rtol=1e-10, atol=1e-12)
    assert their_losses[-1] < their_losses[0]
