"""The organisation: who reports to whom, checked for cycles and missing managers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from medsales.errors import InputError
from medsales.periods import Period
from medsales.policy.records import Employee

__all__ = ["Organisation", "manager_cycles"]

_W = TypeVar("_W")


def manager_cycles(
    managers: Mapping[str, Sequence[tuple[_W, str]]],
) -> list[tuple[_W, list[str]]]:
    """Every management cycle once: the link that closes it (its ``where``, e.g. a line)
    and the chain of ids, first id repeated at the end.

    ``managers`` maps an employee to their manager links ``(where, manager_id)``. A
    depth-first walk up the links; a node explored once is never walked again, so a roster
    of any size is walked in linear time.

    >>> manager_cycles({"A": [(1, "B")], "B": [(2, "A")], "C": [(3, "A")]})
    [(2, ['A', 'B', 'A'])]
    """
    found: list[tuple[_W, list[str]]] = []
    reported: set[frozenset[str]] = set()
    done: set[str] = set()
    for start in sorted(managers):
        if start in done:
            continue
        path = [start]
        stack = [iter(managers[start])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(path.pop())
                continue
            where, manager = step
            if manager in path:
                cycle = path[path.index(manager) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    found.append((where, [*cycle, manager]))
            elif manager in managers and manager not in done:
                path.append(manager)
                stack.append(iter(managers[manager]))
    return found


@attrs.frozen
class Organisation:
    """Managers and reports of a roster, as of a period.

    An employee with several rows (role changes) takes the manager of their latest row
    that is active in the period (or of their latest row, if none is). An empty
    ``manager_id`` marks the top of the organisation.
    """

    manager_of: Mapping[str, str | None]
    reports_of: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, employees: Iterable[Employee], period: Period | None = None) -> Organisation:
        """Build and check the organisation; a cycle or an unknown manager is an error
        naming the employees involved."""
        latest: dict[str, Employee] = {}
        for e in employees:
            current = latest.get(e.employee_id)
            if current is None or _rank(e, period) >= _rank(current, period):
                latest[e.employee_id] = e
        manager_of = {eid: e.manager_id for eid, e in sorted(latest.items())}
        unknown = sorted(
            (eid, m) for eid, m in manager_of.items() if m is not None and m not in manager_of
        )
        if unknown:
            listing = ", ".join(f"{eid} → {m}" for eid, m in unknown)
            raise InputError(
                f"manager_id names no employee: {listing}",
                path="employees.manager_id",
                value=[m for _, m in unknown],
                expected="the employee_id of an employee in the roster, or empty for the top",
            )
        links = {eid: [(eid, m)] for eid, m in manager_of.items() if m is not None}
        cycles = manager_cycles(links)
        if cycles:
            cycle = cycles[0][1]
            raise InputError(
                "the managers form a cycle: " + " → ".join(cycle),
                path="employees.manager_id",
                value=cycle,
                expected="a tree: every chain of managers ends at someone with none",
            )
        reports: dict[str, list[str]] = {eid: [] for eid in manager_of}
        for eid, m in manager_of.items():
            if m is not None:
                reports[m].append(eid)
        return cls(
            manager_of=manager_of,
            reports_of={m: tuple(sorted(r)) for m, r in reports.items()},
        )

    def direct_reports(self, employee_id: str) -> tuple[str, ...]:
        """Those whose manager is ``employee_id``."""
        return self.reports_of.get(employee_id, ())

    def descendants(self, employee_id: str) -> tuple[str, ...]:
        """Everyone below ``employee_id``, at any depth, in a stable order."""
        out: list[str] = []
        stack = list(reversed(self.direct_reports(employee_id)))
        while stack:
            eid = stack.pop()
            out.append(eid)
            stack.extend(reversed(self.direct_reports(eid)))
        return tuple(out)

    def team(self, employee_id: str) -> str | None:
        """The team an employee belongs to: their manager's id (None at the top)."""
        return self.manager_of.get(employee_id)


def _rank(e: Employee, period: Period | None) -> tuple[bool, dt.date]:
    start = e.active_from or dt.date.min
    if period is None:
        return (True, start)
    active = (e.active_from or dt.date.min) <= period.end and period.start <= (
        e.active_to or dt.date.max
    )
    return (active, start)
