"""appraise_partition (SPEC §20): a department-period from frames, exactly appraise_cohort,
with declared Arrow schemas."""

from __future__ import annotations

import io
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

import medsales  # noqa: E402
from medsales.catalog import demo_file_text  # noqa: E402
from medsales.io.partition import (  # noqa: E402
    BREAKDOWN_SCHEMA,
    SUMMARY_SCHEMA,
    appraise_partition,
    empty_frame,
)
from medsales.numbers import display  # noqa: E402

POLICY = medsales.default_policy()
KINDS = ("employees", "measurements", "incidents", "ratings", "surveys")


def frames(**read: Any) -> dict[str, Any]:
    return {n: pd.read_csv(io.StringIO(demo_file_text(n)), **read) for n in KINDS}


def cohort(period: str) -> medsales.CohortResult:
    from medsales.io.pandas import appraise_frames

    return appraise_frames(POLICY, period=period, **frames(dtype=str, keep_default_na=False))


def test_summary_is_appraise_cohort_row_for_row() -> None:
    expected = cohort("2026-Q4")
    got = appraise_partition(POLICY, "2026-Q4", **frames(dtype=str, keep_default_na=False))
    assert len(got) == len(expected.appraisals)
    for row, a in zip(got.itertuples(index=False), expected.appraisals, strict=True):
        assert row.employee_id == a.employee_id
        assert row.period == "2026-Q4"
        assert row.role == a.role
        assert row.score == a.score if a.score is not None else pd.isna(row.score)
        assert (row.grade if not pd.isna(row.grade) else None) == a.grade
        assert row.coefficient == a.coefficient
        assert (row.complete, row.vetoed) == (a.complete, a.vetoed)
        assert row.policy_sha256 == POLICY.sha256
    vetoed = got[got["employee_id"] == "E033"].iloc[0]
    assert bool(vetoed["vetoed"])
    assert vetoed["grade"] == POLICY.grades[-1].id


def test_breakdown_is_every_line_of_every_appraisal() -> None:
    expected = cohort("2026-Q4")
    got = appraise_partition(
        POLICY, "2026-Q4", output="breakdown", **frames(dtype=str, keep_default_na=False)
    )
    lines = [
        (a.employee_id, line.kpi, line.contribution)
        for a in expected.appraisals
        for line in ([ln for s in a.segments for ln in s.appraisal.lines] or a.lines)
    ]
    assert len(got) == len(lines)
    for row, (eid, kpi, contribution) in zip(got.itertuples(index=False), lines, strict=True):
        assert (row.employee_id, row.kpi) == (eid, kpi)
        assert row.contribution == display(contribution)


def test_missing_cells_are_missing_however_the_frame_holds_them() -> None:
    as_text = appraise_partition(POLICY, "2026-Q4", **frames(dtype=str, keep_default_na=False))
    with_nan = appraise_partition(POLICY, "2026-Q4", **frames(dtype=str))
    arrow = appraise_partition(POLICY, "2026-Q4", **frames(dtype_backend="pyarrow"))
    pd.testing.assert_frame_equal(as_text, with_nan)
    pd.testing.assert_frame_equal(as_text, arrow)


def test_a_partition_is_a_pure_function_of_its_frames() -> None:
    given = frames(dtype=str, keep_default_na=False)
    before = {n: f.copy() for n, f in given.items()}
    first = appraise_partition(POLICY, "2026-Q2", **given)
    second = appraise_partition(POLICY, "2026-Q2", **given)
    pd.testing.assert_frame_equal(first, second)
    for name, frame in given.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_partitions_share_one_declared_schema() -> None:
    given = frames(dtype=str, keep_default_na=False)
    tables = []
    for period in ("2026-Q3", "2026-Q4"):
        for output, schema in (("summary", SUMMARY_SCHEMA), ("breakdown", BREAKDOWN_SCHEMA)):
            got = appraise_partition(POLICY, period, output=output, **given)
            table = pa.Table.from_pandas(got, preserve_index=False)
            assert table.schema.equals(schema, check_metadata=False)
            if output == "summary":
                tables.append(table)
    both = pa.concat_tables(tables)
    assert both.num_rows == sum(t.num_rows for t in tables)
    assert SUMMARY_SCHEMA.field("score").type == pa.decimal128(38, 10)
    assert {"employee_id", "period", "role", "score", "grade", "coefficient"} <= set(
        SUMMARY_SCHEMA.names
    )
    assert {"complete", "vetoed"} <= set(SUMMARY_SCHEMA.names)


def test_empty_frame_has_the_schema_dtypes() -> None:
    meta = empty_frame(SUMMARY_SCHEMA)
    assert list(meta.columns) == SUMMARY_SCHEMA.names
    assert str(meta["score"].dtype) == "decimal128(38, 10)[pyarrow]"


def test_unknown_output_is_refused() -> None:
    with pytest.raises(medsales.InputError, match="unknown output"):
        appraise_partition(
            POLICY,
            "2026-Q4",
            output="everything",  # type: ignore[arg-type]
            **frames(dtype=str, keep_default_na=False),
        )


def test_goals_are_read_as_appraise_cohort_reads_them() -> None:
    """A goals frame feeds the goals-derived KPI exactly as goal records do (SPEC §16)."""
    from medsales.catalog import goals_example_policy
    from medsales.io.csv import read_employees, read_goals, read_measurements

    policy = goals_example_policy()
    given = frames(dtype=str, keep_default_na=False)
    goals = pd.read_csv(io.StringIO(demo_file_text("goals")), dtype=str, keep_default_na=False)
    got = appraise_partition(policy, "2026-Q4", goals=goals, **given)
    cohort = medsales.appraise_cohort(
        policy,
        employees=read_employees(io.StringIO(demo_file_text("employees"))),
        measurements=read_measurements(io.StringIO(demo_file_text("measurements"))),
        incidents=medsales.io.csv.read_incidents(io.StringIO(demo_file_text("incidents"))),
        ratings=medsales.io.csv.read_ratings(io.StringIO(demo_file_text("ratings"))),
        surveys=medsales.io.csv.read_surveys(io.StringIO(demo_file_text("surveys"))),
        goals=read_goals(io.StringIO(demo_file_text("goals"))),
        period="2026-Q4",
    )
    scores = {a.employee_id: a.score for a in cohort.appraisals}
    assert {r.employee_id: r.score for r in got.itertuples()} == scores
    marketing = [a for a in cohort.appraisals if a.role == "marketing_specialist"]
    assert marketing
    assert all(
        any(line.kpi == "goal_progress" and line.status == "scored" for line in a.lines)
        for a in marketing
    )


def test_bad_input_is_the_cohort_error() -> None:
    given = frames(dtype=str, keep_default_na=False)
    given["measurements"].loc[3, "actual"] = "abc"
    with pytest.raises(medsales.InputError, match="abc") as info:
        appraise_partition(POLICY, "2026-Q4", **given)
    assert (info.value.path or "").startswith("measurements[3]")


def test_import_medsales_loads_neither_pyarrow_nor_numpy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, medsales; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyarrow', 'numpy', 'pandas', 'dask')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
    assert medsales.SUMMARY_SCHEMA is SUMMARY_SCHEMA
    assert medsales.appraise_partition is appraise_partition
