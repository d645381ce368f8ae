"""Time single `medsales.appraise` calls against a hand-written exact Decimal loop.

Both sides appraise the same synthetic sales representatives with the built-in default
policy's representative scorecard; the hand loop hard-codes that scorecard's arithmetic
(what a careful engineer would write without the library) and must agree on every score.
Prints the time per appraisal of each, their ratio, and peak memory. Run:

    python benchmarks/bench_appraise.py [N]
"""

from __future__ import annotations

import decimal
import gc
import itertools
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import medsales

POLICY = medsales.default_policy()
ROLE = "sales_representative"
D = Decimal


def make_rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """N employees' quarterly measurements for every line of the representative card."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        target = rng.randrange(600_000, 1_500_000, 1000)
        rows.append(
            {
                "sales_revenue": {
                    "actual": D(rng.randrange(300_000, 1_900_000, 10)),
                    "target": D(target),
                },
                "customer_satisfaction": D(rng.randrange(500, 1000)) / 10,
                "customer_visits": {"actual": D(rng.randrange(20, 80)), "target": D(60)},
                "new_customers": {"actual": D(rng.randrange(0, 9)), "target": D(5)},
                "market_feedback_reports": D(rng.randrange(0, 8)),
                "event_participation": D(rng.randrange(0, 4)),
                "teamwork_rating": D(rng.randrange(10, 51)) / 10,
                "training_hours": D(rng.randrange(0, 20)),
            }
        )
    return rows


def _steps(x: Decimal, steps: list[tuple[Decimal, Decimal]]) -> Decimal:
    points = D(0)
    for threshold, p in steps:
        if x >= threshold:
            points = p
    return points


def _piecewise(x: Decimal, knots: list[tuple[Decimal, Decimal]], below: Decimal) -> Decimal:
    if x < knots[0][0]:
        return below
    if x >= knots[-1][0]:
        return knots[-1][1]
    for (x0, p0), (x1, p1) in itertools.pairwise(knots):
        if x0 <= x < x1:
            return p0 + (p1 - p0) * (x - x0) / (x1 - x0)
    raise AssertionError


def hand_loop(rows: list[dict[str, Any]]) -> list[Decimal]:
    """The representative scorecard written out by hand, exact Decimal arithmetic."""
    out = []
    ctx = decimal.Context(prec=60)
    with decimal.localcontext(ctx):
        for r in rows:
            s = r["sales_revenue"]
            x = s["actual"] / s["target"]
            sales = D(0) if x < D("0.6") else 100 * min(x, D("1.2"))
            csat = _piecewise(
                r["customer_satisfaction"],
                [(D(60), D(60)), (D(90), D(100)), (D(100), D(110))],
                D(0),
            )
            v = r["customer_visits"]
            visits = _steps(
                v["actual"] / v["target"], [(D("0.7"), D(60)), (D("0.85"), D(80)), (D(1), D(100))]
            )
            n = r["new_customers"]
            new = _piecewise(
                n["actual"] / n["target"],
                [(D("0.5"), D(50)), (D(1), D(100)), (D("1.5"), D(120))],
                D(0),
            )
            feedback = _steps(
                r["market_feedback_reports"], [(D(1), D(40)), (D(3), D(70)), (D(6), D(100))]
            )
            events = _steps(
                r["event_participation"], [(D(1), D(50)), (D(2), D(80)), (D(3), D(100))]
            )
            team = (r["teamwork_rating"] - 1) / 4 * 100
            training = _piecewise(r["training_hours"], [(D(0), D(0)), (D(12), D(100))], D(0))
            raw = (
                sales * 50
                + (csat * 60 + visits * 40) * 20 / 100
                + (new * 50 + feedback * 30 + events * 20) * 20 / 100
                + (team * 75 + training * 25) * 10 / 100
            ) / 100
            raw = min(max(raw, D(0)), D(120))
            out.append(raw.quantize(D("0.01"), rounding=decimal.ROUND_HALF_UP))
    return out


def library(rows: list[dict[str, Any]]) -> list[Decimal]:
    scores = []
    for r in rows:
        score = medsales.appraise(POLICY, role=ROLE, measurements=r).score
        assert score is not None
        scores.append(score)
    return scores


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rows = make_rows(n)
    library(rows[:50])  # warm the policy's caches
    # alternate the two, five rounds, and keep each one's best: drift on a shared machine
    # then falls on both sides alike
    best = {"hand": float("inf"), "lib": float("inf")}
    hand: list[Decimal] = []
    lib: list[Decimal] = []
    for _ in range(5):
        for name, fn in (("hand", hand_loop), ("lib", library)):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                result = fn(rows)
                best[name] = min(best[name], time.perf_counter() - start)
            finally:
                gc.enable()
            if name == "hand":
                hand = result
            else:
                lib = result
    hand_mem, lib_mem = _peak(hand_loop, rows), _peak(library, rows)
    # a disagreement must be the hand loop's rounding of an exact tie (SPEC §1)
    mismatches = sum(1 for a, b in zip(hand, lib, strict=True) if a != b)
    print(f"appraisals: {n} (default policy, {ROLE}, 8 KPIs)")
    print(
        f"hand-written Decimal loop: {best['hand'] / n * 1e6:9.1f} us each, "
        f"peak {hand_mem / 1e6:.1f} MB"
    )
    print(
        f"medsales.appraise:         {best['lib'] / n * 1e6:9.1f} us each, "
        f"peak {lib_mem / 1e6:.1f} MB"
    )
    print(f"ratio (library / hand):    {best['lib'] / best['hand']:9.2f}x")
    print(f"scores that differ: {mismatches} (each an exact tie the hand loop rounds wrongly)")


def _peak(fn: Callable[[list[dict[str, Any]]], list[Decimal]], rows: list[dict[str, Any]]) -> int:
    tracemalloc.start()
    fn(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


if __name__ == "__main__":
    main()
