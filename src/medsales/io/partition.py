"""One department-period as the unit of distributed work (SPEC §20).

:func:`appraise_partition` takes the frames of one partition and returns a frame with a
declared Arrow schema (:data:`SUMMARY_SCHEMA` or :data:`BREAKDOWN_SCHEMA`), so that
partitions appraised separately, by Dask, Spark or Ray, concatenate and write to Parquet
as one table. It is a pure function of its arguments and gives exactly what
:func:`medsales.appraise_cohort` gives for the same rows. Numbers are Arrow decimals with
10 places: the values of the appraisal document, which shows a number exactly when it
has at most 10 decimals and otherwise rounds it half even to 10 (the score is always
exact).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal, cast

try:
    import pandas as pd
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - the optional extra is missing
    raise ImportError(
        "medsales.io.partition needs pandas and pyarrow, an optional extra: "
        "pip install 'medsales[arrow]'"
    ) from exc

from medsales.cohort.appraise import CohortResult, appraise_cohort
from medsales.engine.results import Appraisal, LineResult
from medsales.errors import InputError
from medsales.io.pandas import _records, summary_rows
from medsales.numbers import display
from medsales.periods import Period
from medsales.policy.document import require_policy
from medsales.policy.models import Policy

__all__ = ["BREAKDOWN_SCHEMA", "SUMMARY_SCHEMA", "appraise_partition", "empty_frame", "frames_of"]

_NUMBER: Final = pa.decimal128(38, 10)
"""Every number column: 28 digits before the point, 10 after (as the document shows)."""

SUMMARY_SCHEMA: Final = pa.schema(
    [
        pa.field("employee_id", pa.string()),
        pa.field("name", pa.string()),
        pa.field("team", pa.string()),
        pa.field("role", pa.string()),
        pa.field("period", pa.string()),
        pa.field("score", _NUMBER),
        pa.field("grade", pa.string()),
        pa.field("coefficient", _NUMBER),
        pa.field("complete", pa.bool_()),
        pa.field("vetoed", pa.bool_()),
        pa.field("grade_from_score", pa.string()),
        pa.field("grade_before_distribution", pa.string()),
        pa.field("raw_score", _NUMBER),
        pa.field("deductions", _NUMBER),
        pa.field("deduction_applied", _NUMBER),
        pa.field("policy_sha256", pa.string()),
    ],
    metadata={"format": "medsales.partition.summary/1"},
)
"""One row per appraisal of a partition: the summary of :func:`appraise_partition`."""

BREAKDOWN_SCHEMA: Final = pa.schema(
    [
        pa.field("employee_id", pa.string()),
        pa.field("period", pa.string()),
        pa.field("role", pa.string()),
        pa.field("segment", pa.string()),
        pa.field("section", pa.string()),
        pa.field("kpi", pa.string()),
        pa.field("status", pa.string()),
        pa.field("actual", _NUMBER),
        pa.field("target", _NUMBER),
        pa.field("x", _NUMBER),
        pa.field("points", _NUMBER),
        pa.field("weight", _NUMBER),
        pa.field("section_weight", _NUMBER),
        pa.field("effective_weight", _NUMBER),
        pa.field("contribution", _NUMBER),
        pa.field("policy_sha256", pa.string()),
    ],
    metadata={"format": "medsales.partition.breakdown/1"},
)
"""One row per scorecard line of every appraisal of a partition."""


def _shown(value: Fraction | Decimal | None) -> Decimal | None:
    return None if value is None else display(value)


def empty_frame(schema: pa.Schema) -> pd.DataFrame:
    """An empty frame of ``schema`` with Arrow dtypes: the ``meta`` Dask asks for."""
    return cast("pd.DataFrame", schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype))


def _frame(schema: pa.Schema, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    columns = {field.name: [row[i] for row in rows] for i, field in enumerate(schema)}
    table = pa.Table.from_pydict(columns, schema=schema)
    return cast("pd.DataFrame", table.to_pandas(types_mapper=pd.ArrowDtype))


def _summary(cohort: CohortResult) -> pd.DataFrame:
    sha = cohort.policy.sha256
    rows = [
        [row[0] or "", row[1] or None, *row[2:], sha]  # a name left empty is a null cell
        for row in summary_rows(cohort)
    ]
    return _frame(SUMMARY_SCHEMA, rows)


def _line(
    a: Appraisal, period: str, role: str, segment: str | None, line: LineResult, sha: str
) -> list[object]:
    return [
        a.employee_id or "",
        period,
        role,
        segment,
        line.section,
        line.kpi,
        line.status,
        _shown(line.actual),
        _shown(line.target),
        _shown(line.x),
        _shown(line.points),
        _shown(line.weight),
        _shown(line.section_weight),
        _shown(line.effective_weight),
        _shown(line.contribution),
        sha,
    ]


def _breakdown(cohort: CohortResult) -> pd.DataFrame:
    sha = cohort.policy.sha256
    period = cohort.period.label
    rows: list[list[object]] = []
    for a in cohort.appraisals:
        if a.segments:
            for s in a.segments:
                label = f"{s.start.isoformat()}/{s.end.isoformat()}"
                rows.extend(_line(a, period, s.role, label, ln, sha) for ln in s.appraisal.lines)
        else:
            rows.extend(_line(a, period, a.role, None, ln, sha) for ln in a.lines)
    return _frame(BREAKDOWN_SCHEMA, rows)


def appraise_partition(
    policy: Policy,
    period: Period | str,
    *,
    employees: pd.DataFrame,
    measurements: pd.DataFrame,
    incidents: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    goals: pd.DataFrame | None = None,
    output: Literal["summary", "breakdown"] = "summary",
) -> pd.DataFrame:
    """Appraise one partition (a whole department for one period) from its frames.

    The frames have the columns of the CSV files (SPEC §10), as for
    :func:`medsales.io.pandas.appraise_frames`; a missing cell (NaN, None, NA or empty) is
    a missing value. Returns, with Arrow dtypes (``dtype_backend="pyarrow"``), a frame
    of :data:`SUMMARY_SCHEMA` (one row per appraisal) or, with ``output="breakdown"``, of
    :data:`BREAKDOWN_SCHEMA` (one row per scorecard line), both sorted by employee id and
    naming the policy by its SHA-256. Distribution and team roll-ups see only this
    partition: partition by department and period, never finer.
    """
    require_policy(policy)
    if output not in ("summary", "breakdown"):
        raise InputError(
            f"unknown output {output!r}",
            path="output",
            value=output,
            expected="'summary' or 'breakdown'",
        )
    found = _records(
        policy,
        {
            "employees": employees,
            "measurements": measurements,
            "incidents": incidents,
            "ratings": ratings,
            "surveys": surveys,
            "goals": goals,
        },
    )
    cohort = appraise_cohort(policy, period=period, **found)
    return _summary(cohort) if output == "summary" else _breakdown(cohort)


def frames_of(cohort: CohortResult) -> Mapping[str, pd.DataFrame]:
    """A cohort's summary and breakdown frames, as :func:`appraise_partition` gives them."""
    return {"summary": _summary(cohort), "breakdown": _breakdown(cohort)}
