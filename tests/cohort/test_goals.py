"""SPEC §16: goals, their roll-up at any depth, located errors, and KPIs read from goals."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import BASE
from medsales import Goal, InputError, appraise_cohort, appraise_employee, load_policy
from medsales.cohort.goals import goal_metric, goals_book
from medsales.periods import Period


def goal(goal_id: str, parent: str | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"goal_id": goal_id, "employee_id": "E1", "period": "2026-Q1"}
    if parent is not None:
        out["parent_id"] = parent
    out.update(more)
    return out


def progress_of(goals: list[dict[str, Any]], goal_id: str) -> Fraction:
    return goals_book(None, goals).progress(goal_id)


# --- the worked examples of SPEC §16 -----------------------------------------------------


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([{"progress": 50}, {"progress": 0}], 25),
        ([{"progress": 50}, {"progress": 100}], 75),
        ([{"progress": 50}, {"progress": 0, "status": "archived"}], 50),
        ([{"progress": 50}, {"progress": 100, "status": "archived"}], 50),
    ],
    ids=["50-and-0", "50-and-100", "50-and-archived-0", "50-and-archived-100"],
)
def test_a_parent_is_the_mean_of_its_children(
    children: list[dict[str, Any]], expected: int
) -> None:
    goals = [goal("P"), *(goal(f"C{i}", "P", **c) for i, c in enumerate(children))]
    assert progress_of(goals, "P") == expected


def test_branches_of_different_depths() -> None:
    # P with children C1 = 0 and C2, C2 with children 50 and 0 → C2 = 25, P = 12.5
    goals = [
        goal("P"),
        goal("C1", "P", progress=0),
        goal("C2", "P"),
        goal("G1", "C2", progress=50),
        goal("G2", "C2", progress=0),
    ]
    book = goals_book(None, goals)
    assert book.progress("C2") == 25
    assert book.progress("P") == Fraction(25, 2)


def test_the_moved_tree() -> None:
    # C1 with children 25, 0 and C2 (children 50, 0) under P1; P2 with no children
    goals = [
        goal("P1"),
        goal("P2"),
        goal("C1", "P1"),
        goal("A", "C1", progress=25),
        goal("B", "C1", progress=0),
        goal("C2", "C1"),
        goal("D", "C2", progress=50),
        goal("E", "C2", progress=0),
    ]
    book = goals_book(None, goals)
    assert book.progress("C1") == Fraction(50, 3)
    assert book.progress("P1") == Fraction(50, 3)
    assert book.progress("P2") == 0
    assert round(book.progress("C1"), 3) == Fraction("16.667")  # shown at three places


def test_weights_weigh_the_children() -> None:
    goals = [
        goal("P"),
        goal("A", "P", progress=100, weight=3),
        goal("B", "P", progress=0, weight="1"),
    ]
    assert progress_of(goals, "P") == 75


def test_a_leaf_without_progress_counts_0_and_a_completed_one_100() -> None:
    goals = [
        goal("P"),
        goal("A", "P"),
        goal("B", "P", status="completed"),
        goal("C", "P", status="completed", progress=40),
    ]
    book = goals_book(None, goals)
    assert [book.progress(g) for g in "ABC"] == [0, 100, 40]
    assert book.progress("P") == Fraction(140, 3)


def test_a_parent_whose_children_are_all_archived_uses_its_own_progress() -> None:
    goals = [goal("P", progress=30), goal("A", "P", progress=90, status="archived")]
    assert progress_of(goals, "P") == 30


def test_a_very_deep_chain_rolls_up_without_recursion() -> None:
    goals = [goal("G0")] + [goal(f"G{i}", f"G{i - 1}") for i in range(1, 3000)]
    goals[-1]["progress"] = 42
    assert progress_of(goals, "G0") == 42


# --- properties ----------------------------------------------------------------------------

_progress = st.integers(0, 100).map(Decimal) | st.decimals(0, 100, places=2)
_weight = st.integers(1, 5).map(Decimal) | st.decimals("0.5", 10, places=1)


@given(st.lists(st.tuples(_progress, _weight), min_size=1, max_size=8))
def test_a_parent_lies_between_its_childrens_min_and_max(children: list[Any]) -> None:
    goals = [goal("P")] + [
        goal(f"C{i}", "P", progress=p, weight=w) for i, (p, w) in enumerate(children)
    ]
    book = goals_book(None, goals)
    values = [book.progress(f"C{i}") for i in range(len(children))]
    assert min(values) <= book.progress("P") <= max(values)


@given(
    st.sampled_from([1, 2, 4, 5, 8, 10]).flatmap(
        lambda n: st.lists(st.integers(0, 100), min_size=n, max_size=n)
    ),
    _weight,
    st.sampled_from(["active", "completed"]),
)
def test_archiving_a_goal_at_the_mean_leaves_the_parent_unchanged(
    children: list[int], weight: Decimal, status: str
) -> None:
    # n children of weight 1 with n in {1, 2, 4, 5, 8, 10}: their mean is a finite decimal
    goals = [goal("P")] + [goal(f"C{i}", "P", progress=p) for i, p in enumerate(children)]
    mean = progress_of(goals, "P")
    at_mean = Decimal(mean.numerator) / Decimal(mean.denominator)
    assert Fraction(at_mean) == mean
    added = [*goals, goal("M", "P", progress=at_mean, weight=weight, status=status)]
    assert progress_of(added, "P") == mean
    added[-1]["status"] = "archived"
    assert progress_of(added, "P") == mean


@given(
    st.lists(st.tuples(_progress, _weight), min_size=1, max_size=6),
    st.lists(st.tuples(_progress, _weight), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_child_order_never_matters(first: list[Any], second: list[Any], rnd: Any) -> None:
    goals = [goal("P"), goal("X", "P"), goal("Y", "P")]
    goals += [goal(f"X{i}", "X", progress=p, weight=w) for i, (p, w) in enumerate(first)]
    goals += [goal(f"Y{i}", "Y", progress=p, weight=w) for i, (p, w) in enumerate(second)]
    shuffled = list(goals)
    rnd.shuffle(shuffled)
    book, again = goals_book(None, goals), goals_book(None, shuffled)
    assert book.progress("P") == again.progress("P")
    assert book.tree_notes("P") == again.tree_notes("P")


# --- located errors ------------------------------------------------------------------------


def problems(goals: list[dict[str, Any]], policy: Any = None) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as info:
        goals_book(policy, goals)
    found = info.value.problems or [info.value]
    return [(p.path, p.message) for p in found]


def test_progress_out_of_range_is_an_error_naming_the_goal() -> None:
    assert problems([goal("G7", progress=120)]) == [
        ("goals[0].progress", "goal 'G7': progress 120 is outside 0–100")
    ]
    assert problems([goal("G7", progress=-1)])[0][0] == "goals[0].progress"
    assert problems([goal("G7", weight=0)])[0] == (
        "goals[0].weight",
        "goal 'G7': weight 0 is not positive (expected > 0)",
    )


def test_an_unknown_parent_is_an_error() -> None:
    assert problems([goal("A", "nope")]) == [
        (
            "goals[0].parent_id",
            "goal 'A' has an unknown parent 'nope' (expected the goal_id of another goal, or "
            "empty for a top goal)",
        )
    ]


def test_a_parent_of_another_employee_is_an_error() -> None:
    found = problems([goal("P", employee_id="E2"), goal("C", "P")])
    assert found == [
        (
            "goals[1].parent_id",
            "goal 'C' of employee 'E1' has parent 'P' of employee 'E2' (expected a goal of "
            "the same employee)",
        )
    ]


def test_a_parent_whose_period_does_not_contain_the_childs_is_an_error() -> None:
    ok = [goal("Y", period="2026"), goal("Q", "Y", period="2026-Q3")]
    assert goals_book(None, ok).progress("Y") == 0
    found = problems([goal("P", period="2026-Q1"), goal("C", "P", period="2026")])
    assert found[0][0] == "goals[1].parent_id"
    assert "whose period 2026-Q1 does not contain it" in found[0][1]


def test_a_cycle_is_an_error_reported_once() -> None:
    found = problems([goal("A", "C"), goal("B", "A"), goal("C", "B"), goal("D", "D")])
    assert found == [
        (
            "goals[0].parent_id",
            "goals form a cycle: A → C → B → A (each goal's parent_id leads back; expected a "
            "tree, every chain of parents ending at a top goal)",
        ),
        (
            "goals[3].parent_id",
            "goals form a cycle: D → D (each goal's parent_id leads back; expected a tree, "
            "every chain of parents ending at a top goal)",
        ),
    ]


def test_a_duplicate_id_a_bad_period_and_a_kpi_on_a_child_are_errors() -> None:
    assert problems([goal("A"), goal("A")])[0] == (
        "goals[1].goal_id",
        "goal 'A' is given twice (also at goals[0])",
    )
    assert problems([goal("A", period="2026-Q5")])[0][0] == "goals[0].period"
    found = problems([goal("A"), goal("B", "A", kpi="sales")])
    assert found[0][0] == "goals[1]"
    assert "only a top goal feeds a KPI" in found[0][1]


def test_every_problem_between_goals_is_reported_at_once() -> None:
    found = problems([goal("A", "nope"), goal("B", "A", employee_id="E2"), goal("C", "C")])
    assert [path for path, _ in found] == [
        "goals[0].parent_id",
        "goals[1].parent_id",
        "goals[2].parent_id",
    ]


# --- KPIs read from goals ------------------------------------------------------------------


def goals_policy() -> Any:
    doc = copy.deepcopy(BASE)
    doc["kpis"].append(
        {
            "id": "goal_progress",
            "name": {"en": "Goal progress"},
            "unit": "percent",
            "derive": {"from": "goals"},
        }
    )
    doc["scorecards"] = [
        {
            "role": "rep",
            "weights": "equal",
            "lines": [
                {"kpi": "sales", "basis": "attainment", "curve": {"type": "linear"}},
                {
                    "kpi": "goal_progress",
                    "basis": "value",
                    "curve": {"type": "linear", "multiplier": 1},
                },
            ],
        }
    ]
    return load_policy(doc)


TREE = [
    goal("P", kpi="goal_progress", title="Market research"),
    goal("C1", "P", progress=0),
    goal("C2", "P"),
    goal("G1", "C2", progress=50, title="Hospital survey"),
    goal("G2", "C2", progress=0),
    goal("X", "P", progress=100, status="archived"),
]


def test_a_kpi_from_goals_reads_the_weighted_mean_of_the_top_goals() -> None:
    policy = goals_policy()
    book = goals_book(policy, [*TREE, goal("Q", kpi="goal_progress", progress=40, weight=3)])
    found = goal_metric(book, "goal_progress", "E1", Period.parse("2026-Q1"))
    assert found is not None
    assert found.actual == (Fraction(25, 2) + 3 * 40) / 4
    codes = [n.code for n in found.notes]
    assert codes == [
        "goal_rolled_up",
        "goal",
        "goal_rolled_up",
        "goal",
        "goal",
        "goal_archived",
        "goal",
        "goals_value",
    ]


def test_only_top_goals_of_the_period_or_a_containing_one_feed_the_kpi() -> None:
    policy = goals_policy()
    goals = [
        goal("Y", kpi="goal_progress", period="2026", progress=80),
        goal("Q2", kpi="goal_progress", period="2026-Q2", progress=10),
        goal("A", kpi="goal_progress", progress=20, status="archived"),
        goal("O", kpi="goal_progress", progress=20, employee_id="E2"),
    ]
    found = goal_metric(goals_book(policy, goals), "goal_progress", "E1", Period.parse("2026-Q1"))
    assert found is not None
    assert found.actual == 80
    assert (
        goal_metric(goals_book(policy, goals), "goal_progress", "E1", Period.parse("2025")) is None
    )


def test_a_goal_feeding_a_kpi_not_derived_from_goals_is_an_error() -> None:
    found = problems([goal("A", kpi="sales")], goals_policy())
    assert found == [
        (
            "goals[0].kpi",
            "goal 'A' feeds KPI 'sales', which is not derived from goals (expected one of "
            "goal_progress)",
        )
    ]


ROWS = [{"employee_id": "E1", "period": "2026-Q1", "kpi": "sales", "actual": 90, "target": 100}]
EMPLOYEES = [{"employee_id": "E1", "role": "rep"}]


def test_appraise_employee_takes_goals() -> None:
    a = appraise_employee(
        goals_policy(),
        employee_id="E1",
        employees=EMPLOYEES,
        measurements=ROWS,
        period="2026-Q1",
        goals=[Goal.model_validate(g) for g in TREE],
    )
    line = a.lines[1]
    assert line.actual == Fraction(25, 2)
    assert a.exact_score == (90 + Fraction(25, 2)) / 2
    texts = [n.text() for n in line.notes]
    assert texts[0] == (
        "goal P “Market research”: progress 12.5 = weighted mean of its children "
        "(0 × 1 + 25 × 1) / 2"
    )
    assert "goal G1 “Hospital survey”: progress 50" in texts
    assert "goal X: archived, not counted" in texts
    assert texts[-1] == "goal_progress = 12.5, the weighted mean of 1 top goal(s) (12.5 × 1) / 1"


def test_without_goals_the_kpi_is_missing() -> None:
    a = appraise_employee(
        goals_policy(), employee_id="E1", employees=EMPLOYEES, measurements=ROWS, period="2026-Q1"
    )
    assert a.lines[1].status == "missing"
    assert a.exact_score == 90


def test_explain_shows_the_goal_tree_indented() -> None:
    a = appraise_employee(
        goals_policy(),
        employee_id="E1",
        employees=EMPLOYEES,
        measurements=ROWS,
        period="2026-Q1",
        goals=TREE,
    )
    text = a.explain()
    assert "      · goal P “Market research”: progress 12.5" in text
    assert "        · goal C2: progress 25 = weighted mean" in text
    assert "          · goal G1 “Hospital survey”: progress 50" in text
    assert "目标 G1 “Hospital survey”：进度 50" in a.explain("zh-Hans")
    html = a._repr_html_()
    assert "Hospital survey" in html
    assert "padding-left:2em" in html


def test_appraise_cohort_takes_goals_and_checks_their_employees() -> None:
    cohort = appraise_cohort(
        goals_policy(), employees=EMPLOYEES, measurements=ROWS, period="2026-Q1", goals=TREE
    )
    assert cohort.appraisal("E1").lines[1].actual == Fraction(25, 2)
    with pytest.raises(InputError) as info:
        appraise_cohort(
            goals_policy(),
            employees=EMPLOYEES,
            measurements=ROWS,
            period="2026-Q1",
            goals=[goal("Z", employee_id="E9")],
        )
    assert info.value.path == "goals[0].employee_id"
