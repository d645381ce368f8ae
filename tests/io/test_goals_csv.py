"""The goals CSV (SPEC §16): every problem located by line and column, all at once."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from medsales import DataFileError
from medsales.catalog import demo_file_text, goals_example_policy
from medsales.cli import main
from medsales.io.csv import read_employees, read_goals

HEADER = "goal_id,employee_id,period,title,parent_id,kpi,weight,progress,status\n"


def problems(text: str, **checks: object) -> list[tuple[int | None, object, str]]:
    with pytest.raises(DataFileError) as info:
        read_goals(io.StringIO(text), name="goals.csv", **checks)  # type: ignore[arg-type]
    return [(p.line, p.column, p.message) for p in info.value.problems]


def test_a_good_file_reads_into_goals() -> None:
    goals = read_goals(
        io.StringIO(
            HEADER + "P,E1,2026,Research,,,,,\n" + "C,E1,2026-Q1,Survey,P,,2,50,completed\n"
        )
    )
    assert [(g.goal_id, g.parent_id, g.weight, g.progress, g.status) for g in goals] == [
        ("P", None, 1, None, "active"),
        ("C", "P", 2, 50, "completed"),
    ]


def test_only_id_employee_and_period_columns_are_required() -> None:
    goals = read_goals(io.StringIO("goal_id,employee_id,period\nG,E1,2026-Q1\n"))
    assert goals[0].status == "active"


def test_every_problem_is_located_by_line_and_column() -> None:
    text = (
        HEADER
        + "A,E1,2026-Q1,,nope,,,,\n"  # unknown parent
        + "B,E1,2026-Q1,,,,,120,\n"  # progress out of range
        + "C,E1,2026-Q1,,C,,,,\n"  # a cycle
        + "D,E1,2026-Q1,,,,0,,done\n"  # weight 0, unknown status
        + "A,E1,2026-Q1,,,,,,\n"  # duplicate id
        + "P,E2,2026-Q1,,,,,,\n"
        + "Q,E1,2026,,P,,,,\n"  # a parent of another employee
    )
    assert problems(text) == [
        (
            2,
            "parent_id",
            "goal 'A' has an unknown parent 'nope' (expected the goal_id of another goal, or "
            "empty for a top goal)",
        ),
        (3, "progress", "goal 'B': progress 120 is outside 0–100"),
        (
            4,
            "parent_id",
            "goals form a cycle: C → C (each goal's parent_id leads back; expected a tree, "
            "every chain of parents ending at a top goal)",
        ),
        (5, "weight", "goal 'D': weight 0 is not positive (expected > 0)"),
        (
            5,
            "status",
            "unknown status 'done' (expected one of active, completed, archived, or empty for "
            "active)",
        ),
        (6, "goal_id", "goal 'A' is given twice (also at line 2)"),
        (
            8,
            "parent_id",
            "goal 'Q' of employee 'E1' has parent 'P' of employee 'E2' (expected a goal of the "
            "same employee)",
        ),
    ]


def test_a_child_of_a_bad_row_is_not_also_an_unknown_parent() -> None:
    text = HEADER + "P,E1,2026-Q1,,,,,101,\nC,E1,2026-Q1,,P,,,,\n"
    assert [line for line, _, _ in problems(text)] == [2]


def test_with_a_policy_and_a_roster() -> None:
    text = HEADER + "A,E1,2026-Q1,,,sales_revenue,,,\nB,E9,2026-Q1,,,,,,\n"
    found = problems(text, policy=goals_example_policy(), employee_ids={"E1"})
    assert [(line, column) for line, column, _ in found] == [(2, "kpi"), (3, "employee_id")]
    assert "not derived from goals (expected one of goal_progress)" in found[0][2]


def test_the_demo_goals_read_cleanly_with_the_goals_example_policy() -> None:
    roster = {e.employee_id for e in read_employees(io.StringIO(demo_file_text("employees")))}
    goals = read_goals(
        io.StringIO(demo_file_text("goals")),
        policy=goals_example_policy(),
        employee_ids=roster,
    )
    marketing = {g.employee_id for g in goals}
    assert marketing == {"E007", "E014", "E015", "E027", "E028", "E039", "E040"}
    assert {g.status for g in goals} == {"active", "completed", "archived"}


def test_the_cli_takes_goals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import medsales

    policy = tmp_path / "policy.toml"
    policy.write_text(medsales.dump_policy(goals_example_policy()), encoding="utf-8")
    goals = tmp_path / "goals.csv"
    goals.write_text(demo_file_text("goals"), encoding="utf-8")
    args = ["--demo", "--policy", str(policy), "--period", "2026-Q4"]
    assert main(["explain", "E014", *args]) == 0
    out = capsys.readouterr().out
    assert "goal E014-PS-1-Q3 “Q3 竞品分析”: progress 58" in out
    assert "Goal progress" in out
    files = []
    for kind in ("employees", "measurements", "ratings", "surveys", "incidents"):
        path = tmp_path / f"{kind}.csv"
        path.write_text(demo_file_text(kind), encoding="utf-8")
        files += [f"--{kind}", str(path)]
    run = ["appraise", "--policy", str(policy), *files, "--period", "2026-Q4"]
    assert main([*run, "--format", "json", "--goals", str(goals)]) == 0
    documents = {d["employee_id"]: d for d in json.loads(capsys.readouterr().out)}
    line = next(x for x in documents["E014"]["lines"] if x["kpi"] == "goal_progress")
    assert line["status"] == "scored"
    assert main([*run, "--format", "json"]) == 0  # without goals: the line is missing
    documents = {d["employee_id"]: d for d in json.loads(capsys.readouterr().out)}
    line = next(x for x in documents["E014"]["lines"] if x["kpi"] == "goal_progress")
    assert line["status"] == "missing"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "G,E014,2026-Q4,,,,,150,\n", encoding="utf-8")
    assert main([*run, "--goals", str(bad)]) == 1
    assert "bad.csv:2 column progress: goal 'G': progress 150 is outside 0–100" in (
        capsys.readouterr().err
    )


def test_goals_in_an_excel_sheet_with_chinese_headers(tmp_path: Path) -> None:
    """A goals sheet (目标) with Chinese headers reads as the CSV does; problems are
    located as file.xlsx!Sheet:row column."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "目标"
    sheet.append(["目标编号", "员工编号", "考核期", "目标名称", "上级目标编号", "进度", "状态"])
    sheet.append(["P", "E1", "2026", "市场调研", None, None, None])
    sheet.append(["C1", "E1", "2026-Q1", "调研一", "P", 50, "completed"])
    sheet.append(["C2", "E1", "2026-Q2", "调研二", "P", 130, None])
    path = tmp_path / "goals.xlsx"
    book.save(path)
    with pytest.raises(DataFileError) as info:
        read_goals(path)
    [problem] = info.value.problems
    assert "goals.xlsx!目标:4 column 进度: goal 'C2': progress 130 is outside 0–100" in str(problem)
    sheet["F4"] = 0
    book.save(path)
    goals = read_goals(path)
    assert [(g.goal_id, g.parent_id, g.progress) for g in goals] == [
        ("P", None, None),
        ("C1", "P", 50),
        ("C2", "P", 0),
    ]
