"""SPEC §9: the appraisal document, its JSON Schema, and the explanation."""

from __future__ import annotations

import json
import os
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import medsales
from builders import SHEET, build
from medsales import appraisal_json_schema, appraise

SNAPSHOTS = Path(__file__).parent.parent / "snapshots"
INCIDENTS = [
    {"rule": "integrity", "severity": "minor", "date": "2026-08-03", "note": "late report"},
    {"rule": "teamwork", "severity": "major", "date": "2026-05-01"},
]


def sheet_appraisal():  # type: ignore[no-untyped-def]
    return appraise(
        build(max_deduction=30),
        role="rep",
        measurements=SHEET,
        incidents=INCIDENTS,
        employee_id="E001",
        period="2026-Q3",
    )


def test_document_fields_and_decimal_strings() -> None:
    doc = sheet_appraisal().to_dict()
    assert doc["format"] == "medsales.appraisal/1"
    assert doc["score"] == "92.89"
    assert doc["grade"] == "A"
    assert doc["coefficient"] == "1.2"
    assert doc["period"] == "2026-Q3"
    assert (doc["complete"], doc["vetoed"]) == (True, False)
    line = doc["lines"][1]
    assert line == {
        "section": "main",
        "kpi": "csat",
        "status": "scored",
        "actual": "85",
        "target": "90",
        "x": "0.9444444444",
        "points": "94.4444444444",
        "weight": "20",
        "section_weight": "100",
        "effective_weight": "20",
        "contribution": "18.8888888889",
        "notes": [],
    }
    assert doc["policy"]["id"] == "test"
    assert len(doc["policy"]["sha256"]) == 64


def test_score_has_exactly_score_places_decimals() -> None:
    a = appraise(
        build(score_places=3),
        role="rep",
        measurements={k: {"actual": 1, "target": 1} for k in SHEET},
    )
    assert a.to_dict()["score"] == "100.000"


def test_every_document_validates_against_the_schema() -> None:
    validator = Draft202012Validator(appraisal_json_schema())
    Draft202012Validator.check_schema(appraisal_json_schema())
    for a in (
        sheet_appraisal(),
        appraise(build(), role="rep", measurements={}),  # incomplete
        appraise(
            build(),
            role="other",
            measurements={"teamwork": 4},
            incidents=[{"rule": "integrity", "severity": "critical"}],
        ),
    ):
        validator.validate(json.loads(a.to_json()))


def test_schema_rejects_a_document_that_breaks_it() -> None:
    doc = sheet_appraisal().to_dict()
    doc["score"] = 92.89
    assert not Draft202012Validator(appraisal_json_schema()).is_valid(doc)


def test_to_json_is_byte_identical_and_sorted() -> None:
    first, second = sheet_appraisal().to_json(), sheet_appraisal().to_json()
    assert first == second
    assert list(json.loads(first)) == sorted(json.loads(first))
    assert "\n" not in first
    assert sheet_appraisal().to_json(indent=2).count("\n") > 10


def test_document_matches_its_snapshot() -> None:
    path = SNAPSHOTS / "kpi_sheet_appraisal.json"
    got = sheet_appraisal().to_json(indent=2) + "\n"
    # the engine's version is named in every document; the snapshot outlives releases
    got = got.replace(f'"version": "{medsales.__version__}"', '"version": "<engine version>"')
    if os.environ.get("MEDSALES_UPDATE_SNAPSHOTS"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_results_are_frozen_and_pickle() -> None:
    a = sheet_appraisal()
    with pytest.raises(AttributeError):
        a.score = Decimal(1)  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(a))
    assert again.to_json() == a.to_json()


def test_explain_lets_a_person_redo_the_sum() -> None:
    text = sheet_appraisal().explain()
    for expected in (
        "employee E001",
        "period 2026-Q3",
        "Sales",
        "1100",
        "1.1",
        "110",
        "55",
        "18.8888888889",
        "Raw score (sum of contributions): 94.8888888889",
        "Conduct deductions: −2",
        "Final score: 92.89",
        "Grade: A, coefficient 1.2",
        "integrity (minor): −2 points",
        "outside 2026-Q3: not counted",
        "exact score 92.8888888889 rounded half_up to 2 decimals: 92.89",
        "effective weight = section weight",
        "late report",
    ):
        assert expected in text, expected


def test_explain_in_chinese() -> None:
    text = sheet_appraisal().explain("zh-Hans")
    for expected in (
        "绩效考核",
        "销售代表",
        "销售额",
        "最终得分: 92.89",
        "等级: A",
        "诚信原则",
        "扣 2 分",
        "按四舍五入保留 2 位小数",
        "诚信原则（轻微）：扣 2 分",
    ):
        assert expected in text, expected


def test_explain_notes_every_rule_that_changed_something() -> None:
    doc = {
        **SHEET,
        "teamwork": {"applicable": False},
        "sales": {"actual": 1500, "target": 1000},
        "new_accounts": {"actual": 1, "target": 5},
    }
    a = appraise(
        build(),
        role="rep",
        measurements=doc,
        incidents=[{"rule": "integrity", "severity": "critical"}],
    )
    text = a.explain()
    for expected in (
        "limited to the cap 1.2",
        "below the floor 0.6",
        "not applicable",
        "line weights renormalised",
        "veto by integrity",
        "VETOED",
    ):
        assert expected in text, expected


def test_explain_incomplete() -> None:
    text = appraise(build(), role="rep", measurements={}).explain()
    assert "Incomplete: no scorecard line has a measurement" in text
    assert "Final score" not in text
