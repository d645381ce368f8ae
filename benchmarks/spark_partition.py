"""appraise_partition on Spark local mode: ``groupBy(...).applyInPandas`` (SPEC §20).

Two departments (the demo department twice, its ids prefixed ``north-`` and ``south-``,
the south's sales 10 % higher) are appraised per department and quarter by Spark's
``applyInPandas``, and the result is checked, row for row, against
``medsales.appraise_cohort`` run here on the same partitions. Needs pyspark (not an extra
of medsales: ``pip install pyspark``) and Java 17. Run:

    python benchmarks/spark_partition.py
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time

import pandas as pd

import medsales
from medsales.catalog import demo_file_text
from medsales.io.pandas import appraise_frames
from medsales.io.partition import frames_of

POLICY = medsales.default_policy()
KINDS = ("employees", "measurements", "incidents", "ratings", "surveys")
TEAMS = ("north", "south")
PERIODS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")
COLUMNS = ("employee_id", "period", "role", "score", "grade", "coefficient", "complete", "vetoed")


def departments() -> dict[str, pd.DataFrame]:
    """Two departments' frames (text cells), every row labelled with its team."""
    out: dict[str, pd.DataFrame] = {}
    for kind in KINDS:
        base = pd.read_csv(io.StringIO(demo_file_text(kind)), dtype=str, keep_default_na=False)
        parts = []
        for team in TEAMS:
            part = base.copy()
            for column in ("employee_id", "manager_id", "rater_id"):
                if column in part.columns:
                    part[column] = part[column].map(lambda v, t=team: f"{t}-{v}" if v else v)
            if team == "south" and "actual" in part.columns:
                part["actual"] = part["actual"].map(
                    lambda v: str(int(v) * 11 // 10) if v.isdigit() else v
                )
            parts.append(part.assign(team=team))
        out[kind] = pd.concat(parts, ignore_index=True)
    return out


def quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def main() -> None:
    from pyspark.sql import SparkSession

    data = departments()
    rows = data["measurements"].rename(columns={"period": "month"})
    rows["period"] = rows["month"].map(quarter)
    others = {k: data[k] for k in ("employees", "incidents", "ratings", "surveys")}
    text = POLICY.canonical_json  # the policy travels as canonical JSON

    def appraise(group: pd.DataFrame) -> pd.DataFrame:
        from medsales.io.partition import appraise_partition
        from medsales.policy.io import policy_from_canonical

        team, period = group["team"].iloc[0], group["period"].iloc[0]
        mine = {k: f[f["team"] == team].drop(columns="team") for k, f in others.items()}
        measurements = group.drop(columns=["team", "period"]).rename(columns={"month": "period"})
        summary = appraise_partition(
            policy_from_canonical(text), period, measurements=measurements, **mine
        )
        # Spark takes plain pandas columns: decimals as text keep every digit
        out = summary[list(COLUMNS)].astype(object)
        for column in ("score", "coefficient"):
            out[column] = out[column].map(lambda v: None if pd.isna(v) else str(v))
        return out

    schema = (
        "employee_id string, period string, role string, score string, grade string, "
        "coefficient string, complete boolean, vetoed boolean"
    )
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("medsales-partitions")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        frame = spark.createDataFrame(rows.astype(str))
        start = time.perf_counter()
        got = frame.groupBy("team", "period").applyInPandas(appraise, schema=schema).toPandas()
        elapsed = time.perf_counter() - start
        version = spark.version
    finally:
        spark.stop()
    got = got.sort_values(["period", "employee_id"], ignore_index=True)
    expected = []
    for team in TEAMS:
        mine = {k: f[f["team"] == team].drop(columns="team") for k, f in data.items()}
        for period in PERIODS:
            summary = frames_of(appraise_frames(POLICY, period=period, **mine))["summary"]
            part = summary[list(COLUMNS)].astype(object)
            for column in ("score", "coefficient"):
                part[column] = part[column].map(lambda v: None if pd.isna(v) else str(v))
            expected.append(part)
    want = pd.concat(expected).sort_values(["period", "employee_id"], ignore_index=True)
    same = got.astype(str).equals(want.astype(str))
    print(
        f"Spark {version} local[2], Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, medsales {medsales.__version__}"
    )
    print(f"partitions: {len(TEAMS)} departments x {len(PERIODS)} quarters; appraisals: {len(got)}")
    print(f"applyInPandas: {elapsed:.1f} s (includes starting the Python workers)")
    print(f"identical to appraise_cohort, row for row: {same}")
    print(got.groupby(["period", "grade"]).size().unstack(fill_value=0).to_string())
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
