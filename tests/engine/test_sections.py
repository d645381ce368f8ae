"""SPEC §15: section scores — each section's weight, points, effective weight and
contribution; the contributions add up to the raw score."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from jsonschema import Draft202012Validator

import medsales
from builders import BASE, SHEET, build
from medsales import appraisal_json_schema, appraise, load_policy
from medsales.testing import measurements

pd = pytest.importorskip("pandas")


def _rating(kpi: str, weight: int | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "kpi": kpi,
        "basis": "value",
        "curve": {"type": "linear", "multiplier": 1},
    }
    if weight is not None:
        line["weight"] = weight
    return line


def frappe_policy() -> medsales.Policy:
    """Frappe HRMS's appraisal overview as a medsales policy: goal score (KRAs weighted
    60/40), self score (two criteria, equal), feedback score, each a third of the final
    score on Frappe's 0-5 scale, with no pad section."""
    doc = copy.deepcopy(BASE)
    doc["score_places"] = 3
    doc["kpis"] = [
        {"id": k, "name": {"en": k}, "unit": "rating"}
        for k in ("kra_sales", "kra_visits", "self_quality", "self_teamwork", "feedback")
    ]
    doc["conduct_rules"] = []
    doc["scorecards"] = [
        {
            "role": "rep",
            "section_weights": "equal",
            "sections": [
                {
                    "id": "goals",
                    "lines": [_rating("kra_sales", 60), _rating("kra_visits", 40)],
                },
                {
                    "id": "self",
                    "weights": "equal",
                    "lines": [_rating("self_quality"), _rating("self_teamwork")],
                },
                {"id": "feedback", "weights": "equal", "lines": [_rating("feedback")]},
            ],
        }
    ]
    return load_policy(doc)


FRAPPE_ROW = {
    "kra_sales": 4,
    "kra_visits": 3,
    "self_quality": "4.2",
    "self_teamwork": "3.5",
    "feedback": "3.85",
}


def test_the_frappe_overview_row_goal_self_feedback_and_final() -> None:
    a = appraise(frappe_policy(), role="rep", measurements=FRAPPE_ROW)
    assert [(s.id, s.points) for s in a.sections] == [
        ("goals", Fraction("3.6")),
        ("self", Fraction("3.85")),
        ("feedback", Fraction("3.85")),
    ]
    assert [s.weight for s in a.sections] == [Fraction(100, 3)] * 3
    assert a.exact_score == Fraction(113, 30)
    assert a.score == Decimal("3.767")


def test_section_contributions_add_up_to_the_raw_score() -> None:
    a = appraise(build(scorecards=[BASE["scorecards"][1]]), role="other", measurements={})
    assert not a.complete  # nothing scored: every section listed, none with points
    assert [(s.id, s.points, s.contribution) for s in a.sections] == [
        ("results", None, 0),
        ("behaviour", None, 0),
    ]
    policy = build()
    a = appraise(policy, role="rep", measurements=SHEET)
    assert len(a.sections) == 1
    assert a.sections[0].contribution == a.raw_score
    assert a.sections[0].points == a.raw_score


def test_a_dropped_section_has_no_points_and_gives_its_weight_away() -> None:
    a = appraise(frappe_policy(), role="rep", measurements={"kra_sales": 4, "feedback": 2})
    goals, self_, feedback = a.sections
    assert self_.points is None
    assert self_.effective_weight == 0
    assert self_.contribution == 0
    assert goals.effective_weight == feedback.effective_weight == 50
    assert goals.points == 4
    assert goals.contribution + feedback.contribution == a.raw_score == 3


@given(measurements(build(), "other"))
def test_sections_add_up_whatever_is_measured(measured: dict[str, Any]) -> None:
    policy = build()
    a = appraise(policy, role="other", measurements=measured)
    assert sum((s.contribution for s in a.sections), Fraction(0)) == (a.raw_score or 0)
    for s in a.sections:
        lines = [line for line in a.lines if line.section == s.id]
        assert s.effective_weight == sum((line.effective_weight for line in lines), Fraction(0))
        if s.points is not None:
            assert s.points * s.effective_weight / 100 == s.contribution
            counted = [line.points or 0 for line in lines if line.counted]
            assert min(counted) <= s.points <= max(counted)


def test_the_document_lists_sections_and_validates() -> None:
    a = appraise(frappe_policy(), role="rep", measurements=FRAPPE_ROW)
    data = a.to_dict()
    assert data["sections"][0] == {
        "id": "goals",
        "weight": "33.3333333333",
        "effective_weight": "33.3333333333",
        "points": "3.6",
        "contribution": "1.2",
    }
    assert list(Draft202012Validator(appraisal_json_schema()).iter_errors(data)) == []


def test_explain_html_and_the_breakdown_show_section_scores() -> None:
    a = appraise(frappe_policy(), role="rep", measurements=FRAPPE_ROW)
    text = a.explain()
    block = text[text.index("Section scores") :]
    assert "goals" in block
    assert "3.6" in block
    assert "100/3 ≈ 33.3333" in block
    assert "维度得分" in a.explain("zh-Hans")
    html = a._repr_html_()
    assert "3.85" in html
    assert "contribution 1.2" in html


def test_the_breakdown_frame_has_each_lines_section_points() -> None:
    cohort = medsales.appraise_cohort(
        frappe_policy(),
        employees=[{"employee_id": "E1", "name": "A", "role": "rep"}],
        period="2026-Q1",
        measurements=[
            {"employee_id": "E1", "period": "2026-Q1", "kpi": k, "actual": v}
            for k, v in FRAPPE_ROW.items()
        ],
    )
    from medsales.io.pandas import breakdown_frame

    frame = breakdown_frame(cohort)
    assert list(frame["section_points"]) == [
        Decimal("3.6"),
        Decimal("3.6"),
        Decimal("3.85"),
        Decimal("3.85"),
        Decimal("3.85"),
    ]
