"""Policy checks: the gaps of judgement that loading a policy does not reject (SPEC §12).

:func:`check_policy` returns :class:`Finding` objects, each with a severity, a stable code,
the key path it is about and a message that says what is wrong and what to do:

* ``error`` — the policy does not do what it says: a golden ``[[examples]]`` case that no
  longer reproduces, or a breach of a compliance profile;
* ``warning`` — almost certainly a mistake: a responsibility nothing measures, a grade no
  one can reach (or no one can miss), a line whose actual never changes the score, a
  distribution share that cannot be met;
* ``info`` — worth knowing: a conduct rule that acts only through incidents, a grade some
  roles cannot reach, a line too light to matter much.

The score bounds behind the grade checks are exact; :func:`score_bounds` gives them, and
``docs/testing-policies.md`` explains how they are found.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, Literal

import attrs

from medsales.analysis.whatif import LineResponse
from medsales.cohort.distribution import distribution_counts
from medsales.engine.appraise import appraise
from medsales.errors import MedsalesError, PolicyError, format_path
from medsales.numbers import number_text, quantize
from medsales.policy.document import require_policy
from medsales.policy.models import Grade, Line, Policy, Scorecard, TeamDerive

__all__ = [
    "CN_MEDICAL_REPRESENTATIVE_2020",
    "PROFILES",
    "Finding",
    "ScoreBounds",
    "Severity",
    "check_policy",
    "is_medical_representative",
    "score_bounds",
]

Severity = Literal["error", "warning", "info"]
_ORDER: Final[Mapping[str, int]] = {"error": 0, "warning": 1, "info": 2}

RARELY_FRACTION: Final = Fraction(1, 10)
"""A line whose whole range of contribution is below this fraction of the narrowest grade
band can change the grade only for an employee that close to a band edge: it "rarely
changes the grade"."""

COHORT_SIZES: Final = range(1, 21)
"""The cohort sizes (1 to 20, a team or a small department) over which a distribution
share must give at least one place somewhere."""

_ONE: Final = Fraction(1)
_ZERO: Final = Fraction(0)
_HUNDRED: Final = Fraction(100)


@attrs.frozen
class Finding:
    """One result of :func:`check_policy`."""

    severity: Severity
    code: str
    """Stable, snake_case: what kind of finding (e.g. ``grade_unreachable``)."""
    path: str
    """The key path in the policy document it is about, e.g. ``scorecards[0].lines[2]``."""
    message: str
    """What is wrong and what to do about it."""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready data."""
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f" {self.path}:" if self.path else ""
        return f"{self.severity} [{self.code}]{where} {self.message}"


# --------------------------------------------------------------------------- score bounds


@attrs.frozen
class ScoreBounds:
    """The lowest and highest final score a scorecard can give, before any incident.

    ``low`` and ``high`` range over every valid input: any line may be not applicable, so
    the score can be any single line's points (redistribution only forms weighted averages
    of the lines' points, so no mix of lines goes beyond the best or the worst single
    line). ``low_all_lines`` and ``high_all_lines`` hold when every line is measured, at
    its nominal weight. All are final scores: floored at 0 and limited to ``max_score``;
    ``None`` means unbounded (a ``linear`` line without a ``cap`` and no ``max_score``).
    """

    role: str
    low: Fraction
    high: Fraction | None
    low_all_lines: Fraction
    high_all_lines: Fraction | None


def _card_lines(card: Scorecard, s: int) -> list[tuple[str, Line, Fraction]]:
    """Each line with its key path and its effective weight when every line is present."""
    out: list[tuple[str, Line, Fraction]] = []
    for j, (section, section_share) in enumerate(
        zip(card.effective_sections, card.section_shares, strict=True)
    ):
        for k, (line, share) in enumerate(zip(section.lines, section.line_shares, strict=True)):
            parts: list[str | int] = (
                ["scorecards", s, "sections", j, "lines", k]
                if card.sections is not None
                else ["scorecards", s, "lines", k]
            )
            weight = section_share * share / _HUNDRED
            out.append((format_path(parts), line, weight))
    return out


def _line_points(policy: Policy, line: Line) -> tuple[Fraction | None, Fraction | None]:
    """The least and greatest points of a line over every actual (at target 1: the
    attainment x ranges over the same values whatever the target)."""
    return LineResponse.of(line, policy.kpi(line.kpi), _ONE).bounds()


def _final(policy: Policy, raw: Fraction | None, *, high: bool) -> Fraction | None:
    """A raw score as the final score it gives: floored at 0, limited to max_score."""
    ceiling = None if policy.max_score is None else Fraction(policy.max_score)
    if raw is None:  # unbounded: below, the floor holds it; above, max_score if any
        return ceiling if high else _ZERO
    value = max(raw, _ZERO)
    return value if ceiling is None else min(value, ceiling)


def score_bounds(policy: Policy, role: str) -> ScoreBounds:
    """The exact score bounds of ``role``'s scorecard (see :class:`ScoreBounds`)."""
    card = policy.scorecard(role)
    s = policy.scorecards.index(card)
    lows: list[Fraction | None] = []
    highs: list[Fraction | None] = []
    low_all: Fraction | None = _ZERO
    high_all: Fraction | None = _ZERO
    for _, line, weight in _card_lines(card, s):
        least, most = _line_points(policy, line)
        if (line.missing or policy.missing) == "zero":  # absent, the line keeps 0 points
            least = None if least is None else min(least, _ZERO)
            most = None if most is None else max(most, _ZERO)
        lows.append(least)
        highs.append(most)
        low_all = None if low_all is None or least is None else low_all + weight * least / 100
        high_all = None if high_all is None or most is None else high_all + weight * most / 100
    low = None if None in lows else min(v for v in lows if v is not None)
    high = None if None in highs else max(v for v in highs if v is not None)
    return ScoreBounds(
        role=role,
        low=_final(policy, low, high=False) or _ZERO,
        high=_final(policy, high, high=True),
        low_all_lines=_final(policy, low_all, high=False) or _ZERO,
        high_all_lines=_final(policy, high_all, high=True),
    )


def _rounded(policy: Policy, value: Fraction) -> Decimal:
    return quantize(value, policy.score_places, policy.rounding)


# --------------------------------------------------------------------------- the checks


def _check_examples(policy: Policy) -> Iterable[Finding]:
    for e, example in enumerate(policy.examples):
        path = format_path(["examples", e])
        name = f"golden example {example.name!r}"
        try:
            got = appraise(
                policy,
                role=example.role,
                measurements=example.measurements,
                incidents=example.incidents,
            )
        except MedsalesError as exc:
            yield Finding(
                "error",
                "example_failed",
                path,
                f"{name} cannot be appraised: {exc}; fix its inputs or the policy",
            )
            continue
        expect = example.expect
        wrong: list[str] = []
        if expect.score is not None and (got.score is None or got.score != expect.score):
            wrong.append(f"score {expect.score}, got {got.score}")
        if expect.grade is not None and got.grade != expect.grade:
            wrong.append(f"grade {expect.grade}, got {got.grade}")
        if expect.vetoed is not None and got.vetoed != expect.vetoed:
            wrong.append(f"vetoed {str(expect.vetoed).lower()}, got {str(got.vetoed).lower()}")
        if expect.complete is not None and got.complete != expect.complete:
            wrong.append(
                f"complete {str(expect.complete).lower()}, got {str(got.complete).lower()}"
            )
        if wrong:
            yield Finding(
                "error",
                "example_mismatch",
                path,
                f"{name} (role {example.role}) expected " + "; expected ".join(wrong) + ": "
                "the policy no longer gives what the case says; fix the policy, or the "
                "expectation if the change was intended",
            )


def _used_kpis(policy: Policy) -> set[str]:
    """KPIs on some scorecard, and the KPIs their team roll-ups are built from."""
    used = {ln.kpi for card in policy.scorecards for s in card.effective_sections for ln in s.lines}
    todo = list(used)
    while todo:
        derive = policy.kpi(todo.pop()).derive
        if isinstance(derive, TeamDerive) and derive.kpi not in used:
            used.add(derive.kpi)
            todo.append(derive.kpi)
    return used


def _check_coverage(policy: Policy) -> Iterable[Finding]:
    used = _used_kpis(policy)
    measured_by: dict[str, list[str]] = {}
    for kpi in policy.kpis:
        for ref in kpi.measures:
            measured_by.setdefault(ref, []).append(kpi.id)

    def unused_note(ref: str) -> str:
        idle = [k for k in measured_by.get(ref, []) if k not in used]
        if not idle:
            return ""
        return (
            f" (only {', '.join(idle)} measure{'s' if len(idle) == 1 else ''} it, and no "
            "scorecard uses them)"
        )

    for i, resp in enumerate(policy.department.responsibilities):
        if not any(k in used for k in measured_by.get(resp.id, [])):
            yield Finding(
                "warning",
                "responsibility_unmeasured",
                format_path(["department", "responsibilities", i]),
                f"department responsibility {resp.id!r} is measured by no KPI on any "
                f"scorecard{unused_note(resp.id)}: add its id to the 'measures' of a KPI "
                "that a scorecard uses, or add such a KPI",
            )

    yield from _role_coverage(policy, measured_by)

    for i, rule in enumerate(policy.conduct_rules):
        if not any(k in used for k in measured_by.get(rule.id, [])):
            yield Finding(
                "info",
                "conduct_rule_unmeasured",
                format_path(["conduct_rules", i]),
                f"conduct rule {rule.id!r} is measured by no KPI on any scorecard"
                f"{unused_note(rule.id)}: it acts only through incidents (deductions, grade "
                "caps, veto); add it to a KPI's 'measures' if a KPI evidences it",
            )

    for k, kpi in enumerate(policy.kpis):
        if kpi.id not in used:
            yield Finding(
                "info",
                "kpi_unused",
                format_path(["kpis", k]),
                f"KPI {kpi.id!r} is on no scorecard and feeds no team roll-up: it is never "
                "scored; add a line for it or remove it",
            )

    if not policy.examples:
        yield Finding(
            "info",
            "no_examples",
            "examples",
            "the policy has no golden [[examples]]: add a few worked cases (inputs and the "
            "expected score and grade) so that every change of the policy is checked "
            "against them",
        )


def _role_coverage(policy: Policy, measured_by: dict[str, list[str]]) -> Iterable[Finding]:
    """Each role has a scorecard, and each of its duties a KPI on it."""
    for r, role in enumerate(policy.roles):
        card = policy.scorecards_by_role.get(role.id)
        if card is None:
            yield Finding(
                "warning",
                "role_without_scorecard",
                format_path(["roles", r]),
                f"role {role.id!r} has no scorecard, so no one in it can be appraised and "
                "none of its responsibilities is measured: add a [[scorecards]] for it",
            )
            continue
        on_card = {ln.kpi for s in card.effective_sections for ln in s.lines}
        for i, resp in enumerate(role.responsibilities):
            ref = f"{role.id}.{resp.id}"
            measurers = measured_by.get(ref, [])
            if any(k in on_card for k in measurers):
                continue
            elsewhere = (
                f" (KPI {', '.join(measurers)} measure{'s' if len(measurers) == 1 else ''} "
                f"it but {'is' if len(measurers) == 1 else 'are'} not on this role's "
                "scorecard)"
                if measurers
                else ""
            )
            yield Finding(
                "warning",
                "responsibility_unmeasured",
                format_path(["roles", r, "responsibilities", i]),
                f"responsibility {ref!r} is measured by no KPI on the scorecard of "
                f"{role.id!r}{elsewhere}: add {ref!r} to the 'measures' of a KPI on that "
                "scorecard, or add a line for a KPI that measures it",
            )


def _check_grades(policy: Policy) -> Iterable[Finding]:
    """Scores without a maximum, bands no one can reach, bands no one can miss."""
    if len(policy.grades) < 2:
        return
    bounds = [score_bounds(policy, card.role) for card in policy.scorecards]
    path_of = {
        card.role: format_path(["scorecards", s]) for s, card in enumerate(policy.scorecards)
    }
    yield from _unbounded(policy)
    yield from _unreachable(policy, bounds, path_of)
    yield from _unmissable(policy, bounds, path_of)


def _reaches(policy: Policy, value: Fraction | None, grade: Grade) -> bool:
    return value is None or _rounded(policy, value) >= grade.min


def _unbounded(policy: Policy) -> Iterable[Finding]:
    """A linear line without a cap and no ``max_score``: said once per line."""
    if policy.max_score is None:
        for s, card in enumerate(policy.scorecards):
            for path, line, _ in _card_lines(card, s):
                if _line_points(policy, line)[1] is None:
                    yield Finding(
                        "info",
                        "score_unbounded",
                        path,
                        f"line {line.kpi!r} has a linear curve without a cap, so the score "
                        f"of {card.role!r} has no maximum: set a cap on the curve or "
                        "max_score on the policy if that is not intended",
                    )


def _unreachable(
    policy: Policy, bounds: list[ScoreBounds], path_of: dict[str, str]
) -> Iterable[Finding]:
    """Bands no one (or no one of a role) can reach; the last band is always reachable."""
    grades = policy.grades
    out_of_reach: dict[str, list[str]] = {b.role: [] for b in bounds}
    for g, grade in enumerate(grades[:-1]):
        missing = [b for b in bounds if not _reaches(policy, b.high, grade)]
        if len(missing) == len(bounds):
            best = max(_rounded(policy, b.high) for b in bounds if b.high is not None)
            yield Finding(
                "warning",
                "grade_unreachable",
                format_path(["grades", g]),
                f"no one can reach grade {grade.id!r} (min {grade.min}): the highest score "
                f"any scorecard can give is {best}; lower its min or let the curves give "
                "more points",
            )
        else:
            for b in missing:
                out_of_reach[b.role].append(grade.id)
    for b in bounds:
        if out_of_reach[b.role]:
            assert b.high is not None
            yield Finding(
                "info",
                "grade_unreachable_for_role",
                path_of[b.role],
                f"role {b.role!r} can score at most {_rounded(policy, b.high)}, so it can "
                f"never reach grade {', '.join(out_of_reach[b.role])}, which other roles "
                "can; check its curves if that is not intended",
            )
        all_lines = [
            grade.id
            for grade in grades[:-1]
            if _reaches(policy, b.high, grade) and not _reaches(policy, b.high_all_lines, grade)
        ]
        if all_lines:
            assert b.high_all_lines is not None
            yield Finding(
                "info",
                "grade_needs_dropped_lines",
                path_of[b.role],
                f"with every line measured, role {b.role!r} scores at most "
                f"{_rounded(policy, b.high_all_lines)}: grade {', '.join(all_lines)} is "
                "reached only when some lines are not applicable or missing",
            )


def _unmissable(
    policy: Policy, bounds: list[ScoreBounds], path_of: dict[str, str]
) -> Iterable[Finding]:
    """Bands no one can miss: the lowest possible score already reaches a better band."""
    grades = policy.grades
    floors = [(b, _grade_of(policy, _rounded(policy, b.low))) for b in bounds]
    last = len(grades) - 1
    if all(policy.grade_rank[f.id] < last for _, f in floors):
        worst = max((f for _, f in floors), key=lambda f: policy.grade_rank[f.id])
        below = [g.id for g in grades[policy.grade_rank[worst.id] + 1 :]]
        yield Finding(
            "warning",
            "grade_unmissable",
            format_path(["grades", policy.grade_rank[worst.id]]),
            f"no one can miss grade {worst.id!r} (min {worst.min}): the lowest score any "
            f"scorecard can give is {min(_rounded(policy, b.low) for b in bounds)}, so "
            f"grade {', '.join(below)} is given only by a conduct deduction, grade cap or "
            "veto; raise the band minimums or let the curves give fewer points",
        )
    else:
        for b, floor in floors:
            if policy.grade_rank[floor.id] < last:
                yield Finding(
                    "info",
                    "grade_unmissable_for_role",
                    path_of[b.role],
                    f"role {b.role!r} scores at least {_rounded(policy, b.low)}, so it "
                    f"always reaches grade {floor.id!r} unless a conduct rule lowers it",
                )


def _grade_of(policy: Policy, score: Decimal) -> Grade:
    for grade in policy.grades:
        if score >= grade.min:
            return grade
    return policy.grades[-1]


def _narrowest_band(policy: Policy) -> Fraction | None:
    mins = [Fraction(g.min) for g in policy.grades]
    gaps = [a - b for a, b in itertools.pairwise(mins)]
    return min(gaps) if gaps else None


def _check_lines(policy: Policy) -> Iterable[Finding]:
    narrowest = _narrowest_band(policy)
    for s, card in enumerate(policy.scorecards):
        for path, line, weight in _card_lines(card, s):
            least, most = _line_points(policy, line)
            if least is None or most is None:
                continue
            spread = weight * (most - least) / _HUNDRED
            if spread == 0:
                yield Finding(
                    "warning",
                    "line_never_changes_score",
                    path,
                    f"line {line.kpi!r} of {card.role!r} gives {number_text(most)} points whatever "
                    "the actual, so the KPI never changes the score or the grade: fix its "
                    "curve or remove the line",
                )
            elif narrowest is not None and spread < narrowest * RARELY_FRACTION:
                yield Finding(
                    "info",
                    "line_rarely_changes_grade",
                    path,
                    f"line {line.kpi!r} of {card.role!r} moves the score by at most "
                    f"{number_text(spread)} points from its worst to its best (effective weight "
                    f"{number_text(weight)}), under a tenth of the narrowest grade band "
                    f"({number_text(narrowest)}): it changes the grade only for scores that close "
                    "to a band edge; give it more weight or fold it into another line",
                )


def _check_distribution(policy: Policy) -> Iterable[Finding]:
    dist = policy.distribution
    if dist is None:
        return
    counts = [distribution_counts(policy, n) for n in COHORT_SIZES]
    lowest = policy.grades[-1].id
    for grade in policy.grades:
        if grade.id not in dist.shares:
            continue
        share = dist.shares[grade.id]
        path = format_path(["distribution", "shares", grade.id])
        if dist.mode == "cap" and grade.id == lowest:
            yield Finding(
                "warning",
                "share_on_lowest_grade",
                path,
                f"a cap share on the lowest grade {lowest!r} means nothing: no one can move "
                "below it; remove it",
            )
            continue
        if share == 0:
            yield Finding(
                "info",
                "share_zero",
                path,
                f"grade {grade.id!r} has share 0, so no one holds it after the distribution"
                + (" (those who score it move down)" if dist.mode == "cap" else ""),
            )
            continue
        if all(c.get(grade.id, 0) == 0 for c in counts):
            first = next(
                (
                    n
                    for n in range(COHORT_SIZES.stop, 1001)
                    if distribution_counts(policy, n)[grade.id]
                ),
                None,
            )
            when = (
                f"the first place comes at a cohort of {first}"
                if first is not None
                else "nor in any cohort of up to 1000"
            )
            yield Finding(
                "warning",
                "share_unmet",
                path,
                f"share {share} of grade {grade.id!r} gives no place in any cohort of up to "
                f"{COHORT_SIZES.stop - 1} people ({when}): raise the share or drop it",
            )
    if dist.mode == "cap" and sum(dist.shares.values(), Decimal(0)) == 1:
        yield Finding(
            "info",
            "no_rest_share",
            "distribution.shares",
            "the cap shares total exactly 1, so the share of the grades not listed is 0: "
            "the listed grades' places fill the cohort",
        )


# --------------------------------------------------------------------------- profiles

CN_MEDICAL_REPRESENTATIVE_2020: Final = "cn-medical-representative-2020"

_MEDREP_WORDS: Final = ("医药代表", "醫藥代表", "medical representative")


def is_medical_representative(policy: Policy, role: str) -> bool:
    """Whether a role is a medical representative (医药代表) by the profile's convention:
    its id contains ``medical_representative``, or a text of its name contains 医药代表,
    醫藥代表 or "medical representative" (any case)."""
    r = policy.roles_by_id[role]
    if "medical_representative" in r.id.lower():
        return True
    return any(word in text.lower() for text in r.name.values() for word in _MEDREP_WORDS)


def _is_sales_quota(policy: Policy, kpi_id: str) -> bool:
    kpi = policy.kpi(kpi_id)
    lowered = kpi.id.lower()
    return (
        kpi.unit == "currency"
        and ("sales" in lowered or "revenue" in lowered)
        and not isinstance(kpi.derive, TeamDerive)
    )


def _cn_medical_representative_2020(policy: Policy) -> Iterable[Finding]:
    reps = [r.id for r in policy.roles if is_medical_representative(policy, r.id)]
    if not reps:
        yield Finding(
            "info",
            "cn_medrep_no_role",
            "roles",
            f"profile {CN_MEDICAL_REPRESENTATIVE_2020}: no role is marked as a medical "
            "representative (医药代表), so nothing was checked; a role is one when its id "
            "contains 'medical_representative' or its name contains 医药代表 / 醫藥代表 / "
            "'medical representative'",
        )
        return
    for s, card in enumerate(policy.scorecards):
        if card.role not in reps:
            continue
        for path, line, _ in _card_lines(card, s):
            if _is_sales_quota(policy, line.kpi):
                yield Finding(
                    "error",
                    "cn_medrep_sales_task",
                    path,
                    f"role {card.role!r} is a medical representative (医药代表), and line "
                    f"{line.kpi!r} appraises a personal sales amount: a drug sales task, "
                    "which 《医药代表备案管理办法（试行）》 (NMPA, effective 2020-12-01), "
                    "article 10, forbids (医药代表不得承担药品销售任务); remove the line "
                    "and appraise academic promotion instead",
                )


_PROFILE_CHECKS: Final[Mapping[str, tuple[str, Callable[[Policy], Iterable[Finding]]]]] = {
    CN_MEDICAL_REPRESENTATIVE_2020: (
        "China, 医药代表备案管理办法（试行） (NMPA, effective 2020-12-01), article 10: a "
        "medical representative (医药代表) may not carry drug sales tasks, so a "
        "medical-representative role's scorecard may not appraise a personal sales amount",
        _cn_medical_representative_2020,
    ),
}

PROFILES: Final[Mapping[str, str]] = MappingProxyType(
    {name: description for name, (description, _) in _PROFILE_CHECKS.items()}
)
"""Compliance profiles :func:`check_policy` can apply: name → what it checks."""


# --------------------------------------------------------------------------- check_policy


def check_policy(policy: Policy, *, profiles: Iterable[str] = ()) -> tuple[Finding, ...]:
    """Every finding about ``policy``: errors first, then warnings, then information;
    within a severity in a fixed order (golden examples, coverage, grades, lines,
    distribution, profiles) and in document order.

    ``profiles`` names compliance profiles from :data:`PROFILES`; an unknown name raises
    :class:`~medsales.errors.PolicyError`.
    """
    require_policy(policy)
    names = list(dict.fromkeys(profiles))
    unknown = [n for n in names if n not in _PROFILE_CHECKS]
    if unknown:
        raise PolicyError(
            f"unknown compliance profile {unknown[0]!r}",
            path="profiles",
            value=unknown[0],
            expected="one of " + ", ".join(sorted(_PROFILE_CHECKS)),
        )
    findings: list[Finding] = []
    for check in (
        _check_examples,
        _check_coverage,
        _check_grades,
        _check_lines,
        _check_distribution,
    ):
        findings.extend(check(policy))
    for name in names:
        findings.extend(_PROFILE_CHECKS[name][1](policy))
    return tuple(sorted(findings, key=lambda f: _ORDER[f.severity]))
