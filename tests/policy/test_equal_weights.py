"""SPEC §15: ``weights = "equal"`` and ``section_weights = "equal"`` give exactly 1/n."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from builders import BASE
from medsales import PolicyError, appraise, dump_policy, load_policy, policy_json_schema
from medsales.analysis.check import check_policy, score_bounds
from medsales.engine.appraise import appraise_exact
from medsales.engine.batch import score_many
from medsales.policy.io import loads_policy


def _line(kpi: str, **extra: Any) -> dict[str, Any]:
    return {"kpi": kpi, "basis": "value", "curve": {"type": "linear", "multiplier": 1}, **extra}


def _policy(**card: Any) -> Any:
    doc = copy.deepcopy(BASE)
    doc["scorecards"] = [{"role": "rep", **card}]
    return load_policy(doc)


THREE_EQUAL = {"weights": "equal", "lines": [_line("sales"), _line("csat"), _line("teamwork")]}


def test_three_equal_lines_weigh_exactly_100_over_3() -> None:
    policy = _policy(**THREE_EQUAL)
    a = appraise(policy, role="rep", measurements={"sales": 90, "csat": 60, "teamwork": 31})
    assert [line.weight for line in a.lines] == [Fraction(100, 3)] * 3
    assert [line.effective_weight for line in a.lines] == [Fraction(100, 3)] * 3
    assert a.exact_score == Fraction(181, 3)
    assert a.score == Decimal("60.33")
    assert a.lines[0].to_dict()["weight"] == "33.3333333333"


def test_equal_weights_redistribute_as_any_weights_do() -> None:
    policy = _policy(**THREE_EQUAL)
    a = appraise(policy, role="rep", measurements={"sales": 90, "csat": 60})
    assert [line.effective_weight for line in a.lines] == [50, 50, 0]
    assert a.exact_score == 75
    assert [n.code for n in a.notes] == ["redistributed"]


def test_equal_section_weights_give_each_section_a_third() -> None:
    policy = _policy(
        section_weights="equal",
        sections=[
            {"id": "goals", "weights": "equal", "lines": [_line("sales"), _line("csat")]},
            {"id": "self", "lines": [_line("teamwork", weight=100)]},
            {"id": "feedback", "lines": [_line("new_accounts", weight=100)]},
        ],
    )
    measured = {"sales": 100, "csat": 50, "teamwork": 40, "new_accounts": 10}
    a = appraise(policy, role="rep", measurements=measured)
    assert [line.section_weight for line in a.lines] == [Fraction(100, 3)] * 4
    assert [line.effective_weight for line in a.lines] == [
        Fraction(50, 3),
        Fraction(50, 3),
        Fraction(100, 3),
        Fraction(100, 3),
    ]
    assert a.exact_score == Fraction(75 + 40 + 10, 3)
    dropped = appraise(policy, role="rep", measurements={"sales": 100, "teamwork": 40})
    assert [line.effective_weight for line in dropped.lines] == [50, 0, 50, 0]
    assert dropped.exact_score == 70


def test_the_batch_path_agrees_with_the_exact_engine_on_equal_weights() -> None:
    policy = _policy(**THREE_EQUAL)
    rows = [
        {"sales": 100, "csat": 100, "teamwork": 100},
        {"sales": 90, "csat": 60, "teamwork": 31},
        {"sales": 1, "csat": 1, "teamwork": Decimal("0.005")},
        {"sales": 10},
    ]
    batch = score_many(policy, role="rep", measurements=rows)
    for row, got in zip(rows, batch, strict=True):
        assert got.score == appraise_exact(policy, role="rep", measurements=row).score


@pytest.mark.parametrize("rounding", ["down", "up", "half_up", "floor", "ceiling"])
def test_thirds_that_total_exactly_100_round_to_100_in_every_mode(rounding: str) -> None:
    doc = copy.deepcopy(BASE)
    doc["rounding"] = rounding
    doc["scorecards"] = [{"role": "rep", **THREE_EQUAL}]
    policy = load_policy(doc)
    row = {"sales": 100, "csat": 100, "teamwork": 100}
    assert appraise(policy, role="rep", measurements=row).score == Decimal("100.00")
    assert score_many(policy, role="rep", measurements=[row])[0].score == Decimal("100.00")


def _problems(**card: Any) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as info:
        _policy(**card)
    return [(p.path, p.message) for p in info.value.problems]


def test_a_weight_beside_equal_weights_is_an_error() -> None:
    lines = [_line("sales", weight=50), _line("csat")]
    assert _problems(weights="equal", lines=lines) == [
        (
            "scorecards[0].lines[0].weight",
            "line 'sales' has a weight, but scorecard 'rep' flat lines says "
            'weights = "equal" (give one or the other)',
        )
    ]


def test_a_section_weight_beside_equal_section_weights_is_an_error() -> None:
    sections = [
        {"id": "a", "weight": 50, "lines": [_line("sales", weight=100)]},
        {"id": "b", "lines": [_line("csat", weight=100)]},
    ]
    assert _problems(section_weights="equal", sections=sections) == [
        (
            "scorecards[0].sections[0].weight",
            "section 'a' has a weight, but scorecard 'rep' says section_weights = \"equal\" "
            "(give one or the other)",
        )
    ]


def test_a_line_without_a_weight_needs_equal_weights() -> None:
    assert _problems(lines=[_line("sales", weight=100), _line("csat")]) == [
        ("scorecards[0].lines[1].weight", "missing required key 'weight'")
    ]


def test_a_missing_weight_is_reported_with_every_other_problem() -> None:
    lines = [_line("sales", weight=100, wieght=1), _line("csat")]
    unknown = (
        "unknown key 'wieght' (expected one of: kpi, weight, basis, curve, missing, "
        "allow_non_monotonic, entered_by)"
    )
    assert _problems(lines=lines) == [
        ("scorecards[0].lines[0].wieght", unknown),
        ("scorecards[0].lines[1].weight", "missing required key 'weight'"),
    ]


def test_a_section_without_a_weight_needs_equal_section_weights() -> None:
    sections = [
        {"id": "a", "weight": 100, "lines": [_line("sales", weight=100)]},
        {"id": "b", "lines": [_line("csat", weight=100)]},
    ]
    assert _problems(sections=sections) == [
        ("scorecards[0].sections[1].weight", "missing required key 'weight'")
    ]


def test_equal_is_the_only_word_for_weights() -> None:
    found = _problems(weights="even", lines=[_line("sales")])
    assert [path for path, _ in found] == ["scorecards[0].weights"]


def test_policy_show_keeps_equal_as_written_and_it_round_trips() -> None:
    policy = _policy(
        section_weights="equal",
        sections=[
            {"id": "a", "weights": "equal", "lines": [_line("sales"), _line("csat")]},
            {"id": "b", "weights": "equal", "lines": [_line("teamwork")]},
        ],
    )
    text = dump_policy(policy)
    assert 'section_weights = "equal"' in text
    assert text.count('\nweights = "equal"') == 2
    assert loads_policy(text) == policy
    assert loads_policy(text).sha256 == policy.sha256


def test_explain_shows_the_exact_share() -> None:
    policy = _policy(**THREE_EQUAL)
    text = appraise(policy, role="rep", measurements={"sales": 90}).explain()
    assert "100/3 ≈ 33.3333" in text


def test_policy_check_reads_equal_weights() -> None:
    policy = _policy(**THREE_EQUAL)
    bounds = score_bounds(policy, "rep")
    assert bounds.low_all_lines == 0
    assert check_policy(policy) is not None


def _schema_errors(**card: Any) -> list[str]:
    doc = json.loads(json.dumps(BASE))
    doc["scorecards"] = [{"role": "rep", **card}]
    validator = Draft202012Validator(policy_json_schema())
    return [e.message for e in validator.iter_errors(doc)]


def test_the_schema_knows_equal_weights() -> None:
    assert _schema_errors(**THREE_EQUAL) == []
    sections = [
        {"id": "a", "weights": "equal", "lines": [_line("sales")]},
        {"id": "b", "lines": [_line("csat", weight=100)]},
    ]
    assert _schema_errors(section_weights="equal", sections=sections) == []
    assert _schema_errors(weights="equal", lines=[_line("sales", weight=100)])
    assert _schema_errors(lines=[_line("sales")])
    assert _schema_errors(sections=sections)
