"""SPEC §4 and §5: weights, redistribution, conduct, final score, rounding and grade."""

from __future__ import annotations

import copy
import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

import medsales
from builders import BASE, SHEET, build, one_line
from medsales import (
    InputError,
    MedsalesError,
    MissingMeasurementError,
    UnknownKPIError,
    UnknownRoleError,
    UnknownRuleError,
    appraise,
)


def codes(notes: Any) -> list[str]:
    return [n.code for n in notes]


# --- the worked example: a Chinese KPI sheet -------------------------------------------


def test_kpi_sheet_example_scores_94_89() -> None:
    a = appraise(build(), role="rep", measurements=SHEET)
    assert a.score == Decimal("94.89")
    assert a.raw_score == Fraction(854, 9)  # 55 + 18.888… + 12 + 9
    assert a.grade == "A"
    assert a.coefficient == Decimal("1.2")


def test_kpi_sheet_example_below_floor_scores_82_89() -> None:
    sheet = {**SHEET, "new_accounts": {"actual": 2, "target": 5}}
    a = appraise(build(), role="rep", measurements=sheet)
    assert a.score == Decimal("82.89")
    assert a.lines[2].points == 0
    assert a.grade == "B"


# --- §4 weights ------------------------------------------------------------------------


def test_flat_lines_are_one_section_of_weight_100() -> None:
    a = appraise(build(), role="rep", measurements=SHEET)
    assert {line.section for line in a.lines} == {"main"}
    assert [line.effective_weight for line in a.lines] == [50, 20, 20, 10]


def test_effective_weight_is_section_share_times_line_share() -> None:
    m = {"sales": {"actual": 1, "target": 1}, "forecast": {"actual": 1, "target": 1}, "teamwork": 5}
    a = appraise(build(), role="other", measurements=m)
    assert [line.effective_weight for line in a.lines] == [56, 24, 20]
    assert [line.contribution for line in a.lines] == [56, 24, 20]
    assert a.raw_score == 100


def test_contribution_is_effective_weight_times_points_over_100() -> None:
    a = appraise(build(), role="rep", measurements=SHEET)
    for line in a.lines:
        assert line.points is not None
        assert line.contribution == line.effective_weight * line.points / 100
    assert a.raw_score == sum(line.contribution for line in a.lines)


def test_missing_redistribute_shares_weight_pro_rata() -> None:
    m = {k: v for k, v in SHEET.items() if k != "teamwork"}
    a = appraise(build(), role="rep", measurements=m)
    weights = {line.kpi: line.effective_weight for line in a.lines}
    assert weights == {
        "sales": Fraction(500, 9),
        "csat": Fraction(200, 9),
        "new_accounts": Fraction(200, 9),
        "teamwork": 0,
    }
    assert sum(weights.values()) == 100
    dropped = a.lines[3]
    assert dropped.status == "missing"
    assert dropped.contribution == 0
    assert codes(dropped.notes) == ["missing_redistributed"]
    assert "redistributed" in codes(a.notes)


def test_missing_zero_keeps_the_line_with_zero_points() -> None:
    m = {k: v for k, v in SHEET.items() if k != "teamwork"}
    a = appraise(build(missing="zero"), role="rep", measurements=m)
    line = a.lines[3]
    assert (line.status, line.points, line.effective_weight) == ("zero", 0, 10)
    assert a.score == Decimal("85.89")


def test_missing_error_fails_with_a_located_message() -> None:
    m = {k: v for k, v in SHEET.items() if k != "csat"}
    with pytest.raises(
        MissingMeasurementError,
        match=r"measurements\.csat: no measurement "
        r"of 'csat', and its line \(scorecards\[0\]\.lines\[1\]\) says",
    ):
        appraise(build(missing="error"), role="rep", measurements=m)


def test_line_missing_rule_overrides_the_policy_default() -> None:
    doc = copy.deepcopy(BASE)
    doc["scorecards"][0]["lines"][3]["missing"] = "zero"
    m = {k: v for k, v in SHEET.items() if k != "teamwork"}
    from medsales import load_policy

    a = appraise(load_policy(doc), role="rep", measurements=m)
    assert a.lines[3].status == "zero"


@pytest.mark.parametrize("missing", ["redistribute", "zero", "error"])
def test_not_applicable_always_drops_out(missing: str) -> None:
    m = {**SHEET, "teamwork": {"applicable": False}}
    a = appraise(build(missing=missing), role="rep", measurements=m)
    line = a.lines[3]
    assert line.status == "not_applicable"
    assert line.effective_weight == 0
    assert codes(line.notes) == ["not_applicable"]
    assert sum(x.effective_weight for x in a.lines) == 100


def test_a_section_with_no_lines_left_drops_out() -> None:
    m = {"sales": {"actual": 1, "target": 1}, "forecast": {"actual": 1, "target": 1}}
    a = appraise(build(), role="other", measurements=m)
    assert [line.effective_weight for line in a.lines] == [70, 30, 0]
    assert "section_dropped" in codes(a.notes)
    assert "sections_redistributed" in codes(a.notes)


def test_nothing_left_is_incomplete_with_no_score_and_no_grade() -> None:
    a = appraise(build(), role="rep", measurements={"sales": {"applicable": False}})
    assert not a.complete
    assert (a.score, a.grade, a.coefficient, a.raw_score) == (None, None, None, None)
    assert a.reason == "no scorecard line has a measurement"
    assert "incomplete" in codes(a.notes)
    assert a.to_dict()["score"] is None


def test_measurements_off_the_scorecard_are_noted_not_used() -> None:
    a = appraise(build(), role="rep", measurements={**SHEET, "days": 3})
    assert a.score == Decimal("94.89")
    assert "unused_measurement" in codes(a.notes)


# --- §5 conduct ------------------------------------------------------------------------


def test_deduction_per_incident() -> None:
    incidents = [{"rule": "integrity", "severity": "minor"}] * 2
    a = appraise(build(), role="rep", measurements=SHEET, incidents=incidents)
    assert a.deductions == 4
    assert a.score == Decimal("90.89")
    assert codes(a.notes).count("deduction") == 2


def test_max_deduction_caps_the_total() -> None:
    incidents = [{"rule": "integrity", "severity": "major"}] * 4
    a = appraise(build(max_deduction=30), role="rep", measurements=SHEET, incidents=incidents)
    assert (a.deductions, a.deduction_applied) == (40, 30)
    assert a.score == Decimal("64.89")
    assert "max_deduction" in codes(a.notes)


def test_score_is_floored_at_zero() -> None:
    incidents = [{"rule": "integrity", "severity": "major"}] * 10
    a = appraise(build(), role="rep", measurements=SHEET, incidents=incidents)
    assert a.score == Decimal("0.00")
    assert a.exact_score == 0
    assert "score_floor" in codes(a.notes)


def test_score_is_limited_to_max_score() -> None:
    sheet = {k: {"actual": 2, "target": 1} for k in SHEET}
    a = appraise(build(max_score=110), role="rep", measurements=sheet)
    assert a.raw_score == 120
    assert a.score == Decimal("110.00")
    assert "max_score" in codes(a.notes)


def test_incidents_outside_the_period_do_not_count() -> None:
    incidents = [
        {"rule": "integrity", "severity": "major", "date": "2026-06-30"},
        {"rule": "integrity", "severity": "minor", "date": "2026-07-01"},
        {"rule": "integrity", "severity": "minor"},
    ]
    a = appraise(build(), role="rep", measurements=SHEET, incidents=incidents, period="2026-Q3")
    assert [c.counted for c in a.conduct] == [True, False, True]  # undated sorts first
    assert a.deductions == 4
    assert a.grade == "A"  # the major's grade cap did not count either
    assert "incident_outside_period" in codes(a.notes)


def test_incidents_count_when_no_period_is_given() -> None:
    incidents = [{"rule": "integrity", "severity": "minor", "date": "2020-01-01"}]
    a = appraise(build(), role="rep", measurements=SHEET, incidents=incidents)
    assert a.deductions == 2


def test_grade_cap_applies_the_lowest_cap() -> None:
    incidents = [
        {"rule": "teamwork", "severity": "major"},
        {"rule": "integrity", "severity": "major"},
    ]
    a = appraise(build(), role="rep", measurements=SHEET, incidents=incidents)
    assert a.score == Decimal("84.89")
    assert (a.grade_from_score, a.grade) == ("B", "C")
    assert a.coefficient == Decimal("0.8")
    assert "grade_cap" in codes(a.notes)


def test_grade_cap_never_raises_a_grade() -> None:
    sheet = {k: {"actual": "0.6", "target": 1} for k in SHEET}  # 60 → C, cap B is above it
    a = appraise(
        build(),
        role="rep",
        measurements=sheet,
        incidents=[{"rule": "teamwork", "severity": "major"}],
    )
    assert a.grade == "C"
    assert "grade_cap" not in codes(a.notes)


def test_veto_sets_lowest_grade_and_keeps_the_score() -> None:
    a = appraise(
        build(),
        role="rep",
        measurements=SHEET,
        incidents=[{"rule": "integrity", "severity": "critical"}],
    )
    assert a.vetoed
    assert a.score == Decimal("94.89")
    assert (a.grade_from_score, a.grade, a.coefficient) == ("A", "D", Decimal(0))
    assert "veto" in codes(a.notes)


def test_severity_without_consequence_costs_nothing() -> None:
    a = appraise(
        build(),
        role="rep",
        measurements=SHEET,
        incidents=[{"rule": "teamwork", "severity": "critical"}],
    )
    assert (a.score, a.grade, a.vetoed) == (Decimal("94.89"), "A", False)
    assert a.conduct[0].deduct == 0


def test_unknown_rule_is_an_error() -> None:
    with pytest.raises(
        UnknownRuleError,
        match=r"incidents\[0\]\.rule: unknown conduct rule "
        r"'honesty' \(expected one of integrity, teamwork\)",
    ):
        appraise(
            build(),
            role="rep",
            measurements=SHEET,
            incidents=[{"rule": "honesty", "severity": "minor"}],
        )


def test_unknown_severity_is_an_error() -> None:
    with pytest.raises(
        InputError,
        match=r"incidents\[0\]\.severity: Input should be 'minor', "
        r"'major' or 'critical'",
    ):
        appraise(
            build(),
            role="rep",
            measurements=SHEET,
            incidents=[{"rule": "integrity", "severity": "grave"}],
        )


def test_incident_of_another_employee_is_an_error() -> None:
    with pytest.raises(InputError, match="incident of employee 'E2' given for 'E1'"):
        appraise(
            build(),
            role="rep",
            measurements=SHEET,
            employee_id="E1",
            incidents=[{"employee_id": "E2", "rule": "integrity", "severity": "minor"}],
        )


# --- rounding and grades ---------------------------------------------------------------

ONE_TO_ONE = {"type": "linear", "multiplier": 1}


@pytest.mark.parametrize(
    ("mode", "tie", "expected"),
    [
        ("half_up", "84.995", "85.00"),
        ("half_up", "84.985", "84.99"),
        ("half_even", "84.995", "85.00"),
        ("half_even", "84.985", "84.98"),
        ("half_down", "84.995", "84.99"),
        ("down", "84.999", "84.99"),
        ("up", "84.991", "85.00"),
        ("ceiling", "84.991", "85.00"),
        ("floor", "84.999", "84.99"),
    ],
)
def test_each_rounding_mode_at_the_rounding_digit(mode: str, tie: str, expected: str) -> None:
    a = appraise(one_line(ONE_TO_ONE, rounding=mode), role="rep", measurements={"sales": tie})
    assert str(a.score) == expected
    assert a.exact_score == Fraction(Decimal(tie))
    assert "rounded" in codes(a.notes)


def test_grade_is_read_from_the_rounded_score() -> None:
    a = appraise(one_line(ONE_TO_ONE), role="rep", measurements={"sales": "84.995"})
    assert (a.score, a.grade) == (Decimal("85.00"), "A")


def test_band_minimum_exactly_gets_the_band() -> None:
    a = appraise(one_line(ONE_TO_ONE), role="rep", measurements={"sales": 70})
    assert a.grade == "B"
    assert "rounded" not in codes(a.notes)


def test_last_band_takes_everything_below() -> None:
    grades = [{"id": "good", "min": 80}, {"id": "poor", "min": 50}]
    policy = one_line(ONE_TO_ONE, grades=grades, conduct_rules=[])
    a = appraise(policy, role="rep", measurements={"sales": 10})
    assert a.grade == "poor"
    assert a.coefficient is None


@pytest.mark.parametrize("places", [0, 1, 4])
def test_score_places(places: int) -> None:
    a = appraise(
        one_line(ONE_TO_ONE, score_places=places), role="rep", measurements={"sales": "72.46251"}
    )
    assert a.score is not None
    assert a.score.as_tuple().exponent == -places
    assert a.to_dict()["score"] == format(a.score, "f")


def test_exact_rounding_where_28_digit_decimal_is_wrong() -> None:
    # SPEC §1: scale 1–10, weights 19/61/20, third missing, ratings 7.43 and 6.33 → 62.125
    scale = {"type": "scale", "min": 1, "max": 10}
    lines = [
        {"kpi": k, "weight": w, "basis": "value", "curve": scale}
        for k, w in (("teamwork", 19), ("csat", 61), ("new_accounts", 20))
    ]
    policy = build(scorecards=[{"role": "rep", "lines": lines}])
    a = appraise(policy, role="rep", measurements={"teamwork": "7.43", "csat": "6.33"})
    assert a.exact_score == Fraction(62125, 1000)
    assert a.score == Decimal("62.13")
    with decimal.localcontext(decimal.Context(prec=28)):
        naive = (
            Decimal(19) / 80 * 100 * ((Decimal("7.43") - 1) / 9 * 100) / 100
            + Decimal(61) / 80 * 100 * ((Decimal("6.33") - 1) / 9 * 100) / 100
        )
    assert naive.quantize(Decimal("0.01"), decimal.ROUND_HALF_UP) == Decimal("62.12")


# --- bad input -------------------------------------------------------------------------


def test_unknown_role_is_an_error() -> None:
    with pytest.raises(
        UnknownRoleError,
        match=r"role: unknown role 'boss' \(expected one of "
        r"other, rep\)",
    ):
        appraise(build(), role="boss", measurements=SHEET)


def test_role_without_scorecard_is_an_error() -> None:
    policy = build(scorecards=[BASE["scorecards"][0]])
    with pytest.raises(UnknownRoleError, match="role 'other' has no scorecard"):
        appraise(policy, role="other", measurements={})


def test_unknown_kpi_is_an_error() -> None:
    with pytest.raises(UnknownKPIError, match=r"measurements\.revenue: unknown KPI 'revenue'"):
        appraise(build(), role="rep", measurements={**SHEET, "revenue": 5})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", r"measurements\.sales: 'abc' is not a number"),
        (float("nan"), r"measurements\.sales: nan is not a finite number"),
        ("Infinity", r"measurements\.sales: 'Infinity' is not a finite number"),
        (True, r"measurements\.sales: True is not a number"),
        (None, r"measurements\.sales: None is not a number"),
        ({"actual": "x"}, r"measurements\.sales\.actual: 'x' is not a number"),
        ({"target": 5}, r"measurements\.sales: an applicable measurement needs an 'actual'"),
        ({"actual": 1, "tagret": 5}, r"measurements\.sales\.tagret: unknown key 'tagret'"),
    ],
)
def test_bad_measurements_are_located_errors(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        appraise(build(), role="rep", measurements={**SHEET, "sales": value})


def test_measurements_must_be_a_mapping() -> None:
    with pytest.raises(InputError, match="measurements must be a mapping"):
        appraise(build(), role="rep", measurements=[1, 2])  # type: ignore[arg-type]


def test_bad_incident_is_an_error() -> None:
    with pytest.raises(InputError, match=r"incidents\[0\]: an incident must be a mapping"):
        appraise(build(), role="rep", measurements=SHEET, incidents=["oops"])  # type: ignore[list-item]


def test_bad_period_is_an_error() -> None:
    with pytest.raises(MedsalesError, match="2026-Q5"):
        appraise(build(), role="rep", measurements=SHEET, period="2026-Q5")
    with pytest.raises(InputError, match="period must be a Period or a label"):
        appraise(build(), role="rep", measurements=SHEET, period=2026)  # type: ignore[arg-type]


def test_floats_go_through_their_repr() -> None:
    a = appraise(one_line(ONE_TO_ONE), role="rep", measurements={"sales": 0.1})
    assert a.lines[0].actual == Decimal("0.1")
    assert a.exact_score == Fraction(1, 10)


def test_measurements_of_an_appraisal_appraise_to_the_same_score() -> None:
    from medsales.engine.appraise import measurements_of

    policy = medsales.default_policy()
    for example in policy.examples:
        a = medsales.appraise(
            policy,
            role=example.role,
            measurements=example.measurements,
            incidents=example.incidents,
        )
        given = measurements_of(a)
        assert {k for k, m in given.items() if not m.applicable} == {
            k for k, m in example.measurements.items() if not m.applicable
        }
        again = medsales.appraise(
            policy, role=example.role, measurements=given, incidents=example.incidents
        )
        assert (again.score, again.grade, again.lines) == (a.score, a.grade, a.lines)
