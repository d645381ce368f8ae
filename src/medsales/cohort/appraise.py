"""A whole department appraised at once (SPEC §8): one call, an immutable result."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeVar

import attrs
from pydantic import BaseModel

from medsales.cohort.derive import rating_metric, survey_metric, team_metric
from medsales.cohort.distribution import apply_distribution
from medsales.cohort.goals import GoalBook, goal_metric, goals_book
from medsales.cohort.organisation import Organisation
from medsales.engine.appraise import Resolved, normalize_incidents
from medsales.engine.notes import Note
from medsales.engine.periodic import (
    PeriodRow,
    RoleSpan,
    appraise_spans,
    group_rows,
    measurement_period,
    required_period,
    resolve_rows,
    role_spans,
    row_period,
    validate_records,
)
from medsales.engine.results import ENGINE, Appraisal, document_json, policy_ref
from medsales.errors import InputError, MedsalesError, shown
from medsales.numbers import engine_context, number_text
from medsales.periods import Period, aggregate
from medsales.policy.document import require_policy
from medsales.policy.models import (
    KPI,
    GoalsDerive,
    Incident,
    Policy,
    RatingsDerive,
    SurveyDerive,
    TeamDerive,
)
from medsales.policy.records import Employee, Goal, MeasurementRow, Rating, SurveyResponse

__all__ = [
    "CohortResult",
    "Coverage",
    "GroupSummary",
    "NotAppraised",
    "Unscored",
    "appraise_cohort",
    "coverage_of",
    "no_rows_error",
]

Unscored = Literal["error", "skip"]
"""What :func:`appraise_cohort` does with someone whose role has no scorecard (SPEC §15)."""

COHORT_FORMAT = "medsales.cohort/1"
_M = TypeVar("_M", bound=BaseModel)


@attrs.frozen
class GroupSummary:
    """Statistics of the final scores and grades of a team or a role."""

    key: str
    count: int
    complete: int
    mean: Fraction | None
    median: Fraction | None
    minimum: Decimal | None
    maximum: Decimal | None
    grades: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""

        def num(v: Fraction | Decimal | None) -> str | None:
            return None if v is None else number_text(v)

        return {
            "key": self.key,
            "count": self.count,
            "complete": self.complete,
            "mean": num(self.mean),
            "median": num(self.median),
            "minimum": num(self.minimum),
            "maximum": num(self.maximum),
            "grades": dict(self.grades),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupSummary:
        """A summary read back from a cohort document."""
        from medsales.engine.load import _Reader

        r = _Reader(data, "")
        grades = r.get("grades")
        if not isinstance(grades, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in grades.values()
        ):
            raise r._bad("grades", "an object of counts")
        count, complete = r.get("count"), r.get("complete")
        if not isinstance(count, int) or not isinstance(complete, int):
            raise r._bad("count", "whole numbers count and complete")
        return cls(
            key=r.text("key"),
            count=count,
            complete=complete,
            mean=r.opt_fraction("mean"),
            median=r.opt_fraction("median"),
            minimum=r.opt_decimal("minimum"),
            maximum=r.opt_decimal("maximum"),
            grades=dict(grades),
        )


@attrs.frozen
class NotAppraised:
    """Someone of the roster who was left out of a cohort (``unscored="skip"``) and why."""

    employee_id: str
    role: str
    code: Literal["no_scorecard", "unknown_role"]
    """``no_scorecard``: a role of the policy without a scorecard; ``unknown_role``: a
    role the policy does not know."""

    @property
    def reason(self) -> str:
        """Why, in English (the views have it in every language)."""
        if self.code == "no_scorecard":
            return f"role {self.role!r} has no scorecard"
        return f"role {self.role!r} is not a role of the policy"

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data."""
        return {
            "employee_id": self.employee_id,
            "role": self.role,
            "code": self.code,
            "reason": self.reason,
        }


@attrs.frozen
class Coverage:
    """A scorecard KPI that no one appraised has a value for (SPEC §19): its input was
    left out or has no row of the period, so its weight went to the other lines
    (``handled = "redistributed"``) or it scored 0 (``"zero"``) for everyone."""

    kpi: str
    source: str
    appraisals: int
    handled: str

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data."""
        return {
            "kpi": self.kpi,
            "source": self.source,
            "appraisals": self.appraisals,
            "handled": self.handled,
        }


_MISSING_NOTES = {"missing_redistributed": "redistributed", "missing_zero": "zero"}


def source_of(policy: Policy, kpi_id: str) -> str:
    """The input a KPI's values come from: ``measurements``, ``surveys``, ``ratings``
    (a team KPI: the source of the KPI it rolls up)."""
    seen: set[str] = set()
    while kpi_id not in seen:
        seen.add(kpi_id)
        derive = policy.kpi(kpi_id).derive
        if derive is None:
            return "measurements"
        if isinstance(derive, TeamDerive):
            kpi_id = derive.kpi
            continue
        return "surveys" if isinstance(derive, SurveyDerive) else "ratings"
    return "measurements"  # pragma: no cover - the policy refuses circular team KPIs


def coverage_of(policy: Policy, appraisals: Iterable[Appraisal]) -> tuple[Coverage, ...]:
    """The scorecard KPIs for which no appraisal had a value, sorted by KPI id."""
    lines: dict[str, list[str | None]] = {}
    for a in appraisals:
        parts = [s.appraisal for s in a.segments] if a.segments else [a]
        for part in parts:
            for line in part.lines:
                missing = next(
                    (_MISSING_NOTES[n.code] for n in line.notes if n.code in _MISSING_NOTES),
                    None,
                )
                lines.setdefault(line.kpi, []).append(missing)
    out = []
    for kpi_id in sorted(lines):
        marks = lines[kpi_id]
        if all(m is not None for m in marks):
            handled = "redistributed" if "redistributed" in marks else "zero"
            out.append(Coverage(kpi_id, source_of(policy, kpi_id), len(marks), handled))
    return tuple(out)


def _listing(labels: list[str]) -> str:
    if len(labels) <= 8:
        return ", ".join(labels)
    return f"{', '.join(labels[:3])}, …, {', '.join(labels[-2:])} ({len(labels)} periods)"


def no_rows_error(policy: Policy, period: Period, labels: Iterable[str]) -> InputError:
    """The error for a period in which no row of any kind falls, naming the periods the
    data covers."""
    periods: set[Period] = set()
    for label in labels:
        try:
            periods.add(Period.parse(label, policy.fiscal_year_start, policy.fiscal_year_named_by))
        except MedsalesError:  # pragma: no cover - the rows were checked
            continue
    if periods:
        ordered = sorted(periods, key=lambda p: (p.start, p.end))
        covers = (
            f"the data covers {min(p.start for p in ordered)} to "
            f"{max(p.end for p in ordered)}: {_listing([p.label for p in ordered])}"
        )
    else:
        covers = "the data has no rows of any period"
    return InputError(
        f"no measurement, rating, survey or goal row falls in {period.label} "
        f"({period.start} – {period.end}); {covers}",
        path="period",
        value=period.label,
        expected="a period the data covers",
    )


def _one_of(ids: list[str]) -> str:
    """The valid ids for an error message: all of a few, the ends of many (a department's
    thousand ids would bury the message)."""
    if len(ids) <= 8:
        return "one of " + ", ".join(ids)
    return f"one of {ids[0]}, {ids[1]}, …, {ids[-1]} ({len(ids)} in all)"


@attrs.frozen
class CohortResult:
    """Every appraisal of a roster for one period, with the grade distribution and
    statistics per team (a team is a manager's direct reports) and per role."""

    policy: Policy = attrs.field(eq=False, repr=False)
    period: Period
    appraisals: tuple[Appraisal, ...]
    organisation: Organisation = attrs.field(repr=False)
    names: Mapping[str, str] = attrs.field(repr=False)
    grades_before_distribution: Mapping[str, int]
    grades: Mapping[str, int]
    by_team: tuple[GroupSummary, ...]
    by_role: tuple[GroupSummary, ...]
    not_appraised: tuple[NotAppraised, ...] = ()
    """People active in the period who were left out (``unscored="skip"``), by id."""
    coverage: tuple[Coverage, ...] = ()
    """Scorecard KPIs no one appraised had a value for (SPEC §19), by KPI id."""
    engine: Mapping[str, str] | None = attrs.field(default=ENGINE, eq=False, repr=False)
    """The engine that wrote the document (see :attr:`Appraisal.engine`)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], policy: Policy | None = None) -> CohortResult:
        """Rebuild a cohort from its document (``medsales.cohort/1``): its ``to_json()`` is
        the stored document, byte for byte. The policy is checked as
        :meth:`Appraisal.from_dict` checks it. The document keeps no roster: the rebuilt
        cohort knows no names and no reporting lines (its ``by_team`` statistics are kept).
        """
        return _cohort_from_dict(data, policy)

    @classmethod
    def from_json(cls, text: str | bytes, policy: Policy | None = None) -> CohortResult:
        """Rebuild a cohort from its JSON document (see :meth:`from_dict`)."""
        from medsales.engine.load import parse_document

        return _cohort_from_dict(parse_document(text, "cohort"), policy)

    def appraisal(self, employee_id: str) -> Appraisal:
        """The appraisal of ``employee_id``."""
        for a in self.appraisals:
            if a.employee_id == employee_id:
                return a
        raise InputError(
            f"{shown(employee_id)} was not appraised in {self.period.label}",
            path="employee_id",
            value=employee_id,
            expected=_one_of(sorted(a.employee_id or "" for a in self.appraisals)),
        )

    def team_of(self, employee_id: str) -> str | None:
        """The id of the employee's manager: their team."""
        return self.organisation.team(employee_id)

    def to_dict(self) -> dict[str, Any]:
        """The cohort document (``medsales.cohort/1``): appraisals sorted by employee id."""
        doc: dict[str, Any] = {
            "format": COHORT_FORMAT,
            "period": self.period.label,
            "policy": policy_ref(self.policy),
            "grades_before_distribution": dict(self.grades_before_distribution),
            "grades": dict(self.grades),
            "by_team": [s.to_dict() for s in self.by_team],
            "by_role": [s.to_dict() for s in self.by_role],
            "coverage": [c.to_dict() for c in self.coverage],
            "appraisals": [a.to_dict() for a in self.appraisals],
            "not_appraised": [n.to_dict() for n in self.not_appraised],
        }
        if self.engine is not None:
            doc["engine"] = dict(self.engine)
        return doc

    def _repr_html_(self) -> str:
        """The ranked table and grade counts as HTML, for Jupyter."""
        from medsales.views.html import cohort_html

        return cohort_html(self)

    def to_json(self, *, indent: int | None = None) -> str:
        """The cohort document as deterministic JSON."""
        return document_json(self.to_dict(), indent=indent)


def _not_appraised(r: Any) -> list[NotAppraised]:
    """Who a cohort document says was left out (none in a document written before)."""
    if "not_appraised" not in r.data:
        return []
    out = []
    for npath, item in r.items("not_appraised"):
        from medsales.engine.load import _Reader

        nr = _Reader(item, npath)
        code = nr.text("code")
        if code not in ("no_scorecard", "unknown_role"):
            raise nr._bad("code", "no_scorecard or unknown_role")
        out.append(NotAppraised(nr.text("employee_id"), nr.text("role"), code))  # type: ignore[arg-type]
    return out


def _cohort_from_dict(data: Mapping[str, Any], policy: Policy | None) -> CohortResult:
    from medsales.engine.load import _period, _Reader, appraisal_from_dict, check_policy

    r = _Reader(data, "")
    if data.get("format") != COHORT_FORMAT:
        raise r._bad("format", repr(COHORT_FORMAT))
    counts: dict[str, dict[str, int]] = {}
    for key in ("grades_before_distribution", "grades"):
        value = r.get(key)
        if not isinstance(value, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value.values()
        ):
            raise r._bad(key, "an object of counts by grade")
        counts[key] = dict(value)
    used = check_policy(data, policy, tuple(counts["grades"]))
    period = _period(used, r.text("period"), "period")
    engine = data.get("engine")
    if engine is not None and not (
        isinstance(engine, Mapping) and all(isinstance(v, str) for v in engine.values())
    ):
        raise r._bad("engine", 'an object such as {"name": "medsales", "version": "…"}')
    appraisals = tuple(
        appraisal_from_dict(item, used, period_of={period.label: period}, path=path)
        for path, item in r.items("appraisals")
    )
    summaries = {}
    for key in ("by_team", "by_role"):
        out = []
        for path, item in r.items(key):
            try:
                out.append(GroupSummary.from_dict(item))
            except MedsalesError as exc:
                raise InputError(str(exc), path=path.rstrip(".")) from exc
        summaries[key] = tuple(out)
    return CohortResult(
        policy=used,
        period=period,
        appraisals=appraisals,
        organisation=Organisation(manager_of={}, reports_of={}),
        names={},
        grades_before_distribution=counts["grades_before_distribution"],
        grades=counts["grades"],
        by_team=summaries["by_team"],
        by_role=summaries["by_role"],
        not_appraised=tuple(_not_appraised(r)),
        engine=None if engine is None else dict(engine),
    )


def appraise_cohort(
    policy: Policy,
    *,
    employees: Iterable[Employee | Mapping[str, Any]],
    period: Period | str,
    measurements: Iterable[MeasurementRow | Mapping[str, Any]] = (),
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
    surveys: Iterable[SurveyResponse | Mapping[str, Any]] = (),
    ratings: Iterable[Rating | Mapping[str, Any]] = (),
    distribution: bool = True,
    progress: Callable[[int, int], None] | None = None,
    unscored: Unscored = "error",
    goals: Iterable[Goal | Mapping[str, Any]] = (),
    require_rows: bool = True,
) -> CohortResult:
    """Appraise every employee of a roster who is active in ``period``.

    KPIs derived from surveys, ratings and teams are computed from their rows; incidents
    outside the period do not count; the policy's ``[distribution]`` is applied across
    everyone appraised unless ``distribution=False``. Every id in every row must be in the
    roster. ``progress(done, total)`` is called after each employee, for long runs.
    ``goals`` (records or mappings, SPEC §16) give the values of KPIs derived from goals.

    Someone whose role (any role they hold within the period) has no scorecard is an
    error with ``unscored="error"`` (the default); with ``"skip"`` they are not appraised
    and are listed in :attr:`CohortResult.not_appraised` with the reason. Their rows still
    count where others' KPIs read them (a manager's team roll-up).

    With ``require_rows`` (the default), a period in which no measurement, rating, survey
    or goal row falls is an error naming the periods the data covers (SPEC §19);
    :func:`~medsales.appraise_history` passes False, and names such a period in its
    roll-ups instead. The result's ``coverage`` names every scorecard KPI that no one had
    a value for.
    """
    require_policy(policy)
    if unscored not in ("error", "skip"):
        raise InputError(
            f"{unscored!r} is not a way to treat people without a scorecard",
            path="unscored",
            value=unscored,
            expected='"error" or "skip"',
        )
    try:
        with engine_context():
            roster = validate_records(Employee, employees, "employees")
            within = required_period(policy, period)
            organisation = Organisation.build((e for _, e in roster), within)
            # every row is checked as it is read; only the period's rows are kept
            check = _RowCheck(policy, within, organisation.manager_of)
            rows = validate_records(
                MeasurementRow, measurements, "measurements", keep=check.measurement
            )
            kept_surveys = validate_records(SurveyResponse, surveys, "surveys", keep=check.survey)
            kept_ratings = validate_records(Rating, ratings, "ratings", keep=check.rating)
            return _appraise_cohort(
                policy,
                employees=roster,
                organisation=organisation,
                period=within,
                rows=rows,
                incidents=normalize_incidents(incidents),
                surveys=kept_surveys,
                ratings=kept_ratings,
                goals=goals_book(policy, goals, known=organisation.manager_of),
                distribution=distribution,
                progress=progress,
                unscored=unscored,
                labels=check.labels if require_rows else None,
            )
    except MedsalesError:
        raise
    except (ArithmeticError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise InputError(f"cannot appraise the cohort: {exc}") from exc


def _check_known(known: Mapping[str, Any], value: str | None, path: str) -> None:
    """An employee id of a row must be in the roster."""
    if value is not None and value not in known:
        field = path.rsplit(".", 1)[-1]
        raise InputError(
            f"{field} {value!r} is not in the employees rows",
            path=path,
            value=value,
            expected="an employee_id of the roster",
        )


def _check_derived(policy: Policy, kpi_id: str, path: str, kind: type) -> None:
    """A survey or rating row must be of a KPI derived from that kind of data."""
    kpi = policy.kpis_by_id.get(kpi_id)
    if kpi is None or not isinstance(kpi.derive, kind):
        source = "survey" if kind is SurveyDerive else "ratings"
        valid = [k.id for k in policy.kpis if isinstance(k.derive, kind)]
        raise InputError(
            f"KPI {kpi_id!r} is not derived from {source} data",
            path=path,
            value=kpi_id,
            expected="one of " + ", ".join(valid) if valid else f"no {source} rows",
        )


@attrs.frozen
class _RowCheck:
    """What each row of a cohort must satisfy, checked as the row is read; each says
    whether the row belongs to the period (rows of other periods are checked, then let
    go)."""

    policy: Policy
    period: Period
    known: Mapping[str, Any]
    labels: set[str] = attrs.field(factory=set)
    checked: dict[tuple[str, str], bool] = attrs.field(factory=dict)
    """Per KPI and period label of the measurements, checked once: whether it is of the
    period."""

    def measurement(self, i: int, row: MeasurementRow) -> bool:
        _check_known(self.known, row.employee_id, f"measurements[{i}].employee_id")
        self.labels.add(row.period)
        key = (row.kpi, row.period)
        found = self.checked.get(key)
        if found is None:
            found = measurement_period(self.policy, i, row, self.period) is not None
            self.checked[key] = found
        return found

    def survey(self, i: int, row: SurveyResponse) -> bool:
        _check_known(self.known, row.employee_id, f"surveys[{i}].employee_id")
        _check_derived(self.policy, row.kpi, f"surveys[{i}].kpi", SurveyDerive)
        self.labels.add(row.period)
        return row_period(self.policy, row.period, self.period, f"surveys[{i}].period") is not None

    def rating(self, i: int, row: Rating) -> bool:
        _check_known(self.known, row.employee_id, f"ratings[{i}].employee_id")
        _check_known(self.known, row.rater_id, f"ratings[{i}].rater_id")
        _check_derived(self.policy, row.kpi, f"ratings[{i}].kpi", RatingsDerive)
        self.labels.add(row.period)
        return row_period(self.policy, row.period, self.period, f"ratings[{i}].period") is not None


class _Derived:
    """Values of derived KPIs, computed on demand and remembered."""

    def __init__(
        self,
        policy: Policy,
        organisation: Organisation,
        rows: Mapping[str, Mapping[str, list[PeriodRow]]],
        surveys: Sequence[tuple[int, SurveyResponse]],
        ratings: Sequence[tuple[int, Rating]],
        goals: GoalBook,
        period: Period,
    ) -> None:
        self.policy = policy
        self.goals = goals
        self.period = period
        self.organisation = organisation
        self.rows = rows
        self.cache: dict[tuple[str, str], Resolved | None] = {}
        self.surveys: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
        for i, s in surveys:  # checked and of the period (_RowCheck)
            key = (s.employee_id, s.kpi)
            self.surveys.setdefault(key, []).append((f"surveys[{i}].response", s.response))
        # ratings are given per rating period (e.g. a quarter): each period is rated on its
        # own, and a longer appraisal period aggregates the periods' values
        self.ratings: dict[tuple[str, str], dict[Period, list[tuple[str, Rating]]]] = {}
        for i, r in ratings:  # checked and of the period (_RowCheck)
            found = Period.parse(r.period, policy.fiscal_year_start, policy.fiscal_year_named_by)
            by_period = self.ratings.setdefault((r.employee_id, r.kpi), {})
            by_period.setdefault(found, []).append((f"ratings[{i}]", r))
        self.spans: dict[str, RoleSpan] = {}

    def _ratings(self, kpi: KPI, derive: RatingsDerive, employee_id: str) -> Resolved | None:
        by_period = self.ratings.get((employee_id, kpi.id), {})
        rated = [
            (p, rating_metric(kpi, derive, employee_id, given))
            for p, given in sorted(by_period.items())
        ]
        if len(rated) <= 1:
            return rated[0][1] if rated else None
        notes = [n for _, r in rated for n in r.notes]
        present = [(p, r) for p, r in rated if r.applicable and r.actual is not None]
        if not present:
            return Resolved(actual=None, applicable=False, notes=tuple(notes))
        how = "mean" if kpi.aggregation == "weighted_mean" else kpi.aggregation
        value = aggregate([Fraction(r.actual) for _, r in present if r.actual is not None], how)
        notes.append(
            Note.of(
                "aggregated",
                how=how,
                count=len(present),
                periods=", ".join(p.label for p, _ in present),
            )
        )
        return Resolved(actual=value, notes=tuple(notes))

    def value(self, employee_id: str, kpi_id: str, span: RoleSpan | None) -> Resolved | None:
        """The employee's value of a KPI for the period (None when they have none)."""
        key = (employee_id, kpi_id)
        if key in self.cache:
            return self.cache[key]
        kpi = self.policy.kpi(kpi_id)
        derive = kpi.derive
        result: Resolved | None
        if isinstance(derive, SurveyDerive):
            responses = self.surveys.get(key, [])
            result = survey_metric(kpi, derive, responses) if responses else None
        elif isinstance(derive, RatingsDerive):
            result = self._ratings(kpi, derive, employee_id)
        elif isinstance(derive, GoalsDerive):
            result = goal_metric(self.goals, kpi_id, employee_id, self.period)
        elif isinstance(derive, TeamDerive):
            members = (
                self.organisation.direct_reports(employee_id)
                if derive.scope == "direct"
                else self.organisation.descendants(employee_id)
            )
            values = {}
            for m in members:
                v = self.value(m, derive.kpi, self.spans.get(m))
                if v is not None:
                    values[m] = v
            result = team_metric(kpi, derive, employee_id, self.organisation, values)
        else:
            own = self.rows.get(employee_id, {}).get(kpi_id)
            result = None
            if own:
                whole = span or RoleSpan(
                    "", min(r.period.start for r in own), max(r.period.end for r in own)
                )
                result = resolve_rows(self.policy, kpi_id, own, whole)
        self.cache[key] = result
        return result


def _goals_in(goals: GoalBook, period: Period) -> bool:
    """Whether a goal's period is, lies in or contains the appraised period."""
    return any(
        (period.start <= p.start and p.end <= period.end)
        or (p.start <= period.start and period.end <= p.end)
        for p in goals.periods.values()
    )


def _appraise_cohort(
    policy: Policy,
    *,
    employees: list[tuple[int, Employee]],
    organisation: Organisation,
    period: Period,
    rows: list[tuple[int, MeasurementRow]],
    incidents: tuple[Incident, ...],
    surveys: list[tuple[int, SurveyResponse]],
    ratings: list[tuple[int, Rating]],
    goals: GoalBook,
    distribution: bool,
    progress: Callable[[int, int], None] | None,
    unscored: Unscored = "error",
    labels: Iterable[str] | None = (),
) -> CohortResult:
    known = organisation.manager_of
    unscored_roles = _check_roles_and_incidents(policy, employees, incidents, known, unscored)
    if labels is not None and not (rows or surveys or ratings or _goals_in(goals, period)):
        raise no_rows_error(policy, period, labels)
    grouped = group_rows(policy, rows, period)
    spans_of, left_out = _leave_out(_spans_of(employees, known, period), unscored_roles)
    derived = _Derived(policy, organisation, grouped, surveys, ratings, goals, period)
    derived.spans = {eid: RoleSpan("", s[0].start, s[-1].end) for eid, s in spans_of.items()}
    incidents_of: dict[str, list[Incident]] = {}
    for incident in incidents:
        incidents_of.setdefault(incident.employee_id or "", []).append(incident)

    appraisals: list[Appraisal] = []
    for eid in sorted(spans_of):
        spans = spans_of[eid]
        appraisals.append(
            appraise_spans(
                policy,
                employee_id=eid,
                spans=spans,
                rows=grouped.get(eid, {}),
                period=period,
                incidents=tuple(incidents_of.get(eid, ())),
                derived=_derived_values(policy, derived, eid, spans),
            )
        )
        if progress is not None:
            progress(len(appraisals), len(spans_of))
    before = _grade_counts(policy, appraisals)
    if distribution and policy.distribution is not None:
        appraisals = list(apply_distribution(policy, appraisals))
    names = {}
    for _, e in employees:
        if e.name:
            names[e.employee_id] = e.name
    return CohortResult(
        policy=policy,
        period=period,
        appraisals=tuple(appraisals),
        organisation=organisation,
        names=names,
        grades_before_distribution=before,
        grades=_grade_counts(policy, appraisals),
        by_team=_summaries(
            policy, appraisals, lambda a: organisation.team(a.employee_id or "") or "—"
        ),
        by_role=_summaries(policy, appraisals, lambda a: a.role),
        not_appraised=tuple(sorted(left_out, key=lambda n: n.employee_id)),
        coverage=coverage_of(policy, appraisals),
    )


_Unscorable = Literal["no_scorecard", "unknown_role"]


def _check_roles_and_incidents(
    policy: Policy,
    employees: list[tuple[int, Employee]],
    incidents: tuple[Incident, ...],
    known: Mapping[str, str | None],
    unscored: Unscored,
) -> dict[str, _Unscorable]:
    """Every role has a scorecard (or, with ``unscored="skip"``, the roles without one and
    why); every incident names an employee of the roster."""
    unscorable: dict[str, _Unscorable] = {}
    for i, e in employees:
        if e.role in policy.scorecards_by_role or e.role in unscorable:
            continue
        if unscored == "error":
            try:
                policy.scorecard(e.role)
            except MedsalesError as exc:
                raise type(exc)(
                    exc.message,
                    path=f"employees[{i}].role",
                    value=exc.value,
                    expected=f'{exc.expected}, or unscored="skip" to leave them out',
                ) from None
        unscorable[e.role] = "no_scorecard" if e.role in policy.roles_by_id else "unknown_role"
    for i, incident in enumerate(incidents):
        if incident.employee_id is None:
            raise InputError(
                "an incident in a cohort names its employee",
                path=f"incidents[{i}].employee_id",
                expected="an employee_id of the roster",
            )
        _check_known(known, incident.employee_id, f"incidents[{i}].employee_id")
    return unscorable


def _spans_of(
    employees: list[tuple[int, Employee]], known: Iterable[str], period: Period
) -> dict[str, tuple[RoleSpan, ...]]:
    """The role spans of everyone active in the period (the roster grouped once: a roster
    of thousands is not scanned per person)."""
    assignments: dict[str, list[tuple[int, Employee]]] = {}
    for i, e in employees:
        assignments.setdefault(e.employee_id, []).append((i, e))
    spans_of: dict[str, tuple[RoleSpan, ...]] = {}
    for eid in known:
        own = assignments.get(eid, [])
        if any(_active(e, period) for _, e in own):
            spans_of[eid] = role_spans(eid, own, period)
    return spans_of


def _leave_out(
    spans_of: dict[str, tuple[RoleSpan, ...]], unscorable: Mapping[str, _Unscorable]
) -> tuple[dict[str, tuple[RoleSpan, ...]], list[NotAppraised]]:
    """Those who hold a role without a scorecard within the period, set apart (SPEC §15)."""
    kept: dict[str, tuple[RoleSpan, ...]] = {}
    left_out: list[NotAppraised] = []
    for eid, spans in spans_of.items():
        missing = next((s.role for s in spans if s.role in unscorable), None)
        if missing is None:
            kept[eid] = spans
        else:
            left_out.append(NotAppraised(eid, missing, unscorable[missing]))
    return kept, left_out


def _derived_values(
    policy: Policy, derived: _Derived, eid: str, spans: tuple[RoleSpan, ...]
) -> dict[str, Resolved]:
    """The period's values of the derived KPIs on the employee's scorecards."""
    derived_kpis = {
        kpi_id
        for span in spans
        for kpi_id in policy.scorecard(span.role).kpi_ids
        if policy.kpi(kpi_id).derive is not None
    }
    values = {}
    for kpi_id in sorted(derived_kpis):
        v = derived.value(eid, kpi_id, None)
        if v is not None:
            values[kpi_id] = v
    return values


def _active(e: Employee, period: Period) -> bool:
    start = e.active_from or period.start
    end = e.active_to or period.end
    return start <= period.end and period.start <= end


def _grade_counts(policy: Policy, appraisals: Iterable[Appraisal]) -> dict[str, int]:
    counts = {g.id: 0 for g in policy.grades}
    for a in appraisals:
        if a.grade is not None:
            counts[a.grade] += 1
    return counts


def _summaries(
    policy: Policy, appraisals: Sequence[Appraisal], key: Any
) -> tuple[GroupSummary, ...]:
    groups: dict[str, list[Appraisal]] = {}
    for a in appraisals:
        groups.setdefault(key(a), []).append(a)
    out = []
    for k in sorted(groups):
        members = groups[k]
        scores = [a.score for a in members if a.score is not None]
        exact = [Fraction(s) for s in scores]
        out.append(
            GroupSummary(
                key=k,
                count=len(members),
                complete=len(scores),
                mean=sum(exact, Fraction(0)) / len(exact) if exact else None,
                median=statistics.median(exact) if exact else None,
                minimum=min(scores) if scores else None,
                maximum=max(scores) if scores else None,
                grades=_grade_counts(policy, members),
            )
        )
    return tuple(out)
