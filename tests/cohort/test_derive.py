"""SPEC §8: survey metrics, multi-rater scores and team roll-ups, with hand-worked numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from medsales import InputError, default_policy
from medsales.cohort.derive import rating_metric, survey_metric, team_metric
from medsales.cohort.organisation import Organisation
from medsales.engine.appraise import Resolved
from medsales.policy.models import KPI, RatingsDerive, SurveyDerive, TeamDerive
from medsales.policy.records import Employee, Rating

KPI_ = KPI.model_validate({"id": "k", "name": {"en": "k"}, "unit": "score"})


def survey(method: str, minimum: int = 1) -> SurveyDerive:
    return SurveyDerive.model_validate(
        {"from": "survey", "method": method, "min_responses": minimum}
    )


def responses(counts: dict[int, int]) -> list[tuple[str, Decimal]]:
    out = []
    for value, n in counts.items():
        out += [(f"surveys[{len(out) + i}].response", Decimal(value)) for i in range(n)]
    return out


def test_csat_is_the_share_of_4_and_5_times_100() -> None:
    # 10/20/10/5/5 responses for 5/4/3/2/1 → 30 of 50 → 60
    r = survey_metric(KPI_, survey("csat"), responses({5: 10, 4: 20, 3: 10, 2: 5, 1: 5}))
    assert r.actual == 60
    assert [n.code for n in r.notes] == ["survey"]


def test_nps_is_promoters_minus_detractors() -> None:
    # 30 % promoters (9–10), 50 % passives (7–8), 20 % detractors (0–6) → +10
    r = survey_metric(KPI_, survey("nps"), responses({10: 15, 9: 15, 8: 25, 7: 25, 6: 10, 0: 10}))
    assert r.actual == 10


def test_nps_can_be_negative() -> None:
    r = survey_metric(KPI_, survey("nps"), responses({3: 3, 9: 1}))
    assert r.actual == -50


def test_mean_rating() -> None:
    r = survey_metric(KPI_, survey("mean"), responses({5: 1, 4: 1, 2: 1}))
    assert r.actual == Fraction(11, 3)


def test_too_few_responses_make_the_kpi_not_applicable() -> None:
    r = survey_metric(KPI_, survey("csat", minimum=10), responses({5: 9}))
    assert not r.applicable
    assert r.notes[0].text() == "too few responses: 9 of at least 10"


@pytest.mark.parametrize(
    ("method", "value"),
    [("csat", 6), ("csat", 0), ("csat", "4.5"), ("nps", 11), ("nps", -1), ("mean", "5.5")],
)
def test_responses_outside_the_scale_are_errors(method: str, value: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"surveys\[0\]\.response: survey response .* is "
        r"outside the scale",
    ):
        survey_metric(KPI_, survey(method), [("surveys[0].response", Decimal(value))])


# --- ratings ---------------------------------------------------------------------------


def ratings_derive(**more: Any) -> RatingsDerive:
    return RatingsDerive.model_validate(
        {"from": "ratings", "groups": {"self": 20, "manager": 30, "peer": 10}, **more}
    )


def rating(rater: str, group: str, value: Any, who: str = "E1") -> tuple[str, Rating]:
    return (
        f"ratings[{rater}]",
        Rating(
            employee_id=who,
            period="2026-Q3",
            kpi="k",
            rater_id=rater,
            rater_group=group,
            rating=value,
        ),
    )


def test_groups_combine_by_weight() -> None:
    # 3 (self, 20), 3.5 (manager, 30), 2.5 (peer, 10) → 190/60 = 3.1666… → 3.17
    r = rating_metric(
        KPI_,
        ratings_derive(),
        "E1",
        [rating("E1", "self", 3), rating("M", "manager", "3.5"), rating("P1", "peer", "2.5")],
    )
    assert r.actual == Fraction(19, 6)


def test_absent_groups_share_their_weight() -> None:
    r = rating_metric(
        KPI_, ratings_derive(), "E1", [rating("M", "manager", 4), rating("P1", "peer", 2)]
    )
    assert r.actual == Fraction(4 * 30 + 2 * 10, 40)


def test_trimmed_mean_drops_the_highest_and_lowest_peer_with_five_or_more() -> None:
    peers = [rating(f"P{i}", "peer", v) for i, v in enumerate([1, 3, 3, 4, 5])]
    r = rating_metric(KPI_, ratings_derive(peer_aggregate="trimmed_mean"), "E1", peers)
    assert r.actual == Fraction(10, 3)
    four = rating_metric(KPI_, ratings_derive(peer_aggregate="trimmed_mean"), "E1", peers[:4])
    assert four.actual == Fraction(11, 4)  # fewer than 5: plain mean


def test_min_raters_drops_a_thin_peer_group() -> None:
    given = [rating("M", "manager", 4), rating("P1", "peer", 1), rating("P2", "peer", 1)]
    r = rating_metric(KPI_, ratings_derive(min_raters=3), "E1", given)
    assert r.actual == 4
    assert "group_dropped" in [n.code for n in r.notes]


def test_min_raters_per_group() -> None:
    given = [rating("M", "manager", 4), rating("P1", "peer", 1)]
    r = rating_metric(KPI_, ratings_derive(min_raters={"manager": 2}), "E1", given)
    assert r.actual == 1


def test_no_group_left_is_not_applicable() -> None:
    r = rating_metric(KPI_, ratings_derive(min_raters=2), "E1", [rating("P1", "peer", 4)])
    assert not r.applicable


def test_rating_oneself_outside_self_is_an_error() -> None:
    with pytest.raises(InputError, match="'E1' rates themselves under group 'peer'"):
        rating_metric(KPI_, ratings_derive(), "E1", [rating("E1", "peer", 5)])


def test_a_self_rating_by_someone_else_is_an_error() -> None:
    with pytest.raises(InputError, match="'P1' rates 'E1' under group 'self'"):
        rating_metric(KPI_, ratings_derive(), "E1", [rating("P1", "self", 5)])


def test_unknown_rater_group_is_an_error() -> None:
    with pytest.raises(
        InputError,
        match=r"ratings\[C\]\.rater_group: rater group 'customer' "
        r"has no weight",
    ):
        rating_metric(KPI_, ratings_derive(), "E1", [rating("C", "customer", 5)])


def test_the_same_rater_twice_is_an_error() -> None:
    with pytest.raises(InputError, match="'P1' rates 'E1' twice"):
        rating_metric(
            KPI_, ratings_derive(), "E1", [rating("P1", "peer", 5), rating("P1", "peer", 4)]
        )


# --- team ------------------------------------------------------------------------------

ORG = Organisation.build(
    [
        Employee(employee_id="H", role="sales_manager"),
        Employee(employee_id="M", role="sales_manager", manager_id="H"),
        Employee(employee_id="A", role="sales_representative", manager_id="M"),
        Employee(employee_id="B", role="sales_representative", manager_id="M"),
        Employee(employee_id="C", role="sales_representative", manager_id="H"),
    ]
)
TEAM_KPI = default_policy().kpi("team_sales_revenue")
VALUES = {
    "A": Resolved(actual=Decimal(100), target=Decimal(90)),
    "B": Resolved(actual=Decimal(50), target=Decimal(60)),
    "C": Resolved(actual=Decimal(7), target=Decimal(7)),
}


def team(scope: str) -> TeamDerive:
    return TeamDerive.model_validate({"from": "team", "kpi": "sales_revenue", "scope": scope})


def test_team_roll_up_of_direct_reports() -> None:
    r = team_metric(TEAM_KPI, team("direct"), "M", ORG, VALUES)
    assert (r.actual, r.target) == (150, 150)
    r = team_metric(TEAM_KPI, team("direct"), "H", ORG, VALUES)
    assert (r.actual, r.target) == (7, 7)  # M has no sales_revenue of their own


def test_team_roll_up_of_everyone_below() -> None:
    r = team_metric(TEAM_KPI, team("all"), "H", ORG, VALUES)
    assert (r.actual, r.target) == (157, 157)


def test_a_team_without_values_is_not_applicable() -> None:
    assert not team_metric(TEAM_KPI, team("direct"), "A", ORG, VALUES).applicable


def test_targets_for_some_members_only_are_an_error() -> None:
    values = {**VALUES, "B": Resolved(actual=Decimal(50))}
    with pytest.raises(InputError, match="has targets for some members but not for 'B'"):
        team_metric(TEAM_KPI, team("direct"), "M", ORG, values)


# --- organisation ----------------------------------------------------------------------


def test_organisation_cycle_names_the_employees() -> None:
    with pytest.raises(InputError, match="the managers form a cycle: A → B → A"):
        Organisation.build(
            [
                Employee(employee_id="A", role="r", manager_id="B"),
                Employee(employee_id="B", role="r", manager_id="A"),
            ]
        )


def test_organisation_unknown_manager() -> None:
    with pytest.raises(InputError, match="manager_id names no employee: A → Z"):
        Organisation.build([Employee(employee_id="A", role="r", manager_id="Z")])


def test_descendants_and_teams() -> None:
    assert ORG.descendants("H") == ("C", "M", "A", "B")
    assert ORG.direct_reports("M") == ("A", "B")
    assert (ORG.team("A"), ORG.team("H")) == ("M", None)
