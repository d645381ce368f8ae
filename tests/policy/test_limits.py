"""SPEC §21 at the policy's entries: hostile documents refused with a located error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from medsales import PolicyError, default_policy, dump_policy, load_policy, loads_policy
from medsales.numbers import MAX_DEPTH
from medsales.policy.locate import json_duplicate, locate, toml_positions

DEFAULT_JSON = dump_policy(default_policy(), "json")


def _refused(text: str, format: str) -> Any:
    with pytest.raises(PolicyError) as caught:
        loads_policy(text, format)  # type: ignore[arg-type]
    [problem] = caught.value.problems
    return problem


@pytest.mark.parametrize(
    ("text", "format", "line", "column"),
    [
        ("a = 1\nb = " + "1" * 4301, "toml", 2, 5),
        ('{"a": 1,\n "b": ' + "1" * 4301 + "}", "json", 2, 7),
        ("a = 1e999999999999999999999", "toml", 1, 5),
        ('{"a": 1e999999999999999999999}', "json", 1, 7),
        ('{"a": -1e-999999999999999999999}', "json", 1, 7),
        ("a = " + "[" * 500 + "]" * 500, "toml", 1, 5 + MAX_DEPTH),
        ('{"a": ' + "[" * 500 + "]" * 500 + "}", "json", 1, 6 + MAX_DEPTH),
        ("[" + ".".join(["a"] * 100_000) + "]\nx = 1\n", "toml", 1, 1),
        ("\n" + ".".join(["a"] * 100_000) + " = 1\n", "toml", 2, 1),
        ('{"a": NaN}', "json", 1, 7),
    ],
    ids=range(10),
)
def test_hostile_literals_are_a_located_policy_error(
    text: str, format: str, line: int, column: int
) -> None:
    problem = _refused(text, format)
    assert (problem.line, problem.column) == (line, column)


@pytest.mark.parametrize(
    "key", ["max_score", "max_deduction", "grades[0].min", "grades[0].coefficient"]
)
@pytest.mark.parametrize("value", ["1e999999999", "1e-999999999", "1" * 101])
def test_a_policy_number_beyond_the_limits_is_refused_at_its_path(key: str, value: str) -> None:
    data = json.loads(DEFAULT_JSON)
    if key.startswith("grades"):
        data["grades"][0][key.split(".")[1]] = value
    else:
        data[key] = value
    with pytest.raises(PolicyError) as caught:
        loads_policy(json.dumps(data, indent=1), "json")
    [problem] = [p for p in caught.value.problems if p.path == key]
    assert "at most 100 digits" in problem.message
    assert problem.line is not None


def test_a_text_longer_than_the_limit_is_refused_at_its_key() -> None:
    data = json.loads(DEFAULT_JSON)
    data["name"]["en"] = "x" * 10_001
    text = json.dumps(data, indent=1)
    problem = _refused(text, "json")
    assert problem.path == "name.en"
    assert "10,000" in problem.message
    with pytest.raises(PolicyError, match="10,000"):
        load_policy(data)


def test_a_mapping_nested_too_deep_is_refused_without_recursion() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(100_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(PolicyError, match="deeper than 64"):
        load_policy(deep)


def test_weights_total_exactly_100_whatever_the_digits() -> None:
    data = json.loads(DEFAULT_JSON)
    card = next(c for c in data["scorecards"] if "sections" in c)
    first = card["sections"][0]["weight"]
    card["sections"][0]["weight"] = f"{first}.{'0' * 70}1"
    with pytest.raises(PolicyError, match="must total 100"):
        loads_policy(json.dumps(data), "json")


def test_a_json_key_written_twice_is_an_error_naming_it_and_its_line() -> None:
    text = DEFAULT_JSON.replace('"max_score": ', '"max_score": 1,\n  "max_score": ', 1)
    assert text != DEFAULT_JSON
    problem = _refused(text, "json")
    assert problem.path == "max_score"
    assert "'max_score' is written twice" in problem.message
    lines = text.split("\n")
    assert lines[problem.line - 1].strip().startswith('"max_score"')
    assert lines[problem.line - 2].strip() == '"max_score": 1,'


def test_a_nested_json_key_written_twice_names_its_path() -> None:
    found = json_duplicate('{"a": [{"b": 1}, {"b": 1, "c": 2,\n "b": 3}]}')
    assert found == (("a", 1, "b"), (2, 2))
    assert json_duplicate('{"a": {"b": 1}, "c": {"b": 1}}') is None


@pytest.mark.parametrize("text", [None, 5, b"format = 1"])
def test_a_text_that_is_not_a_str_is_a_type_error(text: object) -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        loads_policy(text)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", [None, 5, 1.5, [("format", 1)]])
def test_a_source_of_another_type_is_a_type_error(source: object) -> None:
    with pytest.raises(TypeError, match="source must be"):
        load_policy(source)  # type: ignore[arg-type]


def test_a_table_header_100000_keys_deep_is_placed() -> None:
    text = "[" + ".".join(["a"] * 100_000) + "]\nx = 1\n"
    positions = toml_positions(text)
    assert locate(positions, ("a",) * 100_000 + ("x",)) == (2, 1)
    assert locate(positions, ("a",) * 100_000 + ("y", "z")) == (1, 1)


def test_the_canonical_form_keeps_every_digit_of_a_100_digit_number() -> None:
    from builders import build

    one = build(max_score="100." + "0" * 90 + "1")
    two = build(max_score="100." + "0" * 90 + "2")
    assert one.sha256 != two.sha256
    assert "100." + "0" * 90 + "1" in one.canonical_json


def test_weights_are_totalled_exactly_whatever_the_callers_context() -> None:
    import decimal

    data = json.loads(DEFAULT_JSON)
    card = next(c for c in data["scorecards"] if "sections" in c)
    weights = ["33.3333333333333333333333333333333", "33.3333333333333333333333333333333"]
    last = "33.3333333333333333333333333333334"
    for section, weight in zip(card["sections"], [*weights, last], strict=False):
        section["weight"] = weight
    card["sections"] = card["sections"][:3]
    text = json.dumps(data)
    with decimal.localcontext(decimal.Context(prec=3, traps=[])):
        policy = loads_policy(text, "json")
        card["sections"][2]["weight"] = last[:-1] + "5"
        with pytest.raises(PolicyError, match="must total 100"):
            loads_policy(json.dumps(data), "json")
    assert policy.sha256
