"""tinygrad_lr.compile and what a step reads from outside its arguments: iterators, files, the user's modules.

A step that pulls its batch with `next(iterator)` (a DataLoader's iterator, `iter(list)`, `zip`, a generator,
`itertools.count`) or reads a line of an open file got, at replay, the numbers the traced call took: the replay
does not run Python, so nothing advanced the iterator (a silent wrong number, found in session 8). Such a call now
runs eagerly, with a warning saying why; `fullgraph=True` raises. Settings read from a module of the user's
(`import config`, then `config.LR`) were not part of the state either: a replay kept the traced values.
"""

from __future__ import annotations

import importlib
import io
import itertools
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tinygrad_lr as torch
from tinygrad_lr.compiler import NotReplayableError
from tinygrad_lr.utils.data import DataLoader, TensorDataset

CALLS = 6
torch.manual_seed(0)
X, Y = torch.randn(48, 3), torch.randn(48, 1)
BATCHES = [(X[i:i + 8], Y[i:i + 8]) for i in range(0, 48, 8)]
LINES = "".join(f"{0.1 * k}\n" for k in range(1, 20))


def _batches() -> Iterator[tuple[Any, Any]]:
    for i in itertools.count():
        yield X[i % 6 * 8:i % 6 * 8 + 8], Y[i % 6 * 8:i % 6 * 8 + 8]


# each source of batches (or of a scale) a step may hold: made fresh for each of the two twins
_SOURCES: dict[str, Callable[[], Any]] = {
    "DataLoader iterator": lambda: iter(DataLoader(TensorDataset(X, Y), batch_size=8)),
    "list iterator": lambda: iter(BATCHES),
    "zip": lambda: zip([x for x, _ in BATCHES], [y for _, y in BATCHES]),
    "enumerate": lambda: enumerate(BATCHES),
    "generator": _batches,
    "itertools.cycle": lambda: itertools.cycle(BATCHES),
    "itertools.count": itertools.count,
    "file": lambda: io.StringIO(LINES),
}


def _batch(kind: str, source: Any) -> tuple[Any, Any, float]:
    if kind == "itertools.count":
        return *BATCHES[0], 0.9 ** next(source)
    if kind == "file":
        return *BATCHES[0], float(source.readline())
    item = next(source)
    return *(item[1] if kind == "enumerate" else item), 1.0


def _training(kind: str) -> Callable[[], Any]:
    torch.manual_seed(1)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    source = _SOURCES[kind]()

    def step() -> Any:
        x, y, scale = _batch(kind, source)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y) * scale
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


@pytest.mark.parametrize("kind", list(_SOURCES))
def test_a_step_that_takes_its_batch_from_an_iterator_or_a_file_runs_eagerly(kind: str) -> None:
    eager, compiled = _training(kind), torch.compile(_training(kind))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for call in range(CALLS):
            assert compiled().item() == eager().item(), call
    assert compiled.n_replays == 0
    assert any("iterator" in str(w.message) or "file object" in str(w.message) for w in caught)


ITERATOR: Any = None


def test_a_global_iterator_is_state_too() -> None:
    """`batches = iter(loader)` at the top of a script and `next(batches)` in the step: the global was not walked
    (neither a setting nor tinygrad_lr's), so the replay kept the traced batch."""
    global ITERATOR

    def step() -> Any:
        x, _ = next(ITERATOR)
        return x.sum()

    compiled = torch.compile(step)
    ITERATOR = iter(BATCHES * 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = [compiled().item() for _ in range(CALLS)]
    finally:
        ITERATOR = None
    assert got == [x.sum().item() for x, _ in BATCHES]
    assert compiled.n_replays == 0


def test_fullgraph_names_the_iterator() -> None:
    source = iter(BATCHES)
    compiled = torch.compile(lambda: next(source)[0] * 2, fullgraph=True)
    with pytest.raises(NotReplayableError, match=r"holds an iterator \(closure source: list_iterator\)"):
        compiled()


def test_an_iterator_the_step_makes_and_exhausts_itself_still_replays() -> None:
    """What the walk refuses is an iterator held across calls; one made inside the step (a loop over the
    parameters, zip of two lists) is gone by the next call."""
    weights = [torch.ones(2), torch.full((2,), 2.0)]

    def total(x: Any) -> Any:
        out = x
        for w, k in zip(weights, itertools.count(1)):
            out = out * w + k
        return out

    compiled = torch.compile(total)
    x = torch.ones(2)
    for _ in range(CALLS):
        assert np.array_equal(compiled(x).numpy(), total(x).numpy())
    assert compiled.n_replays == CALLS - 3


def test_a_file_the_step_holds_but_does_not_read_lets_it_replay() -> None:
    """A file object is compared by its position: one the call does not move (a log file kept open, unused in
    the step) does not stop the replay."""
    log = io.StringIO()

    def scaled(x: Any) -> Any:
        if log.closed:
            return x
        return x * 2

    compiled = torch.compile(scaled)
    for _ in range(CALLS):
        assert compiled(torch.ones(2)).tolist() == [2.0, 2.0]
    assert compiled.n_replays == CALLS - 3


CONFIG: Any = None  # a module of the user's, imported by the test below


def _helper(x: Any) -> Any:
    return x * CONFIG.SCALE + CONFIG.OFFSET


class _Holder:
    def __init__(self, config: Any) -> None:
        self.config = config


@pytest.mark.parametrize("through", ["the step", "a helper it calls", "an argument", "an attribute"])
def test_settings_in_a_module_of_the_users_reach_the_replay(tmp_path: Path, through: str) -> None:
    """`import config` and `config.SCALE` in the step (or in a function it calls, or the module passed as an
    argument or held by an object): a float there is read at replay, as a global's is; another value changed
    between calls traces again (an array passed inside an argument is read from its place)."""
    global CONFIG
    (tmp_path / "tinygrad_lr_test_config.py").write_text("SCALE = 2.0\nOFFSET = None\n")
    sys.path.insert(0, str(tmp_path))
    try:
        CONFIG = importlib.import_module("tinygrad_lr_test_config")
        CONFIG.OFFSET = torch.ones(3)

        holder = _Holder(CONFIG)
        step = {  # each names the module only the way it reads it
            "the step": lambda x: x * CONFIG.SCALE + CONFIG.OFFSET,
            "a helper it calls": _helper,
            "an argument": lambda x, config: x * config.SCALE + config.OFFSET,
            "an attribute": lambda x: x * holder.config.SCALE + holder.config.OFFSET,
        }[through]
        compiled, x = torch.compile(step), torch.ones(3)
        passed = (CONFIG,) if through == "an argument" else ()
        for call in range(9):
            if call == 5:
                CONFIG.SCALE = 3.0
            if call == 7:
                CONFIG.OFFSET = torch.full((3,), 5.0)
            assert compiled(x, *passed).tolist() == step(x, *passed).tolist(), call
        traces = 1 if through == "an argument" else 2
        assert compiled.n_traces == traces and compiled.n_replays == 7 - traces
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("tinygrad_lr_test_config", None)
        CONFIG = None
