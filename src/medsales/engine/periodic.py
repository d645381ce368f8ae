"""Appraising an employee over a period from row-level data (SPEC §6).

Rows of sub-periods are aggregated per KPI by its ``aggregation``; sum-aggregated targets
are prorated by the share of each row's period in which the employee was active (in the
role); an employee who changed role is appraised per role segment and the segments' raw
scores combine weighted by days, before conduct applies once to the combined score.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from medsales.engine.appraise import (
    Resolved,
    Scored,
    finish,
    normalize_incidents,
    resolve_period,
    score_lines,
)
from medsales.engine.notes import Note
from medsales.engine.results import Appraisal, Segment
from medsales.errors import (
    InputError,
    MedsalesError,
    PeriodError,
    UnknownKPIError,
    format_path,
    shown,
)
from medsales.numbers import MAX_ID, check_text, display, engine_context, exact_sum
from medsales.periods import Aggregation, Period, active_share, aggregate
from medsales.policy.document import require_policy
from medsales.policy.models import GoalsDerive, Incident, Policy
from medsales.policy.records import Employee, Goal, MeasurementRow

__all__ = [
    "PeriodRow",
    "RoleSpan",
    "appraise_employee",
    "appraise_spans",
    "group_rows",
    "measurement_period",
    "required_period",
    "resolve_rows",
    "role_spans",
    "row_period",
    "validate_records",
]

_M = TypeVar("_M", bound=BaseModel)


@attrs.frozen
class RoleSpan:
    """A span of days within a period in which an employee held one role."""

    role: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Calendar days in the span, both ends included."""
        return (self.end - self.start).days + 1


def appraise_employee(
    policy: Policy,
    *,
    employee_id: str,
    employees: Iterable[Employee | Mapping[str, Any]],
    measurements: Iterable[MeasurementRow | Mapping[str, Any]],
    period: Period | str,
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
    goals: Iterable[Goal | Mapping[str, Any]] = (),
) -> Appraisal:
    """Appraise one employee for ``period`` from the rows of the employees, measurements and
    incidents files (SPEC §10); rows of other employees are passed over, so whole files
    may be given. ``goals`` (records or mappings, SPEC §16) give the values of KPIs
    derived from goals; all of them are checked, whoever they belong to.
    """
    require_policy(policy)
    check_text(employee_id, path="employee_id", limit=MAX_ID)
    try:
        with engine_context():
            within = required_period(policy, period)
            derived = _goal_values(policy, goals, employee_id, within)
            return _appraise_employee(
                policy,
                employee_id=employee_id,
                employees=validate_records(Employee, employees, "employees"),
                rows=validate_records(MeasurementRow, measurements, "measurements"),
                period=within,
                incidents=normalize_incidents(incidents),
                derived=derived,
            )
    except MedsalesError:
        raise
    except (ArithmeticError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise InputError(f"cannot appraise {shown(employee_id)}: {exc}") from exc


def required_period(policy: Policy, period: Period | str) -> Period:
    """The appraised period, which row-level appraisal cannot do without."""
    resolved = resolve_period(policy, period)
    if resolved is None:
        raise InputError(
            "a period is needed to appraise from rows", path="period", expected="a label"
        )
    return resolved


def validate_records(
    model: type[_M],
    items: Iterable[Any],
    name: str,
    *,
    keep: Callable[[int, _M], bool] | None = None,
) -> list[tuple[int, _M]]:
    """Validate every record; each keeps its index for messages. With ``keep``, a valid
    record is kept only when ``keep(index, record)`` says so (it may raise to reject it):
    rows of other periods are checked, then let go, not held in memory."""
    out: list[tuple[int, _M]] = []
    for i, raw in enumerate(items):
        if isinstance(raw, model):
            if keep is None or keep(i, raw):
                out.append((i, raw))
            continue
        if not isinstance(raw, Mapping):
            raise InputError(
                f"a row must be a mapping or a {model.__name__}, not {type(raw).__name__}",
                path=f"{name}[{i}]",
                value=raw,
            )
        try:
            record = model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = [p for p in first["loc"] if not str(p).startswith("function-")]
            message = first["msg"].removeprefix("Value error, ")
            raise InputError(
                message, path=format_path([name, i, *loc]), value=first.get("input")
            ) from None
        if keep is None or keep(i, record):
            out.append((i, record))
    return out


def role_spans(
    employee_id: str, employees: Iterable[tuple[int, Employee]], period: Period
) -> tuple[RoleSpan, ...]:
    """The employee's role assignments that fall in ``period``, clipped to it, in order.

    Overlapping assignments are an error; an employee with none in the period is one too.
    """
    rows = sorted(
        ((i, e) for i, e in employees if e.employee_id == employee_id),
        key=lambda item: item[1].active_from or dt.date.min,
    )
    if not rows:
        raise InputError(
            f"no employee {shown(employee_id)} in the employees rows",
            path="employee_id",
            value=employee_id,
        )
    spans: list[RoleSpan] = []
    for (i, prev), (j, cur) in itertools.pairwise(rows):
        if (prev.active_to or dt.date.max) >= (cur.active_from or dt.date.min):
            raise InputError(
                f"employee {employee_id!r} has overlapping role assignments "
                f"(employees[{i}] {prev.role}, employees[{j}] {cur.role})",
                path=f"employees[{j}].active_from",
                value=cur.active_from,
                expected=f"a date after {prev.active_to}",
            )
    for _, e in rows:
        start = max(e.active_from or period.start, period.start)
        end = min(e.active_to or period.end, period.end)
        if start <= end:
            if spans and spans[-1].role == e.role and spans[-1].end + dt.timedelta(1) == start:
                spans[-1] = RoleSpan(e.role, spans[-1].start, end)  # same role, no gap
            else:
                spans.append(RoleSpan(e.role, start, end))
    if not spans:
        raise InputError(
            f"employee {employee_id!r} is not active in {period.label}",
            path="employee_id",
            value=employee_id,
        )
    return tuple(spans)


@attrs.frozen
class PeriodRow:
    """A measurement row with its index (for messages) and its period, read once."""

    index: int
    period: Period
    row: MeasurementRow


def row_period(policy: Policy, label: str, period: Period, path: str) -> Period | None:
    """A row's period read in the policy's calendar: None when it lies outside ``period``;
    an error when it straddles it. Labels read without error are remembered."""
    key = (label, policy.fiscal_year_start, policy.fiscal_year_named_by, period.start, period.end)
    known = _ROW_PERIODS.get(key, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    found = _row_period(policy, label, period, path)
    if len(_ROW_PERIODS) >= 10_000:
        _ROW_PERIODS.clear()
    _ROW_PERIODS[key] = found
    return found


_UNKNOWN: Final = object()
_ROW_PERIODS: dict[tuple[str, int, str, dt.date, dt.date], Period | None] = {}
"""Labels of rows read, per calendar and appraised period: a period's rows share a few
labels."""


def _row_period(policy: Policy, label: str, period: Period, path: str) -> Period | None:
    try:
        found = Period.parse(
            label,
            fiscal_year_start=policy.fiscal_year_start,
            named_by=policy.fiscal_year_named_by,
        )
    except PeriodError as exc:
        raise PeriodError(exc.message, path=path, value=label, expected=exc.expected) from None
    if not found.overlaps(period):
        return None
    if not period.contains(found):
        raise InputError(
            f"the row's period {found.label} straddles the appraised period "
            f"{period.label} ({period.start} – {period.end})",
            path=path,
            value=label,
            expected=f"a period inside {period.label}, or outside it",
        )
    return found


def measurement_period(
    policy: Policy, index: int, row: MeasurementRow, period: Period
) -> Period | None:
    """A measurement row checked (a KPI of the policy that takes measurements, a period
    label in its calendar that does not straddle ``period``): its period, or None when it
    lies outside ``period``."""
    kpi = policy.kpis_by_id.get(row.kpi)
    if kpi is None:
        raise UnknownKPIError(
            f"unknown KPI {row.kpi!r}",
            path=f"measurements[{index}].kpi",
            value=row.kpi,
            expected="one of " + ", ".join(sorted(policy.kpis_by_id)),
        )
    if kpi.derive is not None:
        raise InputError(
            f"KPI {row.kpi!r} is derived from {kpi.derive.from_} data and takes no "
            "measurement rows",
            path=f"measurements[{index}].kpi",
            value=row.kpi,
            expected=f"its {kpi.derive.from_} data instead",
        )
    return row_period(policy, row.period, period, f"measurements[{index}].period")


def group_rows(
    policy: Policy,
    rows: Iterable[tuple[int, MeasurementRow]],
    period: Period,
    *,
    employee_id: str | None = None,
) -> dict[str, dict[str, list[PeriodRow]]]:
    """Rows inside ``period`` by employee and KPI (one employee's when ``employee_id`` is
    given); straddling, duplicate or overlapping rows, rows of unknown KPIs and rows of
    derived KPIs are errors."""
    grouped: dict[str, dict[str, list[PeriodRow]]] = {}
    checked: dict[tuple[str, str], Period | None] = {}  # KPI and label: checked once
    for i, row in rows:
        if employee_id is not None and row.employee_id != employee_id:
            continue
        key = (row.kpi, row.period)
        if key in checked:
            found = checked[key]
        else:
            found = checked[key] = measurement_period(policy, i, row, period)
        if found is not None:
            grouped.setdefault(row.employee_id, {}).setdefault(row.kpi, []).append(
                PeriodRow(i, found, row)
            )
    for eid, by_kpi in grouped.items():
        for kpi_id, items in by_kpi.items():
            items.sort(key=lambda r: (r.period.start, r.period.end))
            for a, b in itertools.pairwise(items):
                if a.period.overlaps(b.period):
                    what = "two rows for" if a.period == b.period else "overlapping rows for"
                    raise InputError(
                        f"{what} employee {eid!r}, KPI {kpi_id!r}: "
                        f"measurements[{a.index}] ({a.period.label}) and "
                        f"measurements[{b.index}] ({b.period.label}); they are never "
                        "summed silently",
                        path=f"measurements[{b.index}]",
                        value=b.row.period,
                    )
    return grouped


def resolve_rows(policy: Policy, kpi_id: str, rows: list[PeriodRow], span: RoleSpan) -> Resolved:
    """Aggregate one KPI's rows for a span; prorate sum targets by each row's active share."""
    kpi = policy.kpi(kpi_id)
    applicable = [r for r in rows if r.row.applicable]
    if not applicable:
        return Resolved(actual=None, applicable=False)
    notes: list[Note] = []
    if len(applicable) > 1:
        notes.append(
            Note.of(
                "aggregated",
                how=kpi.aggregation,
                count=len(applicable),
                periods=", ".join(r.period.label for r in applicable),
            )
        )
    weights = None
    if kpi.aggregation == "weighted_mean":
        for r in applicable:
            if r.row.weight is None:
                raise InputError(
                    f"KPI {kpi_id!r} aggregates by weighted_mean and needs a weight on every row",
                    path=f"measurements[{r.index}].weight",
                    expected="a weight ≥ 0",
                )
        weights = [r.row.weight for r in applicable if r.row.weight is not None]
    actual = _aggregate(
        [r.row.actual for r in applicable if r.row.actual is not None],
        kpi.aggregation,
        weights,
    )
    with_target = [r for r in applicable if r.row.target is not None]
    if with_target and len(with_target) != len(applicable):
        missing = next(r for r in applicable if r.row.target is None)
        raise InputError(
            f"KPI {kpi_id!r} has a target for some periods but not for {missing.period.label}",
            path=f"measurements[{missing.index}].target",
            expected="a target on every row of the KPI, or on none",
        )
    target: Fraction | None = None
    if with_target:
        targets: list[Decimal | Fraction] = []
        for r in with_target:
            assert r.row.target is not None
            value: Decimal | Fraction = r.row.target
            within = span.start <= r.period.start and r.period.end <= span.end
            if kpi.aggregation == "sum" and not within:  # (a row within the span: share 1)
                share = active_share(r.period, span.start, span.end, policy.proration)
                if share != 1:
                    prorated = Fraction(value) * share
                    notes.append(
                        Note.of(
                            "prorated",
                            target=r.row.target,
                            share=f"{share.numerator}/{share.denominator}",
                            method=policy.proration,
                            prorated=display(prorated),
                        )
                    )
                    value = prorated
            targets.append(value)
        target = _aggregate(targets, kpi.aggregation, weights)
    return Resolved(actual=actual, target=target, notes=tuple(notes))


def _aggregate(
    values: list[Decimal | Fraction], how: Aggregation, weights: list[Decimal] | None
) -> Fraction:
    """:func:`~medsales.periods.aggregate` of a KPI's rows; the numbers of records, checked
    against SPEC §21's limits when each record was made, are summed as they are."""
    if how in ("sum", "mean") and values and all(type(v) is Decimal for v in values):
        total = Fraction(exact_sum(values))  # type: ignore[arg-type]
        return total if how == "sum" else total / len(values)
    return aggregate(values, how, weights)


def _overlaps(period: Period, span: RoleSpan) -> bool:
    return period.start <= span.end and span.start <= period.end


def _assign_rows(
    policy: Policy,
    by_kpi: Mapping[str, list[PeriodRow]],
    spans: tuple[RoleSpan, ...],
    notes: list[Note],
) -> list[dict[str, list[PeriodRow]]]:
    """Each span's rows of the KPIs on its role's scorecard; a row of such a KPI that lies
    wholly outside the employee's active dates is passed over with a note.

    A row that overlaps two spans whose scorecards both use its KPI cannot be split
    between them (an actual cannot be divided by days): that is an error.
    """
    cards = [policy.scorecard(span.role).kpi_ids for span in spans]
    on_any = frozenset().union(*cards)
    assigned: list[dict[str, list[PeriodRow]]] = [{} for _ in spans]
    for kpi_id, rows in by_kpi.items():
        for r in rows:
            owners = [
                n
                for n, span in enumerate(spans)
                if kpi_id in cards[n] and _overlaps(r.period, span)
            ]
            if len(owners) > 1:
                a, b = spans[owners[0]], spans[owners[1]]
                raise InputError(
                    f"the row for KPI {kpi_id!r} in {r.period.label} spans the change from "
                    f"{a.role} to {b.role} on {b.start}, and both scorecards use the KPI; "
                    "give the measurements of each role's part separately",
                    path=f"measurements[{r.index}].period",
                    value=r.row.period,
                )
            if not owners and kpi_id in on_any and not any(_overlaps(r.period, s) for s in spans):
                notes.append(
                    Note.of(
                        "row_outside_active",
                        kpi=kpi_id,
                        period=r.period.label,
                        start=spans[0].start,
                        end=spans[-1].end,
                    )
                )
            for n in owners:
                assigned[n].setdefault(kpi_id, []).append(r)
    return assigned


def _appraise_employee(
    policy: Policy,
    *,
    employee_id: str,
    employees: list[tuple[int, Employee]],
    rows: list[tuple[int, MeasurementRow]],
    period: Period,
    incidents: tuple[Incident, ...],
    derived: Mapping[str, Resolved] | None = None,
) -> Appraisal:
    spans = role_spans(employee_id, employees, period)
    grouped = group_rows(policy, rows, period, employee_id=employee_id)
    own_incidents = tuple(
        i for i in incidents if i.employee_id is None or i.employee_id == employee_id
    )
    return appraise_spans(
        policy,
        employee_id=employee_id,
        spans=spans,
        rows=grouped.get(employee_id, {}),
        period=period,
        incidents=own_incidents,
        derived=derived,
    )


def _goal_values(
    policy: Policy,
    goals: Iterable[Goal | Mapping[str, Any]],
    employee_id: str,
    period: Period,
) -> dict[str, Resolved]:
    """The values of the goals-derived KPIs for one employee (SPEC §16)."""
    # the roll-up lives with the other derived KPIs in medsales.cohort.goals
    from medsales.cohort.goals import goal_metric, goals_book

    given = list(goals)
    if not given:
        return {}
    book = goals_book(policy, given)
    out: dict[str, Resolved] = {}
    for kpi in policy.kpis:
        if isinstance(kpi.derive, GoalsDerive):
            value = goal_metric(book, kpi.id, employee_id, period)
            if value is not None:
                out[kpi.id] = value
    return out


def appraise_spans(
    policy: Policy,
    *,
    employee_id: str,
    spans: tuple[RoleSpan, ...],
    rows: Mapping[str, list[PeriodRow]],
    period: Period,
    incidents: tuple[Incident, ...],
    derived: Mapping[str, Resolved] | None = None,
) -> Appraisal:
    """Appraise one employee's role spans from their grouped rows; ``derived`` holds the
    period's values of derived KPIs (surveys, ratings, team roll-ups), given to every span
    whose scorecard uses them."""
    notes: list[Note] = []
    active_days = sum(s.days for s in spans)
    if active_days != period.days:
        notes.append(
            Note.of(
                "active_part",
                start=spans[0].start,
                end=spans[-1].end,
                days=active_days,
                period_days=period.days,
                period=period.label,
            )
        )
    on_cards = frozenset().union(*(policy.scorecard(span.role).kpi_ids for span in spans))
    roles = ", ".join(dict.fromkeys(span.role for span in spans))
    for kpi_id in sorted(set(rows) - on_cards):
        notes.append(Note.of("unused_measurement", kpi=kpi_id, role=roles))
    scored_spans = []
    for span, rows_of in zip(spans, _assign_rows(policy, rows, spans, notes), strict=True):
        resolved = {kpi_id: resolve_rows(policy, kpi_id, r, span) for kpi_id, r in rows_of.items()}
        if derived:
            for kpi_id in policy.scorecard(span.role).kpi_ids & derived.keys():
                resolved[kpi_id] = derived[kpi_id]
        scored_spans.append((span, score_lines(policy, span.role, resolved)))

    if len(scored_spans) == 1:
        return finish(
            policy,
            scored_spans[0][1],
            incidents=incidents,
            employee_id=employee_id,
            period=period,
            notes=tuple(notes),
        )

    segments, raw = _combine_segments(policy, employee_id, period, scored_spans, notes)
    combined = Scored(role=spans[-1].role, lines=(), raw=raw, notes=())
    return finish(
        policy,
        combined,
        incidents=incidents,
        employee_id=employee_id,
        period=period,
        segments=tuple(segments),
        notes=tuple(notes),
    )


def _combine_segments(
    policy: Policy,
    employee_id: str,
    period: Period,
    scored_spans: list[tuple[RoleSpan, Scored]],
    notes: list[Note],
) -> tuple[list[Segment], Fraction | None]:
    """Each role span appraised on its own, and the raw scores combined by days (SPEC §6);
    conduct is applied once, to the combination."""
    segments: list[Segment] = []
    total_days = 0
    weighted = Fraction(0)
    for span, scored in scored_spans:
        segments.append(
            Segment(
                role=span.role,
                start=span.start,
                end=span.end,
                days=span.days,
                appraisal=finish(
                    policy, scored, incidents=(), employee_id=employee_id, period=period
                ),
            )
        )
        if scored.raw is None:
            notes.append(
                Note.of("segment_incomplete", role=span.role, start=span.start, end=span.end)
            )
            continue
        notes.append(
            Note.of(
                "segment",
                role=span.role,
                start=span.start,
                end=span.end,
                days=span.days,
                raw=display(scored.raw),
            )
        )
        weighted += scored.raw * span.days
        total_days += span.days
    raw = weighted / total_days if total_days else None
    if raw is not None:
        notes.append(Note.of("segments_combined", count=len(segments), raw=display(raw)))
    return segments, raw
