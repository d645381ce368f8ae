"""Goals (目标) and their progress (SPEC §16): trees rolled up at any depth, exactly.

A goal with children has the weight-weighted mean progress of its non-archived children,
recursively, whatever the depth of each branch; a goal with none uses its own progress (0
if none is given, 100 if it is ``completed`` with none). Archived goals count nowhere. A
KPI with ``derive = { from = "goals" }`` reads the weight-weighted mean of an employee's
non-archived top goals that feed it and whose period is, or contains, the appraised
period. Everything is a :class:`~fractions.Fraction`: 50/3 stays 50/3.

:func:`goal_problems` finds every problem of a set of goals at once (a duplicate id, an
unknown parent, a parent of another employee or of a period that does not contain the
child's, a cycle, an unknown KPI); the CSV reader reports them by line, the Python API by
key path (``goals[3].parent_id``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from medsales.engine.appraise import Resolved
from medsales.engine.notes import Note
from medsales.errors import InputError, MedsalesError, Problem
from medsales.numbers import display
from medsales.periods import Period
from medsales.policy.models import GoalsDerive, Policy
from medsales.policy.records import Goal

__all__ = ["GoalBook", "GoalProblem", "goal_metric", "goal_problems", "goals_book"]

_ZERO: Final = Fraction(0)
_HUNDRED: Final = Fraction(100)


@attrs.frozen
class GoalProblem:
    """One problem of a set of goals: the goal's index among them, its column, the
    offending value and what is wrong (naming the goal by its id)."""

    index: int
    column: str
    value: object
    message: str


def _read_period(label: str, policy: Policy | None) -> Period:
    if policy is None:
        return Period.parse(label)
    return Period.parse(label, policy.fiscal_year_start, policy.fiscal_year_named_by)


def goal_problems(
    goals: Sequence[Goal],
    policy: Policy | None = None,
    *,
    where: Callable[[int], str] = lambda i: f"goals[{i}]",
) -> list[GoalProblem]:
    """Every problem of ``goals`` (SPEC §16), in the order of the goals; ``where(i)`` names
    another goal's place in messages (a key path, or a line of a file)."""
    problems: list[GoalProblem] = []
    first: dict[str, int] = {}
    periods: dict[int, Period] = {}
    for i, g in enumerate(goals):
        if g.goal_id in first:
            problems.append(
                GoalProblem(
                    i,
                    "goal_id",
                    g.goal_id,
                    f"goal {g.goal_id!r} is given twice (also at {where(first[g.goal_id])})",
                )
            )
        else:
            first[g.goal_id] = i
        try:
            periods[i] = _read_period(g.period, policy)
        except MedsalesError as exc:
            expected = f" (expected {exc.expected})" if exc.expected else ""
            problems.append(
                GoalProblem(i, "period", g.period, f"goal {g.goal_id!r}: {exc.message}{expected}")
            )
    problems.extend(_kpi_problems(goals, policy))
    problems.extend(_parent_problems(goals, first, periods))
    problems.extend(_cycles(goals, first))
    problems.sort(key=lambda q: q.index)
    return problems


def _kpi_problems(goals: Sequence[Goal], policy: Policy | None) -> list[GoalProblem]:
    """With a policy, a goal feeds only a KPI derived from goals."""
    if policy is None:
        return []
    goal_kpis = sorted(k.id for k in policy.kpis if isinstance(k.derive, GoalsDerive))
    valid = ", ".join(goal_kpis) if goal_kpis else 'none: no KPI says from = "goals"'
    return [
        GoalProblem(
            i,
            "kpi",
            g.kpi,
            f"goal {g.goal_id!r} feeds KPI {g.kpi!r}, which is not derived from goals "
            f"(expected one of {valid})",
        )
        for i, g in enumerate(goals)
        if g.kpi is not None and g.kpi not in goal_kpis
    ]


def _parent_problems(
    goals: Sequence[Goal], first: Mapping[str, int], periods: Mapping[int, Period]
) -> list[GoalProblem]:
    """A parent is a known goal of the same employee whose period contains the child's."""
    problems: list[GoalProblem] = []
    for i, g in enumerate(goals):
        parent_id = g.parent_id
        if parent_id is None or first.get(g.goal_id) != i:
            continue
        p = first.get(parent_id)
        if p is None:
            message = (
                f"goal {g.goal_id!r} has an unknown parent {parent_id!r} (expected the "
                "goal_id of another goal, or empty for a top goal)"
            )
        elif goals[p].employee_id != g.employee_id:
            message = (
                f"goal {g.goal_id!r} of employee {g.employee_id!r} has parent "
                f"{parent_id!r} of employee {goals[p].employee_id!r} (expected a goal of "
                "the same employee)"
            )
        elif i in periods and p in periods and not periods[p].contains(periods[i]):
            message = (
                f"goal {g.goal_id!r} ({periods[i].label}) has parent {parent_id!r} whose "
                f"period {periods[p].label} does not contain it (expected a parent whose "
                "period contains the child's, e.g. a year's goal with quarterly children)"
            )
        else:
            continue
        problems.append(GoalProblem(i, "parent_id", parent_id, message))
    return problems


def _cycles(goals: Sequence[Goal], first: Mapping[str, int]) -> list[GoalProblem]:
    """Each cycle of parent links once, at the goal (first in the input) that closes it.

    Every goal has at most one parent, so walking up from each goal either ends, meets a
    goal already known to end, or comes back into its own walk: a cycle.
    """
    out: list[GoalProblem] = []
    done: set[int] = set()
    for start in range(len(goals)):
        path: list[int] = []
        on_path: set[int] = set()
        node: int | None = start
        while node is not None and node not in done:
            if node in on_path:
                cycle = path[path.index(node) :]
                closing = min(cycle)
                order = cycle[cycle.index(closing) :] + cycle[: cycle.index(closing)]
                chain = " → ".join(goals[k].goal_id for k in [*order, closing])
                g = goals[closing]
                out.append(
                    GoalProblem(
                        closing,
                        "parent_id",
                        g.parent_id,
                        f"goals form a cycle: {chain} (each goal's parent_id leads back; "
                        "expected a tree, every chain of parents ending at a top goal)",
                    )
                )
                break
            path.append(node)
            on_path.add(node)
            parent = goals[node].parent_id
            node = None if parent is None else first.get(parent)
        done.update(path)
    return out


@attrs.define(eq=False)
class GoalBook:
    """Checked goals, ready to roll up: by id, their non-archived children, their periods
    and each employee's top goals. Progress is computed once per goal."""

    goals: Mapping[str, Goal]
    periods: Mapping[str, Period]
    children: Mapping[str, tuple[Goal, ...]]
    archived: Mapping[str, tuple[Goal, ...]]
    tops: Mapping[str, tuple[Goal, ...]]
    _progress: dict[str, Fraction] = attrs.field(factory=dict)

    def progress(self, goal_id: str) -> Fraction:
        """The goal's progress, 0–100: its non-archived children's weight-weighted mean,
        or its own (0 if none; ``completed`` with none: 100)."""
        found = self._progress.get(goal_id)
        if found is not None:
            return found
        # iteratively, children first: a deep tree never exhausts the stack
        stack = [goal_id]
        while stack:
            current = stack[-1]
            pending = [c.goal_id for c in self.children[current] if c.goal_id not in self._progress]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            self._progress[current] = self._own_or_rolled(current)
        return self._progress[goal_id]

    def _own_or_rolled(self, goal_id: str) -> Fraction:
        kids = self.children[goal_id]
        if kids:
            total = sum((Fraction(c.weight) for c in kids), _ZERO)
            return (
                sum((Fraction(c.weight) * self._progress[c.goal_id] for c in kids), _ZERO) / total
            )
        goal = self.goals[goal_id]
        if goal.progress is not None:
            return Fraction(goal.progress)
        return _HUNDRED if goal.status == "completed" else _ZERO

    def tree_notes(self, goal_id: str, depth: int = 0) -> list[Note]:
        """A goal and its subtree as notes, parents first, children by id: each goal's
        progress and how it was reached; archived children are listed as not counted."""
        out: list[Note] = []
        stack: list[tuple[str, int]] = [(goal_id, depth)]
        while stack:
            current, level = stack.pop()
            goal = self.goals[current]
            title = f" “{goal.title}”" if goal.title else ""
            if goal.status == "archived":
                out.append(Note.of("goal_archived", goal=current, title=title, depth=level))
                continue
            kids = self.children[current]
            progress = self.progress(current)
            if kids:
                total = sum((c.weight for c in kids), Decimal(0))
                terms = " + ".join(
                    f"{display(self.progress(c.goal_id))} × {c.weight}"
                    for c in sorted(kids, key=lambda c: c.goal_id)
                )
                out.append(
                    Note.of(
                        "goal_rolled_up",
                        goal=current,
                        title=title,
                        progress=progress,
                        formula=f"({terms}) / {total}",
                        depth=level,
                    )
                )
            elif goal.progress is None:
                code = "goal_completed" if goal.status == "completed" else "goal_no_progress"
                out.append(Note.of(code, goal=current, title=title, depth=level))
            else:
                out.append(
                    Note.of("goal", goal=current, title=title, progress=progress, depth=level)
                )
            everyone = [*kids, *self.archived[current]]
            for child in sorted(everyone, key=lambda c: c.goal_id, reverse=True):
                stack.append((child.goal_id, level + 1))
        return out


def goals_book(
    policy: Policy | None,
    goals: Iterable[Goal | Mapping[str, Any]],
    *,
    known: Mapping[str, Any] | None = None,
) -> GoalBook:
    """Validate ``goals`` (records or mappings) and build their book; every problem is
    reported at once in one :class:`~medsales.errors.InputError`, each at its key path
    (``goals[3].parent_id``). With ``known``, every goal's employee must be in it."""
    from medsales.engine.periodic import validate_records

    records = [g for _, g in validate_records(Goal, goals, "goals")]
    found = goal_problems(records, policy)
    if known is not None:
        found.extend(
            GoalProblem(
                i,
                "employee_id",
                g.employee_id,
                f"goal {g.goal_id!r}: employee {g.employee_id!r} is not in the employees rows "
                "(expected an employee_id of the roster)",
            )
            for i, g in enumerate(records)
            if g.employee_id not in known
        )
        found.sort(key=lambda q: q.index)
    if len(found) == 1:
        q = found[0]
        raise InputError(q.message, path=f"goals[{q.index}].{q.column}", value=q.value)
    if found:
        problems = [
            Problem(q.message, path=f"goals[{q.index}].{q.column}", value=q.value) for q in found
        ]
        raise InputError(f"{len(problems)} problems in the goals", problems=problems)
    return book_of(records, policy)


def book_of(records: Sequence[Goal], policy: Policy | None) -> GoalBook:
    """The book of goals already checked by :func:`goal_problems`."""
    by_id = {g.goal_id: g for g in records}
    children: dict[str, list[Goal]] = {g.goal_id: [] for g in records}
    archived: dict[str, list[Goal]] = {g.goal_id: [] for g in records}
    tops: dict[str, list[Goal]] = {}
    for g in records:
        if g.parent_id is None:
            tops.setdefault(g.employee_id, []).append(g)
        else:
            (archived if g.status == "archived" else children)[g.parent_id].append(g)
    return GoalBook(
        goals=by_id,
        periods={g.goal_id: _read_period(g.period, policy) for g in records},
        children={k: tuple(v) for k, v in children.items()},
        archived={k: tuple(v) for k, v in archived.items()},
        tops={k: tuple(sorted(v, key=lambda g: g.goal_id)) for k, v in tops.items()},
    )


def goal_metric(book: GoalBook, kpi_id: str, employee_id: str, period: Period) -> Resolved | None:
    """The value of a goals-derived KPI for an employee and period (SPEC §16): the
    weight-weighted mean progress of their non-archived top goals that feed ``kpi_id``
    and whose period is, or contains, ``period``; None (missing) when there is none."""
    feeding = [
        g
        for g in book.tops.get(employee_id, ())
        if g.kpi == kpi_id and g.status != "archived" and book.periods[g.goal_id].contains(period)
    ]
    if not feeding:
        return None
    total = sum((Fraction(g.weight) for g in feeding), _ZERO)
    value = sum((Fraction(g.weight) * book.progress(g.goal_id) for g in feeding), _ZERO) / total
    notes: list[Note] = []
    for g in feeding:
        notes.extend(book.tree_notes(g.goal_id))
    terms = " + ".join(f"{display(book.progress(g.goal_id))} × {g.weight}" for g in feeding)
    notes.append(
        Note.of(
            "goals_value",
            kpi=kpi_id,
            count=len(feeding),
            value=value,
            formula=f"({terms}) / {display(total)}",
        )
    )
    return Resolved(actual=value, notes=tuple(notes))
