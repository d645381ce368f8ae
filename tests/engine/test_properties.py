"""Properties the engine guarantees , checked with hypothesis."""

from __future__ import annotations

import decimal
import random
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from builders import BASE, build
from medsales import MedsalesError, appraise, load_policy

POLICY = build()
ROLES = ("rep", "other")

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=10**7, places=2, allow_nan=False)
ratings = st.decimals(min_value=1, max_value=5, places=1, allow_nan=False)


@st.composite
def measurement(draw: st.DrawFn, kpi: str) -> dict[str, Any] | None:
    kind = draw(st.sampled_from(["value", "value", "value", "missing", "na"]))
    if kind == "missing":
        return None
    if kind == "na":
        return {"applicable": False}
    if kpi == "teamwork":
        return {"actual": draw(ratings), "target": draw(positive)}
    return {"actual": draw(amounts), "target": draw(positive)}


@st.composite
def sheets(draw: st.DrawFn) -> dict[str, Any]:
    out = {}
    for kpi in ("sales", "csat", "new_accounts", "teamwork", "forecast"):
        m = draw(measurement(kpi))
        if m is not None:
            out[kpi] = m
    return out


incidents = st.lists(
    st.fixed_dictionaries(
        {
            "rule": st.sampled_from(["integrity", "teamwork"]),
            "severity": st.sampled_from(["minor", "major", "critical"]),
        },
        optional={"date": st.dates().map(lambda d: d.isoformat())},
    ),
    max_size=4,
)


@given(sheet=sheets(), role=st.sampled_from(ROLES), bump=positive)
def test_raising_a_higher_is_better_actual_never_lowers_the_score(
    sheet: dict[str, Any], role: str, bump: Decimal
) -> None:
    assume(sheet.get("sales", {}).get("applicable", True) and "sales" in sheet)
    before = appraise(POLICY, role=role, measurements=sheet)
    raised = {**sheet, "sales": {**sheet["sales"], "actual": sheet["sales"]["actual"] + bump}}
    after = appraise(POLICY, role=role, measurements=raised)
    assert after.exact_score is not None
    assert before.exact_score is not None
    assert after.exact_score >= before.exact_score
    assert after.score is not None
    assert before.score is not None
    assert after.score >= before.score


@given(sheet=sheets(), role=st.sampled_from(ROLES))
def test_effective_weights_total_100_or_the_appraisal_is_incomplete(
    sheet: dict[str, Any], role: str
) -> None:
    a = appraise(POLICY, role=role, measurements=sheet)
    total = sum(line.effective_weight for line in a.lines)
    if a.complete:
        assert total == 100
        assert a.raw_score == sum(line.contribution for line in a.lines)
    else:
        assert total == 0
        assert a.score is None
        assert a.grade is None


@given(sheet=sheets(), role=st.sampled_from(ROLES), events=incidents)
def test_score_stays_within_zero_and_the_maximum(
    sheet: dict[str, Any], role: str, events: list[dict[str, Any]]
) -> None:
    a = appraise(POLICY, role=role, measurements=sheet, incidents=events)
    if a.complete:
        assert a.score is not None
        # rep: linear capped at 1.2 → at most 120; other: linear uncapped, scale ≤ 100
        if role == "rep":
            assert 0 <= a.score <= 120
        else:
            assert a.score >= 0
        assert a.grade in POLICY.grades_by_id


@given(sheet=sheets(), role=st.sampled_from(ROLES), events=incidents, seed=st.integers())
def test_input_order_never_changes_the_document(
    sheet: dict[str, Any], role: str, events: list[dict[str, Any]], seed: int
) -> None:
    first = appraise(POLICY, role=role, measurements=sheet, incidents=events, period="2026")
    rng = random.Random(seed)
    items = list(sheet.items())
    rng.shuffle(items)
    shuffled = list(events)
    rng.shuffle(shuffled)
    second = appraise(
        POLICY, role=role, measurements=dict(items), incidents=shuffled, period="2026"
    )
    assert first.to_json() == second.to_json()


contexts = st.builds(
    decimal.Context,
    prec=st.integers(1, 30),
    rounding=st.sampled_from(
        [
            decimal.ROUND_FLOOR,
            decimal.ROUND_CEILING,
            decimal.ROUND_DOWN,
            decimal.ROUND_HALF_EVEN,
            decimal.ROUND_05UP,
        ]
    ),
    traps=st.sampled_from([[], [decimal.Inexact, decimal.Rounded], [decimal.FloatOperation]]),
)


@given(sheet=sheets(), role=st.sampled_from(ROLES), ctx=contexts)
def test_the_callers_decimal_context_never_changes_a_result(
    sheet: dict[str, Any], role: str, ctx: decimal.Context
) -> None:
    expected = appraise(POLICY, role=role, measurements=sheet).to_json()
    with decimal.localcontext(ctx):
        got = appraise(POLICY, role=role, measurements=sheet).to_json()
    assert got == expected


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.decimals(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@given(
    doc_patch=st.dictionaries(
        st.sampled_from(
            [
                "score_places",
                "rounding",
                "missing",
                "max_deduction",
                "max_score",
                "fiscal_year_start",
                "grades",
                "kpis",
                "scorecards",
                "roles",
                "conduct_rules",
                "name",
                "id",
                "distribution",
                "examples",
            ]
        ),
        junk,
        max_size=3,
    ),
    measurements=st.one_of(
        junk,
        st.dictionaries(
            st.sampled_from(["sales", "csat", "nope", "teamwork"]),
            st.one_of(junk, st.fixed_dictionaries({"actual": junk, "target": junk})),
            max_size=4,
        ),
    ),
    events=st.lists(
        st.one_of(junk, st.fixed_dictionaries({"rule": junk, "severity": junk, "date": junk})),
        max_size=2,
    ),
    role=st.one_of(st.sampled_from(ROLES), junk),
    period=st.one_of(st.none(), st.sampled_from(["2026-Q3", "2026-13", "FY2026"]), junk),
)
def test_random_documents_and_inputs_raise_only_medsales_errors(
    doc_patch: dict[str, Any], measurements: Any, events: Any, role: Any, period: Any
) -> None:
    try:
        policy = load_policy({**BASE, **doc_patch})
        appraise(policy, role=role, measurements=measurements, incidents=events, period=period)
    except MedsalesError:
        pass
