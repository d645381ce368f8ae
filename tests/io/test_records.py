"""The quick checks of rows of other periods (SPEC §21: checked as read, then let go) say
"fine" only where the full check would."""

from __future__ import annotations

import io
import os
import tempfile
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsales import DataFileError, MeasurementRow, Period, default_policy
from medsales.errors import MedsalesError
from medsales.io.records import _PLAIN_NUMBER, _LeanMeasurement
from medsales.numbers import to_decimal

CELLS = st.text(alphabet="0123456789-+.eE ", max_size=120) | st.decimals(
    allow_nan=False, allow_infinity=False
).map(str)


@given(CELLS)
def test_a_plain_number_is_always_a_valid_number_of_its_sign(cell: str) -> None:
    plain = _PLAIN_NUMBER.fullmatch(cell)
    if plain is None:
        return
    value = to_decimal(cell)  # never raises for a plain number
    assert value == Decimal(cell)
    assert (value < 0) <= bool(plain.group(1))


@given(CELLS, CELLS, CELLS)
def test_the_quick_check_agrees_with_the_numbers_full_check(
    actual: str, target: str, weight: str
) -> None:
    row = {"employee_id": "E1", "kpi": "sales", "actual": actual, "target": target}
    row["weight"] = weight
    try:
        for cell in (actual, target):
            if cell:
                to_decimal(cell)
        expected = not weight or to_decimal(weight) >= 0
    except MedsalesError:
        expected = False
    expected = expected and bool(actual)
    assert _LeanMeasurement(None, None, None).fine(row) is expected


@pytest.mark.parametrize("weight", ["-1", "-0.5", " -2", "1e2000", "x"])
def test_a_bad_weight_is_never_fine(weight: str) -> None:
    row = {"employee_id": "E1", "kpi": "sales", "actual": "1", "weight": weight}
    assert _LeanMeasurement(None, None, None).fine(row) is False


# --------------------------------------------------------------------------- lines let go

POLICY = default_policy()
Q3 = Period.parse("2026-Q3")
HEADER = "employee_id,period,kpi,actual,target,weight,applicable"
ROSTER = frozenset({"E1", "E2", "E3"})

LINES = st.sampled_from(
    [
        "E1,2026-01,sales_revenue,100,120,,",  # a row of another period, fine
        "E2,2026-02,new_customers,-3.5,4,,true",
        "E3,2026-01,complaint_resolution_days,2,3,12,",  # a weighted mean with its weight
        "E1,2026-08,sales_revenue,100,120,,",  # a row of the period, kept
        "E2,2026-08,sales_revenue,5,6,,",
        "E3,2026-08,complaint_resolution_days,2,3,12,",
        "E3,2026-09,complaint_resolution_days,2,3,,",  # of the period, without a weight
        "E2,2026-08,new_customers,,,,false",
        "E1,2026-01,sales_revenue,,120,,no",  # not applicable: no actual needed
        "E9,2026-01,sales_revenue,1,1,,",  # unknown employee
        "E1,2026-01,revenue,1,1,,",  # unknown KPI
        "E1,2026-01,Sales revenue,1,1,,",  # a KPI by its label (a space: read in full)
        "E1,2026-01,sales_revenue,,1,,",  # applicable without an actual
        "E1,2026-01,sales_revenue,1e999999999,1,,",  # a number past the limits
        "E1,2026-01,sales_revenue,1,1,-2,",  # a negative weight
        "E1,2026-01,complaint_resolution_days,2,3,,",  # a weighted mean without a weight
        "E1,2026-01,sales_revenue,1,1,,maybe",  # neither true nor false
        "E1,2026-13,sales_revenue,1,1,,",  # no such month
        " E1 ,2026-01, sales_revenue ,1,1,,",  # spaces around cells
        "E1,2026-01,sales_revenue,1,1,,,,",  # empty cells past the header
        "E1,2026-01,sales_revenue,1,1,,,x",  # a cell past the header
        "E1,2026-01,sales_revenue,1,1",  # too few cells
        'E1,2026-01,sales_revenue,"1",1,,',  # quoted
        'E1,2026-01,"sales_revenue\nE2,2026-01,sales_revenue,1,1,,\n",1,1,,',  # a cell of lines
        "E1,2026-01,sales_revenue,1,1,,\r",  # a line ended by CR LF
        "E2,2026-01,sales_revenue,1.25,1,,TRUE",
        "",  # a blank line
        "E1,2026-01,sales_revenue,1,1,,\x00",
    ]
)


def _read(
    text: str,
    *,
    quick: bool,
    stream: bool,
    within: Period | None = Q3,
    roster: frozenset[str] | None = ROSTER,
) -> object:
    """The records, or the problems, of a measurements file read with or without the
    line check (from a path: read in blocks; or from a text stream: line by line)."""
    from medsales.io import records

    if stream:
        source: object = io.StringIO(text, newline="")
    else:
        handle = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)  # noqa: SIM115
        with handle:
            handle.write(text.encode())
        source = handle.name
    original = records._LineLetGo.of
    try:
        if not quick:
            records._LineLetGo.of = classmethod(lambda cls, *a: None)  # type: ignore[assignment]
        table = records.open_table(source, "measurements", name="m.csv")  # type: ignore[arg-type]
        try:
            read = records.measurements_of(table, POLICY, roster, within=within)
        except DataFileError as exc:
            return [(p.line, p.column, p.message, p.value) for p in exc.problems or ()]
        return (read.records, sorted(p.label for p in read.periods))
    finally:
        records._LineLetGo.of = original  # type: ignore[method-assign]
        if not stream:
            os.unlink(handle.name)


@given(st.lists(LINES, max_size=30), st.booleans())
def test_lines_let_go_give_what_the_full_check_gives(lines: list[str], stream: bool) -> None:
    """Passing over lines of other periods unsplit changes no record, no period read and
    no problem (its text, line or column), however good and bad rows mix."""
    text = HEADER + "\n" + "\n".join(lines) + "\n"
    quick = _read(text, quick=True, stream=stream)
    assert quick == _read(text, quick=False, stream=stream)
    assert quick == _read(text, quick=True, stream=not stream)


def test_a_bad_row_after_lines_let_go_is_found_at_its_line() -> None:
    rows = (f"E{1 + i % 3},2026-0{1 + i % 6},sales_revenue,{i},10,,\n" for i in range(30_000))
    good = "".join(rows)
    for bad, column in [
        ("E1,2026-01,sales_revenue,1,1,-2,", "weight"),
        ("E1,2026-01,sales_revenue,x,1,,", "actual"),
        ("E4,2026-02,sales_revenue,1,1,,", "employee_id"),
        ("E1,2026-02,complaint_resolution_days,1,1,,", "weight"),
    ]:
        problems = _read(HEADER + "\n" + good + bad + "\n" + good, quick=True, stream=False)
        assert [(p[0], p[1]) for p in problems] == [(30_002, column)]  # type: ignore[attr-defined]


def test_plain_rows_are_let_go_or_kept_unsplit() -> None:
    """The quick line check does say True for the plain rows of other periods (else the
    block reading would gain nothing) and keeps the records of rows of the period, once
    their period has been read in full."""
    from medsales.io import records

    rules = records._MeasurementRules(POLICY, ROSTER, records.Names.of("KPI", POLICY.kpis), Q3)
    checker = records.Checker("m.csv", records.Problems("m.csv"))
    kept: list[object] = []
    let_go = records._LineLetGo.of(HEADER.split(","), rules, checker, kept)  # type: ignore[arg-type]
    assert let_go is not None
    line = "E1,2026-01,sales_revenue,100,120,,"
    assert not let_go(line, 2)  # 2026-01 not read yet
    rules.periods["2026-01"] = Period.parse("2026-01")
    rules.periods["2026-08"] = Period.parse("2026-08")
    assert let_go(line, 3)
    assert let_go("E3,2026-01,complaint_resolution_days,2,3,12,no", 4)
    assert not let_go("E1,2026-01,complaint_resolution_days,2,3,,", 5)
    assert kept == []
    assert let_go("E1,2026-08,sales_revenue,100,120,,", 6)  # of the period: kept
    assert not let_go("E1,2026-08,sales_revenue,100,120,,", 7)  # a repeat: read in full
    assert kept == [
        MeasurementRow(
            employee_id="E1", period="2026-08", kpi="sales_revenue", actual=100, target=120
        )
    ]
    assert rules.seen == {("E1", "sales_revenue", Period.parse("2026-08")): 6}
    assert (
        records._LineLetGo.of(["employee_id", "period", "sales_revenue"], rules, checker, [])
        is None
    )


def test_the_demo_measurements_read_with_lines_let_go_give_the_same_records() -> None:
    from medsales.catalog import demo_file_text

    text = demo_file_text("measurements")
    q4 = Period.parse("2026-Q4")
    quick = _read(text, quick=True, stream=False, within=q4, roster=None)
    assert quick == _read(text, quick=False, stream=False, within=q4, roster=None)
    assert isinstance(quick, tuple)
    assert len(quick[0]) > 100
