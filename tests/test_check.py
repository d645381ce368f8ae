"""``medsales.analysis.check``: golden examples, coverage, reachable grades, lines, distribution and
the compliance profile — each kind of finding on a small policy built for it."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import BASE, build, one_line
from medsales import Policy, PolicyError, appraise, default_policy, dump_policy, load_policy
from medsales.analysis.check import (
    CN_MEDICAL_REPRESENTATIVE_2020,
    PROFILES,
    Finding,
    check_policy,
    is_medical_representative,
    score_bounds,
)
from medsales.testing import measurements, policies

EXAMPLE_INPUT = {
    "sales": {"actual": 1_100_000, "target": 1_000_000},
    "csat": {"actual": 85, "target": 90},
    "new_accounts": {"actual": 3, "target": 5},
    "teamwork": {"actual": 90, "target": 100},
}


def doc(**overrides: Any) -> dict[str, Any]:
    """The base test policy as a plain document, top-level keys replaced."""
    out = copy.deepcopy(BASE)
    out.update(copy.deepcopy(overrides))
    return out


def codes(findings: tuple[Finding, ...], severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


def only(findings: tuple[Finding, ...], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# --- the default policy ------------------------------------------------------------------


def test_default_policy_has_no_error_and_no_warning() -> None:
    findings = check_policy(default_policy())
    assert codes(findings, "error") == []
    assert codes(findings, "warning") == []
    # the one gap: no KPI evidences integrity, which acts only through incidents
    assert [(f.code, f.path) for f in findings] == [("conduct_rule_unmeasured", "conduct_rules[0]")]
    assert "'integrity'" in findings[0].message


def test_every_golden_example_of_the_default_policy_is_checked() -> None:
    data = json.loads(dump_policy(default_policy(), "json"))
    assert len(data["examples"]) == 10
    for example in data["examples"]:
        example["expect"]["score"] = str(Decimal(example["expect"]["score"]) + Decimal("0.01"))
    findings = check_policy(load_policy(data))
    errors = only(findings, "example_mismatch")
    assert [f.path for f in errors] == [f"examples[{i}]" for i in range(10)]
    assert all(f.severity == "error" for f in errors)


def test_default_policy_score_bounds() -> None:
    policy = default_policy()
    rep = score_bounds(policy, "sales_representative")
    # every line present: 50×120 + 20×(0.6×110 + 0.4×100) + 20×(0.5×120 + 0.3×100 +
    # 0.2×100) + 10×100, over 100
    assert rep.high_all_lines == Fraction("113.2")
    assert rep.high == 120  # sales alone, capped at 1.2; also max_score
    assert rep.low == rep.low_all_lines == 0
    after_sales = score_bounds(policy, "after_sales_specialist")
    assert after_sales.high == 110


# --- golden examples ------------------------------------------------------------------


def test_a_wrong_golden_example_is_an_error_naming_it() -> None:
    policy = build(
        examples=[
            {
                "name": "on plan",
                "role": "rep",
                "measurements": EXAMPLE_INPUT,
                "expect": {"score": "94.89", "grade": "A"},
            },
            {
                "name": "wrongly expected S",
                "role": "rep",
                "measurements": EXAMPLE_INPUT,
                "expect": {"score": "94.90", "grade": "S", "vetoed": True, "complete": False},
            },
        ]
    )
    [finding] = only(check_policy(policy), "example_mismatch")
    assert finding.severity == "error"
    assert finding.path == "examples[1]"
    assert "'wrongly expected S'" in finding.message
    assert "score 94.90, got 94.89" in finding.message
    assert "grade S, got A" in finding.message
    assert "vetoed true, got false" in finding.message
    assert "complete false, got true" in finding.message


def test_a_golden_example_that_cannot_be_appraised_is_an_error() -> None:
    bad = {**EXAMPLE_INPUT, "sales": {"actual": 1_100_000}}  # attainment without target
    policy = build(
        examples=[{"name": "no target", "role": "rep", "measurements": bad, "expect": {}}]
    )
    [finding] = only(check_policy(policy), "example_failed")
    assert finding.severity == "error"
    assert finding.path == "examples[0]"
    assert "target" in finding.message


def test_a_golden_example_with_a_veto_and_an_incomplete_case() -> None:
    policy = build(
        examples=[
            {
                "name": "veto",
                "role": "rep",
                "measurements": EXAMPLE_INPUT,
                "incidents": [{"rule": "integrity", "severity": "critical"}],
                "expect": {"score": "94.89", "grade": "D", "vetoed": True},
            },
            {"name": "empty", "role": "rep", "expect": {"complete": False}},
        ]
    )
    assert codes(check_policy(policy), "error") == []


def test_no_examples_is_information() -> None:
    [finding] = only(check_policy(build()), "no_examples")
    assert finding.severity == "info"


# --- coverage ---------------------------------------------------------------------------


def test_a_department_responsibility_no_kpi_measures_is_a_warning() -> None:
    [finding] = only(check_policy(build()), "responsibility_unmeasured")
    assert finding.severity == "warning"
    assert finding.path == "department.responsibilities[0]"
    assert "'targets'" in finding.message


def test_a_responsibility_measured_only_by_an_unused_kpi_says_so() -> None:
    kpis = copy.deepcopy(BASE["kpis"])
    kpis.append({"id": "idle", "name": {"en": "Idle"}, "unit": "count", "measures": ["targets"]})
    kpis[0]["measures"] = ["integrity"]
    findings = check_policy(build(kpis=kpis))
    [finding] = only(findings, "responsibility_unmeasured")
    assert "only idle measures it, and no scorecard uses them" in finding.message
    assert [f.path for f in only(findings, "kpi_unused")] == ["kpis[4]", "kpis[6]"]  # days, idle
    assert only(findings, "conduct_rule_unmeasured")[0].path == "conduct_rules[1]"  # teamwork


def test_measured_responsibilities_and_rules_give_no_finding() -> None:
    kpis = copy.deepcopy(BASE["kpis"])
    kpis[0]["measures"] = ["targets", "integrity", "teamwork"]
    findings = check_policy(build(kpis=kpis))
    assert only(findings, "responsibility_unmeasured") == []
    assert only(findings, "conduct_rule_unmeasured") == []


def test_a_role_responsibility_needs_a_kpi_on_its_own_scorecard() -> None:
    roles = copy.deepcopy(BASE["roles"])
    roles[0]["responsibilities"] = [{"id": "quota", "name": {"en": "Quota"}}]
    roles[1]["responsibilities"] = [{"id": "plan", "name": {"en": "Plan"}}]
    kpis = copy.deepcopy(BASE["kpis"])
    kpis[0]["measures"] = ["targets", "rep.quota"]  # sales: on rep's card
    kpis[2]["measures"] = ["other.plan"]  # new_accounts: on rep's card only
    findings = check_policy(build(roles=roles, kpis=kpis))
    [finding] = only(findings, "responsibility_unmeasured")
    assert finding.severity == "warning"
    assert finding.path == "roles[1].responsibilities[0]"
    assert "'other.plan'" in finding.message
    assert "KPI new_accounts measures it but is not on this role's scorecard" in finding.message


def test_a_role_without_scorecard_is_a_warning() -> None:
    roles = [*copy.deepcopy(BASE["roles"]), {"id": "director", "name": {"en": "Director"}}]
    [finding] = only(check_policy(build(roles=roles)), "role_without_scorecard")
    assert finding.severity == "warning"
    assert finding.path == "roles[2]"


def test_a_team_roll_up_source_counts_as_used() -> None:
    kpis = copy.deepcopy(BASE["kpis"])
    kpis.append({"id": "own", "name": {"en": "Own"}, "unit": "currency", "measures": ["targets"]})
    kpis.append(
        {
            "id": "team",
            "name": {"en": "Team"},
            "unit": "currency",
            "derive": {"from": "team", "kpi": "own"},
        }
    )
    cards = copy.deepcopy(BASE["scorecards"])
    cards[1]["sections"][0]["lines"][1]["kpi"] = "team"
    findings = check_policy(build(kpis=kpis, scorecards=cards))
    assert only(findings, "responsibility_unmeasured") == []
    # days and forecast are on no card; own feeds the team roll-up
    assert [f.path for f in only(findings, "kpi_unused")] == ["kpis[4]", "kpis[5]"]


# --- grades ------------------------------------------------------------------------------


def grades(*mins: int | str) -> list[dict[str, Any]]:
    return [{"id": gid, "min": m} for gid, m in zip("SABCD", mins, strict=False)]


def test_a_grade_above_every_maximum_is_unreachable() -> None:
    policy = one_line(
        {"type": "linear", "cap": 1.2}, basis="attainment", grades=grades(130, 85, 70, 60, 0)
    )
    findings = check_policy(policy)
    [finding] = only(findings, "grade_unreachable")
    assert finding.severity == "warning"
    assert finding.path == "grades[0]"
    assert "highest score any scorecard can give is 120.00" in finding.message


def test_reachability_uses_the_rounded_score() -> None:
    curve = {"type": "linear", "cap": "0.84995"}  # at best 84.995: rounds half up to 85.00
    policy = one_line(curve, basis="attainment")
    assert [f.path for f in only(check_policy(policy), "grade_unreachable")] == ["grades[0]"]
    down = one_line(curve, basis="attainment", rounding="down")  # 84.99: A out of reach too
    assert [f.path for f in only(check_policy(down), "grade_unreachable")] == [
        "grades[0]",
        "grades[1]",
    ]


def test_max_score_limits_what_can_be_reached() -> None:
    policy = one_line({"type": "linear"}, basis="attainment", max_score=90)
    assert [f.path for f in only(check_policy(policy), "grade_unreachable")] == ["grades[0]"]
    assert only(check_policy(policy), "score_unbounded") == []


def test_an_uncapped_linear_line_without_max_score_is_unbounded() -> None:
    policy = one_line({"type": "linear", "floor": 0.5}, basis="attainment")
    [finding] = only(check_policy(policy), "score_unbounded")
    assert finding.severity == "info"
    assert finding.path == "scorecards[0].lines[0]"
    assert only(check_policy(policy), "grade_unreachable") == []
    assert score_bounds(policy, "rep").high is None


def test_a_target_kpi_on_attainment_never_passes_x_1() -> None:
    # x = 1 - |actual/target - 1| is at most 1: the cap 1.2 is never used
    curve = {"type": "linear", "cap": 1.2}
    policy = one_line(
        curve,
        basis="attainment",
        kpi="forecast",
        direction="target",
        grades=grades(110, 85, 70, 60, 0),
    )
    assert score_bounds(policy, "rep").high == 100
    assert [f.path for f in only(check_policy(policy), "grade_unreachable")] == ["grades[0]"]


def test_a_lower_kpi_on_attainment_of_a_count_stays_below_x_2() -> None:
    # days are never negative, so x = 2 - actual/target is at most 2
    policy = one_line({"type": "linear"}, basis="attainment", kpi="days", direction="lower")
    assert score_bounds(policy, "rep").high == 200
    assert only(check_policy(policy), "score_unbounded") == []


def test_a_grade_one_role_cannot_reach_is_information_for_that_role() -> None:
    cards = [
        {
            "role": "rep",
            "lines": [
                {
                    "kpi": "sales",
                    "weight": 100,
                    "basis": "attainment",
                    "curve": {"type": "linear", "cap": 1.2},
                }
            ],
        },
        {
            "role": "other",
            "lines": [
                {
                    "kpi": "sales",
                    "weight": 100,
                    "basis": "attainment",
                    "curve": {"type": "linear", "cap": 0.9},
                }
            ],
        },
    ]
    findings = check_policy(build(scorecards=cards))
    assert only(findings, "grade_unreachable") == []
    [finding] = only(findings, "grade_unreachable_for_role")
    assert finding.severity == "info"
    assert finding.path == "scorecards[1]"
    assert "at most 90.00" in finding.message
    assert "never reach grade S" in finding.message


def test_a_grade_reached_only_when_lines_drop_out() -> None:
    lines = [
        {
            "kpi": "sales",
            "weight": 50,
            "basis": "attainment",
            "curve": {"type": "linear", "cap": 1.2},
        },
        {
            "kpi": "csat",
            "weight": 50,
            "basis": "value",
            "curve": {"type": "steps", "steps": [[90, 50]]},
        },
    ]
    policy = build(scorecards=[{"role": "rep", "lines": lines}])
    bounds = score_bounds(policy, "rep")
    assert (bounds.high_all_lines, bounds.high) == (85, 120)
    [finding] = only(check_policy(policy), "grade_needs_dropped_lines")
    assert finding.path == "scorecards[0]"
    assert "scores at most 85.00" in finding.message
    assert "grade S is reached only when" in finding.message


def test_a_band_everyone_reaches_cannot_be_missed() -> None:
    curve = {"type": "steps", "steps": [[1, 100]], "below": 65}
    findings = check_policy(one_line(curve, basis="attainment"))
    [finding] = only(findings, "grade_unmissable")
    assert finding.severity == "warning"
    assert finding.path == "grades[3]"  # C, min 60: everyone scores 65 or more
    assert "grade D is given only by a conduct" in finding.message


def test_a_best_band_everyone_reaches() -> None:
    curve = {"type": "piecewise", "points": [[0, 96], [1, 110]]}  # below = 96
    [finding] = only(check_policy(one_line(curve, basis="attainment")), "grade_unmissable")
    assert finding.path == "grades[0]"
    assert "grade A, B, C, D is given only" in finding.message


def test_a_missing_zero_line_can_always_score_0() -> None:
    curve = {"type": "steps", "steps": [[1, 100]], "below": 65}
    policy = one_line(curve, basis="attainment", line={"missing": "zero"})
    assert score_bounds(policy, "rep").low == 0
    assert only(check_policy(policy), "grade_unmissable") == []


def test_a_floor_for_one_role_is_information() -> None:
    cards = copy.deepcopy(BASE["scorecards"])
    cards[0] = {
        "role": "rep",
        "lines": [
            {
                "kpi": "sales",
                "weight": 100,
                "basis": "attainment",
                "curve": {"type": "steps", "steps": [[1, 100]], "below": 75},
            }
        ],
    }
    findings = check_policy(build(scorecards=cards))
    assert only(findings, "grade_unmissable") == []
    [finding] = only(findings, "grade_unmissable_for_role")
    assert finding.path == "scorecards[0]"
    assert "scores at least 75.00" in finding.message
    assert "grade 'B'" in finding.message


def test_a_single_band_or_a_last_band_above_0_gives_no_grade_finding() -> None:
    single = build(grades=[{"id": "P", "min": 0}], conduct_rules=None)
    assert [c for c in codes(check_policy(single)) if c.startswith("grade_")] == []
    above_zero = build(grades=grades(95, 85, 70, 60, 10))  # a score of 0 still gets E
    assert [c for c in codes(check_policy(above_zero)) if c.startswith("grade_")] == []


# --- lines -------------------------------------------------------------------------------


def test_a_line_whose_points_never_change_is_a_warning() -> None:
    lines = copy.deepcopy(BASE["scorecards"][0]["lines"])
    lines[3]["curve"] = {"type": "steps", "steps": [[0.5, 80]], "below": 80}
    policy = build(scorecards=[{"role": "rep", "lines": lines}, BASE["scorecards"][1]])
    [finding] = only(check_policy(policy), "line_never_changes_score")
    assert finding.severity == "warning"
    assert finding.path == "scorecards[0].lines[3]"
    assert "80 points whatever the actual" in finding.message


def test_a_line_too_light_to_matter_rarely_changes_the_grade() -> None:
    lines = copy.deepcopy(BASE["scorecards"][0]["lines"])
    lines[0]["weight"] = "59.5"
    lines[3]["weight"] = "0.5"  # 0.5 × 100 points = 0.5 < 10 / 10
    lines[1]["weight"] = 20
    lines[2]["weight"] = 20
    policy = build(scorecards=[{"role": "rep", "lines": lines}, BASE["scorecards"][1]])
    findings = check_policy(policy)
    [finding] = only(findings, "line_rarely_changes_grade")
    assert finding.severity == "info"
    assert finding.path == "scorecards[0].lines[3]"
    assert "at most 0.6 points" in finding.message  # 0.5 % of 120 points
    # a tenth of the narrowest band is the line: 1 point exactly is not "rarely"
    lines[0]["weight"], lines[3]["weight"] = "59.1666", "0.8334"
    heavier = build(scorecards=[{"role": "rep", "lines": lines}, BASE["scorecards"][1]])
    assert only(check_policy(heavier), "line_rarely_changes_grade") == []


def test_section_paths_name_the_section() -> None:
    cards = copy.deepcopy(BASE["scorecards"])
    cards[1]["sections"][1]["lines"][0]["curve"] = {
        "type": "steps",
        "steps": [[1, 50]],
        "below": 50,
    }
    [finding] = only(check_policy(build(scorecards=cards)), "line_never_changes_score")
    assert finding.path == "scorecards[1].sections[1].lines[0]"


# --- distribution ------------------------------------------------------------------------


def test_an_exact_share_too_small_for_any_team_is_a_warning() -> None:
    shares = {"S": "0.01", "A": "0.19", "B": "0.5", "C": "0.2", "D": "0.1"}
    policy = build(distribution={"mode": "exact", "shares": shares})
    [finding] = only(check_policy(policy), "share_unmet")
    assert finding.severity == "warning"
    assert finding.path == "distribution.shares.S"
    assert "no place in any cohort of up to 20 people" in finding.message
    assert "the first place comes at a cohort of" in finding.message


def test_a_cap_share_on_the_lowest_grade_means_nothing() -> None:
    policy = build(distribution={"mode": "cap", "shares": {"S": "0.1", "D": "0.1"}})
    [finding] = only(check_policy(policy), "share_on_lowest_grade")
    assert finding.severity == "warning"
    assert finding.path == "distribution.shares.D"
    assert only(check_policy(policy), "share_unmet") == []


def test_cap_shares_totalling_1_leave_no_rest() -> None:
    policy = build(distribution={"mode": "cap", "shares": {"S": "0.2", "A": "0.8"}})
    [finding] = only(check_policy(policy), "no_rest_share")
    assert finding.severity == "info"
    partial = build(distribution={"mode": "cap", "shares": {"S": "0.2", "A": "0.3"}})
    assert only(check_policy(partial), "no_rest_share") == []


def test_a_zero_share_closes_a_grade() -> None:
    policy = build(distribution={"mode": "cap", "shares": {"S": 0, "A": "0.3"}})
    [finding] = only(check_policy(policy), "share_zero")
    assert finding.severity == "info"
    assert finding.path == "distribution.shares.S"
    assert codes(check_policy(policy), "warning") == ["responsibility_unmeasured"]


# --- the compliance profile --------------------------------------------------------------


def medrep_policy(*, role_id: str = "medical_representative", name: str = "Rep") -> Policy:
    roles = [{"id": role_id, "name": {"en": name}}, {"id": "manager", "name": {"en": "Manager"}}]
    kpis = copy.deepcopy(BASE["kpis"])
    kpis.append({"id": "sales_revenue", "name": {"en": "Sales revenue"}, "unit": "currency"})
    kpis.append(
        {
            "id": "team_sales_revenue",
            "name": {"en": "Team sales"},
            "unit": "currency",
            "derive": {"from": "team", "kpi": "sales_revenue"},
        }
    )
    linear = {"type": "linear", "floor": 0.6, "cap": 1.2}
    rep_lines = [
        {"kpi": "sales_revenue", "weight": 60, "basis": "attainment", "curve": linear},
        {"kpi": "csat", "weight": 40, "basis": "attainment", "curve": linear},
    ]
    manager_lines = [
        {"kpi": "team_sales_revenue", "weight": 60, "basis": "attainment", "curve": linear},
        {"kpi": "sales_revenue", "weight": 40, "basis": "attainment", "curve": linear},
    ]
    return build(
        roles=roles,
        kpis=kpis,
        scorecards=[
            {"role": role_id, "lines": rep_lines},
            {"role": "manager", "lines": manager_lines},
        ],
    )


def test_the_profile_is_listed() -> None:
    assert CN_MEDICAL_REPRESENTATIVE_2020 == "cn-medical-representative-2020"
    assert "医药代表备案管理办法" in PROFILES[CN_MEDICAL_REPRESENTATIVE_2020]
    assert "2020-12-01" in PROFILES[CN_MEDICAL_REPRESENTATIVE_2020]


def test_a_medical_representative_with_a_sales_line_is_an_error() -> None:
    policy = medrep_policy()
    assert codes(check_policy(policy), "error") == []  # only with the profile
    findings = check_policy(policy, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    [finding] = only(findings, "cn_medrep_sales_task")
    assert finding.severity == "error"
    assert finding.path == "scorecards[0].lines[0]"  # not the manager's lines
    assert "医药代表不得承担药品销售任务" in finding.message
    assert "article 10" in finding.message
    assert findings[0] == finding  # errors come first


def test_a_medical_representative_is_known_by_its_label() -> None:
    for name in ("医药代表", "醫藥代表", "Senior Medical Representative"):
        policy = medrep_policy(role_id="rep", name=name)
        assert is_medical_representative(policy, "rep")
        found = check_policy(policy, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
        assert [f.path for f in only(found, "cn_medrep_sales_task")] == ["scorecards[0].lines[0]"]
    plain = medrep_policy(role_id="rep", name="Sales Representative")
    assert not is_medical_representative(plain, "rep")
    found = check_policy(plain, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    assert only(found, "cn_medrep_sales_task") == []
    assert [f.code for f in found if f.code.startswith("cn_")] == ["cn_medrep_no_role"]


def test_a_medical_representative_without_a_sales_line_passes() -> None:
    policy = medrep_policy()
    data = json.loads(dump_policy(policy, "json"))
    data["scorecards"][0]["lines"] = [data["scorecards"][0]["lines"][1]]
    data["scorecards"][0]["lines"][0]["weight"] = 100
    found = check_policy(load_policy(data), profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    assert codes(found, "error") == []
    assert [f.code for f in found if f.code.startswith("cn_")] == []


def test_the_default_policy_has_no_medical_representative() -> None:
    found = check_policy(default_policy(), profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    assert codes(found, "error") == []
    assert only(found, "cn_medrep_no_role")[0].severity == "info"


def test_an_unknown_profile_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="unknown compliance profile 'us-hipaa'") as info:
        check_policy(build(), profiles=["us-hipaa"])
    assert info.value.path == "profiles"
    assert CN_MEDICAL_REPRESENTATIVE_2020 in str(info.value)


# --- findings ----------------------------------------------------------------------------


def test_findings_are_ordered_by_severity_and_deterministic() -> None:
    policy = medrep_policy()
    first = check_policy(policy, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    assert first == check_policy(policy, profiles=[CN_MEDICAL_REPRESENTATIVE_2020])
    ranks = [("error", "warning", "info").index(f.severity) for f in first]
    assert ranks == sorted(ranks)
    assert set(codes(first)) >= {"cn_medrep_sales_task", "responsibility_unmeasured"}


def test_a_finding_as_data_and_text() -> None:
    finding = Finding("warning", "grade_unreachable", "grades[0]", "no one can reach 'S'")
    assert finding.to_dict() == {
        "severity": "warning",
        "code": "grade_unreachable",
        "path": "grades[0]",
        "message": "no one can reach 'S'",
    }
    assert str(finding) == "warning [grade_unreachable] grades[0]: no one can reach 'S'"


# --- properties --------------------------------------------------------------------------


@given(data=st.data())
def test_every_score_lies_within_the_bounds(data: st.DataObject) -> None:
    policy = data.draw(policies(max_roles=2, max_kpis=5, allow_non_monotonic=True))
    role = data.draw(st.sampled_from([card.role for card in policy.scorecards]))
    bounds = score_bounds(policy, role)
    a = appraise(policy, role=role, measurements=data.draw(measurements(policy, role)))
    if a.exact_score is None:
        return
    assert bounds.low <= a.exact_score
    assert bounds.low <= bounds.low_all_lines
    if bounds.high is not None:
        assert a.exact_score <= bounds.high
        assert bounds.high_all_lines is not None
        assert bounds.high_all_lines <= bounds.high


@given(policy=policies(allow_non_monotonic=True))
def test_check_policy_accepts_any_valid_policy(policy: Policy) -> None:
    findings = check_policy(policy, profiles=list(PROFILES))
    assert findings == check_policy(policy, profiles=list(PROFILES))
    ranks = [("error", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
    assert all(f.code and f.message for f in findings)
