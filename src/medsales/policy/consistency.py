"""The checks that span more than one key of a policy (SPEC §3, §4, §5, §8, §12)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from medsales.errors import Problem, format_path
from medsales.numbers import exact_sum
from medsales.policy.base import SEVERITIES
from medsales.policy.curves import LinearCurve, PiecewiseCurve, ScaleCurve, StepsCurve
from medsales.policy.history import check_history
from medsales.policy.kpis import KPI, RatingsDerive, TeamDerive
from medsales.policy.scorecards import Line, Scorecard, Section

if TYPE_CHECKING:
    from medsales.policy.document import Policy

__all__ = ["CHECKS", "check_consistency"]


Path = list[str | int]


@attrs.define
class _Problems:
    """The problems found so far, each at its key path."""

    found: list[Problem] = attrs.field(factory=list)

    def add(self, path: Path, message: str, value: Any = None) -> None:
        self.found.append(Problem(message=message, path=format_path(path), value=value))

    def unique(self, items: Sequence[Any], path: Path, what: str, key: str) -> None:
        """Each item's ``key`` appears once."""
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = getattr(item, key)
            if ident in seen:
                self.add(
                    [*path, i, key], f"duplicate {what} {ident!r} (also at [{seen[ident]}])", ident
                )
            else:
                seen[ident] = i


def _unique_ids(policy: Policy, out: _Problems) -> None:
    """Ids are unique where they are looked up (SPEC §12)."""
    out.unique(
        policy.department.responsibilities,
        ["department", "responsibilities"],
        "responsibility id",
        "id",
    )
    out.unique(policy.roles, ["roles"], "role id", "id")
    for r, role in enumerate(policy.roles):
        out.unique(
            role.responsibilities, ["roles", r, "responsibilities"], "responsibility id", "id"
        )
    out.unique(policy.conduct_rules, ["conduct_rules"], "conduct rule id", "id")
    out.unique(policy.kpis, ["kpis"], "KPI id", "id")
    out.unique(policy.grades, ["grades"], "grade id", "id")
    out.unique(policy.scorecards, ["scorecards"], "scorecard for role", "role")


def _grades_best_first(policy: Policy, out: _Problems) -> None:
    """Grades are listed best first with strictly decreasing ``min`` (SPEC §5)."""
    for i in range(1, len(policy.grades)):
        prev, cur = policy.grades[i - 1], policy.grades[i]
        if cur.min >= prev.min:
            out.add(
                ["grades", i, "min"],
                f"grade {cur.id!r} has min {cur.min}, not below {prev.id!r}'s {prev.min}; "
                "list grades best first with strictly decreasing min",
                cur.min,
            )


def _consequences(policy: Policy, out: _Problems) -> None:
    """A consequence caps at a grade that exists (SPEC §5)."""
    grades = [g.id for g in policy.grades]
    for r, rule in enumerate(policy.conduct_rules):
        for severity in SEVERITIES:
            consequence = rule.consequences.for_severity(severity)
            if (
                consequence is not None
                and consequence.grade_cap is not None
                and consequence.grade_cap not in grades
            ):
                out.add(
                    ["conduct_rules", r, "consequences", severity, "grade_cap"],
                    f"unknown grade {consequence.grade_cap!r} "
                    f"(expected one of {', '.join(grades)})",
                    consequence.grade_cap,
                )


def _kpi_references(policy: Policy, out: _Problems) -> None:
    """A KPI measures duties or rules that exist; team roll-ups name a KPI and end (SPEC §2, §8)."""
    kpis = {k.id: k for k in policy.kpis}
    references = (
        {r.id for r in policy.department.responsibilities}
        | {f"{role.id}.{resp.id}" for role in policy.roles for resp in role.responsibilities}
        | {r.id for r in policy.conduct_rules}
    )
    for k, kpi in enumerate(policy.kpis):
        for m, ref in enumerate(kpi.measures):
            if ref not in references:
                out.add(
                    ["kpis", k, "measures", m],
                    f"{ref!r} is not a department responsibility, a role responsibility "
                    "('role.responsibility') or a conduct rule",
                    ref,
                )
        if isinstance(kpi.derive, TeamDerive):
            _team_chain(kpi, k, kpis, out)
        if isinstance(kpi.derive, RatingsDerive) and isinstance(kpi.derive.min_raters, dict):
            for group in kpi.derive.min_raters:
                if group not in kpi.derive.groups:
                    out.add(
                        ["kpis", k, "derive", "min_raters", group],
                        f"rater group {group!r} has no weight in 'groups' "
                        f"(expected one of {', '.join(kpi.derive.groups)})",
                        group,
                    )


def _team_chain(kpi: KPI, k: int, kpis: dict[str, KPI], out: _Problems) -> None:
    """A team roll-up names a known KPI and its chain of roll-ups never comes back."""
    assert isinstance(kpi.derive, TeamDerive)
    target = kpi.derive.kpi
    if target not in kpis:
        out.add(["kpis", k, "derive", "kpi"], f"unknown KPI {target!r}", target)
        return
    chain = [kpi.id]
    node: KPI | None = kpis[target]
    while node is not None:
        if node.id in chain:
            out.add(
                ["kpis", k, "derive", "kpi"],
                "team roll-up leads into a cycle: " + " → ".join([*chain, node.id]),
                target,
            )
            return
        chain.append(node.id)
        d = node.derive
        node = kpis.get(d.kpi) if isinstance(d, TeamDerive) else None


def _scorecards(policy: Policy, out: _Problems) -> None:
    """Scorecards are for known roles; weights total exactly 100 (SPEC §4)."""
    roles = {r.id for r in policy.roles}
    for s, card in enumerate(policy.scorecards):
        base: Path = ["scorecards", s]
        if card.role not in roles:
            out.add(
                [*base, "role"],
                f"unknown role {card.role!r} (expected one of {', '.join(sorted(roles))})",
                card.role,
            )
        if card.sections is not None:
            out.unique(card.sections, [*base, "sections"], "section id", "id")
            _section_weights(card, base, out)
            sections = [([*base, "sections", i], sec) for i, sec in enumerate(card.sections)]
        else:
            if card.section_weights is not None:
                out.add(
                    [*base, "section_weights"],
                    "'section_weights' needs 'sections' (flat 'lines' are one section)",
                    card.section_weights,
                )
            sections = [(base, card.effective_sections[0])]
        _scorecard_lines(policy, card, sections, out)


def _section_weights(card: Scorecard, base: Path, out: _Problems) -> None:
    """Section weights total exactly 100, or the scorecard says ``section_weights =
    "equal"`` and no section has a weight (SPEC §4, §15)."""
    assert card.sections is not None
    if card.weights is not None:
        out.add(
            [*base, "weights"],
            "'weights' goes on a section (or on flat 'lines'), not on a scorecard with sections",
            card.weights,
        )
    if card.section_weights == "equal":
        for i, sec in enumerate(card.sections):
            if sec.weight is not None:
                out.add(
                    [*base, "sections", i, "weight"],
                    f"section {sec.id!r} has a weight, but scorecard {card.role!r} says "
                    'section_weights = "equal" (give one or the other)',
                    sec.weight,
                )
        return
    # every section has a weight here: a missing one fails validation
    total = exact_sum(sec.weight or Decimal(0) for sec in card.sections)
    if total != 100:
        out.add(
            [*base, "sections"],
            f"section weights of scorecard {card.role!r} total {total}, must total 100",
            total,
        )


def _line_weights(card: Scorecard, sec: Section, sec_path: Path, out: _Problems) -> None:
    """A section's line weights total exactly 100, or it says ``weights = "equal"`` and no
    line has a weight (SPEC §4, §15)."""
    where = f"section {sec.id!r}" if card.sections is not None else "flat lines"
    if sec.weights == "equal":
        for i, line in enumerate(sec.lines):
            if line.weight is not None:
                out.add(
                    [*sec_path, "lines", i, "weight"],
                    f"line {line.kpi!r} has a weight, but scorecard {card.role!r} {where} "
                    'says weights = "equal" (give one or the other)',
                    line.weight,
                )
        return
    # every line has a weight here: a missing one fails validation
    total = exact_sum(line.weight or Decimal(0) for line in sec.lines)
    if total != 100:
        out.add(
            [*sec_path, "lines"],
            f"line weights of scorecard {card.role!r} {where} total {total}, must total 100",
            total,
        )


def _scorecard_lines(
    policy: Policy, card: Scorecard, sections: list[tuple[Path, Section]], out: _Problems
) -> None:
    """Each section's line weights total 100; each line reads a known KPI once, through a
    curve that does not fall as the KPI gets better (SPEC §3, §4)."""
    kpis = policy.kpis_by_id
    seen_kpis: dict[str, str] = {}
    for sec_path, sec in sections:
        _line_weights(card, sec, sec_path, out)
        for i, line in enumerate(sec.lines):
            lpath = [*sec_path, "lines", i]
            kpi_def = kpis.get(line.kpi)
            if kpi_def is None:
                out.add([*lpath, "kpi"], f"unknown KPI {line.kpi!r}", line.kpi)
                continue
            if line.kpi in seen_kpis:
                out.add(
                    [*lpath, "kpi"],
                    f"KPI {line.kpi!r} appears twice in scorecard "
                    f"{card.role!r} (also in {seen_kpis[line.kpi]})",
                    line.kpi,
                )
            seen_kpis[line.kpi] = format_path(lpath)
            for message in _curve_problems(line, kpi_def):
                out.add([*lpath, "curve"], message)


def _distribution(policy: Policy, out: _Problems) -> None:
    """Forced distribution shares name known grades and add up (SPEC §8)."""
    if policy.distribution is None:
        return
    grades = [g.id for g in policy.grades]
    dist = policy.distribution
    for gid in dist.shares:
        if gid not in grades:
            out.add(
                ["distribution", "shares", gid],
                f"unknown grade {gid!r} (expected one of {', '.join(grades)})",
                gid,
            )
    total = exact_sum(dist.shares.values())
    if dist.mode == "exact":
        missing = [g for g in grades if g not in dist.shares]
        if missing:
            out.add(
                ["distribution", "shares"],
                f"exact mode needs a share for every grade; missing {', '.join(missing)}",
            )
        if total != 1:
            out.add(
                ["distribution", "shares"], f"exact mode shares total {total}, must total 1", total
            )
    elif total > 1:
        out.add(["distribution", "shares"], f"cap shares total {total}, must not exceed 1", total)


def _examples(policy: Policy, out: _Problems) -> None:
    """Golden examples refer to roles, KPIs, rules and grades that exist (SPEC §12)."""
    roles = {r.id for r in policy.roles}
    grades = {g.id for g in policy.grades}
    rules = {r.id for r in policy.conduct_rules}
    for e, example in enumerate(policy.examples):
        if example.role not in roles:
            out.add(["examples", e, "role"], f"unknown role {example.role!r}", example.role)
        for kpi_id in example.measurements:
            if kpi_id not in policy.kpis_by_id:
                out.add(["examples", e, "measurements", kpi_id], f"unknown KPI {kpi_id!r}", kpi_id)
        for i, incident in enumerate(example.incidents):
            if incident.rule not in rules:
                out.add(
                    ["examples", e, "incidents", i, "rule"],
                    f"unknown conduct rule {incident.rule!r}",
                    incident.rule,
                )
        if example.expect.grade is not None and example.expect.grade not in grades:
            out.add(
                ["examples", e, "expect", "grade"],
                f"unknown grade {example.expect.grade!r}",
                example.expect.grade,
            )


def _history(policy: Policy, out: _Problems) -> None:
    """``[rollup]`` and ``[[alerts]]`` against the rest of the policy (SPEC §18)."""
    out.found.extend(check_history(policy))


CHECKS: Final[tuple[Callable[[Policy, _Problems], None], ...]] = (
    _unique_ids,
    _grades_best_first,
    _consequences,
    _kpi_references,
    _scorecards,
    _distribution,
    _history,
    _examples,
)
"""The checks, in the order their problems are reported; a new cross-key rule is one more
function here."""


def check_consistency(policy: Policy) -> tuple[Problem, ...]:
    """Every load-time check that spans more than one key (SPEC §3, §4, §5, §8, §12)."""
    out = _Problems()
    for check in CHECKS:
        check(policy, out)
    return tuple(out.found)


def _curve_problems(line: Line, kpi: KPI) -> list[str]:
    """Why a line's curve is not non-decreasing in "better" (SPEC §3), if it is not."""
    curve = line.curve
    if isinstance(curve, ScaleCurve) and line.basis != "value":
        return ['a scale curve reads a rating; use basis = "value"']
    if line.allow_non_monotonic:
        return []
    lower_value = line.basis == "value" and kpi.direction == "lower"
    if (
        isinstance(curve, LinearCurve)
        and not lower_value
        and curve.floor is not None
        and curve.floor < 0 < curve.multiplier
    ):
        return [
            f"a linear curve with a negative floor ({curve.floor}) gives 0 points below "
            "it but negative points just above it; use a floor of 0 or more, or set "
            "allow_non_monotonic = true"
        ]
    if isinstance(curve, LinearCurve | ScaleCurve):
        if lower_value:
            return [
                f"a {curve.type} curve rises with x, but KPI {kpi.id!r} is lower-is-better "
                'on basis "value"; use steps or piecewise with falling points, or set '
                "allow_non_monotonic = true"
            ]
        return []
    if isinstance(curve, StepsCurve):
        pts = [p for _, p in curve.steps]
        if lower_value:
            # smallest threshold >= x; beyond the last threshold → below
            falling = all(a >= b for a, b in itertools.pairwise(pts))
            if not falling or curve.below > pts[-1]:
                return [
                    f'steps for lower-is-better KPI {kpi.id!r} on basis "value" must '
                    "have points that do not rise with the threshold, and 'below' no "
                    "more than the last step's points"
                ]
            return []
        rising = all(a <= b for a, b in itertools.pairwise(pts))
        if not rising or curve.below > pts[0]:
            return [
                "step points must not fall as the threshold rises, and 'below' must not "
                "exceed the first step's points (or set allow_non_monotonic = true)"
            ]
        return []
    assert isinstance(curve, PiecewiseCurve)
    pts = [p for _, p in curve.points]
    below = pts[0] if curve.below is None else curve.below
    if lower_value:
        if not all(a >= b for a, b in itertools.pairwise(pts)) or below < pts[0]:
            return [
                f'piecewise points for lower-is-better KPI {kpi.id!r} on basis "value" '
                "must not rise with x, and 'below' must not be less than the first "
                "knot's points"
            ]
        return []
    if not all(a <= b for a, b in itertools.pairwise(pts)) or below > pts[0]:
        return [
            "piecewise points must not fall as x rises, and 'below' must not exceed the "
            "first knot's points (or set allow_non_monotonic = true)"
        ]
    return []
