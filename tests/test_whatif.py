"""``medsales.analysis.whatif``: the exact actual that reaches a grade, and what a unit is worth."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import build, one_line
from medsales import InputError, Policy, UnknownKPIError, appraise, loads_policy
from medsales.analysis.whatif import (
    LineResponse,
    Sensitivity,
    WhatIf,
    min_actual_for_grade,
    points_per_unit,
    rounding_threshold,
)
from medsales.engine.appraise import Resolved, normalize_measurements
from medsales.numbers import quantize
from medsales.policy.models import ScaleCurve
from medsales.testing import incidents, measurements, policies

# The KPI sheet of docs/calculation.md: 50/20/20/10, linear floor 0.6 cap 1.2 on attainment.
MARCH: dict[str, Any] = {
    "sales": {"actual": 1_100_000, "target": 1_000_000},
    "csat": {"actual": 85, "target": 90},
    "new_accounts": {"actual": 3, "target": 5},
    "teamwork": {"actual": 90, "target": 100},
}


def grade_with(policy: Policy, kpi: str, actual: Any, base: dict[str, Any], **kw: Any) -> str:
    target = base.get(kpi, {}).get("target") if isinstance(base.get(kpi), dict) else None
    m = {
        **base,
        kpi: {"actual": actual} if target is None else {"actual": actual, "target": target},
    }
    a = appraise(policy, role="rep", measurements=m, **kw)
    assert a.grade is not None
    return a.grade


# --- the KPI sheet -----------------------------------------------------------------------


def test_smallest_sales_for_a_on_the_kpi_sheet() -> None:
    policy = build()
    w = min_actual_for_grade(policy, role="rep", measurements=MARCH, kpi="sales", grade="A")
    # the others give 170/9 + 12 + 9 = 359/9; A needs 84.995 (rounds half up to 85.00):
    # sales points = (84.995 - 359/9) × 100 / 50 = 81191/900, x = 0.90212…, × 1 000 000
    assert w.actual == Fraction(8_119_100, 9)
    assert (w.reachable, w.exact, w.bound) == (True, True, "min")
    assert w.target == Decimal(1_000_000)
    assert w.score_at == Decimal("85.00")
    exact = appraise(
        policy,
        role="rep",
        measurements={**MARCH, "sales": Resolved(actual=w.actual, target=Decimal(1_000_000))},
    )
    assert exact.exact_score == Fraction("84.995")
    assert exact.grade == "A"
    # in whole fen: 902 122.23 is enough, 902 122.22 is not
    assert grade_with(policy, "sales", "902122.23", MARCH) == "A"
    assert grade_with(policy, "sales", "902122.22", MARCH) == "B"
    # money is answered in whole yuan, rounded up to the first that reaches the grade
    assert w.whole == 902_123
    assert grade_with(policy, "sales", "902123", MARCH) == "A"
    assert grade_with(policy, "sales", "902122", MARCH) == "B"
    assert "at least 902123 reaches A" in w.message
    assert "≈" not in w.message
    assert "至少为 902123 即可达到 A" in w.text("zh-Hans")
    assert w.to_dict()["whole"] == 902_123


def test_counts_are_answered_in_whole_units_and_other_units_exactly() -> None:
    policy = build()
    visits = min_actual_for_grade(
        policy, role="rep", measurements=MARCH, kpi="new_accounts", grade="A"
    )
    assert visits.whole is not None
    assert visits.actual is not None
    assert visits.whole >= visits.actual > visits.whole - 1
    assert grade_with(policy, "new_accounts", str(visits.whole), MARCH) == "A"
    assert grade_with(policy, "new_accounts", str(visits.whole - 1), MARCH) != "A"
    assert f"at least {visits.whole} reaches A" in visits.message
    csat = min_actual_for_grade(policy, role="rep", measurements=MARCH, kpi="csat", grade="A")
    assert csat.whole is None  # a percentage keeps its exact answer
    assert csat.to_dict()["whole"] is None


def test_every_grade_of_the_kpi_sheet() -> None:
    policy = build()

    def answer(grade: str) -> WhatIf:
        return min_actual_for_grade(
            policy, role="rep", measurements=MARCH, kpi="sales", grade=grade
        )

    # 10 points more at 50 % weight: 20 % of the target more than for A
    assert answer("S").actual == Fraction(8_119_100, 9) + 200_000
    assert answer("B").actual == Fraction(8_119_100, 9) - 300_000
    # C: 60 points at the floor (x = 0.6) give 69.89; below the floor the line gives 0
    c = answer("C")
    assert c.actual == Decimal(600_000)
    assert c.score_at == Decimal("69.89")
    assert grade_with(policy, "sales", "599999.99", MARCH) == "D"
    d = answer("D")
    assert (d.reachable, d.actual) == (True, Decimal(0))
    assert "lowest grade" in d.message


def test_a_kpi_already_good_enough_at_zero() -> None:
    # without any new account the others give 55 + 18.89 + 9 = 82.89: B
    w = min_actual_for_grade(build(), role="rep", measurements=MARCH, kpi="new_accounts", grade="B")
    assert (w.reachable, w.actual, w.exact) == (True, Decimal(0), True)
    assert "even at 0" in w.message
    assert w.score_at == Decimal("82.89")


def test_deductions_raise_the_bar() -> None:
    lapse = [{"rule": "integrity", "severity": "minor"}]  # -2 points
    w = min_actual_for_grade(
        build(), role="rep", measurements=MARCH, kpi="sales", grade="A", incidents=lapse
    )
    # raw must reach 86.995: (86.995 - 359/9) × 2 / 100 × 1 000 000
    assert w.actual == Fraction(8_479_100, 9)
    assert w.score_at == Decimal("85.00")


def test_a_grade_cap_makes_better_grades_unreachable() -> None:
    major = [{"rule": "integrity", "severity": "major"}]  # -10 and capped at C
    for grade in ("S", "A", "B"):
        w = min_actual_for_grade(
            build(), role="rep", measurements=MARCH, kpi="sales", grade=grade, incidents=major
        )
        assert (w.reachable, w.actual) == (False, None)
        assert "caps the grade at C" in w.message
    c = min_actual_for_grade(
        build(), role="rep", measurements=MARCH, kpi="sales", grade="C", incidents=major
    )
    # C needs raw 69.995 after the 10 points: (69.995 - 359/9) × 2 / 100 × 1 000 000
    assert (c.reachable, c.actual) == (True, Fraction(5_419_100, 9))
    assert c.score_at == Decimal("60.00")


def test_a_veto_leaves_only_the_lowest_grade() -> None:
    veto = [{"rule": "integrity", "severity": "critical"}]
    a = min_actual_for_grade(
        build(), role="rep", measurements=MARCH, kpi="sales", grade="C", incidents=veto
    )
    assert not a.reachable
    assert "veto by integrity (critical)" in a.message
    assert [n.code for n in a.notes] == ["whatif_veto"]
    assert a.text("zh-Hans") == "无法达到 C：integrity（严重）一票否决，无论得分均为最低等级 D"
    assert a.text("zh-TW") == "無法達到 C：integrity（嚴重）一票否決，無論得分均為最低等級 D"
    document = a.to_dict()
    assert document["message"] == a.message
    assert [n["code"] for n in document["notes"]] == ["whatif_veto"]
    d = min_actual_for_grade(
        build(), role="rep", measurements=MARCH, kpi="sales", grade="D", incidents=veto
    )
    assert d.reachable


# --- curves and directions ---------------------------------------------------------------


def test_steps_give_a_threshold() -> None:
    policy = one_line({"type": "steps", "steps": [[0.8, 60], [1, 100]]}, basis="attainment")
    base = {"sales": {"actual": 500, "target": 1000}}
    b = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="B")
    assert (b.actual, b.exact, b.score_at) == (Decimal(1000), True, Decimal("100.00"))
    assert grade_with(policy, "sales", "999.99", base) == "C"
    c = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="C")
    assert c.actual == Decimal(800)
    assert grade_with(policy, "sales", "799.99", base) == "D"


def test_piecewise_is_solved_on_its_segment() -> None:
    curve = {"type": "piecewise", "points": [[60, 60], [90, 100]]}
    policy = one_line(curve, kpi="csat")
    w = min_actual_for_grade(policy, role="rep", measurements={"csat": 70}, kpi="csat", grade="A")
    # 60 + 40 × (x - 60) / 30 = 84.995
    assert w.actual == Decimal("78.74625")
    assert w.score_at == Decimal("85.00")
    assert grade_with(policy, "csat", "78.74624", {"csat": 70}) == "B"
    # below the first knot the curve gives its points (60): C whatever the CSAT, which
    # (a percent) may be any number
    c = min_actual_for_grade(policy, role="rep", measurements={"csat": 70}, kpi="csat", grade="C")
    assert (c.reachable, c.actual, c.exact) == (True, None, False)
    assert "however low" in c.message


def test_lower_is_better_asks_for_the_largest_actual() -> None:
    linear = {"type": "linear", "floor": 0.6, "cap": 1.2}
    policy = one_line(linear, basis="attainment", kpi="days", direction="lower")
    base = {"days": {"actual": 9, "target": 10}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="days", grade="A")
    # x = 2 - days / 10 must reach 0.84995: days ≤ 11.5005
    assert (w.bound, w.actual, w.exact) == ("max", Decimal("11.5005"), True)
    assert "at most 11.5005" in w.message
    assert "largest actual" in w.message
    assert grade_with(policy, "days", "11.5005", base) == "A"
    assert grade_with(policy, "days", "11.5006", base) == "B"


def test_lower_is_better_steps_on_value() -> None:
    steps = {"type": "steps", "steps": [[2, 100], [5, 70]], "below": 0}
    policy = one_line(steps, kpi="days", direction="lower")

    def largest(grade: str) -> WhatIf:
        return min_actual_for_grade(
            policy, role="rep", measurements={"days": 3}, kpi="days", grade=grade
        )

    assert largest("A").actual == Decimal(2)
    assert largest("B").actual == Decimal(5)
    assert grade_with(policy, "days", "5.01", {"days": 3}) == "D"
    d = largest("D")
    assert (d.reachable, d.actual) == (True, None)
    assert "however high" in d.message


def test_a_jump_leaves_a_bound_that_is_not_reached() -> None:
    # lower is better on value: under 2 days 100 points, at 2 days 80, falling to 0 at 10
    curve = {"type": "piecewise", "points": [[2, 80], [10, 0]], "below": 100}
    policy = one_line(curve, kpi="days", direction="lower")
    w = min_actual_for_grade(policy, role="rep", measurements={"days": 5}, kpi="days", grade="A")
    assert (w.bound, w.actual, w.exact) == ("max", Decimal(2), False)
    assert "any days below 2 reaches A, but 2 itself does not (score 80.00)" in w.message
    assert "rounding" not in w.message
    assert grade_with(policy, "days", "1.99", {"days": 5}) == "S"


def test_closer_is_better_gives_both_ends() -> None:
    policy = one_line({"type": "linear"}, basis="attainment", kpi="forecast", direction="target")
    base = {"forecast": {"actual": 100, "target": 100}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="forecast", grade="A")
    assert (w.bound, w.actual) == ("min", Decimal("84.995"))
    assert "115.005 is the most that still reaches it" in w.message
    assert grade_with(policy, "forecast", "115.005", base) == "A"
    assert grade_with(policy, "forecast", "115.006", base) == "B"


def test_unreachable_at_the_curves_best() -> None:
    policy = one_line({"type": "linear", "cap": 0.9}, basis="attainment")
    base = {"sales": {"actual": 1, "target": 1}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="S")
    assert (w.reachable, w.actual, w.score_at) == (False, None, None)
    assert "at its best (90 points) the score is 90.00" in w.message
    assert min_actual_for_grade(
        policy, role="rep", measurements=base, kpi="sales", grade="A"
    ).reachable


def test_max_score_below_the_band() -> None:
    policy = one_line({"type": "linear"}, basis="attainment", max_score=90)
    base = {"sales": {"actual": 1, "target": 1}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="S")
    assert not w.reachable
    assert "max_score 90" in w.message


def test_unreachable_below_max_score_gives_the_best_score() -> None:
    policy = one_line({"type": "linear", "cap": 0.9}, basis="attainment", max_score=100)
    base = {"sales": {"actual": 1, "target": 1}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="S")
    assert "the score is 90.00, below the band minimum 95" in w.message


def test_a_band_at_0_is_reached_by_every_score() -> None:
    bands = [{"id": "S", "min": 10}, {"id": "A", "min": 0}, {"id": "F", "min": -5}]
    policy = one_line({"type": "linear"}, basis="attainment", grades=bands, conduct_rules=None)
    base = {"sales": {"actual": 1, "target": 1}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="sales", grade="A")
    assert (w.reachable, w.actual, w.exact) == (True, Decimal(0), True)
    assert "band minimum 0 is reached by every score" in w.message


def test_an_unbounded_line_has_no_bounds() -> None:
    policy = one_line({"type": "linear"}, kpi="csat")  # a percent may be negative
    line = policy.scorecard("rep").effective_sections[0].lines[0]
    response = LineResponse.of(line, policy.kpi("csat"))
    assert response.bounds() == (None, None)
    assert response.low is None
    assert response.points(Fraction(-3)) == -300


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "minimum", "expected"),
    [
        ("half_up", "85", (Fraction("84.995"), False)),
        ("half_down", "85", (Fraction("84.995"), True)),
        ("half_even", "85", (Fraction("84.995"), False)),  # 85.00: 8500 is even
        ("half_even", "85.01", (Fraction("85.005"), True)),  # 85.01: 8501 is odd
        ("up", "85", (Fraction("84.99"), True)),
        ("ceiling", "85", (Fraction("84.99"), True)),
        ("down", "85", (Fraction(85), False)),
        ("floor", "85.001", (Fraction("85.01"), False)),  # 85.00 is not enough
        ("half_up", "0", (Fraction(0), False)),
    ],
)
def test_rounding_threshold(mode: str, minimum: str, expected: tuple[Fraction, bool]) -> None:
    assert rounding_threshold(build(rounding=mode), Decimal(minimum)) == expected


@given(
    mode=st.sampled_from(["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"]),
    places=st.integers(0, 3),
    minimum=st.integers(1, 100_000),
    offset=st.integers(-3, 3),
)
def test_rounding_threshold_agrees_with_quantize(
    mode: str, places: int, minimum: int, offset: int
) -> None:
    policy = build(rounding=mode, score_places=places)
    band = Decimal(minimum).scaleb(-3)
    t, strict = rounding_threshold(policy, band)
    score = t + Fraction(offset, 10 ** (places + 2))
    reached = quantize(score, places, mode) >= band
    assert reached == (score > t or (score == t and not strict))


def test_an_up_rounding_on_a_closer_is_better_kpi() -> None:
    policy = one_line(
        {"type": "linear"}, basis="attainment", kpi="forecast", direction="target", rounding="up"
    )
    base = {"forecast": {"actual": 100, "target": 100}}
    w = min_actual_for_grade(policy, role="rep", measurements=base, kpi="forecast", grade="A")
    assert (w.actual, w.exact) == (Decimal("84.99"), False)
    assert "115.01 is the most that still reaches it (exclusive)" in w.message


def test_an_up_rounding_needs_an_actual_beyond_the_bound() -> None:
    policy = one_line({"type": "linear", "multiplier": 1}, kpi="csat", rounding="up")
    w = min_actual_for_grade(policy, role="rep", measurements={"csat": 50}, kpi="csat", grade="A")
    assert (w.reachable, w.actual, w.exact) == (True, Decimal("84.99"), False)
    assert w.score_at == Decimal("84.99")
    assert "any csat above 84.99 reaches A" in w.message
    assert grade_with(policy, "csat", "84.99", {"csat": 50}) == "B"
    assert grade_with(policy, "csat", "84.991", {"csat": 50}) == "A"


# --- bad questions -----------------------------------------------------------------------


def test_bad_questions_are_input_errors() -> None:
    policy = build()
    with pytest.raises(InputError, match="unknown grade 'Z'"):
        min_actual_for_grade(policy, role="rep", measurements=MARCH, kpi="sales", grade="Z")
    with pytest.raises(InputError, match="'days' is not on the scorecard of role 'rep'"):
        min_actual_for_grade(policy, role="rep", measurements=MARCH, kpi="days", grade="A")
    with pytest.raises(UnknownKPIError):
        min_actual_for_grade(policy, role="rep", measurements=MARCH, kpi="nope", grade="A")
    no_target = {**MARCH, "sales": 1_100_000}
    with pytest.raises(InputError, match="target > 0") as info:
        min_actual_for_grade(policy, role="rep", measurements=no_target, kpi="sales", grade="A")
    assert info.value.path == "measurements.sales.target"


def test_a_what_if_as_data() -> None:
    w = min_actual_for_grade(build(), role="rep", measurements=MARCH, kpi="sales", grade="A")
    data = w.to_dict()
    assert data["actual"] == "902122.2222222222"
    assert data["actual_fraction"] == "8119100/9"
    assert data["score_at"] == "85.00"
    assert (data["reachable"], data["exact"], data["bound"]) == (True, True, "min")


# --- the property: the answer is the exact edge ------------------------------------------


def check_edge(data: st.DataObject, *, allow_non_monotonic: bool) -> None:
    """Appraising at the answer reaches the grade and a little worse does not (or, when
    the rounding needs an actual strictly beyond the bound, the other way round)."""
    policy = data.draw(
        policies(
            max_roles=1,
            max_kpis=4,
            max_lines=4,
            max_rules=2,
            allow_non_monotonic=allow_non_monotonic,
        )
    )
    role = policy.scorecards[0].role
    given_m = data.draw(measurements(policy, role))
    lines = [ln for s in policy.scorecard(role).effective_sections for ln in s.lines]
    line = data.draw(st.sampled_from(lines))
    grade = data.draw(st.sampled_from([g.id for g in policy.grades]))
    incs = data.draw(incidents(policy, max_size=2))
    current = normalize_measurements(policy, given_m).get(line.kpi)
    target = None if current is None else current.target
    assume(line.basis == "value" or (target is not None and target > 0))

    result = min_actual_for_grade(
        policy, role=role, measurements=given_m, kpi=line.kpi, grade=grade, incidents=incs
    )
    response = LineResponse.of(line, policy.kpi(line.kpi), target)

    def reaches(actual: Fraction) -> bool:
        value = Resolved(actual=actual, target=target)
        a = appraise(policy, role=role, measurements={**given_m, line.kpi: value}, incidents=incs)
        return a.grade is not None and policy.grade_rank[a.grade] <= policy.grade_rank[grade]

    def inside(actual: Fraction) -> bool:
        return (response.low is None or actual >= response.low) and (
            response.high is None or actual <= response.high
        )

    samples = [*response.breaks, response.breaks[0] - 1, response.breaks[-1] + 1]
    samples += [(a + b) / 2 for a, b in zip(response.breaks, response.breaks[1:], strict=False)]
    samples = [a for a in samples if inside(a)]
    if not result.reachable:
        assert not any(reaches(a) for a in samples)
        return
    if result.actual is None:  # whatever the actual
        if "not with every value" in result.message:  # a non-monotonic curve
            assert line.allow_non_monotonic
            far_out = response.breaks[-1] + 1 if result.bound == "max" else response.breaks[0] - 1
            assert reaches(far_out)
        else:
            assert all(reaches(a) for a in samples)
        return
    actual = Fraction(result.actual)
    step = -1 if result.bound == "min" else 1  # towards worse
    neighbours = [b for b in response.breaks if (b - actual) * -step > 0]
    gap = min((abs(b - actual) for b in neighbours), default=Fraction(1))
    better = actual - step * min(gap / 2, Fraction(1, 10**6))
    worse = actual + step * Fraction(1, 10**9)
    if result.exact:
        assert reaches(actual)
        if inside(worse):
            assert not reaches(worse)
    else:
        assert not reaches(actual)
        assert reaches(better)
    if not isinstance(line.curve, ScaleCurve):
        assert result.score_at is not None


@given(data=st.data())
def test_the_answer_is_the_exact_edge(data: st.DataObject) -> None:
    check_edge(data, allow_non_monotonic=False)


@given(data=st.data())
def test_the_answer_is_the_edge_for_non_monotonic_curves_too(data: st.DataObject) -> None:
    check_edge(data, allow_non_monotonic=True)


# --- points_per_unit ---------------------------------------------------------------------


def by_kpi(sensitivities: tuple[Sensitivity, ...]) -> dict[str, Sensitivity]:
    return {s.kpi: s for s in sensitivities}


def test_points_per_unit_on_the_kpi_sheet() -> None:
    s = by_kpi(points_per_unit(build(), role="rep", measurements=MARCH))
    # sales: weight 50 % × 100 points per unit of x ÷ the target
    assert s["sales"].per_unit == Fraction(1, 20_000)
    assert s["sales"].per_percent_of_target == Fraction(1, 2)
    assert s["csat"].per_unit == Fraction(2, 9)  # 20 % × 100 / 90
    assert s["csat"].per_percent_of_target == Fraction(1, 5)
    # exactly at the floor: the right derivative is the slope above it
    assert s["new_accounts"].per_unit == 4  # 20 % × 100 / 5
    assert s["teamwork"].per_unit == Fraction(1, 10)
    assert list(s) == ["sales", "csat", "new_accounts", "teamwork"]


def test_flat_parts_are_worth_nothing() -> None:
    m = {
        **MARCH,
        "sales": {"actual": 1_300_000, "target": 1_000_000},  # past the cap
        "new_accounts": {"actual": 2, "target": 5},  # below the floor
    }
    s = by_kpi(points_per_unit(build(), role="rep", measurements=m))
    assert s["sales"].per_unit == 0
    assert s["sales"].per_percent_of_target == 0
    assert s["new_accounts"].per_unit == 0
    steps = one_line({"type": "steps", "steps": [[0.8, 60], [1, 100]]}, basis="attainment")
    [only] = points_per_unit(steps, role="rep", measurements={"sales": {"actual": 9, "target": 10}})
    assert only.per_unit == 0


def test_limits_of_the_final_score_hold_it_still() -> None:
    capped = build(max_score=90)  # raw 94.89 is held at 90
    s = by_kpi(points_per_unit(capped, role="rep", measurements=MARCH))
    assert s["sales"].per_unit == 0
    assert s["sales"].per_percent_of_target == Fraction(1, 2)  # raw points still move
    lapses = [{"rule": "integrity", "severity": "minor"}] * 50  # -100: floored at 0
    s = by_kpi(points_per_unit(build(), role="rep", measurements=MARCH, incidents=lapses))
    assert s["csat"].per_unit == 0


def test_value_scale_and_lower_lines() -> None:
    piecewise = one_line({"type": "piecewise", "points": [[60, 60], [90, 100]]}, kpi="csat")
    [p] = points_per_unit(piecewise, role="rep", measurements={"csat": 70})
    assert (p.per_unit, p.per_percent_of_target) == (Fraction(4, 3), None)
    scale = one_line({"type": "scale", "min": 1, "max": 5}, kpi="teamwork")
    [mid] = points_per_unit(scale, role="rep", measurements={"teamwork": 3})
    assert mid.per_unit == 25
    [top] = points_per_unit(scale, role="rep", measurements={"teamwork": 5})
    assert top.per_unit == 0  # a rating cannot rise past the scale
    lower = one_line(
        {"type": "linear", "floor": 0.6, "cap": 1.2},
        basis="attainment",
        kpi="days",
        direction="lower",
    )
    at_cap = {"days": {"actual": 8, "target": 10}}  # x = 1.2: one more day leaves the cap
    [d] = points_per_unit(lower, role="rep", measurements=at_cap)
    assert d.per_unit == -10
    assert d.per_percent_of_target == -1
    [d] = points_per_unit(lower, role="rep", measurements={"days": {"actual": 7, "target": 10}})
    assert d.per_unit == 0


def test_points_per_unit_skips_lines_without_a_measurement() -> None:
    m = {k: v for k, v in MARCH.items() if k != "teamwork"}
    assert [s.kpi for s in points_per_unit(build(), role="rep", measurements=m)] == [
        "sales",
        "csat",
        "new_accounts",
    ]
    assert points_per_unit(build(), role="rep", measurements={}) == ()


def test_a_sensitivity_as_data() -> None:
    [sales, *_] = points_per_unit(build(), role="rep", measurements=MARCH)
    assert sales.to_dict() == {
        "kpi": "sales",
        "actual": "1100000",
        "target": "1000000",
        "per_unit": "0.00005",
        "per_unit_fraction": "1/20000",
        "per_percent_of_target": "0.5",
    }


def test_a_whole_number_answer_stays_within_a_rating_scale() -> None:
    """A count KPI read on a 0–1.1 scale: the whole-number answer (1 is the only one in
    range) never goes past the scale's end, where appraising would be an error."""
    policy = loads_policy(
        """
id = "p"
version = "1"
name = { en = "P" }
[department]
id = "d"
name = { en = "D" }
[[roles]]
id = "r"
name = { en = "R" }
[[kpis]]
id = "a"
name = { en = "A" }
unit = "count"
[[grades]]
id = "A"
min = 95
[[grades]]
id = "B"
min = 0
[[scorecards]]
role = "r"
[[scorecards.lines]]
kpi = "a"
weight = 100
basis = "value"
curve = { type = "scale", min = 0, max = 1.1 }
"""
    )
    answer = min_actual_for_grade(policy, role="r", measurements={"a": 0}, kpi="a", grade="A")
    assert answer.reachable
    assert answer.actual == Decimal("1.044945")  # 94.995 rounds half up to 95
    assert answer.whole is None  # 2 is past the scale; 1 does not reach A
