"""Numerical gradient checking: central differences in float64 against the engine's gradients."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tinygrad_lr.arguments import as_tuple
from tinygrad_lr.autograd.api import grad
from tinygrad_lr.value import Value


class GradcheckError(RuntimeError):
    """The analytical and numerical Jacobians disagree."""


def _outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Value, ...]:
    return tuple(o for o in as_tuple(fn(*inputs)) if isinstance(o, Value))


def _differentiable_outputs(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Value, ...]:
    """The outputs a gradient can flow from (not integer indices, as max(dim) also returns)."""
    return tuple(o for o in _outputs(fn, inputs) if o.requires_grad)


def numerical_jacobian(fn: Callable[..., Any], inputs: Sequence[Any], index: int, eps: float) -> list[np.ndarray]:
    """d(output_k)/d(inputs[index]) by (f(x + eps) - f(x - eps)) / (2 eps), one column per element."""
    x = inputs[index]._data
    base = _outputs(fn, inputs)
    jacobians = [np.zeros((x.size, o.numel())) for o in base]
    flat = x.reshape(-1)
    for j in range(x.size):
        original = flat[j].copy()
        flat[j] = original + eps
        plus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
        flat[j] = original - eps
        minus = [o._data.astype(np.float64).ravel() for o in _outputs(fn, inputs)]
        flat[j] = original
        for k in range(len(base)):
            jacobians[k][j] = (plus[k] - minus[k]) / (2 * eps)
    return jacobians


def analytical_jacobian(fn: Callable[..., Any], inputs: Sequence[Any], index: int) -> list[np.ndarray]:
    """d(output_k)/d(inputs[index]) by one backward pass per output element."""
    x = inputs[index]
    outputs = _outputs(fn, inputs)
    jacobians = []
    for out in outputs:
        jac = np.zeros((x.numel(), out.numel()))
        if out.requires_grad:
            for j in range(out.numel()):
                seed = np.zeros(out.numel(), dtype=out.dtype)
                seed[j] = 1
                (g,) = grad(out, x, Value(seed.reshape(out.shape)), retain_graph=True, allow_unused=True)
                if g is not None:
                    jac[:, j] = g._data.astype(np.float64).ravel()
        jacobians.append(jac)
    return jacobians


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check `fn`'s gradients against central differences for every input that requires grad.

    Passes when |analytical - numerical| <= atol + rtol * |numerical| everywhere; on failure
    raises GradcheckError naming the output, the input, the worst element and both values.
    """
    inputs = as_tuple(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Value) and x.requires_grad]
    if not checked:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have "
            "requires_grad=True."
        )
    for i in checked:
        if inputs[i].dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex.",
                UserWarning,
                stacklevel=2,
            )
    for i in checked:
        numerical = numerical_jacobian(fn, inputs, i, eps)
        analytical = analytical_jacobian(fn, inputs, i)
        for k, (num, ana) in enumerate(zip(numerical, analytical)):
            if np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                continue
            if not raise_exception:
                return False
            excess = np.abs(ana - num) - (atol + rtol * np.abs(num))
            worst = np.unravel_index(int(np.nanargmax(excess)), excess.shape)
            element = np.unravel_index(worst[0], inputs[i].shape) if inputs[i].ndim else ()
            raise GradcheckError(
                f"Jacobian mismatch for output {k} with respect to input {i},\n"
                f"worst at input element {tuple(int(e) for e in element)}, output element {int(worst[1])}: "
                f"numerical {num[worst]:.10g} vs analytical {ana[worst]:.10g}\n"
                f"numerical:{num}\nanalytical:{ana}\n"
            )
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: gradcheck of the function inputs -> d(fn . grad_outputs)/d(inputs)."""
    inputs = as_tuple(inputs)
    outputs = _differentiable_outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Value(rng.standard_normal(o.shape).astype(o.dtype), requires_grad=True) for o in outputs
        )
    grad_outputs = as_tuple(grad_outputs)

    def first_derivatives(*args: Any) -> tuple[Value, ...]:
        xs, gos = args[: len(inputs)], args[len(inputs) :]
        outs = _differentiable_outputs(fn, xs)
        wanted = [x for x in xs if isinstance(x, Value) and x.requires_grad]
        grads = grad(outs, wanted, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivatives,
        tuple(inputs) + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
