"""The hypothesis strategies of ``medsales.testing``: valid by construction, and varied."""

from __future__ import annotations

import contextlib
import datetime
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

import medsales
from medsales import Policy, UnknownRoleError, appraise, load_policy
from medsales.policy.models import (
    KPI,
    SEVERITIES,
    Line,
    LinearCurve,
    PiecewiseCurve,
    ScaleCurve,
    StepsCurve,
)
from medsales.testing import incidents, measurements, policies, policy_documents

T = TypeVar("T")

_FIND = settings(
    max_examples=1000,
    database=None,
    deadline=None,
    phases=[Phase.generate],  # the first example found is enough: shrinking one is slow
    suppress_health_check=list(HealthCheck),
)


def unreached(
    strategy: st.SearchStrategy[T], features: Mapping[str, Callable[[T], bool]]
) -> set[str]:
    """The features that no generated value shows, generating until every one was seen."""
    missing = set(features)

    def seen_all(value: T) -> bool:
        missing.difference_update([name for name in missing if features[name](value)])
        return not missing

    with contextlib.suppress(NoSuchExample):
        find(strategy, seen_all, settings=_FIND)
    return missing


def lines_of(policy: Policy, role: str) -> list[Line]:
    return [line for s in policy.scorecard(role).effective_sections for line in s.lines]


def all_lines(policy: Policy) -> list[tuple[KPI, Line]]:
    return [
        (policy.kpi(line.kpi), line)
        for card in policy.scorecards
        for line in lines_of(policy, card.role)
    ]


# --- an independent bound on a line's points -------------------------------------------------


def _x(line: Line, kpi: KPI, m: Mapping[str, Any]) -> Fraction:
    actual = Fraction(medsales.to_decimal(m["actual"]))
    if line.basis == "value":
        return actual
    ratio = actual / Fraction(medsales.to_decimal(m["target"]))
    if kpi.direction == "higher":
        return ratio
    if kpi.direction == "lower":
        return max(Fraction(0), 2 - ratio)
    return max(Fraction(0), 1 - abs(ratio - 1))


def most_points(line: Line, kpi: KPI, m: Mapping[str, Any]) -> Fraction:
    """The most points the line can give for this measurement, from the curve alone."""
    curve = line.curve
    if isinstance(curve, ScaleCurve):
        return Fraction(100)
    if isinstance(curve, StepsCurve | PiecewiseCurve):
        pairs = curve.steps if isinstance(curve, StepsCurve) else curve.points
        candidates = [Fraction(p) for _, p in pairs]
        if curve.below is not None:
            candidates.append(Fraction(curve.below))
        return max(candidates)
    assert isinstance(curve, LinearCurve)
    x = _x(line, kpi, m)
    if curve.floor is not None and x < curve.floor:
        return Fraction(0)
    if curve.cap is not None:
        x = min(x, Fraction(curve.cap))
    return Fraction(curve.multiplier) * x


@st.composite
def appraisal_inputs(
    draw: st.DrawFn,
) -> tuple[Policy, str, dict[str, dict[str, Any]], list[dict[str, Any]]]:
    policy = draw(policies(allow_non_monotonic=True))
    role = draw(st.sampled_from([card.role for card in policy.scorecards]))
    return policy, role, draw(measurements(policy, role)), draw(incidents(policy))


@given(appraisal_inputs())
def test_appraise_accepts_every_generated_input_and_stays_within_bounds(
    inputs: tuple[Policy, str, dict[str, dict[str, Any]], list[dict[str, Any]]],
) -> None:
    policy, role, measured, incident_list = inputs
    result = appraise(policy, role=role, measurements=measured, incidents=incident_list)

    lines = lines_of(policy, role)
    assert [line.kpi for line in result.lines] == [line.kpi for line in lines]
    counted = []
    for line in lines:
        m = measured.get(line.kpi)
        if m is None:
            assert (line.missing or policy.missing) != "error"  # never left out
            if (line.missing or policy.missing) == "zero":
                counted.append(Fraction(0))
        elif m.get("applicable", True):
            counted.append(most_points(line, policy.kpi(line.kpi), m))

    assert result.complete == bool(counted)
    if not result.complete:
        assert result.score is None
        assert result.grade is None
        return
    assert result.exact_score is not None
    assert result.score is not None
    bound = max(max(counted), Fraction(0))
    if policy.max_score is not None:
        bound = min(bound, Fraction(policy.max_score))
    assert 0 <= result.exact_score <= bound
    assert abs(Fraction(result.score) - result.exact_score) < Fraction(1, 10**policy.score_places)
    assert result.score.as_tuple().exponent == -policy.score_places
    assert result.grade in policy.grades_by_id
    assert result.coefficient == policy.grades_by_id[result.grade].coefficient
    assert result.to_dict()["score"] == format(result.score, "f")


@pytest.mark.parametrize("role", [r.id for r in medsales.default_policy().roles])
@settings(max_examples=25)
@given(data=st.data())
def test_measurements_fit_the_default_policy(role: str, data: st.DataObject) -> None:
    policy = medsales.default_policy()
    measured = data.draw(measurements(policy, role, allow_missing=False))
    assert set(measured) == {line.kpi for line in lines_of(policy, role)}
    result = appraise(
        policy, role=role, measurements=measured, incidents=data.draw(incidents(policy))
    )
    assert result.complete == any(m.get("applicable", True) for m in measured.values())


# --- what the generated documents promise ------------------------------------------------------


@given(policy_documents())
def test_generated_documents_load_and_keep_their_promises(document: dict[str, Any]) -> None:
    policy = load_policy(document)
    assert sorted(card.role for card in policy.scorecards) == sorted(r.id for r in policy.roles)
    for card in policy.scorecards:
        sections = card.effective_sections
        assert sum(card.section_shares) == 100
        for section in sections:
            assert sum(section.line_shares) == 100
            for line in section.lines:
                assert line.weight is None or line.weight % Decimal("0.5") == 0
    mins = [g.min for g in policy.grades]
    assert mins == sorted(mins, reverse=True)
    assert len(set(mins)) == len(mins)
    coefficients = [g.coefficient for g in policy.grades]
    if coefficients[0] is not None:
        assert all(c is not None for c in coefficients)
        assert coefficients == sorted(coefficients, reverse=True)  # type: ignore[type-var]
        assert len(set(coefficients)) == len(coefficients)
    assert 0 <= policy.score_places <= 4
    for kpi, line in all_lines(policy):
        assert not line.allow_non_monotonic  # only on request
        if isinstance(line.curve, ScaleCurve):
            assert line.basis == "value"
            assert kpi.direction != "lower"
        if isinstance(line.curve, LinearCurve):
            assert not (line.basis == "value" and kpi.direction == "lower")


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return (
        [value] if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else []
    )


def _lines(predicate: Callable[[KPI, Line], bool]) -> Callable[[Policy], bool]:
    return lambda policy: any(predicate(kpi, line) for kpi, line in all_lines(policy))


FEATURES: dict[str, Callable[[Policy], bool]] = {
    "flat lines": lambda p: any(c.lines is not None for c in p.scorecards),
    "sections": lambda p: any(c.sections is not None and len(c.sections) > 1 for c in p.scorecards),
    "linear": _lines(lambda k, line: line.curve.type == "linear"),
    "linear with floor and cap": _lines(
        lambda k, line: (
            isinstance(line.curve, LinearCurve)
            and line.curve.floor is not None
            and line.curve.cap is not None
        )
    ),
    "steps": _lines(lambda k, line: line.curve.type == "steps"),
    "piecewise": _lines(lambda k, line: line.curve.type == "piecewise"),
    "scale": _lines(lambda k, line: line.curve.type == "scale"),
    "falling steps for a lower KPI on value": _lines(
        lambda k, line: (
            isinstance(line.curve, StepsCurve)
            and k.direction == "lower"
            and line.basis == "value"
            and line.curve.steps[0][1] > line.curve.steps[-1][1]
        )
    ),
    "falling piecewise for a lower KPI on value": _lines(
        lambda k, line: (
            isinstance(line.curve, PiecewiseCurve)
            and k.direction == "lower"
            and line.basis == "value"
            and line.curve.points[0][1] > line.curve.points[-1][1]
        )
    ),
    "steps with below": _lines(
        lambda k, line: isinstance(line.curve, StepsCurve) and line.curve.below > 0
    ),
    "line missing rule": _lines(lambda k, line: line.missing == "zero"),
    "half-point weights": _lines(lambda k, line: line.weight is not None and line.weight % 1 != 0),
    "equal line weights": lambda p: any(
        s.weights == "equal" for c in p.scorecards for s in c.effective_sections
    ),
    "equal section weights": lambda p: any(c.section_weights == "equal" for c in p.scorecards),
    "direction target": _lines(lambda k, line: k.direction == "target"),
    "every unit": lambda p: len({k.unit for k in p.kpis}) >= 3,
    "weighted_mean": lambda p: any(k.aggregation == "weighted_mean" for k in p.kpis),
    "measures": lambda p: any(k.measures for k in p.kpis),
    "team derive": lambda p: any(k.derive is not None and k.derive.from_ == "team" for k in p.kpis),
    "ratings derive": lambda p: any(
        k.derive is not None and k.derive.from_ == "ratings" for k in p.kpis
    ),
    "survey derive": lambda p: any(
        k.derive is not None and k.derive.from_ == "survey" for k in p.kpis
    ),
    "zh-Hans and zh-Hant": lambda p: "zh-Hans" in p.name and "zh-Hant" in p.name,
    "deduct": lambda p: any(
        c is not None and c.deduct > 0
        for r in p.conduct_rules
        for c in (r.consequences.minor, r.consequences.major, r.consequences.critical)
    ),
    "grade_cap": lambda p: any(
        c is not None and c.grade_cap is not None
        for r in p.conduct_rules
        for c in (r.consequences.minor, r.consequences.major, r.consequences.critical)
    ),
    "veto": lambda p: any(
        c is not None and c.veto
        for r in p.conduct_rules
        for c in (r.consequences.minor, r.consequences.major, r.consequences.critical)
    ),
    "several grades": lambda p: len(p.grades) >= 3,
    "coefficients": lambda p: p.grades[0].coefficient is not None,
    "max_deduction": lambda p: p.max_deduction is not None,
    "max_score": lambda p: p.max_score is not None,
    "score_places 0": lambda p: p.score_places == 0,
    "score_places 4": lambda p: p.score_places == 4,
    "fiscal_year_start 12": lambda p: p.fiscal_year_start == 12,
    "cap distribution": lambda p: p.distribution is not None and p.distribution.mode == "cap",
    "exact distribution": lambda p: p.distribution is not None and p.distribution.mode == "exact",
    "policy missing error": lambda p: p.missing == "error",
    "examples": lambda p: bool(p.examples),
    "several roles": lambda p: len(p.roles) >= 2,
}


ROUNDING = ("half_up", "half_even", "half_down", "up", "down", "ceiling", "floor")


def test_policies_reach_every_feature() -> None:
    features = dict(FEATURES)
    for mode in ROUNDING:
        features[f"rounding {mode}"] = lambda p, mode=mode: p.rounding == mode
    assert unreached(policies(), features) == set()


def test_non_monotonic_curves_only_when_asked() -> None:
    falling = {"allow_non_monotonic": _lines(lambda k, line: line.allow_non_monotonic)}
    assert unreached(policies(allow_non_monotonic=True), falling) == set()


def _doc_lines(card: dict[str, Any]) -> list[dict[str, Any]]:
    if "lines" in card:
        return list(card["lines"])
    return [line for section in card["sections"] for line in section["lines"]]


def _written(check: Callable[[Any], bool]) -> Callable[[dict[str, Any]], bool]:
    def has(doc: dict[str, Any]) -> bool:
        weights = [
            line["weight"]
            for card in doc["scorecards"]
            for line in _doc_lines(card)
            if "weight" in line
        ]
        return any(check(n) for n in _numbers(doc) + weights)

    return has


def test_documents_write_numbers_in_every_form() -> None:
    forms = {
        "Decimal": _written(lambda n: isinstance(n, Decimal)),
        "int": _written(lambda n: type(n) is int),
        "float": _written(lambda n: isinstance(n, float)),
        "string": _written(lambda n: isinstance(n, str)),
    }
    assert unreached(policy_documents(), forms) == set()


def test_measurements_vary() -> None:
    policy = medsales.default_policy()
    kpis = {line.kpi for line in lines_of(policy, "sales_representative")}
    kinds: dict[str, Callable[[dict[str, dict[str, Any]]], bool]] = {
        "not applicable": lambda ms: any(m.get("applicable") is False for m in ms.values()),
        "explicitly applicable": lambda ms: any(m.get("applicable") is True for m in ms.values()),
        "with a weight": lambda ms: any("weight" in m for m in ms.values()),
        "a float": lambda ms: any(isinstance(v, float) for m in ms.values() for v in m.values()),
        "a string": lambda ms: any(isinstance(v, str) for m in ms.values() for v in m.values()),
        "a line left out": lambda ms: set(ms) != kpis,
    }
    assert unreached(measurements(policy, "sales_representative"), kinds) == set()


def test_incidents_vary() -> None:
    policy = medsales.default_policy()
    kinds: dict[str, Callable[[list[dict[str, Any]]], bool]] = {
        "dated": lambda xs: any(isinstance(x.get("date"), datetime.date) for x in xs),
        "dated as text": lambda xs: any(isinstance(x.get("date"), str) for x in xs),
        "noted": lambda xs: any("note" in x for x in xs),
        "several": lambda xs: len(xs) >= 2,
        "none": lambda xs: not xs,
    }
    kinds.update(
        {f"severity {s}": lambda xs, s=s: any(x["severity"] == s for x in xs) for s in SEVERITIES}
    )
    assert unreached(incidents(policy), kinds) == set()


@given(st.data())
def test_incidents_name_existing_rules_and_severities(data: st.DataObject) -> None:
    policy = medsales.default_policy()
    for incident in data.draw(incidents(policy)):
        assert incident["rule"] in policy.rules_by_id
        assert incident["severity"] in SEVERITIES


# --- edge cases of the strategies -----------------------------------------------------------

_SMALL = {
    "id": "p",
    "version": "1",
    "name": {"en": "P"},
    "department": {"id": "d", "name": {"en": "D"}},
    "roles": [{"id": "rep", "name": {"en": "Rep"}}],
    "kpis": [{"id": "rating", "name": {"en": "Rating"}, "unit": "rating"}],
    "grades": [{"id": "A", "min": 0}],
    "scorecards": [
        {
            "role": "rep",
            "lines": [
                {
                    "kpi": "rating",
                    "weight": 100,
                    "basis": "value",
                    "curve": {"type": "scale", "min": "1.005", "max": "1.009"},
                }
            ],
        }
    ],
    "missing": "error",
}


@given(st.data())
def test_measurements_on_a_narrow_scale_stay_on_the_scale(data: st.DataObject) -> None:
    policy = load_policy(_SMALL)
    measured = data.draw(measurements(policy, "rep"))
    assert set(measured) == {"rating"}  # missing = "error": never left out
    m = measured["rating"]
    if m.get("applicable", True):
        assert Decimal("1.005") <= medsales.to_decimal(m["actual"]) <= Decimal("1.009")
    assert appraise(policy, role="rep", measurements=measured).complete == m.get("applicable", True)


_LINEAR_ON_VALUE = {
    **_SMALL,
    "kpis": [{"id": "calls", "name": {"en": "Calls"}, "unit": "count"}],
    "scorecards": [
        {
            "role": "rep",
            "lines": [
                {
                    "kpi": "calls",
                    "weight": 100,
                    "basis": "value",
                    "curve": {"type": "linear", "multiplier": 1, "floor": 20, "cap": 150},
                }
            ],
        }
    ],
}


@given(st.data())
def test_measurements_on_a_linear_value_line_reach_past_its_cap(data: st.DataObject) -> None:
    policy = load_policy(_LINEAR_ON_VALUE)
    m = data.draw(measurements(policy, "rep"))["calls"]
    if m.get("applicable", True):
        assert 0 <= medsales.to_decimal(m["actual"]) <= 300  # up to twice the cap
        points = appraise(policy, role="rep", measurements={"calls": m}).lines[0].points
        assert points is not None
        assert 0 <= points <= 150


@given(st.data())
def test_a_policy_without_conduct_rules_has_no_incidents(data: st.DataObject) -> None:
    assert data.draw(incidents(load_policy(_SMALL))) == []


def test_measurements_for_an_unknown_role_fail_at_once() -> None:
    with pytest.raises(UnknownRoleError, match="unknown role 'ghost'"):
        measurements(load_policy(_SMALL), "ghost")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_roles": 0}, "max_roles=0 must be at least 1"),
        ({"max_kpis": 0}, "max_kpis=0 must be at least 1"),
        ({"max_grades": 0}, "max_grades=0 must be at least 1"),
        ({"max_sections": 0}, "max_sections=0 must be at least 1"),
        ({"max_lines": 0}, "max_lines=0 must be at least 1"),
        ({"max_rules": -1}, "max_rules=-1 must not be negative"),
    ],
)
def test_bad_sizes_are_invalid_arguments(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        policy_documents(**kwargs)
    with pytest.raises(InvalidArgument, match=message):
        policies(**kwargs)


@given(policies(max_roles=1, max_kpis=1, max_grades=1, max_rules=0, max_sections=1, max_lines=1))
def test_the_smallest_policies(policy: Policy) -> None:
    assert len(policy.roles) == len(policy.kpis) == len(policy.grades) == 1
    assert policy.conduct_rules == ()
    assert len(lines_of(policy, policy.roles[0].id)) == 1


# --- without hypothesis ---------------------------------------------------------------------


def test_without_hypothesis_the_import_error_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # as if it were not installed
        try:
            import medsales.testing
        except ImportError as exc:
            print(exc)
            print(type(exc.__cause__).__name__)
        else:
            print("imported")
        import medsales  # the rest of the package does not need hypothesis
        print(medsales.appraise.__name__)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.splitlines() == [
        "medsales.testing needs hypothesis: pip install 'medsales[testing]'",
        "ModuleNotFoundError",
        "appraise",
    ]


# --- assert_policy_invariants ------------------------------------------------------------


def test_the_default_policy_holds_the_invariants() -> None:
    from medsales.testing import assert_policy_invariants

    assert_policy_invariants(medsales.default_policy(), max_examples=15)


@given(policy=medsales.testing.policies(max_roles=2, max_kpis=4))
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))  # nested
def test_generated_policies_hold_the_invariants(policy: medsales.Policy) -> None:
    # generated golden examples expect arbitrary results: only the engine's guarantees here
    without_examples = policy.model_copy(update={"examples": ()})
    medsales.testing.assert_policy_invariants(without_examples, max_examples=5)


def test_a_wrong_golden_example_fails_the_invariants() -> None:
    policy = medsales.default_policy()
    example = policy.examples[0]
    wrong = example.model_copy(
        update={"expect": example.expect.model_copy(update={"score": Decimal("1.00")})}
    )
    broken = policy.model_copy(update={"examples": (wrong, *policy.examples[1:])})
    with pytest.raises(AssertionError, match="golden examples do not reproduce"):
        medsales.testing.assert_policy_invariants(broken, max_examples=2)


def test_a_broken_bound_fails_the_invariants(monkeypatch: pytest.MonkeyPatch) -> None:
    import medsales.analysis.check

    real = medsales.analysis.check.score_bounds
    policy = medsales.default_policy().model_copy(update={"max_score": None})

    def too_low(p: medsales.Policy, role: str) -> object:
        return attrs.evolve(real(p, role), high=Fraction(1, 100))

    monkeypatch.setattr(medsales.analysis.check, "score_bounds", too_low)
    with pytest.raises(AssertionError, match=r"role 'sales_representative': score .* above"):
        medsales.testing.assert_policy_invariants(
            policy, max_examples=20, roles=["sales_representative"]
        )


def test_rounding_past_an_exact_bound_is_not_a_violation() -> None:
    # exact scores stay within the cap of 1.79; rounded to whole points they reach 2
    from builders import one_line

    policy = one_line(
        {"type": "linear", "multiplier": 1, "cap": "1.79"}, score_places=0, max_score=None
    )
    a = appraise(policy, role="rep", measurements={"sales": 5})
    assert (a.exact_score, a.score) == (Fraction(179, 100), Decimal(2))
    medsales.testing.assert_policy_invariants(
        policy.model_copy(update={"examples": ()}), max_examples=30, roles=["rep"]
    )
