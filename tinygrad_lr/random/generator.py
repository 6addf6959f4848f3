"""`Generator`: torch's CPU random generator, the 32-bit Mersenne Twister (MT19937), bit for bit.

torch seeds MT19937 with the low 32 bits of the seed using Matsumoto & Nishimura's `init_genrand` (the
same seeding as NumPy's legacy `RandomState(seed)`), and draws either one 32-bit output (`random()`) or
two joined as hi << 32 | lo (`random64()`). NumPy's `MT19937` bit generator produces the same outputs, a
whole array per call, so every stream here is one vectorised call.

A generator also caches the second normal of a Box-Muller pair for torch's one-at-a-time normal path
(`normal_` of fewer than 16 values), and its state serialises to torch's 5056-byte layout
(`get_state()` returns a uint8 tensor that torch's `set_state` accepts, and back).
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

_STATE_WORDS = 624  # MT19937's state: 624 words of 32 bits
_DEFAULT_SEED = 67280421310721  # torch's seed for a new Generator()
_STATE_BYTES = 5056
# torch's CPUGeneratorImplState: initial seed (u64), left (i32), seeded (i32), next (u64), the state as 624 u64,
# normal_x, normal_y, normal_rho (f64), normal_is_valid (i32, padded to 8), next float normal (f32), valid (bool).
_HEADER = struct.Struct("<QiiQ")
_TAIL = struct.Struct("<dddi4xf?3x")
_STATE_OFFSET = _HEADER.size
_TAIL_OFFSET = _STATE_OFFSET + 8 * _STATE_WORDS


def _init_genrand(seed: int) -> np.ndarray:
    """MT19937's state after `init_genrand(seed & 0xFFFFFFFF)` (the 1998 reference seeding)."""
    key = np.empty(_STATE_WORDS, dtype=np.uint32)
    word = seed & 0xFFFFFFFF
    key[0] = word
    for i in range(1, _STATE_WORDS):
        word = (1812433253 * (word ^ (word >> 30)) + i) & 0xFFFFFFFF
        key[i] = word
    return key


def _seed_as_uint64(seed: Any, method: str) -> int:
    """torch's unpacking of a seed: an int in [-2**63, 2**64), negative ones taken modulo 2**64."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise RuntimeError(f"{method} expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


_CUDA_MISSING = (
    "Cannot get CUDA generator without ATen_cuda library. PyTorch splits its backend into two shared libraries: a "
    "CPU library and a CUDA library; this error has occurred because you are trying to use some CUDA functionality, "
    "but the CUDA library has not been loaded by the dynamic linker for some reason.  The CUDA library MUST be "
    "loaded, EVEN IF you don't directly use any symbols from the CUDA library! One common culprit is a lack of "
    "-Wl,--no-as-needed in your link arguments; many dynamic linkers will delete dynamic library dependencies if you "
    "don't depend on any of their symbols.  You can check if this has occurred by using ldd on your binary to see if "
    "there is a dependency on *_cuda.so library."
)
_DEVICE_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, "
                 "meta, hpu, mtia, privateuseone")


def _check_cpu(device: Any) -> None:
    """Only CPU generators exist here; other devices fail with torch's messages on a CPU-only build."""
    if isinstance(device, int) and not isinstance(device, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    kind = str(getattr(device, "type", device)).split(":")[0]
    if kind == "cpu":
        return
    if kind == "cuda":
        raise RuntimeError(_CUDA_MISSING)
    if kind == "mps":
        raise RuntimeError("Cannot execute getNewGenerator() without MPS backend.")
    if kind in _DEVICE_TYPES.split(", "):
        raise RuntimeError(f"{kind.upper()} device type not an accelerator.")
    raise RuntimeError(f"Expected one of {_DEVICE_TYPES} device type at start of device string: {device}")


def fresh_seed() -> int:
    """A non-deterministic 64-bit seed from the operating system, as torch's `seed()` draws one."""
    return int.from_bytes(np.random.SeedSequence().generate_state(2, np.uint32).tobytes(), "little")


class Generator:
    """torch.Generator on the CPU: `manual_seed`, `seed`, `initial_seed`, `get_state`, `set_state`.

    A new Generator starts from torch's default seed 67280421310721, so `Generator()` draws what torch's
    does. Pass it as `generator=` to rand/randn/randint/randperm, `nn.init`, DataLoader, random_split.
    """

    def __init__(self, device: Any = "cpu") -> None:
        _check_cpu(device)
        self._bits = np.random.MT19937()
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self) -> str:
        return "cpu"

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from `seed` (torch keeps all 64 bits for `initial_seed`, MT19937 uses the low 32)."""
        self._seed = _seed_as_uint64(seed, "manual_seed")
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": _init_genrand(self._seed), "pos": 624}}
        # the cached second normal of a Box-Muller pair (torch's next_double_normal_sample; the float one is
        # part of torch's state but unused by its CPU kernels)
        self.next_double_normal: float | None = None
        self.next_float_normal: float | None = None
        self._just_seeded = True  # torch reports next=0 (not 624) until the first draw
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed."""
        seed = fresh_seed()
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    # -- the two raw draws every distribution is built from --------------------------------------------------
    def random(self, n: int) -> np.ndarray:
        """n outputs of torch's `random()`: 32-bit MT19937 words (as uint64)."""
        self._just_seeded = False
        return self._bits.random_raw(n)

    def random64(self, n: int) -> np.ndarray:
        """n outputs of torch's `random64()`: two words each, the first as the high half."""
        self._just_seeded = False
        words = self._bits.random_raw(2 * n)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    # -- state ---------------------------------------------------------------------------------------------
    def _snapshot(self) -> tuple[Any, ...]:
        """Everything a draw changes, to put back with `_restore` (a compiled replay that stops before its end)."""
        return self._bits.state, self.next_double_normal, self.next_float_normal, self._just_seeded

    def _restore(self, snapshot: tuple[Any, ...]) -> None:
        self._bits.state, self.next_double_normal, self.next_float_normal, self._just_seeded = snapshot

    def get_state(self) -> Any:
        """The state as a uint8 tensor of 5056 bytes, in torch's layout (torch's `set_state` accepts it)."""
        from tinygrad_lr.value import Value

        return Value._make_const(np.frombuffer(self._state_bytes(), dtype=np.uint8).copy())

    def _state_bytes(self) -> bytes:
        state = self._bits.state["state"]
        pos = int(state["pos"])
        next_word = 0 if self._just_seeded else pos
        double_normal, float_normal = self.next_double_normal, self.next_float_normal
        return b"".join((
            _HEADER.pack(self._seed, 625 - pos, 1, next_word),
            np.asarray(state["key"], dtype="<u8").tobytes(),
            _TAIL.pack(0.0, double_normal or 0.0, 0.0, double_normal is not None, float_normal or 0.0,
                       float_normal is not None),
        ))

    def set_state(self, new_state: Any) -> Generator:
        """Restore a state from `get_state()` (ours or torch's)."""
        from tinygrad_lr.value import Value

        if not isinstance(new_state, Value):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = np.ascontiguousarray(new_state._data).tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG state size "
                f"to be {len(raw)}"
            )
        seed, left, seeded, next_word = _HEADER.unpack_from(raw, 0)
        if not seeded or not 1 <= left <= _STATE_WORDS or next_word > _STATE_WORDS:
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(raw, dtype="<u8", count=_STATE_WORDS, offset=_STATE_OFFSET).astype(np.uint32)
        _, normal_y, _, normal_valid, float_normal, float_valid = _TAIL.unpack_from(raw, _TAIL_OFFSET)
        # torch reads state[next] next, refilling first when left reaches 0: NumPy's pos is next, or 624
        pos = _STATE_WORDS if left == 1 else int(next_word)
        self._seed = seed
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self.next_double_normal = normal_y if normal_valid else None
        self.next_float_normal = float_normal if float_valid else None
        self._just_seeded = left == 1 and next_word == 0
        return self

    def __repr__(self) -> str:
        return f"<tinygrad_lr.Generator object at {hex(id(self))}>"
