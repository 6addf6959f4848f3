"""`tinygrad_lr.nn.functional` (import as F): layers and losses as plain functions, with torch's signatures.

Layers (`linear`, activations, `dropout`) live here; the losses are in `loss_functions` and re-exported.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.autograd.grad_mode import STATE
from tinygrad_lr.autograd.versions import mark_modified
from tinygrad_lr.nn import fused_ops
from tinygrad_lr.nn._arguments import require_value
from tinygrad_lr.nn.loss_functions import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from tinygrad_lr.random import default_generator
from tinygrad_lr.value import LEAF_INPLACE_MESSAGE, Value

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "huber_loss", "l1_loss",
    "leaky_relu", "linear", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "smooth_l1_loss", "softmax",
    "tanh",
]

_C_TYPE_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int", "int32": "int"}


def linear(input: Value, weight: Value, bias: Value | None = None) -> Value:  # noqa: A002 - torch's name
    """input @ weight.T + bias for input (*, in_features), weight (out, in), bias (out,): one fused op.

    d input = g weight,  d weight = g^T input,  d bias = g summed over the batch.
    """
    require_value(input, "linear", "input", 1)
    require_value(weight, "linear", "weight", 2)
    x_data, w_data = input._data, weight._data
    if x_data.ndim == 0 or w_data.ndim != 2:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {x_data.ndim}D and {w_data.ndim}D"
        )
    if x_data.dtype != w_data.dtype:
        if bias is None:
            raise RuntimeError(
                "expected m1 and m2 to have the same dtype, but got: "
                f"{_C_TYPE_NAMES.get(x_data.dtype.name, x_data.dtype.name)} != "
                f"{_C_TYPE_NAMES.get(w_data.dtype.name, w_data.dtype.name)}"
            )
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {torch_dtype_name(x_data.dtype)} and "
            f"{torch_dtype_name(w_data.dtype)}"
        )
    if x_data.shape[-1] != w_data.shape[1]:
        rows = int(np.prod(x_data.shape[:-1]))
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x_data.shape[-1]} and "
            f"{w_data.shape[1]}x{w_data.shape[0]})"
        )
    if bias is not None:
        require_value(bias, "linear", "bias", 3)
        if bias._data.shape not in ((w_data.shape[0],), (1,), ()):
            raise RuntimeError(
                f"bias of shape {list(bias.shape)} does not match the {w_data.shape[0]} output features of weight "
                f"{list(weight.shape)}"
            )
    return fused_ops.Linear.apply(input, weight, bias)


def _check_inplace(input: Value, inplace: bool) -> None:
    if inplace and input._requires_grad and STATE.enabled and input._grad_fn is None:
        raise RuntimeError(LEAF_INPLACE_MESSAGE)


def _maybe_in_place(input: Value, compute: Callable[[Value], Value], inplace: bool) -> Value:  # noqa: A002
    """torch's `inplace=True`: the result goes into input's memory (recorded in the graph if input is in one).

    A view inside a graph gets a new node instead (same values and gradients as torch's in-place op).
    """
    if not inplace:
        return compute(input)
    if input._requires_grad and STATE.enabled:
        if input._data.base is not None:
            return compute(input)
        return input._record_inplace(compute, None)
    result = compute(input)
    np.copyto(input._data, result._data, casting="unsafe")
    mark_modified(input._data)
    return input


def relu(input: Value, inplace: bool = False) -> Value:  # noqa: A002
    """max(x, 0);  derivative 1 where x > 0, else 0."""
    require_value(input, "relu", "input", 1)
    _check_inplace(input, inplace)
    return _maybe_in_place(input, Value.relu, inplace)


def leaky_relu(input: Value, negative_slope: float = 0.01, inplace: bool = False) -> Value:  # noqa: A002
    """x if x > 0 else negative_slope * x;  derivative 1 where x > 0, else negative_slope."""
    require_value(input, "leaky_relu", "input", 1)
    _check_inplace(input, inplace)
    return _maybe_in_place(input, lambda x: x.leaky_relu(negative_slope), inplace)


def tanh(input: Value) -> Value:  # noqa: A002
    """tanh(x);  derivative 1 - tanh(x)^2."""
    return require_value(input, "tanh", "input", 1).tanh()


def softplus(input: Value, beta: float = 1.0, threshold: float = 20.0) -> Value:  # noqa: A002
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (torch's F.softplus)."""
    return require_value(input, "softplus", "input", 1).softplus(beta, threshold)


def sigmoid(input: Value) -> Value:  # noqa: A002
    """1 / (1 + e^-x);  derivative s (1 - s)."""
    return require_value(input, "sigmoid", "input", 1).sigmoid()


def _softmax_arguments(
    function: str, input: Any, dim: int | None, stacklevel: int, dtype: Any  # noqa: A002
) -> tuple[Value, int]:
    """What softmax and log_softmax share: the type check, torch's implicit dim (with its deprecation warning,
    `stacklevel` frames above the public function) and the cast to `dtype` before the op."""
    require_value(input, function, "input", 1)
    if dim is None:
        warnings.warn(
            f"Implicit dimension choice for {function} has been deprecated. "
            "Change the call to include dim=X as an argument.",
            UserWarning,
            stacklevel=stacklevel,
        )
        dim = 0 if input.ndim in (0, 1, 3) else 1
    if dtype is not None:
        input = input.to(dtype)
    return input, dim


def softmax(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """e^x_i / sum_j e^x_j along `dim` (shifted by the max, so large inputs are fine);  d x = s (g - sum(g s))."""
    input, dim = _softmax_arguments("softmax", input, dim, _stacklevel, dtype)
    return input.softmax(dim)


def log_softmax(input: Value, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Value:  # noqa: A002
    """x - logsumexp(x) along `dim`, computed stably;  d x = g - softmax(x) sum(g)."""
    input, dim = _softmax_arguments("log_softmax", input, dim, _stacklevel, dtype)
    return input.log_softmax(dim)


def dropout(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """During training, zero each element with probability p and scale the rest by 1 / (1 - p); else identity.

    The mask comes from the global generator, so `manual_seed` makes it repeat.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    require_value(input, "dropout", "input", 1)
    _check_inplace(input, inplace)
    if not training or p == 0.0:
        return input
    data = input._data
    if p == 1.0:
        mask = np.zeros(data.shape, dtype=data.dtype)
    else:
        keep = default_generator.uniform(0.0, 1.0, data.shape) < 1.0 - p
        mask = keep.astype(data.dtype) * data.dtype.type(1.0 / (1.0 - p))
    return _maybe_in_place(input, lambda x: x * Value._make_const(mask), inplace)


# ----- the rest of torch.nn.functional, each in its own module ----------------------------------------------------
from tinygrad_lr.nn.activation_functions import (  # noqa: E402
    celu,
    celu_,
    elu,
    elu_,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    logsigmoid,
    mish,
    prelu,
    relu6,
    rrelu,
    rrelu_,
    selu,
    selu_,
    silu,
    softmin,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from tinygrad_lr.nn.alpha_dropout import alpha_dropout  # noqa: E402
from tinygrad_lr.nn.bilinear import bilinear  # noqa: E402
from tinygrad_lr.nn.distance import cosine_similarity, normalize, pairwise_distance  # noqa: E402
from tinygrad_lr.nn.embedding_losses import (  # noqa: E402
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multilabel_soft_margin_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from tinygrad_lr.nn.likelihood_losses import gaussian_nll_loss, kl_div, poisson_nll_loss  # noqa: E402
from tinygrad_lr.nn.normalization import batch_norm, layer_norm, rms_norm  # noqa: E402
from tinygrad_lr.nn.padding import pad  # noqa: E402
from tinygrad_lr.nn.sparse import embedding, one_hot  # noqa: E402


def relu_(input: Value) -> Value:  # noqa: A002
    """relu in place: max(x, 0) written into x."""
    return relu(input, inplace=True)


def leaky_relu_(input: Value, negative_slope: float = 0.01) -> Value:  # noqa: A002
    """leaky_relu written into input."""
    return leaky_relu(input, negative_slope, inplace=True)


__all__ += [
    "alpha_dropout", "batch_norm", "bilinear", "celu", "cosine_embedding_loss", "cosine_similarity", "elu",
    "embedding", "gaussian_nll_loss", "gelu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
    "hinge_embedding_loss", "kl_div", "layer_norm", "logsigmoid", "margin_ranking_loss", "mish",
    "multilabel_soft_margin_loss", "normalize", "one_hot", "pad", "pairwise_distance", "poisson_nll_loss", "prelu",
    "relu6", "relu_", "rms_norm", "rrelu", "selu", "silu", "soft_margin_loss", "softmin", "softshrink", "softsign",
    "tanhshrink", "threshold", "triplet_margin_loss",
    "celu_", "elu_", "hardtanh_", "leaky_relu_", "rrelu_", "selu_", "threshold_",
]
