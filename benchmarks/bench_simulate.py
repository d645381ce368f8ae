"""Policy variants: ``medsales.simulate`` with 20 variants over the demo department's year.

In one run: the base policy and 20 variants (grade thresholds and a sales curve's floor
moved) appraised over calendar 2026 of the demo data, on a process pool of 2 workers
against one process (``workers=1``). Prints each time, the ratio, and how many grades
the variants moved. Run:

    python benchmarks/bench_simulate.py [--workers 2] [--period 2026]
"""

from __future__ import annotations

import argparse
import io
import os
import time
from decimal import Decimal
from typing import Any

import medsales
from medsales.catalog import DEMO_FILES, demo_file_text
from medsales.io import csv as csvio

POLICY = medsales.default_policy()
FLOOR = "scorecards.sales_representative.sections.0.lines.sales_revenue.curve.floor"


def variants() -> dict[str, dict[str, Any]]:
    """20 variants: the A threshold from 80 to 89, and the sales floor from 0.5 to 0.68."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(10):
        out[f"A_from_{80 + i}"] = {"grades.A.min": 80 + i}
        out[f"floor_{50 + 2 * i}"] = {FLOOR: Decimal(50 + 2 * i) / 100}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--period", default="2026")
    args = parser.parse_args()
    data = {k: getattr(csvio, f"read_{k}")(io.StringIO(demo_file_text(k))) for k in DEMO_FILES}
    changes = variants()
    print(
        f"{len(changes)} variants + the base, demo department, period {args.period}; "
        f"{os.cpu_count()} CPUs"
    )
    start = time.perf_counter()
    one = medsales.simulate(POLICY, changes, period=args.period, workers=1, **data)
    t_one = time.perf_counter() - start
    start = time.perf_counter()
    pool = medsales.simulate(POLICY, changes, period=args.period, workers=args.workers, **data)
    t_pool = time.perf_counter() - start
    assert pool.to_dict() == one.to_dict()
    moved = {name: sum(1 for c in pool.changes(name) if c.steps) for name in sorted(pool.variants)}
    print(
        f"one process (workers=1):        {t_one:7.2f} s  "
        f"{t_one / (len(changes) + 1):6.2f} s per policy"
    )
    print(
        f"process pool (workers={args.workers}):       {t_pool:7.2f} s  "
        f"(includes starting the workers)"
    )
    print(f"speed-up:                       {t_one / t_pool:7.2f}x")
    print("grades moved against the base: " + ", ".join(f"{n} {m}" for n, m in moved.items() if m))


if __name__ == "__main__":
    main()
