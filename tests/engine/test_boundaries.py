"""Arguments checked at the boundary: data errors are MedsalesErrors, programming mistakes
TypeErrors; score_many exact for every input it accepts and its incidents aligned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medsales
from builders import SHEET, build
from medsales import InputError, UnknownKPIError, UnknownRoleError, appraise, score_many
from medsales.engine.appraise import appraise_exact

POLICY = build()


@pytest.mark.parametrize("employee_id", [["x"], 1, b"E1", "\ud800", "E" * 201, 1.5])
def test_an_employee_id_that_is_not_a_sane_text_is_an_input_error(employee_id: Any) -> None:
    with pytest.raises(InputError) as caught:
        appraise(POLICY, role="rep", measurements=SHEET, employee_id=employee_id)
    assert caught.value.path == "employee_id"


def test_an_employee_id_of_a_sane_text_is_kept() -> None:
    appraisal = appraise(POLICY, role="rep", measurements=SHEET, employee_id="张伟-E1")
    assert appraisal.employee_id == "张伟-E1"
    assert '"employee_id":"张伟-E1"' in appraisal.to_json()


@pytest.mark.parametrize(
    "call",
    [
        lambda p: appraise(p, role="rep", measurements=SHEET),
        lambda p: score_many(p, role="rep", measurements=[SHEET]),
        lambda p: medsales.appraise_cohort(p, period="2026-Q1", employees=[], measurements=[]),
        lambda p: medsales.min_actual_for_grade(
            p, role="rep", measurements=SHEET, kpi="sales", grade="A"
        ),
        lambda p: medsales.points_per_unit(p, role="rep", measurements=SHEET),
        lambda p: medsales.check_policy(p),
        lambda p: medsales.dump_policy(p),
    ],
    ids=range(7),
)
@pytest.mark.parametrize("policy", [None, "policy.toml", {"id": "x"}])
def test_a_policy_that_is_not_a_policy_is_a_type_error(call: Any, policy: Any) -> None:
    with pytest.raises(TypeError, match="policy must be a Policy"):
        call(policy)


def test_an_unhashable_kpi_or_role_is_an_unknown_id() -> None:
    with pytest.raises(UnknownKPIError):
        medsales.min_actual_for_grade(POLICY, role="rep", measurements=SHEET, kpi=[], grade="A")  # type: ignore[arg-type]
    with pytest.raises(UnknownRoleError):
        appraise(POLICY, role=[], measurements=SHEET)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", [None, 5, "x" * 101])
def test_explain_in_a_language_that_is_not_a_tag_is_an_input_error(lang: Any) -> None:
    appraisal = appraise(POLICY, role="rep", measurements=SHEET)
    with pytest.raises(InputError, match="language tag"):
        appraisal.explain(lang)


def test_score_many_refuses_fewer_incident_lists_than_rows() -> None:
    with pytest.raises(InputError, match="1 sequence of incidents for 2 rows") as caught:
        score_many(POLICY, role="rep", measurements=[SHEET, SHEET], incidents=[[]])
    assert caught.value.path == "incidents"


def test_score_many_refuses_more_incident_lists_than_rows_rather_than_drop_a_veto() -> None:
    veto = [{"rule": "integrity", "severity": "critical"}]
    with pytest.raises(InputError, match="2 sequences of incidents for 1 row"):
        score_many(POLICY, role="rep", measurements=[SHEET], incidents=[[], veto])


@pytest.mark.parametrize("rows", [None, SHEET, "rows", 5])
def test_score_many_refuses_measurements_that_are_not_rows(rows: Any) -> None:
    with pytest.raises(InputError, match="sequence of rows"):
        score_many(POLICY, role="rep", measurements=rows)


def test_score_many_agrees_with_appraise_beyond_50_digits() -> None:
    row = {**SHEET, "sales": {"actual": 10**51 - 1, "target": 10**51}}
    [batch] = score_many(POLICY, role="rep", measurements=[row])
    exact = appraise_exact(POLICY, role="rep", measurements=row)
    assert (batch.score, batch.grade) == (exact.score, exact.grade)
    assert batch.exact


def test_a_policy_with_a_constant_that_is_not_plain_is_scored_exactly() -> None:
    fine = build(max_score="100.000000000000000000000000000000000000000000000000001")
    [batch] = score_many(fine, role="rep", measurements=[SHEET])
    assert batch.exact
    assert batch.score == appraise_exact(fine, role="rep", measurements=SHEET).score


_MAGNITUDES = st.sampled_from(
    [
        lambda n: n,
        lambda n: Decimal(n).scaleb(-60),
        lambda n: 10**51 - n,
        lambda n: Decimal(10**40 + n).scaleb(-38),
        lambda n: f"{n}e-25",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.tuples(_MAGNITUDES, st.integers(0, 10**6), st.integers(1, 10**6)),
        min_size=4,
        max_size=4,
    )
)
def test_score_many_is_exact_for_every_input_it_accepts(data: Any) -> None:
    row: dict[str, Any] = {}
    for kpi, (shape, actual, target) in zip(SHEET, data, strict=True):
        row[kpi] = {"actual": shape(actual), "target": shape(target)}
    try:
        exact = appraise_exact(POLICY, role="rep", measurements=row)
    except InputError:
        return  # a target of zero after scaling, for instance: refused by both
    [batch] = score_many(POLICY, role="rep", measurements=[row])
    assert (batch.score, batch.grade, batch.coefficient) == (
        exact.score,
        exact.grade,
        exact.coefficient,
    )


def test_an_incident_note_longer_than_the_text_limit_is_an_input_error() -> None:
    incident = {"rule": "integrity", "severity": "minor", "note": "x" * 10_001}
    with pytest.raises(InputError) as caught:
        appraise(POLICY, role="rep", measurements=SHEET, incidents=[incident])
    assert caught.value.path == "incidents[0].note"
