"""Training through a compiled Module: `model = torch.compile(model)`, then the loss and `backward()` outside (and
through a compiled function found to return one Value with its graph, from then on).

A call that needs a graph (grad mode on, and a parameter or an argument that requires grad) is recorded with
the backward that follows it: the forward runs, then `autograd.grad` from its output, seeded with a gradient
in a slot of its own, down to every leaf the graph reaches (the parameters, an argument that requires grad).
The program is split where the backward starts (torch's AOTAutograd does the same): the forward part replays
at the call and returns the output and the arrays the backward part reads; the output is a Value whose
`grad_fn` (`CompiledFunctionBackward`, as torch names it) runs the backward part when the loss's backward
reaches it, and hands each leaf its gradient, which the engine accumulates into `.grad` as eager does.

The numbers are eager's: the same calls on the same operands. A leaf that the forward uses twice would have
its two contributions summed inside the program, where eager sums them with any from outside the module, in
an order that may differ in the last bit: such a forward runs eagerly. So does one whose output is not a
single Value, one whose input carries a graph made outside it (the backward would go on into that graph), one
whose graph has a gradient hook (it would run once more in the recorded backward), and one whose backward
branches on data (the forward has returned: there is no eager call left to hand the rest
to). The upstream gradient is copied into a fresh contiguous array before the backward part
runs, as it was recorded with one.
"""

from __future__ import annotations

import ast
import functools
from typing import Any

import numpy as np

from tinygrad_lr.autograd import api
from tinygrad_lr.autograd.function import Function, Node
from tinygrad_lr.compiler import CompiledFunction, Trace, _plain_output
from tinygrad_lr.compiler import program as programs
from tinygrad_lr.compiler import state as state_walk
from tinygrad_lr.compiler.checks import assigned_and_read
from tinygrad_lr.compiler.tracer import Recorder, TracedArray
from tinygrad_lr.value import Value

_SPLIT = "# backward"  # the line where the recorded backward starts


class CompiledFunctionBackward(Function):
    """The output of a replayed forward: its backward runs the recorded backward on what the forward kept."""

    torch_name = "CompiledFunctionBackward"
    torch_inputs = slice(3, None)  # the leaves (before them: the output, the kept arrays, the program)

    @staticmethod
    def forward(ctx: Any, out: np.ndarray, kept: tuple[np.ndarray, ...], backward: Any, *leaves: Any) -> Any:
        ctx.save_for_backward(*kept)  # so the engine refuses them if changed in place before backward
        ctx.program, ctx.dtype = backward, out.dtype
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        if isinstance(grad, Value):  # create_graph=True: the recorded backward is not differentiable
            raise RuntimeError("torch.compile with aot_autograd does not currently support double backward")
        kept = ctx.saved_tensors
        return (None, None, None, *ctx.program(np.array(grad, dtype=ctx.dtype, order="C"), kept))


class TrainingTrace(Trace):
    """A trace whose program is two functions: `_replay` (the forward, guarded) and `_backward`."""

    backward: Any = None

    @functools.cached_property
    def source(self) -> str:
        assert self._parts is not None  # noqa: S101 - read before the parts are dropped (in _compile)
        recorder, guards, grad_on, effects, output, guards_only = self._parts
        if guards_only:  # (a trace that failed: its guards recognise the calls that run eagerly)
            return programs.source(recorder, guards, bool(self._structure), grad_on, effects, "None", True, [])
        out, places, grads, kept_before, seed = ast.literal_eval(output)  # CompiledTraining._render's
        body = self._body[0]
        split = body.index(_SPLIT)
        forward, backward = body[:split], body[split + 1:]
        kept = sorted(_read_before_written(backward) - {f"b{seed}"}, key=lambda name: int(name[1:]))
        assert set(kept) <= set(kept_before)  # noqa: S101 - kept apart from the reused buffers
        returned = f"({out}, ({''.join(p + ', ' for p in places)}), ({''.join(k + ', ' for k in kept)}))"
        head = programs.source(recorder, guards, bool(self._structure), grad_on, effects, returned, False, forward)
        lines = ["def _backward(G, L):"]
        if kept:
            lines.append(f"    {', '.join(kept)}, = L")
        lines.append(f"    b{seed} = G")
        indent = "    "
        if programs.KEPT in recorder.namespace:  # buffers kept from one call to the next: one at a time
            lines.append(f"    with {programs.KEPT}:")
            indent = "        "
        returned = f"return ({''.join(g + ', ' for g in grads)})"
        lines.extend(indent + line for line in programs.freeing(recorder, backward, [returned]))
        lines.append(indent + returned)
        return head + "\n".join(lines) + "\n"

    def _bind(self, scope: dict[str, Any]) -> None:
        self.replay = scope["_replay"]
        self.backward = scope.get("_backward")


class CompiledTraining(CompiledFunction):
    """`compile(module)`'s calls that build a graph: the forward recorded with its backward (module docstring)."""

    _trace_class = TrainingTrace

    def _traced_call(self, recorder: Recorder, args: list[Any], kwargs: dict[str, Any]) -> Any:
        out = self.fn(*args, **kwargs)
        if not isinstance(out, Value) or out._grad_fn is None or getattr(out._data, "_slot", None) is None:
            recorder.fail("returns something other than one Value that requires grad (a compiled Module trains "
                          "through one output)")
            return out, None
        if any(isinstance(a, Value) and a._grad_fn is not None for a in (*args, *kwargs.values())):
            recorder.fail("takes an input made by a graph outside the module (the backward would have to go on "
                          "into that graph)")
            return out, None
        uses = _leaves(out._grad_fn)
        if uses is None:  # a hook would run inside the recorded backward, and again in the call's own
            recorder.fail("builds a graph with a gradient hook or retain_grad() in it (Python code the recorded "
                          "backward would run once more)")
            return out, None
        if any(n > 1 for n in uses.values()):
            recorder.fail("uses a parameter or an input twice in one forward (their gradients would be summed in "
                          "another order than eager's)")
            return out, None
        recorder.split = len(recorder.lines)
        recorder.add_line(_SPLIT)
        # the gradient from above: an input of the backward part (made unrecorded: np.ones is the recorder's)
        seed = recorder.new_slot(recorder.run_inside(np.ones, (out._data.shape, out._data.dtype), {}))
        recorder.listing.append(f"backward (runs when a backward() reaches the output; b{seed._slot} is its "
                                "gradient):")
        leaves = list(uses)
        grads = api.grad([out], leaves, [Value._make_const(seed)], retain_graph=True, allow_unused=True)
        return out, (leaves, grads, seed)

    def _render(self, recorder: Recorder, result: Any, after: state_walk.Walk) -> str:
        out, recorded = result
        if recorded is None:
            return "None"
        leaves, grads, seed = recorded
        places = []
        for leaf in leaves:
            if id(leaf) not in after.values:
                recorder.fail("reaches a tensor that requires grad which the compiled call does not read from its "
                              "arguments, closure, globals or self (a default argument, say)")
                return "None"
            places.append(after.values[id(leaf)])
        rendered = []
        for grad in grads:
            data = None if grad is None else grad._data
            if data is not None and (type(data) is not TracedArray or data._slot is None):
                recorder.fail("computes a gradient the recorder did not make")
                return "None"
            rendered.append("None" if data is None else f"b{data._slot}")
        assert recorder.split is not None  # noqa: S101 - set with the seed
        backward_lines = recorder.lines[recorder.split + 1:]
        # what the backward reads from the forward (at most: some of those lines may turn out unused), kept
        # apart from the buffers a program reuses
        kept = sorted(_read_before_written(backward_lines) - {f"b{seed._slot}"}, key=lambda name: int(name[1:]))
        return repr((f"b{out._data._slot}", places, rendered, kept, seed._slot))

    def _returns_a_graph(self, recorder: Recorder, result: Any) -> bool:
        return False  # its output's graph is what it records

    def _user_result(self, result: Any) -> Any:
        return _plain_output(result[0])  # the traced call's own output keeps its eager graph (retained)

    def _replayed(self, trace: Trace, result: Any) -> Any:
        assert isinstance(trace, TrainingTrace)  # noqa: S101 - the traces this class makes
        out, leaves, kept = result
        return CompiledFunctionBackward.apply(out, kept, trace.backward, *leaves)


def _leaves(node: Node) -> dict[Value, int] | None:
    """The leaves that require grad which the graph below `node` reaches, in the order of a depth-first walk,
    each with the number of edges into it; None if a node or a leaf has a hook (or retains its gradient)."""
    uses: dict[Value, int] = {}
    seen = {id(node)}
    stack = [node]
    while stack:
        current = stack.pop()
        if current._observed:
            return None
        for entry in current.next_entries:
            if entry is None:
                continue
            if isinstance(entry, Node):
                if id(entry) not in seen:
                    seen.add(id(entry))
                    stack.append(entry)
            elif entry._hooks:
                return None
            else:
                uses[entry] = uses.get(entry, 0) + 1
    return uses


def _read_before_written(lines: list[str]) -> set[str]:
    """The slots `lines` read before any of them assigns the slot: what they need from before them."""
    assigned: set[str] = set()
    needed: set[str] = set()
    for line in lines:
        targets, reads = assigned_and_read(line)
        needed.update(name for name in reads if name not in assigned)
        assigned.update(targets)
    return needed
