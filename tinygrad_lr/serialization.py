"""`save(obj, path)` / `load(path)`: state dicts of models and optimizers in a NumPy `.npz` file, without pickle.

The file is a zip of `.npy` arrays: one per Value or NumPy array, plus `__manifest__`, a UTF-8 JSON document
describing the structure (nested dicts, lists, tuples, numbers, strings, None) with references to the arrays.
Loading uses `np.load(allow_pickle=False)` and the JSON parser only, so a file can never run code; a truncated,
corrupted, pickled or foreign file raises `RuntimeError` naming the file. Saving writes a temporary file in the
same directory and renames it over the target, so a crash never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from tinygrad_lr.value import Value

FORMAT = "tinygrad_lr.save"
VERSION = 1
MANIFEST = "__manifest__"


class _Writer:
    """Turns an object into a JSON-able description, collecting its arrays on the way."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.names: dict[int, str] = {}  # id of a Value/array already stored -> its array's name
        self.keep_alive: list[Any] = []  # so that ids stay unique while saving

    def _store(self, array: np.ndarray, owner: Any = None) -> str:
        if owner is not None and id(owner) in self.names:
            return self.names[id(owner)]  # the same object again (tied weights): stored once, shared on load
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        if owner is not None:
            self.names[id(owner)] = name
            self.keep_alive.append(owner)
        return name

    def encode(self, obj: Any, where: str) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if type(obj) is int:
            return obj
        if type(obj) is float:
            return {"float": repr(obj)}  # exact round trip, including inf and nan
        if isinstance(obj, Value):
            entry = {"value": self._store(obj._data, obj), "requires_grad": obj.requires_grad}
            if type(obj).__name__ == "Parameter":
                entry["parameter"] = True
            return entry
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in "biuf":
                raise TypeError(f"cannot save a NumPy array of dtype {obj.dtype} at {where}: only numbers are saved")
            return {"ndarray": self._store(np.asarray(obj), obj)}
        if isinstance(obj, (np.generic, int, float)):  # NumPy scalars and subclasses of int and float
            scalar = np.asarray(obj)
            if scalar.dtype.kind not in "biuf":
                raise TypeError(f"cannot save {type(obj).__name__} at {where}")
            return {"scalar": self._store(scalar)}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(item, f"{where}[{i}]") for i, item in enumerate(obj)]
            return items if type(obj) is list else {"tuple": items}
        if isinstance(obj, dict):
            kind = {dict: "dict", OrderedDict: "OrderedDict", Counter: "Counter"}.get(type(obj))
            if kind is None:
                raise TypeError(f"cannot save a {type(obj).__name__} at {where}: use a dict or OrderedDict")
            items = [[self.encode(k, f"{where} key {k!r}"), self.encode(v, f"{where}[{k!r}]")] for k, v in obj.items()]
            return {kind: items}
        raise TypeError(
            f"cannot save an object of type {type(obj).__name__} at {where}: save() stores Values, NumPy arrays, "
            "numbers, strings, None and dicts/lists/tuples of them (e.g. model.state_dict(), optimizer.state_dict())"
        )


def save(obj: Any, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save a state dict (nested dicts/lists/tuples of Values, arrays, numbers, strings, None) to `f`.

    `f` is a path (written atomically: temporary file in the same directory, then `os.replace`) or a
    writable binary file object. The format is a plain `.npz` whatever the file name.
    """
    writer = _Writer()
    manifest = {"format": FORMAT, "version": VERSION, "root": writer.encode(obj, "obj")}
    arrays = dict(writer.arrays)
    arrays[MANIFEST] = np.frombuffer(json.dumps(manifest).encode("utf-8"), dtype=np.uint8)
    if not isinstance(f, (str, os.PathLike)):
        np.savez(f, allow_pickle=False, **arrays)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, allow_pickle=False, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _file_mode(path: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _Reader:
    """Turns a manifest back into the saved object, making each stored array into a Value or array once."""

    def __init__(self, arrays: dict[str, np.ndarray], fail: Any) -> None:
        self.arrays = arrays
        self.fail = fail
        self.loaded: dict[str, Any] = {}  # array name -> the Value or array made from it (shared objects stay shared)

    def _array(self, name: Any) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            raise self.fail(f"the manifest refers to a missing array {name!r}")
        array = self.arrays[name]
        return array if array.flags.writeable else array.copy()  # optimizers update their state in place

    def decode(self, entry: Any) -> Any:
        if entry is None or isinstance(entry, (bool, int, str)):
            return entry
        if isinstance(entry, list):
            return [self.decode(item) for item in entry]
        if not isinstance(entry, dict) or len(entry) == 0:
            raise self.fail(f"unexpected manifest entry {entry!r}")
        if "float" in entry:
            return float(entry["float"])
        if "value" in entry:
            return self._shared(entry["value"], lambda array: self._value(array, entry))
        if "ndarray" in entry:
            return self._shared(entry["ndarray"], lambda array: array)
        if "scalar" in entry:
            return self._array(entry["scalar"])[()]
        if "tuple" in entry:
            return tuple(self.decode(item) for item in entry["tuple"])
        for kind, cls in (("dict", dict), ("OrderedDict", OrderedDict), ("Counter", Counter)):
            if kind in entry:
                mapping: dict[Any, Any] = cls()
                for key, item in entry[kind]:
                    mapping[_hashable(self.decode(key))] = self.decode(item)
                return mapping
        raise self.fail(f"unexpected manifest entry {entry!r}")

    def _shared(self, name: Any, make: Callable[[np.ndarray], Any]) -> Any:
        """The object made from array `name`, made once: a Value saved twice loads as one shared Value."""
        if name not in self.loaded:
            self.loaded[name] = make(self._array(name))
        return self.loaded[name]

    def _value(self, array: np.ndarray, entry: dict[str, Any]) -> Value:
        requires_grad = bool(entry.get("requires_grad"))
        if entry.get("parameter"):
            from tinygrad_lr.nn import Parameter

            return Parameter(Value._make_const(array), requires_grad=requires_grad)
        value = Value._make_const(array)
        if requires_grad:
            value.requires_grad_(True)
        return value


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, (list, tuple)) else key


def load(f: str | os.PathLike[str] | BinaryIO, map_location: Any = None, weights_only: bool = True) -> Any:
    """Load what `save` wrote. Never unpickles: pickled, truncated, corrupted or foreign files raise RuntimeError.

    `map_location` and `weights_only` are accepted for torch compatibility (everything loads to the CPU, and
    only data is ever loaded).
    """
    name = repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the given file object"

    def fail(reason: str) -> RuntimeError:
        return RuntimeError(f"could not load {name}: {reason}")

    if isinstance(f, (str, os.PathLike)) and not os.path.exists(f):
        raise FileNotFoundError(f"No such file or directory: {name}")
    try:
        archive = np.load(f, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise fail("it is a single NumPy array (.npy), not a file written by tinygrad_lr.save")
        with archive:
            arrays = {key: archive[key] for key in archive.files}
    except ValueError as error:
        text = str(error)
        if "pickle" in text.lower():
            raise fail("it contains pickled data, which is never loaded (it could run arbitrary code)") from None
        raise fail(f"it is not a valid .npz file ({text})") from None
    except (zipfile.BadZipFile, EOFError, OSError, io.UnsupportedOperation) as error:
        raise fail(f"the file is truncated or corrupted ({type(error).__name__}: {error})") from None
    raw = arrays.pop(MANIFEST, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise fail("it has no tinygrad_lr manifest (it was not written by tinygrad_lr.save)")
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"its manifest is corrupted ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
        raise fail("its manifest is not a tinygrad_lr manifest")
    if manifest.get("version") != VERSION:
        raise fail(f"it uses format version {manifest.get('version')}, but this tinygrad_lr reads version {VERSION}")
    return _Reader(arrays, fail).decode(manifest["root"])
