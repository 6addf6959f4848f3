"""A network of one weight (lesson 003): prediction = 3 * w, target 4, starting from w = 0.5.

The lesson's error is (prediction - target)^2; its update drops the 2 of that derivative, i.e. it descends the loss
0.5 * (prediction - target)^2, whose gradient is dloss/dw = 3 * (prediction - target). The engine computes that
gradient here (loss.backward()).
  (a) fixed-step search: try w + 0.05 and w - 0.05, keep the better; 20 iterations creep up to 4;
  (b) gradient descent with learning rate 1: each step multiplies (prediction - target) by 1 - 1 * 3^2 = -8, so the
      predictions run away: 1.5, 24, -156, 1284, ...; the divergence is detected and reported;
  (c) learning rate 0.1: the factor is 1 - 0.1 * 9 = 0.1, so 1.5, 3.75, 3.975, ... reach 4.
Lines are printed as the lesson prints them (JavaScript's number format): `iteration i error: E prediction: P`.

    python examples/one_weight.py
"""

from __future__ import annotations

from decimal import Decimal

import tinygrad_lr as torch

DATA, TARGET, START = 3.0, 4.0, 0.5


def js_number(x: float) -> str:
    """`x` as JavaScript's String(x) writes it: the shortest round-trip digits, plain from 1e-6 up to 1e21."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    n = len(digits) + int(exponent)  # x = 0.digits * 10^n
    body = (
        digits + "0" * (n - len(digits)) if len(digits) <= n <= 21
        else digits[:n] + "." + digits[n:] if 0 < n <= 21
        else "0." + "0" * -n + digits if -6 < n <= 0
        else (digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}")
    )
    return ("-" if sign else "") + body


def log(i: int, prediction: float) -> None:
    print(f"iteration {i} error: {js_number((prediction - TARGET) ** 2)} prediction: {js_number(prediction)}")


def search(step: float = 0.05, iterations: int = 20) -> float:
    """(a) Move w by a fixed step in whichever direction gives the smaller error."""
    weight = START
    for i in range(1, iterations + 1):
        log(i, DATA * weight)
        up, down = (DATA * (weight + step) - TARGET) ** 2, (DATA * (weight - step) - TARGET) ** 2
        weight = weight + step if up < down else weight - step
    return weight


def gradient_descent(lr: float, iterations: int = 20) -> list[float]:
    """(b), (c) w -= lr * dloss/dw with the gradient from backward(); returns the predictions, and reports a
    divergence: the error growing for three steps in a row."""
    w = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    predictions: list[float] = []
    errors: list[float] = []
    for i in range(1, iterations + 1):
        prediction = w * DATA
        loss = 0.5 * (prediction - TARGET) ** 2
        loss.backward()  # w.grad = (prediction - target) * 3
        predictions.append(prediction.item())
        errors.append((prediction.item() - TARGET) ** 2)
        log(i, prediction.item())
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
    growing = [i for i in range(1, len(errors)) if errors[i] > errors[i - 1]]
    if len(growing) >= 3 and growing[:3] == list(range(growing[0], growing[0] + 3)):
        factor = abs(1 - lr * DATA**2)
        print(
            f"diverged: the error grows from iteration {growing[0] + 1} on ({js_number(errors[growing[0] - 1])} -> "
            f"{js_number(errors[growing[0]])}), {factor**2:g}x per step, because each step multiplies "
            f"(prediction - target) by 1 - lr * {DATA:g}^2 = {1 - lr * DATA**2:g}; a rate below 2 / {DATA**2:g} = "
            f"{2 / DATA**2:.3g} converges: try lr = {lr / 10:g}"
        )
    else:
        print(f"converged: prediction {js_number(predictions[-1])}, target {js_number(TARGET)}")
    return predictions


def main() -> int:
    print("(a) fixed-step search, step 0.05")
    search()
    print("(b) gradient descent, learning rate 1")
    gradient_descent(lr=1.0)
    print("(c) gradient descent, learning rate 0.1")
    gradient_descent(lr=0.1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
