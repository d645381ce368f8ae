"""``medsales history``: several periods at once — grades by period, the grade transitions
between two periods, each person's roll-up into a year (or a half), and the alerts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from medsales.cli._common import UsageError, add_lang, add_problem_options

if TYPE_CHECKING:
    from medsales.cohort.history import History
    from medsales.periods import Period


def register(commands: Any) -> None:
    """Add ``history`` to the command parsers."""
    history = commands.add_parser(
        "history",
        help="appraise several periods: grades by period, transitions, roll-ups and alerts",
    )
    history.add_argument("--policy", metavar="FILE", help="policy file (default: built-in)")
    history.add_argument(
        "--demo", action="store_true", help="use the bundled demo department instead of files"
    )
    history.add_argument("--employees", metavar="FILE", help="the roster (as for appraise)")
    history.add_argument(
        "--measurements", metavar="FILE", help="KPI actuals and targets of every period"
    )
    history.add_argument("--incidents", metavar="FILE", help="conduct incidents")
    history.add_argument("--ratings", metavar="FILE", help="360° ratings")
    history.add_argument("--surveys", metavar="FILE", help="customer survey responses")
    history.add_argument(
        "--goals", metavar="FILE", help="goals whose progress feeds goals-derived KPIs"
    )
    history.add_argument(
        "--encoding",
        metavar="NAME",
        default="utf-8",
        help="the encoding of CSV inputs: utf-8 (default) or gb18030",
    )
    history.add_argument(
        "--periods",
        metavar="LABEL",
        nargs="+",
        help="the periods, e.g. 2025-Q1 2025-Q2 …; default with --demo: the quarters of the "
        "last two years of the data",
    )
    history.add_argument(
        "--rollup",
        metavar="LABEL",
        help="roll each person's scores up into this year or half (e.g. 2026); default: the "
        "year of the last period",
    )
    history.add_argument(
        "--employee", metavar="ID", help="explain this person's roll-up instead of the tables"
    )
    add_lang(history)
    history.add_argument(
        "--no-distribution",
        action="store_true",
        help="leave grades as scored, even if the policy has a distribution",
    )
    add_problem_options(history)
    history.set_defaults(run=run)


def _quarters_before(last: Period, count: int) -> list[Period]:
    """``count`` periods ending with ``last``."""
    out = [last]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out


def build(args: argparse.Namespace) -> History:
    """The history the arguments ask for: the files' periods, or the demo's two years."""
    from medsales.cli._inputs import demo_inputs, latest_complete_quarter, load, read_files
    from medsales.cohort.history import appraise_history

    policy = load(args.policy)
    if args.demo:
        inputs = demo_inputs(policy)
        periods: list[Period | str] = list(
            args.periods or _quarters_before(latest_complete_quarter(inputs, policy), 8)
        )
    else:
        missing = [
            o for o in ("employees", "measurements", "periods") if not getattr(args, o, None)
        ]
        if missing:
            raise UsageError(
                "the following arguments are required (or --demo): "
                + ", ".join(f"--{m}" for m in missing)
            )
        inputs = read_files(args, policy)
        periods = list(args.periods)
    return appraise_history(
        policy,
        periods,
        employees=inputs.employees,
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
        goals=inputs.goals,
        distribution=not args.no_distribution,
    )


def rollup_label(history: History, label: str | None) -> Period:
    """The larger period to roll up into: the one asked for, or the one of the policy's
    ``into`` (a year by default) that holds the last period."""
    from medsales.periods import Period

    policy = history.policy
    if label is not None:
        return Period.parse(label, policy.fiscal_year_start, policy.fiscal_year_named_by)
    into = policy.rollup.into if policy.rollup is not None else "year"
    last = history.periods[-1]
    return Period.containing(
        last.start, into, policy.fiscal_year_start, policy.fiscal_year_named_by, fiscal=last.fiscal
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.errors import InputError
    from medsales.views.history import (
        alerts_text,
        rollups_text,
        series_text,
        transitions_text,
    )

    history = build(args)
    larger = rollup_label(history, args.rollup)
    if args.employee:
        history.series(args.employee)  # an unknown id is an error naming the valid ones
        out.write(history.rollup(args.employee, larger).explain(args.lang))
        return
    out.write(series_text(history, args.lang))
    periods = history.periods
    if len(periods) >= 2:
        print(file=out)
        out.write(transitions_text(history, periods[-2].label, periods[-1].label, args.lang))
        same = [p for p in periods[:-1] if p.kind == periods[-1].kind]
        year_before = next(
            (p for p in same if p.start.replace(year=p.start.year + 1) == periods[-1].start), None
        )
        if year_before is not None and year_before != periods[-2]:
            print(file=out)
            out.write(transitions_text(history, year_before.label, periods[-1].label, args.lang))
    print(file=out)
    try:
        out.write(rollups_text(history, larger.label, args.lang))
    except InputError as exc:
        print(f"medsales: note: no roll-up: {exc}", file=err)
    print(file=out)
    out.write(alerts_text(history, args.lang))


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    """``medsales report --history``: the history as one self-contained HTML file."""
    from medsales.errors import InputError
    from medsales.io import csv as csvio

    try:
        from medsales.views.history_report import render_history_report
    except ImportError as exc:
        raise InputError(str(exc), expected="pip install 'medsales[plots]'") from None
    if args.period:
        raise UsageError("--history takes the period labels itself; leave out --period")
    args.periods = args.history or None
    history = build(args)
    csvio.write_text_atomic(
        args.out, render_history_report(history, lang=args.lang, title=args.title)
    )
    print(
        f"wrote the report of {len(history.periods)} periods "
        f"({history.periods[0].label} – {history.periods[-1].label}) to {args.out}",
        file=err,
    )
