"""SPEC §15: appraising part of a roster — ``unscored="skip"`` leaves out people whose
role has no scorecard and lists them with the reason."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from builders import BASE
from medsales import InputError, UnknownRoleError, appraise_cohort, load_policy
from medsales.cli import main

POLICY_DOC = copy.deepcopy(BASE)
POLICY_DOC["roles"].append({"id": "assistant", "name": {"en": "Assistant"}})
POLICY = load_policy(POLICY_DOC)

EMPLOYEES = [
    {"employee_id": "E1", "name": "Li", "role": "rep"},
    {"employee_id": "E2", "name": "Wang", "role": "assistant", "manager_id": "E1"},
    {"employee_id": "E3", "name": "Zhao", "role": "intern", "manager_id": "E1"},
    {
        "employee_id": "E4",
        "name": "Sun",
        "role": "assistant",
        "manager_id": "E1",
        "active_to": "2025-12-31",
    },
]
ROWS = [
    {"employee_id": "E1", "period": "2026-Q1", "kpi": "sales", "actual": 100, "target": 100},
    {"employee_id": "E2", "period": "2026-Q1", "kpi": "sales", "actual": 50, "target": 100},
]


def test_by_default_a_role_without_a_scorecard_is_an_error() -> None:
    with pytest.raises(UnknownRoleError) as info:
        appraise_cohort(POLICY, employees=EMPLOYEES, measurements=ROWS, period="2026-Q1")
    assert info.value.path == "employees[1].role"
    assert "role 'assistant' has no scorecard" in str(info.value)
    assert 'unscored="skip"' in str(info.value)


def test_skip_leaves_them_out_and_lists_who_and_why() -> None:
    cohort = appraise_cohort(
        POLICY, employees=EMPLOYEES, measurements=ROWS, period="2026-Q1", unscored="skip"
    )
    assert [a.employee_id for a in cohort.appraisals] == ["E1"]
    assert [(n.employee_id, n.role, n.code) for n in cohort.not_appraised] == [
        ("E2", "assistant", "no_scorecard"),
        ("E3", "intern", "unknown_role"),
    ]  # E4 left before the period: not in it at all
    assert cohort.not_appraised[0].reason == "role 'assistant' has no scorecard"
    assert cohort.to_dict()["not_appraised"] == [
        {
            "employee_id": "E2",
            "role": "assistant",
            "code": "no_scorecard",
            "reason": "role 'assistant' has no scorecard",
        },
        {
            "employee_id": "E3",
            "role": "intern",
            "code": "unknown_role",
            "reason": "role 'intern' is not a role of the policy",
        },
    ]
    assert sum(cohort.grades.values()) == 1


def test_with_everyone_scored_nobody_is_listed() -> None:
    cohort = appraise_cohort(
        POLICY, employees=EMPLOYEES[:1], measurements=ROWS[:1], period="2026-Q1", unscored="skip"
    )
    assert cohort.not_appraised == ()
    assert cohort.to_dict()["not_appraised"] == []


def test_unscored_takes_error_or_skip() -> None:
    with pytest.raises(InputError, match="unscored"):
        appraise_cohort(
            POLICY,
            employees=EMPLOYEES,
            period="2026-Q1",
            unscored="ignore",  # type: ignore[arg-type]
        )


def test_the_frame_of_those_left_out() -> None:
    pytest.importorskip("pandas")
    from medsales.io.pandas import NOT_APPRAISED_COLUMNS, not_appraised_frame

    cohort = appraise_cohort(
        POLICY, employees=EMPLOYEES, measurements=ROWS, period="2026-Q1", unscored="skip"
    )
    frame = not_appraised_frame(cohort)
    assert list(frame.columns) == list(NOT_APPRAISED_COLUMNS)
    assert frame.values.tolist() == [
        ["E2", "Wang", "assistant", "2026-Q1", "no_scorecard", "role 'assistant' has no scorecard"],
        [
            "E3",
            "Zhao",
            "intern",
            "2026-Q1",
            "unknown_role",
            "role 'intern' is not a role of the policy",
        ],
    ]


def _files(tmp_path: Path) -> list[str]:
    (tmp_path / "policy.json").write_text(json.dumps(POLICY_DOC), encoding="utf-8")
    (tmp_path / "e.csv").write_text(
        "employee_id,name,role,manager_id,active_from,active_to\n"
        "E1,Li,rep,,,\nE2,Wang,assistant,E1,,\n",
        encoding="utf-8",
    )
    (tmp_path / "m.csv").write_text(
        "employee_id,period,kpi,actual,target\nE1,2026-Q1,sales,100,100\n", encoding="utf-8"
    )
    return [
        "--policy",
        str(tmp_path / "policy.json"),
        "--employees",
        str(tmp_path / "e.csv"),
        "--measurements",
        str(tmp_path / "m.csv"),
        "--period",
        "2026-Q1",
    ]


def test_the_cli_table_says_who_was_left_out_and_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    files = _files(tmp_path)
    assert main(["appraise", *files]) == 1
    assert "employees[1].role" in capsys.readouterr().err
    assert main(["appraise", *files, "--unscored", "skip"]) == 0
    out = capsys.readouterr().out
    assert "Not appraised (1): E2 (role assistant has no scorecard)" in out
    assert main(["appraise", *files, "--unscored", "skip", "--lang", "zh-Hans"]) == 0
    assert "未考核（1 人）：E2（岗位 assistant 没有考核表）" in capsys.readouterr().out
    assert main(["appraise", *files, "--unscored", "skip", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert [d["employee_id"] for d in json.loads(out)] == ["E1"]
    assert "Not appraised (1): E2" in err
