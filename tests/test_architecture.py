"""The package's shape, checked: layers without import cycles, small modules, one op table that every op goes
through (each row with a case in op_cases.py, each name declared in at most three files), every construction
path of Value and Node setting every slot, and the generated stubs current."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import numpy as np
import pytest
from op_cases import CASES_BY_NAME

import tinygrad_lr as tg
from tinygrad_lr.autograd.function import Function, Node
from tinygrad_lr.nn import Parameter
from tinygrad_lr.ops import ENTRIES, stubs
from tinygrad_lr.value import Value

PACKAGE = Path(tg.__file__).parent
ROOT = "tinygrad_lr"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, names) of each import run when the module loads: top level, not under `if TYPE_CHECKING:`,
    not inside a function (those run later, where a cycle of meaning needs them)."""
    found: list[tuple[str, list[str]]] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                found.extend((alias.name, []) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports when it loads.

    `from a.b import c` depends on a.b, on a.b.c when c is a submodule, and on the packages above a.b (their
    __init__ runs first) except the module's own packages (already loading) and the root package (the facade
    that imports everything, run before any submodule).
    """
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        own_packages = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        targets: set[str] = set()
        for module, names in _runtime_imports(ast.parse(path.read_text())):
            if not module.startswith(ROOT):
                continue
            candidates = [module] + [f"{module}.{n}" for n in names]
            for target in candidates:
                if target not in modules:
                    continue
                parts = target.split(".")
                targets |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)} - own_packages - {name}
        graph[name] = {t for t in targets if t in modules}
    if ROOT in graph:
        graph[ROOT] = set()  # the facade: every module runs after it has started, none imports it back
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_package_has_no_module_level_import_cycle() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_imports_nothing_above_it() -> None:
    """value, Function/Node and the engine form the bottom layer: no ops, nn, optim or viz below them."""
    graph = import_graph()
    above = ("tinygrad_lr.ops", "tinygrad_lr.nn", "tinygrad_lr.optim", "tinygrad_lr.viz", "tinygrad_lr.utils")
    for core in ("tinygrad_lr.value", "tinygrad_lr.autograd.function", "tinygrad_lr.autograd.engine"):
        reachable, todo = set(), [core]
        while todo:
            for child in graph[todo.pop()] - reachable:
                reachable.add(child)
                todo.append(child)
        assert not [m for m in reachable if m.startswith(above)], core


def test_no_module_of_the_package_is_over_600_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}


# ----- the op table ---------------------------------------------------------------------------
# The rows whose op_cases names differ from their public names: x[i] is checked as index_*, x.to(dtype) as cast.
CASE_PREFIX = {"__getitem__": "index", "to": "cast", "__matmul__": "matmul", "__rpow__": "rpow", "__truediv__": "div"}


def _has_case(names: tuple[str, ...]) -> bool:
    return any(case == name or case.startswith(name + "_") for name in names for case in CASES_BY_NAME)


def test_every_differentiable_row_of_the_op_table_has_a_case_in_op_cases() -> None:
    missing = [
        entry.name for entry in ENTRIES.values()
        if entry.row.ops and not _has_case((*entry.public_names, CASE_PREFIX.get(entry.name, entry.name)))
    ]  # fmt: skip
    assert missing == []


def test_the_coverage_check_sees_a_row_without_a_case() -> None:
    assert not _has_case(("no_such_op",))
    assert _has_case(("max",))  # max and max_dim


def test_every_row_is_installed_under_each_of_its_names() -> None:
    for entry in ENTRIES.values():
        for name in (entry.name, *entry.aliases):
            assert getattr(Value, name) is entry.method
        for variant in entry.row.inplace_names:
            assert callable(getattr(Value, variant))
        for function in entry.functions:
            assert callable(getattr(tg, function)) and function in tg.__all__


def test_a_method_and_its_function_and_in_place_variant_agree() -> None:
    x = tg.tensor([0.5, 1.5, -2.0])
    assert np.allclose(tg.exp(x)._data, x.exp()._data)
    assert np.allclose(tg.clip(x, -1, 1)._data, x.clamp(-1, 1)._data)
    y = x.clone()
    assert y.exp_() is y and np.allclose(y._data, np.exp(x._data))
    assert tg.Value.multiply is tg.Value.__mul__ and tg.Value.exp.__name__ == "exp"


def test_the_generated_stubs_are_current() -> None:
    """Regenerate with `python -m tinygrad_lr.ops.stubs` after changing a row."""
    for path, text in stubs.stubs().items():
        assert path.read_text() == text, path.name


def _declared_names(tree: ast.Module) -> set[str]:
    """The names a module declares at its top level or in a class body: defs, classes, assignments (rows,
    aliases), imports, the strings of `__all__`, and the names a row gives (inplace="exp_", function="clip").
    Uses (x.exp()) and local variables are not declarations."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("function", "inplace", "functional"):
            strings = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
            names.update(v.removesuffix("(inplace)") for v in strings if isinstance(v, str))

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
                if isinstance(node, ast.ClassDef):
                    visit(node.body)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Name):
                            names.add(leaf.id)
                            if leaf.id == "__all__" and node.value is not None:
                                names.update(c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[-1] for alias in node.names)
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return names


@functools.cache
def _declarations() -> dict[str, set[str]]:
    """Each .py file of the package (relative path) -> the names it declares, parsed once per test run."""
    return {str(path.relative_to(PACKAGE)): _declared_names(ast.parse(path.read_text()))
            for path in PACKAGE.rglob("*.py")}


def declaration_files(name: str) -> set[str]:
    """The package's .py files that declare `name` (see _declared_names)."""
    return {path for path, names in _declarations().items() if name in names}


def op_declaration_counts() -> dict[str, int]:
    """Each row's names (method, aliases, functions, in-place and F names) and Function names -> the number of
    files declaring it. Dunders are left out: other classes declare their own (__getitem__ of a Dataset)."""
    names = {name for entry in ENTRIES.values() if entry.row.ops for name in entry.public_names}
    names |= {op.__name__ for entry in ENTRIES.values() for op in entry.row.ops}
    names = {name for name in names if not name.startswith("__")}
    return {name: len(declaration_files(name)) for name in sorted(names)}


def test_an_op_is_declared_in_at_most_three_files() -> None:
    """Its Function, its derivative helper if any (ops/dual.py), its row (next to the Function)."""
    counts = op_declaration_counts()
    assert {name: n for name, n in counts.items() if n > 3} == {}
    assert declaration_files("Log1p") == {"ops/elementwise.py"}
    assert declaration_files("log1p") == {"ops/elementwise.py"}


# ----- one construction path ------------------------------------------------------------------
class _Three(Function):
    """a + b + c, recorded by the generic apply (three arguments)."""

    @staticmethod
    def forward(ctx, a, b, c):  # type: ignore[no-untyped-def]
        return a + b + c

    @staticmethod
    def backward(ctx, g):  # type: ignore[no-untyped-def]
        return g, g, g


VALUE_SLOTS = [s for s in Value.__slots__ if s != "__weakref__"]
# Set when recorded; the others on use: _in_more (read only for three or more arguments), _saved_roles and _clock
# (only when forward saved something).
NODE_SLOTS = ["_function", "_n_in", "_n_walk", "needs_input_grad", "_in0", "_in1", "out_shape", "out_dtype",
              "saved_tensors", "_uses", "_observed"]  # fmt: skip


def _constructions() -> dict[str, Value]:
    leaf = tg.tensor([1.0, 2.0], requires_grad=True)
    const = tg.tensor([3.0, 4.0])
    made = {
        "Value()": Value([1.0]),
        "Value(requires_grad)": Value([1.0], requires_grad=True),
        "_make": Value._make(np.zeros(2), None),
        "_make_const": Value._make_const(np.zeros(2)),
        "Parameter": Parameter(tg.zeros(2)),
        "Parameter()": Parameter(),
        "unary recorder": leaf.exp(),
        "unary, no graph": const.exp(),
        "binary recorder": leaf * const,
        "binary, no graph": const * const,
        "apply, three arguments": _Three.apply(leaf, const, leaf),
        "apply, three, no graph": _Three.apply(const, const, const),
        ".data": leaf.data,
        "detach": leaf.detach(),
        "in place": (leaf * 1.0).mul_(2.0),
    }
    return made


@pytest.mark.parametrize("path", list(_constructions()))
def test_every_construction_path_of_value_sets_every_slot(path: str) -> None:
    v = _constructions()[path]
    for slot in VALUE_SLOTS:
        getattr(v, slot)  # raises AttributeError when a path forgot one


@pytest.mark.parametrize("path", ["unary recorder", "binary recorder", "apply, three arguments", "in place"])
def test_every_construction_path_of_node_sets_every_slot(path: str) -> None:
    node = _constructions()[path]._grad_fn
    assert isinstance(node, Node)
    for slot in NODE_SLOTS:
        getattr(node, slot)
