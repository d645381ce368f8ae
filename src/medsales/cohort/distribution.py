"""Forced distribution across a cohort (SPEC §8): ``cap`` and ``exact`` modes.

A bottom ranking alone is not evidence of incompetence: courts have held so (China's
Supreme People's Court Guiding Case No. 18). A distribution is a pay and calibration tool
and ``medsales`` records, for every appraisal it moves, the grade before and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from medsales.engine.notes import Note
from medsales.engine.results import Appraisal
from medsales.policy.models import Distribution, Policy
from medsales.targets import split

__all__ = ["apply_distribution", "distribution_counts"]


def distribution_counts(policy: Policy, cohort_size: int) -> dict[str, int]:
    """How many of ``cohort_size`` each listed grade may hold (cap) or must hold (exact):
    the largest-remainder apportionment of the size over the shares (plus, in cap mode,
    one share for the rest)."""
    dist = _distribution(policy)
    listed = [g.id for g in policy.grades if g.id in dist.shares]
    weights = [dist.shares[g] for g in listed]
    if dist.mode == "cap":
        weights.append(max(Decimal(1) - sum(weights, Decimal(0)), Decimal(0)))
    if cohort_size == 0 or not any(weights):
        return dict.fromkeys(listed, 0)
    parts = split(cohort_size, weights, unit=Decimal(1))
    return {g: int(n) for g, n in zip(listed, parts, strict=False)}


def _distribution(policy: Policy) -> Distribution:
    if policy.distribution is None:
        raise ValueError("the policy has no distribution")  # pragma: no cover - guarded
    return policy.distribution


def apply_distribution(policy: Policy, appraisals: Sequence[Appraisal]) -> tuple[Appraisal, ...]:
    """The appraisals with the policy's distribution applied, in the same order.

    Complete, non-vetoed appraisals take part, ranked by their (rounded) score; each
    records ``grade_before_distribution`` and, when moved, a note saying why. A vetoed
    appraisal keeps the lowest grade; conduct grade caps still hold afterwards.
    """
    if policy.distribution is None:
        return tuple(appraisals)
    dist = policy.distribution
    players = sorted(
        (a for a in appraisals if a.complete and not a.vetoed and a.score is not None),
        key=lambda a: (-(a.score or Decimal(0)), a.employee_id or ""),
    )
    counts = distribution_counts(policy, len(players))
    order = [g.id for g in policy.grades]
    new_grade: dict[int, str] = {}
    if dist.mode == "cap":
        current = {id(a): a.grade or order[-1] for a in players}
        for i, grade in enumerate(order):
            if grade not in counts or i == len(order) - 1:
                continue
            members = [a for a in players if current[id(a)] == grade]
            keep = _boundary(members, counts[grade], dist.ties)
            for a in members[keep:]:
                current[id(a)] = order[i + 1]
        new_grade = current
    else:
        position = 0
        cumulative = 0
        for i, grade in enumerate(order):
            cumulative += counts.get(grade, 0)
            end = len(players) if i == len(order) - 1 else cumulative
            end = max(position, position + _boundary(players[position:], end - position, dist.ties))
            for a in players[position:end]:
                new_grade[id(a)] = _capped(policy, a, grade)
            position = end

    out: list[Appraisal] = []
    for a in appraisals:
        if id(a) not in new_grade:
            out.append(a)
            continue
        grade = new_grade[id(a)]
        notes = a.notes
        if grade != a.grade:
            notes = (
                *notes,
                Note.of("distribution", before=a.grade, after=grade, mode=dist.mode),
            )
        out.append(
            attrs.evolve(
                a,
                grade=grade,
                coefficient=policy.grades_by_id[grade].coefficient,
                grade_before_distribution=a.grade,
                notes=notes,
            )
        )
    return tuple(out)


def _boundary(ranked: Sequence[Appraisal], limit: int, ties: str) -> int:
    """How many of ``ranked`` (best first) stay above the line at ``limit``, ties resolved
    by the policy: ``favor_higher`` keeps everyone tied at the line, ``favor_lower`` moves
    them all below it."""
    if limit >= len(ranked):
        return len(ranked)
    if limit <= 0:
        return 0  # a grade with no places keeps no one, whatever the ties
    line = ranked[limit - 1].score
    if ranked[limit].score != line:
        return limit
    if ties == "favor_higher":
        end = limit
        while end < len(ranked) and ranked[end].score == line:
            end += 1
        return end
    end = limit
    while end > 0 and ranked[end - 1].score == line:
        end -= 1
    return end


def _capped(policy: Policy, appraisal: Appraisal, grade: str) -> str:
    """A distribution never lifts a grade above a conduct grade cap."""
    rank = policy.grade_rank
    caps = [c.grade_cap for c in appraisal.conduct if c.counted and c.grade_cap is not None]
    if not caps:
        return grade
    worst = max(caps, key=lambda g: rank[g])
    return worst if rank[worst] > rank[grade] else grade
