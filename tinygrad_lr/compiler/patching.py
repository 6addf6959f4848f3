"""The duration of a trace: NumPy's creation functions, the generators' raw draws and a few Value methods replaced
by recording (or refusing) versions, and the recorder made the active one (`recording`).

Each replay must allocate and draw exactly as eager did, so `np.empty`, `np.array`, ... and `Generator.random`
become recorded calls; Value methods that read data into Python (`.item()`, `bool()`, ...) and the user's hooks
mark the trace as not replayable.
"""

from __future__ import annotations

import builtins
import math
import random
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from tinygrad_lr.compiler import tracer
from tinygrad_lr.compiler.tracer import Recorder, Sym, TracedArray, _dispatch, _np_empty, _number, _unwrap, plain

# held for a whole trace (the walks that put traced arrays into the state, the patches): one trace at a time in
# the process; a call that finds it held by another thread runs eagerly instead of waiting (no deadlock)
TRACE_LOCK = threading.Lock()


def _recording(original: Callable[..., Any], draw: bool = False) -> Callable[..., Any]:
    """A NumPy creation function (or a generator's `draw`) that records its call: each replay allocates (or draws)
    as eager did, rather than reusing the array of the traced call."""

    def creation(*args: Any, **kwargs: Any) -> Any:
        return _dispatch_always(original, args, kwargs, draw)

    creation.__name__ = getattr(original, "__name__", "creation")
    creation.__wrapped__ = original  # type: ignore[attr-defined]
    return creation


def _dispatch_always(func: Any, args: Any, kwargs: dict[str, Any], draw: bool = False) -> Any:
    recorder = tracer._local.recorder
    plain_args = _unwrap(args)
    plain_kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    if recorder is None:  # another thread than the tracing one: its own call
        return func(*plain_args, **plain_kwargs)
    if recorder.inside:  # called by NumPy itself inside a recorded call (a generator filling np.empty): not ours
        return func(*args, **kwargs)
    result = recorder.run_inside(func, plain_args, plain_kwargs)
    if not isinstance(result, np.ndarray):
        return result
    # asarray(x) of a traced x returns x itself: keep its slot; anything else is a new buffer
    for arg in args:
        if type(arg) is TracedArray and plain(arg) is result:
            return arg
    traced = recorder.new_slot(result)
    if draw:  # args[0]: the generator (the method is patched on the class)
        recorder.first_draws.setdefault(recorder.const(args[0]), len(recorder.lines))
    recorder._emit(func, args, kwargs, (traced,), pure=not draw)  # a draw advances the generator: never dropped
    if not draw and recorder._literal_call(func, args, kwargs):
        recorder.constant.add(traced._slot)  # type: ignore[arg-type]
    if func is _np_empty and set(kwargs) <= {"dtype"}:  # uninitialised memory: a replay may reuse a buffer
        recorder.empties[len(recorder.lines) - 1] = (recorder.n_slots - 1, result.shape, result.dtype)
    return traced


_CREATION = ("array", "asarray", "asanyarray", "ascontiguousarray", "empty", "zeros", "ones", "full", "arange",
             "eye", "identity", "linspace", "copy", "frombuffer", "fromiter")


_NUMPY_GLOBAL_DRAWS = ("rand", "randn", "random", "random_sample", "ranf", "sample", "randint", "random_integers",
                       "normal", "uniform", "standard_normal", "choice", "permutation", "shuffle", "binomial",
                       "poisson", "exponential", "beta", "gamma", "bytes", "seed")
_PYTHON_DRAWS = ("random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample", "gauss",
                 "normalvariate", "getrandbits", "seed", "triangular", "betavariate", "expovariate", "randbytes")


_VALUE_READS = ("item", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__", "__format__",
                "__repr__", "__str__", "__array__")


def _refusing_read(original: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A Value method that reads data into Python: while tracing, the value cannot be replayed."""

    def read(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = tracer._local.recorder
        if recorder is not None and type(self._data) is TracedArray:
            what = name.strip("_")
            recorder.fail(f"reads a tensor's value into Python (Tensor.{what}"
                          f"{'()' if not name.startswith('__') else ''})")
            data = self._data
            self._data = plain(data)
            try:
                return original(self, *args, **kwargs)
            finally:
                self._data = data
        return original(self, *args, **kwargs)

    read.__name__ = name
    return read


def _normal_caches() -> list[Any]:
    from tinygrad_lr import random as tl_random

    generator = tl_random.default_generator
    return [getattr(generator, "next_double_normal", None), getattr(generator, "next_float_normal", None)]


def _refusing_hook(original: Callable[..., Any], what: str,
                   why: str = "Python code a replay would not run") -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        active = tracer._local.recorder
        if active is not None:
            active.fail(f"runs {what}, {why}")
        return original(*args, **kwargs)

    return run


def _following(original: Callable[..., Any]) -> Callable[..., Any]:
    """A `math` function that, given a Sym (a value the replay reads again), returns a Sym computing it again:
    CPython's math reads a float subclass's value without a call, so `math.sqrt(lr)` would otherwise fix lr.
    A bool answer (`math.isfinite(lr)`) is a branch: guarded, or checked at replay for a value read from data."""

    def follow(*args: Any) -> Any:
        syms = [a for a in args if type(a) is Sym]
        value = original(*(_number(a) if type(a) is Sym else a for a in args))
        recorder = tracer._local.recorder
        if not syms or recorder is None:
            return value
        name = recorder.const(original, "f")
        src = f"{name}({', '.join(a.src if type(a) is Sym else recorder.render(a) for a in args)})"
        data = [s for s in syms if s.data]
        if type(value) is bool:
            recorder.branch_on(bool(data), src, value)
            return value
        if type(value) is float:
            return Sym(value, src, bool(data))
        recorder.fail(f"turns a value the replay reads again into a constant (math.{original.__name__})")
        return value

    follow.__name__ = original.__name__
    follow.__wrapped__ = original  # type: ignore[attr-defined]
    return follow


# math's functions of floats (those of ints, and floor/ceil/trunc, which call the Sym's own methods, are left)
_MATH = {name: _following(getattr(math, name)) for name in (
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "copysign", "cos", "cosh", "degrees", "erf",
    "erfc", "exp", "expm1", "fabs", "fmod", "gamma", "hypot", "isfinite", "isinf", "isnan", "lgamma", "log",
    "log10", "log1p", "log2", "pow", "radians", "remainder", "sin", "sinh", "sqrt", "tan", "tanh", "cbrt",
    "exp2") if hasattr(math, name)}


@contextmanager
def recording(recorder: Recorder) -> Iterator[Recorder]:
    """Make `recorder` the active one, with NumPy's creation functions and the generator's draws recorded."""
    if tracer._local.recorder is not None:
        raise RuntimeError("tinygrad_lr.compile: a compiled function was called while another one is tracing")
    from tinygrad_lr import random as tl_random
    from tinygrad_lr.nn import scratch
    from tinygrad_lr.ops import inplace

    for name in _CREATION:
        recorder.patch(np, name, _recording(getattr(np, name)))
    # the generators' two raw draws: every distribution is NumPy arithmetic on them (tinygrad_lr/random/kernels.py)
    for name in ("random", "random64"):
        recorder.patch(tl_random.Generator, name, _recording(getattr(tl_random.Generator, name), draw=True))
    from tinygrad_lr.random import kernels

    for name in ("swapped", "placed_inside_out"):  # randperm's loops over its draws: one call each
        recorder.patch(kernels, name, _recording(getattr(kernels, name)))
    from tinygrad_lr.ops import decompositions

    for name in ("inverted", "solved", "cholesky_lower"):  # raising torch's error for a matrix they cannot handle
        recorder.patch(decompositions, name, _recording(getattr(decompositions, name)))
    each = kernels.each_value  # the C library's log, sin, cos value by value: one call (of the C library's own
    recorder.patch(kernels, "each_value", lambda function, values: _dispatch_always(  # function, not _MATH's)
        each, (getattr(function, "__wrapped__", function), values), {}))
    for name, follow in _MATH.items():
        recorder.patch(math, name, follow)
    mark_modified = inplace.mark_modified  # version stamps: a replay stamps the parameters it updates, as eager

    recorder.patch(inplace, "mark_modified", lambda array: _dispatch(mark_modified, (array,), {}))
    recorder.patch(scratch, "TRACING", True)  # its reuse of memory is decided by reference counts
    scratch.release()  # the arrays it keeps for eager steps: the traced call allocates its own (no second copy)
    from tinygrad_lr.value import Value

    for name in _VALUE_READS:
        recorder.patch(Value, name, _refusing_read(getattr(Value, name), name))
    from tinygrad_lr.autograd import engine
    from tinygrad_lr.nn.module import Module

    backward = Value.backward

    def noting_backward(self: Any, gradient: Any = None, retain_graph: Any = None, *args: Any, **kwargs: Any) -> Any:
        if not retain_graph and tracer._local.recorder is recorder:  # (not another thread's backward)
            recorder.backward_from.add(id(self))
        return backward(self, gradient, retain_graph, *args, **kwargs)

    recorder.patch(Value, "backward", noting_backward)
    from tinygrad_lr.autograd import api

    run_backward = api.run_backward  # what backward() and autograd.grad() both run

    def noting_run(*args: Any, **kwargs: Any) -> Any:
        if tracer._local.recorder is recorder:
            recorder.ran_backward = True
        return run_backward(*args, **kwargs)

    recorder.patch(api, "run_backward", noting_run)

    # hooks are the user's Python code: a replay would skip whatever they do besides array math
    recorder.patch(engine, "_apply_hooks", _refusing_hook(engine._apply_hooks, "a gradient hook (register_hook)"))
    recorder.patch(Module, "_call_with_hooks", _refusing_hook(Module._call_with_hooks, "a module hook"))
    recorder.patch(builtins, "print", _refusing_hook(builtins.print, "print()"))
    logging = sys.modules.get("logging")  # (not imported: nothing the call runs can log)
    if logging is not None:  # a record a handler writes (it runs only for an enabled level)
        recorder.patch(logging.Logger, "_log", _refusing_hook(logging.Logger._log, "logging", "output a replay "
                                                               "would not repeat"))
    # files: a replay would not write (a checkpoint saved by the step) nor read again, and a file object the
    # traced call opened would be a closed constant of the program
    recorder.patch(builtins, "open", _refusing_hook(builtins.open, "open()", "file input or output a replay would "
                                                    "not repeat"))
    for name in ("save", "savez", "savez_compressed", "savetxt", "load", "loadtxt", "fromfile"):
        recorder.patch(np, name, _refusing_hook(getattr(np, name), f"np.{name}()", "file input or output a replay "
                                                "would not repeat"))
    # the global generators of NumPy and Python: a replay would not draw from them again (its numbers would
    # stay the traced ones); a generator object the function reaches is checked by its state (compiler/state.py)
    for owner, names, what in ((np.random, _NUMPY_GLOBAL_DRAWS, "np.random"), (random, _PYTHON_DRAWS, "random")):
        for name in names:
            if hasattr(owner, name):
                recorder.patch(owner, name, _refusing_hook(getattr(owner, name), f"{what}.{name}()",
                                                           "a draw a replay would not repeat"))
    # a normal draw may keep the second value of a Box-Muller pair in the generator, Python state a replay skips
    cached = _normal_caches()
    tracer._local.recorder = recorder
    try:
        yield recorder
    finally:
        tracer._local.recorder = None
        recorder.unpatch()
    if _normal_caches() != cached:
        recorder.fail("draws normal numbers through the generator's cached Box-Muller value (Python state)")
