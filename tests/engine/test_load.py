"""SPEC §18: result documents load back, byte for byte, and name their engine."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import medsales
from builders import BASE, SHEET, build
from medsales import (
    Appraisal,
    CohortResult,
    InputError,
    MedsalesError,
    appraisal_json_schema,
    appraise,
    appraise_cohort,
    appraise_employee,
    cohort_json_schema,
    default_policy,
)
from medsales.cli._inputs import demo_inputs
from medsales.engine.load import StoredPolicy
from medsales.numbers import Shown, display

CHANGER = [
    {"employee_id": "E1", "role": "rep", "active_from": "2025-01-01", "active_to": "2026-07-31"},
    {"employee_id": "E1", "role": "other", "active_from": "2026-08-01"},
]


def sheet() -> Appraisal:
    return appraise(
        build(max_deduction=30),
        role="rep",
        measurements=SHEET,
        incidents=[{"rule": "integrity", "severity": "minor", "date": "2026-08-03"}],
        employee_id="E001",
        period="2026-Q3",
    )


def demo_cohort(period: str = "2026-Q3") -> CohortResult:
    policy = default_policy()
    inputs = demo_inputs(policy)
    return appraise_cohort(
        policy,
        employees=inputs.employees,
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
        period=period,
    )


def test_every_document_names_its_engine() -> None:
    doc = sheet().to_dict()
    assert doc["engine"] == {"name": "medsales", "version": medsales.__version__}
    assert demo_cohort().to_dict()["engine"] == doc["engine"]


def test_an_appraisal_loads_back_byte_identical_explained_and_rendered() -> None:
    policy = build(max_deduction=30)
    a = sheet()
    for text in (a.to_json(), a.to_json(indent=2)):
        b = Appraisal.from_json(text, policy=policy)
        assert b.to_json() == a.to_json()
        assert b.to_json(indent=2) == a.to_json(indent=2)
        assert b.policy is policy
        for lang in ("en", "zh-Hans", "zh-Hant"):
            assert b.explain(lang) == a.explain(lang)
        assert b._repr_html_() == a._repr_html_()
        assert (b.score, b.grade, b.coefficient) == (a.score, a.grade, a.coefficient)
    assert Appraisal.from_dict(a.to_dict(), policy).to_dict() == a.to_dict()


def test_a_role_change_loads_back_with_its_segments() -> None:
    kpis = copy.deepcopy(BASE["kpis"])
    linear = {"type": "linear"}
    policy = build(
        kpis=kpis,
        scorecards=[
            {
                "role": "rep",
                "lines": [{"kpi": "sales", "weight": 100, "basis": "attainment", "curve": linear}],
            },
            {
                "role": "other",
                "lines": [
                    {"kpi": "forecast", "weight": 50, "basis": "attainment", "curve": linear},
                    {
                        "kpi": "teamwork",
                        "weight": 50,
                        "basis": "value",
                        "curve": {"type": "scale", "min": 1, "max": 5},
                    },
                ],
            },
        ],
    )
    a = appraise_employee(
        policy,
        employee_id="E1",
        employees=CHANGER,
        measurements=[
            {"employee_id": "E1", "period": "2026-07", "kpi": "sales", "actual": 80, "target": 99},
            {"employee_id": "E1", "period": "2026-08", "kpi": "forecast", "actual": 1, "target": 3},
            {"employee_id": "E1", "period": "2026-09", "kpi": "forecast", "actual": 1, "target": 3},
            {"employee_id": "E1", "period": "2026-Q3", "kpi": "teamwork", "actual": 4},
        ],
        period="2026-Q3",
        incidents=[
            {"employee_id": "E1", "rule": "integrity", "severity": "minor", "date": "2026-09-09"}
        ],
    )
    b = Appraisal.from_json(a.to_json(), policy)
    assert b.to_json() == a.to_json()
    assert b.explain() == a.explain()
    assert [s.days for s in b.segments] == [31, 61]
    assert pickle.loads(pickle.dumps(b)).to_json() == a.to_json()


def test_a_value_shown_rounded_keeps_its_text() -> None:
    """A rounded display such as 99.2982456140 reads back as written, not as 99.298245614."""
    shown = Shown("99.2982456140")
    assert format(display(shown), "f") == "99.2982456140"
    assert shown == Fraction(992982456140, 10**10)
    assert isinstance(shown + 1, Fraction)
    assert not isinstance(shown + 1, Shown)


def test_a_demo_cohort_loads_back_byte_identical() -> None:
    cohort = demo_cohort("2026-Q1")
    text = cohort.to_json()
    again = CohortResult.from_json(text)
    assert again.to_json() == text
    assert again.policy.sha256 == default_policy().sha256  # the built-in policy, found
    assert [a.grade for a in again.appraisals] == [a.grade for a in cohort.appraisals]
    assert [s.to_dict() for s in again.by_team] == [s.to_dict() for s in cohort.by_team]
    assert "<table" in again._repr_html_()
    for a, b in zip(cohort.appraisals, again.appraisals, strict=True):
        assert b.explain("zh-Hans") == a.explain("zh-Hans")


def test_a_different_policy_is_an_error_naming_both_hashes() -> None:
    a = sheet()
    other = build(max_deduction=20)
    with pytest.raises(MedsalesError) as info:
        Appraisal.from_json(a.to_json(), policy=other)
    message = str(info.value)
    assert a.policy.sha256 in message
    assert other.sha256 in message
    assert info.value.path == "policy.sha256"
    cohort = demo_cohort()
    with pytest.raises(InputError) as info:
        CohortResult.from_json(cohort.to_json(), policy=other)
    assert default_policy().sha256 in str(info.value)
    assert other.sha256 in str(info.value)


def test_without_its_policy_a_document_loads_against_a_stand_in() -> None:
    a = sheet()
    b = Appraisal.from_json(a.to_json())
    assert isinstance(b.policy, StoredPolicy)
    assert b.to_json() == a.to_json()
    assert b.policy_ref == a.policy_ref
    text = b.explain()
    assert "Final score: 92.89" in text
    assert "Grade: A" in text
    assert "csat" in text  # KPI ids where the policy would give names
    assert "<table" in b._repr_html_()


def test_a_document_written_before_the_engine_block_loads_back_without_one() -> None:
    doc = sheet().to_dict()
    del doc["engine"]
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert Appraisal.from_json(text).to_json() == text
    older = copy.deepcopy(doc) | {"engine": {"name": "medsales", "version": "0.0.1"}}
    text = json.dumps(older, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert Appraisal.from_json(text).to_json() == text


def test_a_note_of_a_code_this_version_does_not_know_keeps_its_text() -> None:
    doc = sheet().to_dict()
    doc["notes"] = [{"code": "from_the_future", "params": {"a": "1"}, "text": "a future rule"}]
    again = Appraisal.from_dict(doc)
    assert again.to_dict()["notes"] == doc["notes"]
    assert "a future rule" in again.explain("zh-Hans")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.pop("score"), "score"),
        (lambda d: d.update(score="85.0.0"), "score"),
        (lambda d: d.update(score=85), "score"),
        (lambda d: d.update(format="medsales.policy/1"), "format"),
        (lambda d: d["lines"][0].update(status="great"), "lines[0].status"),
        (lambda d: d["lines"][1].update(points="NaN"), "lines[1].points"),
        (lambda d: d["conduct"][0].update(date="03/08/2026"), "conduct[0].date"),
        (lambda d: d["policy"].pop("sha256"), "policy"),
        (lambda d: d.update(period="2026-Q9"), "period"),
        (lambda d: d.update(lines={}), "lines"),
    ],
)
def test_a_broken_document_is_an_error_naming_the_key(change: Any, path: str) -> None:
    doc = sheet().to_dict()
    change(doc)
    with pytest.raises(InputError) as info:
        Appraisal.from_dict(doc)
    assert info.value.path == path


@pytest.mark.parametrize("text", ["", "[1, 2]", "{", b"\xff"])
def test_text_that_is_not_a_document_is_an_input_error(text: str | bytes) -> None:
    with pytest.raises(InputError):
        Appraisal.from_json(text)
    with pytest.raises(InputError):
        CohortResult.from_json(text)


def test_the_cohort_schema_validates_cohort_documents() -> None:
    schema = cohort_json_schema()
    Draft202012Validator.check_schema(schema)
    doc = json.loads(demo_cohort().to_json())
    Draft202012Validator(schema).validate(doc)
    Draft202012Validator(appraisal_json_schema()).validate(doc["appraisals"][0])
    bad = copy.deepcopy(doc)
    bad["appraisals"][0]["score"] = 85
    assert not Draft202012Validator(schema).is_valid(bad)
    bad = copy.deepcopy(doc)
    bad["engine"]["extra"] = "x"
    assert not Draft202012Validator(schema).is_valid(bad)
    assert medsales.cohort_json_schema() == schema


def test_a_loaded_document_keeps_its_numbers_exact_where_they_terminate() -> None:
    b = Appraisal.from_json(sheet().to_json())
    assert b.score == Decimal("92.89")
    assert b.lines[1].actual == 85
    assert b.lines[1].weight == Decimal(20)


def test_the_cli_prints_the_cohort_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from medsales.cli import main

    assert main(["policy", "schema", "--document", "cohort"]) == 0
    assert json.loads(capsys.readouterr().out) == cohort_json_schema()


def test_hostile_documents_are_refused_quickly_with_an_input_error() -> None:
    """SPEC §21: numbers beyond the limits, deep nesting and long texts are refused."""
    doc = sheet().to_dict()
    for value in ("1e999999999", "9" * 101, "0." + "0" * 1200 + "1"):
        hostile = copy.deepcopy(doc)
        hostile["score"] = value
        with pytest.raises(InputError) as info:
            Appraisal.from_dict(hostile)
        assert info.value.path == "score"
    hostile = copy.deepcopy(doc)
    hostile["reason"] = "x" * 10_001
    with pytest.raises(InputError, match="longer than"):
        Appraisal.from_dict(hostile)
    deep: Any = {}
    for _ in range(64):
        deep = {"a": deep}
    with pytest.raises(InputError, match="nests deeper than 64 levels"):
        Appraisal.from_json(json.dumps(deep))
    with pytest.raises(InputError, match="nests deeper"):
        Appraisal.from_json("[" * 100_000 + "]" * 100_000)
    shallow: Any = {}
    for _ in range(62):
        shallow = {"a": shallow}
    with pytest.raises(InputError) as info:  # read, then refused for what it is not
        Appraisal.from_json(json.dumps(shallow))
    assert info.value.path == "format"
