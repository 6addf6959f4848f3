"""The chain rule by hand, then by the engine (lesson 001): y = 2x + 1, loss = 0.5 * (y_pred - y)^2.

With y_pred = w*x + c the chain rule gives
    dloss/dy_pred = y_pred - y,   dy_pred/dw = x,   dy_pred/dc = 1,
so  dloss/dw = (y_pred - y) * x  and  dloss/dc = y_pred - y.

(a) Two steps from w = 5, c = 4 with learning rate 0.25, first on the point (1, 3), then on (2, 5): the engine's
    gradients (loss.backward()) beside the hand-derived ones, and the lesson's table (loss 18, then 10.125).
(b) Per-sample SGD over x = 0..9 for 50 epochs, lr 0.05, from the lesson's starting point, printing every epoch as
    the lesson does: `Epoch = i Loss = L Y = wX + c` (L the mean loss over the epoch's ten steps).

    python examples/chain_rule_by_hand.py
"""

from __future__ import annotations

import tinygrad_lr as torch


def sgd_step(w: torch.Tensor, c: torch.Tensor, x: float, y: float, lr: float) -> tuple[float, float, float]:
    """One step on (x, y): the loss, and the engine's dloss/dw, dloss/dc (checked against the hand formulas)."""
    y_pred = w * x + c
    loss = 0.5 * (y_pred - y) ** 2
    loss.backward()
    by_hand = ((y_pred.item() - y) * x, y_pred.item() - y)
    engine = (w.grad.item(), c.grad.item())
    assert engine == by_hand, f"the engine's gradients {engine} differ from the chain rule's {by_hand}"
    with torch.no_grad():
        w -= lr * w.grad
        c -= lr * c.grad
    w.grad = None
    c.grad = None
    return loss.item(), engine[0], engine[1]


def two_steps_by_hand() -> None:
    print("(a) two steps from w = 5, c = 4, lr 0.25")
    w = torch.tensor(5.0, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(4.0, dtype=torch.float64, requires_grad=True)
    print(f"{'step':>4} {'point':>7} {'w':>6} {'c':>6} {'loss':>7} {'dloss/dw':>9} {'dloss/dc':>9}")
    for step, (x, y) in enumerate([(1.0, 3.0), (2.0, 5.0)], start=1):
        before = (w.item(), c.item())
        loss, dw, dc = sgd_step(w, c, x, y, lr=0.25)
        print(f"{step:>4} {f'({x:g}, {y:g})':>7} {before[0]:>6g} {before[1]:>6g} {loss:>7g} {dw:>9g} {dc:>9g}")
    print(f"after two steps: w = {w.item():g}, c = {c.item():g}  (the lesson's table: 1.25, 1.375)")
    print("the engine's gradients equal (y_pred - y) * x and (y_pred - y) at every step")


def per_sample_sgd(w0: float = 6.436103983994634, c0: float = 8.562471646963367) -> tuple[float, float]:
    print(f"(b) per-sample SGD on y = 2x + 1, x = 0..9, lr 0.05, 50 epochs, from w = {w0!r}, c = {c0!r}")
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(c0, dtype=torch.float64, requires_grad=True)
    points = [(float(x), 2.0 * x + 1.0) for x in range(10)]
    for epoch in range(50):
        total = sum(sgd_step(w, c, x, y, lr=0.05)[0] for x, y in points)
        print(f"Epoch = {epoch} Loss = {total / len(points):.5f} Y = {w.item():.2f}X + {c.item():.2f}")
    return w.item(), c.item()


def main() -> int:
    two_steps_by_hand()
    print()
    per_sample_sgd()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
