"""SPEC §6: appraising a period from sub-period rows, proration and role changes."""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from builders import BASE, build
from medsales import (
    InputError,
    PeriodError,
    UnknownKPIError,
    appraisal_json_schema,
    appraise_employee,
)

LINEAR = {"type": "linear"}


def policy_with(aggregation: str = "sum", **settings: Any) -> Any:
    """Role rep: one line, KPI ``sales`` with ``aggregation``, read on attainment."""
    kpis = copy.deepcopy(BASE["kpis"])
    kpis[0]["aggregation"] = aggregation
    card = {
        "role": "rep",
        "lines": [{"kpi": "sales", "weight": 100, "basis": "attainment", "curve": LINEAR}],
    }
    other = {
        "role": "other",
        "lines": [
            {"kpi": "forecast", "weight": 50, "basis": "attainment", "curve": LINEAR},
            {
                "kpi": "teamwork",
                "weight": 50,
                "basis": "value",
                "curve": {"type": "scale", "min": 1, "max": 5},
            },
        ],
    }
    return build(kpis=kpis, scorecards=[card, other], **settings)


REP = [{"employee_id": "E1", "role": "rep"}]


def row(period: str, actual: Any, target: Any = None, **more: Any) -> dict[str, Any]:
    out = {"employee_id": "E1", "period": period, "kpi": "sales", "actual": actual}
    if target is not None:
        out["target"] = target
    out.update(more)
    return out


def sales_line(a: Any) -> Any:
    return next(line for line in a.lines if line.kpi == "sales")


# --- aggregation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "actual", "target"),
    [
        ("sum", 60, 60),
        ("mean", 20, 20),
        ("last", 30, 30),
        ("min", 10, 10),
        ("max", 30, 30),
    ],
)
def test_sub_periods_aggregate_by_the_kpis_aggregation(how: str, actual: int, target: int) -> None:
    rows = [row("2026-07", 10, 10), row("2026-08", 20, 20), row("2026-09", 30, 30)]
    random.Random(1).shuffle(rows)  # `last` is by period, not by row order
    a = appraise_employee(
        policy_with(how), employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
    )
    line = sales_line(a)
    assert (line.actual, line.target) == (actual, target)
    assert next(n.code for n in line.notes) == "aggregated"


def test_weighted_mean_uses_each_rows_weight() -> None:
    rows = [row("2026-07", 80, 100, weight=10), row("2026-08", 90, 100, weight=30)]
    a = appraise_employee(
        policy_with("weighted_mean"),
        employee_id="E1",
        employees=REP,
        measurements=rows,
        period="2026-Q3",
    )
    assert sales_line(a).actual == Fraction(175, 2)  # (800 + 2700) / 40


def test_weighted_mean_needs_a_weight_on_every_row() -> None:
    rows = [row("2026-07", 80, 100, weight=10), row("2026-08", 90, 100)]
    with pytest.raises(
        InputError,
        match=r"measurements\[1\]\.weight: KPI 'sales' aggregates "
        r"by weighted_mean and needs a weight on every row",
    ):
        appraise_employee(
            policy_with("weighted_mean"),
            employee_id="E1",
            employees=REP,
            measurements=rows,
            period="2026-Q3",
        )


def test_a_row_for_the_whole_period_is_used_as_it_is() -> None:
    a = appraise_employee(
        policy_with(),
        employee_id="E1",
        employees=REP,
        measurements=[row("2026-Q3", 90, 100)],
        period="2026-Q3",
    )
    line = sales_line(a)
    assert (line.actual, line.target, line.notes) == (90, 100, ())
    assert a.score == Decimal("90.00")


def test_a_row_straddling_the_period_is_an_error() -> None:
    with pytest.raises(
        InputError,
        match=r"measurements\[0\]\.period: the row's period 2026-H2 "
        r"straddles the appraised period 2026-Q3",
    ):
        appraise_employee(
            policy_with(),
            employee_id="E1",
            employees=REP,
            measurements=[row("2026-H2", 90, 100)],
            period="2026-Q3",
        )


def test_two_rows_for_the_same_kpi_and_period_are_an_error() -> None:
    rows = [row("2026-07", 1, 1), row("2026-08", 1, 1), row("2026-07", 2, 2)]
    with pytest.raises(
        InputError,
        match=r"two rows for employee 'E1', KPI 'sales': "
        r"measurements\[0\] \(2026-07\) and measurements\[2\] \(2026-07\)",
    ):
        appraise_employee(
            policy_with(), employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
        )


def test_overlapping_rows_are_an_error_never_summed() -> None:
    rows = [row("2026-Q3", 5, 5), row("2026-08", 1, 1)]
    with pytest.raises(InputError, match="overlapping rows for employee 'E1', KPI 'sales'"):
        appraise_employee(
            policy_with(), employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
        )


def test_rows_outside_the_period_and_of_others_are_passed_over() -> None:
    rows = [
        row("2026-06", 999, 1),
        row("2026-07", 90, 100),
        {**row("2026-08", 5, 5), "employee_id": "E9"},
    ]
    a = appraise_employee(
        policy_with(), employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
    )
    assert (sales_line(a).actual, sales_line(a).target) == (90, 100)


def test_targets_must_be_on_every_row_or_none() -> None:
    with pytest.raises(
        InputError,
        match=r"measurements\[1\]\.target: KPI 'sales' has a target "
        r"for some periods but not for 2026-08",
    ):
        appraise_employee(
            policy_with(),
            employee_id="E1",
            employees=REP,
            measurements=[row("2026-07", 1, 1), row("2026-08", 1)],
            period="2026-Q3",
        )


def test_not_applicable_rows_do_not_count_and_all_of_them_drop_the_line() -> None:
    policy = policy_with("mean")
    rows = [row("2026-07", 80, 100), {**row("2026-08", None), "applicable": False}]
    del rows[1]["actual"]
    a = appraise_employee(
        policy, employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
    )
    assert sales_line(a).actual == 80
    only_na = [{"employee_id": "E1", "period": "2026-07", "kpi": "sales", "applicable": False}]
    a = appraise_employee(
        policy, employee_id="E1", employees=REP, measurements=only_na, period="2026-Q3"
    )
    assert sales_line(a).status == "not_applicable"
    assert not a.complete


def test_fiscal_periods_read_rows_in_the_policys_calendar() -> None:
    policy = policy_with(fiscal_year_start=4)
    rows = [
        row("2025-04", 10, 10),
        row("2025-05", 10, 10),
        row("2025-06", 10, 20),
        row("2025-07", 99, 1),
    ]
    a = appraise_employee(
        policy, employee_id="E1", employees=REP, measurements=rows, period="FY2026-Q1"
    )
    assert a.period is not None
    assert (a.period.start.isoformat(), a.period.end.isoformat()) == ("2025-04-01", "2025-06-30")
    assert (sales_line(a).actual, sales_line(a).target) == (30, 40)


# --- proration -----------------------------------------------------------------------


def test_a_partial_period_prorates_sum_targets_by_days() -> None:
    joiner = [{"employee_id": "E1", "role": "rep", "active_from": "2026-08-01"}]
    a = appraise_employee(
        policy_with(),
        employee_id="E1",
        employees=joiner,
        measurements=[row("2026-Q3", 61, 100)],
        period="2026-Q3",
    )
    line = sales_line(a)
    assert line.target == Fraction(100 * 61, 92)
    assert line.x == Fraction(92, 100)
    assert "prorated" in [n.code for n in line.notes]
    assert "active_part" in [n.code for n in a.notes]
    assert a.score == Decimal("92.00")


def test_proration_by_months() -> None:
    joiner = [{"employee_id": "E1", "role": "rep", "active_from": "2026-08-16"}]
    a = appraise_employee(
        policy_with(proration="months"),
        employee_id="E1",
        employees=joiner,
        measurements=[row("2026-Q3", 50, 90)],
        period="2026-Q3",
    )
    # July 0, August 16/31, September 1 → (16/31 + 1) / 3
    assert sales_line(a).target == 90 * (Fraction(16, 31) + 1) / 3


def test_monthly_rows_are_prorated_each_by_its_own_active_share() -> None:
    joiner = [
        {"employee_id": "E1", "role": "rep", "active_from": "2026-08-16", "active_to": "2026-09-30"}
    ]
    rows = [row("2026-07", 0, 31), row("2026-08", 10, 31), row("2026-09", 30, 30)]
    a = appraise_employee(
        policy_with(), employee_id="E1", employees=joiner, measurements=rows, period="2026-Q3"
    )
    line = sales_line(a)
    assert line.actual == 40  # the July row lies before the employee joined
    assert line.target == 16 + 30


def test_a_row_before_the_join_date_is_passed_over_with_a_note() -> None:
    """A wrong join date must not go unnoticed: the row it drops is named."""
    joiner = [{"employee_id": "E1", "role": "rep", "active_from": "2026-08-16"}]
    rows = [row("2026-07", 5, 31), row("2026-08", 10, 31), row("2026-09", 30, 30)]
    a = appraise_employee(
        policy_with(), employee_id="E1", employees=joiner, measurements=rows, period="2026-Q3"
    )
    passed = [n for n in a.notes if n.code == "row_outside_active"]
    assert [dict(n.params)["period"] for n in passed] == ["2026-07"]
    assert passed[0].text("en") == (
        "the row of sales for 2026-07 lies outside the employee's active dates "
        "(2026-08-16 – 2026-09-30): not counted"
    )
    assert "不在在岗日期（2026-08-16 – 2026-09-30）内：不计" in passed[0].text("zh-Hans")


def test_mean_targets_are_not_prorated() -> None:
    joiner = [{"employee_id": "E1", "role": "rep", "active_from": "2026-08-01"}]
    a = appraise_employee(
        policy_with("mean"),
        employee_id="E1",
        employees=joiner,
        measurements=[row("2026-Q3", 90, 100)],
        period="2026-Q3",
    )
    assert sales_line(a).target == 100


# --- role changes ----------------------------------------------------------------------

CHANGER = [
    {"employee_id": "E1", "role": "rep", "active_from": "2025-01-01", "active_to": "2026-07-31"},
    {"employee_id": "E1", "role": "other", "active_from": "2026-08-01"},
]
CHANGER_ROWS = [
    row("2026-07", 80, 100),
    {"employee_id": "E1", "period": "2026-08", "kpi": "forecast", "actual": 100, "target": 100},
    {"employee_id": "E1", "period": "2026-09", "kpi": "forecast", "actual": 100, "target": 100},
    {"employee_id": "E1", "period": "2026-Q3", "kpi": "teamwork", "actual": 4},
]


def test_a_role_change_is_appraised_per_segment_and_combined_by_days() -> None:
    a = appraise_employee(
        policy_with(),
        employee_id="E1",
        employees=CHANGER,
        measurements=CHANGER_ROWS,
        period="2026-Q3",
        incidents=[
            {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-09-09"}
        ],
    )
    first, second = a.segments
    assert (first.role, first.days, first.appraisal.raw_score) == ("rep", 31, 80)
    # forecast 100 %: 100 points × 50 %; teamwork 4 of 1–5: 75 × 50 % → 87.5
    assert (second.role, second.days, second.appraisal.raw_score) == ("other", 61, 87.5)
    assert a.raw_score == Fraction(80 * 31 + Fraction(175, 2) * 61, 92)
    assert a.role == "other"
    # conduct applies once, to the combined score; segment appraisals carry none
    assert a.deductions == 2
    assert first.appraisal.conduct == ()
    assert a.score == Decimal("82.97")  # 84.97 − 2
    assert a.grade == "B"  # from the combined score
    doc = json.loads(a.to_json())
    Draft202012Validator(appraisal_json_schema()).validate(doc)
    assert [s["role"] for s in doc["segments"]] == ["rep", "other"]
    text = a.explain()
    assert "Role segment: Representative (rep), 2026-07-01 – 2026-07-31, 31 days" in text
    assert "Raw score (role segments combined by days): 84.9728260870" in text


def test_a_row_spanning_a_role_change_used_by_both_roles_is_an_error() -> None:
    changers = copy.deepcopy(CHANGER)
    changers[0]["active_to"] = "2026-08-15"
    changers[1]["active_from"] = "2026-08-16"
    rows = [{"employee_id": "E1", "period": "2026-08", "kpi": "teamwork", "actual": 4}]
    policy = policy_with()
    cards = copy.deepcopy(BASE["scorecards"])
    cards[0]["lines"][3] = {
        "kpi": "teamwork",
        "weight": 10,
        "basis": "value",
        "curve": {"type": "scale", "min": 1, "max": 5},
    }
    policy = build(scorecards=cards)
    with pytest.raises(
        InputError,
        match=r"measurements\[0\]\.period: the row for KPI "
        r"'teamwork' in 2026-08 spans the change from rep to other on "
        r"2026-08-16",
    ):
        appraise_employee(
            policy, employee_id="E1", employees=changers, measurements=rows, period="2026-Q3"
        )


def test_consecutive_assignments_in_the_same_role_are_one_segment() -> None:
    same = [
        {"employee_id": "E1", "role": "rep", "active_to": "2026-07-31"},
        {"employee_id": "E1", "role": "rep", "active_from": "2026-08-01"},
    ]
    a = appraise_employee(
        policy_with(),
        employee_id="E1",
        employees=same,
        measurements=[row("2026-Q3", 1, 1)],
        period="2026-Q3",
    )
    assert a.segments == ()


def test_overlapping_assignments_are_an_error() -> None:
    bad = [
        {"employee_id": "E1", "role": "rep", "active_to": "2026-08-31"},
        {"employee_id": "E1", "role": "other", "active_from": "2026-08-01"},
    ]
    with pytest.raises(InputError, match="employee 'E1' has overlapping role assignments"):
        appraise_employee(
            policy_with(), employee_id="E1", employees=bad, measurements=[], period="2026-Q3"
        )


def test_an_employee_not_active_in_the_period_is_an_error() -> None:
    gone = [{"employee_id": "E1", "role": "rep", "active_to": "2026-06-30"}]
    with pytest.raises(InputError, match="employee 'E1' is not active in 2026-Q3"):
        appraise_employee(
            policy_with(), employee_id="E1", employees=gone, measurements=[], period="2026-Q3"
        )


def test_an_unknown_employee_is_an_error() -> None:
    with pytest.raises(InputError, match="no employee 'E2' in the employees rows"):
        appraise_employee(
            policy_with(), employee_id="E2", employees=REP, measurements=[], period="2026-Q3"
        )


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        ([row("2026-07", "x", 1)], InputError, r"measurements\[0\]\.actual: 'x' is not"),
        (
            [{**row("2026-07", 1, 1), "kpi": "revenue"}],
            UnknownKPIError,
            r"measurements\[0\]\.kpi: unknown KPI 'revenue'",
        ),
        (
            [row("2026-13", 1, 1)],
            PeriodError,
            r"measurements\[0\]\.period: \"2026-13\" is not a period label: month 13",
        ),
        (["oops"], InputError, r"measurements\[0\]: a row must be a mapping"),
    ],
)
def test_bad_rows_are_located_errors(rows: list[Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        appraise_employee(
            policy_with(), employee_id="E1", employees=REP, measurements=rows, period="2026-Q3"
        )


def test_a_period_is_required() -> None:
    with pytest.raises(InputError, match="a period is needed"):
        appraise_employee(
            policy_with(), employee_id="E1", employees=REP, measurements=[], period=None
        )  # type: ignore[arg-type]


def test_incidents_of_others_and_outside_the_period_do_not_count() -> None:
    incidents = [
        {"employee_id": "E2", "rule": "integrity", "severity": "minor"},
        {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-01-05"},
        {"rule": "integrity", "severity": "minor", "date": "2026-08-05"},
    ]
    a = appraise_employee(
        policy_with(),
        employee_id="E1",
        employees=REP,
        measurements=[row("2026-Q3", 1, 1)],
        period="2026-Q3",
        incidents=incidents,
    )
    assert a.deductions == 2
    assert len(a.conduct) == 2


@given(seed=st.integers())
def test_row_order_never_changes_the_document(seed: int) -> None:
    rows = [*list(CHANGER_ROWS), row("2026-05", 1, 1)]
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    employees = list(CHANGER)
    random.Random(seed).shuffle(employees)
    policy = policy_with()
    first = appraise_employee(
        policy, employee_id="E1", employees=CHANGER, measurements=rows, period="2026-Q3"
    )
    second = appraise_employee(
        policy, employee_id="E1", employees=employees, measurements=shuffled, period="2026-Q3"
    )
    assert first.to_json() == second.to_json()


def test_row_periods_are_remembered_per_period_and_errors_stay_located() -> None:
    """A label read once is not read again, but what it means depends on the appraised
    period, and a straddling label is an error at every row that has it."""
    from medsales import Period, default_policy
    from medsales.engine.periodic import row_period

    policy = default_policy()
    q3, year = Period.parse("2026-Q3"), Period.parse("2026")
    assert row_period(policy, "2026-08", q3, "m[0].period") == Period.parse("2026-08")
    assert row_period(policy, "2026-08", Period.parse("2026-Q4"), "m[1].period") is None
    assert row_period(policy, "2026-Q3", year, "m[2].period") == q3
    for index in (3, 4):
        with pytest.raises(InputError) as excinfo:
            row_period(policy, "2026", q3, f"m[{index}].period")
        assert excinfo.value.path == f"m[{index}].period"
