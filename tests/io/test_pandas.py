"""pandas DataFrames in and out: the same results as the records, numbers exact."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import math
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

import medsales  # noqa: E402
from builders import NOT_APPLICABLE, build  # noqa: E402
from medsales import CohortResult, InputError, appraise_cohort  # noqa: E402
from medsales.catalog import DEMO_FILES, demo_file_text  # noqa: E402
from medsales.io import csv as csvio  # noqa: E402
from medsales.io.pandas import (  # noqa: E402
    BREAKDOWN_COLUMNS,
    SUMMARY_COLUMNS,
    ExactFrame,
    ExactSeries,
    appraise_frames,
    breakdown_frame,
    summary_frame,
)
from medsales.numbers import display  # noqa: E402

POLICY = medsales.default_policy()


def demo_frames(**read_csv: Any) -> dict[str, Any]:
    return {k: pd.read_csv(io.StringIO(demo_file_text(k)), **read_csv) for k in DEMO_FILES}


def demo_records(period: str = "2026-Q4") -> CohortResult:
    inputs = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    return appraise_cohort(POLICY, period=period, **inputs)


@pytest.fixture(scope="module")
def demo() -> CohortResult:
    return appraise_frames(POLICY, period="2026-Q4", **demo_frames(dtype=str))


# --------------------------------------------------------------------------- frames in


def test_frames_give_the_same_results_as_the_csv_records(demo: CohortResult) -> None:
    assert demo.to_json() == demo_records().to_json()


def test_frames_with_the_types_pandas_guesses_give_the_same_results() -> None:
    frames = demo_frames()  # numbers as float64 and int64, empty cells NaN
    assert frames["measurements"]["actual"].dtype == np.float64
    cohort = appraise_frames(POLICY, period="2026-Q4", **frames)
    assert cohort.to_json() == demo_records().to_json()


def test_row_order_and_the_index_do_not_matter(demo: CohortResult) -> None:
    frames = demo_frames(dtype=str)
    shuffled = {k: f.sample(frac=1, random_state=7) for k, f in frames.items()}
    assert not shuffled["measurements"].index.is_monotonic_increasing
    assert appraise_frames(POLICY, period="2026-Q4", **shuffled).to_json() == demo.to_json()


def test_distribution_can_be_left_off() -> None:
    policy = build(distribution={"mode": "cap", "shares": {"S": 0.1}})
    employees = pd.DataFrame({"employee_id": ["A", "B"], "role": ["rep", "rep"]})
    rows = pd.DataFrame(
        {
            "employee_id": ["A", "B"] * 4,
            "period": "2026-Q3",
            "kpi": [k for k in ("sales", "csat", "new_accounts", "teamwork") for _ in "AB"],
            "actual": "120",
            "target": "100",
        }
    )
    capped = appraise_frames(policy, employees=employees, measurements=rows, period="2026-Q3")
    free = appraise_frames(
        policy, employees=employees, measurements=rows, period="2026-Q3", distribution=False
    )
    assert sorted(a.grade or "" for a in capped.appraisals) == ["A", "A"]
    assert [a.grade for a in free.appraisals] == ["S", "S"]


def one_rep(actual: Any, target: Any, **columns: Any) -> Any:
    """The appraisal of one rep of the test policy with a single 'sales' line."""
    policy = build(
        scorecards=[
            {
                "role": "rep",
                "lines": [
                    {
                        "kpi": "sales",
                        "weight": 100,
                        "basis": "attainment",
                        "curve": {"type": "linear"},
                    }
                ],
            }
        ]
    )
    employees = pd.DataFrame({"employee_id": ["A"], "role": ["rep"]})
    rows = pd.DataFrame(
        {
            "employee_id": ["A"],
            "period": ["2026-Q3"],
            "kpi": ["sales"],
            "actual": pd.Series([actual], dtype=columns.pop("dtype", None)),
            "target": [target],
            **columns,
        }
    )
    cohort = appraise_frames(policy, employees=employees, measurements=rows, period="2026-Q3")
    return cohort.appraisal("A").lines[0]


def test_a_decimal_column_is_never_rounded_through_a_float() -> None:
    line = one_rep(Decimal("1000.0000000000000000000001"), Decimal("1000"))
    assert line.actual == Decimal("1000.0000000000000000000001")
    assert line.x == Fraction(Decimal("1.0000000000000000000000001"))


def test_a_text_column_keeps_every_digit() -> None:
    line = one_rep("123456789012345678901.5", "100000000000000000000", dtype=object)
    assert line.actual == Decimal("123456789012345678901.5")


def test_a_float_column_is_read_through_repr() -> None:
    line = one_rep(0.1, 0.3, dtype="float64")
    assert line.actual == Decimal("0.1")
    assert line.target == Decimal("0.3")
    assert line.x == Fraction(1, 3)  # not 0.1 / 0.3 = 0.33333333333333337 in binary


def test_a_float32_column_is_read_through_its_own_repr() -> None:
    line = one_rep(np.float32(0.1), 1, dtype="float32")
    assert line.actual == Decimal("0.1")


def test_integer_columns_are_exact() -> None:
    line = one_rep(2**70, 2**69, dtype=object)
    assert line.actual == Decimal(2**70)
    assert line.x == 2


@pytest.mark.parametrize("bad", [math.inf, "abc", True])
def test_a_bad_number_names_its_row_and_column(bad: Any) -> None:
    with pytest.raises(InputError) as excinfo:
        one_rep(bad, 1, dtype=object)
    assert excinfo.value.path == "measurements[0].actual"


@pytest.mark.parametrize("empty", [None, math.nan, pd.NA, "", "  ", Decimal("NaN")])
def test_empty_cells_are_absent(empty: Any) -> None:
    line = one_rep(1, 1, weight=pd.Series([empty], dtype=object))
    assert line.status == "scored"


@pytest.mark.parametrize(
    ("applicable", "status"),
    [
        (False, "not_applicable"),
        (np.bool_(False), "not_applicable"),
        ("否", "not_applicable"),
        (" FALSE ", "not_applicable"),
        (0, "not_applicable"),
        (0.0, "not_applicable"),
        (True, "scored"),
        ("yes", "scored"),
        (1, "scored"),
        (None, "scored"),
        ("", "scored"),
    ],
)
def test_applicable_takes_bools_numbers_and_the_csv_words(applicable: Any, status: str) -> None:
    line = one_rep(1, 1, applicable=pd.Series([applicable], dtype=object))
    assert line.status == status


@pytest.mark.parametrize("bad", ["maybe", 2, dt.date(2026, 1, 1)])
def test_a_bad_applicable_is_an_error(bad: Any) -> None:
    with pytest.raises(InputError, match="not true or false") as excinfo:
        one_rep(1, 1, applicable=pd.Series([bad], dtype=object))
    assert excinfo.value.path == "measurements[0].applicable"


def test_a_boolean_extension_column_with_gaps() -> None:
    line = one_rep(1, 1, applicable=pd.array([pd.NA], dtype="boolean"))
    assert line.status == "scored"


def roster(**active_from: Any) -> Any:
    return pd.DataFrame({"employee_id": ["A"], "role": ["rep"], **active_from})


def active_days(employees: Any) -> Any:
    rows = pd.DataFrame(
        {
            "employee_id": ["A"],
            "period": ["2026-08"],
            "kpi": ["sales"],
            "actual": ["1"],
            "target": ["1"],
        }
    )
    cohort = appraise_frames(build(), employees=employees, measurements=rows, period="2026-Q3")
    return [n for n in cohort.appraisal("A").notes if n.code == "active_part"]


@pytest.mark.parametrize(
    "value",
    [
        pd.to_datetime(pd.Series(["2026-08-01"])),
        pd.Series([dt.date(2026, 8, 1)], dtype=object),
        pd.Series([dt.datetime(2026, 8, 1)], dtype=object),
        pd.Series([np.datetime64("2026-08-01")], dtype=object),
        pd.Series(["2026-08-01"]),
        pd.Series([" 2026-08-01 "], dtype=object),
    ],
)
def test_dates_from_datetime64_dates_and_iso_text(value: Any) -> None:
    (note,) = active_days(roster(active_from=value, active_to=pd.Series([pd.NaT])))
    assert dict(note.params)["start"] == dt.date(2026, 8, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (pd.Timestamp("2026-08-01 09:30"), "time of day"),
        (pd.Timestamp("2026-08-01", tz="Asia/Shanghai"), "time zone"),
        (20260801, "not a date"),
    ],
)
def test_a_bad_date_is_an_error(value: Any, message: str) -> None:
    with pytest.raises(InputError, match=message) as excinfo:
        active_days(roster(active_from=pd.Series([value], dtype=object)))
    assert excinfo.value.path == "employees[0].active_from"


def test_ids_that_pandas_read_as_numbers_are_written_in_digits() -> None:
    employees = pd.read_csv(
        io.StringIO("employee_id,name,role,manager_id\n1,Boss,other,\n2,Rep,rep,1\n")
    )
    assert employees["manager_id"].dtype == np.float64  # 1.0 and NaN
    rows = pd.DataFrame(
        {
            "employee_id": [1, 2],
            "period": ["2026-Q3", "2026-Q3"],
            "kpi": ["sales", "sales"],
            "actual": [1, 1],
            "target": [1, 1],
        }
    )
    cohort = appraise_frames(build(), employees=employees, measurements=rows, period="2026-Q3")
    assert [a.employee_id for a in cohort.appraisals] == ["1", "2"]
    assert cohort.team_of("2") == "1"


@pytest.mark.parametrize(
    ("column", "value"),
    [("role", True), ("role", np.bool_(True)), ("period", 2026.5), ("kpi", Decimal("1"))],
)
def test_a_text_cell_that_is_not_text_is_an_error(column: str, value: Any) -> None:
    employees = pd.DataFrame({"employee_id": ["A"], "role": ["rep"]})
    rows = pd.DataFrame(
        {"employee_id": ["A"], "period": ["2026-Q3"], "kpi": ["sales"], "actual": ["1"]}
    )
    frame = employees if column == "role" else rows
    frame[column] = pd.Series([value], dtype=object)
    with pytest.raises(InputError) as excinfo:
        appraise_frames(build(), employees=employees, measurements=rows, period="2026-Q3")
    name = "employees" if column == "role" else "measurements"
    assert excinfo.value.path == f"{name}[0].{column}"


def test_optional_frames_take_their_rows() -> None:
    cohort = appraise_frames(
        POLICY,
        period="2026-Q4",
        **{k: v for k, v in demo_frames(dtype=str).items() if k in ("employees", "measurements")},
    )
    full = demo_records()
    assert cohort.appraisal("E033").grade != full.appraisal("E033").grade  # no incident: no veto
    assert cohort.appraisal("E033").conduct == ()


@pytest.mark.parametrize(
    ("change", "message", "path"),
    [
        (lambda f: f.assign(wieght="1"), "unknown column 'wieght'", "measurements.wieght"),
        (lambda f: f.drop(columns=["kpi"]), "missing required column 'kpi'", "measurements.kpi"),
        (
            lambda f: pd.concat([f, f[["kpi"]]], axis=1),
            "duplicate column 'kpi'",
            "measurements.kpi",
        ),
        (lambda f: f.to_dict("records"), "must be a pandas DataFrame, not list", "measurements"),
    ],
)
def test_frames_with_the_wrong_columns_are_refused(change: Any, message: str, path: str) -> None:
    frames = demo_frames(dtype=str)
    frames["measurements"] = change(frames["measurements"])
    with pytest.raises(InputError, match=message) as excinfo:
        appraise_frames(POLICY, period="2026-Q4", **frames)
    assert excinfo.value.path == path


def test_bad_rows_are_reported_by_position() -> None:
    frames = demo_frames(dtype=str)
    frames["incidents"].loc[2, "severity"] = "dreadful"
    frames["incidents"].index = [f"row{i}" for i in range(len(frames["incidents"]))]
    with pytest.raises(InputError) as excinfo:
        appraise_frames(POLICY, period="2026-Q4", **frames)
    assert excinfo.value.path == "incidents[2].severity"


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.delitem(sys.modules, "medsales.io.pandas")
    with pytest.raises(ImportError, match=r"pip install 'medsales\[pandas\]'"):
        importlib.import_module("medsales.io.pandas")


# --------------------------------------------------------------------------- frames out


def test_summary_frame_has_a_row_per_appraisal(demo: CohortResult) -> None:
    frame = summary_frame(demo)
    assert tuple(frame.columns) == SUMMARY_COLUMNS
    assert len(frame) == len(demo.appraisals) == 42
    assert list(frame["employee_id"]) == [a.employee_id for a in demo.appraisals]
    row = frame.set_index("employee_id").loc["E033"]
    a = demo.appraisal("E033")
    assert row["name"] == "杨帆"
    assert row["team"] == "E004"
    assert row["role"] == a.role
    assert row["period"] == "2026-Q4"
    assert row["score"] == a.score
    assert isinstance(row["score"], Decimal)
    assert str(row["score"]) == "82.77"  # exactly score_places decimals
    assert row["grade"] == "D"
    assert row["grade_from_score"] == "B"
    assert bool(row["vetoed"])
    assert row["coefficient"] == Decimal(0)
    assert row["raw_score"] == display(a.raw_score or 0)
    assert frame.set_index("employee_id").loc["E001", "team"] is None  # the head
    assert frame["complete"].dtype == bool
    assert frame["vetoed"].dtype == bool
    for column in ("score", "coefficient", "raw_score", "deductions", "deduction_applied"):
        assert frame[column].dtype == object
        assert all(isinstance(v, Decimal) for v in frame[column])


def test_summary_frame_in_floats_for_statistics(demo: CohortResult) -> None:
    frame = summary_frame(demo, exact=False)
    for column in ("score", "coefficient", "raw_score", "deductions", "deduction_applied"):
        assert frame[column].dtype == np.float64
    assert frame["score"].tolist() == [float(a.score or 0) for a in demo.appraisals]
    means = frame.groupby("team")["score"].mean()
    by_team = {s.key: float(s.mean or 0) for s in demo.by_team}
    for team, mean in means.items():
        assert mean == pytest.approx(by_team[str(team)])


def test_an_incomplete_appraisal_has_no_score() -> None:
    cohort = appraise_frames(
        build(),
        employees=pd.DataFrame({"employee_id": ["A"], "role": ["rep"]}),
        measurements=pd.DataFrame(NOT_APPLICABLE),
        period="2026-Q3",
    )
    exact = summary_frame(cohort)
    assert exact.loc[0, "score"] is None
    assert not exact.loc[0, "complete"]
    assert math.isnan(summary_frame(cohort, exact=False).loc[0, "score"])


def test_breakdown_frame_has_a_row_per_line(demo: CohortResult) -> None:
    frame = breakdown_frame(demo)
    assert tuple(frame.columns) == BREAKDOWN_COLUMNS
    assert len(frame) == sum(len(a.lines) for a in demo.appraisals)
    assert frame["segment"].isna().all()
    a = demo.appraisal("E022")  # too few survey responses: CSAT not applicable
    rows = frame[frame["employee_id"] == "E022"]
    assert list(rows["kpi"]) == [line.kpi for line in a.lines]
    csat = rows[rows["kpi"] == "customer_satisfaction"].iloc[0]
    assert csat["status"] == "not_applicable"
    assert csat["contribution"] == 0
    for (_, row), line in zip(rows.iterrows(), a.lines, strict=True):
        assert row["x"] == (None if line.x is None else display(line.x))
        assert row["effective_weight"] == display(line.effective_weight)
    total = sum(Fraction(line.contribution) for line in a.lines)
    assert total == a.raw_score
    assert sum(rows["contribution"]) == pytest.approx(display(total), abs=Decimal("1e-8"))


def test_breakdown_frame_in_floats_pivots(demo: CohortResult) -> None:
    frame = breakdown_frame(demo, exact=False)
    assert frame["points"].dtype == np.float64
    pivot = frame.pivot_table(index="employee_id", columns="kpi", values="contribution")
    assert pivot.loc["E005"].sum() == pytest.approx(float(demo.appraisal("E005").raw_score or 0))


def test_breakdown_frame_lists_each_role_segment() -> None:
    cohort = appraise_frames(POLICY, period="2026", **demo_frames(dtype=str))
    frame = breakdown_frame(cohort)
    rows = frame[frame["employee_id"] == "E007"]
    assert set(rows["role"]) == {"sales_representative", "marketing_specialist"}
    assert list(dict.fromkeys(rows["segment"])) == [
        "2026-01-01/2026-09-30",
        "2026-10-01/2026-12-31",
    ]
    assert frame[frame["employee_id"] != "E007"]["segment"].isna().all()


def test_empty_frames_out() -> None:
    cohort = appraise_frames(
        build(),
        employees=pd.DataFrame(
            {"employee_id": ["A"], "role": ["rep"], "active_to": ["2020-01-01"]}
        ),
        measurements=pd.DataFrame(NOT_APPLICABLE),
        period="2026-Q3",
    )
    assert cohort.appraisals == ()
    assert summary_frame(cohort).shape == (0, len(SUMMARY_COLUMNS))
    assert breakdown_frame(cohort, exact=False).shape == (0, len(BREAKDOWN_COLUMNS))


# --------------------------------------------------------------------------- exact frames


def test_grades_are_ordered_categoricals_best_first(demo: CohortResult) -> None:
    frame = summary_frame(demo)
    ids = [g.id for g in POLICY.grades]
    for column in ("grade", "grade_from_score", "grade_before_distribution"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype)
        assert frame[column].cat.ordered
        assert list(frame[column].cat.categories) == ids
    ranked = frame.sort_values("grade")["grade"].tolist()
    assert ranked == sorted(ranked, key=ids.index)
    assert ranked[0] == "S"
    assert frame["grade"].min() == "S"  # the best grade comes first
    counts = frame["grade"].value_counts(sort=False)
    assert list(counts.index) == ids
    assert dict(counts) == dict(demo.grades)


def test_describe_gives_exact_statistics_of_the_scores(demo: CohortResult) -> None:
    import statistics

    frame = summary_frame(demo)
    stats = frame["score"].describe()
    scores = [a.score for a in demo.appraisals if a.score is not None]
    assert list(stats.index) == ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]
    assert stats["count"] == len(scores)
    assert stats["mean"] == display(Fraction(sum(scores)) / len(scores))
    assert stats["min"] == min(scores)
    assert stats["max"] == max(scores)
    assert stats["50%"] == statistics.median(scores)
    floats = summary_frame(demo, exact=False)["score"].describe()
    for key in stats.index:
        assert float(stats[key]) == pytest.approx(floats[key])
    whole = frame.describe()
    assert list(whole.columns) == [
        "score",
        "coefficient",
        "raw_score",
        "deductions",
        "deduction_applied",
    ]
    assert whole.loc["mean", "score"] == stats["mean"]
    assert isinstance(frame[frame["grade"] == "S"], ExactFrame)


def test_describe_of_other_columns_is_what_pandas_gives(demo: CohortResult) -> None:
    frame = summary_frame(demo)
    assert frame["name"].describe()["count"] == 42
    assert "unique" in frame["grade"].describe().index
    assert list(frame[["grade", "name"]].describe().index) == ["count", "unique", "top", "freq"]
    single = ExactSeries([Decimal("1.5")], name="x").describe()
    assert single["count"] == 1
    assert single["std"] is None
    assert ExactSeries([Decimal(1), Decimal(3)]).describe(percentiles=[0.5])["50%"] == 2
    tenth = ExactSeries([Decimal(1), Decimal(3)]).describe(percentiles=[0.1])
    assert list(tenth.index) == ["count", "mean", "std", "min", "10%", "50%", "max"]
    assert tenth["10%"] == Decimal("1.2")


def test_demo_frames_load_the_demo_in_one_line() -> None:
    frames = medsales.demo_frames()
    assert set(frames) == set(DEMO_FILES)
    for frame in frames.values():  # text, so every number stays as written
        assert pd.api.types.is_string_dtype(frame["employee_id"])
    assert pd.api.types.is_string_dtype(frames["measurements"]["actual"])
    cohort = appraise_frames(POLICY, period="2026-Q4", **frames)
    assert cohort.to_json() == demo_records().to_json()


def test_every_bad_cell_of_every_frame_is_listed_at_once() -> None:
    frames = demo_frames(dtype=str)
    frames["measurements"].loc[3, "actual"] = "abc"
    frames["measurements"].loc[7, "kpi"] = "revenue"
    frames["incidents"].loc[1, "severity"] = "dreadful"
    with pytest.raises(InputError, match="3 problems in the frames") as excinfo:
        appraise_frames(POLICY, period="2026-Q4", **frames)
    assert [p.path for p in excinfo.value.problems] == [
        "measurements[3].actual",
        "measurements[7].kpi",
        "incidents[1].severity",
    ]
    assert excinfo.value.path == "measurements[3].actual"
