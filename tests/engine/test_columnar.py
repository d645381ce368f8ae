"""score_frame (SPEC §20): vectorised exact scoring, identical to score_many row for row."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

import medsales  # noqa: E402
from builders import SHEET, build, one_line  # noqa: E402
from medsales import InputError  # noqa: E402
from medsales.engine.batch import score_many  # noqa: E402
from medsales.engine.columnar import score_frame  # noqa: E402
from medsales.testing import measurements, policies  # noqa: E402


def wide(rows: list[dict[str, Any]], kpis: list[str]) -> Any:
    """Rows of measurements as a wide frame: <kpi> and <kpi>.target columns."""
    columns: dict[str, list[Any]] = {}
    for kpi in kpis:
        columns[kpi] = [None] * len(rows)
        columns[f"{kpi}.target"] = [None] * len(rows)
    for i, row in enumerate(rows):
        for kpi, m in row.items():
            if isinstance(m, dict):
                columns[kpi][i] = m.get("actual")
                columns[f"{kpi}.target"][i] = m.get("target")
            else:
                columns[kpi][i] = m
    return pd.DataFrame(columns)


def empty(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return (isinstance(value, float) and np.isnan(value)) or (
        isinstance(value, str) and value == " "
    )


def from_frame(frame: Any, kpis: list[str]) -> list[dict[str, Any]]:
    """The frame's rows as score_many reads them (a missing cell is no value)."""
    out: list[dict[str, Any]] = []
    for i in range(len(frame)):
        row: dict[str, Any] = {}
        for kpi in kpis:
            if kpi not in frame.columns:
                continue
            actual = frame[kpi].iat[i]
            if empty(actual):
                continue
            m = {"actual": actual.item() if isinstance(actual, np.generic) else actual}
            name = f"{kpi}.target"
            target = frame[name].iat[i] if name in frame.columns else None
            if not empty(target):
                m["target"] = target.item() if isinstance(target, np.generic) else target
            row[kpi] = m
        out.append(row)
    return out


def assert_same(policy: Any, role: str, frame: Any, kpis: list[str]) -> Any:
    error: medsales.MedsalesError | None = None
    try:
        expected = score_many(policy, role=role, measurements=from_frame(frame, kpis))
    except medsales.MedsalesError as exc:
        error = exc
    if error is not None:  # bad input: the same error, naming the same row
        with pytest.raises(type(error)) as info:
            score_frame(policy, frame, role=role)
        assert (info.value.message, info.value.path) == (error.message, error.path)
        return None
    got = score_frame(policy, frame, role=role)
    assert list(got.columns) == ["score", "grade", "coefficient"]
    assert got.index.equals(frame.index)
    for i, e in enumerate(expected):
        row = (got["score"].iat[i], got["grade"].iat[i], got["coefficient"].iat[i])
        assert row == (e.score, e.grade, e.coefficient), (i, frame.iloc[i].to_dict())
        assert str(row[0]) == str(e.score)  # the same places, "85.00" not "85"
    return got


def _forms(draw: Any, frame: Any) -> Any:
    """Some columns as float64 or text, as pandas and spreadsheets give them."""
    out = frame.copy()
    for name in out.columns:
        form = draw(st.sampled_from(["object", "float", "text"]))
        values = out[name]
        if form == "float":
            out[name] = pd.Series(
                [np.nan if v is None else float(v) for v in values], dtype="float64"
            )
        elif form == "text":
            out[name] = pd.Series([None if empty(v) else str(v) for v in values], dtype=object)
    return out


@st.composite
def _cases(draw: Any) -> tuple[Any, str, Any, list[str]]:
    policy = draw(policies(max_roles=2, max_kpis=6, max_lines=5))
    role = draw(st.sampled_from([card.role for card in policy.scorecards]))
    kpis = sorted(policy.scorecard(role).kpi_ids)
    rows = draw(st.lists(measurements(policy, role), min_size=1, max_size=12))
    plain = [
        {k: m for k, m in row.items() if m.get("applicable", True) is not False} for row in rows
    ]
    return policy, role, _forms(draw, wide(plain, kpis)), kpis


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_cases())
def test_score_frame_is_score_many_row_for_row(case: tuple[Any, str, Any, list[str]]) -> None:
    policy, role, frame, kpis = case
    assert_same(policy, role, frame, kpis)


POLICY = medsales.default_policy()
ROLE = "sales_representative"
REP_KPIS = sorted(POLICY.scorecard(ROLE).kpi_ids)


def _rep_rows(n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "sales_revenue": {"actual": 600_000 + 1_000 * i, "target": 800_000},
                "customer_visits": {"actual": 40 + i % 30, "target": 60},
                "new_customers": {"actual": i % 7, "target": 5},
                "customer_satisfaction": Decimal(60) + Decimal(i % 400) / 10,
                "market_feedback_reports": i % 8,
                "event_participation": i % 4,
                "teamwork_rating": Decimal(1) + Decimal(i % 40) / 10,
                "training_hours": i % 30,
            }
        )
    return rows


def test_float_and_integer_columns_give_the_exact_scores() -> None:
    frame = wide(_rep_rows(300), REP_KPIS)
    typed = frame.copy()
    for name in typed.columns:
        if typed[name].notna().all():
            values = [Decimal(v) for v in typed[name]]
            if all(v == v.to_integral_value() for v in values):
                typed[name] = typed[name].astype("int64")
            else:
                typed[name] = typed[name].astype("float64")
    assert (typed.dtypes == "int64").any()
    assert (typed.dtypes == "float64").any()
    assert_same(POLICY, ROLE, typed, REP_KPIS)


def test_a_rounding_tie_goes_to_the_exact_engine() -> None:
    scale = {"type": "scale", "min": 1, "max": 10}
    lines = [
        {"kpi": k, "weight": w, "basis": "value", "curve": scale}
        for k, w in (("teamwork", 19), ("csat", 61), ("new_accounts", 20))
    ]
    policy = build(scorecards=[{"role": "rep", "lines": lines}])
    frame = pd.DataFrame({"teamwork": ["7.43", "7.44"], "csat": ["6.33", "6.33"]})
    got = assert_same(policy, "rep", frame, ["teamwork", "csat"])
    assert got["score"].iat[0] == Decimal("62.13")  # 62.125 exactly, rounded half up
    for mode, expected in (("half_even", "62.12"), ("half_down", "62.12"), ("up", "62.13")):
        variant = policy.evolve(rounding=mode)
        assert str(score_frame(variant, frame, role="rep")["score"].iat[0]) == expected


MODES = ["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"]


@pytest.mark.parametrize("mode", MODES)
def test_every_rounding_mode_agrees(mode: str) -> None:
    policy = POLICY.evolve(rounding=mode, score_places=1)
    assert_same(policy, ROLE, wide(_rep_rows(120), REP_KPIS), REP_KPIS)


def test_numbers_too_big_for_int64_go_to_the_exact_engine() -> None:
    rows = _rep_rows(3)
    rows[0]["sales_revenue"] = {"actual": "1" + "0" * 30, "target": "3" + "0" * 29}
    rows[1]["sales_revenue"] = {"actual": "0.000000000001", "target": "0.000000000003"}
    rows[2]["training_hours"] = 10**25
    assert_same(POLICY, ROLE, wide(rows, REP_KPIS), REP_KPIS)


def _curve_path(kpi: str) -> str:
    card = POLICY.scorecard(ROLE)
    for s, section in enumerate(card.effective_sections):
        if any(line.kpi == kpi for line in section.lines):
            return f"scorecards.{ROLE}.sections.{s}.lines.{kpi}.curve"
    raise AssertionError(kpi)


def test_policy_numbers_off_the_grid_still_agree() -> None:
    curve = {"type": "steps", "steps": [[Decimal("0.8500000000001"), 80], [1, 100]]}
    policy = POLICY.evolve({_curve_path("customer_visits"): curve})
    assert policy.sha256 != POLICY.sha256
    assert_same(policy, ROLE, wide(_rep_rows(50), REP_KPIS), REP_KPIS)


def test_ten_places_and_values_finer_than_the_grid() -> None:
    rows = _rep_rows(30)
    for i, row in enumerate(rows):
        row["training_hours"] = Decimal(i) + Decimal("0.123456789012")
    policy = POLICY.evolve(score_places=10)
    got = assert_same(policy, ROLE, wide(rows, REP_KPIS), REP_KPIS)
    assert len(str(got["score"].iat[0]).split(".")[1]) == 10


def test_cells_of_other_kinds() -> None:
    frame = wide(_rep_rows(6), REP_KPIS)
    frame["market_feedback_reports"] = pd.array([1, None, 3, 4, 5, 6], dtype="Int64")
    frame["event_participation"] = pd.Series(["1E+0", "2", " ", None, "3", "0"], dtype=object)
    assert_same(POLICY, ROLE, frame, REP_KPIS)
    flags = frame.copy()
    flags["training_hours"] = [True, False, True, False, True, False]
    assert_same(POLICY, ROLE, flags, REP_KPIS)


def test_a_float_that_is_not_finite_is_the_exact_engines_error() -> None:
    frame = wide(_rep_rows(4), REP_KPIS)
    frame["customer_satisfaction"] = [80.5, 70.0, float("inf"), 60.0]
    with pytest.raises(medsales.MedsalesError) as info:
        score_frame(POLICY, frame, role=ROLE)
    assert (info.value.path or "").startswith("rows[2]")


def test_max_score_limits_as_score_many_does() -> None:
    policy = POLICY.evolve(max_score=95)
    assert_same(policy, ROLE, wide(_rep_rows(200), REP_KPIS), REP_KPIS)


def test_missing_cells_follow_the_missing_rule() -> None:
    rows = _rep_rows(4)
    del rows[0]["customer_visits"]
    rows[1] = {}
    frame = wide(rows, REP_KPIS)
    frame.loc[2, "teamwork_rating"] = np.nan
    frame.loc[3, "customer_satisfaction"] = " "
    lenient = POLICY.evolve(
        {"scorecards.sales_representative.sections.0.lines.sales_revenue.missing": None}
    )
    got = assert_same(lenient, ROLE, frame, REP_KPIS)
    assert str(got["score"].iat[1]) == "0.00"  # only the lines whose missing is "zero"
    assert got["score"].iat[0] is not None
    assert_same(lenient.evolve(missing="zero"), ROLE, frame, REP_KPIS)
    with pytest.raises(medsales.MissingMeasurementError) as info:
        score_frame(POLICY, frame, role=ROLE)
    assert (info.value.path or "").startswith("rows[1]")


def test_bad_input_names_the_frame_row() -> None:
    rows = _rep_rows(5)
    rows[3]["sales_revenue"] = {"actual": 10, "target": 0}
    with pytest.raises(InputError, match="target") as info:
        score_frame(POLICY, wide(rows, REP_KPIS), role=ROLE)
    assert info.value.path is not None
    assert info.value.path.startswith("rows[3]")
    frame = wide(_rep_rows(2), REP_KPIS)
    frame.loc[1, "teamwork_rating"] = "abc"
    with pytest.raises(InputError) as text:
        score_frame(POLICY, frame, role=ROLE)
    assert (text.value.path or "").startswith("rows[1]")


def test_a_row_with_nothing_left_is_incomplete() -> None:
    lines = [{"kpi": "teamwork", "weight": 100, "basis": "value", "curve": {"type": "linear"}}]
    policy = build(scorecards=[{"role": "rep", "lines": lines}])
    frame = pd.DataFrame({"teamwork": [np.nan, 0.5]})
    got = assert_same(policy, "rep", frame, ["teamwork"])
    assert got["score"].iat[0] is None
    assert got["grade"].iat[0] is None
    assert got["coefficient"].iat[0] is None
    assert got["score"].iat[1] == Decimal(50)


def test_a_frame_is_required() -> None:
    with pytest.raises(InputError, match="DataFrame"):
        score_frame(POLICY, [SHEET], role=ROLE)  # type: ignore[arg-type]


def test_an_empty_frame_gives_an_empty_result() -> None:
    got = score_frame(POLICY, pd.DataFrame({"sales_revenue": []}), role=ROLE)
    assert len(got) == 0
    assert list(got.columns) == ["score", "grade", "coefficient"]


def test_a_frame_scored_in_chunks_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import medsales.engine.columnar as columnar

    frame = wide(_rep_rows(50), REP_KPIS)
    frame.loc[7, "teamwork_rating"] = Decimal("4.5")
    whole = score_frame(POLICY, frame, role=ROLE)
    monkeypatch.setattr(columnar, "_ROWS_PER_CHUNK", 7)
    pd.testing.assert_frame_equal(score_frame(POLICY, frame, role=ROLE), whole)
    assert_same(POLICY, ROLE, frame, REP_KPIS)


def test_a_curve_whose_constants_overflow_int64_goes_to_the_exact_engine() -> None:
    """Knots whose slopes have large denominators scale past int64: score_frame falls back
    to score_many for the frame instead of raising OverflowError."""
    import medsales

    policy = medsales.default_policy().evolve(
        {
            "scorecards.sales_representative.sections.teamwork.lines.training_hours.curve": {
                "type": "piecewise",
                "points": [["0", "0"], ["0.999983", "50"], ["1.999993", "100"]],
            }
        }
    )
    frame = pd.DataFrame(
        {
            "sales_revenue": ["1000", "900"],
            "sales_revenue.target": ["1000", "1000"],
            "training_hours": ["0.5", "1.5"],
        }
    )
    got = medsales.score_frame(policy, frame, role="sales_representative")
    rows = [
        {
            "sales_revenue": {"actual": r["sales_revenue"], "target": r["sales_revenue.target"]},
            "training_hours": r["training_hours"],
        }
        for r in frame.to_dict("records")
    ]
    want = medsales.score_many(policy, role="sales_representative", measurements=rows)
    assert list(got["score"]) == [s.score for s in want]
    assert list(got["grade"]) == [s.grade for s in want]


def test_a_maximum_score_beyond_int64_in_a_patterns_units_goes_to_score_many() -> None:
    # the slope 0.01 / 7.1 makes the common denominator large: max_score in its units
    # would pass 2**63 and wrap around (every row then read as incomplete)
    curve = {
        "type": "piecewise",
        "points": [[0, 0], [Decimal("7.1"), Decimal("0.01")], [Decimal("36.1"), 1], [142, 2]],
    }
    policy = one_line(curve, max_score=Decimal("42.3"), line={"missing": "zero"})
    frame = pd.DataFrame({"sales": pd.Series([None, 5.0, 200.0, 36.1], dtype=object)})
    got = assert_same(policy, "rep", frame, ["sales"])
    assert list(got["score"]) == [
        Decimal("0.00"),
        Decimal("0.01"),
        Decimal("2.00"),
        Decimal("1.00"),
    ]
