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
m.tril_()
m.triu_(1)
s.addmm_(m, m, beta=0.5)
a.squeeze_()
a.unsqueeze_(1)
a.t_()
a.transpose_(0, 1)
x3.swapaxes_(0, 2)
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
t.scatter(a, 1, idx, v)
t.scatter(a, 1, idx + 3, p)
t.scatter_add(a, 1, idx.float(), p)
t.index_select(a, 1, idx)
t.index_select(a, 1, idx[0].float())
t.index_select(a, 1, idx[0] + 5)
t.masked_select(a, i)
t.masked_select(a, bo[:, :2])
t.masked_fill(a, i, 1.0)
t.masked_fill(a, bo, p)
t.masked_fill(a, bo[:, :2], 1.0)
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
""".split()

ADDED_LINALG = """
LinAlgError cholesky det eigh eigvalsh inv lstsq matmul matrix_norm norm pinv qr solve svd svdvals vector_norm
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
                                       "Vh", "Q", "R", "solution", "residuals", "rank", "singular_values")
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
