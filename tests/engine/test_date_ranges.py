"""SPEC §15: date-range periods (``2026-01-15..2026-04-14``) — parsing, aggregation of
the rows inside them, straddling rows, proration, dated incidents and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import BASE
from medsales import InputError, Period, PeriodError, appraise_employee, load_policy
from medsales.cli import main
from medsales.periods import active_share

CYCLE = "2026-01-15..2026-04-14"


def _policy(aggregation: str = "sum", **settings: object) -> object:
    doc = json.loads(json.dumps(BASE))
    doc["kpis"][0]["aggregation"] = aggregation
    doc["scorecards"] = [
        {
            "role": "rep",
            "lines": [
                {"kpi": "sales", "weight": 100, "basis": "attainment", "curve": {"type": "linear"}}
            ],
        }
    ]
    doc.update(settings)
    return load_policy(doc)


def _row(period: str, actual: int, target: int | None = None) -> dict[str, object]:
    out: dict[str, object] = {"employee_id": "E1", "period": period, "kpi": "sales"}
    out["actual"] = actual
    if target is not None:
        out["target"] = target
    return out


REP = [{"employee_id": "E1", "role": "rep"}]


def test_a_date_range_is_a_period_of_its_own_days() -> None:
    p = Period.parse(" 2026-01-15 .. 2026-04-14 ")
    assert (p.label, p.kind, p.start, p.end, p.days) == (
        CYCLE,
        "range",
        dt.date(2026, 1, 15),
        dt.date(2026, 4, 14),
        90,
    )
    assert Period.parse(CYCLE, fiscal_year_start=4) == p  # no calendar applies
    assert [m.label for m in p.months] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert p.next().label == "2026-04-15..2026-07-13"
    assert p.previous().next() == p
    assert Period.parse("2026-03-01..2026-03-01").days == 1
    assert Period.between(dt.date(2026, 1, 15), dt.date(2026, 4, 14)) == p


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("2026-04-15..2026-01-01", "the range ends"),
        ("2026-02-30..2026-03-01", "day is out of range"),
        ("2026-1-15..2026-04-14", "two dates YYYY-MM-DD joined by '..'"),
        ("2026-01-15..", "two dates YYYY-MM-DD"),
    ],
)
def test_a_bad_date_range_is_a_period_error(label: str, reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        Period.parse(label)


def test_a_range_has_no_calendar_sub_periods() -> None:
    with pytest.raises(PeriodError, match="not tiled by quarters"):
        Period.parse(CYCLE).subperiods("quarter")


def test_rows_inside_the_range_aggregate_and_rows_outside_are_passed_over() -> None:
    rows = [
        _row("2026-02", 10, 20),
        _row("2026-03", 30, 20),
        _row("2026-01-15..2026-01-31", 5, 10),
        _row("2026-04-01..2026-04-14", 5, 10),
        _row("2026-05", 999, 1),  # after the cycle
        _row("2025-Q4", 999, 1),  # before it
    ]
    a = appraise_employee(
        _policy(), employee_id="E1", employees=REP, measurements=rows, period=CYCLE
    )
    line = a.lines[0]
    assert (line.actual, line.target) == (50, 60)
    assert a.period is not None
    assert a.period.label == CYCLE
    assert a.to_dict()["period"] == CYCLE


@pytest.mark.parametrize("label", ["2026-01", "2026-Q1", "2026-04", "2026-04-10..2026-04-20"])
def test_a_row_that_overlaps_the_range_in_part_straddles_it(label: str) -> None:
    with pytest.raises(InputError, match=r"measurements\[0\]\.period: .* straddles"):
        appraise_employee(
            _policy(),
            employee_id="E1",
            employees=REP,
            measurements=[_row(label, 1, 1)],
            period=CYCLE,
        )


def test_a_range_row_inside_a_quarter_aggregates_into_it() -> None:
    rows = [_row("2026-01-01..2026-02-15", 10, 10), _row("2026-02-16..2026-03-31", 20, 20)]
    a = appraise_employee(
        _policy(), employee_id="E1", employees=REP, measurements=rows, period="2026-Q1"
    )
    assert (a.lines[0].actual, a.lines[0].target) == (30, 30)


def test_proration_by_days_uses_the_ranges_dates() -> None:
    joiner = [{"employee_id": "E1", "role": "rep", "active_from": "2026-03-01"}]
    a = appraise_employee(
        _policy(),
        employee_id="E1",
        employees=joiner,
        measurements=[_row(CYCLE, 45, 90)],
        period=CYCLE,
    )
    # active 1 March – 14 April: 31 + 14 = 45 of the cycle's 90 days
    assert a.lines[0].target == 45
    assert a.lines[0].x == 1


def test_proration_by_months_counts_the_ranges_partial_months_by_their_days() -> None:
    share = active_share(Period.parse(CYCLE), dt.date(2026, 3, 1), method="months")
    whole = Fraction(17, 31) + 1 + 1 + Fraction(14, 30)
    assert share == (1 + Fraction(14, 30)) / whole
    assert active_share(Period.parse(CYCLE), method="months") == 1


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 400))
def test_a_range_by_days_is_active_days_over_its_days(start: dt.date, length: int) -> None:
    p = Period.between(start, start + dt.timedelta(days=length))
    assert p.days == length + 1
    assert active_share(p) == 1
    assert active_share(p, p.end) == Fraction(1, p.days)


def test_dated_incidents_count_only_inside_the_range() -> None:
    incidents = [
        {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-01-14"},
        {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-01-15"},
        {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-04-15"},
    ]
    a = appraise_employee(
        _policy(),
        employee_id="E1",
        employees=REP,
        measurements=[_row(CYCLE, 100, 100)],
        period=CYCLE,
        incidents=incidents,
    )
    assert [c.counted for c in a.conduct] == [False, True, False]
    assert a.deductions == 2


def test_the_cli_takes_a_date_range_period(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "e.csv").write_text(
        "employee_id,name,role,manager_id,active_from,active_to\nE011,A,sales_representative,,,\n"
    )
    (tmp_path / "m.csv").write_text(
        "employee_id,period,kpi,actual,target\nE011,2026-01-15..2026-04-14,sales_revenue,100,100\n"
    )
    code = main(
        [
            "appraise",
            "--employees",
            str(tmp_path / "e.csv"),
            "--measurements",
            str(tmp_path / "m.csv"),
            "--period",
            CYCLE,
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)[0]["period"] == CYCLE
