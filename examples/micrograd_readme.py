"""micrograd's README example, line for line, on tinygrad_lr; then its graph and a narrated backward.

micrograd (github.com/karpathy/micrograd) builds this expression from two scalars and prints
g = 24.7041, dg/da = 138.8338 and dg/db = 645.5773. The same lines run here; the only change is that
leaves say they need gradients (`requires_grad=True`, as in PyTorch) and are float64, as micrograd's
Python floats are. Then the second half takes the single tanh neuron of micrograd's lecture and shows
every gradient: the graph with each value and gradient, and each step of backward.

    python examples/micrograd_readme.py                  # prints the numbers and the backward steps
    python examples/micrograd_readme.py --graph out.png  # also draws the neuron's graph (needs Graphviz)
"""

from __future__ import annotations

import argparse
import math

import tinygrad_lr as tl
from tinygrad_lr import Value
from tinygrad_lr.viz import draw_graph, explain_backward, render_graph, save_source


def readme_example() -> tuple[Value, Value, Value]:
    a = Value(-4.0, dtype=tl.float64, requires_grad=True)
    b = Value(2.0, dtype=tl.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    print(f"{g.data:.4f}")  # prints 24.7041, the outcome of this forward pass
    g.backward()
    print(f"{a.grad:.4f}")  # prints 138.8338, i.e. the numerical value of dg/da
    print(f"{b.grad:.4f}")  # prints 645.5773, i.e. the numerical value of dg/db
    return g, a, b


def neuron_example() -> tuple[Value, dict[str, Value]]:
    """o = tanh(x1 w1 + x2 w2 + b), the neuron of micrograd's lecture, with every input a leaf."""
    x1 = Value(2.0, dtype=tl.float64, requires_grad=True)
    x2 = Value(0.0, dtype=tl.float64, requires_grad=True)
    w1 = Value(-3.0, dtype=tl.float64, requires_grad=True)
    w2 = Value(1.0, dtype=tl.float64, requires_grad=True)
    b = Value(6.8813735870195432, dtype=tl.float64, requires_grad=True)  # chosen so that o = 1/sqrt(2)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    n = x1w1 + x2w2 + b
    o = n.tanh()
    names = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1*w1": x1w1, "x2*w2": x2w2, "n": n, "o": o}
    return o, names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", help="write the neuron's gradient graph here (.png, .svg or .gv)")
    args = parser.parse_args()

    print("micrograd README example:")
    readme_example()

    print("\nThe neuron o = tanh(x1*w1 + x2*w2 + b):")
    o, names = neuron_example()
    for value in ("x1*w1", "x2*w2", "n"):
        names[value].retain_grad()  # keep the gradients of intermediate results too, to see them in the graph
    print(explain_backward(o, params=names))  # computed without touching any .grad
    o.backward()
    print(f"\no = {o.item():.4f} (1/sqrt(2) = {1 / math.sqrt(2):.4f}); do/dn = 1 - o^2 = {1 - o.item() ** 2:.4f}")
    grads = ", ".join(f"{k}.grad = {names[k].grad.item():.4f}" for k in ("x1", "w1", "x2", "w2", "b"))
    print(f"after o.backward(): {grads}")

    if args.graph:
        graph = draw_graph(o, params=names)
        path = save_source(graph, args.graph) if args.graph.endswith(".gv") else render_graph(graph, args.graph)
        print(f"graph written to {path}")


if __name__ == "__main__":
    main()
