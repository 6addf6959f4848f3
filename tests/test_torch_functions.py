"""Every name issue 12 section 2 added (torch functions, Tensor methods and their in-place variants, torch.linalg)
called as a script calls it, in torch and in tinygrad_lr on the same inputs.

A call is one line of Python in `t` (the library) and named inputs (INPUTS, made a tensor by each library), so
the tables read as the scripts they stand for. For each call both libraries must agree on:
- the result: its kind (tensor, tuple/list of them, named result, Size, number, bool), shape, dtype and values
  (float64 to 1e-12, float32 to 1e-6; integers and bools exactly);
- the warnings raised (category and text);
- for a bad call (ERRORS): the exception's type and torch's exact words;
- for an in-place variant (IN_PLACE): the same object returned, holding torch's values.
Gradients of the differentiable ones are compared on hypothesis shapes in tests/op_cases.py.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg

_rng = np.random.default_rng(7)
_square = _rng.standard_normal((3, 3))

INPUTS: dict[str, np.ndarray] = {
    "a": np.array([[0.3, -0.7, 0.5], [0.9, -0.2, 0.1]]),  # in (-1, 1): asin, acos
    "p": np.array([[0.5, 1.5, 2.0], [3.0, 0.25, 4.0]]),  # positive: logs, roots
    "f": np.array([[0.3, -0.7, 0.5], [0.9, -0.2, 0.1]], dtype=np.float32),
    "i": np.array([[3, -7, 5], [2, 0, -4]]),
    "bo": np.array([[True, False, True], [False, False, True]]),
    "v": np.array([0.4, -1.2, 2.5, 0.0, -3.5]),
    "h": np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 2.25]),  # halves: round half to even
    "n": np.array([np.nan, np.inf, -np.inf, 1.0]),
    "u": np.array([3, 1, 2, 3, 1, 5]),
    "ui": np.array([[1, 2], [0, 1], [1, 2]]),
    "s": _square @ _square.T + 3 * np.eye(3),  # symmetric positive-definite
    "m": np.array([[2.0, -1.0, 0.5], [1.0, 3.0, -2.0], [0.0, 1.5, 1.0]]),
    "r": np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0], [2.0, 2.0]]),  # full column rank
    "rb": np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 3.0], [0.5, 0.5]]),
    "x3": _rng.standard_normal((2, 2, 3)),
    "w3": _rng.standard_normal((2, 3, 2)),
    "idx": np.array([[0, 2, 1], [1, 1, 0]]),
    "ii": np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
}


def _lines(text: str) -> list[str]:
    return [line for line in text.strip().splitlines() if not line.startswith("#")]


CALLS = _lines(r"""
# transcendental functions (integers become the default float dtype)
t.exp2(a)
t.exp2(i)
a.exp2()
f.exp2()
t.expm1(a)
a.expm1()
t.log2(p)
p.log2()
t.log2(i.abs() + 1)
t.log10(p)
p.log10()
t.tan(a)
a.tan()
t.sinh(a)
a.sinh()
t.cosh(a)
a.cosh()
t.asin(a)
a.asin()
t.arcsin(a)
a.arcsin()
t.acos(a)
a.acos()
t.arccos(f)
a.arccos()
t.atan(a)
a.atan()
t.arctan(i)
a.arctan()
t.atan2(a, p)
a.atan2(p)
t.arctan2(i, p)
a.arctan2(p)
t.atan2(i, i)
t.erf(a)
a.erf()
t.erf(f)
# rounding, remainders, division with a rounding mode, lerp, nan_to_num
t.round(h)
h.round()
t.round(h, decimals=1)
t.round(i)
t.floor(h)
h.floor()
t.floor(i)
t.ceil(h)
h.ceil()
t.trunc(h)
h.trunc()
t.fix(h)
h.fix()
t.frac(h)
h.frac()
t.sign(v)
v.sign()
t.sign(i)
t.sign(bo)
t.fmod(i, 3)
t.fmod(a, 0.4)
a.fmod(0.4)
t.fmod(-i, p)
t.remainder(i, 3)
t.remainder(a, -0.4)
a.remainder(p)
t.remainder(-7, i + 10)
a % 0.3
t.lerp(a, p, 0.3)
a.lerp(p, 0.75)
t.lerp(a, p, f.double().abs())
t.nan_to_num(n)
n.nan_to_num(nan=1.5, posinf=9.0, neginf=-9.0)
t.nan_to_num(n.float())
t.reciprocal(p)
t.reciprocal(i)
t.rsqrt(p)
t.true_divide(i, 2)
a.true_divide(p)
t.divide(a, p)
t.divide(i, 4, rounding_mode="floor")
t.divide(-i, 4, rounding_mode="trunc")
t.floor_divide(i, 3)
i.floor_divide(-3)
t.floor_divide(a, 0.3)
# reductions and scans
t.prod(p)
p.prod(1)
p.prod(0, keepdim=True)
t.prod(i)
t.prod(bo, 1)
t.prod(p, 1, dtype=t.float32)
t.cumsum(a, 1)
a.cumsum(0)
t.cumsum(i, 0)
t.cumsum(bo, dim=1)
t.cumsum(a, 1, dtype=t.float32)
t.cumprod(p, 1)
p.cumprod(dim=-1)
t.cumprod(i, 0)
t.logsumexp(a, 1)
a.logsumexp(0, keepdim=True)
t.logsumexp(a, (0, 1))
t.median(v)
v.median()
t.median(a, 1)
a.median(dim=0, keepdim=True)
t.median(i, 1)
t.var_mean(a, 1)
t.var_mean(a, 0, correction=0, keepdim=True)
t.std_mean(a)
t.std_mean(a, dim=1, unbiased=False)
# sorting
t.sort(v)
v.sort(descending=True)
t.sort(a, dim=0)
t.sort(i, 1, True)
t.argsort(v)
v.argsort(descending=True)
t.argsort(a, dim=0)
t.topk(v, 2)
v.topk(3, largest=False)
t.topk(a, 1, dim=0)
t.unique(u)
t.unique(u, return_counts=True)
t.unique(u, return_inverse=True)
t.unique(u, return_inverse=True, return_counts=True)
u.unique(sorted=True)
t.unique(ui, dim=0)
# contractions and distances
t.bmm(x3, w3)
x3.bmm(w3)
t.einsum("ij,jk->ik", a, a.t())
t.einsum("ii", s)
t.einsum("bij,bjk->bik", x3, w3)
t.einsum("i,j->ij", v, v)
t.einsum("...j,j->...", a, p[0])
t.einsum("ij->", a)
t.einsum("ij,ij->i", [a, p])
t.addmm(s, m, s)
s.addmm(m, s, beta=0.5, alpha=2)
t.addmm(v[:3], m, s)
t.cdist(a, p)
t.cdist(a, p, p=1)
t.cdist(x3, x3)
t.cdist(a, p, p=0)
# differences, triangles, diagonals, broadcasting, joining, rearranging
t.diff(v)
v.diff(n=2)
t.diff(a, dim=0)
t.diff(a, prepend=p)
t.diff(a, append=p[:, :1])
t.trace(m)
m.trace()
t.trace(ii)
t.tril(m)
m.tril(-1)
t.triu(m, 1)
m.triu()
t.tril(x3)
t.diag(v)
t.diag(v, 1)
t.diag(m)
m.diag(-1)
t.broadcast_to(v[:3], (2, 3))
v[:3].broadcast_to((4, 3))
t.broadcast_to(a, (-1, 3))
t.broadcast_tensors(a, v[:3], p[:1])
t.broadcast_shapes((2, 1), (3,), (1, 1, 1))
t.meshgrid(v[:2], v[:3], indexing="ij")
t.meshgrid(v[:2], v[:3], indexing="xy")
t.hstack([a, p])
t.hstack((v, v))
t.vstack([a, p])
t.vstack([v, v])
t.column_stack([v, v])
t.column_stack([a.t(), v[:3]])
t.flip(a, (0,))
a.flip(1)
t.flip(a, [0, 1])
t.fliplr(a)
a.flipud()
t.flipud(a)
a.fliplr()
t.roll(v, 2)
t.roll(a, 1, 1)
a.roll((1, -1), (0, 1))
t.roll(a, -4)
t.repeat_interleave(v, 2)
t.repeat_interleave(a, 2, dim=0)
t.repeat_interleave(i[1].abs())
t.tile(v, (2,))
a.tile((2, 1))
t.tile(a, (2,))
t.tile(v, (2, 2))
t.narrow(a, 1, 1, 2)
a.narrow(0, -1, 1)
t.unbind(a)
a.unbind(1)
# gathering, scattering, masks
t.gather(a, 1, idx)
t.gather(i, 1, idx[:, :2])
t.scatter(a, 1, idx[:, :2], p)
t.scatter(a, 1, idx[:, :1], 9.0)
t.scatter_add(a, 1, idx, p)
a.scatter_add(1, idx, p)
a.gather(1, idx)
a.scatter(1, idx, p)
t.index_select(a, 1, idx[0])
a.index_select(0, idx[1])
t.index_select(v, 0, idx[0])
t.masked_select(a, bo)
a.masked_select(bo[0])
t.masked_fill(a, bo, -1.0)
a.masked_fill(bo[1], 5)
t.masked_fill(i, bo, 2.7)
t.masked_fill(a, bo, t.tensor(3.5, dtype=t.float64))
# slices at listed positions, take, scatter_reduce; counting and binning
t.index_add(a, 1, idx[0, :2], p[:, :2])
a.index_add(0, idx[1], t.ones(3, 3, dtype=t.float64), alpha=-2)
t.index_add(i, 1, idx[0], i * 2, alpha=3)
a.index_copy(1, idx[0], p)
t.index_copy(i, 0, idx[1, 2:], i[:1])
a.index_fill(1, idx[1], -1.0)
t.index_fill(i, 1, idx[0, :1] - 1, 2.7)
a.index_fill(0, idx[1, :1], t.tensor(4.5, dtype=t.float64))
t.take(a, idx)
a.take(idx - 3)
v.take(idx[0])
t.take_along_dim(a, idx, 1)
a.take_along_dim(idx[:, :1] % 2, 0)
t.take_along_dim(a, idx)
t.take_along_dim(x3, idx[:, :1].reshape(2, 1, 1), 2)
t.scatter_reduce(a, 1, idx, p, "sum")
a.scatter_reduce(1, idx, p, "prod", include_self=False)
a.scatter_reduce(0, idx % 2, p, "mean")
t.scatter_reduce(i, 1, idx, i * 3, "mean", include_self=False)
a.scatter_reduce(1, idx, p, "amax")
t.scatter_reduce(a, 1, idx[:, :2], p, reduce="amin", include_self=False)
t.bincount(u)
u.bincount(minlength=8)
t.bincount(u, weights=p.reshape(-1))
u.bincount(f.reshape(-1))
u.bincount(u)
t.histc(a, bins=4)
f.histc(5, min=-1, max=1)
t.histc(p, bins=3, min=0.5, max=3.5)
t.bucketize(a, p[0])
t.bucketize(i, p[0], right=True, out_int32=True)
t.bucketize(1.5, p[0])
t.searchsorted(p[0], a)
t.searchsorted(p[0], v, right=True)
t.searchsorted(p[0], v, side="right", out_int32=True)
t.searchsorted(p.sort().values, a)
t.searchsorted(v, 0.4, sorter=v.argsort())
# tests of elements, logic, equality
t.nonzero(i)
v.nonzero()
t.nonzero(i, as_tuple=True)
t.nonzero(bo)
t.count_nonzero(i)
i.count_nonzero(dim=1)
t.count_nonzero(a, (0, 1))
t.any(bo)
bo.any(1)
t.any(i, dim=0, keepdim=True)
t.all(bo)
bo.all(dim=0)
t.all(a)
t.isnan(n)
n.isnan()
t.isinf(n)
n.isinf()
t.isfinite(n)
n.isfinite()
t.isfinite(i)
t.logical_and(bo, i)
bo.logical_and(a)
i.logical_or(bo)
t.logical_not(i)
a.logical_not()
t.logical_xor(bo, i)
bo.logical_xor(a)
t.bitwise_xor(bo, bo[0])
i.bitwise_xor(3)
bo ^ bo[1]
i ^ i.t()[0].reshape(2, 1)
t.equal(a, a.clone())
a.equal(p)
t.equal(a, a[:1])
t.allclose(a, a + 1e-9)
a.allclose(p)
# factories, matrices, torch.linalg
t.detach(a)
t.empty_like(a).shape
t.empty_like(i, dtype=t.float32).dtype
t.logspace(0, 2, 5)
t.logspace(-1, 1, 3, base=2.0)
t.logspace(0, 1, 4, dtype=t.float64)
t.inverse(m)
m.inverse()
t.pinverse(r)
r.pinverse()
t.det(m)
m.det()
t.det(x3[:, :, :2])
s.cholesky()
t.linalg.inv(m)
t.linalg.inv(x3[:, :, :2])
t.linalg.det(s)
t.linalg.solve(m, v[:3])
t.linalg.solve(m, s)
t.linalg.pinv(r)
t.linalg.lstsq(r, rb).solution
t.linalg.lstsq(r, rb[:, 0]).solution
t.linalg.cholesky(s)
t.linalg.cholesky(s, upper=True)
t.linalg.eigh(s)
t.linalg.eigvalsh(s)
t.linalg.svd(r, full_matrices=False)
t.linalg.svdvals(r)
t.linalg.qr(r)
t.linalg.qr(r, mode="complete")
t.linalg.qr(r, mode="r").R
t.linalg.norm(a)
t.linalg.norm(v, 1)
t.linalg.norm(m, "fro")
t.linalg.norm(m, "nuc")
t.linalg.norm(m, 2)
t.linalg.norm(a, dim=1)
t.linalg.vector_norm(a)
t.linalg.vector_norm(a, ord=float("inf"))
t.linalg.vector_norm(a, 3, dim=0, keepdim=True)
t.linalg.vector_norm(a, 0)
t.linalg.vector_norm(a, -1)
t.linalg.matrix_norm(m)
t.linalg.matrix_norm(m, ord=1)
t.linalg.matrix_norm(m, ord=-2)
t.linalg.matrix_norm(x3[:, :, :2], ord="nuc")
t.linalg.matmul(a, s)
t.norm(a)
a.norm(1)
t.norm(a, dim=1)
t.norm(m, "fro")
# Tensor methods without an op: memory facts, new_* factories, sum_to_size, `in`
a.half()
a.half().dtype
a.ndimension()
a.nelement()
a.element_size()
i.element_size()
a.half().element_size()
a.itemsize
bo.nbytes
f.nbytes
a.stride()
a.t().stride()
a.stride(1)
a.is_contiguous()
a.t().is_contiguous()
a.new_ones(2)
a.new_ones((2, 3), dtype=t.int32)
i.new_zeros(3)
a.new_full((2,), 7)
i.new_full((2, 2), 1.5)
a.new_tensor([1, 2])
i.new_tensor([1.5, 2.5])
a.new_empty((2, 1)).shape
a.sum_to_size(1, 3)
a.sum_to_size(2, 1)
x3.sum_to_size(3)
2.5 in h
-2.5 in h
t.tensor(0.3, dtype=t.float64) in a
# division rounding modes, einsum broadcasting, meshgrid default, out=
t.div(a, p, rounding_mode="floor")
t.div(i, -3, rounding_mode="trunc")
a.div(0.3, rounding_mode="trunc")
i.divide(p, rounding_mode="floor")
t.divide(i, 4)
t.einsum("ij,ij->i", a, a[:1])
t.gather(a, 1, idx.int())
t.meshgrid(v[:2], v[:3])
t.add(a, p, out=t.empty_like(a))
t.sub(a, p, alpha=2, out=t.zeros(2, 3, dtype=t.float64))
t.mul(a, 2, out=t.zeros(2, 3, dtype=t.float64))
t.div(a, p, out=t.zeros(2, 3, dtype=t.float64))
t.pow(p, 2, out=t.zeros(2, 3, dtype=t.float64))
t.matmul(a, s, out=t.zeros(2, 3, dtype=t.float64))
t.mm(a, s, out=t.zeros(2, 3, dtype=t.float64))
t.cat([a, p], out=t.zeros(4, 3, dtype=t.float64))
t.stack([a, p], out=t.zeros(2, 2, 3, dtype=t.float64))
t.exp2(a, out=t.zeros(2, 3, dtype=t.float64))
t.cumsum(a, 1, out=t.zeros(2, 3, dtype=t.float64))
t.add(a, p, out=t.zeros(2, 6, dtype=t.float64))
t.add(a, p, out=t.zeros(0, dtype=t.float64))
t.add(i, 1, out=t.zeros(2, 3, dtype=t.float64))
# rearranging, products, index helpers and functions of matrices (branch ops-shape)
t.movedim(x3, 0, 2)
x3.movedim((0, 1), (2, 0))
t.moveaxis(x3, -1, 0)
x3.moveaxis(0, 1)
x3.unflatten(2, (3, 1))
t.unflatten(a, -1, (-1, 3))
x3.ravel()
t.ravel(a.t())
t.ravel(t.tensor(2.0))
t.tensor_split(v, 3)
v.tensor_split([1, 4])
t.tensor_split(x3, (1,), 2)
a.tensor_split(t.tensor([1, -1]), 1)
a.tensor_split(t.tensor(2), dim=1)
t.tensor_split(v, [-1, 2])
t.tensor_split(v, 7)
t.hsplit(a, 3)
a.hsplit([1])
t.hsplit(v, 5)
t.vsplit(a, 2)
x3.vsplit([1])
t.dsplit(x3, 3)
x3.dsplit([1, 2])
t.dstack([a, p])
t.dstack([v, v])
t.dstack([t.tensor(1.0), t.tensor(2.0)])
t.dstack([x3, x3])
t.dstack([i, a])
t.row_stack([a, v[:3]])
t.atleast_1d(t.tensor(1.0))
t.atleast_1d(a)
t.atleast_1d(t.tensor(1.0), v)
t.atleast_1d([t.tensor(1.0), v])
t.atleast_1d()
t.atleast_2d(v)
t.atleast_2d(t.tensor(1.0), v, a)
t.atleast_2d((t.tensor(1.0),))
t.atleast_3d(v)
t.atleast_3d(a)
t.atleast_3d(t.tensor(2.0))
t.atleast_3d(x3)
t.swapaxes(x3, 0, 2)
t.swapdims(a, 0, 1)
x3.swapdims(1, -1)
t.rot90(a)
a.rot90(2)
x3.rot90(-1, (0, 2))
t.rot90(x3, 3, [2, 1])
t.rot90(x3, 5, (0, -1))
m.rot90(0)
t.diagonal(m)
m.diagonal(1)
t.diagonal(x3, -1, 1, 2)
x3.diagonal(0, 2, 0)
x3.diagonal(offset=1, dim1=-1, dim2=0)
a.diagonal(5)
t.diag_embed(a)
a.diag_embed(1)
t.diag_embed(a, -1, 0, 2)
v.diag_embed(dim1=1, dim2=0)
t.diag_embed(i, 2)
t.diagflat(a)
a.diagflat(-2)
t.diagflat(t.tensor(3.0))
t.diag(v, 1)
t.diag(m, -1)
t.block_diag(a, v, t.tensor(7.0))
t.block_diag(i, f)
t.block_diag()
t.block_diag(t.zeros(0, 2), t.ones(2, 0))
t.kron(a, m)
a.kron(v)
t.kron(t.tensor(2.0), v)
t.kron(i, p)
t.kron(x3, a)
t.inner(a, m)
v.inner(v)
t.inner(t.tensor(2.0), a)
t.inner(x3, a)
t.tensordot(x3, w3)
t.tensordot(x3, m, dims=1)
t.tensordot(a, p, dims=0)
t.tensordot(x3, w3, dims=([1, 2], [2, 1]))
t.tensordot(x3, w3, dims=t.tensor([[2], [1]]))
t.tensordot(i, ii, 1)
t.cross(m, s, dim=0)
m.cross(s, 1)
t.cross(m[:1], s, dim=-1)
t.linalg.cross(m, s)
t.linalg.cross(x3, x3.flip(0), dim=2)
t.cross(ii, ii.flip(0), dim=1)
t.cartesian_prod(v[:2], v[:3])
t.cartesian_prod(v)
t.cartesian_prod(v[:2], v[:1], v[:2])
t.cartesian_prod(i[0], i[1])
t.kron(a, v, out=t.zeros(2, 15, dtype=t.float64))
t.inner(a, p, out=t.zeros(2, 2, dtype=t.float64))
t.tensordot(a, p, ([1], [1]), out=t.zeros(2, 2, dtype=t.float64))
t.linalg.cross(m, s, out=t.zeros(3, 3, dtype=t.float64))
t.cross(m, s, dim=0, out=t.zeros(3, 3, dtype=t.float64))
t.tril_indices(3, 4)
t.tril_indices(3, 4, -1, dtype=t.int32)
t.triu_indices(3, 4, 1)
t.triu_indices(4, 3, -2)
t.tril_indices(0, 3)
t.triu_indices(3, 3, 5)
t.logdet(s)
m.logdet()
t.logdet(-s)
t.logdet(t.zeros(2, 2, dtype=t.float64))
t.logdet(x3[:, :, :2])
t.logdet(f[:, :2])
t.slogdet(m)
m.slogdet()
t.linalg.slogdet(t.stack([m, -s]))
t.linalg.slogdet(t.zeros(2, 2))
t.linalg.slogdet(t.zeros(0, 0))
t.linalg.slogdet(f[:, :2])
t.linalg.matrix_power(m, 0)
t.linalg.matrix_power(m, 1)
t.linalg.matrix_power(m, 3)
t.linalg.matrix_power(x3[:, :, :2], 6)
t.linalg.matrix_power(x3[:, :, :2], 0)
m.matrix_power(-1)
t.matrix_power(s, -3)
ii.matrix_power(2)
ii.matrix_power(0)
t.cov(a)
a.cov(correction=0)
t.cov(v)
t.cov(i)
t.cov(f)
t.cov(a, fweights=t.tensor([1, 2, 3]))
t.cov(a, aweights=p[0])
t.cov(a, fweights=t.tensor([1, 0, 2]), aweights=p[1].float(), correction=2)
t.cov(a, aweights=p[0], correction=0)
t.cov(a[:, :1])
t.cov(t.tensor(2.0))
t.corrcoef(a)
a.t().corrcoef()
t.corrcoef(i)
t.corrcoef(v)
t.corrcoef(t.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]))
t.trapezoid(a)
t.trapezoid(a, dx=0.5)
t.trapezoid(a, p[0])
t.trapezoid(a, p)
t.trapezoid(a, x=v[:2], dim=0)
t.trapezoid(a, p[:1])
t.trapezoid(i)
t.trapezoid(i, dx=2)
t.trapezoid(i, i)
t.trapezoid(f, p[0])
t.trapezoid(a[:, :0])
t.trapezoid(a[:, :1])
t.trapz(a)
t.trapz(a, p[0])
t.trapz(a, dx=2.0, dim=0)
""")

IN_PLACE = _lines(r"""
a.exp2_()
a.expm1_()
p.log2_()
p.log10_()
a.tan_()
a.sinh_()
a.cosh_()
a.asin_()
a.arcsin_()
a.acos_()
a.arccos_()
a.atan_()
a.arctan_()
a.atan2_(p)
a.arctan2_(p)
a.erf_()
p.reciprocal_()
p.rsqrt_()
h.round_()
h.round_(decimals=1)
h.floor_()
h.ceil_()
h.trunc_()
h.fix_()
h.frac_()
v.sign_()
a.fmod_(0.4)
a.remainder_(p)
a.lerp_(p, 0.25)
n.nan_to_num_()
a.neg_()
a.negative_()
p.pow_(2)
a.square_()
a.clip_(-0.5, 0.5)
a.cumsum_(1)
p.cumprod_(0)
a.masked_fill_(bo, 7.0)
a.scatter_(1, idx[:, :2], p)
a.scatter_add_(1, idx, p)
a.index_add_(1, idx[0], p, alpha=0.5)
a.index_copy_(0, idx[0, 2:], p[:1])
a.index_fill_(1, idx[1], 0.25)
a.scatter_reduce_(1, idx, p, "amax", include_self=False)
i.scatter_reduce_(1, idx, i * 2, "sum")
m.tril_()
m.triu_(1)
s.addmm_(m, m, beta=0.5)
a.squeeze_()
a.unsqueeze_(1)
a.t_()
a.transpose_(0, 1)
x3.swapaxes_(0, 2)
x3.swapdims_(0, 2)
a.lt_(0.2)
a.le_(p)
a.gt_(0)
a.ge_(0.3)
a.eq_(0.5)
a.ne_(0.5)
a.logical_and_(bo)
i.logical_or_(bo)
a.logical_xor_(bo)
i.logical_not_()
i.floor_divide_(3)
i.bitwise_xor_(5)
a.divide_(p)
a.div_(p, rounding_mode="floor")
i.div_(2, rounding_mode="trunc")
a.true_divide_(p)
a.multiply_(p)
a.subtract_(p)
""")

ERRORS = _lines(r"""
t.frac(i)
t.atan2(a, v)
t.fmod(i, 0)
t.remainder(i, i * 0)
t.floor_divide(i, 0)
t.div(i, 0, rounding_mode="trunc")
t.div(a, 2, rounding_mode="round")
t.bitwise_xor(a, a)
t.logical_and(a, v)
t.cumsum(a, 2)
t.cumprod(a, -3)
t.prod(a, 2)
t.logsumexp(a, 3)
t.median(a, 2)
t.sort(a, 2)
t.topk(v, 6)
t.topk(a, 1, dim=2)
t.bmm(a, a)
t.bmm(x3, w3.float())
t.bmm(x3, x3)
t.einsum("ij,jk->ik", a, a)
t.einsum("ij->ij", a, a)
t.einsum("ijk->", a)
t.addmm(v, a, p)
t.addmm(s, m, a)
t.cdist(a, v)
t.cdist(a, m[:, :2])
t.cdist(i, a)
t.diff(v, dim=1)
t.diff(a, n=-1)
t.trace(v)
t.tril(v)
t.triu(v)
t.diag(x3)
t.broadcast_to(a, (3, 3))
t.broadcast_to(a, (3,))
t.meshgrid(v, i[0])
t.meshgrid(v, v, indexing="xx")
t.hstack([])
t.vstack([a, v])
t.column_stack([a, v])
t.flip(a, (2,))
t.flip(a, (0, 0))
t.roll(a, (1, 2), (0,))
t.repeat_interleave(v, t.tensor([1, 2]))
t.repeat_interleave(v, -1)
t.repeat_interleave(v)
t.repeat_interleave(i)
t.narrow(a, 1, 5, 1)
t.narrow(a, 1, 1, 5)
t.narrow(a, 2, 0, 1)
t.unbind(a, 2)
t.gather(a, 1, idx.float())
t.gather(a, 1, idx[0])
t.gather(a, 1, idx + 3)
t.gather(a, 1, idx - 1)
a.scatter_add(1, idx - 1, p)
t.scatter(a, 1, idx, v)
t.scatter(a, 1, idx + 3, p)
t.scatter_add(a, 1, idx.float(), p)
t.index_select(a, 1, idx)
t.index_select(a, 1, idx[0].float())
t.index_select(a, 1, idx[0] + 5)
t.index_select(a, 0, idx[0] + 5)
t.index_select(v, 0, idx[0] - 1)
t.masked_select(a, i)
t.masked_select(a, bo[:, :2])
t.masked_fill(a, i, 1.0)
t.masked_fill(a, bo, p)
t.masked_fill(a, bo[:, :2], 1.0)
a.index_add(1, idx[0], p.float())
a.index_add(1, idx[0].float(), p)
a.index_add(1, idx, p)
a.index_add(1, idx[0] + 1, p)
a.index_add(1, idx[0] + 1, p, alpha=2)
x3.index_add(1, idx[0, :2] + 1, x3)
a.index_add(1, idx[0], p[:, :2])
a.index_add(0, idx[0], 5.0)
a.index_copy(1, idx[0].int(), p)
a.index_copy(1, idx[0] + 1, p)
a.index_copy(1, idx[0], p[0])
a.index_copy(1, idx[0], p[:, :2])
a.index_copy(0, idx[0], x3)
a.index_fill(1, idx[0].int(), 1.0)
a.index_fill(1, idx, 1.0)
a.index_fill(1, idx[0] - 4, 1.0)
a.index_fill(1, idx[0], v)
a.take(idx + 4)
a.take(idx.int())
t.take_along_dim(a, idx[0], 1)
t.take_along_dim(a, idx.int(), 1)
t.take_along_dim(a, idx[:, :2], 0)
t.take_along_dim(a, idx + 5)
a.scatter_reduce(1, idx, p, "maximum")
a.scatter_reduce(1, idx, p.float(), "sum")
a.scatter_reduce(1, idx - 1, p, "sum")
a.scatter_reduce(1, idx, p[:, :2], "sum")
a.scatter_reduce(1, idx[0], p, "sum")
t.bincount(a)
t.bincount(i)
t.bincount(u, minlength=-1)
t.bincount(u, v)
t.histc(i)
t.histc(a, bins=0)
t.histc(a, min=2, max=1)
t.histc(n[1:])
t.bucketize(a, p)
t.searchsorted(p, v)
t.searchsorted(p[0], v, side="up")
t.searchsorted(p[0], v, side="left", right=True)
t.searchsorted(p[0], v, sorter=idx[0, :2])
t.searchsorted(p[0], v, sorter=idx[0] + 1)
t.count_nonzero(a, 2)
t.any(a, 2)
t.all(a, dim=3)
t.equal(a, [1, 2])
t.lerp(a, i, 0.5)
t.lerp(a, p.float(), 0.5)
t.nan_to_num(n, nan="x")
t.inverse(a)
t.inverse(i)
t.linalg.inv(t.zeros(2, 2, dtype=t.float64))
t.linalg.inv(v)
t.linalg.det(a)
t.linalg.det(ii)
t.linalg.solve(m, a)
t.linalg.solve(a, v)
t.linalg.solve(t.zeros(2, 2, dtype=t.float64), v[:2])
t.linalg.cholesky(-s)
t.linalg.cholesky(a)
t.linalg.eigh(a)
t.linalg.eigh(s, UPLO="X")
t.linalg.qr(r, mode="raw")
t.linalg.svd(i)
t.linalg.lstsq(r, v)
t.linalg.lstsq(r, ii)
t.linalg.pinv(v)
t.linalg.vector_norm(i)
t.linalg.vector_norm(a, ord="fro")
t.linalg.matrix_norm(v)
t.linalg.matrix_norm(m, ord=3)
t.linalg.matrix_norm(m, ord="x")
t.linalg.norm(x3, "fro")
t.linalg.norm(a, ord=2, dim=(0, 1, 1))
t.norm(i)
t.logspace(0, 1, -1)
a.new_ones((2, -1))
a.new_full((2,), "x")
a.stride(2)
a.sum_to_size(3, 3)
a.sum_to_size(2, 3, 1)
[1, 2] in a
a.half().det()
i.exp2_()
i.floor_divide_(2.5)
i.asin_()
a.clone().unsqueeze_(4)
a.clone().squeeze_(3)
x3.clone().t_()
a.clone().transpose_(0, 2)
bo.clone().logical_and_(v)
v.clone().tril_()
i.clone().lerp_(i, 0.5)
i.clone().atan2_(i)
t.meshgrid([v[:2], i[0]], indexing="ij")
v.repeat_interleave(i[0].abs())
a.gather(0, idx)
a.scatter(0, idx[:1], p)
a.scatter_add(0, idx, p)
t.logical_or(bo, bo.t()[:2].t())
a.clone().scatter_add_(0, idx, p)
t.movedim(x3, (0, 1), (2,))
t.movedim(x3, (0, 0), (1, 2))
x3.movedim((0, 1), (1, -2))
t.movedim(x3, 3, 1)
x3.unflatten(2, (2, 2))
a.unflatten(1, ())
a.unflatten(1, (-1, 2))
a.unflatten(1, (0, -1))
t.tensor_split(v, 0)
t.tensor_split(t.tensor(1.0), 2)
t.tensor_split(a, t.tensor([1.0]), 1)
t.tensor_split(a, t.tensor([[1]]), 1)
t.tensor_split(v, 2, 1)
t.hsplit(a, 2)
t.hsplit(a, 0)
t.hsplit(t.tensor(1.0), 1)
t.vsplit(v, 1)
t.vsplit(a, 3)
t.dsplit(a, 1)
t.dsplit(x3, 2)
t.dstack([])
t.dstack([a, m])
t.row_stack([])
t.rot90(a, 1, (0, 0))
t.rot90(a, 1, (0,))
t.rot90(v)
t.rot90(x3, 1, (0, 5))
t.rot90(x3, 1, (0, -3))
m.diagonal(0, 1, 1)
m.diagonal(0, 0, -2)
v.diagonal()
t.diagonal(t.tensor(1.0))
t.diag_embed(a, 0, 0, 0)
t.diag_embed(a, 0, 0, -3)
t.diag_embed(t.tensor(1.0))
t.block_diag(x3)
t.inner(a, m[:, :2])
t.inner(i, a)
t.tensordot(x3, w3, dims=([1], [0, 1]))
t.tensordot(x3, w3, dims=([2], [2]))
t.tensordot(x3, w3, dims=-1)
t.tensordot(x3, w3, dims=4)
t.tensordot(a, i.t(), dims=1)
t.tensordot(x3, w3, dims=(2, 0))
t.cross(v, v)
t.cross(a, p, dim=0)
t.linalg.cross(r, r)
t.linalg.cross(v[:3], m)
t.cross(ii, m, dim=0)
t.linalg.cross(m, ii)
t.linalg.cross(m, x3[0])
t.cross(m, x3[0])
t.cartesian_prod(a)
t.cartesian_prod(t.tensor(1.0))
t.cartesian_prod(v, i[0])
t.cartesian_prod()
t.tril_indices(-1, 3)
t.triu_indices(3, -2)
t.triu_indices(3, 4, 1, dtype=t.float32)
t.tril_indices(3, 4, dtype=t.float64)
t.logdet(v)
t.logdet(ii)
t.logdet(a)
t.slogdet(ii)
t.linalg.slogdet(v)
t.linalg.slogdet(a)
t.linalg.matrix_power(v, 2)
t.linalg.matrix_power(a, 2)
t.matrix_power(m, 2.0)
t.linalg.matrix_power(ii, -1)
t.linalg.matrix_power(t.zeros(2, 2, dtype=t.float64), -1)
t.cov(x3)
t.cov(a, fweights=p[0])
t.cov(a, fweights=t.tensor([1, -2, 1]))
t.cov(a, aweights=-p[0])
t.cov(a, fweights=t.tensor([[1, 2, 3]]))
t.cov(a, fweights=t.tensor([1, 2]))
t.cov(a, aweights=p[0, :2])
t.cov(a, aweights=t.tensor([1, 2, 3]))
t.cov(a, fweights=t.tensor([0, 0, 0]))
t.corrcoef(x3)
t.trapezoid(a, v[:2])
t.trapezoid(a, m)
t.trapezoid(a, p[0], dx=2)
t.trapezoid(a, 2.0)
t.trapezoid(t.tensor(1.0))
t.trapz(a, v)
""")

# ----- more elementwise maths, scans and order statistics (branch ops-math) ---------------------------------------
INPUTS.update({
    "nz": np.array([[np.nan, 1.0, 2.0, np.nan], [3.0, np.nan, -1.0, 0.5]]),  # NaNs among numbers: nanmedian
    "sz": np.array([-0.0, 0.0, -1.5, 2.0]),  # signed zeros: signbit, copysign
})

CALLS += _lines(r"""
# binary and fused elementwise maths (integers and bools become the default float dtype where torch's do)
t.hypot(a, p)
a.hypot(p)
t.hypot(f, a)
t.hypot(i, f)
t.logaddexp(a, p)
a.logaddexp(f)
t.logaddexp(n, n)
t.logaddexp2(a, p)
p.logaddexp2(i.double())
t.xlogy(a, p)
t.xlogy(i, i)
t.xlogy(bo, i)
t.xlogy(2, p)
a.xlogy(3)
i.xlogy(2.5)
t.xlogy(a * 0, p * 0)
t.xlogy(a, n[:3])
t.copysign(a, -p)
t.copysign(i, -1)
a.copysign(sz[:3])
t.copysign(bo, bo)
t.float_power(a, 2)
t.float_power(i, i.abs())
t.float_power(2, p)
t.float_power(f, f)
p.float_power(-0.5)
t.addcmul(a, p, f)
t.addcmul(i, i, i, value=2)
t.addcmul(i, i, i, value=0.5)
a.addcmul(p, p, value=-1.5)
t.addcmul(i, f, i)
t.addcdiv(a, p, p, value=0.5)
t.addcdiv(i, f, p)
a.addcdiv(i, p)
t.hypot(a, p, out=t.zeros(2, 3, dtype=t.float64))
t.xlogy(a, p, out=t.zeros(2, 3, dtype=t.float64))
# unary elementwise maths and sign tests
t.sinc(a)
t.sinc(i)
t.sinc(a * 0)
a.sinc()
t.deg2rad(a)
t.deg2rad(i)
a.deg2rad()
t.rad2deg(bo)
f.rad2deg()
t.signbit(sz)
t.signbit(i)
t.signbit(bo)
n.signbit()
t.sgn(v)
t.sgn(i)
t.sgn(bo)
n.sgn()
t.clamp_min(a, 0.2)
a.clamp_min(p)
t.clamp_min(i, 0)
t.clamp_min(i, 0.5)
t.clamp_max(a, 0.2)
t.clamp_max(bo, 0)
i.clamp_max(f)
# scans and order statistics
t.cummax(a, 1)
a.cummax(0)
a.cummin(0)
t.cummax(i, 1)
t.cummin(bo, dim=0)
t.cummax(nz, 1)
t.cummin(nz, -1)
t.cummax(h, 0)
t.cummin(t.tensor(2.5), 0)
t.logcumsumexp(a, 1)
f.logcumsumexp(0)
t.logcumsumexp(n, 0)
t.kthvalue(v, 2)
a.kthvalue(1, 0)
t.kthvalue(a, 2, dim=1, keepdim=True)
t.kthvalue(i, 3)
t.kthvalue(nz, 2)
t.aminmax(a)
a.aminmax(dim=1)
t.aminmax(a, dim=0, keepdim=True)
t.aminmax(i)
t.aminmax(bo)
t.aminmax(nz, dim=1)
t.msort(a)
i.msort()
t.argwhere(i)
bo.argwhere()
t.argwhere(n)
t.nanmedian(nz)
nz.nanmedian(1)
t.nanmedian(nz, 0, keepdim=True)
t.nanmedian(v)
t.nanmedian(i, 1)
t.nanmedian(a, dim=0)
""")

IN_PLACE += _lines(r"""
a.hypot_(p)
a.xlogy_(p)
a.copysign_(-1)
a.float_power_(2)
a.addcmul_(p, p, value=0.5)
a.addcdiv_(p, p)
a.sinc_()
a.deg2rad_()
a.rad2deg_()
v.sgn_()
i.sgn_()
a.clamp_min_(0.1)
a.clamp_max_(p)
i.clamp_min_(0)
""")

ERRORS += _lines(r"""
t.hypot(i, i)
t.hypot(a, 2)
t.hypot(2, a)
a.hypot(1.5)
t.logaddexp(bo, bo)
t.logaddexp2(a, 1)
t.xlogy(2, 3)
t.copysign(2, a)
t.float_power(2, 3)
f.float_power_(2)
i.float_power_(2)
i.hypot_(a)
i.sinc_()
i.xlogy_(i)
t.addcmul(bo, bo, bo)
t.addcmul(a, a, 2)
t.addcmul(a, v, a)
t.addcdiv(a, i, i)
t.addcdiv(i, i, bo)
i.addcdiv_(a, p)
t.clamp_min(a, None)
t.clamp_max(bo, True)
i.clamp_min_(0.5)
i.clamp_max_(f)
t.cummax(a, 2)
t.cummin(t.tensor(1.0), 1)
t.logcumsumexp(i, 1)
t.logcumsumexp(a, 3)
t.kthvalue(v, 0)
t.kthvalue(v, 6)
t.kthvalue(a, 4, 1)
t.kthvalue(bo, 1)
t.kthvalue(t.zeros(2, 0), 1)
t.aminmax(t.zeros(0))
t.aminmax(t.zeros(2, 0), dim=1)
t.aminmax(a, dim=2)
t.nanmedian(bo)
t.nanmedian(t.zeros(2, 0), 1)
t.nanmedian(a, 2)
t.median(bo)
t.median(t.zeros(2, 0), 1)
""")

# gradients where torch defines them by a rule of its own (not the limit of the formula), and grad_fn names
EDGE_GRADIENTS = {
    "xlogy at x = 0": ("t.xlogy(x, y)", [0.0, 0.0, 0.0, 1.0, 2.0], [0.0, 1.0, -1.0, 0.0, -1.0]),
    "xlogy of a number": ("t.xlogy(2.0, y)", [0.0], [0.0, 1.0]),
    "sinc at 0": ("t.sinc(x)", [0.0, 1.0, 0.5, -0.25, 1e-200], [0.0]),
    "hypot at (0, 0)": ("t.hypot(x, y)", [0.0, 3.0, 0.0], [0.0, 4.0, -2.0]),
    "logaddexp at infinities": ("t.logaddexp(x, y)", [0.0, np.inf, -np.inf, 1000.0, np.inf], [0.0, np.inf, -np.inf,
                                                                                             -1000.0, 1.0]),
    "logaddexp2 at infinities": ("t.logaddexp2(x, y)", [np.inf, -np.inf, 1.0], [np.inf, -np.inf, 3.0]),
    "copysign at 0": ("t.copysign(x, y)", [0.0, 1.0, -2.0, 3.0, -0.0], [1.0, -1.0, -1.0, 0.0, -0.0]),
    "copysign by a number": ("t.copysign(x, -1.0)", [0.0, 1.0, -2.0], [0.0]),
    "float_power at 0": ("t.float_power(x, y)", [0.0, 2.0, 1.5, 0.0], [2.0, 0.5, 0.0, -1.0]),
    "float_power of a number": ("t.float_power(x, 2)", [0.0, 2.0], [0.0]),
    "addcdiv by 0": ("t.addcdiv(x, x, y, value=2)", [1.0, 2.0], [5.0, 0.0]),
    "addcmul": ("t.addcmul(x, y, y, value=-0.5)", [1.0, 2.0], [3.0, 4.0]),
    "clamp_min at its bound": ("t.clamp_min(x, y)", [1.0, 2.0, 0.0], [1.0, 1.0, 1.0]),
    "clamp_max at its bound": ("t.clamp_max(x, y)", [1.0, 2.0, 0.0], [1.0, 1.0, 1.0]),
    "clamp_min by a number": ("t.clamp_min(x, 1.0)", [1.0, 2.0, 0.0], [0.0]),
    "clamp_max by a number": ("x.clamp_max(1.0)", [1.0, 2.0, 0.0], [0.0]),
    "sgn": ("t.sgn(x)", [1.0, 0.0, -2.0], [0.0]),
    "deg2rad": ("t.deg2rad(x)", [1.0, -2.0], [0.0]),
    "rad2deg": ("x.rad2deg()", [1.0, -2.0], [0.0]),
    "cummax ties (the last position)": ("t.cummax(x, 0).values", [1.0, 3.0, 3.0, 2.0, 5.0, 5.0], [0.0]),
    "cummin ties": ("x.cummin(0).values", [3.0, 1.0, 1.0, 2.0, 0.0, 0.0], [0.0]),
    "cummax after a NaN": ("t.cummax(x, 0).values", [1.0, np.nan, 3.0, np.nan], [0.0]),
    "logcumsumexp with infinities": ("t.logcumsumexp(x, 0)", [1.0, -np.inf, 3.0, 1000.0], [0.0]),
    "logcumsumexp of -inf, inf": ("t.logcumsumexp(x, 0)", [-np.inf, -np.inf, np.inf, 1.0], [0.0]),
    "aminmax ties (shared evenly)": ("t.aminmax(x).min + 2 * t.aminmax(x).max", [3.0, 1.0, 1.0, 3.0], [0.0]),
    "aminmax along a dim": ("t.aminmax(x.reshape(2, 2), dim=1).max", [3.0, 1.0, 1.0, 3.0], [0.0]),
    "median ties (shared evenly)": ("t.median(x)", [3.0, 1.0, 1.0, 2.0], [0.0]),
    "median with NaNs (shared by them)": ("x.median()", [3.0, np.nan, 1.0, np.nan], [0.0]),
    "nanmedian ties (shared evenly)": ("t.nanmedian(x)", [3.0, np.nan, 1.0, 1.0, 2.0], [0.0]),
    "nanmedian of NaNs only": ("t.nanmedian(x)", [np.nan, np.nan], [0.0]),
    "nanmedian along a dim": ("t.nanmedian(x, 0).values", [3.0, np.nan, 1.0, 2.0], [0.0]),
    "kthvalue": ("t.kthvalue(x, 3).values", [3.0, np.nan, 1.0, 2.0], [0.0]),
    "msort": ("t.msort(x.reshape(2, 2))", [3.0, 1.0, 1.0, 3.0], [0.0]),
}


@pytest.mark.parametrize("label", list(EDGE_GRADIENTS))
def test_gradients_at_the_edges_match_torch(label: str, torch: Any) -> None:
    call, x, y = EDGE_GRADIENTS[label]
    results = []
    for library in (torch, tg):
        xs = library.tensor(x, dtype=library.float64, requires_grad=True)
        ys = library.tensor(y, dtype=library.float64, requires_grad=True)
        out = eval(call, {"t": library, "x": xs, "y": ys})
        out.sum().backward()
        grads = [None if g is None else g.numpy(**({"force": True} if library is torch else {}))  # (a ZeroTensor)
                 for g in (xs.grad, ys.grad)]
        results.append((out.grad_fn.name(), np.asarray(out.tolist()), grads))
    (their_name, their_out, their_grads), (our_name, our_out, our_grads) = results
    assert our_name == their_name
    np.testing.assert_allclose(our_out, their_out, rtol=1e-12, equal_nan=True)
    for ours, theirs in zip(our_grads, their_grads):
        assert (ours is None) == (theirs is None), label
        if ours is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-300, equal_nan=True, err_msg=label)


# ----- the names the branch added, and where each is called -----------------------------------------------------
ADDED_FUNCTIONS = """
acos addmm all any arccos arcsin arctan arctan2 argsort asin atan atan2 bitwise_xor bmm broadcast_shapes
broadcast_tensors broadcast_to cdist ceil column_stack cosh count_nonzero cumprod cumsum det detach diag diff divide
einsum empty_like equal erf exp2 expm1 fix flip fliplr flipud floor floor_divide fmod frac gather hstack index_select
inverse isfinite isinf isnan lerp linalg log10 log2 logical_and logical_not logical_or logical_xor logspace logsumexp
masked_fill masked_select median meshgrid nan_to_num narrow nonzero pinverse prod remainder repeat_interleave roll
round scatter scatter_add sign sinh sort std_mean tan tile topk trace tril triu true_divide trunc unbind unique
var_mean vstack
movedim moveaxis unflatten ravel tensor_split hsplit vsplit dsplit dstack row_stack atleast_1d atleast_2d atleast_3d
swapaxes swapdims rot90 diagonal diag_embed diagflat block_diag
kron inner tensordot cross cartesian_prod
tril_indices triu_indices
logdet slogdet matrix_power cov corrcoef trapezoid trapz
""".split()

ADDED_LINALG = """
LinAlgError cholesky det eigh eigvalsh inv lstsq matmul matrix_norm norm pinv qr solve svd svdvals vector_norm
cross
slogdet matrix_power
""".split()

ADDED_METHODS = """
__contains__ __deepcopy__ __xor__ acos acos_ addmm addmm_ all allclose any arccos arccos_ arcsin arcsin_ arctan
arctan2 arctan2_ arctan_ argsort asin asin_ atan atan2 atan2_ atan_ bitwise_xor bitwise_xor_ bmm broadcast_to ceil
ceil_ cholesky clip_ cosh cosh_ count_nonzero cumprod cumprod_ cumsum cumsum_ det diag diff divide_ element_size eq_
equal erf erf_ exp2 exp2_ expm1 expm1_ fix fix_ flip fliplr flipud floor floor_ floor_divide floor_divide_ fmod
fmod_ frac frac_ gather ge_ gt_ half index_select inverse is_contiguous isfinite isinf isnan itemsize le_ lerp lerp_
log10 log10_ log2 log2_ logical_and logical_and_ logical_not logical_not_ logical_or logical_or_ logical_xor
logical_xor_ logsumexp lt_ masked_fill masked_fill_ masked_select median multiply_ nan_to_num nan_to_num_ narrow
nbytes ndimension ne_ neg_ negative_ nelement new_empty new_full new_ones new_tensor new_zeros nonzero pinverse pow_
prod reciprocal_ remainder remainder_ repeat_interleave roll round round_ rsqrt_ scatter scatter_ scatter_add
scatter_add_ sign sign_ sinh sinh_ sort square_ squeeze_ stride subtract_ sum_to_size swapaxes_ t_ tan tan_ tile
topk trace transpose_ tril tril_ triu triu_ true_divide true_divide_ trunc trunc_ unbind unique unsqueeze_
movedim moveaxis unflatten ravel tensor_split hsplit vsplit dsplit swapdims swapdims_ rot90 diagonal diag_embed
diagflat
kron inner cross
logdet slogdet matrix_power cov corrcoef
""".split()

# and the names of the ops-index branch (slices at listed positions, scatter_reduce, counting and binning)
ADDED_FUNCTIONS += """
bincount bucketize histc index_add index_copy index_fill scatter_reduce searchsorted take take_along_dim
""".split()
ADDED_METHODS += """
bincount histc index_add index_add_ index_copy index_copy_ index_fill index_fill_ scatter_reduce scatter_reduce_
take take_along_dim
""".split()

ADDED_FUNCTIONS += """
addcdiv addcmul aminmax argwhere clamp_max clamp_min copysign cummax cummin deg2rad float_power hypot kthvalue
logaddexp logaddexp2 logcumsumexp msort nanmedian rad2deg sgn signbit sinc xlogy
""".split()

ADDED_METHODS += """
addcdiv addcdiv_ addcmul addcmul_ aminmax argwhere clamp_max clamp_max_ clamp_min clamp_min_ copysign copysign_
cummax cummin deg2rad deg2rad_ float_power float_power_ hypot hypot_ kthvalue logaddexp logaddexp2 logcumsumexp
msort nanmedian rad2deg rad2deg_ sgn sgn_ signbit sinc sinc_ xlogy xlogy_
""".split()

# how a script reaches a name that is not called by it: operators and the copy module
_SPELLED = {"__contains__": " in ", "__xor__": " ^ ", "__deepcopy__": None, "LinAlgError": None}


def _called_as_function(name: str, module: str = "t") -> bool:
    pattern = re.compile(rf"\b{re.escape(module)}\.{re.escape(name)}\b")
    return any(pattern.search(call) for call in CALLS + ERRORS)


def _called_as_method(name: str) -> bool:
    if name in _SPELLED:
        spelled = _SPELLED[name]
        return spelled is None or any(spelled in call for call in CALLS)
    pattern = re.compile(rf"(?:[)\]]|\b(?!t\b|linalg\b)[A-Za-z_]\w*)\.{re.escape(name)}\b")
    return any(pattern.search(call) for call in CALLS + IN_PLACE + ERRORS)


def test_every_added_name_is_called_here() -> None:
    assert [n for n in ADDED_FUNCTIONS if not _called_as_function(n)] == []
    assert [n for n in ADDED_LINALG if n not in _SPELLED and not _called_as_function(n, "t.linalg")] == []
    assert [n for n in ADDED_METHODS if not _called_as_method(n)] == []


def test_every_added_name_exists_in_torch_and_here() -> None:
    torch = require_torch()
    for module, names in ((torch, ADDED_FUNCTIONS), (torch.linalg, ADDED_LINALG)):
        ours = tg if module is torch else tg.linalg
        assert [n for n in names if not hasattr(module, n) or not hasattr(ours, n)] == []
    assert [n for n in ADDED_METHODS if not hasattr(torch.Tensor, n) or not hasattr(tg.Tensor, n)] == []


def test_the_name_check_sees_a_missing_call() -> None:
    assert _called_as_function("exp2") and not _called_as_function("no_such_function")
    assert _called_as_method("exp2_") and not _called_as_method("no_such_method_")
    assert not _called_as_method("linalg")  # t.linalg is the module, not a method call


# ----- comparing a result with torch's ------------------------------------------------------------------------
def _namespace(library: Any) -> dict[str, Any]:
    """Fresh tensors of INPUTS (a call may change them in place) and `t` = the library."""
    names: dict[str, Any] = {name: library.tensor(array) for name, array in INPUTS.items()}
    names["t"] = library
    return names


def describe(result: Any) -> Any:
    """A result in terms both libraries share: ('tensor', dtype, shape, array), ('tuple' or a named result's
    fields, [...]), ('Size', dims), ('dtype', name), or (type name, value) for Python numbers and bools."""
    if hasattr(result, "detach") and hasattr(result, "dtype"):
        return ("tensor", str(result.dtype), tuple(result.shape), result.detach().numpy().copy())
    if type(result).__name__ == "Size":
        return ("Size", tuple(result))
    if isinstance(result, (tuple, list)):
        fields = getattr(result, "_fields", None)
        if fields is None and hasattr(result, "n_fields"):  # torch.return_types: a structseq
            fields = tuple(f for f in ("values", "indices", "min", "max", "eigenvalues", "eigenvectors", "U", "S",
                                       "Vh", "Q", "R", "solution", "residuals", "rank", "singular_values", "sign",
                                       "logabsdet")
                           if hasattr(result, f))
        return (fields or type(result).__name__, [describe(item) for item in result])
    if type(result).__name__ == "dtype":
        return ("dtype", str(result))
    return (type(result).__name__, result)


def assert_same_result(ours: Any, theirs: Any, call: str) -> None:
    kind, expected = describe(ours), describe(theirs)
    assert kind[0] == expected[0], f"{call}: kind {kind[0]} vs torch's {expected[0]}"
    if kind[0] == "tensor":
        assert kind[1:3] == expected[1:3], f"{call}: dtype/shape {kind[1:3]} vs torch's {expected[1:3]}"
        if expected[3].dtype.kind == "f":
            tol = 1e-12 if expected[3].dtype == np.float64 else 1e-6
            np.testing.assert_allclose(kind[3], expected[3], rtol=tol, atol=tol, equal_nan=True, err_msg=call)
        else:
            np.testing.assert_array_equal(kind[3], expected[3], err_msg=call)
    elif isinstance(kind[1], list):
        assert len(kind[1]) == len(expected[1]), f"{call}: {len(kind[1])} results vs torch's {len(expected[1])}"
        for k, (o, t) in enumerate(zip(ours, theirs)):
            assert_same_result(o, t, f"{call} [{k}]")
    else:
        assert kind == expected, f"{call}: {kind} vs torch's {expected}"


def _warnings_of(run: Any) -> tuple[Any, list[tuple[str, str]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run()
    # torch's C++ warnings end with where they were raised; NumPy's floating-point notices (which the package
    # silences for itself, and "always" here brings back) are not warnings torch gives
    return result, [(w.category.__name__, str(w.message).split(" (Triggered internally at")[0]) for w in caught
                    if not (w.category is RuntimeWarning and " encountered in " in str(w.message))]


@pytest.mark.parametrize("call", CALLS)
def test_call_matches_torch(call: str, torch: Any) -> None:
    theirs, their_warnings = _warnings_of(lambda: eval(call, _namespace(torch)))
    ours, our_warnings = _warnings_of(lambda: eval(call, _namespace(tg)))
    assert_same_result(ours, theirs, call)
    assert our_warnings == their_warnings


@pytest.mark.parametrize("call", IN_PLACE)
def test_in_place_variant_changes_its_tensor_as_torch(call: str, torch: Any) -> None:
    target = call.split(".")[0]
    theirs, ours = _namespace(torch), _namespace(tg)
    assert eval(call, ours) is ours[target]
    eval(call, theirs)
    assert_same_result(ours[target], theirs[target], call)


def _type_name(error: BaseException) -> str:
    return type(error).__name__.lstrip("_")  # torch's LinAlgError class is torch._C._LinAlgError


@pytest.mark.parametrize("call", ERRORS)
def test_bad_call_raises_torchs_error(call: str, torch: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            eval(call, _namespace(torch))
        with pytest.raises(Exception) as ours:
            eval(call, _namespace(tg))
    assert (_type_name(ours.value), str(ours.value)) == (_type_name(theirs.value), str(theirs.value))
    assert isinstance(ours.value, type(theirs.value).__mro__[1] if _type_name(theirs.value) == "LinAlgError"
                      else type(theirs.value))


# ----- diagonal is a view -------------------------------------------------------------------------------------
VIEW_WRITES = [
    "d = m.diagonal(); d.fill_(2.0)",
    "d = m.diagonal(1); d.mul_(3.0)",
    "d = t.diagonal(m, -1); d[0] = 5.0",
    "d = x3.diagonal(0, 0, 2); d.zero_()",
    "d = x3.diagonal(1, 2, 1); d += 1.0",
    "d = m.diagonal(); m.fill_(4.0)",  # and a write to the tensor shows through its diagonal
]


@pytest.mark.parametrize("statements", VIEW_WRITES)
def test_a_write_through_diagonal_reaches_its_tensor_as_in_torch(statements: str, torch: Any) -> None:
    theirs, ours = _namespace(torch), _namespace(tg)
    exec(statements, theirs)
    exec(statements, ours)
    for name in ("d", "m", "x3"):
        assert_same_result(ours[name], theirs[name], f"{statements}: {name}")


# ----- torch.cross's deprecated default dim -------------------------------------------------------------------
def _torch_first_warning(call: str) -> str:
    """The text of the first warning `call` gives in a fresh torch (torch gives some once per process)."""
    script = ("import warnings, torch\nwith warnings.catch_warnings(record=True) as caught:\n"
              f"    warnings.simplefilter('always')\n    {call}\n"
              "print(str(caught[0].message).split(' (Triggered internally at')[0])")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout[:-1]


def test_cross_without_dim_warns_with_torchs_words_and_takes_the_first_dim_of_size_3(torch: Any) -> None:
    expected = _torch_first_warning("torch.cross(torch.ones(2, 3), torch.ones(2, 3))")
    for call in ("t.cross(m, s)", "t.cross(a, p)", "x3.cross(x3.flip(0))", "t.cross(a[:1], p)"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ours = eval(call, _namespace(tg))
        assert [(w.category, str(w.message)) for w in caught] == [(UserWarning, expected)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert_same_result(ours, eval(call, _namespace(torch)), call)


def _backward_of(library: Any, build: Any, create_graph: bool = False) -> None:
    x = library.tensor([1.0, 0.0, 3.0], dtype=library.float64, requires_grad=True)
    s = library.tensor([0.0, 0.0, 2.0, 5.0], dtype=library.float64, requires_grad=True)
    out = build(library, x, s)
    grads = library.autograd.grad(out.sum(), [x, s], create_graph=create_graph)
    if create_graph:
        sum(g.sum() for g in grads).backward()


# The gradients torch refuses (its rules would index out of range, or have no derivative): the same errors here
BACKWARD_ERRORS = {
    "index_fill at a negative position, a tensor value": lambda t, x, s: x.index_fill(0, t.tensor([0, -1]), s[0]),
    "index_fill at a negative position along dim 1": lambda t, x, s: x.reshape(1, 3).index_fill(1, t.tensor([-2]),
                                                                                              s[0]),
    "index_fill of a 0-d input at no position": lambda t, x, s: x[0].index_fill(0, t.tensor([], dtype=t.int64), s[0]),
    "scatter_reduce with 'max'": lambda t, x, s: x.scatter_reduce(0, t.tensor([0, 1]), s[:2], "max"),
    "scatter_reduce of a src larger than the index": lambda t, x, s: x.scatter_reduce(0, t.tensor([0, 1]), s, "sum"),
}


@pytest.mark.parametrize("name", list(BACKWARD_ERRORS))
def test_backward_torch_refuses_raises_torchs_error(name: str, torch: Any) -> None:
    with pytest.raises(Exception) as theirs:
        _backward_of(torch, BACKWARD_ERRORS[name])
    with pytest.raises(Exception) as ours:
        _backward_of(tg, BACKWARD_ERRORS[name])
    assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def test_scatter_reduce_prod_second_derivative_where_two_zeros_meet_raises_torchs_error(torch: Any) -> None:
    """Two zeros of src at one position: the first derivative is torch's, the second raises torch's error."""
    def build(t: Any, x: Any, s: Any) -> Any:
        return x.scatter_reduce(0, t.tensor([1, 1, 0, 2]), s, "prod")

    with pytest.raises(RuntimeError) as theirs:
        _backward_of(torch, build, create_graph=True)
    with pytest.raises(RuntimeError) as ours:
        _backward_of(tg, build, create_graph=True)
    assert str(ours.value) == str(theirs.value)
    _backward_of(tg, lambda t, x, s: x.scatter_reduce(0, t.tensor([1, 0, 0, 2]), s, "prod"), create_graph=True)


@pytest.mark.parametrize("call", [
    "x.index_add_(0, t.tensor([0, 2]), s[:2], alpha=2)",
    "x.index_copy_(0, t.tensor([2, 0]), s[:2])",
    "x.index_fill_(0, t.tensor([1]), s[3])",
    "x.scatter_reduce_(0, t.tensor([0, 0, 1, 1]), s, 'prod')",
    "x.scatter_add_(0, t.tensor([0, 0, 1, 1]), s)",
    "x.scatter_(0, t.tensor([2, 0, 1]), s[:3])",
    "x.masked_fill_(t.tensor([True, False, True]), s[1])",
])
def test_an_in_place_variant_given_a_source_that_requires_grad_records_it_as_torch(call: str, torch: Any) -> None:
    """Only the source requires grad: the changed Value requires it too, and its gradient reaches the source."""
    results = []
    for library in (tg, torch):
        x = library.tensor([1.0, 2.0, 3.0], dtype=library.float64)
        s = library.tensor([0.5, 2.0, -1.0, 4.0], dtype=library.float64, requires_grad=True)
        out = eval(call, {"t": library, "x": x, "s": s})
        assert out is x and x.requires_grad and x.grad_fn is not None
        (x * library.tensor([1.0, 2.0, 3.0], dtype=library.float64)).sum().backward()
        results.append((x.detach().numpy().copy(), s.grad.numpy().copy(), x.grad_fn.name()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)
    assert results[0][2] == results[1][2]


def test_linalg_errors_are_runtime_errors_catchable_as_linalg_error() -> None:
    with pytest.raises(tg.linalg.LinAlgError):
        tg.linalg.inv(tg.zeros(2, 2))
    assert issubclass(tg.linalg.LinAlgError, RuntimeError)


def test_deepcopy_keeps_a_leaf_and_refuses_a_result_as_torch(torch: Any) -> None:
    for library in (torch, tg):
        leaf = library.tensor([1.0, 2.0], requires_grad=True)
        clone = copy.deepcopy(leaf)
        assert clone is not leaf and clone.requires_grad and clone.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError) as theirs:
        copy.deepcopy(torch.tensor([1.0], requires_grad=True) * 2)
    with pytest.raises(RuntimeError, match=re.escape(str(theirs.value))):
        copy.deepcopy(tg.tensor([1.0], requires_grad=True) * 2)


# ----- the comparison can fail ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ours, theirs", [
    ("t.tensor([1.0, 2.0])", "t.tensor([1.0, 2.001])"),  # a value
    ("t.tensor([1.0, 2.0])", "t.tensor([1.0, 2.0], dtype=t.float64)"),  # a dtype
    ("t.tensor([1.0, 2.0])", "t.tensor([[1.0, 2.0]])"),  # a shape
    ("t.tensor([1, 2])", "t.tensor([1, 3])"),  # an integer
    ("t.sort(t.tensor([2.0, 1.0]))", "(t.tensor([1.0, 2.0]), t.tensor([1, 0]))"),  # a named result vs a tuple
    ("t.tensor([1.0]).shape", "(1,)"),  # a Size vs a tuple
    ("True", "1"),  # a bool vs an int
    ("[t.tensor(1.0)]", "(t.tensor(1.0),)"),  # a list vs a tuple
])
def test_the_comparison_fails_on_any_difference(ours: str, theirs: str, torch: Any) -> None:
    with pytest.raises(AssertionError):
        assert_same_result(eval(ours, _namespace(tg)), eval(theirs, _namespace(torch)), "difference")


def test_the_comparison_passes_equal_results(torch: Any) -> None:
    call = "t.sort(t.tensor([2.0, 1.0]))"
    assert_same_result(eval(call, _namespace(tg)), eval(call, _namespace(torch)), call)
