"""The batch path gives exactly the exact engine's scores and grades, and falls back to it
near every discontinuity and rounding tie."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import medsales
from builders import SHEET, build, one_line
from medsales import InputError, UnknownKPIError, appraise
from medsales.engine.batch import score_many
from medsales.testing import incidents, measurements, policies


def same(
    policy: Any,
    role: str,
    rows: list[dict[str, Any]],
    events: list[list[Any]] | None = None,
    period: str | None = None,
) -> list[Any]:
    got = score_many(policy, role=role, measurements=rows, incidents=events, period=period)
    for i, (row, b) in enumerate(zip(rows, got, strict=True)):
        a = appraise(
            policy,
            role=role,
            measurements=row,
            incidents=events[i] if events else (),
            period=period,
        )
        assert (b.score, b.grade, b.coefficient, b.complete, b.vetoed) == (
            a.score,
            a.grade,
            a.coefficient,
            a.complete,
            a.vetoed,
        ), row
    return got


def test_the_kpi_sheet_example() -> None:
    [b] = same(build(), "rep", [SHEET])
    assert (b.score, b.grade, b.exact) == (Decimal("94.89"), "A", False)


def test_a_rounding_tie_falls_back_to_the_exact_engine() -> None:
    scale = {"type": "scale", "min": 1, "max": 10}
    lines = [
        {"kpi": k, "weight": w, "basis": "value", "curve": scale}
        for k, w in (("teamwork", 19), ("csat", 61), ("new_accounts", 20))
    ]
    policy = build(scorecards=[{"role": "rep", "lines": lines}])
    [b] = same(policy, "rep", [{"teamwork": "7.43", "csat": "6.33"}])
    assert (b.score, b.exact) == (Decimal("62.13"), True)  # 62.125 exactly


@pytest.mark.parametrize(
    "mode", ["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"]
)
@pytest.mark.parametrize("value", ["84.995", "84.985", "84.99", "85", "84.9949999999"])
def test_every_rounding_mode_agrees(mode: str, value: str) -> None:
    policy = one_line({"type": "linear", "multiplier": 1}, rounding=mode)
    same(policy, "rep", [{"sales": value}])


@pytest.mark.parametrize(
    "curve",
    [
        {"type": "linear", "floor": "0.6", "cap": "1.2"},
        {"type": "steps", "steps": [[0.8, 60], [1, 100]], "below": 10},
        {"type": "piecewise", "points": [[0.6, 60], [1, 100]], "below": 0},
    ],
)
def test_discontinuities_are_decided_exactly(curve: dict[str, Any]) -> None:
    policy = one_line(curve, basis="attainment")
    rows = [
        {"sales": {"actual": a, "target": 1}}
        for a in ("0.6", "0.5999999999999999999999999999999999999", "0.8", "1", "0.79")
    ]
    rows.append({"sales": {"actual": 2, "target": 3}})  # x = 0.666…
    same(policy, "rep", rows)


def test_lower_and_target_directions() -> None:
    for direction in ("lower", "target"):
        policy = one_line({"type": "linear", "cap": "1.2"}, basis="attainment", direction=direction)
        same(policy, "rep", [{"sales": {"actual": a, "target": 7}} for a in (0, 3, 7, 11, 30)])


def test_conduct_applies() -> None:
    events = [
        [{"rule": "integrity", "severity": "major"}],
        [{"rule": "integrity", "severity": "critical"}],
        [{"rule": "integrity", "severity": "minor"}] * 20,
        [{"rule": "integrity", "severity": "minor", "date": "2026-01-02"}],
    ]
    got = same(build(max_deduction=30), "rep", [SHEET] * 4, events)
    assert [b.grade for b in got] == ["C", "D", "C", "A"]  # 40 deducted, capped at 30
    assert got[3].exact  # a dated incident needs the exact engine


def test_dated_incidents_count_only_within_the_period() -> None:
    inside = {"rule": "integrity", "severity": "major", "date": datetime.date(2026, 2, 10)}
    outside = {**inside, "date": datetime.date(2025, 12, 31)}
    text = {**inside, "date": "2026-02-10"}
    events = [[inside], [outside], [text], [outside, inside]]
    got = same(build(), "rep", [SHEET] * 4, events, period="2026-Q1")
    assert [b.grade for b in got] == ["C", "A", "C", "C"]
    assert [b.exact for b in got] == [False, False, True, False]  # text dates: exact engine
    # without a period every incident counts, as in appraise
    assert [b.grade for b in same(build(), "rep", [SHEET] * 2, [[outside], [inside]])] == [
        "C",
        "C",
    ]


def test_missing_and_not_applicable_lines() -> None:
    rows = [{}, {"sales": {"applicable": False}}, {k: v for k, v in SHEET.items() if k != "csat"}]
    for missing in ("redistribute", "zero"):
        same(build(missing=missing), "rep", rows)


def test_bad_rows_raise_the_exact_engines_errors_with_the_row() -> None:
    with pytest.raises(InputError, match=r"rows\[1\]\.measurements\.sales: 'x' is not a num"):
        score_many(build(), role="rep", measurements=[SHEET, {**SHEET, "sales": "x"}])
    with pytest.raises(UnknownKPIError, match=r"rows\[0\]\.measurements\.nope"):
        score_many(build(), role="rep", measurements=[{**SHEET, "nope": 1}])
    with pytest.raises(medsales.MissingMeasurementError, match=r"rows\[0\]"):
        score_many(build(missing="error"), role="rep", measurements=[{}])


def test_the_default_policy_for_every_role() -> None:
    policy = medsales.default_policy()
    for example in policy.examples:
        rows = [{k: m.model_dump(exclude_none=True) for k, m in example.measurements.items()}]
        events = [[i.model_dump(exclude_none=True) for i in example.incidents]]
        same(policy, example.role, rows, events)


@given(data=st.data(), policy=policies(max_roles=2, max_kpis=5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_batch_equals_exact_on_generated_policies(data: st.DataObject, policy: Any) -> None:
    role = data.draw(st.sampled_from([c.role for c in policy.scorecards]))
    rows = data.draw(st.lists(measurements(policy, role), min_size=1, max_size=4))
    events = [
        [{k: v for k, v in e.items() if k != "date"} for e in data.draw(incidents(policy))]
        for _ in rows
    ]
    same(policy, role, rows, events)
