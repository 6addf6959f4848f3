"""`tinygrad_lr.compile`: run a training step once eagerly while recording its NumPy calls, then replay them.

The first two calls with new arguments (shapes, dtypes, requires_grad) run eagerly and unrecorded, as tinygrad's
TinyJit does its first: a training loop's first steps create state, so their programs would not be replayed. The
next call with a new signature runs the function eagerly with the tracer on (`compiler/tracer.py`): every array
operation it performs (the forward ops, the backward rules, un-broadcasting, accumulation into `.grad`, the
optimizer's update) is recorded as one line of a flat Python program over buffer slots. Later calls whose guards
hold (`compiler/state.py`: the same objects, shapes, dtypes, flags and Python values) run that program: the same
NumPy calls on the same operands, in the same order, hence the same numbers to the bit, without Values, nodes or a
graph walk. What a replay could not repeat is detected while tracing; that call stays eager (and `fullgraph=True`
raises instead).
"""

from __future__ import annotations

import builtins
import functools
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr import dtypes
from tinygrad_lr.autograd import grad_mode
from tinygrad_lr.compiler import program, reach, tracer
from tinygrad_lr.compiler import state as state_walk
from tinygrad_lr.compiler.listing import readable
from tinygrad_lr.compiler.patching import TRACE_LOCK, recording
from tinygrad_lr.compiler.tracer import NotReplayableError, Recorder, Sym, TracedArray, plain
from tinygrad_lr.devices import device
from tinygrad_lr.dtypes import dtype
from tinygrad_lr.nn import structure
from tinygrad_lr.value import Size, Value

# torch's names, accepted (one engine serves them all); others are refused with torch's error
MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs", "openxla", "tvm")
MAX_TRACES = 8  # traces kept per compiled function; the least recently used is dropped
# traces that were never replayed (dropped because the call changed state, or pushed out of the cache unused)
# after which the function stops tracing: what no kept trace matches runs eagerly (torch's recompile_limit, 8):
# a loop whose every call looks new would otherwise trace every step, ~20x an eager one
RECOMPILE_LIMIT = 8
MAX_SEEN = 64  # argument signatures remembered (the calls with each, before it is recorded)
EAGER_CALLS = 2  # calls with new arguments that run eagerly, unrecorded, before the next one records
_MISS = object()  # a replay's guards do not hold: try another trace, or trace again
_MISSING = object()  # a fact one walk has and the other has not
_EAGER = object()  # a replay stopped at a branch on data that goes the other way: run this call eagerly
_GONE = (AttributeError, KeyError, IndexError, TypeError)  # what a guard raises when what it reads is gone


def _leaf(array: np.ndarray) -> Value:
    return Value._make_const(array)


class Trace:
    """One signature's program (`replay`), or, when it cannot be replayed, why (`reasons`). The program's source
    is written and compiled on the trace's first replay: a trace that is never replayed (the first steps of a
    training loop create state, so their traces are not kept) costs neither."""

    def __init__(self, recorder: Recorder, walk: state_walk.Walk, stamp: int, grad_on: bool, effects: list[str],
                 output: str, reasons: list[str]) -> None:
        self.reasons = reasons
        self.replayed = False  # whether a call ran its program (one that cannot be replayed: its guards matched)
        self.n_buffers = recorder.n_slots
        self._parts: tuple[Any, ...] | None = (recorder, walk.guards, grad_on, effects, output,
                                               bool(recorder.failures))
        self._quick: Callable[..., bool] | None = None
        # the guards on the modules' structure, checked (compiled when first needed) only when the stamp moved
        # from the one they last held at: the stamp when the walk wrote them
        self._structure = walk.versioned
        self._structure_check: Callable[..., bool] | None = None
        self._structure_seen = [stamp]
        self._namespace = recorder.namespace
        self.replay: Callable[..., Any] = self._compile

    @functools.cached_property
    def _body(self) -> tuple[list[str], list[Any]]:
        """The program's lines and the listing of its calls: those whose results are used (a trace that is
        not replayed keeps every call in its listing)."""
        assert self._parts is not None  # noqa: S101 - read before the parts are dropped (in _compile)
        recorder, _, _, effects, output, guards_only = self._parts
        if guards_only:
            return [], recorder.listing
        lines = program.snapshotting(recorder, program.reusing_buffers(recorder, effects, output))
        return program.used_lines(recorder, lines, effects, output)

    @functools.cached_property
    def listing(self) -> list[str]:
        """One line per NumPy call the replay makes, with the shapes of its buffers (written when asked for)."""
        slot_info, entries = self._listed
        return [readable(entry, slot_info) for entry in entries]

    @functools.cached_property
    def _listed(self) -> tuple[dict[int, Any], list[Any]]:
        assert self._parts is not None  # noqa: S101 - read before the parts are dropped (in _compile)
        return self._parts[0].slot_info, self._body[1]

    @functools.cached_property
    def source(self) -> str:
        assert self._parts is not None  # noqa: S101 - read before the parts are dropped (in _compile)
        recorder, guards, grad_on, effects, output, guards_only = self._parts
        return program.source(recorder, guards, bool(self._structure), grad_on, effects, output, guards_only,
                              self._body[0])

    def _scope(self) -> dict[str, Any]:
        return {**self._namespace, "_MISS": _MISS, "_EAGER": _EAGER, "_leaf": _leaf,
                "_GRAD": grad_mode.STATE, "Value": Value,
                "_STRUCTURE": structure.version, "_SEEN": self._structure_seen, "_revalidate": self._revalidate,
                "_GONE": _GONE}

    def _revalidate(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """The structure stamp moved: check the modules' attributes and registries one by one; if they are as
        traced, remember the stamp (read before the checks: a change made meanwhile moves it again)."""
        stamp = structure.version[0]
        if self._structure_check is None:
            source = "lambda A, K: " + " and ".join(f"({guard})" for guard in self._structure)
            self._structure_check = eval(_code(source, "<tinygrad_lr.compile structure check>", "eval"),  # noqa: S307
                                         self._scope())
        try:
            holds = self._structure_check(args, kwargs)
        except _GONE:  # an attribute or entry the walk saw is gone
            holds = False
        if not holds:
            return False
        self._structure_seen[0] = stamp
        return True

    def _compile(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Compile the program and run it, unless its quick check already fails (compiling the whole program,
        ~7 us of CPython's compiler per guard, would be lost on a call that goes to another trace)."""
        assert self._parts is not None  # noqa: S101
        if self._quick is None:
            source = f"lambda A, K: {program.quick_check(self._parts[1], self._parts[2])}"
            self._quick = eval(_code(source, "<tinygrad_lr.compile check>", "eval"),  # noqa: S307
                               self._scope())
        try:
            holds = self._quick(args, kwargs)
        except Exception:  # noqa: BLE001 - a shape the check did not foresee: the full guards decide
            holds = True
        if not holds:
            return _MISS
        source, _ = self.source, self._listed  # the listing's parts too: they are dropped below
        scope = {**self._scope(), "__name__": "tinygrad_lr.compiler.program"}
        exec(_code(source, "<tinygrad_lr.compile program>", "exec"), scope)  # noqa: S102 - ours
        self._bind(scope)
        self._parts = self._quick = None  # the recorder is no longer needed
        return self.replay(args, kwargs)


    def _bind(self, scope: dict[str, Any]) -> None:
        """Take the program's functions from the scope its source ran in."""
        self.replay = scope["_replay"]


@functools.lru_cache(maxsize=64)
def _code(source: str, filename: str, mode: str) -> Any:
    """CPython's compile of a program's source (~6 us per guard), kept: the same model and step compiled again
    (a notebook cell run twice, a new run in the same process) write the same source, whose names are bound
    to the new objects by the scope it runs in."""
    return builtins.compile(source, filename, mode)


class CompiledFunction:
    """What `compile(fn)` returns: call it as `fn`; `explain()` shows the programs and the counts."""

    walk_opaque = True  # its traces are the compiler's bookkeeping, not state a call reads (compiler/state.py)

    def __init__(self, fn: Callable[..., Any], fullgraph: bool, options: dict[str, Any] | None) -> None:
        self.fn = fn
        self.fullgraph = fullgraph
        self.verbose = bool((options or {}).get("verbose")) or bool(os.environ.get("TINYGRAD_LR_COMPILE_VERBOSE"))
        self.traces: list[Trace] = []
        self.n_traces = 0
        self.n_replays = 0
        self.n_fallbacks = 0
        self.n_watched = 0  # first calls of an argument signature, run eagerly without recording
        self._seen: dict[tuple[Any, ...], int] = {}
        self._warned: set[str] = set()  # the kinds of fallback already said (once each)
        self.n_wasted = 0  # traces never replayed (see RECOMPILE_LIMIT)
        self._last_waste = ""
        self.options = options
        # a function found to return a graph (its backward runs after the call): such calls go to this, which
        # records the forward with its backward (compiler/training.py)
        self._trains: CompiledFunction | None = None
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if tracer._local.recorder is not None:  # called from inside another compiled function's trace: part of it
            return self.fn(*args, **kwargs)
        if self._trains is not None and grad_mode.is_grad_enabled():
            return self._trains(*args, **kwargs)
        traces = self.traces
        for trace in traces:
            result = trace.replay(args, kwargs)
            if result is _MISS:
                continue
            if trace is not traces[0]:  # the most recently used first
                traces.remove(trace)
                traces.insert(0, trace)
            if trace.reasons or result is _EAGER:  # this call cannot be replayed: run it eagerly
                trace.replayed = True  # recognised: the trace was of use
                self._fallback(trace.reasons or ["a branch on data went the other way than when it was traced"],
                               "replay" if trace.reasons else "branch")
                return self.fn(*args, **kwargs)
            self.n_replays += 1
            trace.replayed = True
            return self._replayed(trace, result)
        if not self.fullgraph:  # fullgraph promises its errors on the first call: it records at once
            signature = _signature(args, kwargs)
            if self._seen.get(signature, 0) < EAGER_CALLS:
                return self._watch(signature, args, kwargs)
        if self.n_wasted >= RECOMPILE_LIMIT:
            self._fallback([f"it was traced {self.n_wasted} times without a replay, so calls that no kept trace "
                            f"matches are no longer traced (the last time: {self._last_waste})"], "limit")
            return self.fn(*args, **kwargs)
        return self._trace(args, kwargs)

    def _watch(self, signature: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The first calls with new arguments run eagerly, unrecorded, and only count their signature: the
        recording starts at the next call like them. A training step's first calls create state (`.grad`, the
        optimizer's buffers; Adam's flat layout on its second step), so their programs would never be replayed,
        and recording one costs ~20 eager steps."""
        self._seen[signature] = self._seen.get(signature, 0) + 1
        if len(self._seen) > MAX_SEEN:
            del self._seen[next(iter(self._seen))]
        self.n_watched += 1
        return self.fn(*args, **kwargs)

    def _fallback(self, reasons: list[str], kind: str = "replay") -> None:
        self.n_fallbacks += 1
        if kind not in self._warned or self.verbose:
            self._warned.add(kind)
            name = getattr(self.fn, "__qualname__", repr(self.fn))
            detail = "; ".join(reasons) if self.verbose else reasons[0]
            warnings.warn(f"tinygrad_lr.compile: {name} runs eagerly: {detail}", stacklevel=3)

    def _trace(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if not TRACE_LOCK.acquire(blocking=False):  # another thread is tracing: this call is not recorded
            return self.fn(*args, **kwargs)
        try:
            return self._record(args, kwargs)
        finally:
            TRACE_LOCK.release()

    def _record(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.n_traces += 1
        recorder = Recorder(fullgraph=self.fullgraph)
        call_args, call_kwargs = list(args), dict(kwargs)  # the trace puts traced arrays in these copies
        roots, places = reach.roots(self.fn, call_args, call_kwargs)
        recorder.namespace.update(places)
        stamp = structure.version[0]  # the modules' structure as the walk sees it
        try:
            before = state_walk.walk(recorder, roots, substitute=True)
        except state_walk.TooLargeError as error:
            self._fallback([str(error)])
            return self.fn(*args, **kwargs)
        grad_on = grad_mode.is_grad_enabled()
        # the default dtype (set_default_dtype) makes the dtype of what the call creates from Python numbers
        recorder.namespace["_DEFAULT_DTYPE"] = dtypes._default
        before.guards.insert(0, f"_DEFAULT_DTYPE[0] is {recorder.const(dtypes._default[0], 'd')}")
        try:
            with recording(recorder):
                result = self._traced_call(recorder, call_args, call_kwargs)
                after = state_walk.walk(recorder, roots, substitute=False)
                trains = self._returns_a_graph(recorder, result)
                output = "None" if trains else self._render(recorder, result, after)
        finally:
            state_walk.restore(before)
        if trains:  # this call's output keeps its eager graph; the next calls like it record their backward
            from tinygrad_lr.compiler.training import CompiledTraining

            self._trains = CompiledTraining(self.fn, self.fullgraph, self.options)
            self._trains._seen = dict(self._seen)  # the calls seen so far count: the next one records
            return self._user_result(result)
        result = self._user_result(result)
        effects, changed = _effects(before, after)
        for path, generator, state in before.generators:
            if state_walk.generator_state(generator) != state:
                recorder.fail(f"draws from {path}, a generator of NumPy or Python: a replay would not draw again")
        for path, file, position in before.files:
            if state_walk.file_position(file) != position:
                recorder.fail(f"reads or writes the file object {path}: a replay would not (it would use what "
                              "the traced call read)")
        if before.outside_graph and recorder.ran_backward:  # the gradient would flow on into that graph
            recorder.fail(f"runs backward with a tensor made by a graph outside the compiled function "
                          f"({before.outside_graph[0]}): pass it .detach(), or compute it inside")
        reasons = list(recorder.failures)
        if reasons and self.fullgraph:
            raise NotReplayableError("tinygrad_lr.compile(fullgraph=True): " + "; ".join(reasons))
        trace = self._trace_class(recorder, before, stamp, grad_on, effects, output, reasons + changed)
        if reasons:
            self._fallback(reasons)
        self.last_changed = changed
        self.last_facts = (before.facts, after.facts)
        if not changed or reasons:  # a call that created state (a first step) has no later call like it
            self.traces.insert(0, trace)
            for dropped in self.traces[MAX_TRACES:]:
                if not dropped.replayed:
                    self._wasted("a program was pushed out of the cache unused: every call looked new, as "
                                 "when an argument or attribute the guards read changes at each call")
            del self.traces[MAX_TRACES:]
        else:
            self._wasted(changed[0])
        return result

    # what a kind of compiled function records and returns (compiler/training.py records a forward and backward)
    _trace_class = Trace

    def _traced_call(self, recorder: Recorder, args: list[Any], kwargs: dict[str, Any]) -> Any:
        return self.fn(*args, **kwargs)

    def _render(self, recorder: Recorder, result: Any, after: state_walk.Walk) -> str:
        return _render_output(recorder, result, after.values, {})

    def _returns_a_graph(self, recorder: Recorder, result: Any) -> bool:
        """Whether the call returned one Value whose graph a backward() after the call will need."""
        return isinstance(result, Value) and result._grad_fn is not None and id(result) not in recorder.backward_from

    def _user_result(self, result: Any) -> Any:
        return _plain_output(result)

    def _replayed(self, trace: Trace, result: Any) -> Any:
        return result

    def _wasted(self, why: str) -> None:
        self.n_wasted += 1
        self._last_waste = why

    def explain(self) -> str:
        """The recorded programs (one line per NumPy call, with the shapes of its buffers) and the counts."""
        lines = [f"traces: {self.n_traces}, replays: {self.n_replays}, fallbacks (eager calls): {self.n_fallbacks}, "
                 f"first calls (eager, not recorded): {self.n_watched}, programs kept: {len(self.traces)}"]
        if self.n_wasted:
            lines.append(f"traces never replayed: {self.n_wasted} (at {RECOMPILE_LIMIT}, calls that no kept program "
                         f"matches run eagerly; the last: {self._last_waste})")
        for k, trace in enumerate(self.traces):
            lines.append(f"program {k}: {len(trace.listing)} NumPy calls, {trace.n_buffers} buffers")
            if trace.reasons:
                lines.extend(f"  not replayable: {r}" for r in trace.reasons)
            lines.extend(f"  {line}" for line in trace.listing)
        if self._trains is not None:
            lines.append("calls that return a graph (forward and backward):")
            lines.append(self._trains.explain())
        return "\n".join(lines)


def _signature(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """What tells calls apart cheaply: grad mode, and each argument's shape, dtype and requires_grad (a Value
    or an array) or type. Only decides whether a call is the first of its kind; the guards decide replays."""
    return (grad_mode.is_grad_enabled(), *map(_describe_argument, args),
            *((k, _describe_argument(v)) for k, v in kwargs.items()))


def _describe_argument(value: Any) -> Any:
    if isinstance(value, Value):
        return value._data.shape, value._data.dtype, value._requires_grad
    if isinstance(value, np.ndarray):
        return value.shape, value.dtype
    return type(value)


def _effects(before: state_walk.Walk, after: state_walk.Walk) -> tuple[list[str], list[str]]:
    """What the call changed in Python state: `.grad` set or cleared (an effect a replay repeats), anything else
    (a reason not to keep the trace: the next call will look different)."""
    before_facts, after_facts = before.facts, after.facts
    grads = after.grads
    touched = set()  # the `._grad` paths with a fact that differs, at them or below them
    others = []
    for path in before_facts.keys() | after_facts.keys():
        if before_facts.get(path, _MISSING) == after_facts.get(path, _MISSING):
            continue
        if path in grads:
            touched.add(path)
            continue
        cut = path.rfind("._grad.")
        if cut >= 0 and path[: cut + 6] in grads:
            if before_facts.get(path) != after_facts.get(path):
                touched.add(path[: cut + 6])
        else:
            others.append(path)
    effects: list[str] = []
    changed = []
    for path, holder_src in grads.items():
        if path not in touched:
            continue
        post = after_facts.get(path)
        data = after_facts.get(path + "._data")
        if post == ("is", None):
            effect = f"{holder_src}._grad = None"
        elif post == ("type", Value) and data is not None and data[0] == "slot":
            effect = f"{holder_src}._grad = _leaf(b{data[1]})"
        else:
            changed.append(f"the call changed {path} in a way a replay cannot repeat")
            continue
        if effect not in effects:  # one parameter reached by two paths
            effects.append(effect)
    changed.extend(f"the call changed {path}" for path in sorted(others))
    return effects, changed


def _render_output(recorder: Recorder, result: Any, places: dict[int, str], made: dict[int, str]) -> str:
    """The replay's expression for what the call returned. A Value of the state (a parameter, a `.grad`) is
    read from its place (`places`, the walk after the call: the program's effects have set it by then), so the
    replay returns that very object, as eager does; a Value the call made is made once per replay (`made`: the
    same Value returned twice is one object)."""
    kind = type(result)
    if isinstance(result, Value):
        if id(result) in places:
            return places[id(result)]
        if id(result) in made:
            return made[id(result)]
        if result._grad_fn is not None and id(result) not in recorder.backward_from:
            recorder.fail("returns a Value that is part of a graph (a backward() outside the compiled function "
                          "needs that graph: call backward inside it, or return .detach())")
        data = result._data
        if type(data) is TracedArray and data._slot is not None:
            made[id(result)] = name = f"_out{len(made)}"
            return f"({name} := _leaf(b{data._slot}))"
        recorder.fail("returns a Value the recorder did not make")
        return "None"
    if kind is TracedArray:
        return recorder.render(result)
    if kind is tuple or kind is list:
        inner = "".join(_render_output(recorder, r, places, made) + ", " for r in result)
        return f"({inner})" if kind is tuple else f"[{inner}]"
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {_render_output(recorder, v, places, made)}" for k, v in result.items()) + "}"
    if result is None or kind in (int, bool, str, Sym):
        return recorder.render(result)
    if kind is float:
        return recorder.render(result)
    if kind is Size and all(type(n) is int for n in result) or kind is dtype or kind is device:
        return recorder.const(result, "k")  # immutable, and the guards hold the shapes it was read from
    recorder.fail(f"returns a {kind.__name__}, which a replay cannot rebuild")
    return "None"


def _plain_output(result: Any) -> Any:
    if isinstance(result, Value):
        if type(result._data) is TracedArray:
            result._data = plain(result._data)
        return result
    if type(result) is TracedArray:
        return plain(result)
    if type(result) is Sym:
        return float(result)
    if type(result) in (tuple, list):
        return type(result)(_plain_output(r) for r in result)
    if type(result) is dict:
        return {k: _plain_output(v) for k, v in result.items()}
    return result


def compile(  # noqa: A001 - torch's name
    fn: Any = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: Any = None,
    mode: str | None = None,
    options: dict[str, Any] | None = None,
    disable: bool = False,
) -> Any:
    """Compile `fn` (a function, or a Module: its calls then go through the compiled forward) into recorded
    NumPy programs replayed on later calls with the same signature; bit-identical to eager execution. The first
    two calls with new arguments run eagerly without recording (unless `fullgraph=True`); the next one records.

    `fullgraph=True` raises `NotReplayableError` naming the line where the call did something a replay cannot
    repeat (by default that call runs eagerly and a warning says why, once; `options={"verbose": True}` or the
    environment variable TINYGRAD_LR_COMPILE_VERBOSE for every reason). `dynamic`, `backend` and `mode` are
    accepted for torch's signature and checked as torch checks them (every backend and mode runs this one engine);
    shapes are always static here (a new shape traces again).
    """
    if fn is None:
        return lambda f: compile(f, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    if isinstance(backend, str) and backend not in BACKENDS:
        raise RuntimeError(f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` for available "
                           "backends.")
    if not callable(fn):
        raise AssertionError(f"A callable function is expected, but {type(fn)} is provided.")
    if disable:
        return fn
    from tinygrad_lr.nn.module import Module

    if isinstance(fn, Module):
        from tinygrad_lr.compiler.training import CompiledTraining

        module = fn
        compiled = CompiledFunction(module.__call__, fullgraph, options)
        return _CompiledModule(module, compiled, CompiledTraining(module.__call__, fullgraph, options))
    return CompiledFunction(fn, fullgraph, options)


class _CompiledModule:
    """A Module whose calls go through its compiled `__call__`; every other attribute is the module's own. A call
    that builds a graph (for training) is recorded with its backward (compiler/training.py); one that does not
    (under no_grad, or with nothing that requires grad), as a function."""

    def __init__(self, module: Any, compiled: CompiledFunction, training: CompiledFunction) -> None:
        object.__setattr__(self, "_orig_mod", module)
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "_training", training)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if grad_mode.is_grad_enabled() and (
                any(p._requires_grad for p in self._orig_mod.parameters())
                or any(isinstance(a, Value) and a._requires_grad for a in (*args, *kwargs.values()))):
            return self._training(*args, **kwargs)
        return self._compiled(*args, **kwargs)

    def explain(self) -> str:
        """Both kinds of programs: for calls without a graph, then for calls that train (forward and backward)."""
        trains = self._training.explain()
        return f"{self._compiled.explain()}\ncalls that build a graph (forward and backward):\n{trains}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._orig_mod, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._orig_mod, name, value)

    def __repr__(self) -> str:
        inner = repr(self._orig_mod).replace("\n", "\n  ")
        return f"OptimizedModule(\n  (_orig_mod): {inner}\n)"


__all__ = ["CompiledFunction", "NotReplayableError", "compile"]
