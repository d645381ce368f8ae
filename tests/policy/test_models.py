"""Loading rejects what makes a policy unusable or ambiguous (SPEC §3, §4, §5, §8, §12).

Each test breaks one rule of a small valid policy and checks the exact problem reported:
its key path and its message.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from medsales.errors import MedsalesError, PolicyError
from medsales.policy import load_policy
from medsales.policy.models import (
    FLAT_SECTION_ID,
    KPI,
    ConductRule,
    Consequence,
    Consequences,
    Department,
    Distribution,
    Example,
    ExampleExpectation,
    Grade,
    Incident,
    Line,
    LinearCurve,
    Measurement,
    PiecewiseCurve,
    Policy,
    RatingsDerive,
    Responsibility,
    Role,
    ScaleCurve,
    Scorecard,
    Section,
    StepsCurve,
    SurveyDerive,
    TeamDerive,
)

BASE: dict[str, Any] = {
    "id": "acme",
    "version": "2026.1",
    "name": {"en": "ACME appraisal", "zh-Hans": "ACME 考核"},
    "department": {
        "id": "medical_sales",
        "name": {"en": "Medical Sales"},
        "responsibilities": [{"id": "market_development", "name": {"en": "Market development"}}],
    },
    "roles": [
        {
            "id": "rep",
            "name": {"en": "Sales Representative"},
            "responsibilities": [{"id": "personal_target", "name": {"en": "Personal target"}}],
        },
        {"id": "manager", "name": {"en": "Sales Manager"}},
    ],
    "conduct_rules": [
        {
            "id": "integrity",
            "name": {"en": "Integrity"},
            "consequences": {
                "minor": {"deduct": 2},
                "major": {"deduct": 10, "grade_cap": "C"},
                "critical": {"veto": True},
            },
        }
    ],
    "kpis": [
        {
            "id": "revenue",
            "name": {"en": "Sales revenue"},
            "unit": "currency",
            "measures": ["market_development", "rep.personal_target", "integrity"],
        },
        {"id": "complaints", "name": {"en": "Complaints"}, "unit": "count", "direction": "lower"},
        {
            "id": "teamwork",
            "name": {"en": "Teamwork"},
            "unit": "rating",
            "aggregation": "mean",
            "derive": {
                "from": "ratings",
                "groups": {"self": 10, "manager": 60, "peer": 30},
                "min_raters": {"peer": 3},
            },
        },
        {
            "id": "team_revenue",
            "name": {"en": "Team revenue"},
            "unit": "currency",
            "derive": {"from": "team", "kpi": "revenue"},
        },
        {
            "id": "csat",
            "name": {"en": "CSAT"},
            "unit": "percent",
            "derive": {"from": "survey", "method": "csat", "min_responses": 10},
        },
    ],
    "grades": [
        {"id": "A", "min": 85, "coefficient": 1.2},
        {"id": "B", "min": 70, "coefficient": 1},
        {"id": "C", "min": 0, "coefficient": 0.5},
    ],
    "scorecards": [
        {
            "role": "rep",
            "sections": [
                {
                    "id": "results",
                    "weight": 80,
                    "lines": [
                        {
                            "kpi": "revenue",
                            "weight": 70,
                            "basis": "attainment",
                            "curve": {"type": "linear", "floor": 0.6, "cap": 1.2},
                        },
                        {
                            "kpi": "complaints",
                            "weight": 30,
                            "basis": "value",
                            "curve": {"type": "steps", "steps": [[0, 100], [2, 60], [5, 20]]},
                        },
                    ],
                },
                {
                    "id": "behaviour",
                    "weight": 20,
                    "lines": [
                        {
                            "kpi": "teamwork",
                            "weight": 100,
                            "basis": "value",
                            "curve": {"type": "scale", "min": 1, "max": 5},
                        }
                    ],
                },
            ],
        },
        {
            "role": "manager",
            "lines": [
                {
                    "kpi": "team_revenue",
                    "weight": 60,
                    "basis": "attainment",
                    "curve": {"type": "piecewise", "points": [[0.5, 0], [1, 100], [1.5, 120]]},
                },
                {
                    "kpi": "csat",
                    "weight": 40,
                    "basis": "value",
                    "curve": {"type": "linear", "multiplier": 1},
                    "missing": "zero",
                },
            ],
        },
    ],
    "distribution": {"mode": "cap", "shares": {"A": 0.2}},
    "examples": [
        {
            "name": "on target",
            "role": "rep",
            "measurements": {
                "revenue": {"actual": 100, "target": 100},
                "complaints": {"actual": 0},
            },
            "incidents": [{"rule": "integrity", "severity": "minor"}],
            "expect": {"score": "100.00", "grade": "A"},
        }
    ],
}

Path = tuple[str | int, ...]
Change = Callable[[dict[str, Any]], None]

REP_RESULTS: Path = ("scorecards", 0, "sections", 0)
REVENUE_LINE: Path = (*REP_RESULTS, "lines", 0)
COMPLAINTS_LINE: Path = (*REP_RESULTS, "lines", 1)
TEAMWORK_LINE: Path = ("scorecards", 0, "sections", 1, "lines", 0)
MANAGER: Path = ("scorecards", 1)


def _parent(document: dict[str, Any], path: Path) -> Any:
    node: Any = document
    for part in path[:-1]:
        node = node[part]
    return node


def set_(path: Path, value: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        _parent(document, path)[path[-1]] = copy.deepcopy(value)

    return change


def del_(path: Path) -> Change:
    def change(document: dict[str, Any]) -> None:
        del _parent(document, path)[path[-1]]

    return change


def append_(path: Path, item: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        _parent(document, path)[path[-1]].append(copy.deepcopy(item))

    return change


def copy_(source: Path, target: Path) -> Change:
    """Append a copy of the item at ``source`` to the list at ``target``."""

    def change(document: dict[str, Any]) -> None:
        item = copy.deepcopy(_parent(document, source)[source[-1]])
        _parent(document, target)[target[-1]].append(item)

    return change


def _path(where: Path) -> str:
    """A key path as messages show it: ``scorecards[0].lines[1].weight``."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def document(*changes: Change) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for change in changes:
        change(doc)
    return doc


def problems(*changes: Change) -> list[tuple[str, str]]:
    """The (path, message) of every problem loading the changed base policy reports."""
    with pytest.raises(PolicyError) as info:
        load_policy(document(*changes))
    error = info.value
    assert isinstance(error, MedsalesError)
    assert isinstance(error, ValueError)
    assert error.problems, "a policy error lists its problems"
    noun = "problem" if len(error.problems) == 1 else "problems"
    assert str(error).startswith(f"invalid policy, {len(error.problems)} {noun}\n")
    for problem in error.problems:
        assert f"\n  - {problem}" in str(error)
    return [(p.path, p.message) for p in error.problems]


def accepted(*changes: Change) -> Policy:
    return load_policy(document(*changes))


def test_the_base_policy_is_valid() -> None:
    policy = accepted()
    assert policy.id == "acme"
    assert [s.role for s in policy.scorecards] == ["rep", "manager"]
    assert policy.scorecard("manager").effective_sections[0].id == FLAT_SECTION_ID
    assert policy.scorecard("manager").effective_sections[0].weight == 100
    assert isinstance(policy.kpi("team_revenue").derive, TeamDerive)
    assert isinstance(policy.kpi("teamwork").derive, RatingsDerive)


# --- §4 weights -----------------------------------------------------------------------------


def test_section_weights_must_total_100() -> None:
    assert problems(set_((*REP_RESULTS, "weight"), 70)) == [
        ("scorecards[0].sections", "section weights of scorecard 'rep' total 90, must total 100")
    ]


def test_section_weights_above_100_are_rejected_too() -> None:
    assert problems(set_((*REP_RESULTS, "weight"), "80.5")) == [
        (
            "scorecards[0].sections",
            "section weights of scorecard 'rep' total 100.5, must total 100",
        )
    ]


def test_line_weights_in_a_section_must_total_100() -> None:
    assert problems(set_((*REVENUE_LINE, "weight"), 60)) == [
        (
            "scorecards[0].sections[0].lines",
            "line weights of scorecard 'rep' section 'results' total 90, must total 100",
        )
    ]


def test_flat_line_weights_must_total_100() -> None:
    assert problems(set_((*MANAGER, "lines", 1, "weight"), 30)) == [
        (
            "scorecards[1].lines",
            "line weights of scorecard 'manager' flat lines total 90, must total 100",
        )
    ]


def test_weights_total_exactly_100_with_decimals() -> None:
    policy = accepted(
        set_((*MANAGER, "lines", 0, "weight"), "33.3333"),
        set_((*MANAGER, "lines", 1, "weight"), "66.6667"),
    )
    assert sum(line.weight for line in policy.scorecard("manager").lines or ()) == 100
    assert problems(
        set_((*MANAGER, "lines", 0, "weight"), "33.3333"),
        set_((*MANAGER, "lines", 1, "weight"), "66.6666"),
    ) == [
        (
            "scorecards[1].lines",
            "line weights of scorecard 'manager' flat lines total 99.9999, must total 100",
        )
    ]


def test_weight_totals_are_exact_whatever_the_callers_decimal_context() -> None:
    change = (
        set_((*MANAGER, "lines", 0, "weight"), "33.3333"),
        set_((*MANAGER, "lines", 1, "weight"), "66.6668"),
    )
    with decimal.localcontext() as ctx:
        ctx.prec = 4  # 100.0001 would round to 100.0 here
        found = problems(*change)
    assert found == [
        (
            "scorecards[1].lines",
            "line weights of scorecard 'manager' flat lines total 100.0001, must total 100",
        )
    ]


def test_float_weights_are_read_through_repr_and_total_exactly() -> None:
    # 0.1 + 0.2 != 0.3 in binary; through repr they are exact decimals
    policy = accepted(
        set_((*MANAGER, "lines", 0, "weight"), 70.1),
        set_((*MANAGER, "lines", 1, "weight"), 29.9),
    )
    assert [line.weight for line in policy.scorecard("manager").lines or ()] == [
        Decimal("70.1"),
        Decimal("29.9"),
    ]


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ((*MANAGER, "lines", 0, "weight"), 0, "input should be greater than 0, got 0"),
        ((*MANAGER, "lines", 0, "weight"), -60, "input should be greater than 0, got -60"),
        ((*REP_RESULTS, "weight"), 0, "input should be greater than 0, got 0"),
        ((*REP_RESULTS, "weight"), "-80", "input should be greater than 0, got '-80'"),
    ],
)
def test_weights_are_positive(where: Path, value: Any, message: str) -> None:
    assert problems(set_(where, value)) == [(_path(where), message)]


def test_several_problems_are_all_reported() -> None:
    found = problems(
        set_((*REP_RESULTS, "weight"), 70),
        set_((*MANAGER, "lines", 0, "kpi"), "nope"),
        set_(("grades", 1, "min"), 90),
        append_(("kpis", 0, "measures"), "nothing"),
        set_(("distribution", "shares", "Z"), 0.1),
    )
    assert sorted(found) == sorted(
        [
            (
                "scorecards[0].sections",
                "section weights of scorecard 'rep' total 90, must total 100",
            ),
            ("scorecards[1].lines[0].kpi", "unknown KPI 'nope'"),
            (
                "grades[1].min",
                "grade 'B' has min 90, not below 'A''s 85; list grades best first with "
                "strictly decreasing min",
            ),
            (
                "kpis[0].measures[3]",
                "'nothing' is not a department responsibility, a role responsibility "
                "('role.responsibility') or a conduct rule",
            ),
            ("distribution.shares.Z", "unknown grade 'Z' (expected one of A, B, C)"),
        ]
    )


def test_several_document_problems_are_all_reported() -> None:
    found = problems(
        set_(("rounding",), "bankers"),
        set_(("fiscal_year_start",), 13),
        set_((*REVENUE_LINE, "wieght"), 70),
        set_(("kpis", 1, "unit"), "euros"),
    )
    assert [path for path, _ in found] == [
        "rounding",
        "fiscal_year_start",
        "kpis[1].unit",
        "scorecards[0].sections[0].lines[0].wieght",
    ]


# --- §4 references ----------------------------------------------------------------------------


def test_a_line_must_name_a_defined_kpi() -> None:
    assert problems(set_((*MANAGER, "lines", 0, "kpi"), "nope")) == [
        ("scorecards[1].lines[0].kpi", "unknown KPI 'nope'")
    ]


def test_a_scorecard_must_name_a_defined_role() -> None:
    assert problems(set_((*MANAGER, "role"), "ghost")) == [
        ("scorecards[1].role", "unknown role 'ghost' (expected one of manager, rep)")
    ]


def test_one_scorecard_per_role() -> None:
    assert problems(set_((*MANAGER, "role"), "rep")) == [
        ("scorecards[1].role", "duplicate scorecard for role 'rep' (also at [0])")
    ]


def test_a_kpi_appears_once_in_a_scorecard() -> None:
    assert problems(
        set_((*TEAMWORK_LINE, "kpi"), "revenue"),
        set_((*TEAMWORK_LINE, "basis"), "attainment"),
        set_((*TEAMWORK_LINE, "curve"), {"type": "linear"}),
    ) == [
        (
            "scorecards[0].sections[1].lines[0].kpi",
            "KPI 'revenue' appears twice in scorecard 'rep' (also in "
            "scorecards[0].sections[0].lines[0])",
        )
    ]


def test_a_kpi_may_appear_in_several_scorecards() -> None:
    policy = accepted(set_((*MANAGER, "lines", 0, "kpi"), "revenue"))
    assert policy.scorecard("manager").lines is not None
    assert policy.scorecard("manager").lines[0].kpi == "revenue"


def test_measures_must_name_a_responsibility_or_rule() -> None:
    assert problems(
        set_(("kpis", 0, "measures"), ["personal_target", "manager.personal_target"])
    ) == [
        (
            "kpis[0].measures[0]",
            "'personal_target' is not a department responsibility, a role responsibility "
            "('role.responsibility') or a conduct rule",
        ),
        (
            "kpis[0].measures[1]",
            "'manager.personal_target' is not a department responsibility, a role "
            "responsibility ('role.responsibility') or a conduct rule",
        ),
    ]


def test_grade_cap_must_name_a_grade() -> None:
    assert problems(set_(("conduct_rules", 0, "consequences", "major", "grade_cap"), "Z")) == [
        (
            "conduct_rules[0].consequences.major.grade_cap",
            "unknown grade 'Z' (expected one of A, B, C)",
        )
    ]


# --- §8 distribution ----------------------------------------------------------------------------


def test_distribution_shares_must_name_grades() -> None:
    assert problems(set_(("distribution", "shares"), {"A": 0.1, "Z": 0.2})) == [
        ("distribution.shares.Z", "unknown grade 'Z' (expected one of A, B, C)")
    ]


def test_exact_distribution_shares_total_one() -> None:
    assert problems(
        set_(("distribution",), {"mode": "exact", "shares": {"A": 0.1, "B": 0.2, "C": 0.6}})
    ) == [("distribution.shares", "exact mode shares total 0.9, must total 1")]


def test_exact_distribution_needs_every_grade() -> None:
    assert problems(set_(("distribution",), {"mode": "exact", "shares": {"A": 0.3, "C": 0.7}})) == [
        ("distribution.shares", "exact mode needs a share for every grade; missing B")
    ]


def test_exact_distribution_reports_missing_grades_and_total_together() -> None:
    assert problems(set_(("distribution",), {"mode": "exact", "shares": {"A": 0.1, "B": 0.2}})) == [
        ("distribution.shares", "exact mode needs a share for every grade; missing C"),
        ("distribution.shares", "exact mode shares total 0.3, must total 1"),
    ]


def test_exact_distribution_that_totals_one_is_accepted() -> None:
    policy = accepted(
        set_(("distribution",), {"mode": "exact", "shares": {"A": 0.1, "B": "0.6", "C": 0.3}})
    )
    assert policy.distribution is not None
    assert sum(policy.distribution.shares.values()) == 1


def test_cap_shares_must_not_exceed_one() -> None:
    assert problems(set_(("distribution", "shares"), {"A": 0.6, "B": 0.5})) == [
        ("distribution.shares", "cap shares total 1.1, must not exceed 1")
    ]


def test_cap_shares_may_total_exactly_one() -> None:
    assert accepted(set_(("distribution", "shares"), {"A": 0.5, "B": 0.5})).distribution


@pytest.mark.parametrize(
    ("share", "message"),
    [
        (1.5, "input should be less than or equal to 1, got 1.5"),
        (-0.1, "input should be greater than or equal to 0, got -0.1"),
    ],
)
def test_a_share_lies_between_zero_and_one(share: float, message: str) -> None:
    assert problems(set_(("distribution", "shares", "A"), share)) == [
        ("distribution.shares.A", message)
    ]


# --- duplicate ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (copy_(("roles", 0), ("roles",)), "roles[2].id", "duplicate role id 'rep' (also at [0])"),
        (copy_(("kpis", 0), ("kpis",)), "kpis[5].id", "duplicate KPI id 'revenue' (also at [0])"),
        (
            append_(("grades",), {"id": "A", "min": -1}),
            "grades[3].id",
            "duplicate grade id 'A' (also at [0])",
        ),
        (
            copy_(("conduct_rules", 0), ("conduct_rules",)),
            "conduct_rules[1].id",
            "duplicate conduct rule id 'integrity' (also at [0])",
        ),
        (
            append_(
                ("department", "responsibilities"),
                {"id": "market_development", "name": {"en": "Again"}},
            ),
            "department.responsibilities[1].id",
            "duplicate responsibility id 'market_development' (also at [0])",
        ),
        (
            append_(
                ("roles", 0, "responsibilities"), {"id": "personal_target", "name": {"en": "x"}}
            ),
            "roles[0].responsibilities[1].id",
            "duplicate responsibility id 'personal_target' (also at [0])",
        ),
        (
            set_(("scorecards", 0, "sections", 1, "id"), "results"),
            "scorecards[0].sections[1].id",
            "duplicate section id 'results' (also at [0])",
        ),
    ],
    ids=[
        "roles",
        "kpis",
        "grades",
        "rules",
        "department-responsibilities",
        "role-responsibilities",
        "sections",
    ],
)
def test_ids_are_unique(change: Change, path: str, message: str) -> None:
    assert problems(change) == [(path, message)]


def test_the_same_id_in_different_kinds_is_fine() -> None:
    policy = accepted(
        set_(("roles", 1, "responsibilities"), [{"id": "personal_target", "name": {"en": "x"}}]),
        set_(("grades", 0, "id"), "integrity"),  # a grade named like a rule
        set_(("distribution", "shares"), {"integrity": 0.2}),
        set_(("examples", 0, "expect", "grade"), "integrity"),
    )
    assert policy.roles_by_id["manager"].responsibilities[0].id == "personal_target"


# --- §5 grades ------------------------------------------------------------------------------


@pytest.mark.parametrize("minimum", [85, 90, "85.0"])
def test_grades_are_listed_best_first_with_strictly_decreasing_min(minimum: Any) -> None:
    shown = Decimal(str(minimum))
    assert problems(set_(("grades", 1, "min"), minimum)) == [
        (
            "grades[1].min",
            f"grade 'B' has min {shown}, not below 'A''s 85; list grades best first with "
            "strictly decreasing min",
        )
    ]


def test_a_single_grade_is_enough() -> None:
    policy = accepted(
        set_(("grades",), [{"id": "C", "min": 0}]),
        del_(("distribution",)),
        set_(("examples", 0, "expect", "grade"), "C"),
    )
    assert [g.id for g in policy.grades] == ["C"]


# --- §3 curves ------------------------------------------------------------------------------

NOT_MONOTONE_STEPS = (
    "step points must not fall as the threshold rises, and 'below' must not exceed the first "
    "step's points (or set allow_non_monotonic = true)"
)
NOT_MONOTONE_PIECEWISE = (
    "piecewise points must not fall as x rises, and 'below' must not exceed the first knot's "
    "points (or set allow_non_monotonic = true)"
)
LOWER_STEPS = (
    "steps for lower-is-better KPI 'complaints' on basis \"value\" must have points that do "
    "not rise with the threshold, and 'below' no more than the last step's points"
)
LOWER_PIECEWISE = (
    "piecewise points for lower-is-better KPI 'complaints' on basis \"value\" must not rise "
    "with x, and 'below' must not be less than the first knot's points"
)


def _rising(kind: str) -> str:
    return (
        f"a {kind} curve rises with x, but KPI 'complaints' is lower-is-better on basis "
        '"value"; use steps or piecewise with falling points, or set allow_non_monotonic = true'
    )


def test_linear_floor_must_not_exceed_cap() -> None:
    assert problems(
        set_((*REVENUE_LINE, "curve"), {"type": "linear", "floor": 1.3, "cap": 1.2})
    ) == [
        (
            "scorecards[0].sections[0].lines[0].curve",
            "floor 1.3 is above cap 1.2; need floor <= cap",
        )
    ]


def test_linear_floor_may_equal_cap() -> None:
    policy = accepted(set_((*REVENUE_LINE, "curve"), {"type": "linear", "floor": 1, "cap": 1}))
    curve = policy.scorecard("rep").effective_sections[0].lines[0].curve
    assert isinstance(curve, LinearCurve)
    assert curve.floor == curve.cap == 1


def test_linear_multiplier_is_not_negative() -> None:
    assert problems(set_((*REVENUE_LINE, "curve", "multiplier"), -100)) == [
        (
            "scorecards[0].sections[0].lines[0].curve.multiplier",
            "input should be greater than or equal to 0, got -100",
        )
    ]


def test_a_linear_curve_with_a_negative_floor_is_not_monotone() -> None:
    # x = -1.5 is below the floor: 0 points; x = -1 is at the floor: 100 × -1 = -100 points.
    # Better x, fewer points: SPEC §3 says such a curve does not load.
    found = problems(
        set_((*MANAGER, "lines", 1, "curve"), {"type": "linear", "floor": -1}),
    )
    assert [path for path, _ in found] == ["scorecards[1].lines[1].curve"]


@pytest.mark.parametrize(
    ("curve", "path", "message"),
    [
        (
            {"type": "steps", "steps": [[0.5, 50], [0.5, 80]]},
            "scorecards[0].sections[0].lines[0].curve.steps",
            "step thresholds must be strictly increasing: 0.5 at [1] does not follow 0.5 at [0]",
        ),
        (
            {"type": "steps", "steps": [[1, 50], [0.5, 80]]},
            "scorecards[0].sections[0].lines[0].curve.steps",
            "step thresholds must be strictly increasing: 0.5 at [1] does not follow 1 at [0]",
        ),
        (
            {"type": "piecewise", "points": [[0.5, 50], [0.4, 80]]},
            "scorecards[0].sections[0].lines[0].curve.points",
            "knot x values must be strictly increasing: 0.4 at [1] does not follow 0.5 at [0]",
        ),
        (
            {"type": "piecewise", "points": [[0.5, 50], [0.5, 80]]},
            "scorecards[0].sections[0].lines[0].curve.points",
            "knot x values must be strictly increasing: 0.5 at [1] does not follow 0.5 at [0]",
        ),
        (
            {"type": "steps", "steps": []},
            "scorecards[0].sections[0].lines[0].curve.steps",
            "needs at least 1 item, got none",
        ),
        (
            {"type": "piecewise", "points": []},
            "scorecards[0].sections[0].lines[0].curve.points",
            "needs at least 1 item, got none",
        ),
    ],
)
def test_steps_and_knots_are_strictly_increasing(
    curve: dict[str, Any], path: str, message: str
) -> None:
    assert problems(set_((*REVENUE_LINE, "curve"), curve)) == [(path, message)]


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        ({"type": "steps", "steps": [[0.5, 80], [1, 50]]}, NOT_MONOTONE_STEPS),
        ({"type": "steps", "steps": [[0.5, 50], [1, 80]], "below": 60}, NOT_MONOTONE_STEPS),
        ({"type": "piecewise", "points": [[0.5, 80], [1, 50]]}, NOT_MONOTONE_PIECEWISE),
        (
            {"type": "piecewise", "points": [[0.5, 50], [1, 80]], "below": 60},
            NOT_MONOTONE_PIECEWISE,
        ),
    ],
)
def test_a_decreasing_curve_is_an_error(curve: dict[str, Any], message: str) -> None:
    assert problems(set_((*REVENUE_LINE, "curve"), curve)) == [
        ("scorecards[0].sections[0].lines[0].curve", message)
    ]


@pytest.mark.parametrize(
    "curve",
    [
        {"type": "steps", "steps": [[0.5, 80], [1, 50]]},
        {"type": "steps", "steps": [[0.5, 50], [1, 80]], "below": 60},
        {"type": "piecewise", "points": [[0.5, 80], [1, 50]]},
        {"type": "piecewise", "points": [[0.5, 50], [1, 80]], "below": 60},
    ],
)
def test_a_decreasing_curve_is_accepted_with_allow_non_monotonic(curve: dict[str, Any]) -> None:
    policy = accepted(
        set_((*REVENUE_LINE, "curve"), curve), set_((*REVENUE_LINE, "allow_non_monotonic"), True)
    )
    assert policy.scorecard("rep").effective_sections[0].lines[0].allow_non_monotonic


@pytest.mark.parametrize(
    "curve",
    [
        {"type": "steps", "steps": [[0.5, 50], [1, 50], [1.2, 80]], "below": 50},
        {"type": "piecewise", "points": [[0.5, 50], [1, 50]], "below": 0},
        {"type": "piecewise", "points": [[0.5, 50], [1, 100]]},  # below defaults to 50
        {"type": "steps", "steps": [[1, 100]]},
    ],
)
def test_flat_parts_are_non_decreasing(curve: dict[str, Any]) -> None:
    assert accepted(set_((*REVENUE_LINE, "curve"), curve))


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        ({"type": "linear"}, _rising("linear")),
        ({"type": "scale", "min": 0, "max": 5}, _rising("scale")),
        ({"type": "steps", "steps": [[0, 60], [2, 100]]}, LOWER_STEPS),
        ({"type": "steps", "steps": [[0, 100], [2, 60]], "below": 70}, LOWER_STEPS),
        ({"type": "piecewise", "points": [[0, 60], [2, 100]]}, LOWER_PIECEWISE),
        ({"type": "piecewise", "points": [[0, 100], [2, 60]], "below": 90}, LOWER_PIECEWISE),
    ],
)
def test_a_lower_kpi_on_value_needs_falling_points(curve: dict[str, Any], message: str) -> None:
    assert problems(set_((*COMPLAINTS_LINE, "curve"), curve)) == [
        ("scorecards[0].sections[0].lines[1].curve", message)
    ]


@pytest.mark.parametrize(
    "curve",
    [
        {"type": "steps", "steps": [[0, 100], [2, 60]], "below": 60},
        {"type": "piecewise", "points": [[0, 100], [2, 60]]},
        {"type": "piecewise", "points": [[1, 100], [2, 60]], "below": 110},
    ],
)
def test_a_lower_kpi_on_value_with_falling_points_is_accepted(curve: dict[str, Any]) -> None:
    assert accepted(set_((*COMPLAINTS_LINE, "curve"), curve))


@pytest.mark.parametrize("curve", [{"type": "linear"}, {"type": "scale", "min": 0, "max": 5}])
def test_linear_or_scale_on_a_lower_kpi_accepted_with_allow_non_monotonic(
    curve: dict[str, Any],
) -> None:
    assert accepted(
        set_((*COMPLAINTS_LINE, "curve"), curve),
        set_((*COMPLAINTS_LINE, "allow_non_monotonic"), True),
    )


def test_a_lower_kpi_on_attainment_takes_a_rising_curve() -> None:
    # attainment is already "higher is better" for every direction
    policy = accepted(
        set_((*COMPLAINTS_LINE, "basis"), "attainment"),
        set_((*COMPLAINTS_LINE, "curve"), {"type": "linear", "cap": 1.2}),
    )
    assert policy.scorecard("rep").effective_sections[0].lines[1].basis == "attainment"


@pytest.mark.parametrize("allow", [False, True])
def test_scale_reads_a_rating_on_basis_value(allow: bool) -> None:
    assert problems(
        set_((*REVENUE_LINE, "curve"), {"type": "scale", "min": 1, "max": 5}),
        set_((*REVENUE_LINE, "allow_non_monotonic"), allow),
    ) == [
        (
            "scorecards[0].sections[0].lines[0].curve",
            'a scale curve reads a rating; use basis = "value"',
        )
    ]


@pytest.mark.parametrize(("low", "high"), [(5, 5), (6, 5), ("5.0", 5)])
def test_scale_min_is_below_max(low: Any, high: Any) -> None:
    assert problems(
        set_((*TEAMWORK_LINE, "curve"), {"type": "scale", "min": low, "max": high})
    ) == [
        (
            "scorecards[0].sections[1].lines[0].curve",
            f"min {Decimal(str(low))} must be below max {high}",
        )
    ]


def test_curve_numbers_are_exact() -> None:
    policy = accepted(
        set_((*REVENUE_LINE, "curve"), {"type": "steps", "steps": [[0.1, "50.50"], ["1", 100]]})
    )
    curve = policy.scorecard("rep").effective_sections[0].lines[0].curve
    assert isinstance(curve, StepsCurve)
    assert curve.steps == ((Decimal("0.1"), Decimal("50.50")), (Decimal(1), Decimal(100)))
    assert curve.below == 0


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (0, "input should be greater than or equal to 1, got 0"),
        (13, "input should be less than or equal to 12, got 13"),
    ],
)
def test_fiscal_year_start_is_a_month(month: int, message: str) -> None:
    assert problems(set_(("fiscal_year_start",), month)) == [("fiscal_year_start", message)]


@pytest.mark.parametrize("month", [1, 4, 12])
def test_fiscal_year_start_accepts_every_month(month: int) -> None:
    assert accepted(set_(("fiscal_year_start",), month)).fiscal_year_start == month


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("score_places", -1, "input should be greater than or equal to 0, got -1"),
        ("score_places", 11, "input should be less than or equal to 10, got 11"),
        ("max_score", 0, "input should be greater than 0, got 0"),
        ("max_deduction", -1, "input should be greater than or equal to 0, got -1"),
        ("currency", "cny", "string should match pattern '^[A-Z]{3}$', got 'cny'"),
        ("version", "", "string should have at least 1 character, got ''"),
        (
            "format",
            "medsales.policy/2",
            "input should be 'medsales.policy/1', got 'medsales.policy/2'",
        ),
        (
            "max_deduction",
            "NaN",
            "'NaN' is not a finite number (expected an int, a decimal string, a Decimal or a "
            "finite float)",
        ),
        (
            "max_score",
            "lots",
            "'lots' is not a number (expected an int, a decimal string, a Decimal or a finite "
            "float)",
        ),
        (
            "max_deduction",
            float("inf"),
            "inf is not a finite number (expected an int, a decimal string, a Decimal or a "
            "finite float)",
        ),
    ],
)
def test_settings_are_checked(key: str, value: Any, message: str) -> None:
    assert problems(set_((key,), value)) == [(key, message)]


def test_defaults_are_filled_in() -> None:
    policy = accepted()
    assert policy.format == "medsales.policy/1"
    assert policy.currency == "CNY"
    assert policy.score_places == 2
    assert policy.rounding == "half_up"
    assert policy.missing == "redistribute"
    assert policy.max_deduction is None
    assert policy.max_score is None
    assert policy.fiscal_year_start == 1
    assert policy.fiscal_year_named_by == "end"
    assert policy.proration == "days"
    assert policy.kpi("revenue").direction == "higher"
    assert policy.kpi("revenue").aggregation == "sum"


# --- §12 unknown keys are errors ------------------------------------------------------------


def keys_of(model: type[BaseModel]) -> str:
    """The keys a document may use for ``model``, in declaration order."""
    return ", ".join(info.alias or name for name, info in model.model_fields.items())


def test_an_unknown_key_names_the_keys_that_would_be_valid() -> None:
    # the misspelling that extra="forbid" exists to catch
    assert problems(set_((*REVENUE_LINE, "wieght"), 70)) == [
        (
            "scorecards[0].sections[0].lines[0].wieght",
            "unknown key 'wieght' (expected one of: kpi, weight, basis, curve, missing, "
            "allow_non_monotonic, entered_by)",
        )
    ]


def test_an_unknown_top_level_key() -> None:
    [(path, message)] = problems(set_(("colour",), "red"))
    assert path == "colour"
    assert message.startswith("unknown key 'colour' (expected one of: format, id, version, ")
    assert message.endswith(", scorecards, distribution, rollup, alerts, review, examples)")


@pytest.mark.parametrize(
    ("where", "model"),
    [
        (("colour",), Policy),
        ((*REVENUE_LINE, "wieght"), Line),
        ((*REVENUE_LINE, "curve", "flor"), LinearCurve),
        ((*REP_RESULTS, "weigth"), Section),
        (("scorecards", 0, "rol"), Scorecard),
        (("department", "nme"), Department),
        (("department", "responsibilities", 0, "nme"), Responsibility),
        (("roles", 0, "title"), Role),
        (("kpis", 0, "units"), KPI),
        (("grades", 0, "max"), Grade),
        (("conduct_rules", 0, "severity"), ConductRule),
        (("conduct_rules", 0, "consequences", "minor", "deduce"), Consequence),
        (("conduct_rules", 0, "consequences", "fatal"), Consequences),
        (("distribution", "tie"), Distribution),
        (("examples", 0, "expected"), Example),
        (("examples", 0, "expect", "score_"), ExampleExpectation),
        (("examples", 0, "incidents", 0, "level"), Incident),
        (("examples", 0, "measurements", "revenue", "tgt"), Measurement),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_unknown_keys_are_errors_listing_the_expected_keys(
    where: Path, model: type[BaseModel]
) -> None:
    assert problems(set_(where, 1)) == [
        (_path(where), f"unknown key {where[-1]!r} (expected one of: {keys_of(model)})")
    ]


@pytest.mark.parametrize(
    ("curve", "key", "model"),
    [
        ({"type": "steps", "steps": [[1, 100]], "floor": 1}, "floor", StepsCurve),
        ({"type": "piecewise", "points": [[1, 100]], "cap": 1}, "cap", PiecewiseCurve),
        ({"type": "scale", "min": 1, "max": 5, "below": 0}, "below", ScaleCurve),
        ({"type": "linear", "below": 0}, "below", LinearCurve),
    ],
    ids=["steps", "piecewise", "scale", "linear"],
)
def test_unknown_key_in_a_curve_lists_that_curves_keys(
    curve: dict[str, Any], key: str, model: type[BaseModel]
) -> None:
    line = TEAMWORK_LINE if curve["type"] == "scale" else REVENUE_LINE
    assert problems(set_((*line, "curve"), curve)) == [
        (f"{_path(line)}.curve.{key}", f"unknown key {key!r} (expected one of: {keys_of(model)})")
    ]


@pytest.mark.parametrize(
    ("kpi", "key", "model"),
    [(3, "scop", TeamDerive), (2, "peer_aggregation", RatingsDerive), (4, "minimum", SurveyDerive)],
    ids=["team", "ratings", "survey"],
)
def test_unknown_key_in_a_derive_lists_that_derives_keys(
    kpi: int, key: str, model: type[BaseModel]
) -> None:
    assert problems(set_(("kpis", kpi, "derive", key), 1)) == [
        (f"kpis[{kpi}].derive.{key}", f"unknown key {key!r} (expected one of: {keys_of(model)})")
    ]


@pytest.mark.parametrize(
    "where",
    [
        ("version",),
        ("id",),
        ("name",),
        ("department",),
        ("kpis",),
        ("grades",),
        ("scorecards",),
        ("roles",),
        (*REVENUE_LINE, "basis"),
        (*REVENUE_LINE, "weight"),
        (*REVENUE_LINE, "kpi"),
        (*REVENUE_LINE, "curve"),
        (*REP_RESULTS, "id"),
        (*TEAMWORK_LINE, "curve", "max"),
        (*COMPLAINTS_LINE, "curve", "steps"),
        ("kpis", 0, "unit"),
        ("grades", 0, "min"),
        ("scorecards", 0, "role"),
        ("examples", 0, "expect"),
        ("kpis", 4, "derive", "method"),
    ],
)
def test_a_missing_required_key_is_an_error(where: Path) -> None:
    assert problems(del_(where)) == [(_path(where), f"missing required key {where[-1]!r}")]


def test_a_curve_without_a_type() -> None:
    assert problems(del_((*REVENUE_LINE, "curve", "type"))) == [
        (
            "scorecards[0].sections[0].lines[0].curve",
            "missing 'type' (expected one of: linear, steps, piecewise, scale)",
        )
    ]


# --- enumerations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (
            ("rounding",),
            "bankers",
            "input should be 'half_up', 'half_even', 'half_down', 'up', 'down', 'ceiling' or "
            "'floor', got 'bankers'",
        ),
        (("missing",), "skip", "input should be 'redistribute', 'zero' or 'error', got 'skip'"),
        (("proration",), "weeks", "input should be 'days' or 'months', got 'weeks'"),
        (("fiscal_year_named_by",), "middle", "input should be 'end' or 'start', got 'middle'"),
        (
            ("kpis", 0, "unit"),
            "euros",
            "input should be 'currency', 'count', 'percent', 'ratio', 'rating', 'score', 'days' "
            "or 'hours', got 'euros'",
        ),
        (("kpis", 0, "direction"), "up", "input should be 'higher', 'lower' or 'target', got 'up'"),
        (
            ("kpis", 0, "aggregation"),
            "median",
            "input should be 'sum', 'mean', 'weighted_mean', 'last', 'min' or 'max', got 'median'",
        ),
        (
            (*REVENUE_LINE, "basis"),
            "ratio",
            "input should be 'attainment' or 'value', got 'ratio'",
        ),
        (
            (*REVENUE_LINE, "missing"),
            "ignore",
            "input should be 'redistribute', 'zero' or 'error', got 'ignore'",
        ),
        (
            (*REVENUE_LINE, "curve", "type"),
            "exp",
            "unknown type 'exp' (expected one of: linear, steps, piecewise, scale)",
        ),
        (("distribution", "mode"), "forced", "input should be 'cap' or 'exact', got 'forced'"),
        (
            ("distribution", "ties"),
            "random",
            "input should be 'favor_higher' or 'favor_lower', got 'random'",
        ),
        (
            ("examples", 0, "incidents", 0, "severity"),
            "fatal",
            "input should be 'minor', 'major' or 'critical', got 'fatal'",
        ),
        (
            ("kpis", 3, "derive", "scope"),
            "everyone",
            "input should be 'direct' or 'all', got 'everyone'",
        ),
        (
            ("kpis", 4, "derive", "method"),
            "ces",
            "input should be 'csat', 'mean' or 'nps', got 'ces'",
        ),
        (
            ("kpis", 2, "derive", "peer_aggregate"),
            "median",
            "input should be 'mean' or 'trimmed_mean', got 'median'",
        ),
    ],
)
def test_bad_enum_values_list_the_valid_ones(where: Path, value: Any, message: str) -> None:
    found = problems(set_(where, value))
    path = _path(where[:-1]) if where[-1] == "type" else _path(where)
    assert found == [(path, message)]


def test_a_bad_derive_source() -> None:
    assert problems(set_(("kpis", 4, "derive", "from"), "poll")) == [
        (
            "kpis[4].derive",
            "unknown from 'poll' (expected one of: survey, ratings, team)",
        )
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1abc", "'1abc' is not a valid id: start with a letter, then letters, digits, '_' or '-'"),
        (
            "has space",
            "'has space' is not a valid id: start with a letter, then letters, digits, '_' or '-'",
        ),
        ("a.b", "'a.b' is not a valid id: start with a letter, then letters, digits, '_' or '-'"),
        ("", "string should have at least 1 character, got ''"),
    ],
)
def test_ids_have_a_safe_spelling(value: str, message: str) -> None:
    assert problems(set_(("id",), value)) == [("id", message)]


@pytest.mark.parametrize(
    ("name", "path", "message"),
    [
        ({"zh-Hans": "考核"}, "name", "a label needs an 'en' text"),
        ({"en": ""}, "name.en", "string should have at least 1 character, got ''"),
        ({"en": "  "}, "name", "the 'en' text must be a non-empty string"),
        ("ACME", "name", "input should be a valid dictionary, got 'ACME'"),
    ],
)
def test_labels_need_an_english_text(name: Any, path: str, message: str) -> None:
    assert problems(set_(("name",), name)) == [(path, message)]


@pytest.mark.parametrize("where", [("roles",), ("kpis",), ("grades",), ("scorecards",)])
def test_a_policy_needs_at_least_one(where: Path) -> None:
    found = problems(set_(where, []))
    assert found == [(where[0], "needs at least 1 item, got none")]


# --- §8 derived KPIs ------------------------------------------------------------------------


def test_team_roll_up_of_itself_is_a_cycle() -> None:
    assert problems(set_(("kpis", 3, "derive", "kpi"), "team_revenue")) == [
        (
            "kpis[3].derive.kpi",
            "team roll-up leads into a cycle: team_revenue → team_revenue",
        )
    ]


def test_team_roll_up_cycle_through_another_kpi() -> None:
    found = problems(set_(("kpis", 0, "derive"), {"from": "team", "kpi": "team_revenue"}))
    assert [path for path, _ in found] == ["kpis[0].derive.kpi", "kpis[3].derive.kpi"]
    assert found[0][1] == "team roll-up leads into a cycle: revenue → team_revenue → revenue"
    assert found[1][1] == ("team roll-up leads into a cycle: team_revenue → revenue → team_revenue")


def test_team_roll_up_chain_without_a_cycle_is_fine() -> None:
    policy = accepted(
        append_(
            ("kpis",),
            {
                "id": "region_revenue",
                "name": {"en": "Region revenue"},
                "unit": "currency",
                "derive": {"from": "team", "kpi": "team_revenue", "scope": "all"},
            },
        )
    )
    derive = policy.kpi("region_revenue").derive
    assert isinstance(derive, TeamDerive)
    assert (derive.kpi, derive.scope) == ("team_revenue", "all")


def test_team_roll_up_of_an_unknown_kpi() -> None:
    assert problems(set_(("kpis", 3, "derive", "kpi"), "ghost")) == [
        ("kpis[3].derive.kpi", "unknown KPI 'ghost'")
    ]


def test_ratings_min_raters_group_must_have_a_weight() -> None:
    assert problems(set_(("kpis", 2, "derive", "min_raters"), {"peer": 3, "customer": 2})) == [
        (
            "kpis[2].derive.min_raters.customer",
            "rater group 'customer' has no weight in 'groups' "
            "(expected one of self, manager, peer)",
        )
    ]


def test_ratings_min_raters_number_applies_to_peers() -> None:
    policy = accepted(set_(("kpis", 2, "derive", "min_raters"), 5))
    derive = policy.kpi("teamwork").derive
    assert isinstance(derive, RatingsDerive)
    assert (derive.min_raters_for("peer"), derive.min_raters_for("manager")) == (5, 1)


@pytest.mark.parametrize(
    ("groups", "path", "message"),
    [
        (
            {},
            "kpis[2].derive.groups",
            "needs at least 1 item, got none",
        ),
        ({"self": 0}, "kpis[2].derive.groups.self", "input should be greater than 0, got 0"),
    ],
)
def test_ratings_groups_have_positive_weights(
    groups: dict[str, int], path: str, message: str
) -> None:
    found = problems(
        set_(("kpis", 2, "derive", "groups"), groups), del_(("kpis", 2, "derive", "min_raters"))
    )
    assert found == [(path, message)]


def test_survey_min_responses_is_at_least_one() -> None:
    assert problems(set_(("kpis", 4, "derive", "min_responses"), 0)) == [
        ("kpis[4].derive.min_responses", "input should be greater than or equal to 1, got 0")
    ]


# --- golden examples -----------------------------------------------------------------------------


def test_examples_refer_to_what_exists() -> None:
    found = problems(
        set_(("examples", 0, "role"), "ghost"),
        set_(("examples", 0, "measurements", "nokpi"), {"actual": 1}),
        set_(("examples", 0, "incidents", 0, "rule"), "norule"),
        set_(("examples", 0, "expect", "grade"), "Z"),
    )
    assert found == [
        ("examples[0].role", "unknown role 'ghost'"),
        ("examples[0].measurements.nokpi", "unknown KPI 'nokpi'"),
        ("examples[0].incidents[0].rule", "unknown conduct rule 'norule'"),
        ("examples[0].expect.grade", "unknown grade 'Z'"),
    ]


def test_an_example_measurement_needs_an_actual_when_applicable() -> None:
    assert problems(set_(("examples", 0, "measurements", "revenue"), {"target": 100})) == [
        ("examples[0].measurements.revenue", "an applicable measurement needs an 'actual'")
    ]
    policy = accepted(set_(("examples", 0, "measurements", "revenue"), {"applicable": False}))
    assert not policy.examples[0].measurements["revenue"].applicable


# --- §4 sections or lines ---------------------------------------------------------------------


def test_a_scorecard_has_sections_or_lines_not_both() -> None:
    sections = BASE["scorecards"][0]["sections"]
    assert problems(set_((*MANAGER, "sections"), sections)) == [
        ("scorecards[1]", "give either 'sections' or flat 'lines', exactly one of them")
    ]


def test_a_scorecard_has_sections_or_lines_not_neither() -> None:
    assert problems(del_((*MANAGER, "lines"))) == [
        ("scorecards[1]", "give either 'sections' or flat 'lines', exactly one of them")
    ]


@pytest.mark.parametrize("key", ["sections", "lines"])
def test_sections_and_lines_are_not_empty(key: str) -> None:
    where = ("scorecards", 0 if key == "sections" else 1, key)
    assert problems(set_(where, [])) == [(_path(where), "needs at least 1 item, got none")]


def test_a_section_has_lines() -> None:
    assert problems(set_((*REP_RESULTS, "lines"), [])) == [
        (
            "scorecards[0].sections[0].lines",
            "needs at least 1 item, got none",
        )
    ]


# --- lookups ---------------------------------------------------------------------------------


def test_lookups_by_id() -> None:
    policy = accepted()
    assert policy.kpi("revenue").unit == "currency"
    assert list(policy.grade_rank) == ["A", "B", "C"]
    assert policy.grade_rank["C"] == 2
    assert set(policy.rules_by_id) == {"integrity"}
    assert policy.grades_by_id["B"].coefficient == 1


def test_unknown_kpi_lookup() -> None:
    from medsales.errors import UnknownKPIError

    with pytest.raises(UnknownKPIError) as info:
        accepted().kpi("nope")
    assert isinstance(info.value, LookupError)
    assert info.value.value == "nope"
    assert info.value.expected == "one of complaints, csat, revenue, team_revenue, teamwork"


@pytest.mark.parametrize(
    ("role", "message"),
    [("ghost", "unknown role 'ghost'"), ("nobody", "role 'nobody' has no scorecard")],
)
def test_unknown_role_lookup(role: str, message: str) -> None:
    from medsales.errors import UnknownRoleError

    policy = accepted(append_(("roles",), {"id": "nobody", "name": {"en": "Nobody"}}))
    with pytest.raises(UnknownRoleError) as info:
        policy.scorecard(role)
    assert info.value.message == message
    assert info.value.path == "role"
    assert info.value.expected == "one of manager, rep"


def test_a_policy_is_immutable() -> None:
    from pydantic import ValidationError

    policy = accepted()
    with pytest.raises(ValidationError, match="frozen"):
        policy.id = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------- copies


def test_model_copy_validates_again_and_rehashes() -> None:
    """A changed copy is a new document: validated, with its own SHA-256 (issue: a copy
    once kept the original's hash and skipped validation)."""
    import pytest

    from medsales import PolicyError, default_policy

    policy = default_policy()
    with pytest.raises(PolicyError, match="score_places"):
        policy.model_copy(update={"score_places": -3})
    changed = policy.model_copy(update={"score_places": 3})
    assert changed.score_places == 3
    assert changed.sha256 != policy.sha256
    assert policy.model_copy().sha256 == policy.sha256


def test_model_copy_of_a_scorecard_uses_its_own_weights() -> None:
    """The engine's compiled weights follow the copy, never the original's cache."""
    from medsales import appraise, default_policy, dump_policy, loads_policy

    policy = default_policy()
    card = policy.scorecard("sales_representative")
    assert card.sections is not None
    at = next(i for i, s in enumerate(card.sections) if s.id == "market")
    section = card.sections[at]
    first, second = section.lines[0], section.lines[1]  # new_customers 50, reports 30
    assert first.weight != second.weight
    measurements = {
        "sales_revenue": {"actual": 100, "target": 100},
        "new_customers": {"actual": 10, "target": 5},
        "market_feedback_reports": 0,
    }
    before = appraise(policy, role=card.role, measurements=measurements)  # fills the cache
    swapped = section.model_copy(
        update={
            "lines": (
                first.model_copy(update={"weight": second.weight}),
                second.model_copy(update={"weight": first.weight}),
                *section.lines[2:],
            )
        }
    )
    sections = (*card.sections[:at], swapped, *card.sections[at + 1 :])
    new_card = card.model_copy(update={"sections": sections})
    cards = tuple(new_card if c.role == card.role else c for c in policy.scorecards)
    variant = policy.model_copy(update={"scorecards": cards})
    after = appraise(variant, role=card.role, measurements=measurements)
    fresh = appraise(loads_policy(dump_policy(variant)), role=card.role, measurements=measurements)
    assert variant.sha256 != policy.sha256
    assert after.score == fresh.score
    assert after.score != before.score
