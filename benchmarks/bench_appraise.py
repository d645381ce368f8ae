"""Time single `medsales.appraise` calls against the careful hand-written Decimal loop.

Both sides appraise the same synthetic sales representatives with the built-in default
policy's representative scorecard (see `fair.py`: the hand loop hard-codes that card's
arithmetic with every constant built once, and must agree on every score). For inputs
given as ``Decimal``, ``str`` and ``float`` in turn, it times, interleaved round by round:

- the hand loop;
- ``appraise`` with the score and grade read (what a caller wanting the number pays);
- ``appraise`` with its breakdown read as well (every line's x, points, effective weight,
  contribution and notes, and the appraisal's notes).

Prints the time per appraisal and the ratios beside their targets, the collector on
(the figure that counts) and then paused. Run:

    python benchmarks/bench_appraise.py [N] [ROUNDS]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from fair import HAND_LOOPS, KINDS, POLICY, ROLE, interleaved, machine, make_rows, verdict

import medsales

TARGET_SCORE = 8.0  # score and grade read
TARGET_BREAKDOWN = 15.0  # breakdown read as well


def scored(rows: Sequence[dict[str, Any]]) -> list[tuple[Decimal | None, str | None]]:
    """One `appraise` a row, the score and grade read."""
    out = []
    for r in rows:
        a = medsales.appraise(POLICY, role=ROLE, measurements=r)
        out.append((a.score, a.grade))
    return out


def explained(rows: Sequence[dict[str, Any]]) -> list[Decimal | None]:
    """One `appraise` a row, the score, grade and whole breakdown read."""
    out = []
    for r in rows:
        a = medsales.appraise(POLICY, role=ROLE, measurements=r)
        for line in a.lines:
            _ = (line.x, line.points, line.effective_weight, line.contribution, line.notes)
        _ = (a.grade, a.notes, a.raw_score, a.exact_score)
        out.append(a.score)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(machine())
    print(
        f"appraisals: {n} a round, best of {rounds} interleaved rounds "
        f"(default policy, {ROLE}, 8 KPIs)"
    )
    scored(make_rows(50))  # warm the policy's caches
    for kind in KINDS:
        rows = make_rows(n, kind)
        hand = HAND_LOOPS[kind]
        sides = {
            "hand": lambda hand=hand, rows=rows: hand(rows),
            "score": lambda rows=rows: scored(rows),
            "breakdown": lambda rows=rows: explained(rows),
        }
        for collector in (True, False):
            best, results = interleaved(sides, rounds, collector=collector)
            lib = [s for s, _ in results["score"]]
            assert lib == results["breakdown"]
            # a disagreement can only be the hand loop's rounding of an exact tie (SPEC §1)
            differ = sum(1 for a, b in zip(results["hand"], lib, strict=True) if a != b)
            per = 1e6 / n
            print(f"inputs as {kind}, collector {'on' if collector else 'off'}:")
            print(f"  hand-written Decimal loop : {best['hand'] * per:8.1f} us each")
            print(
                f"  appraise, score read      : {best['score'] * per:8.1f} us each  "
                f"{verdict(best['score'] / best['hand'], TARGET_SCORE)}"
            )
            print(
                f"  appraise, breakdown read  : {best['breakdown'] * per:8.1f} us each  "
                f"{verdict(best['breakdown'] / best['hand'], TARGET_BREAKDOWN)}"
            )
            if differ:
                print(f"  scores that differ: {differ} (each an exact tie the hand loop rounds)")


if __name__ == "__main__":
    main()
