"""The command line's inputs (SPEC §19): nothing changes silently, problems people can
read, encodings and limits."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

import medsales
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.cli import main
from medsales.cli._common import grouped
from medsales.errors import InputError, Problem

POLICY = medsales.default_policy()


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for kind in DEMO_FILES:
        path = tmp_path / f"{kind}.csv"
        path.write_text(demo_file_text(kind), encoding="utf-8")
        out[kind] = str(path)
    return out


def args_of(files: dict[str, str], *leave_out: str) -> list[str]:
    return [a for k, p in files.items() if k not in leave_out for a in (f"--{k}", p)]


def test_all_files_given_no_warning(files: dict[str, str]) -> None:
    code, _, err = run("appraise", *args_of(files), "--period", "2026-Q3")
    assert code == 0
    assert "warning" not in err


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        ("surveys", ["'customer_satisfaction'", "'nps'", "--surveys was not given"]),
        ("ratings", ["'teamwork_rating'", "--ratings was not given"]),
        ("incidents", ["--incidents was not given: no conduct rule was applied"]),
    ],
)
def test_leaving_out_an_optional_file_warns_and_strict_makes_it_an_error(
    files: dict[str, str], left_out: str, named: list[str]
) -> None:
    code, out, err = run("appraise", *args_of(files, left_out), "--period", "2026-Q3")
    assert code == 0
    warnings = [line for line in err.splitlines() if line.startswith("medsales: warning: ")]
    assert warnings
    for word in named:
        assert word in err
    if left_out != "incidents":
        assert "redistributed" in out  # the table flags whose weights moved
    code, out, err = run("appraise", *args_of(files, left_out), "--period", "2026-Q3", "--strict")
    assert code == 1
    assert out == ""
    assert err.startswith("medsales: error: ")
    for word in named:
        assert word in err


def test_the_cohort_document_names_each_kpi_without_data() -> None:
    employees = [{"employee_id": "A", "role": "sales_representative"}]
    rows = [
        {"employee_id": "A", "period": "2026-08", "kpi": "sales_revenue", "actual": 1, "target": 1}
    ]
    cohort = medsales.appraise_cohort(
        POLICY, employees=employees, measurements=rows, period="2026-Q3"
    )
    coverage = json.loads(cohort.to_json())["coverage"]
    by_kpi = {c["kpi"]: c for c in coverage}
    assert "sales_revenue" not in by_kpi
    assert by_kpi["customer_satisfaction"] == {
        "kpi": "customer_satisfaction",
        "source": "surveys",
        "appraisals": 1,
        "handled": "redistributed",
    }


def test_a_period_without_rows_is_an_error_naming_what_the_data_covers(
    files: dict[str, str],
) -> None:
    code, out, err = run("appraise", *args_of(files), "--period", "2027-Q3")
    assert code == 1
    assert out == ""
    assert "no measurement, rating, survey or goal row falls in 2027-Q3" in err
    assert "2025-01-01 to 2026-12-31" in err
    with pytest.raises(InputError, match="the data covers 2026-08-01 to 2026-08-31: 2026-08"):
        medsales.appraise_cohort(
            POLICY,
            employees=[{"employee_id": "A", "role": "sales_representative"}],
            measurements=[
                {"employee_id": "A", "period": "2026-08", "kpi": "sales_revenue", "actual": 1}
            ],
            period="2027-Q1",
        )


def test_problems_of_one_kind_are_grouped_with_their_lines() -> None:
    problems = [
        Problem("unknown KPI 'revenue'", file="m.csv", line=n, column="kpi")
        for n in [*range(2, 26), 30]
    ]
    problems.append(Problem("'x' is not a number", file="m.csv", line=4, column="actual"))
    assert grouped(problems) == [
        "m.csv column kpi: unknown KPI 'revenue' on 25 rows: lines 2–25, 30",
        "m.csv:4 column actual: 'x' is not a number",
    ]


def test_the_cli_groups_and_caps_problems(tmp_path: Path, files: dict[str, str]) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text(
        "employee_id,period,kpi,actual,target\n" + "E001,2026-08,revenue,1,1\n" * 40,
        encoding="utf-8",
    )
    code, _, err = run(
        "appraise", "--employees", files["employees"], "--measurements", str(bad),
        "--period", "2026-Q3", "--max-problems", "25",
    )  # fmt: skip
    assert code == 1
    assert f"{bad} column kpi: unknown KPI 'revenue'" in err
    assert "on 25 rows: lines 2–26" in err
    assert "and 15 more problems (not listed)" in err


def test_max_problems_must_be_positive(files: dict[str, str]) -> None:
    code, _, err = run("appraise", *args_of(files), "--period", "2026-Q3", "--max-problems", "0")
    assert code == 2
    assert "not 1 or more" in err


def test_a_gbk_file_without_encoding_says_what_to_pass(
    tmp_path: Path, files: dict[str, str]
) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(demo_file_text("employees").encode("gb18030"))
    code, _, err = run(
        "appraise", "--employees", str(path), "--measurements", files["measurements"],
        "--period", "2026-Q3",
    )  # fmt: skip
    assert code == 1
    assert err.count("\n") == 1
    assert f"medsales: error: {path}:2: bytes" in err
    assert "--encoding gb18030" in err


def test_explain_stays_quiet_about_coverage_but_strict_still_refuses(
    files: dict[str, str],
) -> None:
    code, out, err = run("explain", "E001", *args_of(files, "surveys"), "--period", "2026-Q3")
    assert code == 0
    assert out
    assert err == ""
    code, _, err = run(
        "explain", "E001", *args_of(files, "surveys"), "--period", "2026-Q3", "--strict"
    )
    assert code == 1
    assert "'customer_satisfaction'" in err
