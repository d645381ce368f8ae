"""``medsales history``: series, transitions, roll-ups and alerts from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from medsales.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_history_of_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--demo")
    assert code == 0
    assert out.startswith("Grades by period\n")
    header = out.splitlines()[1].split()
    assert header[:3] == ["employee", "name", "2025-Q1"]
    assert header[-1] == "2026-Q4"
    assert "Grade transitions 2026-Q3 → 2026-Q4" in out
    assert "Grade transitions 2025-Q4 → 2026-Q4" in out
    assert "Roll-up into 2026" in out
    assert "a low grade alone does not prove anyone unfit for the job" in out
    assert "E021 罗文: 2026-Q1 D, 2026-Q2 D, 2026-Q3 D, 2026-Q4 D" in out


def test_history_in_chinese_and_one_roll_up_explained(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "history", "--demo", "--lang", "zh-Hant", "--employee", "E005")
    assert code == 0
    assert "匯總得分: 99.04" in out
    code, _, err = run(
        capsys, "history", "--demo", "--periods", "2026-Q1", "2026-Q2", "--rollup", "2026-H1"
    )
    assert code == 1
    assert "2026-H1 is a half, but the policy rolls up into a year" in err


def test_history_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "history")
    assert code == 2
    assert "--employees, --measurements, --periods" in err
    code, _, err = run(capsys, "history", "--demo", "--employee", "E999")
    assert code == 1
    assert err.startswith("medsales: error: employee_id: 'E999' was appraised in none")
    code, _, err = run(capsys, "history", "--demo", "--periods", "2026", "2026-Q1")
    assert code == 1
    assert "overlap" in err


def test_history_from_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "demo", "--export", str(tmp_path))[0] == 0
    files = [
        f"--{kind}={tmp_path / (kind + '.csv')}"
        for kind in ("employees", "measurements", "incidents", "ratings", "surveys")
    ]
    code, out, _ = run(
        capsys, "history", *files, "--periods", "2025-Q4", "2026-Q4", "--rollup", "2026"
    )
    assert code == 0
    assert "Grade transitions 2025-Q4 → 2026-Q4" in out
    assert "2026-Q1" in out  # named in the roll-up, though not appraised here


def test_report_over_several_periods(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "history.html"
    code, _, err = run(
        capsys, "report", "--demo", "--history", "2026-Q3", "2026-Q4", "-o", str(out)
    )
    assert code == 0
    assert "wrote the report of 2 periods (2026-Q3 – 2026-Q4)" in err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert page.count("<svg") == 2 + 42  # team trend, one transition map, each person
    for section in ("series", "teams", "transitions", "rollup", "alerts", "people"):
        assert f'<section id="{section}">' in page
    assert "Guiding Case No. 18" in page
    again = tmp_path / "again.html"
    run(capsys, "report", "--demo", "--history", "2026-Q3", "2026-Q4", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()  # the same history, the same bytes
    code, _, err = run(
        capsys, "report", "--demo", "--history", "--period", "2026-Q4", "-o", str(out)
    )
    assert code == 2
    assert "leave out --period" in err


def test_history_reads_goals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--goals, as in every command that reads measurements (SPEC §22)."""
    from medsales.catalog import demo_file_text, goals_example_policy
    from medsales.cli import main
    from medsales.policy.io import dump_policy

    for kind in ("employees", "measurements", "ratings", "surveys", "incidents", "goals"):
        (tmp_path / f"{kind}.csv").write_text(demo_file_text(kind), encoding="utf-8")
    (tmp_path / "goals.toml").write_text(dump_policy(goals_example_policy()), encoding="utf-8")
    args = ["history", "--policy", str(tmp_path / "goals.toml")]
    for kind in ("employees", "measurements", "ratings", "surveys", "incidents", "goals"):
        args += [f"--{kind}", str(tmp_path / f"{kind}.csv")]
    code = main([*args, "--periods", "2026-Q3", "2026-Q4", "--employee", "E007"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2026-Q4" in out
    without = [a for a in args if not a.endswith("goals.csv") and a != "--goals"]
    assert main([*without, "--periods", "2026-Q3", "2026-Q4", "--employee", "E007"]) == 0
    assert capsys.readouterr().out != out  # E007's goals change their scores
