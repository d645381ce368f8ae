"""Data as HR keeps it (SPEC §19): encodings, Chinese headers, labels, date forms, wide
sheets, and large or hostile inputs read in bounded memory."""

from __future__ import annotations

import contextlib
import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest

import medsales
from medsales import DataFileError
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.cli import main
from medsales.io import read_employees, read_incidents, read_measurements
from medsales.io.cells import COLUMN_NAMES, parse_date
from medsales.io.sources import MAX_LINE_BYTES

POLICY = medsales.default_policy()


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def chinese(kind: str, script: int) -> str:
    """A demo file as a Chinese HR team keeps it: Chinese headers, role, KPI and rule
    labels, dates written 2026/8/1 or 2026年8月1日."""
    rows = list(csv.reader(io.StringIO(demo_file_text(kind))))
    lang = ("zh-Hans", "zh-Hant")[script]
    labels: dict[str, dict[str, str]] = {
        "role": {r.id: r.name[lang] for r in POLICY.roles},
        "kpi": {k.id: k.name[lang] for k in POLICY.kpis},
        "rule": {r.id: r.name[lang] for r in POLICY.conduct_rules},
    }
    header = rows[0]
    out = [[COLUMN_NAMES[c][script] for c in header]]
    for row in rows[1:]:
        cells = []
        for column, cell in zip(header, row, strict=True):
            if column in labels and cell:
                cell = labels[column][cell]
            elif column in ("active_from", "active_to", "date") and cell:
                y, m, d = (int(part) for part in cell.split("-"))
                cell = f"{y}/{m}/{d}" if script == 0 else f"{y}年{m}月{d}日"
            cells.append(cell)
        out.append(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(out)
    return buffer.getvalue()


def test_every_column_has_a_simplified_and_a_traditional_name() -> None:
    for column in [
        "employee_id",
        "name",
        "role",
        "manager_id",
        "active_from",
        "active_to",
        "period",
        "kpi",
        "actual",
        "target",
        "weight",
        "applicable",
        "rule",
        "severity",
        "date",
        "note",
        "rater_id",
        "rater_group",
        "rating",
        "response",
        "goal_id",
        "title",
        "parent_id",
        "progress",
        "status",
    ]:
        assert len(COLUMN_NAMES[column]) == 2


@pytest.mark.parametrize("script", [0, 1])
def test_a_gb18030_chinese_file_scores_as_the_utf8_english_one(tmp_path: Path, script: int) -> None:
    english, chinese_files = [], []
    for kind in DEMO_FILES:
        path = tmp_path / f"{kind}.csv"
        path.write_text(demo_file_text(kind), encoding="utf-8")
        english += [f"--{kind}", str(path)]
        zh = tmp_path / f"{kind}-zh.csv"
        zh.write_bytes(chinese(kind, script).encode("gb18030"))
        chinese_files += [f"--{kind}", str(zh)]
    expected = run("appraise", *english, "--period", "2026-Q3", "--format", "json")
    got = run(
        "appraise",
        *chinese_files,
        "--period",
        "2026-Q3",
        "--format",
        "json",
        "--encoding",
        "gb18030",
    )
    assert expected[0] == 0
    assert '"employee_id"' in expected[1]
    assert got == expected


def test_without_the_encoding_a_gbk_file_names_its_line_and_what_to_pass(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes("employee_id,role\nE1,sales_representative\nE2,销售代表\n".encode("gb18030"))
    with pytest.raises(DataFileError) as excinfo:
        read_employees(path)
    (problem,) = excinfo.value.problems
    assert problem.line == 3
    assert "--encoding gb18030" in problem.message
    assert "encoding='gb18030'" in problem.message


def test_a_utf8_bom_wins_over_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes("员工编号,岗位\nE1,销售代表\n".encode("utf-8-sig"))
    (employee,) = read_employees(path, policy=POLICY, encoding="gb18030")
    assert employee.role == "sales_representative"


def test_an_unknown_encoding_is_an_error() -> None:
    with pytest.raises(DataFileError, match="unknown encoding 'klingon'"):
        read_employees(io.StringIO("employee_id,role\n"), encoding="klingon")


def test_dates_iso_slashes_and_chinese() -> None:
    assert parse_date("2026-08-01") == parse_date("2026/8/1") == parse_date("2026年8月1日")
    assert parse_date("01/08/2026") is None
    with pytest.raises(ValueError):
        parse_date("2026/2/30")


def test_labels_in_any_language_name_roles_kpis_and_rules() -> None:
    (e,) = read_employees(io.StringIO("employee_id,role\nE1,Sales Representative\n"), policy=POLICY)
    assert e.role == "sales_representative"
    (m,) = read_measurements(
        io.StringIO("員工編號,考核期,指標,實際值,目標值\nE1,2026-08,銷售額,1,2\n"), policy=POLICY
    )
    assert m.kpi == "sales_revenue"
    (i,) = read_incidents(
        io.StringIO("employee_id,rule,severity,date\nE1,诚信原则,严重,2026年8月1日\n"),
        policy=POLICY,
    )
    assert (i.rule, i.severity, str(i.date)) == ("integrity", "major", "2026-08-01")


def test_an_ambiguous_label_is_an_error_naming_the_candidates() -> None:
    doc = medsales.dump_policy(POLICY, "json")
    import json

    data = json.loads(doc)
    data["roles"][1]["name"]["zh-Hans"] = data["roles"][0]["name"]["zh-Hans"]
    policy = medsales.load_policy(data)
    label = data["roles"][0]["name"]["zh-Hans"]
    with pytest.raises(DataFileError) as excinfo:
        read_employees(io.StringIO(f"employee_id,role\nE1,{label}\n"), policy=policy)
    (problem,) = excinfo.value.problems
    assert "ambiguous" in problem.message
    assert data["roles"][0]["id"] in problem.message
    assert data["roles"][1]["id"] in problem.message


def test_the_employees_file_may_leave_out_its_optional_columns() -> None:
    (e,) = read_employees(io.StringIO("employee_id,role\nE1,sales_manager\n"), policy=POLICY)
    assert (e.name, e.manager_id, e.active_from, e.active_to) == ("", None, None, None)


# --------------------------------------------------------------------------- wide sheets

LONG = """employee_id,period,kpi,actual,target
E1,2026-08,sales_revenue,100,120
E1,2026-08,customer_visits,30,
E2,2026-08,sales_revenue,90,100
"""


@pytest.mark.parametrize(
    "header",
    [
        "employee_id,period,sales_revenue,sales_revenue.target,customer_visits",
        "员工编号,考核期,销售额,销售额.目标值,customer_visits",
        "员工编号,考核期,销售额,销售额目标值,客户拜访次数",
    ],
)
def test_a_wide_sheet_reads_as_the_long_form(header: str) -> None:
    if "客户拜访次数" in header and POLICY.kpi("customer_visits").name["zh-Hans"] != "客户拜访次数":
        header = header.replace("客户拜访次数", POLICY.kpi("customer_visits").name["zh-Hans"])
    wide = f"{header}\nE1,2026-08,100,120,30\nE2,2026-08,90,100,\n"
    got = read_measurements(io.StringIO(wide), policy=POLICY)
    expected = read_measurements(io.StringIO(LONG), policy=POLICY)
    key = lambda r: (r.employee_id, r.kpi)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


def test_a_wide_sheet_locates_problems_at_the_kpi_column() -> None:
    wide = "employee_id,period,销售额,销售额.目标值,nonsense\nE1,2026-08,abc,120,1\n"
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(io.StringIO(wide), policy=POLICY, name="w.csv")
    assert [(p.line, p.column) for p in excinfo.value.problems] == [(1, "nonsense")]
    wide = "employee_id,period,销售额,销售额.目标值\nE1,2026-08,abc,120\n"
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(io.StringIO(wide), policy=POLICY, name="w.csv")
    (problem,) = excinfo.value.problems
    assert str(problem).startswith("w.csv:2 column 销售额: 'abc' is not a number")


# --------------------------------------------------------------------------- large inputs


def test_dev_zero_is_refused_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(DataFileError, match="longer than"):
        read_measurements("/dev/zero")
    assert time.monotonic() - start < 30  # a bound on hanging, not a benchmark


def test_a_line_longer_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"employee_id,period,kpi,actual,target\n" + b"x" * (MAX_LINE_BYTES + 1))
    with pytest.raises(DataFileError) as excinfo:
        read_measurements(path)
    assert excinfo.value.problems[0].line == 2


def test_problems_are_capped_then_counted(tmp_path: Path) -> None:
    text = "employee_id,period,kpi,actual,target\n" + "E1,2026-08,nope,1,1\n" * 30
    with pytest.raises(DataFileError, match="30 problems") as excinfo:
        read_measurements(io.StringIO(text), policy=POLICY, name="m.csv", max_problems=10)
    problems = excinfo.value.problems
    assert len(problems) == 11
    assert problems[-1].message == "and 20 more problems (not listed)"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("E1,2026-08,sales_revenue,abc,1", "actual"),
        ("E1,2026-13,sales_revenue,1,1", "period"),
        ("E1,2026-08,nope,1,1", "kpi"),
        ("E1,2026-08,sales_revenue,1,1,extra", None),
        ('E1,2026-08,sales_revenue,"1', None),
        ("X9,2026-08,sales_revenue,1,1", "employee_id"),
        (",2026-08,sales_revenue,1,1", "employee_id"),
        ("E1,2026-08,sales_revenue,,1", "actual"),
        ("E1,2026-08,sales_revenue,1,NaN", "target"),
        ("E1,,sales_revenue,1,1", "period"),
        ("E1,2026-08,,1,1", "kpi"),
        ("E1,2026-08,complaint_resolution_days,1,", "weight"),
    ],
)
def test_streaming_keeps_every_located_error(text: str, column: str | None) -> None:
    """A bad row after thousands of good ones of another period is still found, at its
    line, when only one period's rows are kept."""
    from medsales.io.records import measurements_of, open_table

    good = "".join(f"E{i},2026-01,sales_revenue,{i},10\n" for i in range(5000))
    source = io.StringIO("employee_id,period,kpi,actual,target\n" + good + text + "\n")
    table = open_table(source, "measurements", name="m.csv")
    roster = {"E1", *(f"E{i}" for i in range(5000))}
    with pytest.raises(DataFileError) as excinfo:
        measurements_of(table, POLICY, roster, within=medsales.Period.parse("2026-Q3"))
    (problem,) = excinfo.value.problems
    assert (problem.line, problem.column) == (5002, column)


def test_rows_outside_the_period_are_let_go() -> None:
    from medsales.io.records import measurements_of, open_table

    rows = "".join(f"E1,2026-{m:02},sales_revenue,1,1\n" for m in range(1, 13))
    table = open_table(io.StringIO("employee_id,period,kpi,actual,target\n" + rows), "measurements")
    read = measurements_of(table, POLICY, within=medsales.Period.parse("2026-Q3"))
    assert [r.period for r in read.records] == ["2026-07", "2026-08", "2026-09"]  # type: ignore[attr-defined]
    assert len(read.periods) == 12


def test_ratings_and_surveys_of_other_periods_are_checked_then_let_go() -> None:
    from medsales.io.records import open_table, ratings_of, surveys_of

    q3 = medsales.Period.parse("2026-Q3")
    ratings = "employee_id,period,kpi,rater_id,rater_group,rating\n" + "".join(
        f"E1,2026-Q{q},teamwork_rating,E2,peer,4\n" for q in range(1, 5)
    )
    read = ratings_of(open_table(io.StringIO(ratings), "ratings"), POLICY, within=q3)
    assert [r.period for r in read.records] == ["2026-Q3"]  # type: ignore[attr-defined]
    assert len(read.periods) == 4
    surveys = "employee_id,period,kpi,response\nE1,2026-01,customer_satisfaction,4\n"
    bad = surveys + "E1,2026-02,customer_satisfaction,9\n"
    assert surveys_of(open_table(io.StringIO(surveys), "surveys"), POLICY, within=q3).records == []
    with pytest.raises(DataFileError) as excinfo:
        surveys_of(open_table(io.StringIO(bad), "surveys", name="s.csv"), POLICY, within=q3)
    assert [(p.line, p.column) for p in excinfo.value.problems] == [(3, "response")]


@pytest.mark.parametrize(("limit", "error"), [(0, medsales.InputError), ("5", TypeError)])
def test_max_problems_must_be_a_positive_int(limit: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        read_measurements(io.StringIO("employee_id,period,kpi,actual,target\n"), max_problems=limit)
