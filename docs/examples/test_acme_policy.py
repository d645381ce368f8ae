"""ACME Pharma's tests of its appraisal policy: an example a company can copy.

Keep this file next to your policy document and run it with pytest in your CI, so that
every change to the policy is checked before anyone is appraised with it:

* the policy passes ``check_policy`` (golden ``[[examples]]`` reproduce, no responsibility
  left unmeasured, no grade out of reach, the compliance profile holds);
* properties hold for any inputs (hypothesis strategies from ``medsales.testing``);
* a few what-if questions the sales director asked have the answers she was told.

See docs/testing-policies.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import medsales
from medsales.analysis.check import CN_MEDICAL_REPRESENTATIVE_2020, check_policy
from medsales.analysis.whatif import min_actual_for_grade
from medsales.testing import assert_policy_invariants, incidents, measurements

# In your repository: POLICY = medsales.load_policy("policy/acme-2026.toml")
ACME_TOML = """
id = "acme-2026"
version = "2026.1"
name = { en = "ACME Pharma sales appraisal", zh-Hans = "ACME 医药销售考核" }
max_deduction = 30
max_score = 120

[department]
id = "medical_sales"
name = { en = "Medical Sales Department", zh-Hans = "医疗行业销售部" }
[[department.responsibilities]]
id = "sales_target_achievement"
name = { en = "Sales target achievement", zh-Hans = "销售目标达成" }
[[department.responsibilities]]
id = "customer_relationship"
name = { en = "Customer relationship maintenance", zh-Hans = "客户关系维护" }

[[roles]]
id = "medical_representative"
name = { en = "Medical Representative", zh-Hans = "医药代表" }
[[roles.responsibilities]]
id = "academic_promotion"
name = { en = "Academic promotion", zh-Hans = "学术推广" }

[[roles]]
id = "key_account_manager"
name = { en = "Key Account Manager", zh-Hans = "大客户经理" }
[[roles.responsibilities]]
id = "personal_sales_target"
name = { en = "Personal sales target", zh-Hans = "个人销售目标" }

[[conduct_rules]]
id = "integrity"
name = { en = "Integrity", zh-Hans = "诚信原则" }
consequences.minor = { deduct = 5 }
consequences.major = { deduct = 15, grade_cap = "C" }
consequences.critical = { veto = true }

[[kpis]]
id = "sales_revenue"
name = { en = "Sales revenue", zh-Hans = "销售额" }
unit = "currency"
measures = ["sales_target_achievement", "key_account_manager.personal_sales_target"]

[[kpis]]
id = "academic_events"
name = { en = "Academic events held", zh-Hans = "学术活动场次" }
unit = "count"
measures = ["medical_representative.academic_promotion"]

[[kpis]]
id = "customer_satisfaction"
name = { en = "Customer satisfaction", zh-Hans = "客户满意度" }
unit = "percent"
measures = ["customer_relationship"]

[[kpis]]
id = "compliance_audit"
name = { en = "Compliance audit score", zh-Hans = "合规审计得分" }
unit = "score"
measures = ["integrity"]

[[grades]]
id = "S"
min = 95
coefficient = 1.5
[[grades]]
id = "A"
min = 85
coefficient = 1.2
[[grades]]
id = "B"
min = 70
coefficient = 1.0
[[grades]]
id = "C"
min = 60
coefficient = 0.8
[[grades]]
id = "D"
min = 0
coefficient = 0

# A medical representative (医药代表) carries no sales task: academic promotion instead.
[[scorecards]]
role = "medical_representative"
[[scorecards.lines]]
kpi = "academic_events"
weight = 50
basis = "attainment"
curve = { type = "piecewise", points = [[0.5, 50], [1, 100], [1.5, 120]], below = 0 }
[[scorecards.lines]]
kpi = "customer_satisfaction"
weight = 30
basis = "value"
curve = { type = "piecewise", points = [[60, 60], [90, 100], [100, 110]], below = 0 }
[[scorecards.lines]]
kpi = "compliance_audit"
weight = 20
basis = "value"
curve = { type = "scale", min = 0, max = 100 }

[[scorecards]]
role = "key_account_manager"
[[scorecards.lines]]
kpi = "sales_revenue"
weight = 60
basis = "attainment"
curve = { type = "linear", floor = 0.6, cap = 1.2 }
missing = "error"
[[scorecards.lines]]
kpi = "customer_satisfaction"
weight = 25
basis = "value"
curve = { type = "piecewise", points = [[60, 60], [90, 100], [100, 110]], below = 0 }
[[scorecards.lines]]
kpi = "compliance_audit"
weight = 15
basis = "value"
curve = { type = "scale", min = 0, max = 100 }

# Golden cases, worked by hand: 100 × 50 % + 100 × 30 % + 95 × 20 % = 99
[[examples]]
name = "medical representative on plan"
role = "medical_representative"
expect = { score = "99.00", grade = "S" }
[examples.measurements]
academic_events = { actual = 12, target = 12 }
customer_satisfaction = { actual = 90 }
compliance_audit = { actual = 95 }

# 90 × 60 % + 86.666… × 25 % + 90 × 15 % = 89.1666… → 89.17
[[examples]]
name = "key account manager below plan"
role = "key_account_manager"
expect = { score = "89.17", grade = "A" }
[examples.measurements]
sales_revenue = { actual = 900000, target = 1000000 }
customer_satisfaction = { actual = 80 }
compliance_audit = { actual = 90 }

# 89.1666… − 15 = 74.17: B by the score, capped at C
[[examples]]
name = "key account manager with a major integrity breach"
role = "key_account_manager"
incidents = [{ rule = "integrity", severity = "major" }]
expect = { score = "74.17", grade = "C", vetoed = false }
[examples.measurements]
sales_revenue = { actual = 900000, target = 1000000 }
customer_satisfaction = { actual = 80 }
compliance_audit = { actual = 90 }

[[examples]]
name = "medical representative on plan who hid an adverse reaction (veto)"
role = "medical_representative"
incidents = [{ rule = "integrity", severity = "critical" }]
expect = { score = "99.00", grade = "D", vetoed = true }
[examples.measurements]
academic_events = { actual = 12, target = 12 }
customer_satisfaction = { actual = 90 }
compliance_audit = { actual = 95 }
"""

POLICY = medsales.loads_policy(ACME_TOML)
ROLES = [card.role for card in POLICY.scorecards]


def test_the_policy_holds_the_engines_invariants() -> None:
    assert_policy_invariants(POLICY, max_examples=10)


def test_the_policy_passes_its_checks() -> None:
    findings = check_policy(POLICY, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    assert [str(f) for f in findings if f.severity != "info"] == []
    assert len(POLICY.examples) == 4  # every golden case was run by check_policy


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_scores_stay_within_bounds(data: st.DataObject) -> None:
    role = data.draw(st.sampled_from(ROLES))
    a = medsales.appraise(
        POLICY,
        role=role,
        measurements=data.draw(measurements(POLICY, role)),
        incidents=data.draw(incidents(POLICY)),
    )
    if a.complete:
        assert a.score is not None
        assert Decimal(0) <= a.score <= Decimal(120)
        assert a.grade in POLICY.grades_by_id


@settings(max_examples=40, deadline=None)
@given(m=measurements(POLICY, "key_account_manager"))
def test_more_sales_never_lowers_the_score(m: dict[str, Any]) -> None:
    sales = m["sales_revenue"]
    if sales.get("applicable") is False:
        return
    more = {**sales, "actual": Decimal(str(sales["actual"])) + 1000}
    before = medsales.appraise(POLICY, role="key_account_manager", measurements=m)
    after = medsales.appraise(
        POLICY, role="key_account_manager", measurements={**m, "sales_revenue": more}
    )
    assert after.score is not None
    assert before.score is not None
    assert after.score >= before.score


def test_what_a_key_account_manager_needs_for_an_a() -> None:
    kam = {
        "sales_revenue": {"actual": 800_000, "target": 1_000_000},
        "customer_satisfaction": 80,
        "compliance_audit": 90,
    }
    answer = min_actual_for_grade(
        POLICY, role="key_account_manager", measurements=kam, kpi="sales_revenue", grade="A"
    )
    # the others give 21.666… + 13.5; A needs 84.995: sales points (84.995 − 35.1666…) / 60 %
    assert answer.reachable
    assert answer.score_at == Decimal("85.00")
    assert round(answer.actual or 0) == 830_472
    assert "sales_revenue of at least" in answer.message
