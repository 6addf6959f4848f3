"""The order in which backward runs the ops of a graph: step k is the k-th op the engine runs.

The drawing numbers its boxes and edges with these steps, so a box, a line of `explain_backward` and a step of the
stepper page can be matched by number. While the graph still holds its saved values, the order is the engine's
own, from `observe_backward` (the engine's walk, reporting instead of writing `.grad`), as explain_backward and
the stepper get it. Once backward has freed them (or for an output backward needs a `gradient=` for), the rules
can't be run again, and the order is computed from the graph's structure by the engine's rule: an op runs once
every op that consumed its result has delivered (Kahn's algorithm, the most recently readied op first). The two
agree unless an op's result was also consumed outside this graph (a side computation), which the engine waits
for until it notices the stall and recounts.
"""

from __future__ import annotations

from collections.abc import Sequence

from tinygrad_lr.autograd.function import Node
from tinygrad_lr.autograd.observe import observe_backward
from tinygrad_lr.value import Value


def backward_order(outputs: Sequence[Value]) -> list[Node]:
    """The nodes backward from `outputs` runs, in its order."""
    try:
        trace = observe_backward(outputs[0] if len(outputs) == 1 else list(outputs))
    except RuntimeError:  # saved values freed, a non-scalar output, or no graph at all
        return structural_order([out._grad_fn for out in outputs if out._grad_fn is not None])
    return [step.node for step in trace.steps]


def structural_order(roots: Sequence[Node]) -> list[Node]:
    """The engine's schedule from the graph's structure alone, counting only the consumers reachable from `roots`."""
    consumers: dict[Node, int] = {}
    stack = list(roots)
    seen = set(roots)
    while stack:
        node = stack.pop()
        for entry in node.next_entries:
            if isinstance(entry, Node):
                consumers[entry] = consumers.get(entry, 0) + 1
                if entry not in seen:
                    seen.add(entry)
                    stack.append(entry)
    order: list[Node] = []
    ready = [root for root in dict.fromkeys(roots) if not consumers.get(root)]
    while ready:
        node = ready.pop()
        order.append(node)
        for entry in node.next_entries:
            if isinstance(entry, Node):
                consumers[entry] -= 1
                if consumers[entry] == 0:
                    ready.append(entry)
    return order
