"""Narrate backward: which op runs when, what gradient reaches it, what its rule sends to each input.

    print(explain_backward(loss, params=dict(model.named_parameters())))   # aligned text
    explain_backward(loss)                                                  # in Jupyter: an HTML table

The account is the engine's own: `observe_backward` (tinygrad_lr/autograd/observe.py) runs `run_backward` with
an observer, so the steps are the nodes backward() runs, in its order, each rule called as backward() calls it, each
result summed back to its input's shape (un-broadcasting) and cast to its dtype by the engine itself; the leaves
come last, in the order backward() hands them their totals. Nothing is changed: no `.grad` is written, the graph's
saved values are kept, and hooks are not run (the account shows the plain chain rule; a hook that changes
gradients would make backward() differ from it).

The result is a `BackwardExplanation`: rows (`steps`, `leaves`) for code, `str()` for reading, `_repr_html_` for
Jupyter. On a huge graph, runs of the same op one after another are folded into one row (`MulBackward0 x 99,998`)
and what is left is cut to `max_steps` rows, so the account stays short and quick to make.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tinygrad_lr.autograd.function import FREED_MESSAGE, Node
from tinygrad_lr.autograd.observe import BackwardStep, BackwardTrace, Contribution, LeafTotal, Sent, observe_backward
from tinygrad_lr.value import Value
from tinygrad_lr.viz.graph import _named_values
from tinygrad_lr.viz.summary import shape_text, summarize

__all__ = ["BackwardExplanation", "InputRow", "LeafRow", "StepRow", "explain_backward"]

FREED_HINT = (
    "explain_backward needs the values the graph saved for backward, but a backward() call has already freed "
    "them. Call explain_backward(loss) before loss.backward(), or use loss.backward(retain_graph=True)."
)
FOLD_RUN = 3  # a pattern of ops repeated this many times one after another becomes one row (over max_steps)
MAX_PERIOD = 4  # the longest pattern folded
MAX_TERMS = 8  # a sum of more contributions shows its first ones and how many more


@dataclass(frozen=True)
class InputRow:
    """What one step sends to its input `index`: `target` names it (`op MulBackward0`, a leaf `w (1, 2)`, or
    `constant ...` for an input that needs no gradient), `sent` the gradient (`""` when none), `product` the chain
    rule in numbers for one-element gradients (gradient in x local derivative: `1 x (-2) = -2`), `note` an
    un-broadcast."""

    index: int
    target: str
    sent: str
    product: str = ""
    note: str = ""


@dataclass(frozen=True)
class StepRow:
    """One step of backward, or a folded run of steps `step` .. `last`: `op` (one op, or a pattern of ops in
    parentheses) repeated `count` times one after another.

    `node_id` is `id()` of the Node that ran (the first of a run): the key that ties the row to its box in a
    drawing. `grad_in` is d(output)/d(this op's output) as text, `sum_of` how it was summed when several consumers
    sent to it (`0.5 (from step 1) + (-0.004165) (from step 3)`), `rule` the op's local derivative in words.
    """

    step: int
    last: int
    count: int
    node_id: int
    op: str
    output: str
    shape: str
    rule: str
    grad_in: str
    sum_of: str
    inputs: tuple[InputRow, ...]
    hooked: bool


@dataclass(frozen=True)
class LeafRow:
    """A leaf's total gradient (what backward() adds into `.grad`) and the contributions it sums, in order."""

    name: str
    total: str
    sum_of: str
    note: str


@dataclass
class BackwardExplanation:
    """What `explain_backward` returns: the account as rows, printed as aligned text, shown in Jupyter as a table.

    `trace` is the engine's full report (`observe_backward`), with the arrays, when a row's text is not enough.
    """

    title: str
    header: list[str]
    steps: list[StepRow]
    leaves: list[LeafRow]
    notes: list[str]
    trace: BackwardTrace
    gap: tuple[int, str] | None = None  # (row position, what is left out there) when rows were cut

    def __str__(self) -> str:
        lines = list(self.header)
        for position, row in enumerate(self.steps):
            if self.gap is not None and position == self.gap[0]:
                lines.extend(["", self.gap[1]])
            lines.extend(_step_text(row, self.title))
        lines.extend(self.notes)
        lines.append("")
        lines.append(f"Leaves: {_d(self.title)}/d(leaf), what backward() adds into each leaf's .grad")
        for leaf in self.leaves:
            lines.append(f"    {leaf.name}: {_d(self.title)}/d(leaf) = {leaf.total}{leaf.note}")
            if leaf.sum_of:
                lines.append(f"        = {leaf.sum_of}")
        return "\n".join(lines)

    __repr__ = __str__  # the REPL shows the account, not a quoted string

    def _repr_html_(self) -> str:
        e = html.escape
        rows = []
        for position, row in enumerate(self.steps):
            if self.gap is not None and position == self.gap[0]:
                rows.append(f'<tr><td colspan="5">{e(self.gap[1])}</td></tr>')
            steps = f"{row.step:,}" if row.last == row.step else f"{row.step:,}&ndash;{row.last:,}"
            op = e(row.op) + ("" if row.last == row.step else f" &times; {row.count:,}")
            if row.output:
                op = f"{e(row.output)} = {op}"
            grad_in = e(row.grad_in) + (f"<br><small>= {e(row.sum_of)}</small>" if row.sum_of else "")
            sends = "<br>".join(
                f"{i.index} &rarr; {e(i.target)}: {e(i.sent or 'nothing')}"
                + (f" <small>({e(i.product)})</small>" if i.product else "")
                + (f" <small>{e(i.note)}</small>" if i.note else "")
                for i in row.inputs
            )
            rows.append(
                f'<tr id="backward-step-{row.step}" data-node-id="{row.node_id}"><td>{steps}</td><td>{op}</td>'
                f"<td>{grad_in}</td><td><code>{e(row.rule)}</code></td><td>{sends}</td></tr>"
            )
        leaves = "".join(
            f"<tr><td>{e(leaf.name)}</td><td>{e(leaf.total)}{e(leaf.note)}"
            + (f"<br><small>= {e(leaf.sum_of)}</small>" if leaf.sum_of else "")
            + "</td></tr>"
            for leaf in self.leaves
        )
        d = _d(self.title)
        notes = "".join(f"<p>{e(note.strip())}</p>" for note in self.notes if note.strip())
        return (
            f"<div><p>{'<br>'.join(e(line) for line in self.header if line)}</p>"
            '<table class="tinygrad-lr-backward"><thead><tr><th>step</th><th>op</th>'
            f"<th>gradient in ({e(d)}/d out)</th><th>local derivative</th><th>sends to each input</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{notes}"
            f"<table><thead><tr><th>leaf</th><th>{e(d)}/d(leaf), added into .grad</th></tr></thead>"
            f"<tbody>{leaves}</tbody></table></div>"
        )


def explain_backward(
    loss: Value, params: Any = None, gradient: Any = None, max_elements: int = 6, max_steps: int | None = 500
) -> BackwardExplanation:
    """A step-by-step account of `loss.backward()`; computes it without touching any `.grad`.

    For each op in the order the engine runs them: the gradient arriving at its output (dloss/dout, and the sum
    it came from when several ops sent to it), its local derivative (the first line of its Function's
    docstring), and the gradient it sends to each input (after un-broadcasting; for one-element gradients the
    chain-rule product in numbers). It ends with each leaf's total and its contributions, which is what
    backward() would add into `.grad`. `params` names Values as in `draw_graph` (parameters, and constants such
    as the data X); `gradient` seeds a non-scalar `loss` as in `loss.backward(gradient)`. Over `max_steps` steps
    (None: never) runs of one op are folded into one row and the rest cut to `max_steps` rows.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"explain_backward takes a Value, got {type(loss).__name__}")
    try:
        trace = observe_backward(loss, gradient)
    except RuntimeError as error:
        if str(error) == FREED_MESSAGE:
            raise RuntimeError(FREED_HINT) from None
        raise
    return _Narrator(_named_values(params), max_elements).explain(loss, trace, max_steps)


class _Narrator:
    def __init__(self, names: dict[int, tuple[str, Value]], max_elements: int) -> None:
        self.names = names
        self.names_by_node = {v._grad_fn: name for name, v in names.values() if v._grad_fn is not None}
        self.names_by_array = {id(v._data): name for name, v in names.values()}  # constants saved by ops
        self.max_elements = max_elements
        self.leaf_numbers: dict[int, int] = {}

    def explain(self, loss: Value, trace: BackwardTrace, max_steps: int | None) -> BackwardExplanation:
        title = self._name(loss) or "loss"
        header = [
            f"How {title}.backward() computes its gradients, step by step",
            f"{title} = {self._values(loss._data)}, computed by {_op_name(loss)}",
        ]
        notes: list[str] = []
        if loss._grad_fn is None:
            seed = self._values(trace.leaves[0].grad)
            header.append(f"{title} is a leaf: {_d(title)}/{_d(title)} = {seed} goes straight into its .grad.")
        else:
            seed = self._values(trace.steps[0].grad_in)
            header.append(f"Backward starts from {_d(title)}/{_d(title)} = {seed} and applies the chain rule,")
            header.append("one op at a time, from the output back to the leaves.")
        runs = [(i, i + 1, 1) for i in range(len(trace.steps))]
        gap: tuple[int, str] | None = None
        if max_steps is not None and len(runs) > max_steps:
            runs = _fold_runs(trace.steps)
            folded = len(trace.steps) - len(runs)
            notes.append("")
            notes.append(f"({len(trace.steps):,} steps: repeated runs of ops folded, one row each: {folded:,} fewer)")
            if len(runs) > max_steps:
                head, tail = max_steps - max_steps // 2, max_steps // 2
                cut = runs[head : len(runs) - tail]
                gap = (head, f"... {len(cut):,} rows, steps {trace.steps[cut[0][0]].index:,} to "
                       f"{trace.steps[cut[-1][1] - 1].index:,}, not shown (max_steps={max_steps}) ...")
                runs = runs[:head] + runs[len(runs) - tail :]
        steps = [self._step_row(trace.steps[start:stop], period) for start, stop, period in runs]
        leaves = self._leaf_rows(trace, max_steps)
        return BackwardExplanation(title, header, steps, leaves, notes, trace, gap)

    def _step_row(self, run: Sequence[BackwardStep], period: int = 1) -> StepRow:
        """A row for one step, or for a folded run (a pattern of `period` ops repeated)."""
        first, last = run[0], run[-1]
        node = first.node
        named = self.names_by_node.get(node, "") if len(run) == 1 else ""
        sum_of = self._sum_text(first.contributions) if len(first.contributions) > 1 else ""
        inputs = tuple(self._input_row(last, sent) for sent in last.sent)
        grad_in = "" if first.grad_in is None else self._values(first.grad_in)
        op, rule = node.name(), _rule(node)
        if len(run) > 1:  # a folded run: what came in at its first step, what went out at its last
            grad_in = f"at step {first.index:,}: {grad_in or 'None'}; at step {last.index:,}: "
            grad_in += "None" if last.grad_in is None else self._values(last.grad_in)
            if period > 1:
                op = "(" + ", ".join(step.node.name() for step in run[:period]) + ")"
                rule = " | ".join(_rule(step.node) for step in run[:period])
        return StepRow(
            step=first.index,
            last=last.index,
            count=len(run) // period,
            node_id=id(node),
            op=op,
            output=named,
            shape=shape_text(node.out_shape),
            rule=rule,
            grad_in=grad_in,
            sum_of=sum_of,
            inputs=tuple(row for row in inputs if row is not None),
            hooked=bool(node._pre_hooks),
        )

    def _input_row(self, step: BackwardStep, sent: Sent) -> InputRow | None:
        target = sent.target
        if target is None:
            constant = _saved_argument(step.node, sent.index)
            if constant is None:
                return None  # an argument that is not an array (a dim, an exponent), or one the op did not keep
            name = self.names_by_array.get(id(constant))
            text = f"constant {name}" if name else f"constant {self._values(constant)}"
            return InputRow(sent.index, text, "", note="(needs no gradient)")
        text = f"op {target.name()}" if isinstance(target, Node) else self._leaf_text(target)
        if sent.grad is None or sent.returned is None:
            return InputRow(sent.index, text, "")
        note = ""
        returned_shape = np.shape(sent.returned)
        if returned_shape != sent.grad.shape:
            note = (
                f"(summed from {shape_text(returned_shape)} to the input's shape {shape_text(sent.grad.shape)}: "
                "un-broadcast)"
            )
        product = ""
        grad_in = step.grad_in
        if grad_in is not None and grad_in.size == 1 and sent.grad.size == 1 and grad_in.item() != 0:
            local = sent.grad.item() / grad_in.item()  # every rule is linear in g: for one element, sent = g * local
            product = f"{_term(grad_in)} x {_term(np.asarray(local))} = {summarize(sent.grad)}"
        return InputRow(sent.index, text, self._values(sent.grad), product, note)

    def _leaf_rows(self, trace: BackwardTrace, max_steps: int | None) -> list[LeafRow]:
        """Each leaf's total, in the order backward() hands them out; then the leaves that got none."""
        rows = []
        reached = set()
        totals: list[LeafTotal] = trace.leaves
        if max_steps is not None and len(totals) > max_steps:
            totals = totals[:max_steps]
        for total in totals:
            leaf = total.leaf
            reached.add(id(leaf))
            note = ""
            if leaf._hooks:
                note += " (before this leaf's hooks, which backward() runs and this account does not)"
            if leaf._grad is not None:
                note += f"; .grad already holds {summarize(leaf._grad._data, self.max_elements)}, backward() would add"
            sum_of = self._sum_text(total.contributions) if len(total.contributions) > 1 else ""
            rows.append(LeafRow(self._leaf_text(leaf), self._values(total.grad), sum_of, note))
        if len(totals) < len(trace.leaves):
            rows.append(LeafRow(f"... {len(trace.leaves) - len(totals):,} more leaves", "not shown", "", ""))
            return rows
        for step in trace.steps:
            for sent in step.sent:
                target = sent.target
                if isinstance(target, Value) and id(target) not in reached:
                    reached.add(id(target))
                    rows.append(LeafRow(self._leaf_text(target), "None (no gradient reached it)", "", ""))
        return rows

    def _sum_text(self, contributions: Sequence[Contribution]) -> str:
        terms = [
            f"{_term(c.grad, self.max_elements)} ({'the seed' if c.step == 0 else f'from step {c.step:,}'})"
            for c in contributions[:MAX_TERMS]
        ]
        if len(contributions) > MAX_TERMS:
            terms.append(f"... ({len(contributions) - MAX_TERMS:,} more)")
        return " + ".join(terms)

    # ----- names and numbers --------------------------------------------------------------------
    def _name(self, value: Value) -> str:
        entry = self.names.get(id(value))
        return entry[0] if entry is not None else ""

    def _leaf_text(self, leaf: Value) -> str:
        number = self.leaf_numbers.setdefault(id(leaf), len(self.leaf_numbers))
        name = self._name(leaf) or f"leaf #{number}"
        return f"{name} {shape_text(leaf.shape)}"

    def _values(self, array: Any) -> str:
        array = np.asarray(array)
        text = summarize(array, self.max_elements)
        return text if array.ndim == 0 else f"{text}  shape {shape_text(array.shape)}"


def _step_text(row: StepRow, title: str) -> list[str]:
    """A step's block of text; the inputs' lines aligned on what they send."""
    out = f"{row.output} = " if row.output else ""
    if row.last == row.step:
        head = f"step {row.step}: {out}{row.op}  (output shape {row.shape})"
    else:
        head = f"steps {row.step:,}-{row.last:,}: {row.op} x {row.count:,}  (output shape {row.shape}; folded)"
    lines = ["", head, f"    rule: {row.rule}"]
    if not row.grad_in:
        lines.append("    no gradient reaches this op (its consumers sent none), so it sends none")
        return lines
    if row.last != row.step:
        lines.append(f"    gradient in {row.grad_in}")
    else:
        lines.append(f"    gradient in: {_d(title)}/{_d(row.output or 'out')} = {row.grad_in}")
    if row.sum_of:
        lines.append(f"        = {row.sum_of}")
    if row.hooked:
        lines.append("    (a hook is registered here: backward() applies it to this gradient; not shown here)")
    labels = [f"input {i.index} -> {i.target}:" for i in row.inputs]
    width = max((len(label) for label, i in zip(labels, row.inputs) if not i.target.startswith("constant")), default=0)
    prefix = f"    (step {row.last:,}) " if row.last != row.step else "    "
    for label, i in zip(labels, row.inputs):
        if i.target.startswith("constant"):
            text = f"input {i.index}: {i.target} {i.note}"
        elif not i.sent:
            text = f"{label.ljust(width)} no gradient returned"
        else:
            text = f"{label.ljust(width)} sends {i.product or i.sent}"
            if i.note:
                text += f"  {i.note}"
        lines.append(prefix + text)
    return lines


def _fold_runs(steps: Sequence[BackwardStep]) -> list[tuple[int, int, int]]:
    """(start, stop, period) of each row: a pattern of 1 to MAX_PERIOD ops repeated at least FOLD_RUN times one
    after another (`MulBackward0` x 99,998; `(AddBackward0, MulBackward0, TanhBackward0)` x 33,333) is one row."""
    functions = [step.node._function for step in steps]
    n = len(functions)
    runs: list[tuple[int, int, int]] = []
    start = 0
    while start < n:
        best_stop, best_period = start + 1, 1
        for period in range(1, MAX_PERIOD + 1):
            stop = start + period
            while stop < n and functions[stop] is functions[stop - period]:
                stop += 1
            repeats = (stop - start) // period
            if repeats >= FOLD_RUN and start + repeats * period > best_stop:
                best_stop, best_period = start + repeats * period, period
        if best_stop > start + 1:
            runs.append((start, best_stop, best_period))
        else:
            runs.append((start, start + 1, 1))
        start = best_stop
    return runs


def _saved_argument(node: Node, index: int) -> Any:
    """The array or number forward received as argument `index`, if the op saved it (else None)."""
    saved = node.saved_tensors
    if not isinstance(saved, tuple):  # FREED
        return None
    for k, item in enumerate(saved):
        if isinstance(item, np.ndarray | np.generic | int | float) and node.saved_role(k) == index:
            return item
    return None


def _term(array: Any, max_elements: int = 6) -> str:
    """A number or array summary as a term of a sum or product: negative numbers in parentheses."""
    text = summarize(array, max_elements)
    return f"({text})" if text.startswith("-") else text


def _rule(node: Node) -> str:
    doc = node._function.__doc__
    if not doc or not doc.strip():
        return f"(no docstring on {node._function.__name__}: see its backward)"
    return doc.strip().splitlines()[0]


def _op_name(value: Value) -> str:
    return value._grad_fn.name() if value._grad_fn is not None else "no op (a leaf)"


def _d(name: str) -> str:
    """Leibniz notation for a name: dloss, or d(x1*w1) when the name is not a plain identifier."""
    return f"d{name}" if name.isidentifier() else f"d({name})"
