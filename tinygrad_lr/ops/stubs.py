"""Write the type stubs of the op table's functions: `python -m tinygrad_lr.ops.stubs` (tests check they are
current). Value's methods need none (type checkers see the rows through value.py's `_Methods`); the functions
of `tinygrad_lr` and `nn.functional`, and the in-place variants, are made at import, so `functions.pyi`,
`functional.pyi` and `variants.pyi` declare them, each naming its row (`exp = _Methods.exp`): "go to
definition" reaches the op in one hop."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path

from tinygrad_lr.ops.table import ENTRIES, FUNCTIONAL, FUNCTIONS

HEADER = "# Generated from the op table by `python -m tinygrad_lr.ops.stubs`: do not edit.\n"
HERE = Path(__file__).parent


def _rows_by_function() -> dict[str, str]:
    """Each row-made function's name -> the Value method it calls."""
    return {public: entry.name for entry in ENTRIES.values() for public in entry.functions}


def functions_stub() -> str:
    """functions.pyi: tinygrad_lr's functions, each the method of its row, or imported from its module."""
    rows = _rows_by_function()
    written = [(f.__module__, name) for name, f in FUNCTIONS.items() if not hasattr(f, "__wrapped__")]
    imports = [f"from {module} import {name} as {name}" for module, name in written]
    lines = [HEADER, *sorted([*imports, "from tinygrad_lr.ops.methods import ValueMethods as _Methods"])]
    lines.append(_all(FUNCTIONS))
    made = [name for name in sorted(FUNCTIONS) if hasattr(FUNCTIONS[name], "__wrapped__")]
    lines += [f"{name} = _Methods.{rows[name]}" for name in made]
    return "\n".join(lines) + "\n"


def functional_stub() -> str:
    """functional.pyi: nn.functional's functions, with the method's arguments (and `inplace` where a variant
    exists), or imported from their module when written out (softmax's implicit dim)."""
    imports = ["from tinygrad_lr.value import Value"]
    rows = {entry.row.functional.removesuffix("(inplace)"): entry for entry in ENTRIES.values() if entry.row.functional}
    for name in sorted(FUNCTIONAL):
        function = FUNCTIONAL[name]
        if not hasattr(function, "__wrapped__"):
            imports.append(f"from {function.__module__} import {name} as {name}")
    lines = [HEADER, "import builtins", "", *sorted(imports), _all(FUNCTIONAL)]
    for name in sorted(n for n in rows if hasattr(FUNCTIONAL[n], "__wrapped__")):
        entry = rows[name]
        parameters = list(inspect.signature(entry.method).parameters.values())[1:]
        arguments = ["input: Value"] + [_parameter(p) for p in parameters]
        if str(entry.row.functional).endswith("(inplace)"):
            arguments.append("inplace: bool = False")
        lines.append(f"# the row: Value.{entry.name}\ndef {name}(\n    {', '.join(arguments)}\n) -> Value: ...")
    return "\n".join(lines) + "\n"


def variants_stub() -> str:
    """variants.pyi: the in-place variants of the rows, with the method's arguments."""
    lines = [HEADER, "import builtins", "from typing import Any", "", "from tinygrad_lr.value import Value", ""]
    lines.append("class InplaceVariants:")
    variants = sorted((name, entry) for entry in ENTRIES.values() for name in entry.row.inplace_names)
    for name, entry in variants:
        parameters = list(inspect.signature(entry.method).parameters.values())[1:]
        arguments = ", ".join(["self", *(_parameter(p) for p in parameters)])
        lines.append(f"    # {name}: the row Value.{entry.name}, in place")
        lines.append(f"    def {name}({arguments}) -> Value: ...")
    return "\n".join(lines) + "\n"


def _all(names: Mapping[str, object]) -> str:
    return "\n__all__ = [\n" + "".join(f"    {name!r},\n" for name in sorted(names)) + "]\n"


def _parameter(p: inspect.Parameter) -> str:
    text = p.name if p.annotation is inspect.Parameter.empty else f"{p.name}: {p.annotation}"
    return text if p.default is inspect.Parameter.empty else f"{text} = {p.default!r}"


def stubs() -> dict[Path, str]:
    return {
        HERE / "functions.pyi": functions_stub(),
        HERE / "functional.pyi": functional_stub(),
        HERE / "variants.pyi": variants_stub(),
    }


def main() -> None:
    for path, text in stubs().items():
        path.write_text(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
