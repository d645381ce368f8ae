"""``medsales review open|act|status|log|verify`` and ``medsales demo --review``: a small
department runs a cycle from the command line over a SQLite store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from medsales import dump_policy
from medsales.cli import main
from reviewkit import EMPLOYEES, MEASUREMENTS, review_policy


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    (tmp_path / "policy.toml").write_text(dump_policy(review_policy()), encoding="utf-8")
    rows = ["employee_id,name,role,manager_id,active_from,active_to"]
    rows += [f"{e['employee_id']},,{e['role']},{e.get('manager_id', '')},," for e in EMPLOYEES]
    (tmp_path / "employees.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = ["employee_id,period,kpi,actual,target"]
    rows += [
        f"{m['employee_id']},{m['period']},{m['kpi']},{m['actual']},{m['target']}"
        for m in MEASUREMENTS
    ]
    (tmp_path / "measurements.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [
        "--store",
        str(tmp_path / "reviews.sqlite"),
        "--policy",
        str(tmp_path / "policy.toml"),
        "--employees",
        str(tmp_path / "employees.csv"),
    ]


def test_a_whole_cycle_from_the_command_line(
    files: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = ["--employee", "e1", "--period", "2026-Q1"]
    code, out, err = run(
        capsys,
        "review", "open", *files, "--as", "h1", "--role", "hr",
        "--period", "2026-Q1", "--measurements", str(tmp_path / "measurements.csv"),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("opened 6 reviews in ")
    assert "2026-Q1:e1  self_review  1        100.00" in out

    steps = [
        ("submit_self", "e1", ["--measure", "new_accounts=6", "--comment", "done"]),
        ("rate", "m1", ["--measure", "teamwork=4"]),
        ("override", "m1", ["--score", "93", "--reason", "led the tender"]),
        ("submit", "m1", []),
        ("sign_off", "h2", ["--role", "hr"]),
        ("appeal", "e1", ["--reason", "teamwork was 5"]),
        ("decide", "h1", ["--role", "hr", "--outcome", "upheld", "--reason", "confirmed"]),
    ]
    for action, who, extra in steps[:-1]:
        code, out, err = run(capsys, "review", "act", action, *files, "--as", who, *one, *extra)
        assert (code, err) == (0, ""), (action, err)
        assert out.startswith(f"2026-Q1:e1: {action} → ")
    action, who, extra = steps[-1]
    code, out, err = run(
        capsys,
        "review", "act", action, *files, "--as", who, *one, *extra, "--measure", "teamwork=5",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "2026-Q1:e1: decide → closed (event 8)\n"

    code, out, _ = run(capsys, "review", "status", *files, "--as", "m1")
    assert [line.split()[0] for line in out.splitlines()] == [
        "review",
        "2026-Q1:e1",
        "2026-Q1:e2",
        "2026-Q1:m1",
    ]
    assert "2026-Q1:e1  closed       2        96.00  96.00" in out

    code, out, _ = run(capsys, "review", "status", *files, "--as", "e1", *one, "--json")
    document = json.loads(out)
    assert document["review"]["version"] == 2
    assert [c["text"] for c in document["review"]["appeal"]["changes"]][-1] == "grade A → S"

    code, out, _ = run(capsys, "review", "status", *files, "--as", "e1", *one)
    assert "version 2: the appeal upheld by h1: confirmed" in out

    code, out, _ = run(capsys, "review", "log", *files, "--as", "e1", *one)
    lines = out.splitlines()
    assert [line.split()[3] for line in lines] == [
        "open", "submit_self", "rate", "override", "submit", "sign_off", "appeal", "decide",
    ]  # fmt: skip
    assert "score 91.00 → 93.00 (+2.00); reason: led the tender" in lines[3]
    code, out, _ = run(
        capsys, "review", "log", *files, "--as", "h2", "--role", "hr", *one, "--json"
    )
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, 9))

    store = files[1]
    code, out, _ = run(capsys, "review", "verify", "--store", store)
    assert (code, out) == (0, f"{store}: 13 events in 6 reviews verified\n")
    with sqlite3.connect(store) as db:
        db.execute("UPDATE review_events SET actor = 'h2' WHERE seq = 8 AND review_id LIKE '%e1'")
    code, out, err = run(capsys, "review", "verify", "--store", store)
    assert code == 1
    assert err == (
        "medsales: error: review 2026-Q1:e1: event 8 (decide by h2) was changed: its hash "
        "does not match its content\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["act", "rate", "--as", "e2", "--measure", "teamwork=3"],
            "e2 may not act on review",
        ),
        (["act", "submit", "--as", "m1"], "is in self_review: submit is not allowed there"),
        (["act", "rate", "--as", "m1", "--measure", "teamwork"], "is not KPI=VALUE"),
        (["act", "comment", "--as", "x9"], "'x9' is not in the roster"),
        (["act", "sign_off", "--as", "e1", "--role", "hr"], "sign_off is not allowed there"),
    ],
)
def test_refusals_are_one_line_errors(
    files: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    run(
        capsys,
        "review", "open", *files, "--as", "h1", "--role", "hr", "--period", "2026-Q1",
        "--measurements", str(tmp_path / "measurements.csv"), "--employee", "e1",
    )  # fmt: skip
    code, out, err = run(
        capsys, "review", args[0], args[1], *files, *args[2:], "--employee", "e1",
        "--period", "2026-Q1",
    )  # fmt: skip
    assert code == 1
    assert err.startswith("medsales: error: ")
    assert message in err
    assert len(err.splitlines()) == 1
    assert out == ""


def test_status_of_nothing_and_usage(files: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "review", "status", *files, "--as", "e1")
    assert (code, out) == (0, "no reviews that e1 may see\n")
    code, _, err = run(capsys, "review", "status", *files, "--as", "e1", "--employee", "e1")
    assert code == 2
    assert "--employee needs --period" in err
    code, _, err = run(capsys, "review", "status", "--store", files[1], "--as", "e1")
    assert code == 2
    assert "--employees" in err


def test_demo_review_runs_a_whole_cycle_and_shows_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "demo.sqlite"
    code, out, err = run(capsys, "demo", "--review", "--store", str(store))
    assert (code, err) == (0, "")
    assert out.startswith("Reviews of E002's team for 2026-Q4 (as HR01 sees them):\n")
    assert "2026-Q4:E005  closed  2        104.13  104.13" in out
    assert "2026-Q4:E007  closed  1        88.27   86.27" in out  # overridden
    assert "The log of E005's review:" in out
    assert "HR02   decide" in out
    assert "  score 102.33 → 104.13" in out
    assert out.endswith("verified: 83 events in 14 reviews\n")
    code, out, _ = run(capsys, "review", "verify", "--store", str(store))
    assert out.endswith("83 events in 14 reviews verified\n")
    code, out, _ = run(
        capsys, "review", "status", "--store", str(store), "--demo", "--as", "E007",
        "--policy", str(tmp_path / "none.toml"),
    )  # fmt: skip
    assert code == 1  # a policy file that is not there


def test_the_cli_offers_every_action_but_open() -> None:
    from medsales.cli.review import ACTION_CHOICES
    from medsales.review import ACTIONS

    assert tuple(a for a in ACTIONS if a != "open") == ACTION_CHOICES
