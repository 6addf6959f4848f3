"""Benchmarks of tinygrad_lr against hand-written NumPy and its peers (torch, MyGrad, HIPS autograd, micrograd).

One module per workload (W1-W4, as in docs/performance.md); `python -m benchmarks` runs them all, checks that every
engine computes the same numbers, times the engines interleaved in rounds and writes a Markdown table to
benchmarks/results/latest.md.
"""
