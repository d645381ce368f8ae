"""An appraisal's explanation is built when it is first read, once (issue "Speed"): the
score, grade and coefficient come first, and nothing a caller can observe differs from
the exact engine building everything at once."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medsales
from builders import REP, SHEET, build
from medsales.engine.appraise import appraise_exact
from medsales.engine.results import _DEFAULTS, EXPLANATION, Appraisal
from medsales.testing import incidents, measurements, policies

POLICY = build()
DEFAULT = medsales.default_policy()


def waiting(appraisal: Appraisal) -> bool:
    """Whether the appraisal's explanation is still to be built."""
    return object.__getattribute__(appraisal, "_later") is not None


def test_reading_the_score_grade_and_coefficient_builds_no_explanation() -> None:
    a = medsales.appraise(DEFAULT, role="sales_representative", measurements=REP)
    assert (a.score, a.grade, a.coefficient, a.complete, a.vetoed) == (
        Decimal("92.26"),
        "A",
        Decimal("1.2"),
        True,
        False,
    )
    assert (a.role, a.employee_id, a.period, a.segments) == ("sales_representative", None, None, ())
    assert waiting(a)


@pytest.mark.parametrize("name", sorted(EXPLANATION))
def test_reading_any_part_of_the_explanation_builds_all_of_it_once(name: str) -> None:
    a = medsales.appraise(DEFAULT, role="sales_representative", measurements=REP)
    exact = appraise_exact(DEFAULT, role="sales_representative", measurements=REP)
    assert getattr(a, name) == getattr(exact, name)
    assert not waiting(a)
    assert a.to_json() == exact.to_json()
    assert a.explain() == exact.explain()


def test_the_explanation_reads_the_measurements_as_they_were_given() -> None:
    given = {k: dict(v) if isinstance(v, dict) else v for k, v in REP.items()}
    a = medsales.appraise(DEFAULT, role="sales_representative", measurements=given)
    given["sales_revenue"]["actual"] = 1  # the caller's mapping changes afterwards
    given["training_hours"] = 0
    assert waiting(a)
    [sales] = [line for line in a.lines if line.kpi == "sales_revenue"]
    assert sales.actual == Decimal(1_020_000)
    assert (
        a.to_json()
        == appraise_exact(DEFAULT, role="sales_representative", measurements=REP).to_json()
    )


def test_a_waiting_appraisal_compares_copies_and_pickles_as_the_built_one() -> None:
    exact = appraise_exact(DEFAULT, role="sales_representative", measurements=REP)

    def fresh() -> Appraisal:
        a = medsales.appraise(DEFAULT, role="sales_representative", measurements=REP)
        assert waiting(a)
        return a

    assert fresh() == exact
    assert exact == fresh()
    assert hash(fresh()) == hash(exact)
    assert repr(fresh()) == repr(exact)
    assert copy.copy(fresh()).to_json() == exact.to_json()
    assert copy.deepcopy(fresh()).to_json() == exact.to_json()
    assert pickle.loads(pickle.dumps(fresh())).to_json() == exact.to_json()
    assert attrs.asdict(fresh(), recurse=False) == attrs.asdict(exact, recurse=False)
    moved = attrs.evolve(fresh(), grade="B", notes=())
    assert (moved.grade, moved.notes, moved.lines) == ("B", (), exact.lines)
    assert not waiting(moved)


def test_an_appraisal_the_batch_path_cannot_answer_is_explained_when_read() -> None:
    # a number beyond what 80 digits answer for: the exact engine alone gives the score
    row = {**SHEET, "sales": {"actual": 10**51 - 1, "target": 10**51}}
    a = medsales.appraise(POLICY, role="rep", measurements=row)
    assert waiting(a)
    exact = appraise_exact(POLICY, role="rep", measurements=row)
    assert a.score == exact.score
    assert not waiting(a)  # the score came with the explanation
    assert a.to_json() == exact.to_json()


def test_an_appraisal_with_incidents_is_scored_at_once() -> None:
    lapse = {"rule": "time_management", "severity": "major"}
    a = medsales.appraise(DEFAULT, role="sales_representative", measurements=REP, incidents=[lapse])
    exact = appraise_exact(
        DEFAULT, role="sales_representative", measurements=REP, incidents=[lapse]
    )
    assert (a.score, a.grade) == (exact.score, exact.grade) == (Decimal("89.26"), "A")
    assert waiting(a)
    assert a.to_json() == exact.to_json()


def _scale_policy(**line: Any) -> Any:
    return build(
        scorecards=[
            {
                "role": "rep",
                "lines": [
                    {
                        "kpi": "sales",
                        "weight": 50,
                        "basis": "attainment",
                        "curve": {"type": "linear"},
                    },
                    {
                        "kpi": "teamwork",
                        "weight": 50,
                        "basis": "value",
                        "curve": {"type": "scale", "min": 1, "max": 5},
                        **line,
                    },
                ],
            }
        ]
    )


@pytest.mark.parametrize(
    ("policy", "row"),
    [
        (POLICY, {**SHEET, "sales": {"actual": 5, "target": 0}}),
        (POLICY, {**SHEET, "sales": {"actual": 5}}),
        (POLICY, {**SHEET, "nope": 1}),
        (_scale_policy(), {"sales": {"actual": 1, "target": 2}, "teamwork": 6}),
        (_scale_policy(), {"sales": {"actual": 1, "target": 2}, "teamwork": "0.5"}),
        (_scale_policy(missing="error"), {"sales": {"actual": 1, "target": 2}}),
    ],
)
def test_bad_input_is_refused_at_once_not_when_the_appraisal_is_read(
    policy: Any, row: dict[str, Any]
) -> None:
    with pytest.raises(medsales.MedsalesError) as expected:
        appraise_exact(policy, role="rep", measurements=row)
    with pytest.raises(type(expected.value)) as raised:
        medsales.appraise(policy, role="rep", measurements=row)
    assert str(raised.value) == str(expected.value)


def test_an_unknown_role_or_rule_is_refused_at_once() -> None:
    with pytest.raises(medsales.UnknownRoleError):
        medsales.appraise(POLICY, role="nobody", measurements=SHEET)
    with pytest.raises(medsales.UnknownRuleError):
        medsales.appraise(
            POLICY, role="rep", measurements=SHEET, incidents=[{"rule": "x", "severity": "minor"}]
        )


def test_a_rating_on_the_edge_of_its_scale_is_appraised() -> None:
    policy = _scale_policy()
    for rating in (1, 5, "4.99"):
        row = {"sales": {"actual": 1, "target": 2}, "teamwork": rating}
        a = medsales.appraise(policy, role="rep", measurements=row)
        assert a.to_json() == appraise_exact(policy, role="rep", measurements=row).to_json()


def test_the_defaults_an_engine_appraisal_is_made_with_are_the_classes() -> None:
    defaults = {
        f.name: f.default
        for f in attrs.fields(Appraisal)
        if f.default is not attrs.NOTHING and f.name != "sections"
    }
    assert defaults == _DEFAULTS


def test_sections_are_summed_from_the_lines_when_read() -> None:
    a = appraise_exact(DEFAULT, role="sales_representative", measurements=REP)
    assert [s.id for s in a.sections] == [s.id for s in DEFAULT.scorecard(a.role).sections or ()]
    assert sum(s.contribution for s in a.sections) == a.raw_score


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_deferred_appraisal_is_the_exact_engines_byte_for_byte(data: st.DataObject) -> None:
    policy = data.draw(policies())
    role = data.draw(st.sampled_from([card.role for card in policy.scorecards]))
    given = data.draw(measurements(policy, role))
    events = data.draw(incidents(policy)) if policy.conduct_rules else []
    period = data.draw(st.sampled_from([None, "2026-Q3"]))
    args: dict[str, Any] = {
        "role": role,
        "measurements": given,
        "incidents": events,
        "period": period,
    }
    a = medsales.appraise(policy, **args)
    exact = appraise_exact(policy, **args)
    # the known part first, while the explanation waits (if it does)
    assert (a.score, a.grade, a.coefficient, a.complete, a.vetoed) == (
        exact.score,
        exact.grade,
        exact.coefficient,
        exact.complete,
        exact.vetoed,
    )
    assert a.to_json() == exact.to_json()
    assert a == exact
