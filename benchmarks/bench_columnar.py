"""Columnar exact scoring: ``medsales.score_frame`` against a Decimal loop and float NumPy.

In one run, on the same wide frame of synthetic employee-quarters (the built-in policy's
sales representative scorecard, 8 KPIs, ``float64`` columns as ``pandas.read_csv``
makes them):

- ``medsales.score_frame`` (NumPy int64 intervals, exact, hard rows to the exact engine);
- a careful hand-written Decimal loop: constants built once, 60 digits, the cells
  already Decimals (their conversion is not timed); it must give the same scores;
- hand-written float64 NumPy (fast, not exact: the scores it gets wrong are counted);
- with ``--dask``, ``score_frame`` over the frame's partitions on a ``LocalCluster`` of 2
  worker processes against one process scoring the whole frame.

Each ratio is within this run; the targets are printed beside them. Run:

    python benchmarks/bench_columnar.py [--rows 1000000] [--dask]
"""

from __future__ import annotations

import argparse
import decimal
import gc
import itertools
import math
import os
import platform
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

import medsales

POLICY = medsales.default_policy()
ROLE = "sales_representative"
D = Decimal


def make_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A wide frame: one row per employee-quarter, ``<kpi>`` and ``<kpi>.target``."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sales_revenue": rng.integers(30_000, 190_000, rows) * 10.0,
            "sales_revenue.target": rng.integers(600, 1500, rows) * 1000.0,
            "customer_satisfaction": rng.integers(500, 1000, rows) / 10,
            "customer_visits": rng.integers(20, 80, rows).astype(float),
            "customer_visits.target": np.full(rows, 60.0),
            "new_customers": rng.integers(0, 9, rows).astype(float),
            "new_customers.target": np.full(rows, 5.0),
            "market_feedback_reports": rng.integers(0, 8, rows).astype(float),
            "event_participation": rng.integers(0, 4, rows).astype(float),
            "teamwork_rating": rng.integers(10, 51, rows) / 10,
            "training_hours": rng.integers(0, 20, rows).astype(float),
        }
    )


def columnar(frame: pd.DataFrame) -> list[Any]:
    return list(medsales.score_frame(POLICY, frame, role=ROLE)["score"])


def decimal_columns(frame: pd.DataFrame) -> dict[str, list[Decimal]]:
    """The cells as Decimals, through their repr (as medsales reads a float)."""
    return {name: [D(repr(v)) for v in frame[name].tolist()] for name in frame.columns}


class Constants:
    """The representative scorecard's numbers, built once, as Decimals or as Fractions."""

    def __init__(self, kind: Callable[[Any], Any]) -> None:
        k = kind
        self.zero, self.one, self.hundred = k(0), k(1), k(100)
        self.floor, self.cap, self.top = k("0.6"), k("1.2"), k(120)
        self.csat = ((k(60), k(60)), (k(90), k(100)), (k(100), k(110)))
        self.visits = ((k("0.7"), k(60)), (k("0.85"), k(80)), (k(1), k(100)))
        self.new = ((k("0.5"), k(50)), (k(1), k(100)), (k("1.5"), k(120)))
        self.feedback = ((k(1), k(40)), (k(3), k(70)), (k(6), k(100)))
        self.events = ((k(1), k(50)), (k(2), k(80)), (k(3), k(100)))
        self.training = ((k(0), k(0)), (k(12), k(100)))
        self.weights = tuple(
            k(w) for w in ("0.5", "0.12", "0.08", "0.1", "0.06", "0.04", "0.075", "0.025")
        )


def _steps(x: Any, table: Any, zero: Any) -> Any:
    points = zero
    for threshold, p in table:
        if x >= threshold:
            points = p
    return points


def _piecewise_times(x: Any, knots: Any, weight: Any, zero: Any) -> Any:
    """weight × the piecewise curve at x, dividing last so a whole result stays exact."""
    if x < knots[0][0]:
        return zero
    if x >= knots[-1][0]:
        return knots[-1][1] * weight
    for (x0, p0), (x1, p1) in itertools.pairwise(knots):
        if x < x1:
            return (p0 * (x1 - x0) + (p1 - p0) * (x - x0)) * weight / (x1 - x0)
    raise AssertionError


def _raw(
    c: Constants,
    sa: Any,
    st: Any,
    cs: Any,
    va: Any,
    vt: Any,
    na: Any,
    nt: Any,
    fb: Any,
    ev: Any,
    tw: Any,
    tr: Any,
) -> Any:
    zero, w = c.zero, c.weights
    x = sa / st
    sales = zero if x < c.floor else c.hundred * min(x, c.cap)
    raw = (
        sales * w[0]
        + _piecewise_times(cs, c.csat, w[1], zero)
        + _steps(va / vt, c.visits, zero) * w[2]
        + _piecewise_times(na / nt, c.new, w[3], zero)
        + _steps(fb, c.feedback, zero) * w[4]
        + _steps(ev, c.events, zero) * w[5]
        + (tw - c.one) * 25 * w[6]
        + _piecewise_times(tr, c.training, w[7], zero)
    )
    return min(max(raw, zero), c.top)


NAMES = (
    "sales_revenue",
    "sales_revenue.target",
    "customer_satisfaction",
    "customer_visits",
    "customer_visits.target",
    "new_customers",
    "new_customers.target",
    "market_feedback_reports",
    "event_participation",
    "teamwork_rating",
    "training_hours",
)


def hand_loop(cols: dict[str, list[Decimal]]) -> list[Decimal]:
    """The representative scorecard written out by hand: Decimal arithmetic at 60 digits
    with every constant built once; a score within 10^-40 of a half cent is computed
    again with Fractions, so every score is exact."""
    dec, frac = Constants(D), Constants(Fraction)
    cent, half, near = D("0.01"), D("0.5"), D("1e-40")
    half_up = decimal.ROUND_HALF_UP
    out: list[Decimal] = []
    with decimal.localcontext(decimal.Context(prec=60)):
        for values in zip(*(cols[n] for n in NAMES), strict=True):
            raw = _raw(dec, *values)
            hundredths = raw * 100
            if abs(hundredths - hundredths.to_integral_value(decimal.ROUND_FLOOR) - half) < near:
                exact = _raw(frac, *(Fraction(v) for v in values))
                raw = D(math.floor(exact * 100 + Fraction(1, 2))) / 100
            out.append(raw.quantize(cent, rounding=half_up))
    return out


def float_numpy(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """The same scorecard in float64 NumPy, as an analyst would write it."""
    x = frame["sales_revenue"].to_numpy() / frame["sales_revenue.target"].to_numpy()
    sales = np.where(x < 0.6, 0.0, 100 * np.minimum(x, 1.2))
    c = frame["customer_satisfaction"].to_numpy()
    csat = np.where(c < 60, 0.0, np.interp(c, [60, 90, 100], [60, 100, 110]))
    v = frame["customer_visits"].to_numpy() / frame["customer_visits.target"].to_numpy()
    visits = np.select([v >= 1, v >= 0.85, v >= 0.7], [100.0, 80.0, 60.0], 0.0)
    n = frame["new_customers"].to_numpy() / frame["new_customers.target"].to_numpy()
    new = np.where(n < 0.5, 0.0, np.interp(n, [0.5, 1, 1.5], [50, 100, 120]))
    f = frame["market_feedback_reports"].to_numpy()
    feedback = np.select([f >= 6, f >= 3, f >= 1], [100.0, 70.0, 40.0], 0.0)
    e = frame["event_participation"].to_numpy()
    events = np.select([e >= 3, e >= 2, e >= 1], [100.0, 80.0, 50.0], 0.0)
    team = (frame["teamwork_rating"].to_numpy() - 1) / 4 * 100
    training = np.interp(frame["training_hours"].to_numpy(), [0, 12], [0, 100])
    raw = (
        sales * 0.5
        + csat * 0.12
        + visits * 0.08
        + new * 0.1
        + feedback * 0.06
        + events * 0.04
        + team * 0.075
        + training * 0.025
    )
    # round half up to 2 places, as the policy says, in floating point
    return np.floor(np.clip(raw, 0, 120) * 100 + 0.5) / 100


def timed(fn: Callable[[Any], Any], arg: Any) -> tuple[float, Any]:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn(arg)
        return time.perf_counter() - start, result
    finally:
        gc.enable()


def dask_ratio(frame: pd.DataFrame) -> None:
    """The frame's grade counts: one process against Dask's 2 worker processes, the data
    already on the workers (as when it is read there) and only the counts sent back."""
    import dask.dataframe as dd
    import distributed

    text = POLICY.canonical_json  # the policy travels as text, rebuilt once per worker

    def grades(part: pd.DataFrame) -> pd.Series[Any]:
        from medsales.policy.io import policy_from_canonical

        scored = medsales.score_frame(policy_from_canonical(text), part, role=ROLE)
        return scored["grade"].value_counts()

    one, counts = timed(grades, frame)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        parts = client.persist(dd.from_pandas(frame, npartitions=8))
        distributed.wait(parts)
        meta = pd.Series(dtype="int64", name="count")
        counted = parts.map_partitions(grades, meta=meta)
        counted.compute()  # warm the workers (imports, the compiled policy)
        two, result = timed(lambda c: c.compute().groupby(level=0).sum(), counted)
    same = result.sort_index().to_dict() == counts.sort_index().to_dict()
    print(f"grade counts, one process:      {one:8.2f} s")
    print(f"grade counts, Dask 2 workers:   {two:8.2f} s   same counts: {same}")
    print(f"speed-up (1 process / Dask):    {one / two:8.2f}x  (2 cores, shared)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dask", action="store_true", help="also Dask, 2 workers vs 1")
    parser.add_argument("--dask-only", action="store_true", help="only Dask, 2 workers vs 1")
    args = parser.parse_args()
    frame = make_frame(args.rows)
    print(
        f"rows: {args.rows:,} ({ROLE}, 8 KPIs); {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs"
    )
    columnar(frame.head(1000))  # warm the policy's caches
    if args.dask_only:
        dask_ratio(frame)
        return
    t_frame, exact = timed(columnar, frame)
    cols = decimal_columns(frame)
    t_loop, loop = timed(hand_loop, cols)
    del cols
    t_float, floats = timed(float_numpy, frame)
    differ = sum(1 for a, b in zip(exact, loop, strict=True) if a != b)
    wrong = sum(1 for a, b in zip(exact, floats.tolist(), strict=True) if D(repr(b)) != a)
    print(
        f"score_frame (exact):            {t_frame:8.2f} s  {t_frame / args.rows * 1e9:7.0f} ns/row"
    )
    print(
        f"Decimal loop (exact, by hand):  {t_loop:8.2f} s  {t_loop / args.rows * 1e9:7.0f} ns/row"
    )
    print(
        f"float64 NumPy (not exact):      {t_float:8.2f} s  {t_float / args.rows * 1e9:7.0f} ns/row"
    )
    print(f"Decimal loop / score_frame:     {t_loop / t_frame:8.1f}x  (target: at least 5x)")
    print(f"score_frame / float NumPy:      {t_frame / t_float:8.1f}x  (target: at most 10x)")
    print(f"scores the Decimal loop gives differently: {differ}")
    print(f"scores float NumPy gets wrong: {wrong} ({wrong / args.rows:.3%})")
    if args.dask:
        dask_ratio(frame)


if __name__ == "__main__":
    main()
