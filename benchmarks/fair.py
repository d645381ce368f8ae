"""What the benchmarks share: synthetic rows, the careful hand loop, and fair timing.

The hand loop is what a careful engineer writes without the library for the built-in
policy's sales representative scorecard (8 KPIs over four sections): 60-digit `Decimal`
arithmetic, every constant and breakpoint list built once at import, each input
converted once as the library converts it (a `str` as written, a `float` through its
shortest ``repr``). Its scores are those of the earlier hand loop, which rebuilt about 30
constants and 5 lists on every row; only the time changed.

Timing is fair in three ways: both sides run interleaved, round after round, so drift
on a shared machine falls on both alike and the ratio is taken within one run; the best
round of each side counts, timed in processor time (`time.process_time`: the machine is
shared, and waiting for a core is not the library's cost); and the garbage collector
stays on for the main figure (it is part of what a user waits for), with a
collector-off figure reported beside it.
"""

from __future__ import annotations

import decimal
import gc
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import medsales

POLICY = medsales.default_policy()
ROLE = "sales_representative"
KINDS = ("decimal", "str", "float")
D = Decimal

CONTEXT = decimal.Context(prec=60)
ZERO, ONE, FOUR, HUNDRED, MAXIMUM = D(0), D(1), D(4), D(100), D(120)
CENT = D("0.01")
SALES_FLOOR, SALES_CAP = D("0.6"), D("1.2")
CSAT = ((D(60), D(60)), (D(90), D(100)), (D(100), D(110)))
VISITS = ((D("0.7"), D(60)), (D("0.85"), D(80)), (D(1), D(100)))
NEW = ((D("0.5"), D(50)), (D(1), D(100)), (D("1.5"), D(120)))
FEEDBACK = ((D(1), D(40)), (D(3), D(70)), (D(6), D(100)))
EVENTS = ((D(1), D(50)), (D(2), D(80)), (D(3), D(100)))
TRAINING = ((D(0), D(0)), (D(12), D(100)))
W = {k: D(k) for k in (20, 25, 30, 40, 50, 60, 75)}
W10 = D(10)


def machine() -> str:
    """One line naming the machine and interpreter the figures come from."""
    import os

    return (
        f"machine: {os.cpu_count()} cores (shared), {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"medsales {medsales.__version__}"
    )


def make_rows(n: int, kind: str = "decimal", seed: int = 7) -> list[dict[str, Any]]:
    """N employees' quarterly measurements for every line of the representative card,
    the numbers given as ``Decimal``, ``str`` or ``float`` (the same values each way)."""
    rng = random.Random(seed)
    num: Callable[[Decimal], Any] = {"decimal": lambda d: d, "str": str, "float": float}[kind]
    rows = []
    for _ in range(n):
        target = rng.randrange(600_000, 1_500_000, 1000)
        rows.append(
            {
                "sales_revenue": {
                    "actual": num(D(rng.randrange(300_000, 1_900_000, 10))),
                    "target": num(D(target)),
                },
                "customer_satisfaction": num(D(rng.randrange(500, 1000)) / 10),
                "customer_visits": {"actual": num(D(rng.randrange(20, 80))), "target": num(D(60))},
                "new_customers": {"actual": num(D(rng.randrange(0, 9))), "target": num(D(5))},
                "market_feedback_reports": num(D(rng.randrange(0, 8))),
                "event_participation": num(D(rng.randrange(0, 4))),
                "teamwork_rating": num(D(rng.randrange(10, 51)) / 10),
                "training_hours": num(D(rng.randrange(0, 20))),
            }
        )
    return rows


def _steps(x: Decimal, steps: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    points = ZERO
    for threshold, p in steps:
        if x >= threshold:
            points = p
    return points


def _piecewise(x: Decimal, knots: Sequence[tuple[Decimal, Decimal]], below: Decimal) -> Decimal:
    if x < knots[0][0]:
        return below
    if x >= knots[-1][0]:
        return knots[-1][1]
    x0, p0 = knots[0]
    for x1, p1 in knots[1:]:
        if x < x1:
            return p0 + (p1 - p0) * (x - x0) / (x1 - x0)
        x0, p0 = x1, p1
    raise AssertionError


def _score(
    sa: Decimal,
    st: Decimal,
    csat_v: Decimal,
    va: Decimal,
    vt: Decimal,
    na: Decimal,
    nt: Decimal,
    fb: Decimal,
    ev: Decimal,
    tm: Decimal,
    tr: Decimal,
) -> Decimal:
    """One row's score, in the caller's 60-digit context."""
    x = sa / st
    sales = ZERO if x < SALES_FLOOR else HUNDRED * min(x, SALES_CAP)
    csat = _piecewise(csat_v, CSAT, ZERO)
    visits = _steps(va / vt, VISITS)
    new = _piecewise(na / nt, NEW, ZERO)
    feedback = _steps(fb, FEEDBACK)
    events = _steps(ev, EVENTS)
    team = (tm - ONE) / FOUR * HUNDRED
    training = _piecewise(tr, TRAINING, ZERO)
    raw = (
        sales * W[50]
        + (csat * W[60] + visits * W[40]) * W[20] / HUNDRED
        + (new * W[50] + feedback * W[30] + events * W[20]) * W[20] / HUNDRED
        + (team * W[75] + training * W[25]) * W10 / HUNDRED
    ) / HUNDRED
    raw = min(max(raw, ZERO), MAXIMUM)
    return raw.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def hand_loop(rows: Sequence[dict[str, Any]]) -> list[Decimal]:
    """The representative scorecard by hand, rows of ``Decimal`` taken as they are."""
    out = []
    with decimal.localcontext(CONTEXT):
        for r in rows:
            s, v, n = r["sales_revenue"], r["customer_visits"], r["new_customers"]
            out.append(
                _score(
                    s["actual"],
                    s["target"],
                    r["customer_satisfaction"],
                    v["actual"],
                    v["target"],
                    n["actual"],
                    n["target"],
                    r["market_feedback_reports"],
                    r["event_participation"],
                    r["teamwork_rating"],
                    r["training_hours"],
                )
            )
    return out


def _converting(
    num: Callable[[Any], Decimal],
) -> Callable[[Sequence[dict[str, Any]]], list[Decimal]]:
    def loop(rows: Sequence[dict[str, Any]]) -> list[Decimal]:
        out = []
        with decimal.localcontext(CONTEXT):
            for r in rows:
                s, v, n = r["sales_revenue"], r["customer_visits"], r["new_customers"]
                out.append(
                    _score(
                        num(s["actual"]),
                        num(s["target"]),
                        num(r["customer_satisfaction"]),
                        num(v["actual"]),
                        num(v["target"]),
                        num(n["actual"]),
                        num(n["target"]),
                        num(r["market_feedback_reports"]),
                        num(r["event_participation"]),
                        num(r["teamwork_rating"]),
                        num(r["training_hours"]),
                    )
                )
        return out

    return loop


HAND_LOOPS: dict[str, Callable[[Sequence[dict[str, Any]]], list[Decimal]]] = {
    "decimal": hand_loop,
    "str": _converting(Decimal),
    "float": _converting(lambda f: Decimal(repr(f))),
}


def interleaved(
    sides: dict[str, Callable[[], Any]], rounds: int, *, collector: bool = True
) -> tuple[dict[str, float], dict[str, Any]]:
    """Each side's best time over ``rounds`` rounds, the sides run one after another in
    every round; the collector on (collected before each timing) or paused."""
    best = dict.fromkeys(sides, float("inf"))
    results: dict[str, Any] = {}
    for _ in range(rounds):
        for name, fn in sides.items():
            gc.collect()
            if not collector:
                gc.disable()
            try:
                start = time.process_time()
                results[name] = fn()
                best[name] = min(best[name], time.process_time() - start)
            finally:
                gc.enable()
    return best, results


def verdict(ratio: float, target: float) -> str:
    """``ratio`` beside its target: met or not."""
    return f"{ratio:6.2f}x  (target <= {target:g}x: {'met' if ratio <= target else 'NOT met'})"


if __name__ == "__main__":  # pragma: no cover - a check that the rewrite kept the scores
    print(machine(), file=sys.stderr)
