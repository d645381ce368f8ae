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
from medsales.engine.appraise import appraise_exact
from medsales.engine.batch import score_many
from medsales.testing import incidents, measurements, policies


def _decimal(value: Any) -> Any:
    try:
        return value if isinstance(value, bool) else medsales.to_decimal(value)
    except medsales.MedsalesError:
        return value


def _decimals(row: Any) -> Any:
    """``row`` with every number that reads as one made a Decimal."""
    if not isinstance(row, dict):
        return row
    return {
        k: {kk: _decimal(vv) for kk, vv in v.items()} if isinstance(v, dict) else _decimal(v)
        for k, v in row.items()
    }


def same(
    policy: Any,
    role: str,
    rows: list[dict[str, Any]],
    events: list[list[Any]] | None = None,
    period: str | None = None,
) -> list[Any]:
    got = score_many(policy, role=role, measurements=rows, incidents=events, period=period)
    # the same rows with every number a Decimal, which the compiled fast path reads
    as_decimals = score_many(
        policy,
        role=role,
        measurements=[_decimals(r) for r in rows],
        incidents=events,
        period=period,
    )
    for i, (row, b, d) in enumerate(zip(rows, got, as_decimals, strict=True)):
        assert (d.score, d.grade, d.coefficient, d.complete, d.vetoed) == (
            b.score,
            b.grade,
            b.coefficient,
            b.complete,
            b.vetoed,
        ), row
        a = appraise_exact(
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


CURVES = [
    {"type": "linear", "floor": "0.6", "cap": "1.2"},
    {"type": "linear", "multiplier": "0.7", "floor": "3"},
    {"type": "steps", "steps": [[0.8, 60], [1, 100], [3, 110]], "below": 10},
    {"type": "piecewise", "points": [[0.6, 60], [1, 100], [3, 105]], "below": 0},
    {"type": "piecewise", "points": [[0.5, 50], [2, 100]]},
]


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize(
    ("basis", "direction"),
    [
        ("value", None),
        ("value", "lower"),
        ("attainment", None),
        ("attainment", "lower"),
        ("attainment", "target"),
    ],
)
def test_a_breakpoint_hit_exactly_is_decided_without_the_exact_engine(
    curve: dict[str, Any], basis: str, direction: str | None
) -> None:
    """x equal to a breakpoint, read from the caller's number or as actual / target, is
    compared exactly (cross-multiplied), so the row needs no fallback and agrees."""
    policy = one_line(curve, basis=basis, direction=direction, line={"allow_non_monotonic": True})
    if basis == "value":
        rows = [{"sales": x} for x in ("0.6", "0.8", "1", "3", "0.5", "2", "0.59", "1.2")]
    else:  # actual / target = 0.6, 0.8, 1, 3 … with targets that are not 1
        pairs = [("1.8", 3), ("5.6", 7), (7, 7), (21, 7), ("3.5", 7), (14, 7), (2, 3)]
        pairs += [("0.6", "0.75"), ("8.4", 7), ("1.4", 7)]
        rows = [{"sales": {"actual": a, "target": t}} for a, t in pairs]
    got = same(policy, "rep", rows)
    assert not any(b.exact for b in got)


@given(
    curve=st.sampled_from(CURVES),
    basis=st.sampled_from(["value", "attainment"]),
    direction=st.sampled_from([None, "lower", "target"]),
    actual=st.integers(0, 400).map(lambda n: Decimal(n) / 100),
    target=st.sampled_from([Decimal("0.3"), Decimal(1), Decimal(3), Decimal("0.75"), 7]),
)
@settings(max_examples=200, deadline=None)
def test_batch_equals_exact_at_and_beside_breakpoints(
    curve: dict[str, Any], basis: str, direction: str | None, actual: Decimal, target: Any
) -> None:
    policy = one_line(curve, basis=basis, direction=direction, line={"allow_non_monotonic": True})
    measurement: Any = actual if basis == "value" else {"actual": actual, "target": target}
    same(policy, "rep", [{"sales": measurement}])


@given(
    value=st.one_of(
        st.integers(-(10**14), 10**14),
        st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True, places=10),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
        st.sampled_from(
            [" 12.5 ", "1e3", "1_000", "١٢", "nan", "-Infinity", "abc", "", "+.5", "1.", "7\n"]
        ),
    )
)
@settings(max_examples=200, deadline=None)
def test_numbers_are_read_as_the_exact_engine_reads_them(value: Any) -> None:
    """A number as int, float, str or Decimal, plain or not, well-formed or not: the batch
    path gives the exact engine's result, or raises the same kind of error."""
    policy = one_line({"type": "linear", "multiplier": "0.5"})
    try:
        appraise(policy, role="rep", measurements={"sales": value})
    except medsales.MedsalesError as exc:
        with pytest.raises(type(exc)):
            score_many(policy, role="rep", measurements=[{"sales": value}])
        return
    same(policy, "rep", [{"sales": value}, {"sales": {"actual": value, "target": 1}}])


def test_measured_rows_take_the_compiled_fast_path() -> None:
    """Rows with every line measured are scored by the scorecard compiled into one
    function; the rest (a missing line, a key it does not read, a flag for a number) by
    the general path."""
    from medsales.engine.batch import compile_scorecard

    fast = compile_scorecard(medsales.default_policy(), "sales_representative").fast
    assert fast is not None
    row = {
        "sales_revenue": {"actual": Decimal(1_020_000), "target": Decimal(1_000_000)},
        "customer_satisfaction": Decimal(84),
        "customer_visits": {"actual": Decimal(110), "target": Decimal(120)},
        "new_customers": {"actual": Decimal(5), "target": Decimal(6)},
        "market_feedback_reports": Decimal(4),
        "event_participation": Decimal(2),
        "teamwork_rating": Decimal("4.2"),
        "training_hours": Decimal(10),
    }
    assert fast(row) is not None
    assert fast({**row, "training_hours": 10, "teamwork_rating": "4.2"}) == fast(row)
    assert fast({**row, "training_hours": True}) is None
    assert fast({k: v for k, v in row.items() if k != "event_participation"}) is None
    assert fast({**row, "new_customers": {"actual": Decimal(5), "applicable": True}}) is None
    assert fast({**row, "new_customers": {"actual": Decimal(5)}}) is None
    assert fast({**row, "new_customers": {"target": Decimal(5), "weight": 1}}) is None
    three = {"actual": Decimal(5), "target": Decimal(6), "applicable": True}
    assert fast({**row, "new_customers": three}) is None
    # eight KPIs, one of them not on the card: the card's missing one leaves the function
    swapped = {k: v for k, v in row.items() if k != "training_hours"} | {"nps": Decimal(1)}
    assert fast(swapped) is None
    # a KPI of the policy that is not on the card is not read; one it does not know is
    assert fast({**row, "nps": Decimal(1)}) == fast(row)
    assert fast({**row, "no_such_kpi": Decimal(1)}) is None
    policy = medsales.default_policy()
    rows = [row, {**row, "training_hours": 10}, swapped, {**row, "nps": Decimal(1)}]
    same(policy, "sales_representative", [*rows, {**row, "new_customers": three}])


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_the_quick_plainness_check_agrees_with_the_plain_rule(value: Decimal) -> None:
    """What the batch path reads as plain is plain (a multiple of 10⁻⁸ below 10¹²), and
    every plain number but a zero written with a large exponent is read as plain."""
    import decimal

    from medsales.engine.batch import _CONTEXT, _plain, _plain_in_context

    with decimal.localcontext(_CONTEXT):
        try:
            quick = _plain_in_context(value)
        except decimal.InvalidOperation:  # too large to quantize: the exact engine reads it
            quick = False
    assert quick == (_plain(value) and (value != 0 or value.adjusted() < 12))


NOT_PLAIN = [
    10**51 - 1,
    Decimal(10**51 - 1),
    Decimal(10**12),
    "1e12",
    Decimal("1e-20"),
    "1e-20",
    1e-20,
    Decimal("-1e-20"),
    Decimal("0E+20"),
    Decimal("-0E+950"),
    "0E+20",
    Decimal("1.000000001"),
    "1.000000001",
    Decimal("NaN"),
    Decimal("-sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1E+999"),
    Decimal("1E+1001"),
    Decimal("7E-1001"),
    "1E+999999",
]


@pytest.mark.parametrize("value", NOT_PLAIN, ids=repr)
@pytest.mark.parametrize("basis", ["value", "attainment"])
def test_a_number_that_is_not_plain_leaves_the_compiled_function(value: Any, basis: str) -> None:
    """The compiled function's quick plainness check (the adjusted exponent, then the
    remainder by 10⁻⁸) lets no number through that is not plain: such a row is scored
    by the exact engine, or fails as the exact engine fails."""
    import contextlib
    import decimal

    from medsales.engine.batch import _CONTEXT, compile_scorecard

    policy = one_line({"type": "linear", "multiplier": "0.5"}, basis=basis)
    rows = [{"sales": value}] if basis == "value" else [{"sales": {"actual": value, "target": 3}}]
    rows.append({"sales": {"actual": 3, "target": value}} if basis != "value" else rows[0])
    fast = compile_scorecard(policy, "rep").fast
    assert fast is not None
    for row in rows:
        # None: the general path; ArithmeticError: score_many sends it to the exact engine
        with decimal.localcontext(_CONTEXT), contextlib.suppress(ArithmeticError):
            assert fast(row) is None
        try:
            a = appraise(policy, role="rep", measurements=row)
        except medsales.MedsalesError as exc:
            with pytest.raises(type(exc)):
                score_many(policy, role="rep", measurements=[row])
            continue
        [b] = score_many(policy, role="rep", measurements=[row])
        assert (b.score, b.grade, b.exact) == (a.score, a.grade, True)


@pytest.mark.parametrize(
    "value", [Decimal("-0"), Decimal("0E-8"), Decimal("999999999999.99999999"), "-0.00000001"]
)
def test_a_plain_number_at_the_edge_of_plainness_stays_in_the_compiled_function(
    value: Any,
) -> None:
    import decimal

    from medsales.engine.batch import _CONTEXT, compile_scorecard

    policy = one_line({"type": "linear", "multiplier": "0.5"})
    fast = compile_scorecard(policy, "rep").fast
    assert fast is not None
    with decimal.localcontext(_CONTEXT):
        assert fast({"sales": value}) is not None
    [b] = same(policy, "rep", [{"sales": value}])
    assert not b.exact


def test_the_results_a_finishing_step_shares_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import medsales.engine.batch as batch

    monkeypatch.setattr(batch, "_SHARED", 2)
    monkeypatch.setattr(batch, "_SINGLE", {})
    policy = build()
    rows = [{**SHEET, "sales": {"actual": 90 + 3 * k, "target": 100}} for k in range(6)]
    for row in rows:
        got = batch.score_one(policy, "rep", row, (), None)
        exact = appraise_exact(policy, role="rep", measurements=row)
        assert got is not None
        assert (got.score, got.grade) == (exact.score, exact.grade)
    finish = batch._SINGLE[(policy.sha256, "rep")].finish  # type: ignore[union-attr]
    shared = next(
        c.cell_contents for c in finish.__closure__ or () if isinstance(c.cell_contents, dict)
    )
    assert len(shared) == 2
