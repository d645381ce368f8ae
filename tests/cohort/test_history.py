"""SPEC §18: many periods — series, transitions, roll-ups and alerts."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import build
from medsales import (
    CohortResult,
    History,
    InputError,
    MedsalesError,
    PolicyError,
    appraise_history,
    load_policy,
)
from medsales.cohort.history import NOT_GRADED
from medsales.policy.io import policy_to_data

QUARTERS = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
ONE_LINE = [
    {
        "role": "rep",
        "lines": [
            {"kpi": "sales", "weight": 100, "basis": "attainment", "curve": {"type": "linear"}}
        ],
    },
    {
        "role": "other",
        "lines": [
            {"kpi": "sales", "weight": 100, "basis": "attainment", "curve": {"type": "linear"}}
        ],
    },
]


def policy(**more: Any) -> Any:
    """Score = attainment × 100: a quarter's actual against a target of 100 is its score."""
    return build(scorecards=ONE_LINE, **more)


def rows(scores: dict[str, list[Any]]) -> list[dict[str, Any]]:
    out = []
    for eid, values in scores.items():
        for quarter, actual in zip(QUARTERS, values, strict=False):
            if actual is not None:
                out.append(
                    {
                        "employee_id": eid,
                        "period": quarter,
                        "kpi": "sales",
                        "actual": actual,
                        "target": 100,
                    }
                )
    return out


def roster(*ids: str, **since: str) -> list[dict[str, Any]]:
    return [
        {"employee_id": eid, "role": "rep", "active_from": since.get(eid, "2020-01-01")}
        for eid in ids
    ]


def test_spec_example_equal_weights_roll_up_to_86_46() -> None:
    """SPEC §18: 90.00, 85.50, 78.25, 92.10 with equal weights → 86.4625 → 86.46."""
    history = appraise_history(
        policy(rollup={"into": "year", "weights": "equal"}),
        QUARTERS,
        employees=roster("E1"),
        measurements=rows({"E1": ["90", "85.5", "78.25", "92.1"]}),
    )
    assert [a.score for a in history.series("E1")] == [
        Decimal("90.00"),
        Decimal("85.50"),
        Decimal("78.25"),
        Decimal("92.10"),
    ]
    r = history.rollup("E1", "2026")
    assert r.exact_score == Fraction("86.4625")
    assert r.score == Decimal("86.46")
    assert r.grade == "A"
    assert r.coefficient == Decimal("1.2")
    assert [p.weight for p in r.parts] == [1, 1, 1, 1]
    doc = r.to_dict()
    assert (doc["format"], doc["score"], doc["exact_score"]) == (
        "medsales.rollup/1",
        "86.46",
        "86.4625",
    )
    text = r.explain()
    assert "2026-Q3  78.25       1  counted" in text
    assert "Exact roll-up score: 86.4625" in text
    assert "Roll-up score: 86.46" in text
    assert "rounded half_up to 2 decimals" in text
    assert "汇总得分: 86.46" in r.explain("zh-Hans")


def test_the_roll_up_uses_the_published_rounded_scores() -> None:
    # 2/3 of the target: the quarter publishes 66.67, and the roll-up reads 66.67
    measurements = [
        {"employee_id": "E1", "period": "2026-Q1", "kpi": "sales", "actual": 200, "target": 300},
        {"employee_id": "E1", "period": "2026-Q2", "kpi": "sales", "actual": 70, "target": 100},
    ]
    history = appraise_history(
        policy(), QUARTERS[:2], employees=roster("E1"), measurements=measurements
    )
    r = history.rollup("E1", "2026")
    assert r.exact_score == (Fraction("66.67") + 70) / 2
    assert r.score == Decimal("68.34")  # 68.335 half up; the exact 68.3333… would give 68.33


def test_active_day_weights_for_a_mid_year_joiner() -> None:
    history = appraise_history(
        policy(rollup={"weights": "active_days"}),
        QUARTERS,
        employees=roster("E1", "E2", E1="2026-05-01"),  # E2: data in every quarter
        measurements=rows({"E1": [None, "80", "90", "100"], "E2": ["70", "70", "70", "70"]}),
    )
    r = history.rollup("E1", "2026")
    # Q1 not appraised; Q2 from 1 May: 61 days; Q3 92 days; Q4 92 days
    assert [p.weight for p in r.parts] == [None, 61, 92, 92]
    q2, q3, q4 = (a.score for a in history.series("E1"))
    assert q3 == 90
    assert q4 == 100
    assert r.exact_score == (61 * Fraction(q2) + 92 * 90 + 92 * 100) / (61 + 92 + 92)
    assert r.parts[0].reason == "not_appraised"
    assert "2026-Q1 left out of the roll-up: not appraised in it" in r.explain()


def test_an_incomplete_period_is_named_and_left_out() -> None:
    pol = policy(missing="error")
    pol = load_policy(
        policy_to_data(pol) | {"rollup": {"weights": [1, 1, 1, 1]}, "missing": "redistribute"}
    )
    history = appraise_history(
        pol,
        QUARTERS,
        employees=roster("E1", "E2"),  # E2: data in every quarter
        measurements=rows({"E1": ["90", None, "80", "70"], "E2": ["70", "70", "70", "70"]}),
    )
    q2 = history.series("E1")[1]
    assert not q2.complete
    r = history.rollup("E1", "2026")
    assert r.exact_score == 80
    assert [p.counted for p in r.parts] == [True, False, True, True]
    assert r.parts[1].reason == "incomplete"
    assert [n.code for n in r.notes] == ["rollup_incomplete"]
    assert "2026-Q2 left out of the roll-up: the appraisal is incomplete" in r.explain()
    assert r.to_dict()["parts"][1] == {
        "period": "2026-Q2",
        "score": None,
        "weight": None,
        "counted": False,
        "reason": "incomplete",
    }


def test_listed_weights_by_position_and_periods_not_in_the_history() -> None:
    history = appraise_history(
        policy(rollup={"weights": [1, 1, 1, 2]}),
        QUARTERS[2:],
        employees=roster("E1"),
        measurements=rows({"E1": [None, None, "80", "95"]}),
    )
    r = history.rollup("E1", "2026")
    assert r.exact_score == Fraction(80 + 2 * 95, 3)
    assert [p.reason for p in r.parts[:2]] == ["not_in_history", "not_in_history"]
    assert r.weights == "listed"


def test_half_year_roll_ups_and_wrong_labels() -> None:
    history = appraise_history(
        policy(rollup={"into": "half"}),
        QUARTERS,
        employees=roster("E1"),
        measurements=rows({"E1": ["90", "80", "70", "60"]}),
    )
    assert history.rollup("E1", "2026-H2").score == Decimal("65.00")
    with pytest.raises(MedsalesError, match="rolls up into a half"):
        history.rollup("E1", "2026")
    with pytest.raises(InputError, match="no period inside"):
        history.rollup("E1", "2027-H1")
    with pytest.raises(InputError, match="4 weights"):
        appraise_history(
            policy(rollup={"weights": [1, 2]}),
            QUARTERS,
            employees=roster("E1"),
            measurements=rows({"E1": ["90"]}),
        ).rollup("E1", "2026")


def test_no_complete_period_gives_no_roll_up_score() -> None:
    pol = build(scorecards=ONE_LINE)
    history = appraise_history(
        pol, QUARTERS[:2], employees=roster("E1"), measurements=rows({"E1": [None, None]})
    )
    r = history.rollup("E1", "2026")
    assert (r.score, r.grade, r.complete) == (None, None, False)
    assert r.notes[-1].code == "rollup_empty"
    assert "no period of 2026 has a complete appraisal" in r.explain()


@given(
    st.lists(
        st.decimals(min_value=0, max_value=120, places=2, allow_nan=False), min_size=1, max_size=4
    ),
    st.lists(st.integers(min_value=1, max_value=9), min_size=4, max_size=4),
)
def test_a_roll_up_lies_between_its_period_scores(
    scores: list[Decimal], weights: list[int]
) -> None:
    """Property: a weighted mean of published scores is within their min and max."""
    history = _history_of(policy(rollup={"weights": weights}), {"E1": scores})
    r = history.rollup("E1", "2026")
    counted = [p.score for p in r.parts if p.counted and p.score is not None]
    assert r.score is not None
    assert min(counted) <= r.score <= max(counted)


# --- hand-built cohorts: transitions and alerts ---------------------------------------


def _history_of(pol: Any, scores: dict[str, list[Any]], **kw: Any) -> History:
    return appraise_history(
        pol, QUARTERS, employees=roster(*scores), measurements=rows(scores), **kw
    )


def _grade(history: History, grades: dict[str, list[str | None]]) -> History:
    """The history with each person's grades replaced by hand (None: not appraised)."""
    cohorts = []
    for i, c in enumerate(history.cohorts):
        appraisals = tuple(
            attrs.evolve(a, grade=grades[a.employee_id or ""][i])
            for a in c.appraisals
            if grades[a.employee_id or ""][i] is not None
        )
        cohorts.append(attrs.evolve(c, appraisals=appraisals))
    return History.from_cohorts(cohorts)


def test_transitions_on_a_hand_built_cohort() -> None:
    base = _history_of(policy(), {e: ["80"] * 4 for e in ("E1", "E2", "E3", "E4", "E5")})
    history = _grade(
        base,
        {
            "E1": ["A", "B", "B", "B"],
            "E2": ["A", "A", "A", "A"],
            "E3": ["B", "C", "C", "C"],
            "E4": ["C", None, None, None],
            "E5": [None, "S", "S", "S"],
        },
    )
    table = history.transitions("2026-Q1", "2026-Q2")
    assert list(table) == ["S", "A", "B", "C", "D", NOT_GRADED]
    assert table["A"]["B"] == 1
    assert table["A"]["A"] == 1
    assert table["B"]["C"] == 1
    assert table["C"][NOT_GRADED] == 1
    assert table[NOT_GRADED]["S"] == 1
    assert sum(sum(row.values()) for row in table.values()) == 5
    assert history.transitions("2026-Q2", "2026-Q3")["S"]["S"] == 1
    with pytest.raises(InputError, match="2027-Q1 is not one of the history's periods"):
        history.transitions("2026-Q1", "2027-Q1")


def test_alerts_at_exactly_two_consecutive_periods_and_not_at_one() -> None:
    pol = policy(alerts=[{"grade_at_most": "C", "consecutive": 2}])
    base = _history_of(pol, {e: ["80"] * 4 for e in ("E1", "E2", "E3", "E4")})
    history = _grade(
        base,
        {
            "E1": ["B", "C", "D", "B"],  # two in a row: one alert
            "E2": ["C", "B", "C", "B"],  # never two in a row
            "E3": ["C", None, "C", "A"],  # not appraised in between: the run is broken
            "E4": ["B", "C", "C", "D"],  # a run of three: one alert naming all three
        },
    )
    flagged = {a.employee_id: a for a in history.alerts}
    assert sorted(flagged) == ["E1", "E4"]
    assert flagged["E1"].periods == ("2026-Q2", "2026-Q3")
    assert flagged["E1"].grades == ("C", "D")
    assert flagged["E4"].periods == ("2026-Q2", "2026-Q3", "2026-Q4")
    assert flagged["E1"].to_dict()["consecutive"] == 2
    assert History.from_cohorts(history.cohorts[:2]).alerts == ()  # one low period each


def test_an_alert_of_one_period_flags_every_low_grade() -> None:
    pol = policy(alerts=[{"grade_at_most": "D", "consecutive": 1}])
    base = _history_of(pol, {"E1": ["80"] * 4})
    history = _grade(base, {"E1": ["B", "D", "B", "B"]})
    assert [a.periods for a in history.alerts] == [("2026-Q2",)]


def test_policy_rollup_and_alerts_are_checked_and_keep_old_hashes() -> None:
    pol = policy()
    data = policy_to_data(pol)
    assert "rollup" not in data
    assert "alerts" not in data
    assert load_policy(data | {"alerts": []}).sha256 == pol.sha256
    with_both = load_policy(
        data | {"rollup": {"weights": "active_days"}, "alerts": [{"grade_at_most": "C"}]}
    )
    assert with_both.sha256 != pol.sha256
    assert with_both.alerts is not None
    assert with_both.alerts[0].consecutive == 2
    with pytest.raises(PolicyError) as info:
        load_policy(data | {"rollup": {"weights": [0, 0]}, "alerts": [{"grade_at_most": "X"}]})
    paths = {p.path for p in info.value.problems}
    assert paths == {"rollup.weights", "alerts[0].grade_at_most"}
    with pytest.raises(PolicyError):
        load_policy(data | {"rollup": {"into": "month"}})
    with pytest.raises(PolicyError):
        load_policy(data | {"alerts": [{"grade_at_most": "C", "consecutive": 0}]})


def test_series_cohort_frame_and_loading_back() -> None:
    history = _history_of(
        policy(), {"E1": ["90", "80", "70", "60"], "E2": ["50", None, "60", "70"]}
    )
    assert [a.period.label for a in history.series("E2") if a.period] == QUARTERS
    assert history.cohort("2026-Q3").period.label == "2026-Q3"
    assert history.grade_in("E1", "2026-Q4") == "C"
    with pytest.raises(InputError, match="appraised in none"):
        history.series("E9")
    pol = history.policy
    again = History.from_cohorts(CohortResult.from_json(c.to_json(), pol) for c in history.cohorts)
    assert again.rollup("E1", "2026").to_json() == history.rollup("E1", "2026").to_json()
    assert [c.to_json() for c in again.cohorts] == [c.to_json() for c in history.cohorts]


def test_periods_that_overlap_or_none_are_errors() -> None:
    with pytest.raises(MedsalesError, match="overlap"):
        appraise_history(policy(), ["2026", "2026-Q1"], employees=roster("E1"))
    with pytest.raises(InputError, match="at least one period"):
        appraise_history(policy(), [], employees=roster("E1"))


def test_the_history_as_tidy_frames() -> None:
    pytest.importorskip("pandas")
    from medsales.io.pandas import HISTORY_COLUMNS, ROLLUP_COLUMNS, rollup_frame

    history = _history_of(
        policy(), {"E1": ["90", "80", "70", "60"], "E2": ["50", None, "60", "70"]}
    )
    frame = history.to_frame()
    assert tuple(frame.columns) == HISTORY_COLUMNS
    assert len(frame) == 8
    assert list(frame["period"][:2]) == ["2026-Q1", "2026-Q1"]
    assert frame["score"][0] == Decimal("90.00")
    assert str(frame["start"][2]) == "2026-04-01"
    roll = rollup_frame(history, "2026")
    assert tuple(roll.columns) == ROLLUP_COLUMNS
    assert len(roll) == 8
    assert roll["score"][0] == Decimal("75.00")
    assert list(roll["counted"][4:]) == [True, False, True, True]


def test_the_history_as_text_and_html() -> None:
    from medsales.views.history import alerts_text, rollups_text, series_text, transitions_text

    pol = policy(alerts=[{"grade_at_most": "C", "consecutive": 2}])
    history = _history_of(pol, {"E1": ["90", "80", "65", "60"], "E2": ["50", None, "60", "70"]})
    series = series_text(history)
    assert "E1" in series
    assert "90.00 A" in series
    assert "2026-Q4" in series.splitlines()[1]
    assert "Grade transitions 2026-Q1 → 2026-Q2" in transitions_text(history, "2026-Q1", "2026-Q2")
    alerts = alerts_text(history, "zh-Hans")
    assert "仅凭较低的等级不能证明员工不能胜任工作" in alerts
    assert "E1" in alerts
    assert "60.00" in rollups_text(history, "2026")
    assert "medsales-history" in history._repr_html_()
    assert "No alerts." in alerts_text(_history_of(policy(), {"E1": ["90"] * 4}))


# --- the demo department over two years -------------------------------------------------


@pytest.fixture(scope="module")
def demo_history() -> History:
    from medsales import default_policy
    from medsales.cli._inputs import demo_inputs

    pol = default_policy()
    inputs = demo_inputs(pol)
    return appraise_history(
        pol,
        [f"{y}-Q{q}" for y in (2025, 2026) for q in range(1, 5)],
        employees=inputs.employees,
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
    )


def test_every_document_of_the_demo_history_loads_back_byte_identical(
    demo_history: History,
) -> None:
    from medsales import Appraisal

    pol = demo_history.policy
    for cohort in demo_history.cohorts:
        text = cohort.to_json()
        assert CohortResult.from_json(text, policy=pol).to_json() == text
        assert CohortResult.from_json(text).to_json() == text
        for a in cohort.appraisals:
            doc = a.to_json()
            again = Appraisal.from_json(doc, policy=pol)
            assert again.to_json() == doc
            assert again.explain() == a.explain()


def test_the_demo_shows_a_trend_a_roll_up_and_alerts(demo_history: History) -> None:
    def mean(year: int) -> Fraction:
        scores = [
            Fraction(a.score)
            for c in demo_history.cohorts
            if c.period.start.year == year
            for a in c.appraisals
            if a.score is not None
        ]
        return sum(scores, Fraction(0)) / len(scores)

    assert mean(2026) > mean(2025)  # most people did a little better
    rollups = demo_history.rollups("2026")
    assert len(rollups) == len(demo_history.cohort("2026-Q4").appraisals)
    assert all(r.score is not None for r in rollups)
    joiner = next(r for r in rollups if r.parts[0].reason == "not_appraised")
    assert [p.counted for p in joiner.parts] == [False, False, True, True]
    assert demo_history.alerts  # the default policy's alert: two quarters at C or below
    assert all(len(a.periods) >= 2 for a in demo_history.alerts)
