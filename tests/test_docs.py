"""The documentation site: it builds with `mkdocs build --strict`, lists every page, and every Python block in it
is checked. A plain ```python block runs (each page's blocks in order, in one fresh process, as a reader would
paste them). A block titled with a file of the repository (```python title="tinygrad_lr/ops/arithmetic.py"`) is an
excerpt of that file, shown to be read: it must parse, and the file must exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent> *)```python(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```$", re.S | re.M)
TITLE = re.compile(r'title="([^"]+)"')


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "MPLBACKEND": "Agg", "NO_MKDOCS_2_WARNING": "1"}


def fenced_blocks(page: Path) -> list[tuple[str | None, str]]:
    """(title or None, code) of each fenced ```python block of a Markdown page, in order, un-indented."""
    blocks = []
    for match in FENCE.finditer(page.read_text(encoding="utf-8")):
        indent = len(match["indent"])
        code = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
        title = TITLE.search(match["info"])
        blocks.append((title.group(1) if title else None, code))
    return blocks


def python_blocks(page: Path) -> list[str]:
    """The blocks of a page that run."""
    return [code for title, code in fenced_blocks(page) if title is None]


EXCERPTS = [(page, title, code) for page in sorted(DOCS.glob("*.md")) for title, code in fenced_blocks(page) if title]


pytestmark = pytest.mark.slow  # each page's code in a fresh Python process, and a whole site build

PAGES_WITH_CODE = sorted(p for p in DOCS.glob("*.md") if python_blocks(p))


def test_the_collector_finds_the_blocks_of_each_kind_of_page():
    assert len(PAGES_WITH_CODE) >= 7
    blocks = python_blocks(DOCS / "backprop-by-hand.md")
    assert len(blocks) == 4 and blocks[0].startswith("import tinygrad_lr as torch\n")
    assert all("```" not in block for page in PAGES_WITH_CODE for block in python_blocks(page))


def test_the_collector_reads_indented_blocks_and_excerpt_titles():
    titled = [(title, code) for title, code in fenced_blocks(DOCS / "design.md") if title]
    assert ("tinygrad_lr/ops/elementwise.py", 'log1p = unary(Log1p, inplace="log1p_")\n') in titled


@pytest.mark.parametrize("page, title, code", EXCERPTS, ids=[f"{p.name}:{t}" for p, t, _ in EXCERPTS])
def test_every_excerpt_parses_and_names_a_real_file(page: Path, title: str, code: str):
    assert (ROOT / title).is_file(), f"{page.name}: the excerpt's file {title} does not exist"
    compile(code, f"{page.name} ({title})", "exec")


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=[p.name for p in PAGES_WITH_CODE])
def test_every_python_block_of_the_page_runs(page: Path, tmp_path: Path):
    # one script with a marker between blocks, so a failure names its block
    script = "\n".join(f"# --- {page.name}, python block {i + 1}\n{block}" for i, block in
                       enumerate(python_blocks(page)))
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env=_env(), timeout=300)
    assert result.returncode == 0, f"{page.name}:\n{result.stderr}"


def test_every_page_is_in_the_site_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w-]+\.md)\s*$", config, re.M))
    assert listed == {p.name for p in DOCS.glob("*.md")}


def test_site_builds_strict_with_the_api_reference(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=600)
    assert result.returncode == 0, result.stderr
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    assert "Ordinary least squares" in api and "against central differences" in api  # least_squares, gradcheck
    assert (tmp_path / "site" / "images" / "demo_graph.png").exists()
    for page in ("getting-started", "backprop-by-hand", "linear-regression-three-ways", "seeing-gradients",
                 "coming-from-pytorch", "custom-function", "performance", "design", "command"):
        assert (tmp_path / "site" / page / "index.html").exists()
