"""How bad input is reported: problems of one kind grouped with their lines, every one with
``--all-problems`` or in ``--problems-json``, and a hint when the built-in policy was used
without being asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsales.catalog import default_policy_text
from medsales.cli import main
from medsales.cli._common import line_ranges


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    """A small roster and measurements of a KPI the built-in policy does not know."""
    (tmp_path / "e.csv").write_text(
        "employee_id,name,role,manager_id,active_from,active_to\nE1,Ann,sales_representative,,,\n",
        encoding="utf-8",
    )
    rows = "".join(f"E1,2026-{m:02d},revenue,{m},\n" for m in range(1, 13))
    (tmp_path / "m.csv").write_text(
        "employee_id,period,kpi,actual,target\n" + rows, encoding="utf-8"
    )
    return [
        "appraise",
        "--employees",
        str(tmp_path / "e.csv"),
        "--measurements",
        str(tmp_path / "m.csv"),
        "--period",
        "2026-Q1",
    ]


def test_problems_of_one_kind_are_one_line_with_their_rows(
    files: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *files)
    assert code == 1
    assert out == ""
    grouped = [line for line in err.splitlines() if "on 12 rows" in line]
    assert len(grouped) == 1, err
    assert "unknown KPI 'revenue'" in grouped[0]
    assert grouped[0].endswith("lines 2–13")
    assert len(err.splitlines()) < 6


def test_the_hint_when_the_built_in_policy_was_used_implicitly(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = run(capsys, *files)
    assert "did you mean --policy FILE?" in err
    (tmp_path / "p.toml").write_text(default_policy_text(), encoding="utf-8")
    _, _, err = run(capsys, *files, "--policy", str(tmp_path / "p.toml"))
    assert "did you mean --policy" not in err


def test_all_problems_lists_every_row(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, *files, "--all-problems")
    assert sum("unknown KPI 'revenue'" in line for line in err.splitlines()) == 12


def test_problems_json_holds_every_problem(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "problems.json"
    code, _, err = run(capsys, *files, "--problems-json", str(target))
    assert code == 1
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [p["line"] for p in data] == list(range(2, 14))
    assert {p["column"] for p in data} == {"kpi"}
    assert "wrote 12 problems" in err


def test_line_ranges() -> None:
    assert line_ranges([5, 2, 3, 4, 9, 11, 12]) == "2–5, 9, 11–12"
    assert line_ranges([7]) == "7"


def test_calibrate_prints_teams_and_people(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calibrate", "--demo")
    assert code == 0
    head, people = out.split("\n\n")[0], out.split("\n\n")[1]
    teams = head
    assert "department mean" in head
    assert "team" in teams
    assert people.splitlines()[0].split() == ["employee", "name", "team", "score", "calibrated"]
    assert len(people.splitlines()) == 2 + 42


def test_calibrate_json_is_the_calibration(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calibrate", "--demo", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"period", "mean", "sd", "teams", "scores"} <= set(data)
    assert len(data["scores"]) == 42


def test_policy_file_is_positional_or_an_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(default_policy_text(), encoding="utf-8")
    for spelling in ([str(path)], ["--policy", str(path)]):
        code, out, _ = run(capsys, "policy", "validate", *spelling)
        assert (code, "valid policy medsales-default" in out) == (0, True)
        code, out, _ = run(capsys, "policy", "show", *spelling, "--format", "json")
        assert code == 0
        assert out.startswith("{")
        code, out, _ = run(capsys, "policy", "check", *spelling)
        assert code == 0
        assert "0 errors" in out
    code, _, err = run(capsys, "policy", "validate")
    assert code == 2
    assert "needs a policy file" in err
    code, _, err = run(capsys, "policy", "check", str(path), "--policy", "other.toml")
    assert code == 2
    assert "two policy files given" in err


def test_every_option_has_help() -> None:
    import argparse

    from medsales.cli import build_parser

    def walk(parser: argparse.ArgumentParser, where: str) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    missing += walk(sub, f"{where} {name}")
            elif action.option_strings and not action.help and action.dest != "help":
                missing.append(f"{where} {action.option_strings[0]}")
            elif not action.option_strings and not action.help and action.dest != "command":
                missing.append(f"{where} {action.dest}")
        return missing

    assert walk(build_parser(), "medsales") == []


def test_appraise_sections_prints_each_roles_section_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table HR reads in Frappe's overview: each section's points, then the score."""
    import medsales
    from medsales.numbers import quantize

    assert main(["demo", "--export", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    d = tmp_path / "d"
    args = ["appraise", "--policy", str(d / "policy.toml"), "--period", "2026-Q4"]
    for kind in ("employees", "measurements", "incidents", "ratings", "surveys"):
        args += [f"--{kind}", str(d / f"{kind}.csv")]
    assert main([*args, "--sections", "--lang", "zh-Hans"]) == 0
    out = capsys.readouterr().out
    assert "维度得分：销售经理" in out
    assert main([*args, "--sections"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("Section scores: Sales Manager") :].split("\n\n")[0].splitlines()
    assert block[1].split()[:3] == ["employee", "Sales", "performance"]
    cohort = medsales.appraise_cohort(
        medsales.load_policy(d / "policy.toml"),
        employees=medsales.io.csv.read_employees(d / "employees.csv"),
        measurements=medsales.io.csv.read_measurements(d / "measurements.csv"),
        incidents=medsales.io.csv.read_incidents(d / "incidents.csv"),
        ratings=medsales.io.csv.read_ratings(d / "ratings.csv"),
        surveys=medsales.io.csv.read_surveys(d / "surveys.csv"),
        period="2026-Q4",
    )
    first = block[3].split()
    a = cohort.appraisal(first[0])
    shown = [str(quantize(s.points, 2, "half_up")) for s in a.sections if s.points is not None]
    assert first[1:-1] == shown
    assert first[-1] == str(a.score)
    assert main(args) == 0
    assert "Section scores" not in capsys.readouterr().out
