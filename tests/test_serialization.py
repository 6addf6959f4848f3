"""save/load: round trips of state dicts, atomic writes, and refusal of corrupted, pickled or foreign files."""

from __future__ import annotations

import os
import pickle
import zipfile
from collections import Counter, OrderedDict

import numpy as np
import pytest

import tinygrad_lr as tg
from tinygrad_lr import optim


def nested_state() -> dict:
    return {
        "weights": OrderedDict([("fc.weight", tg.tensor([[1.5, -2.0]])), ("fc.bias", tg.tensor([0.25]))]),
        "state": {0: {"step": tg.tensor(3.0), "exp_avg": tg.tensor([0.1, 0.2], dtype=tg.float64)}},
        "groups": [{"lr": 0.001, "betas": (0.9, 0.999), "nesterov": False, "foreach": None, "params": [0, 1]}],
        "labels": tg.tensor([1, 2, 3]),
        "mask": tg.tensor([True, False]),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "name": "run-1",
        "epochs": 12,
        "big": 2**70,
        "floats": [float("inf"), -0.0, 0.1 + 0.2, float("nan")],
        "empty": tg.zeros(0, 3),
        "milestones": Counter({3: 2, 7: 1}),
    }


def test_round_trip_preserves_structure_types_dtypes_and_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "state.pt"
    original = nested_state()
    tg.save(original, path)
    loaded = tg.load(path)
    assert list(loaded) == list(original)
    assert type(loaded["weights"]) is OrderedDict and list(loaded["weights"]) == ["fc.weight", "fc.bias"]
    assert loaded["weights"]["fc.weight"].tolist() == [[1.5, -2.0]]
    assert loaded["weights"]["fc.weight"].dtype == np.float32
    assert list(loaded["state"]) == [0] and loaded["state"][0]["exp_avg"].dtype == np.float64
    assert loaded["state"][0]["step"].shape == () and loaded["state"][0]["step"].item() == 3.0
    assert loaded["groups"] == original["groups"] and isinstance(loaded["groups"][0]["betas"], tuple)
    assert loaded["labels"].dtype == np.int64 and loaded["mask"].dtype == np.bool_
    assert loaded["array"].dtype == np.int32 and isinstance(loaded["array"], np.ndarray)
    np.testing.assert_array_equal(loaded["array"], original["array"])
    assert (loaded["name"], loaded["epochs"], loaded["big"]) == ("run-1", 12, 2**70)
    assert loaded["floats"][:3] == [float("inf"), -0.0, 0.1 + 0.2] and np.isnan(loaded["floats"][3])
    assert np.copysign(1.0, loaded["floats"][1]) == -1.0
    assert loaded["empty"].shape == (0, 3)
    assert loaded["milestones"] == Counter({3: 2, 7: 1}) and type(loaded["milestones"]) is Counter


def test_the_file_is_a_plain_npz_without_pickles(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.npz"
    tg.save({"w": tg.ones(2)}, path)
    with np.load(path, allow_pickle=False) as archive:
        assert "__manifest__" in archive.files
    assert not (tmp_path / "model.npz.npz").exists()


def test_a_path_without_npz_extension_is_used_as_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "checkpoint.pt"
    tg.save([1, 2], str(path))
    assert os.listdir(tmp_path) == ["checkpoint.pt"]
    assert tg.load(str(path)) == [1, 2]


def test_values_that_require_grad_and_shared_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    tg.save({"a": w, "b": w, "c": w.detach()}, tmp_path / "f")
    loaded = tg.load(tmp_path / "f")
    assert loaded["a"].requires_grad and loaded["a"].is_leaf
    assert loaded["a"] is loaded["b"]  # one object saved twice stays one object
    assert not loaded["c"].requires_grad


def test_optimizer_state_dict_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tg.tensor([1.0, -1.0], requires_grad=True)
    opt = optim.Adam([p], lr=0.1, amsgrad=True)
    for _ in range(2):
        p.grad = p.detach() * 2
        opt.step()
    tg.save(opt.state_dict(), tmp_path / "opt.npz")
    state = tg.load(tmp_path / "opt.npz")
    saved = opt.state_dict()
    assert state["param_groups"] == saved["param_groups"]
    assert list(state["state"][0]) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    for key, value in saved["state"][0].items():
        assert state["state"][0][key].dtype == value.dtype
        np.testing.assert_array_equal(state["state"][0][key].numpy(), value.numpy())


def test_a_failed_save_leaves_the_old_file_intact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "good.npz"
    tg.save({"w": tg.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"cannot save an object of type function at obj\['fn'\]\[1\]"):
        tg.save({"w": tg.zeros(3), "fn": [1, lambda: 0]}, path)
    with pytest.raises(TypeError, match="object"):
        tg.save({"w": np.array([object()])}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["good.npz"]  # no temporary file left behind


def test_an_interrupted_write_leaves_the_old_file_intact(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "good.npz"
    tg.save({"w": tg.ones(3)}, path)

    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        tg.save({"w": tg.zeros(3)}, path)
    monkeypatch.undo()
    assert tg.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert os.listdir(tmp_path) == ["good.npz"]


def test_saving_over_a_file_keeps_its_permissions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.npz"
    tg.save(1, path)
    os.chmod(path, 0o640)
    tg.save(2, path)
    assert os.stat(path).st_mode & 0o777 == 0o640 and tg.load(path) == 2


def test_file_objects_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.npz"
    with open(path, "wb") as handle:
        tg.save({"x": tg.arange(3)}, handle)
    with open(path, "rb") as handle:
        assert tg.load(handle)["x"].tolist() == [0, 1, 2]


# ----- refusing bad files ---------------------------------------------------------------------------------
class WritesMarker:
    """Unpickling this would create a marker file: the test asserts it never appears."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.marker, "w"))


def test_a_pickle_file_is_refused_without_running_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": WritesMarker(str(marker))}))
    with pytest.raises(RuntimeError, match=r"could not load '.*evil\.pt': it contains pickled data"):
        tg.load(path)
    assert not marker.exists()


def test_an_npz_holding_a_pickled_object_array_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    payload = np.empty(1, dtype=object)
    payload[0] = WritesMarker(str(marker))
    with open(path, "wb") as handle:
        np.savez(handle, __manifest__=np.frombuffer(b'{"format": "tinygrad_lr.save", "version": 1, '
                                                     b'"root": {"ndarray": "a0"}}', dtype=np.uint8), a0=payload)
    assert not marker.exists()
    with pytest.raises(RuntimeError, match=r"could not load '.*evil\.npz': it contains pickled data"):
        tg.load(path)
    assert not marker.exists()


def test_a_truncated_file_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cut.npz"
    tg.save({"w": tg.randn(100, 10)}, path)
    data = path.read_bytes()
    for keep in (len(data) // 2, len(data) - 10, 30):
        path.write_bytes(data[:keep])
        with pytest.raises(RuntimeError, match=r"could not load '.*cut\.npz'"):
            tg.load(path)


def test_corrupted_bytes_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.npz"
    tg.save({"w": tg.randn(50)}, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("a0.npy")
    data[info.header_offset + 200] ^= 0xFF  # flip a byte inside the stored array
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match=r"could not load '.*bad\.npz': the file is truncated or corrupted"):
        tg.load(path)


def test_foreign_files_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    npy = tmp_path / "array.npy"
    np.save(npy, np.arange(3))
    with pytest.raises(RuntimeError, match=r"array\.npy'.*single NumPy array"):
        tg.load(npy)
    plain_npz = tmp_path / "plain.npz"
    np.savez(plain_npz, x=np.arange(3))
    with pytest.raises(RuntimeError, match="not written by tinygrad_lr.save"):
        tg.load(plain_npz)
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not an archive at all\n" * 5)
    with pytest.raises(RuntimeError, match=r"could not load '.*notes\.txt'"):
        tg.load(text)
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        tg.load(tmp_path / "missing.npz")


def test_a_corrupted_manifest_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.npz"
    for manifest in (b"{not json", b'{"format": "other", "root": 1}', b'{"format": "tinygrad_lr.save", "version": 1, '
                     b'"root": {"value": "a7"}}'):
        with open(path, "wb") as handle:
            np.savez(handle, __manifest__=np.frombuffer(manifest, dtype=np.uint8))
        with pytest.raises(RuntimeError, match=r"could not load '.*m\.npz'"):
            tg.load(path)


def test_parameters_load_as_parameters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    weight = tg.nn.Parameter(tg.tensor([[1.0, 2.0]]))
    tg.save({"w": weight}, tmp_path / "p.npz")
    loaded = tg.load(tmp_path / "p.npz")["w"]
    assert isinstance(loaded, tg.nn.Parameter) and loaded.requires_grad and loaded.tolist() == [[1.0, 2.0]]


def test_a_model_state_dict_round_trips_into_a_fresh_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 1))
    tg.save(model.state_dict(), tmp_path / "model.pth")
    tg.manual_seed(1)
    fresh = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 1))
    x = tg.randn(5, 3)
    assert not np.array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())
    fresh.load_state_dict(tg.load(tmp_path / "model.pth"))
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())
