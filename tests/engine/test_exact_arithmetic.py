"""The engine's integer-ratio arithmetic is SPEC §3 and §4 exactly.

The engine works on integer pairs rather than Fractions for speed; here the same rules are
written out plainly in :class:`fractions.Fraction`, and every line of generated appraisals
must agree with them to the last digit: x, points, effective weight, contribution and the
raw score.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from medsales import appraise
from medsales.engine import curve_points, read_x
from medsales.policy.models import (
    Curve,
    LinearCurve,
    PiecewiseCurve,
    Policy,
    ScaleCurve,
    StepsCurve,
)
from medsales.testing import measurements, policies

F = Fraction


def reference_x(
    basis: str, direction: str, actual: Decimal | Fraction, target: Decimal | Fraction | None
) -> Fraction:
    """SPEC §3: attainment, made "higher is better" and floored at 0, or the actual."""
    if basis == "value":
        return F(actual)
    assert target is not None
    ratio = F(actual) / F(target)
    if direction == "higher":
        return ratio
    raw = 2 - ratio if direction == "lower" else 1 - abs(ratio - 1)
    return max(raw, F(0))


def reference_points(curve: Curve, x: Fraction, *, lower_on_value: bool) -> Fraction:
    """SPEC §3's four curves, straight from their definitions."""
    if isinstance(curve, LinearCurve):
        if curve.floor is not None and x < curve.floor:
            return F(0)
        if curve.cap is not None:
            x = min(x, F(curve.cap))
        return F(curve.multiplier) * x
    if isinstance(curve, StepsCurve):
        if lower_on_value:
            reached = [F(p) for t, p in curve.steps if t >= x]
            return reached[0] if reached else F(curve.below)
        reached = [F(p) for t, p in curve.steps if t <= x]
        return reached[-1] if reached else F(curve.below)
    if isinstance(curve, PiecewiseCurve):
        knots = [(F(kx), F(kp)) for kx, kp in curve.points]
        if x < knots[0][0]:
            return knots[0][1] if curve.below is None else F(curve.below)
        for (x0, p0), (x1, p1) in itertools.pairwise(knots):
            if x0 <= x < x1:
                return p0 + (p1 - p0) * (x - x0) / (x1 - x0)
        return knots[-1][1]
    assert isinstance(curve, ScaleCurve)
    return (x - F(curve.min)) / (F(curve.max) - F(curve.min)) * 100


def reference_weights(policy: Policy, role: str, kept: list[bool]) -> list[Fraction]:
    """SPEC §4: the weights of the lines that remain, renormalised in their section, and
    the sections that remain renormalised; ``"equal"`` weights are 100/n (SPEC §15)."""
    card = policy.scorecard(role)
    sections = card.effective_sections

    def section_weight(sec: Any) -> Fraction:
        return F(100, len(sections)) if card.section_weights == "equal" else F(sec.weight)

    def line_weight(sec: Any, line: Any) -> Fraction:
        return F(100, len(sec.lines)) if sec.weights == "equal" else F(line.weight)

    flat = [(sec, line) for sec in sections for line in sec.lines]
    line_total: dict[str, Fraction] = {}
    for (sec, line), keep in zip(flat, kept, strict=True):
        if keep:
            line_total[sec.id] = line_total.get(sec.id, F(0)) + line_weight(sec, line)
    section_total = sum((section_weight(sec) for sec in sections if sec.id in line_total), F(0))
    return [
        section_weight(sec) / section_total * line_weight(sec, line) / line_total[sec.id] * 100
        if keep
        else F(0)
        for (sec, line), keep in zip(flat, kept, strict=True)
    ]


@st.composite
def appraisal_cases(draw: st.DrawFn) -> tuple[Policy, str, dict[str, object]]:
    policy = draw(policies(allow_non_monotonic=True))
    role = draw(st.sampled_from([card.role for card in policy.scorecards]))
    return policy, role, draw(measurements(policy, role))


@given(appraisal_cases())
def test_every_line_matches_the_rules_written_in_fractions(
    case: tuple[Policy, str, dict[str, object]],
) -> None:
    policy, role, given_measurements = case
    a = appraise(policy, role=role, measurements=given_measurements)  # type: ignore[arg-type]
    card = policy.scorecard(role)
    flat = [line for sec in card.effective_sections for line in sec.lines]
    kept = [line.counted for line in a.lines]
    weights = reference_weights(policy, role, kept) if any(kept) else [F(0)] * len(kept)
    raw = F(0)
    for result, line, weight in zip(a.lines, flat, weights, strict=True):
        assert result.effective_weight == weight
        if result.status == "scored":
            kpi = policy.kpi(line.kpi)
            lower_on_value = line.basis == "value" and kpi.direction == "lower"
            x = reference_x(line.basis, kpi.direction, result.actual, result.target)  # type: ignore[arg-type]
            assert result.x == x
            assert result.points == reference_points(line.curve, x, lower_on_value=lower_on_value)
            # the public Fraction functions agree with the engine's ratio path
            assert read_x(line.basis, kpi.direction, result.actual, result.target, path="m")[0] == x  # type: ignore[arg-type]
            assert (
                curve_points(line.curve, x, lower_on_value=lower_on_value, path="m")[0]
                == result.points
            )
        assert result.contribution == (weight * result.points / 100 if result.points else 0)
        assert type(result.contribution) is Fraction
        raw += result.contribution
    assert a.raw_score == (raw if any(kept) else None)


def breakpoints(curve: Curve) -> list[Fraction]:
    """Where a curve changes its rule: floors, caps, thresholds, knots, a scale's ends."""
    if isinstance(curve, LinearCurve):
        found = [curve.floor, curve.cap]
    elif isinstance(curve, StepsCurve):
        found = [t for t, _ in curve.steps]
    elif isinstance(curve, PiecewiseCurve):
        found = [k for k, _ in curve.points]
    else:
        found = [curve.min, curve.max]
    return [F(b) for b in found if b is not None]


@given(policies(allow_non_monotonic=True), st.integers(1, 6), st.booleans())
def test_curves_at_and_beside_every_breakpoint(
    policy: Policy, digits: int, lower_on_value: bool
) -> None:
    step = F(1, 10**digits)
    for card in policy.scorecards:
        for sec in card.effective_sections:
            for line in sec.lines:
                curve = line.curve
                for b in breakpoints(curve):
                    # negative x too: a growth rate or an NPS can be below 0
                    for x in (b - step, b, b + step, b + step / 3, -b - step / 7):
                        if isinstance(curve, ScaleCurve) and not curve.min <= x <= curve.max:
                            continue
                        got, _ = curve_points(curve, x, lower_on_value=lower_on_value, path="m")
                        want = reference_points(curve, x, lower_on_value=lower_on_value)
                        assert got == want, (curve, x)


@given(
    st.sampled_from(["value", "attainment"]),
    st.sampled_from(["higher", "lower", "target"]),
    st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6)
    | st.decimals(min_value=-1000, max_value=1000, places=4),
    st.fractions(min_value=F(1, 1000), max_value=1000, max_denominator=10**6)
    | st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
)
def test_read_x_on_fractions_and_decimals_of_any_sign(
    basis: str, direction: str, actual: Fraction | Decimal, target: Fraction | Decimal
) -> None:
    # means of survey answers and rater groups are Fractions; a growth rate may be < 0
    x, _ = read_x(basis, direction, actual, target, path="m")  # type: ignore[arg-type]
    assert x == reference_x(basis, direction, actual, target)
