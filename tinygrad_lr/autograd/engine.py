"""The backward pass: the chain rule applied in reverse topological order, without recursion.

1. Start from the outputs with their seed gradients. A node runs once all its consumers have
   delivered their gradients, so each node runs exactly once, on the sum of everything that
   flows into it (Kahn's algorithm).
2. How many consumers to wait for: `Function.apply` counts them as the graph is recorded
   (`node._uses`), so no separate pass over the graph is needed. That count can be too high: a
   consumer that is not part of this backward (a side computation, an op whose result was thrown
   away) never delivers. Then the walk stalls with nodes still waiting, and only then the engine
   counts the consumers that can still deliver (the ones not yet run, reachable from the outputs)
   and goes on. The count is never too low, so no node runs early.
3. Each gradient is summed back to its input's shape here, in one place (un-broadcasting), so
   no op's backward rule has to think about broadcasting.
4. Leaves collect their total gradient last: their hooks run, then it is added into `.grad`.
5. Several threads may run backward at once, even through one graph (with retain_graph): a walk's
   bookkeeping is its own, and adding into `.grad` is atomic.

Every walk uses an explicit stack, so a 10^6-op chain needs no deeper Python stack than a 1-op one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from tinygrad_lr.arguments import tensor_type_name
from tinygrad_lr.autograd import grad_mode, versions
from tinygrad_lr.autograd.function import FREED, Node
from tinygrad_lr.value import Value


def sum_to_shape(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum `grad` over the axes that broadcasting added or stretched, giving `shape`.

    Works on arrays and (when recording a differentiable backward) on Values.
    """
    if grad.shape == shape:
        return grad
    extra = len(grad.shape) - len(shape)
    if extra < 0 or any(s != 1 and s != g for s, g in zip(shape, grad.shape[extra:])):
        # a backward rule returned a smaller gradient than its input: broadcast it up
        if isinstance(grad, Value):
            return grad.expand(shape)
        return np.broadcast_to(grad, shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, s in enumerate(shape) if s == 1 and grad.shape[extra + i] != 1
    )
    if isinstance(grad, Value):
        return grad.sum(dim=axes, keepdim=True).reshape(shape) if axes else grad.reshape(shape)
    return grad.sum(axis=axes, keepdims=True).reshape(shape) if axes else grad.reshape(shape)


def run_backward(
    roots: Sequence[Any],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: dict[Any, Any] | None = None,
    observer: Any = None,
) -> None:
    """Propagate `root_grads` from `roots` (Nodes or leaf Values) through the graph.

    Without `capture`, leaf gradients accumulate into `.grad`. With `capture` (used by
    `autograd.grad`), the total gradient reaching each key (a Node or a leaf Value) is stored in
    the dict instead and no `.grad` is touched.

    With `observer` (see `tinygrad_lr.autograd.observe`), the walk runs as it always does but only
    reports: `observer.step(node, grad, grads)` after each node's rule ran (`grads` as the rule
    returned them), `observer.send(node, k, entry, g)` for each input it visits (`g` summed to the
    input's shape and cast to its dtype), and `observer.leaves(leaf_grads)` at the end. It keeps the
    graph, runs no hooks and writes no `.grad` (the caller passes retain_graph=True, create_graph=False).

    The walk's bookkeeping is its own (local variables, not slots of the shared nodes), so two threads
    may walk one graph at once. A node with one recorded consumer (most nodes) needs none: its only
    delivery makes it ready. The others wait in `pending`, node -> (deliveries still to come, their sum so far).
    """
    pending: dict[Node, tuple[int, Any]] = {}
    ready: list[tuple[Node, Any]] = []  # (node, the total gradient of its output), run last-in first-out
    leaf_grads: dict[Any, Any] = {}
    root_nodes: list[Node] = []
    seeds: dict[Node, Any] = {}
    for entry, grad in zip(roots, root_grads):
        if not isinstance(entry, Node):
            leaf_grads[entry] = leaf_grads[entry] + grad if entry in leaf_grads else grad
        elif entry in seeds:
            seeds[entry] = seeds[entry] + grad
        else:
            seeds[entry] = grad
            root_nodes.append(entry)
    for node in root_nodes:
        if node._uses:
            pending[node] = (node._uses, seeds[node])
        else:
            ready.append((node, seeds[node]))
    # How many nodes wait in `pending`: when nothing is ready and some still wait, the walk has stalled
    # (see the module docstring).
    waiting = len(pending)
    # A node with one consumer skips `pending`, unless it is also a root that waits there with its seed (a root
    # consumed by another root's graph, once): then every node goes through `pending` (-1 matches no count).
    single = -1 if len(root_nodes) > 1 and any(node._uses == 1 for node in root_nodes) else 1

    previous_mode = grad_mode.set_enabled(create_graph)
    try:
        # the next node to run and its gradient, when the last one handed it its only gradient (see below)
        follow: Any = None
        follow_grad: Any = None
        while True:
            if follow is not None:
                node, grad, follow = follow, follow_grad, None
            else:
                if not ready:
                    if not waiting:
                        break
                    waiting = _recount_waiting(root_nodes, pending, ready, single)
                node, grad = ready.pop()
            n_in = node._n_in
            if grad is None:  # nothing flowed here (e.g. an unused branch): just release the inputs
                grads: Any = (None,) * n_in
                g = None
            else:
                if node._observed and observer is None:
                    grad = _run_node_hooks(node, grad, create_graph)
                if capture is not None and node in capture:
                    capture[node] = grad
                saved = node.saved_tensors
                if saved:  # (FREED too: the rule raises torch's error when it reads them)
                    if create_graph or versions.clock != node._clock:  # something changed in place since
                        node._prepare_saved(create_graph)
                    try:
                        grads = node._function.backward(node, grad)
                    finally:
                        node.saved_tensors = saved if retain_graph else FREED
                else:
                    grads = node._function.backward(node, grad)
                if type(grads) is tuple:
                    if len(grads) != n_in:
                        raise _wrong_gradient_count(node, len(grads))
                    g = grads[0]
                elif n_in == 1:  # one argument's gradient, not in a tuple (torch takes both)
                    g = grads
                else:
                    raise _wrong_gradient_count(node, 1)
            if observer is not None:
                observer.step(node, grad, grads)
            # Deliver grads[k] to node.next_entries[k], read from the node's slots (see Node) one at a
            # time rather than building the entries tuple and looping over it (see docs/performance.md).
            entry, k = node._in0, 0
            while True:
                if entry is None:
                    pass
                elif type(entry) is Node:  # (Node has no subclasses: the cheaper test)
                    if g is not None:
                        if g.shape != entry.out_shape:
                            g = sum_to_shape(g, entry.out_shape)
                        if g.dtype is not entry.out_dtype and g.dtype != entry.out_dtype:
                            g = _cast(g, entry.out_dtype)
                    uses = entry._uses
                    if uses == single:  # its only consumer: this delivery makes it ready
                        if k + 1 == node._n_walk:
                            # and this is the last entry: it runs next anyway (ready is a stack), so skip the stack
                            # (a chain's every step goes here)
                            follow, follow_grad = entry, g
                        else:
                            ready.append((entry, g))
                    else:
                        state = pending.pop(entry, None)
                        if state is None:  # first reached: wait for the consumers apply counted
                            if uses > 1:
                                pending[entry] = (uses - 1, g)
                                waiting += 1
                            else:  # (one consumer, while `single` sends every node here)
                                ready.append((entry, g))
                        else:
                            remaining, previous = state
                            if g is not None:
                                previous = g if previous is None else previous + g
                            if remaining == 1:
                                ready.append((entry, previous))
                                waiting -= 1
                            else:
                                pending[entry] = (remaining - 1, previous)
                elif g is not None:
                    data = entry._data
                    if g.shape != data.shape:
                        g = sum_to_shape(g, data.shape)
                    if g.dtype is not data.dtype and g.dtype != data.dtype:
                        g = _cast(g, data.dtype)
                    previous = leaf_grads.get(entry)
                    leaf_grads[entry] = g if previous is None else previous + g
                if observer is not None:
                    observer.send(node, k, entry, g)
                k += 1
                if k == node._n_walk:
                    break
                entry = node._in1 if k == 1 else node._in_more[k - 2]
                g = grads[k]
    finally:
        grad_mode.set_enabled(previous_mode)

    if observer is not None:
        observer.leaves(leaf_grads)
        return
    # Leaves last: their hooks see the total gradient, then it is added into `.grad`.
    if capture is not None:
        for leaf, grad in leaf_grads.items():
            if leaf._hooks:
                grad = _apply_hooks(leaf._hooks, grad, create_graph)
            if leaf in capture:
                capture[leaf] = grad
        return
    _accumulate_leaves(leaf_grads, create_graph)


def _wrong_gradient_count(node: Node, given: int) -> RuntimeError:
    return RuntimeError(
        f"function {node.name()} returned an incorrect number of gradients (expected {node._n_in}, got {given})"
    )


def _recount_waiting(
    root_nodes: list[Node], pending: dict[Node, tuple[int, Any]], ready: list[tuple[Node, Any]], single: int
) -> int:
    """The walk stalled: recount, for the nodes not yet run, the consumers that can still deliver.

    `pending` holds the nodes that wait; every other node this walk reached has run (nothing is ready).
    Each waiting node and everything reachable from it that has not run gets the number of edges into it
    from nodes that have not run (the deliveries still to come). Those that need none go to `ready`;
    returns how many still wait.
    """
    waiting = []
    seen = set()
    stack = list(root_nodes)
    while stack:  # find the waiting nodes: walk from the roots through the nodes that already ran
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node in pending:
            waiting.append(node)
            continue
        stack.extend(e for e in node.next_entries if type(e) is Node)
    counts = dict.fromkeys(waiting, 0)
    stack = list(waiting)
    while stack:  # count the edges out of every node that has not run
        node = stack.pop()
        for entry in node.next_entries:
            if type(entry) is Node:
                if entry in counts:
                    counts[entry] += 1
                elif entry._uses == single:
                    stack.append(entry)  # its one consumer has not run: not reached yet, and it needs no count
                else:  # not reached before: it can only wait for nodes still to run
                    counts[entry] = 1
                    stack.append(entry)
    for node, count in counts.items():
        grad = pending.pop(node, (0, None))[1]
        if count:
            pending[node] = (count, grad)
        else:
            ready.append((node, grad))
    return len(pending)


def _cast(grad: Any, dtype: np.dtype) -> Any:
    return grad.to(dtype) if isinstance(grad, Value) else grad.astype(dtype)


# Adding into `.grad` is a read-modify-write (and NumPy lets go of the GIL while it adds large arrays): two
# threads whose backward reaches one leaf would lose updates. One lock for every accumulation.
_ACCUMULATE_LOCK = threading.Lock()


def _accumulate(leaf: Value, grad: Any, create_graph: bool) -> None:
    """Add `grad` into `leaf.grad`, in place after the first time (as torch's AccumulateGrad); atomic."""
    with _ACCUMULATE_LOCK:
        _add_into_grad(leaf, grad, create_graph)


def _accumulate_leaves(leaf_grads: dict[Any, Any], create_graph: bool) -> None:
    """`_accumulate` for every leaf a walk reached, in order, each after its hooks (which see the total gradient).

    The lock is taken once for all of them, not once per leaf, and by acquire/release rather than `with`: taking
    a lock costs about as much as a small op's whole bookkeeping (docs/performance.md, "The audit of
    2026-12-05"). A hook runs with the lock released: it may call backward itself."""
    lock = _ACCUMULATE_LOCK
    lock.acquire()
    try:
        for leaf, grad in leaf_grads.items():
            if leaf._hooks:
                lock.release()
                try:
                    grad = _apply_hooks(leaf._hooks, grad, create_graph)
                finally:
                    lock.acquire()
            _add_into_grad(leaf, grad, create_graph)
    finally:
        lock.release()


def _add_into_grad(leaf: Value, grad: Any, create_graph: bool) -> None:
    """The addition itself; the caller holds _ACCUMULATE_LOCK."""
    if create_graph:
        grad = grad if isinstance(grad, Value) else Value._make_const(grad)
        leaf._grad = grad if leaf._grad is None else leaf._grad + grad
        return
    if isinstance(grad, Value):
        grad = grad._data
    existing = leaf._grad
    if existing is None:
        # Copy: the incoming array may be shared with other gradients or be a read-only view.
        leaf._grad = Value._make_const(np.array(grad, dtype=leaf._data.dtype, copy=True))
    elif existing._grad_fn is None and existing._data.flags.writeable:
        np.add(existing._data, grad, out=existing._data, casting="unsafe")
    else:
        leaf._grad = Value._make_const(existing._data + grad)


def _run_node_hooks(node: Node, grad: Any, create_graph: bool) -> Any:
    if node._pre_hooks:
        grad = _apply_hooks(node._pre_hooks, grad, create_graph)
    if node._retained is not None:
        value = node._retained()
        if value is not None:
            _accumulate(value, grad, create_graph)
    return grad


def _apply_hooks(hooks: dict[int, Any], grad: Any, create_graph: bool) -> Any:
    """Call each hook with the gradient as a Value; a hook that returns a Value replaces it."""
    as_value = isinstance(grad, Value)
    current = grad if as_value else Value._make_const(grad)
    for hook in list(hooks.values()):  # a hook may remove itself
        result = hook(current)
        if result is not None:
            if not isinstance(result, Value):
                result = Value._make_const(np.asarray(result))
            name = getattr(hook, "__name__", hook)
            if result.shape != current.shape:
                raise RuntimeError(
                    f"hook '{name}' has changed the size of value: "
                    f"expected {tuple(current.shape)}, got {tuple(result.shape)}"
                )
            if result._data.dtype != current._data.dtype:
                raise RuntimeError(
                    f"hook '{name}' has changed the type of value "
                    f"(was {tensor_type_name(current._data.dtype)} got {tensor_type_name(result._data.dtype)})"
                )
            current = result
    return current if as_value or create_graph else current._data
