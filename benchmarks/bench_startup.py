"""Cold start: ``import medsales``, ``medsales --help`` and ``medsales demo``, each in a fresh
interpreter with its bytecode already compiled.

Each command runs N times (after one untimed run that compiles any missing bytecode);
the figure is the best of the N, as wall time and as the child's processor time (user +
system, from ``resource.getrusage``): on a shared machine the wall time includes waiting
for a core, the processor time does not. Both print beside the target. Run:

    python benchmarks/bench_startup.py [N]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fair import machine

PYTHON = sys.executable
CLI = shutil.which("medsales") or ""
COMMANDS: list[tuple[str, list[str], float]] = [
    ("python -c pass (the interpreter alone)", [PYTHON, "-c", "pass"], float("nan")),
    ("import medsales", [PYTHON, "-c", "import medsales"], 0.25),
    (
        "import medsales; medsales.appraise (engine loaded)",
        [PYTHON, "-c", "import medsales; medsales.appraise"],
        float("nan"),
    ),
    ("medsales --help", [PYTHON, "-m", "medsales", "--help"], 0.15),
    ("medsales demo", [PYTHON, "-m", "medsales", "demo"], 0.6),
]


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and processor seconds of one run of ``argv``, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=os.environ)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(machine())
    print(f"best of {n} runs each, bytecode compiled, load average {os.getloadavg()[0]:.1f}")
    for name, argv, target in COMMANDS:
        timed(argv)  # compiles whatever bytecode is missing
        walls, cpus = zip(*(timed(argv) for _ in range(n)), strict=True)
        wall, cpu = min(walls), min(cpus)
        line = f"  {name:52s} wall {wall:6.3f} s  processor {cpu:6.3f} s"
        if target == target:  # not NaN: a target applies
            met = "met" if cpu <= target else "NOT met"
            line += f"  (target <= {target:g} s; processor time {met}"
            line += f", wall {'met' if wall <= target else 'NOT met'})"
        print(line)


if __name__ == "__main__":
    main()
