"""The order in which backward runs the ops of a graph: step k is the k-th op the engine runs.

The drawing numbers its boxes and edges with these steps, so a box, a line of `explain_backward` and a step of the
stepper page can be matched by number. The engine (`run_backward`) runs an op once every op that consumed its
result has delivered (Kahn's algorithm, the most recently readied op first); this computes the same order from the
graph's structure alone (no gradient is computed, nothing is changed), so it also works after backward has freed
the saved values.
"""

from __future__ import annotations

from collections.abc import Sequence

from tinygrad_lr.autograd.function import Node


def backward_order(roots: Sequence[Node]) -> list[Node]:
    """The nodes reachable from `roots`, in the order backward runs them."""
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
