"""The contract of the built-in default policy: every item of docs/domain.md, in three languages,
measured, with consequences, and appraisable for each role from a plain dict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import medsales
from medsales import appraise, default_policy, dump_policy, loads_policy
from medsales.labels import LANGUAGES
from medsales.policy.models import SEVERITIES

POLICY = default_policy()

# docs/domain.md's ids, verbatim: the built-in catalog must contain every one of them.
DEPARTMENT_RESPONSIBILITIES = (
    "market_development",
    "customer_relationship",
    "sales_target_achievement",
    "market_intelligence",
)
CONDUCT_RULES = (
    "integrity",
    "professionalism",
    "teamwork",
    "time_management",
    "customer_orientation",
)
ROLES = {
    "sales_manager": (
        "annual_sales_plan",
        "team_leadership",
        "key_account_negotiation",
        "performance_analysis",
    ),
    "sales_representative": (
        "customer_development",
        "personal_sales_target",
        "market_feedback",
        "marketing_participation",
    ),
    "marketing_specialist": (
        "market_research",
        "promotion_strategy",
        "marketing_events",
        "market_reports",
    ),
    "after_sales_specialist": (
        "complaint_handling",
        "usage_tracking",
        "feedback_collection",
        "key_customer_follow_up",
    ),
}
ZH = {
    "medical_sales": ("医疗行业销售部", "醫療行業銷售部"),
    "sales_manager": ("销售经理", "銷售經理"),
    "sales_representative": ("销售代表", "銷售代表"),
    "marketing_specialist": ("市场专员", "市場專員"),
    "after_sales_specialist": ("售后服务专员", "售後服務專員"),
    "integrity": ("诚信原则", "誠信原則"),
    "market_development": ("市场开拓", "市場開拓"),
}
FAMILIES = (
    "sales_performance",
    "customer_satisfaction",
    "market_development_ability",
    "team_spirit",
)


def labels_of(item: Any) -> list[Any]:
    found = [item.name]
    if getattr(item, "description", None) is not None:
        found.append(item.description)
    return found


def assert_trilingual(label: Any, where: str) -> None:
    for lang in LANGUAGES:
        assert lang in label, f"{where} has no {lang} label"
        assert label[lang].strip(), f"{where} has an empty {lang} label"


def test_the_policy_is_the_shipped_file_and_round_trips() -> None:
    assert POLICY.id == "medsales-default"
    assert default_policy() is POLICY  # built once
    assert loads_policy(dump_policy(POLICY)) == POLICY
    assert loads_policy(dump_policy(POLICY, "json"), "json") == POLICY
    assert medsales.default_policy().sha256 == POLICY.sha256


def test_department_and_core_responsibilities() -> None:
    dept = POLICY.department
    assert dept.id == "medical_sales"
    assert (dept.name["zh-Hans"], dept.name["zh-Hant"]) == ZH["medical_sales"]
    assert tuple(r.id for r in dept.responsibilities) == DEPARTMENT_RESPONSIBILITIES


def test_roles_and_their_responsibilities() -> None:
    assert {r.id: tuple(x.id for x in r.responsibilities) for r in POLICY.roles} == ROLES
    for role in POLICY.roles:
        assert (role.name["zh-Hans"], role.name["zh-Hant"]) == ZH[role.id]


def test_conduct_rules() -> None:
    assert tuple(r.id for r in POLICY.conduct_rules) == CONDUCT_RULES
    assert POLICY.rules_by_id["integrity"].name["zh-Hans"] == ZH["integrity"][0]


def test_every_label_is_in_three_languages() -> None:
    items: list[tuple[str, Any]] = [("policy", POLICY), ("department", POLICY.department)]
    items += [(f"responsibility {r.id}", r) for r in POLICY.department.responsibilities]
    for role in POLICY.roles:
        items.append((f"role {role.id}", role))
        items += [(f"{role.id}.{r.id}", r) for r in role.responsibilities]
    items += [(f"rule {r.id}", r) for r in POLICY.conduct_rules]
    items += [(f"KPI {k.id}", k) for k in POLICY.kpis]
    items += [(f"grade {g.id}", g) for g in POLICY.grades]
    for where, item in items:
        assert item.name is not None, where
        for label in labels_of(item):
            assert_trilingual(label, where)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_responsibility_is_measured_on_its_roles_scorecard(role: str) -> None:
    card = POLICY.scorecard(role)
    measured = {
        ref
        for section in card.effective_sections
        for line in section.lines
        for ref in POLICY.kpi(line.kpi).measures
    }
    for responsibility in ROLES[role]:
        assert f"{role}.{responsibility}" in measured, f"{role}.{responsibility} unmeasured"


def test_every_core_responsibility_and_seed_family_is_measured() -> None:
    measured = {ref for kpi in POLICY.kpis for ref in kpi.measures}
    for responsibility in DEPARTMENT_RESPONSIBILITIES:
        assert responsibility in measured, responsibility
    # the seed's four appraisal families are the four sections of every sales card
    sections = {s.id for s in POLICY.scorecard("sales_representative").effective_sections}
    assert sections == {"results", "customers", "market", "teamwork"}
    assert len(FAMILIES) == len(sections)


@pytest.mark.parametrize("rule", CONDUCT_RULES)
@pytest.mark.parametrize("severity", SEVERITIES)
def test_every_rule_and_severity_has_a_consequence(rule: str, severity: str) -> None:
    consequence = POLICY.rules_by_id[rule].consequences.for_severity(severity)  # type: ignore[arg-type]
    assert consequence is not None
    assert consequence.deduct > 0 or consequence.grade_cap or consequence.veto


def test_integrity_critical_is_a_veto() -> None:
    critical = POLICY.rules_by_id["integrity"].consequences.critical
    assert critical is not None
    assert critical.veto


def test_grades_with_coefficients() -> None:
    assert [g.id for g in POLICY.grades] == ["S", "A", "B", "C", "D"]
    assert all(g.coefficient is not None for g in POLICY.grades)
    assert POLICY.grades[-1].min == 0


def test_kpis_cover_the_seed_families_and_duties() -> None:
    kpis = POLICY.kpis_by_id
    for kpi in (
        "sales_revenue",
        "team_sales_revenue",
        "new_customers",
        "customer_visits",
        "market_share_growth",
        "customer_satisfaction",
        "nps",
        "complaint_resolution_days",
        "key_customer_follow_ups",
        "market_reports",
        "marketing_events",
        "training_hours",
        "teamwork_rating",
    ):
        assert kpi in kpis, kpi
    assert {k.direction for k in POLICY.kpis} == {"higher", "lower", "target"}
    derives = {type(k.derive).__name__ for k in POLICY.kpis if k.derive is not None}
    assert derives == {"SurveyDerive", "RatingsDerive", "TeamDerive"}
    curves = {
        line.curve.type
        for card in POLICY.scorecards
        for s in card.effective_sections
        for line in s.lines
    }
    assert curves == {"linear", "steps", "piecewise", "scale"}


@pytest.mark.parametrize("example", POLICY.examples, ids=lambda e: e.name)
def test_golden_examples_reproduce(example: Any) -> None:
    a = appraise(
        POLICY, role=example.role, measurements=example.measurements, incidents=example.incidents
    )
    if example.expect.score is not None:
        assert a.score == example.expect.score
    if example.expect.grade is not None:
        assert a.grade == example.expect.grade
    if example.expect.vetoed is not None:
        assert a.vetoed == example.expect.vetoed


def test_there_is_a_golden_example_per_role_and_consequence() -> None:
    assert {e.role for e in POLICY.examples} == set(ROLES)
    effects = set()
    for e in POLICY.examples:
        for incident in e.incidents:
            c = POLICY.rules_by_id[incident.rule].consequences.for_severity(incident.severity)
            assert c is not None
            effects |= {"deduct"} if c.deduct else set()
            effects |= {"grade_cap"} if c.grade_cap else set()
            effects |= {"veto"} if c.veto else set()
    assert effects == {"deduct", "grade_cap", "veto"}


def _on_target(role: str) -> dict[str, Any]:
    """A plain dict of measurements: every line of the role's card, on target."""
    out: dict[str, Any] = {}
    for section in POLICY.scorecard(role).effective_sections:
        for line in section.lines:
            curve = line.curve
            if line.basis == "attainment":
                out[line.kpi] = {"actual": 100, "target": 100}
            elif curve.type == "scale":
                out[line.kpi] = curve.max
            elif curve.type == "steps":
                out[line.kpi] = (
                    curve.steps[0][0]
                    if POLICY.kpi(line.kpi).direction == "lower"
                    else curve.steps[-1][0]
                )
            else:
                out[line.kpi] = (
                    curve.points[-1][0]
                    if POLICY.kpi(line.kpi).direction != "lower"
                    else curve.points[0][0]
                )
    return out


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_is_appraised_from_a_plain_dict(role: str) -> None:
    a = appraise(POLICY, role=role, measurements=_on_target(role))
    assert a.complete
    assert a.score is not None
    assert a.score >= Decimal(95)
    assert a.grade == "S"
    assert sum(line.effective_weight for line in a.lines) == 100
    assert all(line.status == "scored" for line in a.lines)
    assert a.explain("zh-Hans").count("\n") > 10
