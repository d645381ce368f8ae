"""Many periods at once (SPEC §18): each period appraised as a cohort, then read across
periods: each person's series, grade transitions, roll-ups into a year or a half, and
alerts on consecutive low grades."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from medsales.cohort.appraise import CohortResult, appraise_cohort
from medsales.engine.appraise import grade_for
from medsales.engine.notes import Note
from medsales.engine.results import ENGINE, Appraisal, document_json, policy_ref
from medsales.errors import InputError, PeriodError
from medsales.numbers import display, engine_context, quantize
from medsales.periods import Period
from medsales.policy.history import Alert
from medsales.policy.models import Incident, Policy
from medsales.policy.records import Employee, Goal, MeasurementRow, Rating, SurveyResponse

__all__ = [
    "NOT_GRADED",
    "ROLLUP_FORMAT",
    "History",
    "HistoryAlert",
    "RollupPart",
    "RollupResult",
    "appraise_history",
]

ROLLUP_FORMAT: Final = "medsales.rollup/1"
NOT_GRADED: Final = "—"
"""The row and column of a transition table for no grade: not appraised, or incomplete."""


def _num(value: Fraction | Decimal | None) -> str | None:
    return None if value is None else format(display(value), "f")


@attrs.frozen
class RollupPart:
    """One period of a roll-up: its published score, its weight, and whether it counted
    (``reason`` says why not: ``incomplete``, ``not_appraised`` or ``not_in_history``)."""

    period: str
    score: Decimal | None
    weight: Fraction | None
    counted: bool
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The part as JSON-ready data."""
        return {
            "period": self.period,
            "score": None if self.score is None else format(self.score, "f"),
            "weight": _num(self.weight),
            "counted": self.counted,
            "reason": self.reason,
        }


@attrs.frozen
class RollupResult:
    """A score rolled up from period scores (SPEC §18): Σ wᵢ × scoreᵢ / Σ wᵢ over the
    periods with a complete appraisal, exact, rounded once and graded by the policy's bands.

    ``complete`` is False when no period counted (no score, no grade).
    """

    policy: Policy = attrs.field(eq=False, repr=False)
    employee_id: str
    period: Period
    weights: str
    parts: tuple[RollupPart, ...]
    exact_score: Fraction | None
    score: Decimal | None
    grade: str | None
    notes: tuple[Note, ...] = ()

    @property
    def complete(self) -> bool:
        """Whether at least one period counted."""
        return self.score is not None

    @property
    def coefficient(self) -> Decimal | None:
        """The coefficient of the rolled-up grade."""
        if self.grade is None:
            return None
        return self.policy.grades_by_id[self.grade].coefficient

    def to_dict(self) -> dict[str, Any]:
        """The roll-up document (``medsales.rollup/1``) as JSON-ready data."""
        coefficient = self.coefficient
        return {
            "format": ROLLUP_FORMAT,
            "employee_id": self.employee_id,
            "period": self.period.label,
            "into": self.period.kind,
            "weights": self.weights,
            "parts": [p.to_dict() for p in self.parts],
            "complete": self.complete,
            "exact_score": _num(self.exact_score),
            "score": None if self.score is None else format(self.score, "f"),
            "grade": self.grade,
            "coefficient": None if coefficient is None else format(coefficient, "f"),
            "notes": [n.to_dict() for n in self.notes],
            "policy": policy_ref(self.policy),
            "engine": dict(ENGINE),
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The roll-up document as deterministic JSON."""
        return document_json(self.to_dict(), indent=indent)

    def explain(self, lang: str = "en") -> str:
        """Each period's score and weight, the periods left out and why, and the sum."""
        from medsales.views.history import explain_rollup

        return explain_rollup(self, lang)


@attrs.frozen
class HistoryAlert:
    """An employee graded at most ``alert.grade_at_most`` in ``len(periods)`` consecutive
    periods (at least ``alert.consecutive``): a reason for a conversation, not a verdict."""

    employee_id: str
    alert: Alert
    periods: tuple[str, ...]
    grades: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The alert as JSON-ready data."""
        return {
            "employee_id": self.employee_id,
            "grade_at_most": self.alert.grade_at_most,
            "consecutive": self.alert.consecutive,
            "periods": list(self.periods),
            "grades": list(self.grades),
        }


def _active_days(spans: Sequence[tuple[dt.date | None, dt.date | None]], period: Period) -> int:
    """The days of ``period`` on which any of the roster rows was active (rows of a role
    change may touch or overlap; a day counts once)."""
    clipped = sorted(
        (max(a or period.start, period.start), min(b or period.end, period.end)) for a, b in spans
    )
    days = 0
    last: dt.date | None = None
    for first, end in clipped:
        if end < first:
            continue
        if last is not None and first <= last:
            first = last + dt.timedelta(days=1)
        if first <= end:
            days += (end - first).days + 1
            last = end
    return days


@attrs.frozen
class History:
    """Several periods appraised, each as a cohort (SPEC §18), in period order."""

    policy: Policy = attrs.field(eq=False, repr=False)
    cohorts: tuple[CohortResult, ...]
    active: Mapping[str, tuple[tuple[dt.date | None, dt.date | None], ...]] = attrs.field(
        repr=False
    )
    alerts: tuple[HistoryAlert, ...]
    """Every alert the policy's ``[[alerts]]`` raise over these periods."""

    @classmethod
    def from_cohorts(
        cls,
        cohorts: Iterable[CohortResult],
        *,
        employees: Iterable[Employee | Mapping[str, Any]] = (),
        policy: Policy | None = None,
    ) -> History:
        """A history of cohorts already appraised (or read back with
        :meth:`CohortResult.from_json`), all of one policy; ``employees`` (the roster) is
        needed only for ``active_days`` roll-up weights."""
        ordered = sorted(cohorts, key=lambda c: c.period)
        if not ordered:
            raise InputError("a history needs at least one cohort", path="cohorts")
        used = policy or ordered[0].policy
        if not isinstance(used, Policy):
            raise InputError(
                "the cohorts were read back without their policy; a history needs it",
                path="policy",
                value=used.sha256,
                expected=f"the policy with sha256 {used.sha256} (pass policy=)",
            )
        for c in ordered:
            if c.policy.sha256 != used.sha256:
                raise InputError(
                    f"the cohort of {c.period.label} was appraised with policy sha256 "
                    f"{c.policy.sha256}, not {used.sha256}",
                    path="cohorts",
                    value=c.period.label,
                    expected="cohorts appraised with one policy",
                )
        for earlier, later in itertools.pairwise(ordered):
            if earlier.period.overlaps(later.period):
                raise PeriodError(
                    f"the periods {earlier.period.label} and {later.period.label} overlap",
                    path="cohorts",
                    value=[earlier.period.label, later.period.label],
                    expected="periods that do not overlap, such as the quarters of a year",
                )
        return cls(
            policy=used,
            cohorts=tuple(ordered),
            active=_active_spans(employees),
            alerts=_alerts(used, ordered),
        )

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods, in order."""
        return tuple(c.period for c in self.cohorts)

    @property
    def employee_ids(self) -> tuple[str, ...]:
        """Everyone appraised in any period, sorted."""
        return tuple(
            sorted({a.employee_id or "" for c in self.cohorts for a in c.appraisals} - {""})
        )

    @property
    def names(self) -> Mapping[str, str]:
        """Names from the roster, by employee id."""
        out: dict[str, str] = {}
        for c in self.cohorts:
            out.update(c.names)
        return out

    def _period(self, period: Period | str) -> Period:
        if isinstance(period, Period):
            return period
        return Period.parse(period, self.policy.fiscal_year_start, self.policy.fiscal_year_named_by)

    def cohort(self, period: Period | str) -> CohortResult:
        """The cohort of ``period``; a period not in the history is an InputError."""
        wanted = self._period(period)
        for c in self.cohorts:
            if c.period == wanted:
                return c
        raise InputError(
            f"{wanted.label} is not one of the history's periods",
            path="period",
            value=wanted.label,
            expected="one of " + ", ".join(p.label for p in self.periods),
        )

    def series(self, employee_id: str) -> tuple[Appraisal, ...]:
        """The employee's appraisals, one per period in which they were appraised, in
        order; an employee appraised in no period is an InputError."""
        out = []
        for c in self.cohorts:
            for a in c.appraisals:
                if a.employee_id == employee_id:
                    out.append(a)
                    break
        if not out:
            ids = self.employee_ids
            raise InputError(
                f"{employee_id!r} was appraised in none of the history's periods",
                path="employee_id",
                value=employee_id,
                expected=f"an employee id such as {', '.join(ids[:3])}" if ids else None,
            )
        return tuple(out)

    def grade_in(self, employee_id: str, period: Period | str) -> str | None:
        """The final grade in ``period`` (None if not appraised or incomplete)."""
        for a in self.cohort(period).appraisals:
            if a.employee_id == employee_id:
                return a.grade
        return None

    def transitions(self, a: Period | str, b: Period | str) -> dict[str, dict[str, int]]:
        """How many people went from each grade in ``a`` to each grade in ``b``:
        ``table[from][to]``, grades best first, :data:`NOT_GRADED` for no grade (not
        appraised in that period, or an incomplete appraisal)."""
        first, second = self.cohort(a), self.cohort(b)
        keys = [g.id for g in self.policy.grades] + [NOT_GRADED]
        table = {k: dict.fromkeys(keys, 0) for k in keys}
        before = {x.employee_id: x.grade for x in first.appraisals}
        after = {x.employee_id: x.grade for x in second.appraisals}
        for eid in sorted(set(before) | set(after), key=str):
            table[before.get(eid) or NOT_GRADED][after.get(eid) or NOT_GRADED] += 1
        return table

    def rollup(self, employee_id: str, label: Period | str) -> RollupResult:
        """The employee's score rolled up into the larger period ``label`` (``"2026"``,
        ``"2026-H1"``, ``"FY2026"``) by the policy's ``[rollup]`` (equal weights into a
        year when it has none)."""
        with engine_context():
            return _rollup(self, employee_id, self._period(label))

    def rollups(self, label: Period | str) -> tuple[RollupResult, ...]:
        """The roll-up of everyone appraised in any period of ``label``, by employee id."""
        larger = self._period(label)
        ids = sorted(
            {
                a.employee_id or ""
                for c in self.cohorts
                if larger.start <= c.period.start and c.period.end <= larger.end
                for a in c.appraisals
            }
            - {""}
        )
        with engine_context():
            return tuple(_rollup(self, eid, larger) for eid in ids)

    def to_frame(self) -> Any:
        """One row per employee × period (tidy): the columns of
        :data:`medsales.io.pandas.SUMMARY_COLUMNS` plus ``start`` and ``end``; scores as
        exact Decimals (needs the ``pandas`` extra)."""
        from medsales.io.pandas import history_frame

        return history_frame(self)

    def _repr_html_(self) -> str:
        """Each person's grades by period and the latest transitions, for Jupyter."""
        from medsales.views.history import history_html

        return history_html(self)


def _positions(
    history: History, larger: Period
) -> tuple[tuple[Period, ...], dict[Period, CohortResult]]:
    """The periods of ``larger`` (of the kind the history appraised inside it), and the
    cohorts the history has of them; a label the policy does not roll up into, or periods
    that do not tile it, are errors."""
    policy = history.policy
    into = policy.rollup.into if policy.rollup is not None else "year"
    if larger.kind != into:
        raise PeriodError(
            f"{larger.label} is a {larger.kind}, but the policy rolls up into a {into}",
            path="rollup.into",
            value=larger.label,
            expected=f"a {into} label, such as "
            + ("2026 or FY2026" if into == "year" else "2026-H1"),
        )
    inside = [c for c in history.cohorts if larger.start <= c.period.start <= larger.end]
    for c in inside:
        if c.period.end > larger.end or c.period.kind == larger.kind:
            raise PeriodError(
                f"{c.period.label} is not a part of {larger.label}",
                path="periods",
                value=c.period.label,
                expected=f"quarters or months of {larger.label}",
            )
    if not inside:
        raise InputError(
            f"the history has no period inside {larger.label}",
            path="label",
            value=larger.label,
            expected="a period containing one of " + ", ".join(p.label for p in history.periods),
        )
    kind = inside[0].period.kind
    if kind == "range" or any(c.period.kind != kind for c in inside):
        raise PeriodError(
            f"the periods inside {larger.label} are not all of one kind",
            path="periods",
            value=[c.period.label for c in inside],
            expected="quarters only, or months only",
        )
    positions = larger.subperiods(kind)
    how = policy.rollup.weights if policy.rollup is not None else "equal"
    if isinstance(how, tuple) and len(how) != len(positions):
        raise InputError(
            f"[rollup] lists {len(how)} weights, but a {larger.kind} has {len(positions)} {kind}s",
            path="rollup.weights",
            value=[str(w) for w in how],
            expected=f"{len(positions)} weights, one per {kind} in order",
        )
    return positions, {c.period: c for c in inside}


def _part(
    history: History, employee_id: str, i: int, p: Period, cohort: CohortResult | None
) -> tuple[RollupPart, Note | None]:
    """One period of a roll-up: its published score and weight, or why it is left out."""
    policy = history.policy
    how = policy.rollup.weights if policy.rollup is not None else "equal"
    if cohort is None:
        return RollupPart(p.label, None, None, False, "not_in_history"), Note.of(
            "rollup_not_in_history", period=p.label
        )
    appraisal = next((a for a in cohort.appraisals if a.employee_id == employee_id), None)
    if appraisal is None:
        return RollupPart(p.label, None, None, False, "not_appraised"), Note.of(
            "rollup_not_appraised", period=p.label
        )
    if not appraisal.complete or appraisal.score is None:
        return RollupPart(p.label, None, None, False, "incomplete"), Note.of(
            "rollup_incomplete", period=p.label, reason=appraisal.reason or ""
        )
    if how == "equal":
        weight = Fraction(1)
    elif how == "active_days":
        weight = Fraction(_active_days(history.active.get(employee_id, ()), p))
    else:
        assert isinstance(how, tuple)
        weight = Fraction(how[i])
    return RollupPart(p.label, appraisal.score, weight, True), None


def _rollup(history: History, employee_id: str, larger: Period) -> RollupResult:
    """Σ wᵢ × scoreᵢ / Σ wᵢ over the periods that count, exact, rounded once, graded."""
    policy = history.policy
    positions, by_period = _positions(history, larger)
    parts: list[RollupPart] = []
    notes: list[Note] = []
    for i, p in enumerate(positions):
        part, note = _part(history, employee_id, i, p, by_period.get(p))
        parts.append(part)
        if note is not None:
            notes.append(note)
    counted = [(p.weight, p.score) for p in parts if p.counted]
    total_weight = sum((w for w, _ in counted if w is not None), Fraction(0))
    exact = score = grade = None
    if total_weight > 0:
        total = sum(
            (w * Fraction(s) for w, s in counted if w is not None and s is not None), Fraction(0)
        )
        exact = total / total_weight
        score = quantize(exact, policy.score_places, policy.rounding)
        grade = grade_for(policy, score).id
        if Fraction(score) != exact:
            notes.append(
                Note.of(
                    "rounded",
                    exact=exact,
                    mode=policy.rounding,
                    places=policy.score_places,
                    score=score,
                )
            )
    else:
        notes.append(Note.of("rollup_empty", period=larger.label))
    how = policy.rollup.weights if policy.rollup is not None else "equal"
    return RollupResult(
        policy=policy,
        employee_id=employee_id,
        period=larger,
        weights=how if isinstance(how, str) else "listed",
        parts=tuple(parts),
        exact_score=exact,
        score=score,
        grade=grade,
        notes=tuple(notes),
    )


def _alerts(policy: Policy, cohorts: Sequence[CohortResult]) -> tuple[HistoryAlert, ...]:
    """Each maximal run of at least ``consecutive`` periods graded at most the alert's
    grade raises one alert; a period without a grade (not appraised, incomplete) ends a
    run."""
    rank = policy.grade_rank
    ids = sorted({a.employee_id or "" for c in cohorts for a in c.appraisals} - {""})
    grades: dict[str, list[str | None]] = {eid: [None] * len(cohorts) for eid in ids}
    for i, c in enumerate(cohorts):
        for a in c.appraisals:
            if a.employee_id:
                grades[a.employee_id][i] = a.grade
    out: list[HistoryAlert] = []
    for alert in policy.alerts or ():
        limit = rank[alert.grade_at_most]
        for eid in ids:
            run: list[int] = []
            for i, g in enumerate([*grades[eid], None]):
                if g is not None and rank[g] >= limit:
                    run.append(i)
                    continue
                if len(run) >= alert.consecutive:
                    out.append(
                        HistoryAlert(
                            employee_id=eid,
                            alert=alert,
                            periods=tuple(cohorts[j].period.label for j in run),
                            grades=tuple(str(grades[eid][j]) for j in run),
                        )
                    )
                run = []
    return tuple(out)


def appraise_history(
    policy: Policy,
    periods: Iterable[Period | str],
    *,
    employees: Iterable[Employee | Mapping[str, Any]],
    measurements: Iterable[MeasurementRow | Mapping[str, Any]] = (),
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
    surveys: Iterable[SurveyResponse | Mapping[str, Any]] = (),
    ratings: Iterable[Rating | Mapping[str, Any]] = (),
    goals: Iterable[Goal | Mapping[str, Any]] = (),
    distribution: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """Appraise every period of ``periods`` as :func:`~medsales.appraise_cohort` does, with
    the same inputs (``goals`` too, SPEC §16), and return the :class:`History` (periods
    sorted, each once). A period in which no row falls is appraised (everyone incomplete)
    and named in the roll-ups, not refused.

    ``progress(done, total)`` is called after each period.
    """
    try:
        wanted = sorted(
            {
                p
                if isinstance(p, Period)
                else Period.parse(p, policy.fiscal_year_start, policy.fiscal_year_named_by)
                for p in periods
            }
        )
    except TypeError as exc:
        raise InputError(
            f"periods must be period labels or Periods: {exc}", path="periods"
        ) from exc
    if not wanted:
        raise InputError(
            "appraise_history needs at least one period",
            path="periods",
            expected='period labels such as ["2026-Q1", "2026-Q2"]',
        )
    for earlier, later in itertools.pairwise(wanted):
        if earlier.overlaps(later):
            raise PeriodError(
                f"the periods {earlier.label} and {later.label} overlap",
                path="periods",
                value=[earlier.label, later.label],
                expected="periods that do not overlap, such as the quarters of a year",
            )
    # the inputs are read once and shared by every period
    roster = list(employees)
    rows: dict[str, Any] = {
        "employees": roster,
        "measurements": list(measurements),
        "incidents": list(incidents),
        "surveys": list(surveys),
        "ratings": list(ratings),
        "goals": list(goals),
    }
    cohorts = []
    for period in wanted:
        cohorts.append(
            appraise_cohort(
                policy, period=period, distribution=distribution, require_rows=False, **rows
            )
        )
        if progress is not None:
            progress(len(cohorts), len(wanted))
    return History(
        policy=policy,
        cohorts=tuple(cohorts),
        active=_active_spans(roster),
        alerts=_alerts(policy, cohorts),
    )


def _active_spans(
    employees: Iterable[Employee | Mapping[str, Any]],
) -> dict[str, tuple[tuple[dt.date | None, dt.date | None], ...]]:
    """Each employee's active spans, from every roster row."""
    from medsales.engine.periodic import validate_records

    active: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
    for _, record in validate_records(Employee, employees, "employees"):
        active.setdefault(record.employee_id, []).append((record.active_from, record.active_to))
    return {k: tuple(v) for k, v in active.items()}
