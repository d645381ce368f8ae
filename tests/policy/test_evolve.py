"""Policy variants (SPEC §20): evolve validates again and gets its own SHA-256; policies
travel as canonical JSON and are rebuilt once per process."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest

import medsales
from medsales.errors import PolicyError
from medsales.policy.io import policy_from_canonical

POLICY = medsales.default_policy()


def test_evolve_by_keyword_validates_again_and_rehashes() -> None:
    changed = POLICY.evolve(score_places=1)
    assert changed.score_places == 1
    assert changed.sha256 != POLICY.sha256
    assert POLICY.score_places == 2  # the original is untouched
    with pytest.raises(PolicyError, match="score_places"):
        POLICY.evolve(score_places=-3)


def test_evolve_unknown_keyword_is_refused() -> None:
    with pytest.raises(PolicyError, match="unknown key 'scoreplaces'") as info:
        POLICY.evolve(scoreplaces=1)
    assert info.value.path == "scoreplaces"


def test_evolve_by_key_path_with_indexes_and_ids() -> None:
    by_index = POLICY.evolve({"grades[1].min": 86})
    by_dots = POLICY.evolve({"grades.1.min": 86})
    by_id = POLICY.evolve({"grades.A.min": 86})
    assert by_index.grades_by_id["A"].min == Decimal(86)
    assert by_index.sha256 == by_dots.sha256 == by_id.sha256 != POLICY.sha256


def test_evolve_names_a_scorecard_by_role_and_a_line_by_kpi() -> None:
    card = POLICY.scorecard("sales_representative")
    line = card.effective_sections[0].lines[0]
    path = f"scorecards.sales_representative.sections.0.lines.{line.kpi}.curve"
    changed = POLICY.evolve({path: {"type": "linear", "multiplier": 100}})
    assert changed.scorecard("sales_representative").effective_sections[0].lines[0].curve.type == (
        "linear"
    )


def test_evolve_none_removes_an_optional_key() -> None:
    with_cap = POLICY.evolve(max_score=110)
    assert with_cap.evolve({"max_score": None}).sha256 == POLICY.evolve(max_score=None).sha256


def test_evolve_key_path_that_leads_nowhere_is_located() -> None:
    with pytest.raises(PolicyError, match="grades has no item 'Z'") as info:
        POLICY.evolve({"grades.Z.min": 3})
    assert info.value.path == "grades.Z.min"
    with pytest.raises(PolicyError, match="has no key 'nothing'"):
        POLICY.evolve({"department.nothing.id": 3})
    with pytest.raises(PolicyError, match="is a value"):
        POLICY.evolve({"score_places.x": 3})
    with pytest.raises(PolicyError, match="unknown key 'mn'") as bad:
        POLICY.evolve({"grades.S.mn": 3})
    assert bad.value.problems[0].path == "grades[0].mn"


def test_evolve_broken_weights_fail_to_load() -> None:
    with pytest.raises(PolicyError, match="total"):
        POLICY.evolve({"scorecards.sales_representative.sections.0.weight": 1})


def test_no_public_copy_keeps_the_old_hash() -> None:
    for variant in (
        POLICY.evolve(score_places=3),
        POLICY.model_copy(update={"score_places": 3}),
        POLICY.evolve({"score_places": 3}),
    ):
        assert variant.sha256 != POLICY.sha256
        assert variant.sha256 == policy_from_canonical(variant.canonical_json).sha256


def test_policy_from_canonical_is_built_once_per_hash() -> None:
    text = POLICY.evolve(score_places=4).canonical_json
    first = policy_from_canonical(text)
    assert first.sha256 == POLICY.evolve(score_places=4).sha256
    assert policy_from_canonical(pickle.loads(pickle.dumps(text))) is first


def test_policy_from_canonical_refuses_other_text() -> None:
    from medsales.policy.io import dump_policy

    with pytest.raises(PolicyError, match="not a policy's canonical JSON"):
        policy_from_canonical(dump_policy(POLICY, "json"))
