"""SPEC §10: the CSV files in (every problem reported at once, with file, line, column and
value) and atomic files out."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import medsales
from medsales import DataFileError, MedsalesError, Problem
from medsales.io import (
    EMPLOYEES_COLUMNS,
    MEASUREMENTS_COLUMNS,
    format_cell,
    read_employees,
    read_incidents,
    read_measurements,
    read_ratings,
    read_surveys,
    write_csv_atomic,
    write_text_atomic,
)
from medsales.io import csv as csv_module
from medsales.periods import Period

POLICY = medsales.default_policy()
ROSTER = {"E001", "E002", "E003"}

MEASUREMENTS_HEADER = "employee_id,period,kpi,actual,target,weight,applicable\n"
EMPLOYEES_HEADER = "employee_id,name,role,manager_id,active_from,active_to\n"
INCIDENTS_HEADER = "employee_id,rule,severity,date,note\n"
RATINGS_HEADER = "employee_id,period,kpi,rater_id,rater_group,rating\n"
SURVEYS_HEADER = "employee_id,period,kpi,response\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(excinfo: pytest.ExceptionInfo[DataFileError]) -> list[tuple[int | None, Any]]:
    return [(p.line, p.column) for p in excinfo.value.problems]


def only_problem(excinfo: pytest.ExceptionInfo[DataFileError]) -> Problem:
    assert len(excinfo.value.problems) == 1, excinfo.value
    return excinfo.value.problems[0]


# --------------------------------------------------------------------------- good files


def test_read_employees_keeps_chinese_names_dates_and_role_changes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "employees.csv",
        EMPLOYEES_HEADER + "E001,周建国,sales_manager,,2014-03-03,\n"
        "E002,张伟,sales_representative,E001,2020-01-01,2026-09-30\n"
        "E002,张伟,marketing_specialist,E001,2026-10-01,\n"
        "E003,David Wang,sales_representative,E001,,\n",
    )
    rows = read_employees(path, policy=POLICY)
    assert [e.name for e in rows] == ["周建国", "张伟", "张伟", "David Wang"]
    assert rows[0].manager_id is None
    assert rows[0].active_to is None
    assert rows[1].active_to == dt.date(2026, 9, 30)
    assert rows[2].role == "marketing_specialist"
    assert rows[3].active_from is None


def test_read_measurements_converts_numbers_exactly_and_reads_booleans(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "measurements.csv",
        MEASUREMENTS_HEADER + "E001,2026-01,sales_revenue,612345.10,600000,,\n"
        "E001,2026-q1,complaint_resolution_days,2.5,,12,YES\n"
        "E001,2026-02,customer_visits,,,,false\n"
        "E001,2026-03,customer_visits,,,,否\n"
        "E001,2026-04,customer_visits,20,24,,是\n"
        "E001,2026-05,customer_visits, 21 , 24 ,,0\n",
    )
    rows = read_measurements(path, policy=POLICY, employee_ids=ROSTER)
    assert rows[0].actual == Decimal("612345.10")
    assert str(rows[0].actual) == "612345.10"  # exact, as written
    assert rows[0].target == Decimal(600000)
    assert rows[0].weight is None
    assert rows[0].applicable is True  # empty means true
    assert rows[1].period == "2026-Q1"  # the canonical label
    assert rows[1].weight == Decimal(12)
    assert rows[1].applicable is True
    assert rows[2].applicable is False
    assert rows[2].actual is None
    assert rows[3].applicable is False
    assert rows[4].applicable is True
    assert (rows[5].actual, rows[5].target, rows[5].applicable) == (Decimal(21), Decimal(24), False)


def test_optional_measurement_columns_may_be_left_out(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        "employee_id,period,kpi,actual,target\nE001,2026-01,sales_revenue,1,2\n",
    )
    (row,) = read_measurements(path)
    assert row.applicable is True
    assert row.weight is None


def test_read_incidents_without_a_note_column_and_an_undated_incident(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "incidents.csv",
        "employee_id,rule,severity,date\nE001,integrity,critical,2026-11-18\nE002,teamwork,minor,\n",
    )
    rows = read_incidents(path, policy=POLICY, employee_ids=ROSTER)
    assert rows[0].employee_id == "E001"
    assert rows[0].severity == "critical"
    assert rows[0].date == dt.date(2026, 11, 18)
    assert rows[0].note == ""
    assert rows[1].date is None


def test_incident_notes_keep_chinese_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "incidents.csv",
        INCIDENTS_HEADER + 'E001,integrity,minor,2026-05-14,"报价单夸大了性能参数，已更正"\n',
    )
    (row,) = read_incidents(path)
    assert row.note == "报价单夸大了性能参数，已更正"


def test_read_ratings_and_surveys(tmp_path: Path) -> None:
    ratings = write(
        tmp_path,
        "ratings.csv",
        RATINGS_HEADER + "E001,2026-Q4,teamwork_rating,E001,self,4\n"
        "E001,2026-Q4,teamwork_rating,E002,manager,3.5\n"
        "E001,2026-Q4,teamwork_rating,E003,peer,5\n",
    )
    surveys = write(
        tmp_path,
        "surveys.csv",
        SURVEYS_HEADER + "E001,2026-10,customer_satisfaction,5\nE001,2026-10,nps,0\n"
        "E001,2026-11,nps,10\n",
    )
    rated = read_ratings(ratings, policy=POLICY, employee_ids=ROSTER)
    assert [(r.rater_group, r.rating) for r in rated] == [
        ("self", Decimal(4)),
        ("manager", Decimal("3.5")),
        ("peer", Decimal(5)),
    ]
    answered = read_surveys(surveys, policy=POLICY, employee_ids=ROSTER)
    assert [(s.kpi, s.response) for s in answered] == [
        ("customer_satisfaction", Decimal(5)),
        ("nps", Decimal(0)),
        ("nps", Decimal(10)),
    ]


def test_a_file_with_only_a_header_has_no_rows(tmp_path: Path) -> None:
    assert read_measurements(write(tmp_path, "m.csv", MEASUREMENTS_HEADER)) == ()
    assert read_employees(write(tmp_path, "e.csv", EMPLOYEES_HEADER.rstrip("\n"))) == ()


def test_blank_lines_carry_nothing_and_are_passed_over(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.csv",
        "\n" + SURVEYS_HEADER + "\nE001,2026-01,customer_satisfaction,4\n,,,\n\n",
    )
    assert len(read_surveys(path)) == 1


def test_cells_are_stripped_and_crlf_line_ends_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.csv",
        " employee_id , period ,kpi,response\r\n E001 , 2026-01 , nps , 9 \r\n",
    )
    (row,) = read_surveys(path, policy=POLICY)
    assert (row.employee_id, row.period, row.kpi, row.response) == (
        "E001",
        "2026-01",
        "nps",
        Decimal(9),
    )


def test_trailing_empty_header_cells_are_tolerated(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "employee_id,period,kpi,response,,\nE001,2026-01,nps,9,,\n")
    assert len(read_surveys(path)) == 1


def test_a_stream_and_a_str_path_are_read_too(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", SURVEYS_HEADER + "E001,2026-01,nps,9\n")
    assert read_surveys(str(path)) == read_surveys(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert read_surveys(handle) == read_surveys(path)
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(io.StringIO(SURVEYS_HEADER + "E001,2026-01,nps,x\n"), name="upload.csv")
    assert only_problem(excinfo).file == "upload.csv"
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(io.StringIO(SURVEYS_HEADER + "E001,2026-01,nps,x\n"))
    assert only_problem(excinfo).file == "<stream>"


def test_a_path_is_named_as_given_unless_a_name_is_passed(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", SURVEYS_HEADER + "E001,2026-01,nps,x\n")
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path)
    assert only_problem(excinfo).file == str(path)
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path, name="surveys.csv")
    assert excinfo.value.message == "surveys.csv: 1 problem"


# --------------------------------------------------------------------------- encoding


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "e.csv", EMPLOYEES_HEADER + "E001,林晓燕,sales_manager,,,\n", "utf-8-sig"
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    (row,) = read_employees(path)
    assert (row.employee_id, row.name) == ("E001", "林晓燕")
    # a stream opened as plain utf-8 still carries the mark as a character
    with path.open(encoding="utf-8", newline="") as handle:
        (again,) = read_employees(handle)
    assert again == row


def test_a_file_that_is_not_utf8_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    text = EMPLOYEES_HEADER + "E001,Grace Zhao,sales_manager,,,\nE002,王海涛,sales_manager,,,\n"
    path = write(tmp_path, "employees.csv", text, encoding="gbk")
    with pytest.raises(DataFileError) as excinfo:
        read_employees(path, name="employees.csv")
    problem = only_problem(excinfo)
    assert problem.file == "employees.csv"
    assert problem.line == 3
    assert "not UTF-8" in problem.message
    assert "employees.csv:3" in str(excinfo.value)


def test_a_binary_stream_is_read_in_its_encoding() -> None:
    text = "员工编号,岗位\nE1,销售代表\n"
    stream: Any = io.BytesIO(text.encode("gb18030"))
    (employee,) = read_employees(stream, name="e.csv", encoding="gb18030", policy=POLICY)
    assert employee.role == "sales_representative"


def test_a_stream_that_cannot_decode_is_an_error() -> None:
    raw = io.BytesIO((SURVEYS_HEADER + "E001,2026-01,nps,9\n").encode("utf-16"))
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_surveys(stream, name="s.csv")


def test_a_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read the file") as excinfo:
        read_surveys(tmp_path / "nope.csv")
    assert isinstance(excinfo.value, MedsalesError)


# --------------------------------------------------------------------------- header


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    for text in ("", "\n\n", " , \n"):
        with pytest.raises(DataFileError, match="the file is empty") as excinfo:
            read_measurements(write(tmp_path, "m.csv", text))
        problem = only_problem(excinfo)
        assert problem.line == 1
        assert "employee_id, period, kpi" in problem.message


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "employee_id,period,kpi,target\nE001,2026-01,x,1\n")
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (1, "actual")
    assert "missing required column 'actual'" in problem.message


def test_an_unknown_column_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "employee_id,period,kpi,actual,target,wieght\n")
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column, problem.value) == (1, "wieght", "wieght")
    assert "unknown column 'wieght'" in problem.message
    assert ", ".join(MEASUREMENTS_COLUMNS) in problem.message


def test_a_duplicate_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "employee_id,period,kpi,response,kpi\n")
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (1, "kpi")
    assert "duplicate column 'kpi'" in problem.message


def test_a_column_without_a_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "employee_id,,period,kpi,response\n")
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path)
    assert problems_of(excinfo) == [(1, 2)]


def test_header_problems_are_all_reported_together(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", "employee_id,name,name,roll,active_from,active_to\n")
    with pytest.raises(DataFileError, match=r"3 problems") as excinfo:
        read_employees(path)
    assert problems_of(excinfo) == [(1, "name"), (1, "roll"), (1, "role")]
    assert "missing required column 'role'" in excinfo.value.problems[2].message


# --------------------------------------------------------------------------- bad cells


MEASUREMENT_CASES = [
    ("actual", "abc", "'abc' is not a number"),
    ("actual", "12万", "'12万' is not a number"),
    ("actual", "NaN", "'NaN' is not a finite number"),
    ("target", "inf", "'inf' is not a finite number"),
    ("weight", "-1", "weight -1 is negative"),
    ("period", "2026-13", "not a period label"),
    ("period", "2026-7", "not a period label"),
    ("applicable", "maybe", "'maybe' is not true or false"),
    ("kpi", "sales_revnue", "unknown KPI 'sales_revnue'"),
    ("employee_id", "E999", "unknown employee 'E999'"),
    ("employee_id", "", "empty cell: employee_id is required"),
    ("kpi", "", "empty cell: kpi is required"),
    ("actual", "", "an applicable measurement needs an actual"),
]


@pytest.mark.parametrize(("column", "value", "message"), MEASUREMENT_CASES)
def test_a_bad_measurement_cell_is_reported_with_its_line_column_and_value(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    good = {
        "employee_id": "E001",
        "period": "2026-01",
        "kpi": "sales_revenue",
        "actual": "100",
        "target": "120",
        "weight": "",
        "applicable": "",
    }
    bad = {**good, column: value}
    lines = [",".join(good.values()).replace("2026-01", "2026-02"), ",".join(bad.values())]
    path = write(tmp_path, "measurements.csv", MEASUREMENTS_HEADER + "\n".join(lines) + "\n")
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path, policy=POLICY, employee_ids=ROSTER, name="measurements.csv")
    problem = only_problem(excinfo)
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "measurements.csv",
        3,
        column,
        value,
    )
    assert message in problem.message
    assert str(excinfo.value).startswith("measurements.csv: 1 problem\n  - measurements.csv:3")


def test_unknown_kpis_and_employees_pass_without_a_policy_or_roster(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", MEASUREMENTS_HEADER + "E999,2026-01,anything,1,,,\n")
    (row,) = read_measurements(path)
    assert (row.employee_id, row.kpi) == ("E999", "anything")


def test_an_id_that_is_not_an_id_is_refused_even_without_a_policy(tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", MEASUREMENTS_HEADER + "E001,2026-01,sales revenue,1,,,\n")
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path)
    problem = only_problem(excinfo)
    assert problem.column == "kpi"
    assert "'sales revenue' is not an id" in problem.message


def test_a_weighted_mean_kpi_needs_a_weight(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        MEASUREMENTS_HEADER + "E001,2026-01,complaint_resolution_days,2.5,,,\n"
        "E001,2026-02,complaint_resolution_days,,,,false\n",
    )
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path, policy=POLICY)
    problem = only_problem(excinfo)  # the not-applicable row needs none
    assert (problem.line, problem.column) == (2, "weight")
    assert "weighted_mean" in problem.message


def test_two_rows_for_one_employee_kpi_and_period_are_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.csv",
        MEASUREMENTS_HEADER + "E001,2026-Q1,sales_revenue,1,,,\n"
        "E001,2026-01,sales_revenue,1,,,\n"
        "E001,2026-q1,sales_revenue,2,,,\n",
    )
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path)
    problem = only_problem(excinfo)
    assert problem.line == 4
    assert "already on line 2" in problem.message


def test_fiscal_labels_are_read_in_the_policys_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    real = Period.parse

    def spy(label: str, fiscal_year_start: int = 1, named_by: Any = "end") -> Any:
        calls.append((label, fiscal_year_start, named_by))
        return real(label, fiscal_year_start, named_by)

    monkeypatch.setattr(Period, "parse", spy)
    fiscal = POLICY.model_copy(update={"fiscal_year_start": 4, "fiscal_year_named_by": "start"})
    path = write(tmp_path, "m.csv", MEASUREMENTS_HEADER + "E001,FY2026-Q1,sales_revenue,1,,,\n")
    read_measurements(path, policy=fiscal)
    read_measurements(path)
    assert calls == [("FY2026-Q1", 4, "start"), ("FY2026-Q1", 1, "end")]


EMPLOYEE_CASES = [
    ("E002,张伟,sales_representative,E001,01/08/2026,", "active_from", "not a date"),
    ("E002,张伟,sales_representative,E001,2026-02-30,", "active_from", "no such day"),
    ("E002,张伟,sales_representative,E001,,20260101", "active_to", "not a date"),
    ("E002,张伟,sales_rep,E001,,", "role", "unknown role 'sales_rep'"),
    ("E002,张伟,sales_representative,E009,,", "manager_id", "names no employee"),
    ("E002,张伟,sales_representative,E002,,", "manager_id", "their own manager"),
    ("E002,张伟,sales_representative,E001,2026-03-01,2026-02-01", "active_to", "before"),
    (",张伟,sales_representative,E001,,", "employee_id", "empty cell"),
    ("E002,张伟,,E001,,", "role", "empty cell: role is required"),
]


@pytest.mark.parametrize(("row", "column", "message"), EMPLOYEE_CASES)
def test_a_bad_employee_row_is_reported(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    path = write(
        tmp_path, "e.csv", EMPLOYEES_HEADER + "E001,周建国,sales_manager,,,\n" + row + "\n"
    )
    with pytest.raises(DataFileError) as excinfo:
        read_employees(path, policy=POLICY)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (3, column)
    assert message in problem.message


def test_a_management_cycle_is_reported_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        EMPLOYEES_HEADER + "E001,a,sales_manager,E003,,\nE002,b,sales_manager,E001,,\n"
        "E003,c,sales_manager,E002,,\nE004,d,sales_manager,,,\n",
    )
    with pytest.raises(DataFileError) as excinfo:
        read_employees(path)
    problem = only_problem(excinfo)
    assert problem.column == "manager_id"
    assert "management cycle: E001 → E003 → E002 → E001" in problem.message


def test_overlapping_role_assignments_are_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        EMPLOYEES_HEADER + "E001,a,sales_representative,,2020-01-01,2026-10-01\n"
        "E001,a,marketing_specialist,,2026-10-01,\n"
        "E002,b,sales_representative,,2020-01-01,\n"
        "E002,b,marketing_specialist,,2026-10-01,\n",
    )
    with pytest.raises(DataFileError) as excinfo:
        read_employees(path)
    assert problems_of(excinfo) == [(3, "active_from"), (5, "active_from")]
    assert "line 2" in excinfo.value.problems[0].message
    assert "open-ended" in excinfo.value.problems[1].message


INCIDENT_CASES = [
    ("E001,integrity,huge,2026-01-01,", "severity", "unknown severity 'huge'"),
    ("E001,honesty,minor,2026-01-01,", "rule", "unknown conduct rule 'honesty'"),
    ("E001,integrity,minor,01/02/2026,", "date", "not a date"),
    (",integrity,minor,2026-01-01,", "employee_id", "empty cell: employee_id is required"),
    ("E404,integrity,minor,2026-01-01,", "employee_id", "unknown employee 'E404'"),
]


@pytest.mark.parametrize(("row", "column", "message"), INCIDENT_CASES)
def test_a_bad_incident_is_reported(tmp_path: Path, row: str, column: str, message: str) -> None:
    path = write(tmp_path, "i.csv", INCIDENTS_HEADER + row + "\n")
    with pytest.raises(DataFileError) as excinfo:
        read_incidents(path, policy=POLICY, employee_ids=ROSTER)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (2, column)
    assert message in problem.message


def test_an_incident_severity_is_checked_without_a_policy(tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", INCIDENTS_HEADER + "E001,integrity,Critical,,\n")
    with pytest.raises(DataFileError, match="expected one of minor, major, critical"):
        read_incidents(path)


RATING_CASES = [
    ("E001,2026-Q4,teamwork,E002,peer,4", "kpi", "unknown KPI 'teamwork'"),
    ("E001,2026-Q4,sales_revenue,E002,peer,4", "kpi", "not derived from ratings"),
    ("E001,2026-Q4,teamwork_rating,E002,boss,4", "rater_group", "has no weight"),
    ("E001,2026-Q4,teamwork_rating,E001,peer,4", "rater_group", "rates themselves"),
    ("E001,2026-Q4,teamwork_rating,E002,self,4", "rater_group", "own rating"),
    ("E001,2026-Q4,teamwork_rating,X9,peer,4", "rater_id", "unknown employee 'X9'"),
    ("E001,2026-Q5,teamwork_rating,E002,peer,4", "period", "not a period label"),
    ("E001,2026-Q4,teamwork_rating,E002,peer,", "rating", "empty cell"),
    ("E001,2026-Q4,teamwork_rating,E003,peer,4", "rater_id", "already rated"),
]


@pytest.mark.parametrize(("row", "column", "message"), RATING_CASES)
def test_a_bad_rating_is_reported(tmp_path: Path, row: str, column: str, message: str) -> None:
    first = "E001,2026-Q4,teamwork_rating,E003,peer,4\n"
    path = write(tmp_path, "r.csv", RATINGS_HEADER + first + row + "\n")
    with pytest.raises(DataFileError) as excinfo:
        read_ratings(path, policy=POLICY, employee_ids=ROSTER)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (3, column)
    assert message in problem.message


def test_self_rating_rules_hold_without_a_policy(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", RATINGS_HEADER + "E001,2026-Q4,teamwork,E001,manager,4\n")
    with pytest.raises(DataFileError, match="rates themselves"):
        read_ratings(path)


SURVEY_CASES = [
    ("E001,2026-10,nps,11", "response", "outside the nps scale"),
    ("E001,2026-10,nps,-1", "response", "outside the nps scale"),
    ("E001,2026-10,customer_satisfaction,0", "response", "outside the csat scale"),
    ("E001,2026-10,customer_satisfaction,6", "response", "expected 1 to 5"),
    ("E001,2026-10,teamwork_rating,4", "kpi", "not derived from surveys"),
    ("E001,2026-10,csat,4", "kpi", "unknown KPI 'csat'"),
    ("E001,2026-10,nps,NaN", "response", "not a finite number"),
    ("E777,2026-10,nps,9", "employee_id", "unknown employee 'E777'"),
]


@pytest.mark.parametrize(("row", "column", "message"), SURVEY_CASES)
def test_a_bad_survey_response_is_reported(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    path = write(tmp_path, "s.csv", SURVEYS_HEADER + row + "\n")
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path, policy=POLICY, employee_ids=ROSTER)
    problem = only_problem(excinfo)
    assert (problem.line, problem.column) == (2, column)
    assert message in problem.message


def test_a_row_with_the_wrong_number_of_cells_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.csv",
        SURVEYS_HEADER + "E001,2026-10,nps\nE001,2026-10,nps,9,extra\nE001,2026-10,nps,9,\n",
    )
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path)
    assert problems_of(excinfo) == [(2, None), (3, None)]
    assert "3 cells but the header has 4 columns" in excinfo.value.problems[0].message


def test_an_unclosed_quote_is_reported_at_its_row(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", SURVEYS_HEADER + 'E001,2026-10,nps,9\nE002,"2026-10,nps,9\n')
    with pytest.raises(DataFileError) as excinfo:
        read_surveys(path)
    problem = only_problem(excinfo)
    assert problem.line == 3
    assert "never closed" in problem.message


# --------------------------------------------------------------------------- all at once


def test_every_problem_is_reported_at_once_with_physical_line_numbers(tmp_path: Path) -> None:
    text = (
        MEASUREMENTS_HEADER  # line 1
        + "E001,2026-01,sales_revenue,100,120,,\n"  # 2: good
        + "E001,2026-02,sales_revenue,abc,120,,\n"  # 3: bad actual
        + 'E002,2026-01,sales_revenue,"1\n2",120,,\n'  # 4-5: one row over two lines
        + "E003,2026-14,nope,NaN,,x,maybe\n"  # 6: five problems
        + "\n"  # 7: blank
        + "E001,2026-03,sales_revenue,100,120,,\n"  # 8: good
        + "E009,2026-03,sales_revenue,,120,,\n"  # 9: two problems
    )
    path = write(tmp_path, "measurements.csv", text)
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path, policy=POLICY, employee_ids=ROSTER, name="measurements.csv")
    assert problems_of(excinfo) == [
        (3, "actual"),
        (4, "actual"),
        (6, "period"),
        (6, "kpi"),
        (6, "actual"),
        (6, "weight"),
        (6, "applicable"),
        (9, "employee_id"),
        (9, "actual"),
    ]
    error = excinfo.value
    assert error.message == "measurements.csv: 9 problems"
    assert isinstance(error, MedsalesError)
    assert isinstance(error, ValueError)
    assert error.problems[1].value == "1\n2"
    assert all(p.file == "measurements.csv" for p in error.problems)
    lines = str(error).splitlines()
    assert lines[0] == "measurements.csv: 9 problems"
    assert lines[1] == (
        "  - measurements.csv:3 column actual: 'abc' is not a number "
        "(expected a decimal number such as 1234.5)"
    )
    assert len(lines) == 10


def test_every_file_kind_collects_all_its_problems(tmp_path: Path) -> None:
    readers: list[tuple[Callable[..., Any], str, str, int]] = [
        (read_employees, EMPLOYEES_HEADER, "E1,a,,,bad,\nE2,b,,,,bad\n", 4),
        (read_incidents, INCIDENTS_HEADER, "E1,,bad,,\n,x,minor,bad,\n", 4),
        (read_ratings, RATINGS_HEADER, "E1,bad,k,r,g,x\n,2026,,r,g,1\n", 4),
        (read_surveys, SURVEYS_HEADER, "E1,bad,k,x\n,,,\n,2026,k,\n", 4),
    ]
    for reader, header, rows, count in readers:
        with pytest.raises(DataFileError) as excinfo:
            reader(write(tmp_path, "f.csv", header + rows))
        assert len(excinfo.value.problems) == count, (reader, excinfo.value)


# --------------------------------------------------------------------------- writing


def test_write_csv_atomic_round_trips_with_the_readers(tmp_path: Path) -> None:
    path = tmp_path / "employees.csv"
    write_csv_atomic(
        path,
        EMPLOYEES_COLUMNS,
        [
            ("E001", "周建国", "sales_manager", None, dt.date(2014, 3, 3), None),
            ("E002", "Emily Chen", "sales_representative", "E001", None, None),
        ],
    )
    assert path.read_bytes().startswith(b"employee_id,name,")
    assert b"\r\n" not in path.read_bytes()
    rows = read_employees(path, policy=POLICY)
    assert [(e.employee_id, e.name, e.manager_id) for e in rows] == [
        ("E001", "周建国", None),
        ("E002", "Emily Chen", "E001"),
    ]


def test_write_csv_atomic_quotes_what_needs_quoting(tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    note = 'said "fine",\nthen left'
    write_csv_atomic(
        path,
        ("employee_id", "rule", "severity", "date", "note"),
        [("E001", "teamwork", "minor", dt.date(2026, 1, 2), note)],
    )
    (row,) = read_incidents(path)
    assert row.note == note


def test_format_cell() -> None:
    assert format_cell(Decimal("612345.10")) == "612345.10"
    assert format_cell(Decimal("1E+3")) == "1000"
    assert format_cell(0.1) == "0.1"
    assert format_cell(True) == "true"
    assert format_cell(None) == ""
    assert format_cell(dt.date(2026, 8, 1)) == "2026-08-01"
    assert format_cell(7) == "7"


def test_write_csv_atomic_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    write_csv_atomic(
        path, ("employee_id", "period", "kpi", "response"), [("E1", "2026-01", "nps", 9)], bom=True
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbfemployee_id")
    assert len(read_surveys(path)) == 1


def test_write_text_atomic_replaces_the_target(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_text_atomic(path, "old")
    write_text_atomic(str(path), "新的\n")
    assert path.read_text(encoding="utf-8") == "新的\n"
    assert os.listdir(tmp_path) == ["out.json"]


def test_a_failing_rename_leaves_the_target_untouched_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.csv"
    path.write_text("previous results\n", encoding="utf-8")

    def refuse(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="no space left"):
        write_csv_atomic(path, ("a",), [("1",)])
    with pytest.raises(OSError, match="no space left"):
        write_text_atomic(tmp_path / "new.txt", "text")
    assert path.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(os.listdir(tmp_path)) == ["results.csv"]


def test_a_failing_write_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.csv"
    path.write_text("previous\n", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        write_text_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert os.listdir(tmp_path) == ["results.csv"]


def test_a_failing_row_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("previous\n", encoding="utf-8")

    def rows() -> Any:
        yield ("1",)
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError):
        write_csv_atomic(path, ("a",), rows())
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert os.listdir(tmp_path) == ["results.csv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "private.csv"
    path.write_text("x\n", encoding="utf-8")
    path.chmod(0o600)
    write_text_atomic(path, "y\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == "y\n"


def test_the_public_names_are_exported() -> None:
    import medsales.io

    assert set(medsales.io.__all__) <= set(dir(medsales.io))
    assert set(csv_module.__all__) <= set(dir(csv_module))
    assert medsales.io.read_measurements is read_measurements
