"""simulate (SPEC §20): every variant scored over the same data, against the base."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

import medsales
from medsales.analysis.simulate import simulate
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.io import csv as csvio

POLICY = medsales.default_policy()


@pytest.fixture(scope="module")
def demo_data() -> dict[str, Any]:
    """The demo department's records, read once."""
    return {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}


def test_variants_are_each_appraise_cohort(demo_data: dict[str, Any]) -> None:
    variants = {
        "strict": {"grades.A.min": 88, "grades.S.min": 97},
        "one_place": POLICY.evolve(score_places=1),
    }
    got = simulate(POLICY, variants, period="2026-Q4", workers=2, **demo_data)
    assert set(got.variants) == {"strict", "one_place"}
    for name, policy in (
        ("strict", POLICY.evolve(variants["strict"])),
        ("one_place", variants["one_place"]),
    ):
        cohort = medsales.appraise_cohort(policy, period="2026-Q4", **demo_data)
        outcome = got.variants[name]
        assert outcome.policy_sha256 == policy.sha256 != POLICY.sha256
        assert dict(outcome.grades) == dict(cohort.grades)
        assert outcome.results == {a.employee_id: (a.score, a.grade) for a in cohort.appraisals}
    base = medsales.appraise_cohort(POLICY, period="2026-Q4", **demo_data)
    assert dict(got.base.grades) == dict(base.grades)
    assert got.distribution()["base"] == dict(base.grades)


def test_changes_against_the_base(demo_data: dict[str, Any]) -> None:
    got = simulate(
        POLICY, {"strict": {"grades.A.min": 88}}, period="2026-Q4", workers=1, **demo_data
    )
    changes = got.changes("strict")
    assert [c.employee_id for c in changes] == sorted(got.base.results)
    for c in changes:
        assert c.delta == Decimal(0) or c.delta is None  # grades moved, scores did not
        if c.base_grade == "A" and c.score is not None and c.score < 88:
            assert c.steps == -1
    assert any(c.steps == -1 for c in changes)
    assert (
        got.to_dict()["variants"]["strict"]["policy_sha256"] == got.variants["strict"].policy_sha256
    )


def test_bad_variants_are_refused(demo_data: dict[str, Any]) -> None:
    with pytest.raises(medsales.PolicyError, match="variant 'broken'"):
        simulate(POLICY, {"broken": {"score_places": -1}}, period="2026-Q4", **demo_data)
    with pytest.raises(medsales.InputError, match="must be a Policy or a mapping"):
        simulate(POLICY, {"odd": 3}, period="2026-Q4", **demo_data)  # type: ignore[dict-item]
    with pytest.raises(medsales.InputError, match="variants must be a mapping"):
        simulate(POLICY, [POLICY], period="2026-Q4", **demo_data)  # type: ignore[arg-type]
    with pytest.raises(medsales.InputError, match="may not be named 'base'"):
        simulate(POLICY, {"base": POLICY}, period="2026-Q4", **demo_data)
    got = simulate(POLICY, {}, period="2026-Q4", workers=1, **demo_data)
    with pytest.raises(medsales.InputError, match="no variant 'nope'"):
        got.changes("nope")
