"""`save(obj, path)` / `load(path)`: state dicts of models and optimizers in a NumPy `.npz` file, without pickle.

The file is a zip of `.npy` arrays: one per Value or NumPy array, plus `__manifest__`, a UTF-8 JSON document
describing the structure (nested dicts, lists, tuples, numbers, strings, None) with references to the arrays.
Loading uses `np.load(allow_pickle=False)` and the JSON parser only, so a file can never run code; a truncated,
corrupted, pickled or foreign file raises `RuntimeError` naming the file. Saving writes a temporary file in the
same directory and renames it over the target, so a crash never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import IO, Any, BinaryIO

import numpy as np

from tinygrad_lr.value import Value

FORMAT = "tinygrad_lr.save"
VERSION = 1
MANIFEST = "__manifest__"
MAX_BYTES = 2**31  # load's default cap on what a file may make it allocate (raise it with max_bytes=)
MAX_DEPTH = 100  # containers nested deeper than this are refused by save and load (a state dict nests 3 deep)


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

    def encode(self, obj: Any, where: str, depth: int = 0) -> Any:
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
        if isinstance(obj, (list, tuple, dict)) and depth >= MAX_DEPTH:
            raise ValueError(f"cannot save {where[:80]}...: containers nest more than {MAX_DEPTH} deep")
        depth += 1
        if isinstance(obj, (list, tuple)):
            items = [self.encode(item, f"{where}[{i}]", depth) for i, item in enumerate(obj)]
            return items if type(obj) is list else {"tuple": items}
        if isinstance(obj, dict):
            kind = {dict: "dict", OrderedDict: "OrderedDict", Counter: "Counter"}.get(type(obj))
            if kind is None:
                raise TypeError(f"cannot save a {type(obj).__name__} at {where}: use a dict or OrderedDict")
            items = [
                [self.encode(k, f"{where} key {k!r}", depth), self.encode(v, f"{where}[{k!r}]", depth)]
                for k, v in obj.items()
            ]
            return {kind: items}
        raise TypeError(
            f"cannot save an object of type {type(obj).__name__} at {where}: save() stores Values, NumPy arrays, "
            "numbers, strings, None and dicts/lists/tuples of them (e.g. model.state_dict(), optimizer.state_dict())"
        )


def save(obj: Any, f: str | os.PathLike[str] | BinaryIO) -> None:
    """Save a state dict (nested dicts/lists/tuples of Values, arrays, numbers, strings, None) to `f`.

    `f` is a path or a writable binary file object. A path is written atomically: a temporary file
    `.<name>.tinygrad_lr-save-<pid>-<random>.tmp` beside the target, then `os.replace`. A symlink is written
    through (its target is replaced, the link stays); a read-only file or one that is not a regular file
    (a directory, a device) is refused. The format is a plain `.npz` whatever the file name.
    """
    writer = _Writer()
    manifest = {"format": FORMAT, "version": VERSION, "root": writer.encode(obj, "obj")}
    arrays = dict(writer.arrays)
    arrays[MANIFEST] = np.frombuffer(json.dumps(manifest).encode("utf-8"), dtype=np.uint8)
    if not isinstance(f, (str, os.PathLike)):
        np.savez(f, allow_pickle=False, **arrays)
        return
    path = _writable_target(os.fspath(f))
    directory, base = os.path.split(path)
    _remove_stale_temporaries(directory, base)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{base}{_TEMPORARY_TAG}{os.getpid()}-", suffix=".tmp")
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


_TEMPORARY_TAG = ".tinygrad_lr-save-"  # temporary files are `.<name>.tinygrad_lr-save-<pid>-<random>.tmp`


def _writable_target(path: str) -> str:
    """The file `save` must replace: a symlink's target (so the link keeps pointing at the new file), after
    refusing what torch cannot or should not write over (a missing folder, a read-only or non-regular file)."""
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {os.path.dirname(os.path.abspath(path))} does not exist.")
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not stat.S_ISREG(status.st_mode):
        raise OSError(
            f"cannot save to {path!r}: it is not a regular file (save replaces files atomically); to write into "
            "it, pass an open file object: with open(path, 'wb') as f: save(obj, f)"
        )
    # refused even for root, who may write anyway: a checkpoint made read-only is one the user wants to keep
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
    return target


def _remove_stale_temporaries(directory: str, base: str) -> None:
    """Delete temporary files left by saves to the same file whose process is gone (killed mid-save)."""
    prefix = f".{base}{_TEMPORARY_TAG}"
    try:
        names = [name for name in os.listdir(directory) if name.startswith(prefix) and name.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass  # another save removed it first, or the folder forbids it: the save itself still works


def _process_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":
        return True  # another thread may be saving to the same file now; on Windows os.kill would kill it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to another user
    return True


def _file_mode(path: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _LoadError(RuntimeError):
    """A load failure already worded for the user (it names the file): passed on as it is."""


_PICKLED = "it contains pickled data, which is never loaded (it could run arbitrary code)"
# what a damaged zip archive or .npy header can raise from zipfile, zlib and numpy.lib.format: all mean "corrupted"
# (RuntimeError covers zipfile's "encrypted" and NotImplementedError for an unknown compression method)
_DAMAGE = (zipfile.BadZipFile, EOFError, OSError, ValueError, TypeError, KeyError, IndexError, OverflowError,
           struct.error, zlib.error, RuntimeError)


def _read_arrays(f: str | os.PathLike[str] | BinaryIO, fail: Callable[[str], _LoadError], max_bytes: int
                 ) -> dict[str, np.ndarray]:
    """Every array in the `.npz` archive `f`, by name. Sizes are checked against the zip directory and the
    `.npy` headers before anything is allocated: at most `max_bytes` bytes in all, each entry exactly as big
    as its header says (a header declaring 10**9 elements in a small entry is refused, not allocated)."""
    try:
        archive = zipfile.ZipFile(f)
    except zipfile.BadZipFile:
        head = _head(f)
        if head.startswith(b"\x93NUMPY"):
            raise fail("it is a single NumPy array (.npy), not a file written by tinygrad_lr.save") from None
        if head.startswith(b"\x80"):  # the first byte of a pickle (protocol 2 and later), as torch.save's old format
            raise fail(_PICKLED) from None
        raise fail("it is not a zip archive, so not a file written by tinygrad_lr.save") from None
    with archive:
        members = archive.infolist()
        declared = sum(info.file_size for info in members)
        if declared > max_bytes:
            raise fail(
                f"its arrays would take {declared:,} bytes, more than max_bytes={max_bytes:,}; if you trust the "
                f"file, load it with a larger limit: load(f, max_bytes={declared})"
            )
        arrays = {}
        for info in members:
            if not info.filename.endswith(".npy"):
                reason = _PICKLED if info.filename.endswith(".pkl") else "it was not written by tinygrad_lr.save"
                raise fail(f"it holds {info.filename!r}, not a NumPy array: {reason}")
            with archive.open(info) as member:
                arrays[info.filename[: -len(".npy")]] = _read_npy(member, info, fail)
    return arrays


def _head(f: str | os.PathLike[str] | BinaryIO) -> bytes:
    """The first bytes of a file that is not a zip archive, to say what it is instead."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as handle:
            return handle.read(6)
    f.seek(0)
    return f.read(6)


def _read_npy(member: IO[bytes], info: zipfile.ZipInfo, fail: Callable[[str], _LoadError]) -> np.ndarray:
    """One `.npy` entry of the archive, its header checked against the entry's size before allocating."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise fail(f"its array {info.filename!r} uses .npy format version {version}, which save never writes")
    if dtype.hasobject:
        raise fail(_PICKLED)
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise fail(f"its array {info.filename!r} has dtype {dtype}, which save never writes")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    stored = info.file_size - member.tell()
    if nbytes != stored:
        raise fail(
            f"the file is truncated or corrupted: its array {info.filename!r} declares shape {tuple(shape)} "
            f"of {dtype} ({nbytes:,} bytes), but its entry holds {stored:,} bytes"
        )
    array = np.empty(count, dtype=dtype)
    buffer = array.view(np.uint8)
    filled = 0
    while filled < nbytes:
        chunk = member.read(min(nbytes - filled, 1 << 24))
        if not chunk:
            raise EOFError(f"{info.filename!r} ends after {filled} of {nbytes} bytes")
        buffer[filled : filled + len(chunk)] = np.frombuffer(chunk, dtype=np.uint8)
        filled += len(chunk)
    if member.read(1):  # reading to the end also makes zipfile check the entry's CRC
        raise fail(f"the file is corrupted: its array {info.filename!r} is longer than its header says")
    if not dtype.isnative:
        array = array.astype(dtype.newbyteorder("="))
    return array.reshape(shape[::-1]).T if fortran_order else array.reshape(shape)


class _Reader:
    """Turns a manifest back into the saved object, making each stored array into a Value or array once."""

    def __init__(self, arrays: dict[str, np.ndarray], fail: Callable[[str], _LoadError]) -> None:
        self.arrays = arrays
        self.fail = fail
        self.loaded: dict[str, Any] = {}  # array name -> the Value or array made from it (shared objects stay shared)

    def _array(self, name: Any) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            raise self.fail(f"the manifest refers to a missing array {name!r}")
        return self.arrays[name]

    def decode(self, entry: Any, depth: int = 0) -> Any:
        if entry is None or isinstance(entry, (bool, int, str)):
            return entry
        if depth >= MAX_DEPTH:
            raise self.fail(f"its manifest nests containers more than {MAX_DEPTH} deep (save never writes that)")
        depth += 1
        if isinstance(entry, list):
            return [self.decode(item, depth) for item in entry]
        if not isinstance(entry, dict) or not entry:
            raise self.fail(f"unexpected manifest entry {_short(entry)}")
        if "float" in entry:
            return self._float(entry["float"])
        if "value" in entry:
            return self._shared(entry["value"], lambda array: self._value(array, entry))
        if "ndarray" in entry:
            return self._shared(entry["ndarray"], lambda array: array)
        if "scalar" in entry:
            return self._array(entry["scalar"])[()]
        if "tuple" in entry:
            return tuple(self.decode(item, depth) for item in self._list(entry["tuple"]))
        for kind, cls in (("dict", dict), ("OrderedDict", OrderedDict), ("Counter", Counter)):
            if kind in entry:
                mapping: dict[Any, Any] = cls()
                for pair in self._list(entry[kind]):
                    if not isinstance(pair, list) or len(pair) != 2:
                        raise self.fail(f"a {kind} item in the manifest is {_short(pair)}, not a [key, value] pair")
                    mapping[self._key(self.decode(pair[0], depth))] = self.decode(pair[1], depth)
                return mapping
        raise self.fail(f"unexpected manifest entry {_short(entry)}")

    def _float(self, text: Any) -> float:
        try:
            return float(text) if isinstance(text, str) else float("invalid")
        except ValueError:
            raise self.fail(f"the manifest holds {_short(text)} where a float's repr belongs") from None

    def _list(self, items: Any) -> list[Any]:
        if not isinstance(items, list):
            raise self.fail(f"the manifest holds {_short(items)} where a list belongs")
        return items

    def _key(self, key: Any) -> Any:
        key = _hashable(key)
        try:
            hash(key)
        except TypeError:
            raise self.fail(f"a dict key in the manifest is a {type(key).__name__}, which cannot be a key") from None
        return key

    def _shared(self, name: Any, make: Callable[[np.ndarray], Any]) -> Any:
        """The object made from array `name`, made once: a Value saved twice loads as one shared Value."""
        if not isinstance(name, str):
            raise self.fail(f"the manifest refers to a missing array {_short(name)}")
        if name not in self.loaded:
            self.loaded[name] = make(self._array(name))
        return self.loaded[name]

    def _value(self, array: np.ndarray, entry: dict[str, Any]) -> Value:
        requires_grad = bool(entry.get("requires_grad"))
        if requires_grad and array.dtype.kind != "f":
            raise self.fail(f"the manifest asks for gradients of an array of dtype {array.dtype}")
        if entry.get("parameter"):
            from tinygrad_lr.nn import Parameter

            return Parameter(Value._make_const(array), requires_grad=requires_grad)
        value = Value._make_const(array)
        if requires_grad:
            value.requires_grad_(True)
        return value


def _short(entry: Any) -> str:
    text = repr(entry)
    return text if len(text) <= 80 else text[:77] + "..."


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, (list, tuple)) else key


def load(
    f: str | os.PathLike[str] | BinaryIO,
    map_location: Any = None,
    weights_only: bool = True,
    *,
    max_bytes: int = MAX_BYTES,
) -> Any:
    """Load what `save` wrote. Never unpickles: pickled, truncated, corrupted, crafted or foreign files raise
    RuntimeError naming the file.

    A file may make `load` allocate at most `max_bytes` bytes of arrays (2 GiB unless raised); the sizes are
    checked before anything is read. `map_location` and `weights_only` are accepted for torch compatibility
    (everything loads to the CPU, and only data is ever loaded).
    """
    name = repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the given file object"

    def fail(reason: str) -> _LoadError:
        return _LoadError(f"could not load {name}: {reason}")

    if isinstance(f, (str, os.PathLike)) and not os.path.exists(f):
        raise FileNotFoundError(f"No such file or directory: {name}")
    try:
        arrays = _read_arrays(f, fail, max_bytes)
    except _LoadError:
        raise
    except _DAMAGE as error:
        raise fail(f"the file is truncated or corrupted ({type(error).__name__}: {error})") from None
    raw = arrays.pop(MANIFEST, None)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise fail("it has no tinygrad_lr manifest (it was not written by tinygrad_lr.save)")
    try:
        manifest = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise fail(f"its manifest is corrupted ({type(error).__name__}: {error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "root" not in manifest:
        raise fail("its manifest is not a tinygrad_lr manifest")
    if manifest.get("version") != VERSION:
        raise fail(f"it uses format version {manifest.get('version')}, but this tinygrad_lr reads version {VERSION}")
    return _Reader(arrays, fail).decode(manifest["root"])
