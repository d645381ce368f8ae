"""``medsales demo``: the bundled synthetic department, appraised with the built-in policy."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from medsales.cli._common import add_lang


def register(commands: Any) -> None:
    """Add ``demo`` to the command parsers."""
    demo = commands.add_parser(
        "demo", help="appraise the bundled synthetic department with the built-in policy"
    )
    demo.add_argument(
        "--period", metavar="LABEL", help="default: the latest complete quarter of the data"
    )
    add_lang(demo)
    demo.add_argument("--employee", metavar="ID", help="the appraisal to explain")
    demo.add_argument(
        "--export", metavar="DIR", help="write the demo's CSV files and policy to DIR and stop"
    )
    demo.add_argument(
        "--review",
        action="store_true",
        help="run a whole review cycle for one team and show its log (medsales review)",
    )
    demo.add_argument(
        "--store", metavar="FILE", help="with --review: keep the log in this SQLite file"
    )

    demo.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.catalog import DEMO_FILES, default_policy, default_policy_text, demo_file_text
    from medsales.cli._inputs import demo_inputs, latest_complete_quarter, run_cohort
    from medsales.cli.appraise import table
    from medsales.io.write import make_folder, write_text_atomic
    from medsales.labels import pick
    from medsales.views.text import DEMO_TITLE, grade_chart

    policy = default_policy()
    if args.export:
        target = make_folder(args.export)
        for kind in DEMO_FILES:
            write_text_atomic(target / f"{kind}.csv", demo_file_text(kind))
        write_text_atomic(target / "policy.toml", default_policy_text())
        print(
            f"wrote {', '.join(k + '.csv' for k in DEMO_FILES)} and policy.toml to {target}",
            file=out,
        )
        print(
            f"try: medsales appraise --policy {target / 'policy.toml'} --employees "
            f"{target / 'employees.csv'} --measurements {target / 'measurements.csv'} "
            f"--incidents {target / 'incidents.csv'} --ratings {target / 'ratings.csv'} "
            f"--surveys {target / 'surveys.csv'} --period 2026-Q4",
            file=out,
        )
        return
    inputs = demo_inputs(policy)
    period = args.period or latest_complete_quarter(inputs, policy)
    if args.review:
        from medsales.cli.review import run_demo_cycle
        from medsales.review import MemoryStore, SQLiteStore

        store = SQLiteStore(args.store) if args.store else MemoryStore()
        run_demo_cycle(policy, store, str(period), out)
        return
    cohort = run_cohort(policy, inputs, period, distribution=True, stderr=err)
    title = pick(DEMO_TITLE, args.lang).format(
        people=len({e.employee_id for e in inputs.employees}),
        policy=policy.id,
        version=policy.version,
        period=cohort.period.label,
    )
    print(title, file=out)
    print(file=out)
    table(cohort, args.lang, out)
    print(file=out)
    out.write(grade_chart(cohort, args.lang))
    print(file=out)
    chosen = (
        cohort.appraisal(args.employee)
        if args.employee
        else next((a for a in cohort.appraisals if a.segments or a.vetoed), cohort.appraisals[0])
    )
    out.write(chosen.explain(args.lang))
