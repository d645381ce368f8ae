"""A real Dask cluster (SPEC §20): two worker processes appraise the partitions of
groupby(["team", "period"]) with appraise_partition, exactly as appraise_cohort does."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import medsales  # noqa: E402
from medsales.catalog import demo_file_text  # noqa: E402
from medsales.io.pandas import appraise_frames  # noqa: E402
from medsales.io.partition import SUMMARY_SCHEMA, empty_frame, frames_of  # noqa: E402

POLICY = medsales.default_policy()
KINDS = ("employees", "measurements", "incidents", "ratings", "surveys")
TEAMS = ("north", "south")
PERIODS = ("2026-Q3", "2026-Q4")


def _team(team: str, frame: Any, columns: tuple[str, ...]) -> Any:
    """The demo department as team ``team``: its ids prefixed, the south selling more."""
    out = frame.copy()
    for column in columns:
        if column in out.columns:
            out[column] = out[column].map(lambda v: f"{team}-{v}" if v else v)
    if team == "south" and "actual" in out.columns:
        out["actual"] = out["actual"].map(lambda v: str(int(v) * 11 // 10) if v.isdigit() else v)
    return out


def departments() -> dict[str, Any]:
    """Two departments' frames, every row labelled with its team."""
    ids = ("employee_id", "manager_id", "rater_id")
    out: dict[str, Any] = {}
    for kind in KINDS:
        base = pd.read_csv(io.StringIO(demo_file_text(kind)), dtype=str, keep_default_na=False)
        parts = [_team(t, base, ids).assign(team=t) for t in TEAMS]
        out[kind] = pd.concat(parts, ignore_index=True)
    return out


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A local cluster of two worker processes, shut down after the module's tests."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def test_dask_partitions_are_appraise_cohort_exactly(client: Any) -> None:
    data = departments()
    rows = data["measurements"].rename(columns={"period": "month"})
    rows["period"] = rows["month"].map(_quarter)
    rows = rows[rows["period"].isin(PERIODS)]
    others = {k: data[k] for k in ("employees", "incidents", "ratings", "surveys")}
    text = POLICY.canonical_json  # the policy travels as canonical JSON

    def appraise(group: Any) -> Any:
        from medsales.io.partition import appraise_partition
        from medsales.policy.io import policy_from_canonical

        team, period = group.name
        mine = {k: f[f["team"] == team].drop(columns="team") for k, f in others.items()}
        measurements = group.drop(columns=["team", "period"], errors="ignore")
        return appraise_partition(
            policy_from_canonical(text),
            period,
            measurements=measurements.rename(columns={"month": "period"}),
            **mine,
        )

    assert len(client.scheduler_info()["workers"]) == 2
    frame = dd.from_pandas(rows, npartitions=2)
    got = (
        frame.groupby(["team", "period"])
        .apply(appraise, meta=empty_frame(SUMMARY_SCHEMA))
        .compute()
    )
    got = got.reset_index(drop=True).sort_values(["period", "employee_id"], ignore_index=True)
    expected = []
    for team in TEAMS:
        mine = {k: f[f["team"] == team].drop(columns="team") for k, f in data.items()}
        for period in PERIODS:
            cohort = appraise_frames(POLICY, period=period, **mine)
            expected.append(frames_of(cohort)["summary"])
    want = pd.concat(expected).sort_values(["period", "employee_id"], ignore_index=True)
    assert len(got) == len(want) == 2 * len(PERIODS) * 42
    pd.testing.assert_frame_equal(got, want)
    south = want[want["employee_id"].str.startswith("south-")]
    north = want[want["employee_id"].str.startswith("north-")]
    assert list(south["score"]) != list(north["score"])  # the teams really differ


def test_simulate_on_a_dask_client_is_the_process_pool(client: Any) -> None:
    from medsales.io import csv as csvio

    data = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in KINDS}
    variants = {"strict": {"grades.A.min": 88}, "lenient": {"grades.B.min": 65}}
    on_dask = medsales.simulate(POLICY, variants, period="2026-Q4", client=client, **data)
    here = medsales.simulate(POLICY, variants, period="2026-Q4", workers=1, **data)
    assert on_dask.to_dict() == here.to_dict()
