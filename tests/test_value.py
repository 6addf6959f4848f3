"""The Value's attributes, printing and in-place rules, each checked against what torch does."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import require_torch

import tinygrad_lr as tg
from tinygrad_lr import Value
from tinygrad_lr.value import NON_LEAF_GRAD_WARNING


def test_every_value_is_a_tensor() -> None:
    assert isinstance(tg.tensor([1.0]), tg.Tensor) and isinstance(Value(2.0), tg.Tensor)
    assert issubclass(Value, tg.Tensor) and issubclass(tg.nn.Parameter, tg.Tensor)


# ----- construction errors -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [np.array(["a", "b"]), np.array([object(), 1], dtype=object), ["x", "y"], np.array([b"a"]), None, {1: 2},
     "text", np.array([1 + 2j])],
)
def test_object_and_string_data_raise_clear_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="only bool, integer and floating point data are supported"):
        Value(bad)
    with pytest.raises(TypeError, match="only bool, integer and floating point data are supported"):
        tg.tensor(bad)


def test_ragged_list_raises_type_error_not_numpy_error() -> None:
    with pytest.raises(TypeError, match="could not build a Value from list"):
        Value([[1.0, 2.0], [3.0]])


def test_integer_value_cannot_require_grad_with_torchs_messages() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require"):
            lib.tensor([1, 2], requires_grad=True)
        with pytest.raises(RuntimeError, match="^only Tensors of floating point dtype can require gradients$"):
            lib.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        Value([True, False], requires_grad=True)


# ----- .data, .grad, requires_grad, leaves -------------------------------------------------------
def test_data_is_detached_and_shares_memory() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    d[0] = 10.0
    d.add_(1.0)
    np.testing.assert_array_equal(x.detach().numpy(), [11.0, 3.0, 4.0])
    assert x.requires_grad


def test_data_setter_replaces_the_array_and_keeps_requires_grad() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.data = tg.tensor([5.0, 6.0, 7.0])
    assert x.requires_grad and x.shape == (3,)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [10.0, 12.0, 14.0])


def test_grad_is_none_before_backward_and_a_value_after() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert x.grad is None
    (x * 3).sum().backward()
    assert isinstance(x.grad, Value)
    assert x.grad.dtype == x.dtype and not x.grad.requires_grad
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_non_leaf_grad_access_warns_with_torchs_text_and_is_none() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.sum().backward()
    with pytest.warns(UserWarning) as record:
        assert h.grad is None
    assert str(record[0].message) == NON_LEAF_GRAD_WARNING
    assert str(record[0].message).startswith(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
        "populated during autograd.backward()."
    )


def test_retain_grad_fills_non_leaf_grad_without_warning() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    assert h.retains_grad and not x.retains_grad
    (h * h).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(h.grad.numpy(), [4.0, 8.0])
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 16.0])


def test_retain_grad_on_value_without_grad_raises_torchs_message() -> None:
    with pytest.raises(RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"):
        tg.tensor(1.0).retain_grad()


def test_grad_setter_checks_shape_with_torchs_text_and_dtype() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        x.grad = tg.tensor([1.0, 2.0])
    assert str(info.value) == (
        "attempting to assign a gradient of size '[2]' to a tensor of size '[3]'. Please ensure that the gradient "
        "and the tensor are the same size"
    )
    with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype 'double' to a tensor with "
                       "grad_dtype 'Float'"):
        x.grad = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    with pytest.raises(TypeError, match="Value or None"):
        x.grad = np.ones(3)
    x.grad = tg.tensor([1.0, 1.0, 1.0])
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0, 3.0])
    x.grad = None
    assert x.grad is None


def test_requires_grad_flags_and_errors_match_torch() -> None:
    x = tg.tensor([1.0, 2.0])
    assert not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad = False
    assert not x.requires_grad
    x.requires_grad_(True)
    y = x * 2
    assert y.requires_grad and not y.is_leaf and x.is_leaf
    assert y.requires_grad_() is y  # True on a non-leaf is a no-op, as in torch
    with pytest.raises(RuntimeError) as info:
        y.requires_grad_(False)
    assert str(info.value) == (
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
        "subgraph that doesn't require differentiation use var_no_grad = var.detach()."
    )


def test_grad_fn_is_named_like_torchs() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert tg.tensor(1.0).grad_fn is None and x.grad_fn is None
    assert (x * 2).grad_fn.name() == "MulBackward0" and repr((x * 2).grad_fn).startswith("<MulBackward0 object at 0x")
    assert (x + x).grad_fn.name() == "AddBackward0"
    assert x.sum().grad_fn.name() == "SumBackward0"
    assert (x @ x).grad_fn.name() == "DotBackward0"


def test_is_leaf_follows_torch() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        a = lib.tensor([1.0])
        b = lib.tensor([1.0], requires_grad=True)
        c = b * 2
        d = a * 2
        assert [a.is_leaf, b.is_leaf, c.is_leaf, d.is_leaf, c.detach().is_leaf] == [True, True, False, True, True]


def test_detach_shares_memory_and_leaves_graph() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).detach()
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None
    d = x.detach()
    d[1] = 7.0
    assert x.tolist() == [1.0, 7.0]


def test_item_numpy_tolist() -> None:
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    s = x.sum()
    assert s.item() == 10.0 and type(s.item()) is float
    assert type(tg.tensor(3).item()) is int
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(RuntimeError) as info:
        x.numpy()
    assert str(info.value) == "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    arr = x.detach().numpy()
    arr[0, 0] = -1.0
    assert x.tolist()[0][0] == -1.0  # numpy() shares memory, as torch's does
    with pytest.raises(RuntimeError, match="a Tensor with 4 elements cannot be converted to Scalar"):
        x.item()


def test_shape_size_ndim_numel_dtype_len_and_T() -> None:
    x = tg.zeros(2, 3)
    assert x.shape == (2, 3) and repr(x.shape) == "torch.Size([2, 3])"
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.ndim == 2 and x.dim() == 2 and x.numel() == 6 and x.dtype == tg.float32
    assert len(x) == 2 and x.T.shape == (3, 2)
    assert repr(tg.tensor(1.0).shape) == "torch.Size([])"
    assert x.shape.numel() == 6
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(tg.tensor(1.0))


def test_transpose_property_T_gradient() -> None:
    x = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = tg.tensor([[1.0, 0.0], [2.0, 1.0], [0.0, 3.0]])
    (x.T * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy().T)


def test_bool_of_one_element_and_ambiguous_error() -> None:
    assert bool(tg.tensor(2.0)) and not bool(tg.tensor([0.0]))
    assert bool(tg.tensor([1.0]) > 0)
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(tg.tensor([1.0, 2.0]))


def test_single_element_values_format_like_numbers() -> None:
    loss = tg.tensor(0.123456, requires_grad=True) * 2
    assert f"{loss:.4f}" == "0.2469"
    assert f"{tg.tensor(3):>3d}" == "  3"
    assert f"{tg.tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    assert float(tg.tensor(2.5)) == 2.5 and int(tg.tensor(7)) == 7


def test_format_spec_on_many_elements_raises_like_torch() -> None:
    torch = require_torch()
    with pytest.raises(TypeError):
        f"{torch.tensor([1.0, 2.0]):.4f}"
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{tg.tensor([1.0, 2.0]):.4f}"


# ----- repr like torch ---------------------------------------------------------------------------
def test_repr_examples_from_the_issue() -> None:
    assert repr(tg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    a = tg.tensor(1.5, requires_grad=True)
    assert repr(a * 2) == "tensor(3., grad_fn=<MulBackward0>)"
    assert repr(tg.tensor(0.123456)) == "tensor(0.1235)"
    assert str(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor([1.0, 2.0], dtype=tg.float64)) == "tensor([1., 2.], dtype=torch.float64)"


REPR_CASES = [
    "[1.5, 10.25]",
    "[1.0, 100.0]",
    "[1.0, 1000.0, 10000.0]",
    "[0.0, 1e-5]",
    "[float('nan'), 1.5]",
    "[float('inf'), 1.0]",
    "[-1.5, 2.0]",
    "[[1.0, -2.0], [100.0, 3.0]]",
    "[1e9, 1.0]",
    "1e-5",
    "123456.7",
    "0.1",
    "100.0",
    "0.0",
    "-3.0",
    "[True, False]",
    "[1, 100, -5]",
    "7",
    "[0.0, 0.0]",
    "[[0.5, -0.25, 3.0], [2.125, 1.0, 9.5]]",
]


@pytest.mark.parametrize("literal", REPR_CASES)
def test_repr_matches_torch_number_formatting(literal: str) -> None:
    torch = require_torch()
    data = eval(literal)  # noqa: S307 - literals from the list above
    assert repr(tg.tensor(data)) == repr(torch.tensor(data))


def test_repr_of_large_value_is_summarized_in_scientific_notation_like_torch() -> None:
    torch = require_torch()
    ours = repr(tg.arange(2000.0))
    theirs = repr(torch.arange(2000.0))
    assert ours == theirs
    assert ours.startswith("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,")
    assert "..." in ours and ours.rstrip().endswith("1.9990e+03])")


def test_repr_of_empty_values() -> None:
    assert repr(tg.zeros(0)) == "tensor([])"
    assert repr(tg.zeros(0, 3)) == "tensor([], size=(0, 3))"


# ----- hooks -------------------------------------------------------------------------------------
def test_hook_on_leaf_sees_and_replaces_gradient() -> None:
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []

    def double(g: Value) -> Value:
        seen.append(g.tolist())
        return g * 10

    handle = x.register_hook(double)
    (x * 2).sum().backward()
    assert seen == [[2.0, 2.0, 2.0]]
    assert x.grad.tolist() == [20.0, 20.0, 20.0]
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0] and len(seen) == 1


def test_hook_on_non_leaf_changes_what_flows_upstream_like_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        m = x * 3
        seen = []
        m.register_hook(lambda g, seen=seen: seen.append(g.tolist()))
        m.retain_grad()
        m.register_hook(lambda g: g + 1)
        (m * m).sum().backward()
        results.append((seen, m.grad.tolist(), x.grad.tolist()))
    assert results[0] == results[1]
    assert results[0] == ([[6.0, 12.0, 18.0]], [7.0, 13.0, 19.0], [21.0, 39.0, 57.0])


def test_removed_hook_on_non_leaf_no_longer_runs() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    m = x * 2
    handle = m.register_hook(lambda g: g * 100)
    handle.remove()
    handle.remove()  # removing twice is harmless
    (m * 1).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_value_and_module_hooks_share_one_removable_handle_usable_as_a_context() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with x.register_hook(lambda g: g * 100) as handle:
        (x * 2).sum().backward()
    assert x.grad.tolist() == [200.0, 200.0]
    x.grad = None
    (x * 2).sum().backward()  # the block's end removed the hook
    assert x.grad.tolist() == [2.0, 2.0]
    module_handle = tg.nn.Linear(2, 1).register_forward_hook(lambda module, args, output: None)
    assert type(handle) is type(module_handle) and type(handle).__name__ == "RemovableHandle"


def test_a_hook_may_remove_itself_while_backward_runs() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def once(g: tg.Value) -> tg.Value:
        calls.append(g.tolist())
        handle.remove()
        return g * 10

    handle = x.register_hook(once)
    x.register_hook(lambda g: g + 1)  # still runs after the first hook removed itself
    (x * 2).sum().backward()
    (x * 2).sum().backward()
    assert calls == [[2.0, 2.0]]
    assert x.grad.tolist() == [21.0 + 3.0, 21.0 + 3.0]


def test_hooks_run_in_registration_order_and_chain() -> None:
    x = tg.tensor([1.0], requires_grad=True)
    order = []
    x.register_hook(lambda g: order.append("first") or g + 1)
    x.register_hook(lambda g: order.append("second") or g * 10)
    (x * 3).sum().backward()
    assert order == ["first", "second"] and x.grad.tolist() == [40.0]


def test_hook_returning_none_keeps_gradient_and_wrong_shape_raises() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 4).sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]
    y = tg.tensor([1.0, 2.0], requires_grad=True)
    y.register_hook(lambda g: tg.ones(3))
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        (y * 4).sum().backward()


def test_hook_changing_the_dtype_raises_torchs_error() -> None:
    # torch: "hook 'hk' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)", for a hook
    # on a leaf and on an intermediate alike
    def to_double(g: tg.Value) -> tg.Value:
        return g.double()

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(to_double)
    message = (
        r"hook 'to_double' has changed the type of value \(was torch.FloatTensor got torch.DoubleTensor\)"
    )
    with pytest.raises(RuntimeError, match=message):
        (x * 4).sum().backward()
    y = (tg.tensor([1.0, 2.0], requires_grad=True) * 2).tanh()
    y.register_hook(to_double)
    with pytest.raises(RuntimeError, match=message):
        y.sum().backward()


def test_register_hook_needs_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        tg.tensor([1.0]).register_hook(lambda g: g)


# ----- in-place operations -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "op",
    [
        lambda v: v.zero_(),
        lambda v: v.fill_(2.0),
        lambda v: v.copy_(tg.tensor([4.0, 5.0])),
        lambda v: v.add_(1.0),
        lambda v: v.sub_(tg.tensor([1.0, 1.0])),
        lambda v: v.mul_(3.0),
        lambda v: v.__iadd__(1.0),
    ],
    ids=["zero_", "fill_", "copy_", "add_", "sub_", "mul_", "+="],
)
def test_inplace_on_leaf_requiring_grad_raises_under_grad_mode(op: object) -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        op(x)  # type: ignore[operator]
    assert str(info.value) == "a leaf Variable that requires grad is being used in an in-place operation."
    assert x.tolist() == [1.0, 2.0]


def test_inplace_on_leaf_is_allowed_under_no_grad_and_via_data() -> None:
    torch = require_torch()
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            x.mul_(3.0)
            x.add_(lib.tensor([1.0, 1.0]), alpha=2.0)
            x -= 1.0
        x.data.sub_(1.0)
        assert x.tolist() == [3.0, 6.0]
        assert x.requires_grad and x.is_leaf


def test_inplace_ops_values_and_return_self() -> None:
    x = tg.tensor([1.0, 2.0, 3.0])
    assert x.add_(1.0) is x and x.tolist() == [2.0, 3.0, 4.0]
    assert x.sub_(tg.tensor([1.0, 1.0, 1.0]), alpha=2) is x and x.tolist() == [0.0, 1.0, 2.0]
    assert x.mul_(tg.tensor([2.0, 2.0, 2.0])) is x and x.tolist() == [0.0, 2.0, 4.0]
    assert x.fill_(7.0) is x and x.tolist() == [7.0, 7.0, 7.0]
    assert x.copy_(tg.tensor([1, 2, 3])) is x and x.tolist() == [1.0, 2.0, 3.0] and x.dtype == tg.float32
    assert x.copy_(tg.tensor(5.0)).tolist() == [5.0, 5.0, 5.0]  # copy_ broadcasts its source
    assert x.zero_() is x and x.tolist() == [0.0, 0.0, 0.0]
    y = x
    y += 2.0
    assert y is x and x.tolist() == [2.0, 2.0, 2.0]


def test_inplace_that_would_change_dtype_raises_torchs_message() -> None:
    x = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x.add_(0.5)


def test_augmented_assignment_on_non_leaf_records_the_graph() -> None:
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y += x
    y *= 3
    y.sum().backward()
    assert x.grad.tolist() == [9.0, 9.0]


# ----- micrograd's README example ----------------------------------------------------------------
def test_micrograd_readme_example() -> None:
    a = Value(-4.0, requires_grad=True)
    b = Value(2.0, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data.item():.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad.item():.4f}" == "138.8338"
    assert f"{b.grad.item():.4f}" == "645.5773"


def test_micrograd_readme_example_in_float64_matches_torch() -> None:
    torch = require_torch()
    results = []
    for lib in (tg, torch):
        a = lib.tensor(-4.0, dtype=lib.float64, requires_grad=True)
        b = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        g = g + 10.0 / f
        g.backward()
        results.append((g.item(), a.grad.item(), b.grad.item()))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_micrograd_scalar_snippet_from_the_issue() -> None:
    a = Value(-4.0, requires_grad=True)
    b = Value(2.0, requires_grad=True)
    d = a * b + b**3
    e = (a + b - d).relu()
    e.backward()
    # a + b - d = -2 - 0 = -2 < 0, so relu blocks the gradient
    assert a.grad.item() == 0.0 and b.grad.item() == 0.0
    a2 = Value(4.0, requires_grad=True)
    e2 = (a2 + b - a2 * b + b**3).relu()
    e2.backward()
    assert a2.grad.item() == -1.0


@pytest.mark.parametrize("shapes", [((4,), (3,)), ((1,), (3,)), ((2, 3), (4, 3)), ((3,), (2, 3))])
@pytest.mark.parametrize("method", ["add_", "sub_", "mul_", "copy_"])
def test_inplace_shape_mismatch_raises_torchs_message(shapes: tuple, method: str) -> None:
    torch = require_torch()
    target, source = shapes
    with pytest.raises(RuntimeError) as expected:
        getattr(torch.ones(target), method)(torch.ones(source))
    with pytest.raises(RuntimeError) as info:
        getattr(tg.ones(target), method)(tg.ones(source))
    assert str(info.value) == str(expected.value)
