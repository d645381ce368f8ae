"""The weighted appraisal of one employee (SPEC §3, §4, §5): lines, weights, conduct, grade."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
from pydantic import ValidationError

from medsales.engine.compiled import PlannedLine, compile_policy
from medsales.engine.curves import exact, points_at, read_ratio
from medsales.engine.notes import Note
from medsales.engine.results import (
    Appraisal,
    ConductAdjustment,
    Known,
    LineResult,
    LineStatus,
    Segment,
    appraisal_of,
)
from medsales.errors import (
    InputError,
    MedsalesError,
    MissingMeasurementError,
    UnknownKPIError,
    UnknownRuleError,
    format_path,
)
from medsales.numbers import MAX_ID, check_text, engine_context, fraction, quantize, to_decimal
from medsales.policy.document import require_policy
from medsales.policy.models import (
    SEVERITIES,
    Grade,
    Incident,
    Measurement,
    Policy,
    Scorecard,
)

if TYPE_CHECKING:
    from medsales.engine.batch import BatchScore
    from medsales.periods import Period

__all__ = [
    "Exact",
    "MeasurementInput",
    "Resolved",
    "appraise",
    "appraise_exact",
    "grade_for",
    "measurements_of",
    "normalize_incidents",
    "normalize_measurements",
    "resolve_period",
]

MeasurementInput = Mapping[str, Any]
"""A KPI id mapped to a number (the actual), a mapping with ``actual``, ``target``,
``weight``, ``applicable``, or a :class:`~medsales.policy.models.Measurement`."""

_ZERO = Fraction(0)
_HUNDRED = Fraction(100)

Exact = Decimal | Fraction
"""An exact number: as given (Decimal) or as computed (Fraction, e.g. a mean)."""


@attrs.frozen
class Resolved:
    """A measurement ready to score: exact values, and notes on how they were obtained
    (aggregated from sub-periods, prorated, derived from a survey, …)."""

    actual: Exact | None
    target: Exact | None = None
    applicable: bool = True
    notes: tuple[Note, ...] = ()

    @classmethod
    def of(cls, m: Measurement) -> Resolved:
        """From a validated measurement."""
        return cls(actual=m.actual, target=m.target, applicable=m.applicable)


def measurements_of(appraisal: Appraisal) -> dict[str, Resolved]:
    """The measurements an appraisal read, by KPI: each scored line's actual and target,
    and the lines that were not applicable. Appraising them again (with the same
    incidents) gives the same score; what-if questions start from them."""
    return {
        line.kpi: Resolved(
            actual=line.actual,
            target=line.target,
            applicable=line.status != "not_applicable",
        )
        for line in appraisal.lines
        if line.status in ("scored", "not_applicable")
    }


def appraise(
    policy: Policy,
    *,
    role: str,
    measurements: MeasurementInput,
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
    employee_id: str | None = None,
    period: Period | str | None = None,
) -> Appraisal:
    """Appraise one employee in one role from a plain mapping of measurements.

    The result is exact and explained: see :class:`~medsales.engine.results.Appraisal`.
    Bad input raises a :class:`~medsales.errors.MedsalesError` naming where it is.

    Every input is read and checked at once; the score, grade and coefficient are worked
    out by the batch path where it can answer (it answers as the exact engine does), and
    the explanation (lines, sections, conduct, notes, exact scores) is built by the exact
    engine the first time any of it is read, once, from the inputs as read here. The
    document and :meth:`~medsales.engine.results.Appraisal.explain` are the same either
    way; :func:`appraise_exact` builds everything at once.
    """
    resolved, read, within = _read_inputs(
        policy, measurements, incidents, employee_id=employee_id, period=period
    )
    explain = functools.partial(
        _explained,
        policy,
        role=role,
        measurements=resolved,
        incidents=read,
        employee_id=employee_id,
        period=within,
    )
    if not _plain(resolved):
        return explain()  # only the exact engine reads these (and names what it refuses)
    first: Callable[[], Known | None]
    if not read and _accepted(policy, role, resolved):
        # nothing the exact engine could refuse: the score too is worked out when read
        first = functools.partial(_score_later, policy, role, resolved, within)
    else:
        known = _score_first(policy, role, _row(resolved), read, within)
        if known is None:
            return explain()  # raises, where the exact engine refuses the appraisal
        first = functools.partial(_given, known)
    return Appraisal.deferred(
        policy=policy,
        employee_id=employee_id,
        role=role,
        period=within,
        first=first,
        build=explain,
    )


def _given(known: Known) -> Known:
    return known


def _plain(measurements: Mapping[str, Resolved]) -> bool:
    """Whether every measurement read holds finite exact numbers (Decimal, Fraction, int)
    or None, and a bool ``applicable``: a Resolved given directly may hold anything else
    (NaN, an infinity, a float, text), which the batch path must not see first."""
    for m in measurements.values():
        actual, target = m.actual, m.target
        applicable: object = m.applicable  # anything, in a Resolved given directly
        if (
            type(actual) is Decimal  # what normalize_measurements makes: one test
            and actual.is_finite()
            and (target is None or (type(target) is Decimal and target.is_finite()))
            and applicable is True
        ):
            continue
        if type(applicable) is not bool:
            return False
        for value in (actual, target):
            if value is None or type(value) in (Fraction, int):
                continue
            if type(value) is not Decimal or not value.is_finite():
                return False
    return True


def _accepted(policy: Policy, role: str, measurements: Mapping[str, Resolved]) -> bool:
    """Whether the exact engine will surely appraise measurements already read without an
    error (SPEC §3's refusals: an unknown role, a missing line that says ``missing =
    "error"``, an attainment without a target above 0, a rating outside its scale)."""
    if type(role) is not str or role not in policy.scorecards_by_role:
        return False
    for p in compile_policy(policy).scorecard(role).lines:
        m = measurements.get(p.kpi)
        if m is None:
            if (p.line.missing or policy.missing) == "error":
                return False
            continue
        if not m.applicable:
            continue
        if m.actual is None:
            return False
        if p.basis == "attainment" and (m.target is None or m.target <= 0):
            return False
        if p.line.curve.type == "scale":
            (xn, xd), _ = read_ratio(p.basis, p.direction, m.actual, m.target, path=p.path)
            (ln, ld), (hn, hd), _ = p.line.curve.ratios
            if xn * ld < ln * xd or xn * hd > hn * xd:
                return False
    return True


def _score_later(
    policy: Policy, role: str, measurements: Mapping[str, Resolved], period: Period | None
) -> Known | None:
    """:func:`_score_first` on the measurements as read (not the caller's mapping, which
    may have changed since), for an appraisal without incidents."""
    return _score_first(policy, role, _row(measurements), (), period)


def _row(measurements: Mapping[str, Resolved]) -> dict[str, Any]:
    """The measurements as read, as a row for the batch path: never the caller's mapping
    read a second time (it may give something else, or have changed)."""
    row: dict[str, Any] = {}
    for kpi, m in measurements.items():
        if not m.applicable:
            row[kpi] = _NOT_APPLICABLE
        elif m.target is None:
            row[kpi] = m.actual
        else:
            row[kpi] = {"actual": m.actual, "target": m.target}
    return row


_NOT_APPLICABLE: Final = MappingProxyType({"applicable": False})


def appraise_exact(
    policy: Policy,
    *,
    role: str,
    measurements: MeasurementInput,
    incidents: Iterable[Incident | Mapping[str, Any]] = (),
    employee_id: str | None = None,
    period: Period | str | None = None,
) -> Appraisal:
    """:func:`appraise` by the exact engine alone, its explanation built at once: the
    reference the batch path is held to (and what :func:`appraise` itself does where the
    batch path cannot answer)."""
    resolved, read, within = _read_inputs(
        policy, measurements, incidents, employee_id=employee_id, period=period
    )
    return _explained(
        policy,
        role=role,
        measurements=resolved,
        incidents=read,
        employee_id=employee_id,
        period=within,
    )


def _read_inputs(
    policy: Policy,
    measurements: MeasurementInput,
    incidents: Iterable[Incident | Mapping[str, Any]],
    *,
    employee_id: str | None,
    period: Period | str | None,
) -> tuple[dict[str, Resolved], tuple[Incident, ...], Period | None]:
    """Everything :func:`appraise` is given, read and checked (each problem located)."""
    require_policy(policy)
    if employee_id is not None:
        check_text(employee_id, path="employee_id", limit=MAX_ID)
    try:
        with engine_context():
            return (
                normalize_measurements(policy, measurements),
                normalize_incidents(incidents, employee_id=employee_id),
                resolve_period(policy, period),
            )
    except MedsalesError:
        raise
    except (ArithmeticError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise InputError(f"cannot appraise: {exc}") from exc


def _score_first(
    policy: Policy,
    role: str,
    measurements: MeasurementInput,
    incidents: tuple[Incident, ...],
    period: Period | None,
) -> Known | None:
    """The score, grade and coefficient by the batch path (which equals the exact
    engine), for measurements already read without complaint; None when the role is not
    the policy's or only the exact engine can answer. The explanation is built from the
    measurements as read then, so a caller changing its mapping afterwards changes
    nothing."""
    if type(role) is not str or role not in policy.scorecards_by_role:
        return None  # the exact engine names the roles there are
    found = _BATCH.get("score_one")
    if found is None:
        from medsales.engine.batch import score_one  # the batch path reads this module

        found = _BATCH["score_one"] = score_one
    known = found(policy, role, measurements, incidents, period)
    if known is None:
        return None
    return known.complete, known.score, known.grade, known.coefficient, known.vetoed


_BATCH: dict[str, Callable[..., BatchScore | None]] = {}
"""The batch path's entry, imported on first use (it imports this module)."""


def _explained(
    policy: Policy,
    *,
    role: str,
    measurements: Mapping[str, Resolved],
    incidents: tuple[Incident, ...],
    employee_id: str | None,
    period: Period | None,
) -> Appraisal:
    """The exact engine's appraisal of inputs already read, explained."""
    try:
        with engine_context():
            return _appraise(
                policy,
                role=role,
                measurements=measurements,
                incidents=incidents,
                employee_id=employee_id,
                period=period,
            )
    except MedsalesError:
        raise
    except (ArithmeticError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise InputError(f"cannot appraise: {exc}") from exc


def resolve_period(policy: Policy, period: Period | str | None) -> Period | None:
    """A period label read in the policy's fiscal calendar; a Period is taken as it is."""
    if period is None:
        return None
    from medsales.periods import Period

    if isinstance(period, Period):
        return period
    if not isinstance(period, str):
        raise InputError(
            f"period must be a Period or a label, not {type(period).__name__}",
            path="period",
            value=period,
            expected="a label such as '2026-Q3'",
        )
    return Period.parse(
        period,
        fiscal_year_start=policy.fiscal_year_start,
        named_by=policy.fiscal_year_named_by,
    )


def normalize_measurements(policy: Policy, measurements: MeasurementInput) -> dict[str, Resolved]:
    """Validate a mapping of KPI id to measurement; every KPI must exist in the policy."""
    if not isinstance(measurements, Mapping):
        raise InputError(
            f"measurements must be a mapping of KPI id to measurement, not "
            f"{type(measurements).__name__}",
            path="measurements",
            value=measurements,
        )
    out: dict[str, Resolved] = {}
    kpis = policy.kpis_by_id
    for kpi_id, raw in measurements.items():
        path = f"measurements.{kpi_id}"
        if not isinstance(kpi_id, str) or kpi_id not in kpis:
            raise UnknownKPIError(
                f"unknown KPI {kpi_id!r}",
                path=path,
                value=kpi_id,
                expected="one of " + ", ".join(sorted(kpis)),
            )
        kind = type(raw)
        if kind in _PLAIN:
            out[kpi_id] = Resolved(to_decimal(raw, path=path))
        elif kind is Resolved:
            out[kpi_id] = raw
        else:
            out[kpi_id] = (
                raw
                if isinstance(raw, Resolved)
                else _plain_mapping(raw, path) or Resolved.of(_measurement(raw, path))
            )
    return out


_PLAIN: Final = frozenset({Decimal, int, str, float})
_KEYS: Final = frozenset({"actual", "target", "weight", "applicable"})


def _plain_mapping(raw: Any, path: str) -> Resolved | None:
    """A mapping of plain numbers read directly; anything else (None for the caller) goes
    through the Measurement model, whose messages are the same for the same mistakes."""
    if type(raw) is not dict or not raw.keys() <= _KEYS:
        return None
    applicable = raw.get("applicable", True)
    actual = raw.get("actual")
    if applicable is not True or type(actual) not in _PLAIN:
        return None
    target = raw.get("target")
    weight = raw.get("weight")
    if (target is not None and type(target) not in _PLAIN) or (
        weight is not None and type(weight) not in _PLAIN
    ):
        return None
    if weight is not None and to_decimal(weight, path=f"{path}.weight") < 0:
        return None
    return Resolved(
        to_decimal(actual, path=f"{path}.actual"),
        None if target is None else to_decimal(target, path=f"{path}.target"),
    )


def _measurement(raw: Any, path: str) -> Measurement:
    if isinstance(raw, Measurement):
        return raw
    if isinstance(raw, Mapping):
        try:
            return Measurement.model_validate(raw)
        except ValidationError as exc:
            raise _input_error(exc, path) from None
    return Measurement(actual=to_decimal(raw, path=path))


def _input_error(exc: ValidationError, path: str) -> InputError:
    first = exc.errors(include_url=False)[0]
    loc = [p for p in first["loc"] if not str(p).startswith("function-")]
    where = format_path([path, *loc]) if loc else path
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown key {loc[-1]!r} (expected actual, target, weight, applicable)"
    return InputError(message, path=where, value=first.get("input"))


def normalize_incidents(
    incidents: Iterable[Incident | Mapping[str, Any]], *, employee_id: str | None = None
) -> tuple[Incident, ...]:
    """Validate incidents given as models or mappings; all must be the employee's own."""
    out: list[Incident] = []
    for i, raw in enumerate(incidents):
        path = f"incidents[{i}]"
        if isinstance(raw, Incident):
            incident = raw
        elif isinstance(raw, Mapping):
            try:
                incident = Incident.model_validate(raw)
            except ValidationError as exc:
                raise _input_error(exc, path) from None
        else:
            raise InputError(
                f"an incident must be a mapping or an Incident, not {type(raw).__name__}",
                path=path,
                value=raw,
            )
        if (
            employee_id is not None
            and incident.employee_id is not None
            and incident.employee_id != employee_id
        ):
            raise InputError(
                f"incident of employee {incident.employee_id!r} given for {employee_id!r}",
                path=f"{path}.employee_id",
                value=incident.employee_id,
                expected=repr(employee_id),
            )
        out.append(incident)
    return tuple(out)


def grade_for(policy: Policy, score: Decimal | Fraction) -> Grade:
    """The best band whose ``min`` ≤ score; the last band takes everything below."""
    for grade in policy.grades:
        if score >= grade.min:
            return grade
    return policy.grades[-1]


@attrs.frozen
class Scored:
    """A scorecard's lines scored: the raw score (None when nothing is left) and notes."""

    role: str
    lines: tuple[LineResult, ...]
    raw: Fraction | None
    notes: tuple[Note, ...]


def _appraise(
    policy: Policy,
    *,
    role: str,
    measurements: Mapping[str, Resolved],
    incidents: tuple[Incident, ...],
    employee_id: str | None,
    period: Period | None,
) -> Appraisal:
    scored = score_lines(policy, role, measurements)
    return finish(policy, scored, incidents=incidents, employee_id=employee_id, period=period)


def score_lines(policy: Policy, role: str, measurements: Mapping[str, Resolved]) -> Scored:
    """SPEC §3 and §4: each line's x, points, effective weight and contribution."""
    compiled = compile_policy(policy).scorecard(role)
    # first each line's status, x and points; then the weights, which depend on the
    # lines that remain
    card = compiled.card
    pending = [_read_line(policy, card, p, measurements.get(p.kpi)) for p in compiled.lines]
    notes = (
        []
        if card.kpi_ids.issuperset(measurements)
        else [
            Note.of("unused_measurement", kpi=kpi_id, role=role)
            for kpi_id in sorted(set(measurements) - card.kpi_ids)
        ]
    )
    kept = tuple([item[1] in _COUNTED for item in pending])
    effective_weights, factors, weight_notes = compiled.weights(kept)
    notes[:0] = weight_notes

    lines: list[LineResult] = []
    raw_n, raw_d = 0, 1  # the raw score as an integer ratio, summed exactly
    for p, (m, status, line_x, points, notes_of_line), effective, (fn, fd) in zip(
        compiled.lines, pending, effective_weights, factors, strict=True
    ):
        contribution = _ZERO
        if fn and points is not None and points.numerator:
            # effective weight × points / 100 (fn / fd is the effective weight / 100)
            cn, cd = fn * points.numerator, fd * points.denominator
            contribution = fraction(cn, cd)
            raw_n, raw_d = raw_n * cd + cn * raw_d, raw_d * cd
        lines.append(
            LineResult(
                p.section,
                p.kpi,
                p.weight,
                p.section_weight,
                status,
                m.actual if m is not None else None,
                m.target if m is not None else None,
                line_x,
                points,
                effective,
                contribution,
                notes_of_line,
            )
        )
    raw = fraction(raw_n, raw_d) if any(kept) else None
    return Scored(role, tuple(lines), raw, tuple(notes))


_COUNTED: Final = frozenset({"scored", "zero"})

_Reading = tuple[Resolved | None, LineStatus, Fraction | None, Fraction | None, tuple[Note, ...]]
"""A line read before weighting: its measurement, status, x, points and notes."""


def _read_line(policy: Policy, card: Scorecard, p: PlannedLine, m: Resolved | None) -> _Reading:
    """SPEC §3 for one line: missing (by its rule), not applicable, or x through the curve."""
    if m is None:
        rule = p.line.missing or policy.missing
        if rule == "error":
            index = policy.scorecards.index(card)
            where = format_path(
                ["scorecards", index, "sections", p.s, "lines", p.i]
                if card.sections is not None
                else ["scorecards", index, "lines", p.i]
            )
            raise MissingMeasurementError(
                f'no measurement of {p.kpi!r}, and its line ({where}) says missing = "error"',
                path=p.path,
                expected="a measurement, or applicable = false",
            )
        if rule == "zero":
            return m, "zero", None, _ZERO, (Note.of("missing_zero"),)
        return m, "missing", None, None, (Note.of("missing_redistributed"),)
    if not m.applicable:
        return m, "not_applicable", None, None, (*m.notes, Note.of("not_applicable"))
    assert m.actual is not None
    if p.basis == "value":  # x is the actual itself
        xr = m.actual.as_integer_ratio()
        x = fraction(*xr)
        line_points, curve_notes = points_at(
            p.line.curve, xr, x, lower_on_value=p.lower_on_value, path=p.path, notes=p.notes
        )
        return m, "scored", x, line_points, (*m.notes, *curve_notes)
    xr, read_notes = read_ratio(p.basis, p.direction, m.actual, m.target, path=p.path)
    x = fraction(*xr)
    line_points, curve_notes = points_at(
        p.line.curve, xr, x, lower_on_value=False, path=p.path, notes=p.notes
    )
    return m, "scored", x, line_points, (*m.notes, *read_notes, *curve_notes)


def finish(
    policy: Policy,
    scored: Scored,
    *,
    incidents: tuple[Incident, ...],
    employee_id: str | None,
    period: Period | None,
    segments: tuple[Segment, ...] = (),
    notes: tuple[Note, ...] = (),
) -> Appraisal:
    """SPEC §5, as it reads: deductions → the final score, rounded once → the grade →
    caps and veto."""
    all_notes = [*notes, *scored.notes]
    conduct = _conduct(policy, incidents, period)
    counted = [c for c in conduct if c.counted]
    deductions, applied = _deductions(policy, conduct, period, all_notes)
    vetoes = [c for c in counted if c.veto]
    common = {
        "policy": policy,
        "employee_id": employee_id,
        "role": scored.role,
        "period": period,
        "lines": scored.lines,
        "conduct": conduct,
        "deductions": deductions,
        "deduction_applied": applied,
        "vetoed": bool(vetoes),
        "segments": segments,
    }
    if scored.raw is None:
        reason = "no scorecard line has a measurement"
        all_notes.append(Note.of("incomplete", reason=reason))
        _veto(policy, vetoes, all_notes)
        return appraisal_of(
            complete=False,
            reason=reason,
            raw_score=None,
            exact_score=None,
            score=None,
            grade_from_score=None,
            grade=None,
            coefficient=None,
            notes=tuple(all_notes),
            **common,
        )
    final, score = _final_score(policy, scored.raw, applied, all_notes)
    from_score = grade_for(policy, score).id
    grade = _capped(policy, from_score, counted, all_notes)
    grade = _veto(policy, vetoes, all_notes) or grade
    return appraisal_of(
        complete=True,
        reason=None,
        raw_score=scored.raw,
        exact_score=final,
        score=score,
        grade_from_score=from_score,
        grade=grade,
        coefficient=policy.grades_by_id[grade].coefficient,
        notes=tuple(all_notes),
        **common,
    )


def _deductions(
    policy: Policy, conduct: tuple[ConductAdjustment, ...], period: Period | None, notes: list[Note]
) -> tuple[Fraction, Fraction]:
    """The points the counted incidents deduct, and what is applied after
    ``max_deduction`` (SPEC §5); incidents outside the period are noted, not counted."""
    if not conduct:
        return _ZERO, _ZERO
    for c in conduct:
        if not c.counted:
            label = period.label if period else ""
            notes.append(Note.of("incident_outside_period", rule=c.rule, date=c.date, period=label))
        elif c.deduct:
            notes.append(Note.of("deduction", rule=c.rule, severity=c.severity, points=c.deduct))
    deductions = sum((exact(c.deduct) for c in conduct if c.counted), _ZERO)
    if policy.max_deduction is not None and deductions > policy.max_deduction:
        notes.append(Note.of("max_deduction", total=deductions, limit=policy.max_deduction))
        return deductions, exact(policy.max_deduction)
    return deductions, deductions


def _final_score(
    policy: Policy, raw: Fraction, applied: Fraction, notes: list[Note]
) -> tuple[Fraction, Decimal]:
    """The exact final score (raw − deductions, at least 0, at most ``max_score``) and the
    score rounded once at ``score_places`` (SPEC §5)."""
    final = raw - applied if applied.numerator else raw
    if final.numerator < 0:
        notes.append(Note.of("score_floor", score=final))
        final = _ZERO
    if policy.max_score is not None:
        # final > max_score, compared as integer ratios
        mn, md = policy.max_score.as_integer_ratio()
        if final.numerator * md > mn * final.denominator:
            notes.append(Note.of("max_score", score=final, limit=policy.max_score))
            final = exact(policy.max_score)
    score = quantize(final, policy.score_places, policy.rounding)
    if score.as_integer_ratio() != final.as_integer_ratio():  # both in lowest terms
        notes.append(
            Note.of(
                "rounded",
                exact=final,
                mode=policy.rounding,
                places=policy.score_places,
                score=score,
            )
        )
    return final, score


def _capped(policy: Policy, grade: str, counted: list[ConductAdjustment], notes: list[Note]) -> str:
    """The grade after the worst grade cap of the counted incidents (SPEC §5)."""
    rank = policy.grade_rank
    capping = [c for c in counted if c.grade_cap is not None]
    if not capping:
        return grade
    worst = max(capping, key=lambda c: rank[c.grade_cap or ""])
    assert worst.grade_cap is not None
    if rank[worst.grade_cap] <= rank[grade]:
        return grade
    notes.append(
        Note.of(
            "grade_cap", before=grade, cap=worst.grade_cap, rule=worst.rule, severity=worst.severity
        )
    )
    return worst.grade_cap


def _veto(policy: Policy, vetoes: list[ConductAdjustment], notes: list[Note]) -> str | None:
    """The lowest grade when an incident vetoes (一票否决, SPEC §5), else None."""
    if not vetoes:
        return None
    lowest = policy.grades[-1].id
    notes.append(Note.of("veto", rule=vetoes[0].rule, severity=vetoes[0].severity, grade=lowest))
    return lowest


def _conduct(
    policy: Policy, incidents: tuple[Incident, ...], period: Period | None
) -> tuple[ConductAdjustment, ...]:
    out: list[ConductAdjustment] = []
    for i, incident in enumerate(incidents):
        rule = policy.rules_by_id.get(incident.rule)
        if rule is None:
            raise UnknownRuleError(
                f"unknown conduct rule {incident.rule!r}",
                path=f"incidents[{i}].rule",
                value=incident.rule,
                expected="one of " + ", ".join(sorted(policy.rules_by_id))
                if policy.rules_by_id
                else "no incidents: the policy has no conduct rules",
            )
        consequence = rule.consequences.for_severity(incident.severity)
        counted = period is None or incident.date is None or incident.date in period
        out.append(
            ConductAdjustment(
                rule=incident.rule,
                severity=incident.severity,
                date=incident.date,
                note=incident.note,
                counted=counted,
                deduct=consequence.deduct if consequence else Decimal(0),
                grade_cap=consequence.grade_cap if consequence else None,
                veto=bool(consequence and consequence.veto),
            )
        )
    # the same incidents in any order give the same document
    out.sort(
        key=lambda c: (
            c.date.isoformat() if c.date else "",
            c.rule,
            SEVERITIES.index(c.severity),
            c.note,
        )
    )
    return tuple(out)


def caps_and_veto(
    policy: Policy, grade: str, conduct: Iterable[ConductAdjustment]
) -> tuple[str, list[Note]]:
    """SPEC §5's last steps on a grade read from a score: the worst grade cap of the
    counted incidents, then a veto; returns (grade, the notes saying what changed it).
    The review's overrides use it, so an overridden score is graded as the engine grades."""
    counted = [c for c in conduct if c.counted]
    notes: list[Note] = []
    grade = _capped(policy, grade, counted, notes)
    grade = _veto(policy, [c for c in counted if c.veto], notes) or grade
    return grade, notes
