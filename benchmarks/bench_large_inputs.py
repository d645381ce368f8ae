"""Time and memory of `medsales appraise` on a large measurements file (SPEC §21).

Generates the demo department copied COPIES times (1,620 copies: about 68,000 people and
a 200 MB measurements file of a year of monthly rows) into a temporary folder, then runs
`medsales appraise --employees … --measurements … --period 2026-Q4 --format jsonl --out
FILE` in a child process (the surveys and ratings, which would be as large again, are left
out: the run warns about their KPIs) and
reports its wall time and peak memory (max RSS). Rows of other quarters are checked as
they are read and let go, so memory follows the quarter's rows, not the file. The files
are deleted afterwards; nothing large is kept. Run:

    python benchmarks/bench_large_inputs.py [COPIES]

Target (issue "Hardening", item 12): 1,620 copies under 60 s and under 2 GB.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

from medsales.catalog import demo_file_text

PERIOD = "2026-Q4"
_IDS = {
    "employees": ("employee_id", "manager_id"),
    "measurements": ("employee_id",),
    "incidents": ("employee_id",),
    "ratings": ("employee_id", "rater_id"),
    "surveys": ("employee_id",),
}


def write_copies(folder: str, copies: int) -> dict[str, str]:
    """The demo files with every id suffixed by its copy number, written line by line."""
    paths = {}
    for kind in ("employees", "measurements"):
        lines = demo_file_text(kind).splitlines()
        header = lines[0].split(",")
        where = [header.index(c) for c in _IDS[kind]]
        rows = [line.split(",") for line in lines[1:]]
        path = os.path.join(folder, f"{kind}.csv")
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(lines[0] + "\n")
            for k in range(copies):
                chunk = []
                for row in rows:
                    cells = list(row)
                    for i in where:
                        if cells[i]:
                            cells[i] = f"{cells[i]}-{k}"
                    chunk.append(",".join(cells))
                out.write("\n".join(chunk) + "\n")
        paths[kind] = path
    return paths


def main(copies: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = write_copies(folder, copies)
        size = os.path.getsize(paths["measurements"])
        print(
            f"{copies} copies: {copies * 42:,} people, measurements {size / 1e6:.0f} MB "
            f"(written in {time.perf_counter() - start:.1f} s)"
        )
        command = [sys.executable, "-m", "medsales", "appraise", "--period", PERIOD]
        for kind in ("employees", "measurements"):
            command += [f"--{kind}", paths[kind]]
        command += ["--format", "jsonl", "--out", os.path.join(folder, "out.jsonl")]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss / 1024  # KiB → MiB
        cpu = usage.ru_utime + usage.ru_stime
        if done.returncode:
            print(done.stderr[-2000:])
        print(
            f"exit {done.returncode}: {elapsed:.1f} s ({cpu:.1f} s of CPU), "
            f"peak memory {peak:,.0f} MiB"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1620)
