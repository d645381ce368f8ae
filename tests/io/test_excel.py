"""Excel workbooks read wherever a CSV file is (SPEC §19)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

openpyxl = pytest.importorskip("openpyxl")

import medsales  # noqa: E402
from medsales import DataFileError  # noqa: E402
from medsales.catalog import DEMO_FILES, demo_file_text  # noqa: E402
from medsales.cli import main  # noqa: E402
from medsales.io import read_employees, read_incidents, read_measurements  # noqa: E402

POLICY = medsales.default_policy()
_DATES = {"active_from", "active_to", "date"}
_TEXT = {"employee_id", "manager_id", "rater_id", "name", "note", "period", "kpi", "role"}


def _cell(column: str, text: str) -> Any:
    """A CSV cell as a person would type it into Excel: numbers and dates as such."""
    if not text:
        return None
    if column in _DATES:
        return dt.datetime.fromisoformat(text)
    if column in _TEXT:
        return text
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def sheet_rows(kind: str) -> list[list[Any]]:
    rows = list(csv.reader(io.StringIO(demo_file_text(kind))))
    header = rows[0]
    return [header] + [[_cell(c, v) for c, v in zip(header, r, strict=True)] for r in rows[1:]]


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def csv_files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for kind in DEMO_FILES:
        files[kind] = tmp_path / f"{kind}.csv"
        files[kind].write_text(demo_file_text(kind), encoding="utf-8")
    return files


def options(files: dict[str, Path]) -> list[str]:
    return [arg for kind, path in files.items() for arg in (f"--{kind}", str(path))]


@pytest.mark.parametrize("period", ["2026-Q3", "2026-Q4", "2026"])
def test_the_demo_through_xlsx_gives_byte_identical_documents(tmp_path: Path, period: str) -> None:
    books = {
        kind: workbook(tmp_path / f"{kind}.xlsx", {"Sheet1": sheet_rows(kind)})
        for kind in DEMO_FILES
    }
    expected = run(
        "appraise", *options(csv_files(tmp_path)), "--period", period, "--format", "json"
    )
    got = run("appraise", *options(books), "--period", period, "--format", "json")
    assert expected[0] == 0
    assert '"employee_id"' in expected[1]
    assert got == expected


def test_one_workbook_with_a_sheet_per_table(tmp_path: Path) -> None:
    book = workbook(tmp_path / "hr.xlsx", {kind: sheet_rows(kind) for kind in DEMO_FILES})
    expected = run(
        "appraise", *options(csv_files(tmp_path)), "--period", "2026-Q4", "--format", "json"
    )
    got = run(
        "appraise",
        *[arg for kind in DEMO_FILES for arg in (f"--{kind}", str(book))],
        "--period",
        "2026-Q4",
        "--format",
        "json",
    )
    assert got == expected


def test_excel_serial_dates_and_datetime_cells_are_dates(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "e.xlsx",
        {
            "employees": [
                ["employee_id", "role", "active_from", "active_to"],
                ["E1", "sales_representative", 46235, dt.datetime(2026, 12, 31)],
            ]
        },
    )
    (employee,) = read_employees(book, policy=POLICY)
    assert employee.active_from == dt.date(2026, 8, 1)
    assert employee.active_to == dt.date(2026, 12, 31)


def test_numbers_are_exact_decimals_through_the_float_repr(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "m.xlsx",
        {
            "measurements": [
                ["employee_id", "period", "kpi", "actual", "target"],
                ["E1", "2026-08", "sales_revenue", 0.1, 612345.1],
                [1001, "2026-08", "sales_revenue", 3, 4],
            ]
        },
    )
    first, second = read_measurements(book, policy=POLICY)
    assert first.actual == Decimal("0.1")
    assert first.target == Decimal("612345.1")
    assert second.employee_id == "1001"


BAD_CELLS: list[tuple[str, Any, str]] = [
    ("actual", "abc", "'abc' is not a number"),
    ("period", dt.datetime(2026, 8, 1, 9, 30), "2026-08-01 09:30:00"),
    ("kpi", "revenue", "unknown KPI 'revenue'"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_a_bad_cell_is_located_as_book_sheet_row_column(
    tmp_path: Path, column: str, value: Any, message: str
) -> None:
    row: dict[str, Any] = {
        "employee_id": "E1",
        "period": "2026-08",
        "kpi": "sales_revenue",
        "actual": 1,
        "target": 2,
    }
    row[column] = value
    book = workbook(
        tmp_path / "m.xlsx",
        {"考核表": [list(row), ["E0", "2026-07", "nps", 1, 1], list(row.values())]},
    )
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(book, policy=POLICY)
    problems = [p for p in excinfo.value.problems if p.line == 3]
    assert len(problems) == 1, excinfo.value
    (problem,) = problems
    assert str(problem).startswith(f"{book}!考核表:3 column {column}: ")
    assert message in problem.message


def test_a_workbook_with_several_sheets_needs_one_named_after_the_table(tmp_path: Path) -> None:
    book = workbook(tmp_path / "b.xlsx", {"a": [["employee_id"]], "b": [["employee_id"]]})
    with pytest.raises(
        DataFileError, match=r"2 sheets \(a, b\) and none is named after the incidents"
    ):
        read_incidents(book)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("employee_id\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="not an Excel workbook"):
        read_employees(path)


def test_a_formula_without_a_cached_value_is_an_empty_cell(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "m.xlsx",
        {
            "m": [
                ["employee_id", "period", "kpi", "actual", "target"],
                ["E1", "2026-08", "nps", "=1+1", 1],
            ]
        },
    )
    with pytest.raises(DataFileError, match="an applicable measurement needs an actual"):
        read_measurements(book, policy=POLICY)


def test_rows_may_stop_short_of_the_header(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "i.xlsx",
        {"i": [["employee_id", "rule", "severity", "date", "note"], ["E1", "integrity", "minor"]]},
    )
    (incident,) = read_incidents(book, policy=POLICY)
    assert incident.date is None


def test_without_openpyxl_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    book = workbook(tmp_path / "e.xlsx", {"e": [["employee_id", "role"]]})
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(DataFileError, match=r"pip install 'medsales\[excel\]'"):
        read_employees(book)


def test_a_wide_sheet_in_a_workbook_reads_as_the_long_form(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "k.xlsx",
        {
            "说明": [["这张表是考核表"]],
            "考核表": [
                ["员工编号", "考核期", "销售额", "销售额.目标值"],
                ["E1", "2026-08", 100, 120],
                ["E2", "2026-08", None, None],
            ],
        },
    )
    (row,) = read_measurements(book, policy=POLICY)
    assert (row.employee_id, row.kpi, row.actual, row.target) == (
        "E1",
        "sales_revenue",
        Decimal(100),
        Decimal(120),
    )
