"""SPEC §8: cohort appraisal, forced distribution and calibration."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import BASE, build
from medsales import InputError, MedsalesError, appraise_cohort, calibrate, default_policy
from medsales.cohort import apply_distribution, distribution_counts

ONE_TO_ONE = {"type": "linear", "multiplier": 1}


def policy(distribution: dict[str, Any] | None = None, **settings: Any) -> Any:
    """Role rep scores exactly its `sales` actual (value basis, multiplier 1)."""
    cards = [
        {
            "role": "rep",
            "lines": [{"kpi": "sales", "weight": 100, "basis": "value", "curve": ONE_TO_ONE}],
        },
        copy.deepcopy(BASE["scorecards"][1]),
    ]
    return build(scorecards=cards, distribution=distribution, **settings)


def roster(n: int) -> list[dict[str, Any]]:
    return [{"employee_id": "M", "role": "other"}] + [
        {"employee_id": f"E{i:02d}", "role": "rep", "manager_id": "M"} for i in range(n)
    ]


def rows(scores: list[Any]) -> list[dict[str, Any]]:
    return [
        {"employee_id": f"E{i:02d}", "period": "2026-Q3", "kpi": "sales", "actual": s}
        for i, s in enumerate(scores)
    ]


def cohort(scores: list[Any], rules: dict[str, Any] | None = None, **kw: Any) -> Any:
    return appraise_cohort(
        policy(rules),
        employees=roster(len(scores)),
        measurements=rows(scores),
        period="2026-Q3",
        **kw,
    )


def grades(result: Any) -> list[str | None]:
    return [
        result.appraisal(f"E{i:02d}").grade
        for i in range(len([a for a in result.appraisals if a.role == "rep"]))
    ]


# --- distribution ----------------------------------------------------------------------

CAP = {"mode": "cap", "shares": {"S": 0.1, "A": 0.2}}


def test_cap_counts_are_largest_remainder_over_the_shares_and_the_rest() -> None:
    assert distribution_counts(policy(CAP), 10) == {"S": 1, "A": 2}
    assert distribution_counts(policy(CAP), 7) == {"S": 1, "A": 1}  # 0.7, 1.4, 4.9
    assert distribution_counts(policy(CAP), 0) == {"S": 0, "A": 0}


def test_cap_keeps_the_best_scorers_and_moves_the_others_down_to_compete_again() -> None:
    result = cohort([99, 98, 97, 96, 90, 80, 80, 75, 60, 10], CAP)
    # A's two places go to 98 and 97 (moved down from S); 96 and 90 compete there too
    # and lose, so both move on to B
    assert grades(result) == ["S", "A", "A", "B", "B", "B", "B", "B", "C", "D"]
    moved = result.appraisal("E01")
    assert (moved.grade_before_distribution, moved.grade) == ("S", "A")
    assert moved.coefficient == Decimal("1.2")
    assert "grade S limited by the distribution (cap): moved to A" in moved.explain()
    e03 = result.appraisal("E03")
    assert (e03.grade_before_distribution, e03.grade) == ("S", "B")
    assert result.grades_before_distribution == {"S": 4, "A": 1, "B": 3, "C": 1, "D": 1}
    assert result.grades == {"S": 1, "A": 2, "B": 5, "C": 1, "D": 1}
    assert result.appraisal("E04").grade_before_distribution == "A"


def test_cap_ties_favor_higher_keep_everyone_tied_at_the_line() -> None:
    result = cohort([99, 99, 50, 50, 50, 50, 50, 50, 50, 50], CAP)
    assert grades(result)[:2] == ["S", "S"]


def test_cap_ties_favor_lower_move_everyone_tied_at_the_line() -> None:
    result = cohort([99, 99, 50, 50, 50, 50, 50, 50, 50, 50], {**CAP, "ties": "favor_lower"})
    assert grades(result)[:2] == ["A", "A"]


def test_exact_mode_assigns_grades_by_rank_with_exact_counts() -> None:
    shares = {"S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1}
    result = cohort(list(range(100, 0, -10)), {"mode": "exact", "shares": shares})
    assert grades(result) == ["S", "A", "A", "B", "B", "B", "B", "C", "C", "D"]


def test_distribution_leaves_out_vetoed_and_incomplete_appraisals() -> None:
    incidents = [{"employee_id": "E00", "rule": "integrity", "severity": "critical"}]
    result = cohort([99, 98, 97, 96, 90, 80, 80, 75, 60, 10], CAP, incidents=incidents)
    e00 = result.appraisal("E00")
    assert (e00.grade, e00.grade_before_distribution, e00.vetoed) == ("D", None, True)
    assert result.appraisal("E01").grade == "S"  # 9 players: S 1 (0.9), A 2 (1.8)
    manager = result.appraisal("M")
    assert not manager.complete
    assert manager.grade_before_distribution is None


def test_exact_mode_never_lifts_a_conduct_grade_cap() -> None:
    shares = {"S": 0.5, "A": 0.5, "B": 0, "C": 0, "D": 0}
    incidents = [{"employee_id": "E00", "rule": "teamwork", "severity": "major"}]  # cap B
    result = cohort([99, 50], {"mode": "exact", "shares": shares}, incidents=incidents)
    assert grades(result) == ["B", "A"]


def test_without_distribution_flag_grades_stay() -> None:
    result = cohort([99, 98, 97], CAP, distribution=False)
    assert grades(result) == ["S", "S", "S"]
    assert result.appraisal("E01").grade_before_distribution is None


def test_distribution_is_a_no_op_without_a_policy_distribution() -> None:
    result = cohort([99, 98])
    assert apply_distribution(result.policy, result.appraisals) == result.appraisals


@given(
    scores=st.lists(st.integers(0, 100), min_size=1, max_size=40),
    ties=st.sampled_from(["favor_higher", "favor_lower"]),
)
def test_a_cap_is_never_exceeded_except_by_documented_ties(scores: list[int], ties: str) -> None:
    result = cohort(scores, {**CAP, "ties": ties})
    counts = distribution_counts(result.policy, len(scores))
    got = grades(result)
    for grade in ("S", "A"):
        holders = [s for s, g in zip(scores, got, strict=True) if g == grade]
        if ties == "favor_lower":
            assert len(holders) <= counts[grade]
        elif len(holders) > counts[grade]:
            # only people tied with the lowest score kept in the grade exceed it
            lowest = min(holders)
            assert len([s for s in holders if s > lowest]) < counts[grade]
    # no one is ever moved up
    for s, g in zip(scores, got, strict=True):
        assert (
            result.policy.grade_rank[g]
            >= result.policy.grade_rank[next(b.id for b in result.policy.grades if s >= b.min)]
        )


# --- cohort appraisal ----------------------------------------------------------------

POLICY = default_policy()
TEAM = [
    {"employee_id": "H", "name": "刘总", "role": "sales_manager"},
    {"employee_id": "M", "name": "王经理", "role": "sales_manager", "manager_id": "H"},
    {"employee_id": "A", "name": "张三", "role": "sales_representative", "manager_id": "M"},
    {
        "employee_id": "B",
        "name": "李四",
        "role": "sales_representative",
        "manager_id": "M",
        "active_from": "2026-08-01",
    },
    {
        "employee_id": "C",
        "name": "Old",
        "role": "sales_representative",
        "manager_id": "M",
        "active_to": "2026-06-30",
    },
]


def sales(eid: str, month: str, actual: Any, target: Any = 100) -> dict[str, Any]:
    return {
        "employee_id": eid,
        "period": month,
        "kpi": "sales_revenue",
        "actual": actual,
        "target": target,
    }


SALES = (
    [sales("A", m, 120) for m in ("2026-07", "2026-08", "2026-09")]
    + [sales("B", m, 80) for m in ("2026-08", "2026-09")]
    + [sales("C", "2026-06", 999)]
)


def test_everyone_active_in_the_period_is_appraised() -> None:
    result = appraise_cohort(POLICY, employees=TEAM, measurements=SALES, period="2026-Q3")
    assert [a.employee_id for a in result.appraisals] == ["A", "B", "H", "M"]
    assert result.names["A"] == "张三"


def test_team_roll_up_equals_the_sum_of_members() -> None:
    result = appraise_cohort(POLICY, employees=TEAM, measurements=SALES, period="2026-Q3")
    line = next(x for x in result.appraisal("M").lines if x.kpi == "team_sales_revenue")
    assert (line.actual, line.target) == (360 + 160, 300 + 200)
    head = next(x for x in result.appraisal("H").lines if x.kpi == "team_sales_revenue")
    assert (head.actual, head.target) == (520, 500)  # scope "all": everyone below


@given(amounts=st.lists(st.integers(0, 10**6), min_size=1, max_size=6))
def test_team_roll_up_is_the_sum_of_members_property(amounts: list[int]) -> None:
    team = [{"employee_id": "M", "role": "sales_manager"}] + [
        {"employee_id": f"R{i}", "role": "sales_representative", "manager_id": "M"}
        for i in range(len(amounts))
    ]
    measured = [sales(f"R{i}", "2026-07", a, 10) for i, a in enumerate(amounts)]
    result = appraise_cohort(POLICY, employees=team, measurements=measured, period="2026-07")
    line = next(x for x in result.appraisal("M").lines if x.kpi == "team_sales_revenue")
    assert line.actual == sum(amounts)
    assert line.target == 10 * len(amounts)


def test_surveys_and_ratings_feed_their_kpis() -> None:
    surveys = [
        {"employee_id": "A", "period": "2026-08", "kpi": "customer_satisfaction", "response": r}
        for r in [5] * 6 + [4] * 3 + [2]
    ]
    surveys += [
        {"employee_id": "B", "period": "2026-08", "kpi": "customer_satisfaction", "response": 5}
    ]
    ratings = [
        {
            "employee_id": "A",
            "period": "2026-Q3",
            "kpi": "teamwork_rating",
            "rater_id": r,
            "rater_group": g,
            "rating": v,
        }
        for r, g, v in [("A", "self", 5), ("M", "manager", 4), ("B", "peer", 3)]
    ]
    result = appraise_cohort(
        POLICY,
        employees=TEAM,
        measurements=SALES,
        period="2026-Q3",
        surveys=surveys,
        ratings=ratings,
    )
    a_lines = {x.kpi: x for x in result.appraisal("A").lines}
    assert a_lines["customer_satisfaction"].actual == 90
    # peers below min_raters (3): self 10, manager 60 → (50 + 240) / 70
    assert a_lines["teamwork_rating"].actual == Fraction(29, 7)
    b_line = next(x for x in result.appraisal("B").lines if x.kpi == "customer_satisfaction")
    assert b_line.status == "not_applicable"
    assert "too few responses: 1 of at least 10" in result.appraisal("B").explain()


def test_incidents_outside_the_period_do_not_count() -> None:
    incidents = [
        {"employee_id": "A", "rule": "integrity", "severity": "major", "date": "2026-06-30"},
        {"employee_id": "A", "rule": "teamwork", "severity": "minor", "date": "2026-07-01"},
    ]
    result = appraise_cohort(
        POLICY, employees=TEAM, measurements=SALES, period="2026-Q3", incidents=incidents
    )
    a = result.appraisal("A")
    assert [c.counted for c in a.conduct] == [False, True]
    assert a.deductions == 1


def test_summaries_per_team_and_role() -> None:
    result = appraise_cohort(POLICY, employees=TEAM, measurements=SALES, period="2026-Q3")
    teams = {s.key: s for s in result.by_team}
    assert set(teams) == {"M", "H", "—"}
    reps = teams["M"]
    scores = sorted(result.appraisal(e).score for e in ("A", "B"))  # type: ignore[type-var]
    assert (reps.count, reps.minimum, reps.maximum) == (2, scores[0], scores[1])
    assert reps.mean == (Fraction(scores[0]) + Fraction(scores[1])) / 2
    roles = {s.key: s.count for s in result.by_role}
    assert roles == {"sales_manager": 2, "sales_representative": 2}
    assert sum(result.grades.values()) == 4


def test_the_cohort_document_is_deterministic_whatever_the_order() -> None:
    first = appraise_cohort(POLICY, employees=TEAM, measurements=SALES, period="2026-Q3")
    shuffled_team, shuffled_rows = list(TEAM), list(SALES)
    random.Random(3).shuffle(shuffled_team)
    random.Random(4).shuffle(shuffled_rows)
    second = appraise_cohort(
        POLICY, employees=shuffled_team, measurements=shuffled_rows, period="2026-Q3"
    )
    assert first.to_json() == second.to_json()
    assert first.to_dict()["format"] == "medsales.cohort/1"


BAD_INPUT: list[tuple[dict[str, Any], str]] = [
    (
        {"measurements": [sales("Z", "2026-07", 1)]},
        r"measurements\[0\]\.employee_id: employee_id 'Z' is not in the employees rows",
    ),
    (
        {"incidents": [{"rule": "integrity", "severity": "minor"}]},
        r"incidents\[0\]\.employee_id: an incident in a cohort names its employee",
    ),
    (
        {"incidents": [{"employee_id": "Z", "rule": "integrity", "severity": "minor"}]},
        r"incidents\[0\]\.employee_id: employee_id 'Z' is not",
    ),
    (
        {
            "surveys": [
                {"employee_id": "A", "period": "2026-07", "kpi": "sales_revenue", "response": 5}
            ]
        },
        r"surveys\[0\]\.kpi: KPI 'sales_revenue' is not derived from survey data",
    ),
    (
        {
            "ratings": [
                {
                    "employee_id": "A",
                    "period": "2026-Q3",
                    "kpi": "teamwork_rating",
                    "rater_id": "Q",
                    "rater_group": "peer",
                    "rating": 4,
                }
            ]
        },
        r"ratings\[0\]\.rater_id: rater_id 'Q' is not in the employees rows",
    ),
    (
        {
            "measurements": [
                {
                    "employee_id": "M",
                    "period": "2026-07",
                    "kpi": "team_sales_revenue",
                    "actual": 5,
                }
            ]
        },
        r"measurements\[0\]\.kpi: KPI 'team_sales_revenue' is derived from team data",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_INPUT)
def test_bad_cohort_input_is_a_located_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        appraise_cohort(POLICY, employees=TEAM, period="2026-Q3", **kwargs)


@pytest.mark.parametrize(("kwargs", "message"), BAD_INPUT)
def test_rows_of_other_periods_are_checked_too(kwargs: dict[str, Any], message: str) -> None:
    # rows outside the period are let go as they are read, but only after their checks
    earlier = {
        name: [{**row, "period": row["period"].replace("2026", "2025")} for row in rows]
        if name != "incidents"
        else rows
        for name, rows in kwargs.items()
    }
    with pytest.raises(InputError, match=message):
        appraise_cohort(POLICY, employees=TEAM, period="2026-Q3", **earlier)


def test_a_manager_cycle_is_an_error() -> None:
    team = [
        {"employee_id": "A", "role": "sales_manager", "manager_id": "B"},
        {"employee_id": "B", "role": "sales_manager", "manager_id": "A"},
    ]
    with pytest.raises(InputError, match="the managers form a cycle"):
        appraise_cohort(POLICY, employees=team, period="2026-Q3")


def test_an_unknown_employee_lookup_is_an_error() -> None:
    result = appraise_cohort(POLICY, employees=TEAM, measurements=SALES, period="2026-Q3")
    with pytest.raises(InputError, match="'C' was not appraised in 2026-Q3"):
        result.appraisal("C")


# --- calibration ---------------------------------------------------------------------


def test_calibration_rescales_teams_to_the_department_and_changes_nothing_stored() -> None:
    team = [
        {"employee_id": "H", "role": "other"},
        {"employee_id": "M1", "role": "other", "manager_id": "H"},
        {"employee_id": "M2", "role": "other", "manager_id": "H"},
    ]
    scores = {"A1": 90, "A2": 70, "B1": 60, "B2": 50}
    team += [
        {"employee_id": e, "role": "rep", "manager_id": "M1" if e[0] == "A" else "M2"}
        for e in scores
    ]
    measured = [
        {"employee_id": e, "period": "2026-Q3", "kpi": "sales", "actual": s}
        for e, s in scores.items()
    ]
    result = appraise_cohort(policy(), employees=team, measurements=measured, period="2026-Q3")
    before = result.to_json()
    cal = calibrate(result)
    assert result.to_json() == before
    assert cal.mean == Fraction(270, 4)
    got = {s.employee_id: s.calibrated for s in cal.scores}
    # department: mean 67.5, sd sqrt(218.75) ≈ 14.79; team A mean 80 sd 10; B 55 sd 5
    assert got["A1"] == Decimal("82.29")  # 67.5 + 10 × 14.79/10
    assert got["B2"] == Decimal("52.71")
    assert got["A1"] - 67 == 67 - got["A2"] + 1  # symmetric around the mean
    assert {t.team: t.count for t in cal.teams} == {"M1": 2, "M2": 2}
    assert cal.to_dict()["scores"][0]["employee_id"] == "A1"
    assert cal.by_employee["A2"].score == Decimal("70.00")


def test_ratings_of_several_rating_periods_are_rated_per_period_then_aggregated() -> None:
    def rated(period: str, manager: int) -> list[dict[str, Any]]:
        return [
            {
                "employee_id": "A",
                "period": period,
                "kpi": "teamwork_rating",
                "rater_id": r,
                "rater_group": g,
                "rating": v,
            }
            for r, g, v in [("A", "self", 5), ("M", "manager", manager)]
        ]

    result = appraise_cohort(
        POLICY,
        employees=TEAM,
        measurements=SALES,
        period="2026-H2",
        ratings=rated("2026-Q3", 4) + rated("2026-Q4", 2),
    )
    line = next(x for x in result.appraisal("A").lines if x.kpi == "teamwork_rating")
    # Q3: (5×10 + 4×60)/70 = 29/7; Q4: (5×10 + 2×60)/70 = 17/7; mean = 23/7
    assert line.actual == Fraction(23, 7)
    assert "mean of 2 rows (2026-Q3, 2026-Q4)" in result.appraisal("A").explain()


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        ({"kpi": "revenue"}, "measurements[2].kpi"),
        ({"period": "2026"}, "measurements[2].period"),  # straddles the quarter
    ],
)
def test_a_bad_row_after_good_ones_of_the_same_label_is_named_by_its_place(
    bad: dict[str, str], path: str
) -> None:
    """KPIs and period labels are checked once each, but a bad row is still an error
    at its own index, whatever rows of the same label came before."""
    measurements = [*rows([50, 60]), {**rows([70])[0], "employee_id": "E02", **bad}]
    with pytest.raises(MedsalesError) as excinfo:
        appraise_cohort(policy(), employees=roster(3), measurements=measurements, period="2026-Q3")
    assert excinfo.value.path == path
