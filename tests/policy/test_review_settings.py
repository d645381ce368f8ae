"""Policy ``[review]`` and ``entered_by`` (SPEC §17): defaults, bounds, and the hash."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import medsales
from medsales.errors import PolicyError
from medsales.policy.models import ReviewSettings


def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(medsales.default_policy().canonical_json)
    return data


def test_a_policy_without_review_gets_the_defaults() -> None:
    policy = medsales.default_policy()
    assert policy.review is None
    assert policy.review_settings == ReviewSettings()
    settings = policy.review_settings
    assert (settings.self_review, settings.skip_level) == (True, False)
    assert (settings.max_override, settings.appeal_days) == (Decimal(0), 15)


@pytest.mark.parametrize("table", [{}, {"self_review": True, "max_override": "0.00"}])
def test_a_review_table_of_defaults_keeps_the_hash(table: dict[str, Any]) -> None:
    data = _data()
    data["review"] = table
    policy = medsales.load_policy(data)
    assert policy.review is None
    assert policy.sha256 == medsales.default_policy().sha256
    assert "review" not in json.loads(policy.canonical_json)


def test_a_review_table_that_says_something_changes_the_hash() -> None:
    data = _data()
    data["review"] = {"max_override": 5, "skip_level": True}
    policy = medsales.load_policy(data)
    assert policy.review_settings.max_override == Decimal(5)
    assert policy.review_settings.skip_level
    assert policy.sha256 != medsales.default_policy().sha256
    assert medsales.loads_policy(medsales.dump_policy(policy)) == policy


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ({"max_override": -1}, "review.max_override"),
        ({"appeal_days": -1}, "review.appeal_days"),
        ({"self_reveiw": True}, "review.self_reveiw"),
    ],
)
def test_bad_review_settings_are_located(table: dict[str, Any], path: str) -> None:
    data = _data()
    data["review"] = table
    with pytest.raises(PolicyError) as info:
        medsales.load_policy(data)
    assert [p.path for p in info.value.problems] == [path]


def test_entered_by_on_a_line() -> None:
    data = _data()
    line = data["scorecards"][0]["sections"][0]["lines"][0]
    line["entered_by"] = "manager"
    policy = medsales.load_policy(data)
    first = policy.scorecards[0].plan[0][3]
    assert first.entered_by == "manager"
    line["entered_by"] = "hr"
    with pytest.raises(PolicyError) as info:
        medsales.load_policy(data)
    assert info.value.problems[0].path.endswith("lines[0].entered_by")


def test_the_schema_knows_review_and_entered_by() -> None:
    schema = json.dumps(medsales.policy_json_schema())
    assert "appeal_days" in schema
    assert "entered_by" in schema


def test_a_copy_with_default_review_settings_is_the_same_policy() -> None:
    policy = medsales.default_policy()
    copy = policy.model_copy(update={"review": ReviewSettings()})
    assert copy.review is None
    assert copy.sha256 == policy.sha256
    changed = policy.model_copy(update={"review": ReviewSettings(appeal_days=30)})
    assert changed.review_settings.appeal_days == 30
