"""Bad input gets torch's error (or a clear one where torch has none), never a NumPy internal or a stray NumPy
warning (issue 16 item 8)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import assert_same_error

import tinygrad_lr as tg


@pytest.mark.parametrize("operand", [2, 2.5, True, [1.0, 2.0, 3.0]], ids=["int", "float", "bool", "list"])
def test_matmul_with_a_non_tensor_raises_torchs_type_error(torch, operand: Any) -> None:  # type: ignore[no-untyped-def]
    for theirs, ours in (
        (lambda: torch.ones(3) @ operand, lambda: tg.ones(3) @ operand),
        (lambda: operand @ torch.ones(3), lambda: operand @ tg.ones(3)),
    ):
        with pytest.raises(TypeError) as expected:
            theirs()
        with pytest.raises(TypeError) as got:
            ours()
        assert str(got.value) == str(expected.value).replace("'Tensor'", "'Value'")
    assert_same_error(lambda: torch.ones(3).matmul(operand), lambda: tg.ones(3).matmul(operand))
    assert_same_error(lambda: torch.ones(3, 3).mm(operand), lambda: tg.ones(3, 3).mm(operand))
    assert_same_error(lambda: torch.matmul(torch.ones(3), operand), lambda: tg.matmul(tg.ones(3), operand))
    assert_same_error(lambda: torch.matmul(operand, torch.ones(3)), lambda: tg.matmul(operand, tg.ones(3)))


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32"), ("int32", "int64"),
                                    ("int64", "float32")])
@pytest.mark.parametrize("shapes", [((2,), (2,)), ((2, 2), (2,)), ((2,), (2, 2)), ((2, 2), (2, 2)),
                                    ((3, 2, 2), (2, 2)), ((2, 2), (3, 2, 2)), ((3, 2, 2), (2,))])
def test_matmul_of_two_dtypes_raises_torchs_error_instead_of_promoting(torch, dtypes, shapes) -> None:  # type: ignore[no-untyped-def]
    def product(module: Any) -> Any:
        return module.ones(shapes[0], dtype=getattr(module, dtypes[0])) @ module.ones(
            shapes[1], dtype=getattr(module, dtypes[1])
        )

    assert_same_error(lambda: product(torch), lambda: product(tg))


@pytest.mark.parametrize(
    "op",
    [lambda m, x: -x, lambda m, x: x.neg(), lambda m, x: x.abs(), lambda m, x: x.abs_(), lambda m, x: m.relu(x),
     lambda m, x: x.relu_(), lambda m, x: m.nn.functional.relu(x, inplace=True)],
    ids=["-x", "neg", "abs", "abs_", "relu", "relu_", "F.relu inplace"],
)
def test_sign_sensitive_ops_refuse_bool_tensors_in_torchs_words(torch, op) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: op(torch, torch.tensor([True, False])), lambda: op(tg, tg.tensor([True, False])))


def test_matmul_still_takes_numpy_arrays_as_torch_does() -> None:
    a = np.arange(6.0).reshape(2, 3)
    assert (tg.ones(2, dtype=tg.float64) @ a).tolist() == [3.0, 5.0, 7.0]  # torch: the same (with a warning)
    assert (a.T @ tg.ones(2, dtype=tg.float64)).tolist() == [3.0, 5.0, 7.0]


@pytest.mark.parametrize(
    "args",
    [(0, 5, 0), (0.0, 5.0, 0.0), (0, 5, float("nan")), (0, float("nan")), (0.5, float("inf")), (float("-inf"), 1),
     (0, 5, -1), (5, 0), (5, 0, 1.5), (0, 1e30, 1e-30)],
    ids=str,
)
def test_arange_refuses_a_range_it_cannot_make_as_torch_does(torch, args: tuple) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: torch.arange(*args), lambda: tg.arange(*args))


def test_arange_still_makes_empty_and_fractional_ranges(torch) -> None:  # type: ignore[no-untyped-def]
    for args in [(5, 5, -1), (0, 1, 0.25), (3,), (2, -4, -2)]:
        assert tg.arange(*args).tolist() == torch.arange(*args).tolist()


def test_in_place_ops_on_a_read_only_array_say_so(torch) -> None:  # type: ignore[no-untyped-def]
    array = np.ones(3)
    array.flags.writeable = False
    with pytest.warns(UserWarning, match="The given NumPy array is not writable"):
        shared = tg.from_numpy(array)
    with pytest.warns(UserWarning, match="not writable"):
        tg.as_tensor(array)
    for change in (lambda x: x.add_(1), lambda x: x.mul_(2), lambda x: x.zero_(), lambda x: x.fill_(3),
                   lambda x: x.copy_(tg.zeros(3)), lambda x: x.__setitem__(0, 5.0), lambda x: x.__iadd__(1)):
        with pytest.raises(RuntimeError, match=r"^cannot change this Value in place: its memory is a read-only "
                                               r"NumPy array .* x = x\.clone\(\)$"):
            change(shared)
    assert array.tolist() == [1.0, 1.0, 1.0]
    shared.clone().add_(1)  # the fix it names works


def test_in_place_ops_on_an_expanded_value_give_torchs_error(torch) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: torch.ones(3).expand(2, 3).add_(1), lambda: tg.ones(3).expand(2, 3).add_(1))
    assert_same_error(lambda: torch.ones(3).expand(2, 3).mul_(2), lambda: tg.ones(3).expand(2, 3).mul_(2))


EDGE_CASES = """
import numpy as np
import tinygrad_lr as tg
import tinygrad_lr.nn.functional as F

EDGE = [0.0, -0.0, 1.0, -1.0, 2.0, float("inf"), -float("inf"), float("nan"), 1e38, -1e38, 1e-45, 89.0, 710.0, 1e308]
UNARY = ["exp", "log", "log1p", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "reciprocal", "square", "norm",
         "std", "var", "sum", "mean"]
BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b, lambda a, b: a // b,
          lambda a, b: a % b, lambda a, b: a**b, F.mse_loss, F.smooth_l1_loss, F.binary_cross_entropy_with_logits]
rng = np.random.default_rng(0)
cases = 0
for _ in range(300):
    dtype = rng.choice([np.float32, np.float64])
    with np.errstate(over="ignore"):  # the script's own cast of 1e308 to float32
        a, b = (np.array(rng.choice(EDGE, size=3), dtype=dtype) for _ in range(2))
    x, y = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    for out in [getattr(x, name)() for name in UNARY] + [op(x, y) for op in BINARY]:
        if out.requires_grad:
            out.sum().backward(retain_graph=True)
        cases += 1
print(cases)
"""


def test_no_numpy_runtime_warning_where_torch_prints_nothing() -> None:
    """Edge values (0, inf, nan, overflow) through ops and their gradients, in a script as a user runs it:
    torch computes inf and nan silently, so stderr stays empty (NumPy printed 'overflow encountered in exp')."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-c", EDGE_CASES], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.split() == ["7800"] and run.stderr == ""


def test_numpy_warnings_in_the_users_own_code_are_kept() -> None:
    import os
    import subprocess
    import sys

    script = "import numpy as np, tinygrad_lr\nnp.exp(np.float32(100))\n"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert "RuntimeWarning: overflow encountered in exp" in run.stderr


@pytest.mark.parametrize(
    "op",
    [lambda m, b: b - b, lambda m, b: b - 1, lambda m, b: 1 - b, lambda m, b: b - 1.5, lambda m, b: m.tensor([1]) - b,
     lambda m, b: b.sub(b), lambda m, b: m.sub(b, 1), lambda m, b: b ** b, lambda m, b: b.argmax(),
     lambda m, b: b.argmin(dim=0)],
    ids=["b-b", "b-1", "1-b", "b-1.5", "int-b", "sub", "torch.sub", "b**b", "argmax", "argmin"],
)
def test_bool_tensors_are_refused_where_torch_refuses_them(torch, op) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: op(torch, torch.tensor([True, False])), lambda: op(tg, tg.tensor([True, False])))


@pytest.mark.parametrize(
    "op",
    [lambda m: m.ones(2, 3) == m.ones(3, 0), lambda m: m.ones(3) < m.ones(2),
     lambda m: m.ones(3, dtype=m.uint8) & m.ones(2, dtype=m.uint8), lambda m: m.ones(2, 3) & m.ones(2, 3),
     lambda m: m.ones(2, dtype=m.int32) | m.ones(1, dtype=m.float64)],
    ids=["== shapes", "< shapes", "& shapes", "& floats", "| int and double"],
)
def test_comparisons_and_bitwise_ops_raise_torchs_errors_not_numpys(torch, op) -> None:  # type: ignore[no-untyped-def]
    assert_same_error(lambda: op(torch), lambda: op(tg))


@pytest.mark.parametrize(
    "op",
    [lambda m, b: b.floor(), lambda m, b: b.ceil(), lambda m, b: b.round(), lambda m, b: b.trunc(),
     lambda m, b: b // b, lambda m, b: b % b, lambda m, b: m.fmod(b, b),
     lambda m, b: m.div(b, b, rounding_mode="trunc"),
     lambda m, b: b @ b, lambda m, b: b.reshape(1, 2) @ b.reshape(2, 1), lambda m, b: b.reshape(1, 2) @ b,
     lambda m, b: b.reshape(1, 1, 2) @ b.reshape(1, 2, 1)],
    ids=["floor", "ceil", "round", "trunc", "//", "%", "fmod", "div trunc", "dot", "mm", "mv", "bmm"],
)
def test_bool_tensors_get_torchs_missing_kernel_error_not_a_result(torch, op) -> None:  # type: ignore[no-untyped-def]
    # NumPy answers these (in bool, int8 or float16); torch has no bool kernel and says so
    assert_same_error(lambda: op(torch, torch.tensor([True, False])), lambda: op(tg, tg.tensor([True, False])))


_OUT_OF_BOUNDS = [  # (shape, index), an index part ("t", data) being a tensor
    ((3, 4), [("t", [3, 0])]), ((3, 4), [("t", [0, 1]), ("t", [7, -9])]), ((3, 4), [":", ("t", [[5, 4]])]),
    ((3, 4), [("t", [-4])]), ((3, 4), [None, ("t", [5])]), ((3, 4), ["...", ("t", [5])]),
    ((3, 4), [("t", [1]), "...", ("t", [9])]), ((3, 4), [("t", [True, False, True]), ("t", [9])]),
    ((3, 4, 2), [1, ("t", [9])]), ((3, 4, 2), [("t", [1]), 9]), ((3, 4, 2), [":", ("t", [1]), ("t", [5])]),
    ((3, 4, 2), [("t", [[True, False, True, True]] * 3), ("t", [5])]), ((3, 4, 2), [":", ":", ("t", [3])]),
    ((3, 4, 2), [("t", [0]), ":", ("t", [[2, 7]])]), ((3, 4), [("t", [[0, 1], [2, 9]])]),
]


@pytest.mark.parametrize("setting", [False, True], ids=["read", "write"])
@pytest.mark.parametrize(("shape", "parts"), _OUT_OF_BOUNDS, ids=[str(p) for _, p in _OUT_OF_BOUNDS])
def test_an_index_tensor_out_of_bounds_names_the_dimension_as_torch_does(torch, shape, parts, setting) -> None:  # type: ignore[no-untyped-def]
    """torch numbers the dimension among the indexed ones (after the slices and the integers before any tensor),
    not as NumPy's axis: our message is torch's, with the indexed shape added."""

    def index(module: Any) -> tuple[Any, ...]:
        marks = {":": slice(None), "...": Ellipsis}
        return tuple(module.tensor(p[1]) if isinstance(p, tuple) else marks.get(p, p) for p in parts)  # type: ignore[arg-type]

    messages = []
    for module in (torch, tg):
        a = module.zeros(*shape)
        with pytest.raises(IndexError) as raised:
            if setting:
                a[index(module)] = 1.0
            else:
                a[index(module)]
        messages.append(str(raised.value))
    assert messages[1] == f"{messages[0]} (indexing a Value of shape {list(shape)})"
