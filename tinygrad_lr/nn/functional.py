"""`tinygrad_lr.nn.functional` (import as F): layers and losses as plain functions, with torch's signatures.

`linear` and `dropout` live here; the activations (`relu`, `softmax`, ...) are rows of the op table
(`tinygrad_lr/ops/activation.py`); the losses are in `loss_functions`. All are re-exported here.
"""

from __future__ import annotations

import numpy as np

from tinygrad_lr.arguments import torch_dtype_name
from tinygrad_lr.nn import fused_ops
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
from tinygrad_lr.ops import functional as _functional
from tinygrad_lr.ops import inplace as inplace_ops
from tinygrad_lr.ops.functional import *  # noqa: F403 - relu, sigmoid, softmax, ...: made from the op table
from tinygrad_lr.ops.linalg import matrix_product_dtype_error
from tinygrad_lr.random import default_generator, kernels
from tinygrad_lr.value import LEAF_INPLACE_MESSAGE, Value, require_value

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "huber_loss", "l1_loss",
    "linear", "mse_loss", "nll_loss", "smooth_l1_loss",
    *_functional.__all__,
]  # fmt: skip

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
        if bias is None:  # input @ weight.T: matmul's words
            raise matrix_product_dtype_error(x_data, w_data.T)
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


def dropout(input: Value, p: float = 0.5, training: bool = True, inplace: bool = False) -> Value:  # noqa: A002
    """During training, zero each element with probability p and scale the rest by 1 / (1 - p); else identity.

    The mask is torch's: 1 where a float64 uniform from the global generator is below 1 - p, drawn in memory
    order, divided by 1 - p in the input's dtype; after the same `manual_seed` it zeroes what torch zeroes.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    require_value(input, "dropout", "input", 1)
    if inplace and inplace_ops.records(input) and input._grad_fn is None:
        raise RuntimeError(LEAF_INPLACE_MESSAGE)  # checked first, as torch does, even when nothing changes
    if not training or p == 0.0:
        return input
    data = input._data
    if p == 1.0:
        mask = np.zeros(data.shape, dtype=data.dtype)
    else:  # torch: noise = empty_like(input).bernoulli_(1 - p); noise.div_(1 - p)
        mask = np.empty_like(data)  # same memory layout, so the draws land where torch's do
        kernels.fill(mask, kernels.bernoulli_scalar(default_generator, data.size, 1.0 - p))
        mask /= data.dtype.type(1.0 - p)
    compute = lambda x: x * Value._make_const(mask)  # noqa: E731
    return inplace_ops.apply_in_place(input, compute) if inplace else compute(input)


# ----- the rest of torch.nn.functional, each in the module of its kind -----------------------------------------------
from tinygrad_lr.nn.activation_functions import (  # noqa: E402
    celu_,
    elu_,
    hardtanh_,
    leaky_relu_,
    relu_,
    rrelu_,
    selu_,
    softmin,
    softsign,
    tanhshrink,
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

__all__ += [
    "alpha_dropout", "batch_norm", "bilinear", "celu_", "cosine_embedding_loss", "cosine_similarity", "elu_",
    "embedding", "gaussian_nll_loss", "hardtanh_", "hinge_embedding_loss", "kl_div", "layer_norm", "leaky_relu_",
    "margin_ranking_loss", "multilabel_soft_margin_loss", "normalize", "one_hot", "pad", "pairwise_distance",
    "poisson_nll_loss", "relu_", "rms_norm", "rrelu_", "selu_", "soft_margin_loss", "softmin",
    "softsign", "tanhshrink", "threshold_", "triplet_margin_loss",
]
