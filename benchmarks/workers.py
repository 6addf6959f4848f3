"""Each engine in a process of its own, so what one engine loads cannot slow another down.

Why it matters: CPython's cyclic garbage collector walks every tracked object in the process on a full collection,
and a graph of Python objects that stays alive (W3 records 200,000 nodes before its backward) triggers several of
them. Importing torch adds many tracked objects (its modules, functions and dicts) that every one of those
collections walks too (the figures: "One process per engine" in docs/performance.md). Someone who trains with
tinygrad_lr does not have torch loaded, and a torch user does not have MyGrad loaded, so each engine is timed in its
own worker process: the suite's process only coordinates. The rounds are still interleaved: the coordinator asks
one worker at a time for a timed block, the order rotating every round, so all engines see the same machine load.

`python -m benchmarks --same-process` times everything in one process instead, for comparison.
"""

from __future__ import annotations

import importlib
import multiprocessing
import traceback
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.engines import limit_threads
from benchmarks.harness import Case, EngineCrashedError, EngineStarter, LocalEngine, UnsupportedCaseError


def isolated(module_name: str, threads: int | None) -> EngineStarter:
    """`run_case`'s `start`: each engine in a worker process, built from `module_name`'s RUNNERS."""
    return lambda engine, case: WorkerEngine(module_name, engine, case, threads)


class WorkerEngine:
    """A LocalEngine living in a spawned process; each method call is one message there and one answer back."""

    def __init__(self, module_name: str, engine: str, case: Case, threads: int | None) -> None:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing inherited from this one
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, module_name, engine, case, threads), daemon=True)
        self._process.start()
        child.close()
        try:
            self._ask("ready")
        except BaseException:  # unsupported or crashed while building: stop the worker now
            self.close()
            raise

    def check(self, calls: int) -> dict[str, Any]:
        result: dict[str, Any] = self._ask("check", calls)
        return result

    def calibrate(self, min_seconds: float) -> int:
        return int(self._ask("calibrate", min_seconds))

    def time_block(self, reps: int) -> float:
        return float(self._ask("time_block", reps))

    def close(self) -> None:
        if self._process.is_alive():
            try:
                self._connection.send(("close",))
            except (BrokenPipeError, OSError):
                pass
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._connection.close()

    def _ask(self, command: str, *args: Any) -> Any:
        try:
            self._connection.send((command, *args))
            status, payload = self._connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._process.join(timeout=5)
            raise EngineCrashedError(f"worker process died (exit code {self._process.exitcode})") from None
        if status == "unsupported":
            raise UnsupportedCaseError(payload)
        if status == "crashed":
            raise EngineCrashedError(payload)
        return payload


def _serve(connection: Connection, module_name: str, engine: str, case: Case, threads: int | None) -> None:
    """The worker's loop: build the engine's runner for `case`, then answer commands until told to close."""
    local: LocalEngine | None = None
    while True:
        try:
            command, *args = connection.recv()
        except EOFError:  # the coordinator has gone
            break
        if command == "close":
            break
        try:
            if command == "ready":
                if threads:
                    limit_threads(threads, engine)
                module = importlib.import_module(module_name)
                local = LocalEngine(module.RUNNERS[engine](case))
                answer: Any = None
            else:
                assert local is not None
                answer = getattr(local, command)(*args)
        except UnsupportedCaseError as reason:
            connection.send(("unsupported", str(reason)))
            continue
        except Exception as error:  # noqa: BLE001 - reported to the coordinator as the engine's result
            first_line = str(error).splitlines()[0] if str(error) else ""
            text = f"{type(error).__name__}: {first_line}"[:120]
            if not isinstance(error, RecursionError):
                traceback.print_exc()
            connection.send(("crashed", text))
            continue
        connection.send(("ok", answer))
    connection.close()
