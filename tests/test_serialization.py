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


# ----- crafted files (issue 16 item 9): always the RuntimeError naming the file, never an allocation bomb -----
def write_archive(path, manifest: bytes | None = None, entries: dict | None = None,  # type: ignore[no-untyped-def]
                  compression: int = zipfile.ZIP_STORED) -> None:
    """A zip archive as save writes it, with a hand-made manifest and hand-made `.npy` entries."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        if manifest is not None:
            archive.writestr("__manifest__.npy", npy_bytes(np.frombuffer(manifest, dtype=np.uint8)))
        for name, data in (entries or {}).items():
            archive.writestr(name, data)


def npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def manifest_of(root: str) -> bytes:
    return b'{"format": "tinygrad_lr.save", "version": 1, "root": ' + root.encode() + b"}"


@pytest.mark.parametrize(
    "root",
    [
        "[" * 5000 + "]" * 5000,  # json's own recursion limit
        '{"tuple": ' + "[" * 400 + "]" * 400 + "}",  # deeper than save ever writes, within json's limit
        '{"float": "abc"}',
        '{"float": 1.5}',
        '{"dict": [[{"dict": []}, 1]]}',  # a dict as a key
        '{"dict": [[[{"dict": []}], 1]]}',  # a list holding a dict as a key
        '{"dict": [[1, 2, 3]]}',
        '{"dict": 7}',
        '{"tuple": {"a": 1}}',
        '{"value": ["a0"]}',
        '{"value": "a0", "requires_grad": true}',  # gradients of an int64 array
        '{"mystery": 1}',
    ],
    ids=["json-5000-deep", "400-deep", "float-abc", "float-number", "dict-key", "list-of-dict-key", "triple",
         "dict-not-list", "tuple-of-dict", "value-list", "int-requires-grad", "unknown-kind"],
)
def test_a_crafted_manifest_raises_the_runtime_error_naming_the_file(tmp_path, root: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "crafted.npz"
    write_archive(path, manifest_of(root), {"a0.npy": npy_bytes(np.arange(3))})
    with pytest.raises(RuntimeError, match=r"^could not load '.*crafted\.npz': ") as error:
        tg.load(path)
    assert len(str(error.value)) < 400


def test_save_refuses_what_load_would_refuse_as_too_deep(tmp_path) -> None:  # type: ignore[no-untyped-def]
    deep: list = []
    for _ in range(150):
        deep = [deep]
    with pytest.raises(ValueError, match="nest more than 100 deep"):
        tg.save(deep, tmp_path / "deep.npz")
    shallow: list = []
    for _ in range(99):
        shallow = [shallow]
    tg.save(shallow, tmp_path / "ok.npz")
    assert tg.load(tmp_path / "ok.npz") == shallow


def test_bit_flips_anywhere_in_a_checkpoint_raise_the_named_error_or_load_the_same_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import random

    tg.manual_seed(0)
    model = tg.nn.Linear(3, 2)
    optimizer = optim.Adam(model.parameters())
    model(tg.randn(4, 3)).sum().backward()
    optimizer.step()
    path, flipped = tmp_path / "good.npz", tmp_path / "flipped.npz"
    tg.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3}, path)
    data, original = path.read_bytes(), tg.load(path)
    rng = random.Random(0)
    outcomes = Counter()
    for position in rng.sample(range(len(data)), 600):  # every byte region: headers, names, arrays, directory
        damaged = bytearray(data)
        damaged[position] ^= 1 << rng.randrange(8)
        flipped.write_bytes(bytes(damaged))
        try:
            loaded = tg.load(flipped)
        except RuntimeError as error:
            assert str(error).startswith(f"could not load {str(flipped)!r}: "), str(error)
            outcomes["refused"] += 1
            continue
        outcomes["loaded"] += 1  # a flip in a field zip readers ignore (a timestamp, an unused flag bit)
        assert loaded["epoch"] == 3
        for key, value in original["model"].items():
            np.testing.assert_array_equal(loaded["model"][key].numpy(), value.numpy())
    assert outcomes["refused"] > 400


def test_a_header_declaring_a_billion_elements_is_refused_before_allocating(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io
    import tracemalloc

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (10**9,)})
    path = tmp_path / "huge.npz"
    write_archive(path, manifest_of('{"value": "a0"}'), {"a0.npy": header.getvalue() + bytes(64)})
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match=r"huge\.npz'.*declares shape \(1000000000,\) of float32"):
            tg.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_a_deflate_bomb_is_refused_before_inflating_unless_the_limit_is_raised(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import tracemalloc

    path = tmp_path / "bomb.npz"
    zeros = np.zeros(2**24, dtype=np.float32)  # 64 MiB that deflate to about 64 KiB
    write_archive(path, manifest_of('{"value": "a0"}'), {"a0.npy": npy_bytes(zeros)}, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match=r"bomb\.npz'.*more than max_bytes=16,777,216; .*max_bytes=671091"):
            tg.load(path, max_bytes=2**24)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert tg.load(path, max_bytes=2**27).shape == (2**24,)


def test_the_default_limit_refuses_an_entry_declaring_3_gib(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import struct

    path = tmp_path / "big.npz"
    write_archive(path, manifest_of('{"value": "a0"}'), {"a0.npy": npy_bytes(np.zeros(4))}, zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("a0.npy")
    central = data.rindex(b"PK\x01\x02")  # a0.npy's directory record is the last one
    assert data[central + 46 : central + 52] == b"a0.npy"
    struct.pack_into("<I", data, central + 24, 3 * 2**30)  # the directory's uncompressed size
    struct.pack_into("<I", data, info.header_offset + 22, 3 * 2**30)  # the local header's
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match=r"big\.npz'.*3,221,225,\d+ bytes, more than max_bytes=2,147,483,648"):
        tg.load(path)


def test_a_torch_save_file_is_refused_as_pickled(tmp_path, torch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match=r"torch\.pt'.*data\.pkl'.*pickled data"):
        tg.load(path)
    torch.save({"w": torch.ones(2)}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match=r"torch\.pt': it contains pickled data"):
        tg.load(path)


# ----- what save writes through or refuses (issue 16 item 10) -----------------------------------------------------
def test_saving_to_a_symlink_updates_its_target_and_keeps_the_link(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "model-v2.pth"
    tg.save({"w": tg.ones(2)}, target)
    link = tmp_path / "latest.pth"
    link.symlink_to(target)
    tg.save({"w": tg.zeros(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert tg.load(target)["w"].tolist() == [0.0, 0.0]
    assert sorted(os.listdir(tmp_path)) == ["latest.pth", "runs"]  # the temporary file was beside the target
    dangling = tmp_path / "next.pth"
    dangling.symlink_to(tmp_path / "runs" / "model-v3.pth")
    tg.save({"w": tg.ones(1)}, dangling)
    assert dangling.is_symlink() and tg.load(tmp_path / "runs" / "model-v3.pth")["w"].tolist() == [1.0]


def test_a_read_only_checkpoint_is_refused_as_torch_refuses_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "best.pth"
    tg.save({"w": tg.ones(2)}, path)
    os.chmod(path, 0o444)
    before = path.read_bytes()
    # torch opens the file for writing: "[Errno 13] Permission denied: '<path>'" (root skips that check; we don't)
    with pytest.raises(PermissionError, match=r"^\[Errno 13\] Permission denied: '.*best\.pth'$"):
        tg.save({"w": tg.zeros(2)}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["best.pth"]


def test_non_regular_files_are_refused_not_replaced(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"cannot save to '.*pipe': it is not a regular file .*open file object"):
        tg.save({"w": tg.ones(2)}, fifo)
    assert fifo.is_fifo()
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=r"\[Errno 21\] Is a directory: '.*folder'"):
        tg.save({"w": tg.ones(2)}, folder)
    assert folder.is_dir() and sorted(os.listdir(tmp_path)) == ["folder", "pipe"]


def test_a_missing_folder_gives_torchs_error(tmp_path, torch) -> None:  # type: ignore[no-untyped-def]
    from conftest import assert_same_error

    path = tmp_path / "no" / "such" / "model.pth"
    assert_same_error(lambda: torch.save({}, str(path)), lambda: tg.save({}, str(path)))


KILLED_SAVE = """
import os, signal, sys
import numpy as np
import tinygrad_lr as tg

real_savez = np.savez
def savez_then_die(handle, **arrays):
    real_savez(handle, **arrays)
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # killed after writing the temporary file, before renaming it
np.savez = savez_then_die
tg.save({"w": tg.zeros(100000)}, sys.argv[1])
"""


def test_the_next_save_removes_temporary_files_of_killed_saves(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import signal
    import subprocess
    import sys

    path = tmp_path / "model.pth"
    tg.save({"w": tg.ones(2)}, path)
    (tmp_path / "other.pth").write_bytes(b"keep")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], env=env, capture_output=True)
        assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    leftovers = sorted(name for name in os.listdir(tmp_path) if name.endswith(".tmp"))
    # each killed save removed its dead predecessor's file first: one is left, named after the file it was for
    assert len(leftovers) == 1 and leftovers[0].startswith(".model.pth.tinygrad_lr-save-")
    assert tg.load(path)["w"].tolist() == [1.0, 1.0]  # the killed saves never touched the checkpoint
    busy = tmp_path / f".model.pth.tinygrad_lr-save-{os.getpid()}-x.tmp"  # a save still running in this process
    busy.write_bytes(b"")
    tg.save({"w": tg.zeros(2)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["model.pth", "other.pth", busy.name])
    assert tg.load(path)["w"].tolist() == [0.0, 0.0]
