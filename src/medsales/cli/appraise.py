"""``medsales appraise``, ``explain``, ``whatif`` and ``report``: a cohort from files."""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

from medsales.cli._common import add_inputs
from medsales.errors import InputError

if TYPE_CHECKING:
    from medsales.cohort.appraise import CohortResult


def register(commands: Any) -> None:
    """Add ``appraise``, ``explain``, ``whatif`` and ``report`` to the command parsers."""
    appraise = commands.add_parser("appraise", help="appraise everyone in the input files")
    add_inputs(appraise, required=True)
    appraise.add_argument(
        "--format",
        choices=("table", "csv", "json", "jsonl"),
        default="table",
        help="a ranked table, one CSV row per person, one JSON array, or JSON lines",
    )
    appraise.add_argument("--out", metavar="FILE", help="write to FILE (atomically)")

    explain = commands.add_parser("explain", help="explain one employee's appraisal")
    explain.add_argument("employee_id", metavar="EMPLOYEE_ID", help="whose appraisal")
    add_inputs(explain, required=False, demo=True)

    whatif = commands.add_parser(
        "whatif", help="what one KPI must reach for a grade, others fixed; points per unit"
    )
    whatif.add_argument("employee_id", metavar="EMPLOYEE_ID", help="whose appraisal")
    whatif.add_argument("--kpi", required=True, help="the KPI to vary")
    whatif.add_argument("--grade", required=True, help="the grade to reach")
    add_inputs(whatif, required=False, demo=True)

    report = commands.add_parser(
        "report", help="one self-contained HTML report (tables and charts) of a cohort"
    )
    add_inputs(report, required=False, demo=True)
    report.add_argument(
        "-o", "--out", metavar="FILE", required=True, help="the HTML file to write (atomically)"
    )
    report.add_argument("--title", help="the report's title")

    calibrate = commands.add_parser(
        "calibrate",
        help="each team's scores rescaled to the department's mean and spread (an analysis: "
        "no appraisal changes)",
    )
    add_inputs(calibrate, required=False, demo=True)
    calibrate.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="a table per team and person, or the calibration as JSON (default: table)",
    )

    appraise.set_defaults(run=run_appraise)
    calibrate.set_defaults(run=run_calibrate)
    explain.set_defaults(run=run_explain)
    whatif.set_defaults(run=run_whatif)
    report.set_defaults(run=run_report)


def table(cohort: CohortResult, lang: str, out: TextIO) -> None:
    from medsales.labels import pick
    from medsales.views.text import HEADERS, ranked_rows, table_text

    header = pick(HEADERS, lang)
    rows = ranked_rows(cohort, lang)
    if out.isatty():
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:  # pragma: no cover - rich is a dependency
            pass
        else:
            table = Table(*header, title=f"{cohort.policy.id} · {cohort.period.label}")
            colours = {"S": "bold green", "A": "green", "C": "yellow", "D": "bold red"}
            for row in rows:
                style = colours.get(row[5], "")
                table.add_row(*row[:5], f"[{style}]{row[5]}[/]" if style else row[5], *row[6:])
            Console(file=out).print(table)
            return
    out.write(table_text(header, rows))


_CSV_COLUMNS: Final = (
    "employee_id",
    "name",
    "role",
    "period",
    "score",
    "grade",
    "coefficient",
    "complete",
    "vetoed",
    "grade_from_score",
    "grade_before_distribution",
)


def _csv(cohort: CohortResult) -> str:
    from medsales.io import csv as csvio

    buffer = io.StringIO()

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for a in cohort.appraisals:
        values = {column: getattr(a, column) for column in _CSV_COLUMNS if column != "name"}
        values["name"] = cohort.names.get(a.employee_id or "", "")
        values["period"] = cohort.period.label
        writer.writerow([csvio.format_cell(values[column]) for column in _CSV_COLUMNS])
    return buffer.getvalue()


def _documents(cohort: CohortResult, fmt: str) -> str:
    from medsales.engine.results import document_json

    if fmt == "json":  # one array, sorted by employee_id as the cohort is
        return document_json([a.to_dict() for a in cohort.appraisals], indent=2) + "\n"
    return "".join(a.to_json() + "\n" for a in cohort.appraisals)


def run_appraise(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.cli._inputs import load, read_files, run_cohort
    from medsales.io import csv as csvio
    from medsales.views.text import grade_chart

    policy = load(args.policy)
    inputs = read_files(args, policy)
    cohort = run_cohort(
        policy,
        inputs,
        args.period,
        distribution=not args.no_distribution,
        stderr=err,
        strict=args.strict,
    )
    if args.format == "table":
        buffer = io.StringIO() if args.out else out
        table(cohort, args.lang, buffer)
        print(file=buffer)
        buffer.write(grade_chart(cohort, args.lang))
        text = buffer.getvalue() if isinstance(buffer, io.StringIO) else ""
    elif args.format == "csv":
        text = _csv(cohort)
    else:
        text = _documents(cohort, args.format)
    if args.out:
        csvio.write_text_atomic(args.out, text)
        print(f"wrote {len(cohort.appraisals)} appraisals to {args.out}", file=err)
    elif args.format != "table":
        out.write(text)


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.cli._inputs import cohort_of
    from medsales.io import csv as csvio

    try:
        from medsales.views.report import render_report
    except ImportError as exc:
        raise InputError(str(exc), expected="pip install 'medsales[plots]'") from None
    cohort = cohort_of(args, err)
    csvio.write_text_atomic(args.out, render_report(cohort, lang=args.lang, title=args.title))
    print(
        f"wrote the report of {len(cohort.appraisals)} appraisals ({cohort.period.label}) "
        f"to {args.out}",
        file=err,
    )


def run_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.cli._inputs import one

    _, appraisal = one(args, err)
    out.write(appraisal.explain(args.lang))


def run_whatif(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.analysis.whatif import min_actual_for_grade, points_per_unit
    from medsales.cli._inputs import one
    from medsales.engine.appraise import measurements_of
    from medsales.labels import pick
    from medsales.numbers import display
    from medsales.views.text import WHATIF_WORDS

    policy, appraisal = one(args, err)
    measurements = measurements_of(appraisal)
    incidents = [
        {"rule": c.rule, "severity": c.severity, "note": c.note}
        for c in appraisal.conduct
        if c.counted
    ]
    answer = min_actual_for_grade(
        policy,
        role=appraisal.role,
        measurements=measurements,
        kpi=args.kpi,
        grade=args.grade,
        incidents=incidents,
    )
    words = pick(WHATIF_WORDS, args.lang)

    def named(ids: Mapping[str, Any], key: str) -> str:  # labels outside English
        found = ids.get(key)
        return key if found is None or args.lang == "en" else str(found.name.text(args.lang))

    head = words["now"].format(
        employee=appraisal.employee_id,
        role=named(policy.roles_by_id, appraisal.role),
        score=appraisal.score,
        grade=appraisal.grade,
    )
    print(head + answer.text(args.lang, policy), file=out)
    print(file=out)
    print(words["per_unit_title"], file=out)
    for s in points_per_unit(
        policy, role=appraisal.role, measurements=measurements, incidents=incidents
    ):
        kpi = named(policy.kpis_by_id, s.kpi)
        text = words["per_unit"].format(kpi=kpi, value=display(s.per_unit))
        if s.per_percent_of_target is not None:
            text += words["per_percent"].format(value=display(s.per_percent_of_target))
        print(text, file=out)


def run_calibrate(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.analysis.calibration import calibrate
    from medsales.cli._inputs import cohort_of
    from medsales.engine.results import document_json
    from medsales.numbers import number_text
    from medsales.views.text import table_text

    cohort = cohort_of(args, err)
    result = calibrate(cohort)
    if args.format == "json":
        out.write(document_json(result.to_dict(), indent=2) + "\n")
        return
    print(
        f"{result.period}: department mean {number_text(result.mean)}, "
        f"standard deviation {number_text(result.sd)}",
        file=out,
    )
    teams = [(t.team, str(t.count), number_text(t.mean), number_text(t.sd)) for t in result.teams]
    out.write(table_text(("team", "people", "mean", "sd"), teams))
    print(file=out)
    people = [
        (
            s.employee_id,
            cohort.names.get(s.employee_id, ""),
            s.team,
            str(s.score),
            str(s.calibrated),
        )
        for s in result.scores
    ]
    out.write(table_text(("employee", "name", "team", "score", "calibrated"), people))
