"""Shared test helpers. In CI (CI=true) a missing torch or Graphviz `dot` fails the run instead of skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_torch() -> Any:
    """Import torch for a parity test: skip without it locally, fail without it in CI."""
    if IN_CI:
        import torch  # noqa: F401  (an ImportError here fails the test, as CI demands)

        return torch
    return pytest.importorskip("torch")


def require_dot() -> str:
    """Path of Graphviz's `dot`: skip without it locally, fail without it in CI."""
    path = shutil.which("dot")
    if path is None:
        if IN_CI:
            pytest.fail("Graphviz `dot` is not installed, and CI requires it")
        pytest.skip("Graphviz `dot` is not installed")
    return path


def assert_same_error(theirs: Callable[[], Any], ours: Callable[[], Any], exact: bool = True) -> None:
    """`theirs()` (torch) raises; `ours()` must raise the same exception type with the same message
    (or, with `exact=False`, a message that starts with torch's)."""
    with pytest.raises(Exception) as expected:
        theirs()
    with pytest.raises(type(expected.value)) as got:
        ours()
    if exact:
        assert str(got.value) == str(expected.value)
    else:
        assert str(got.value).startswith(str(expected.value))


def graph_nodes(*outputs: Any) -> list[Any]:
    """Every Node reachable from the outputs' grad_fns, each once (an iterative walk: deep graphs are fine)."""
    from tinygrad_lr.autograd.function import Node

    nodes: list[Any] = []
    seen: set[int] = set()
    stack = [out.grad_fn for out in outputs if out.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.extend(e for e in node.next_entries if isinstance(e, Node))
    return nodes


@pytest.fixture
def torch() -> Any:
    return require_torch()
