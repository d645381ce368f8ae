"""KPIs derived from other data (SPEC §8): surveys, multi-rater ratings, team roll-ups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from medsales.cohort.organisation import Organisation
from medsales.engine.appraise import Resolved
from medsales.engine.notes import Note
from medsales.errors import InputError
from medsales.numbers import display
from medsales.periods import aggregate
from medsales.policy.models import KPI, RatingsDerive, SurveyDerive, TeamDerive
from medsales.policy.records import Rating

__all__ = ["rating_metric", "survey_metric", "team_metric"]

_SCALES = {"csat": (1, 5), "mean": (1, 5), "nps": (0, 10)}


def survey_metric(
    kpi: KPI, derive: SurveyDerive, responses: Sequence[tuple[str, Decimal]]
) -> Resolved:
    """CSAT (share of 4–5 on 1–5, × 100), mean rating, or NPS (% 9–10 − % 0–6 on 0–10).

    ``responses`` pairs each response with its location for messages. Below
    ``min_responses`` the KPI is not applicable, with that reason in the breakdown.
    """
    low, high = _SCALES[derive.method]
    for where, r in responses:
        integral = derive.method == "mean" or r == r.to_integral_value()
        if not (low <= r <= high and integral):
            kind = "a whole number" if derive.method != "mean" else "a number"
            raise InputError(
                f"survey response {r} for KPI {kpi.id!r} ({derive.method}) is outside the "
                f"scale {low}–{high}",
                path=where,
                value=r,
                expected=f"{kind} from {low} to {high}",
            )
    n = len(responses)
    if n < derive.min_responses:
        return Resolved(
            actual=None,
            applicable=False,
            notes=(Note.of("too_few_responses", count=n, minimum=derive.min_responses),),
        )
    values = [r for _, r in responses]
    if derive.method == "csat":
        value = Fraction(sum(1 for r in values if r >= 4), n) * 100
    elif derive.method == "mean":
        value = aggregate(values, "mean")
    else:
        promoters = sum(1 for r in values if r >= 9)
        detractors = sum(1 for r in values if r <= 6)
        value = Fraction(promoters - detractors, n) * 100
    note = Note.of("survey", method=derive.method, count=n, value=display(value))
    return Resolved(actual=value, notes=(note,))


def rating_metric(
    kpi: KPI, derive: RatingsDerive, employee_id: str, ratings: Sequence[tuple[str, Rating]]
) -> Resolved:
    """Σ(group weight × group value) / Σ(weights of the groups present) (SPEC §8).

    A group's value is the mean of its ratings; with ``peer_aggregate = "trimmed_mean"``
    the peer group drops its single highest and lowest rating when it has 5 or more. A
    group with fewer than its ``min_raters`` is dropped; one with no ratings is absent.
    """
    by_group: dict[str, list[Fraction]] = {}
    seen: dict[tuple[str, str], str] = {}
    for where, r in ratings:
        if r.rater_group not in derive.groups:
            raise InputError(
                f"rater group {r.rater_group!r} has no weight for KPI {kpi.id!r}",
                path=f"{where}.rater_group",
                value=r.rater_group,
                expected="one of " + ", ".join(derive.groups),
            )
        if (r.rater_id == employee_id) != (r.rater_group == "self"):
            message = (
                f"{employee_id!r} rates themselves under group {r.rater_group!r}"
                if r.rater_id == employee_id
                else f"{r.rater_id!r} rates {employee_id!r} under group 'self'"
            )
            raise InputError(
                message + "; only a self-rating belongs to group 'self'",
                path=f"{where}.rater_group",
                value=r.rater_group,
                expected="'self' for a self-rating, another group otherwise",
            )
        key = (r.rater_id, r.rater_group)
        if key in seen:
            raise InputError(
                f"{r.rater_id!r} rates {employee_id!r} twice for KPI {kpi.id!r} in group "
                f"{r.rater_group!r} ({seen[key]} and {where})",
                path=where,
                value=r.rating,
            )
        seen[key] = where
        by_group.setdefault(r.rater_group, []).append(Fraction(r.rating))

    notes: list[Note] = []
    total_weight = Fraction(0)
    weighted = Fraction(0)
    for group in derive.groups:  # policy order: deterministic
        values = sorted(by_group.get(group, []))
        if not values:
            continue
        needed = derive.min_raters_for(group)
        if len(values) < needed:
            notes.append(Note.of("group_dropped", group=group, count=len(values), minimum=needed))
            continue
        trimmed = group == "peer" and derive.peer_aggregate == "trimmed_mean" and len(values) >= 5
        used = values[1:-1] if trimmed else values
        value = sum(used, Fraction(0)) / len(used)
        weight = Fraction(derive.groups[group])
        notes.append(
            Note.of(
                "rater_group",
                group=group,
                count=len(values),
                how="trimmed mean" if trimmed else "mean",
                value=display(value),
                weight=derive.groups[group],
            )
        )
        total_weight += weight
        weighted += weight * value
    if total_weight == 0:
        return Resolved(
            actual=None, applicable=False, notes=(*notes, Note.of("no_ratings", kpi=kpi.id))
        )
    value = weighted / total_weight
    notes.append(Note.of("ratings_combined", value=display(value), weight=display(total_weight)))
    return Resolved(actual=value, notes=tuple(notes))


def team_metric(
    kpi: KPI,
    derive: TeamDerive,
    employee_id: str,
    organisation: Organisation,
    member_values: Mapping[str, Resolved],
) -> Resolved:
    """The aggregation of the team members' actuals and targets of ``derive.kpi``: direct
    reports, or everyone below with ``scope = "all"``."""
    members = (
        organisation.direct_reports(employee_id)
        if derive.scope == "direct"
        else organisation.descendants(employee_id)
    )
    present = [
        (m, member_values[m]) for m in members if m in member_values and member_values[m].applicable
    ]
    if not present:
        return Resolved(
            actual=None,
            applicable=False,
            notes=(Note.of("no_team_values", kpi=derive.kpi, scope=derive.scope),),
        )
    actuals = [v.actual for _, v in present if v.actual is not None]
    with_target = [m for m, v in present if v.target is not None]
    target: Fraction | None = None
    if with_target and len(with_target) != len(present):
        lacking = next(m for m, v in present if v.target is None)
        raise InputError(
            f"the team roll-up {kpi.id!r} of {employee_id!r} has targets for some members "
            f"but not for {lacking!r}",
            path=f"measurements.{derive.kpi}",
            value=lacking,
            expected="a target for every member, or for none",
        )
    how = kpi.aggregation
    if how == "weighted_mean":
        how = "mean"  # members carry no weights of their own
    actual = aggregate([Fraction(a) for a in actuals], how)
    if with_target:
        target = aggregate([Fraction(v.target) for _, v in present if v.target is not None], how)
    note = Note.of(
        "team_rollup",
        how=how,
        kpi=derive.kpi,
        count=len(present),
        members=", ".join(m for m, _ in present),
    )
    return Resolved(actual=actual, target=target, notes=(note,))
