"""Time and memory of `medsales appraise` on a large measurements file (SPEC §21).

Generates the demo department copied COPIES times (1,620 copies: 68,040 people and a
370 MB measurements file of two years of monthly rows; with `--year 2026`, only that
year's rows: about 190 MB, the size of the file of the issue "Hardening") into a temporary
folder, then runs `medsales appraise --employees … --measurements … --period 2026-Q4
--format jsonl --out FILE` in a child process (the surveys and ratings, which would be as
large again, are left out: the run warns about their KPIs) and reports its wall time, its
processor time and its peak memory (max RSS). Rows of other quarters are checked as they
are read and let go, so memory follows the quarter's rows, not the file. The files are
deleted afterwards; nothing large is kept. Run:

    python benchmarks/bench_large_inputs.py [COPIES] [--year YEAR]

Target (issue "Hardening", item 12): 1,620 copies under 60 s and under 2 GB.
"""

from __future__ import annotations

import argparse
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


def write_copies(folder: str, copies: int, year: str | None = None) -> dict[str, str]:
    """The demo files with every id suffixed by its copy number, written line by line;
    with ``year``, only the measurements of that year."""
    paths = {}
    for kind in ("employees", "measurements"):
        lines = demo_file_text(kind).splitlines()
        header = lines[0].split(",")
        where = [header.index(c) for c in _IDS[kind]]
        rows = [line.split(",") for line in lines[1:]]
        if year is not None and kind == "measurements":
            at = header.index("period")
            rows = [row for row in rows if row[at].startswith(year)]
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


def main(copies: int, year: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = write_copies(folder, copies, year)
        size = os.path.getsize(paths["measurements"])
        print(
            f"{copies} copies: {copies * 42:,} people, measurements {size / 1e6:.0f} MB"
            f"{'' if year is None else f' ({year} only)'} "
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("copies", type=int, nargs="?", default=1620)
    parser.add_argument("--year", help="write only this year's measurements (e.g. 2026)")
    options = parser.parse_args()
    main(options.copies, options.year)
