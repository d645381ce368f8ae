"""``medsales appraise``, ``explain``, ``whatif`` and ``report``: a cohort from files."""

from __future__ import annotations

import argparse
import io
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

from medsales.cli._common import UsageError, add_inputs
from medsales.errors import InputError

if TYPE_CHECKING:
    from medsales.cohort.appraise import CohortResult


def register(commands: Any) -> None:
    """Add ``appraise``, ``explain``, ``whatif`` and ``report`` to the command parsers."""
    appraise = commands.add_parser("appraise", help="appraise everyone in the input files")
    add_inputs(appraise, required=True)
    appraise.add_argument(
        "--format",
        choices=FORMATS,
        help="a ranked table, one CSV row per person, one JSON array, JSON lines, or an Excel "
        "workbook (default: from --out's extension: .csv, .json, .jsonl, .xlsx; else table)",
    )
    appraise.add_argument(
        "--sections",
        action="store_true",
        help="with the table: each role's section scores below it (SPEC §15)",
    )
    appraise.add_argument("--out", metavar="FILE", help="write to FILE (atomically)")
    appraise.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: with a byte order mark, so Chinese shows right (implies csv)",
    )

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
    report.add_argument(
        "--history",
        nargs="*",
        metavar="LABEL",
        help="a report over several periods (trends, transitions, roll-up, alerts): the "
        "period labels, or none with --demo for its last eight quarters",
    )

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


def table(cohort: CohortResult, lang: str, out: TextIO, *, rich: bool | None = None) -> None:
    """The ranked table: with ``rich`` on a terminal (``rich=None``: when ``out`` is one).

    Every cell is a ``rich`` :class:`~rich.text.Text`, so ``[bold]`` or ``[/]`` in a name
    is shown as written, never read as markup; control characters arrive escaped.
    """
    from medsales.labels import pick
    from medsales.views.terminal import printable
    from medsales.views.text import HEADERS, ranked_rows, table_text

    header = pick(HEADERS, lang)
    rows = ranked_rows(cohort, lang)
    if out.isatty() if rich is None else rich:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        title = Text(printable(f"{cohort.policy.id} · {cohort.period.label}"))
        grid = Table(*header, title=title)  # the fixed words of HEADERS
        colours = {"S": "bold green", "A": "green", "C": "yellow", "D": "bold red"}
        for row in rows:
            cells = [Text(cell) for cell in row]
            cells[5].stylize(colours.get(row[5], ""))
            grid.add_row(*cells)
        Console(file=out).print(grid)
        return
    out.write(table_text(header, rows))


FORMATS: Final = ("table", "csv", "json", "jsonl", "xlsx")
_BY_EXTENSION: Final = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".xlsx": "xlsx",
    ".txt": "table",
    "": "table",
}


def output_format(fmt: str | None, out: str | None, excel: bool) -> str:
    """The format asked for, else the one ``--out``'s extension names, else the table."""
    if fmt is None and out is not None:
        extension = os.path.splitext(out)[1].lower()
        fmt = _BY_EXTENSION.get(extension)
        if fmt is None:
            from medsales.views.terminal import printable

            raise UsageError(
                f"cannot tell the format from {printable(extension)!r} in --out; give "
                f"--format ({', '.join(FORMATS)}) or use .csv, .json, .jsonl, .xlsx or .txt"
            )
    if excel:
        if fmt not in (None, "csv", "xlsx"):
            raise UsageError(f"--excel writes CSV for Excel; it does not go with {fmt}")
        return fmt or "csv"
    return fmt or "table"


def _documents(cohort: CohortResult, fmt: str) -> Iterator[str]:
    """The result documents as text, piece by piece (JSON Lines one line at a time, so
    that a large cohort is never held as one string)."""
    from medsales.engine.results import document_json

    if fmt == "json":  # one array, sorted by employee_id as the cohort is
        yield document_json([a.to_dict() for a in cohort.appraisals], indent=2) + "\n"
        return
    for a in cohort.appraisals:
        yield a.to_json() + "\n"


def run_appraise(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.cli._inputs import load, read_files, run_cohort
    from medsales.io.results import results_csv_text, write_results_xlsx
    from medsales.io.write import write_chunks_atomic
    from medsales.views.terminal import printable
    from medsales.views.text import grade_chart, not_appraised_text, section_tables

    fmt = output_format(args.format, args.out, args.excel)
    if fmt == "xlsx" and not args.out:
        raise UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
    policy = load(args.policy)
    inputs = read_files(args, policy)
    cohort = run_cohort(
        policy,
        inputs,
        args.period,
        distribution=not args.no_distribution,
        stderr=err,
        unscored=args.unscored,
        strict=args.strict,
    )
    text: str | Iterable[str] = ""
    if fmt == "xlsx":
        write_results_xlsx(args.out, cohort, args.lang)
    elif fmt == "table":
        buffer = io.StringIO() if args.out else out
        table(cohort, args.lang, buffer)
        buffer.write(not_appraised_text(cohort, args.lang))
        print(file=buffer)
        buffer.write(grade_chart(cohort, args.lang))
        if args.sections:
            print(file=buffer)
            buffer.write(section_tables(cohort, args.lang))
        text = buffer.getvalue() if isinstance(buffer, io.StringIO) else ""
    elif fmt == "csv":
        text = results_csv_text(cohort, args.lang, excel=args.excel)
    else:
        text = _documents(cohort, fmt)
    if cohort.not_appraised and fmt != "table":
        err.write(not_appraised_text(cohort, args.lang))  # the documents list appraisals only
    if args.out:
        if fmt != "xlsx":
            write_chunks_atomic(args.out, [text] if isinstance(text, str) else text)
        print(
            f"wrote {len(cohort.appraisals)} appraisals to {printable(args.out)} ({fmt})",
            file=err,
        )
    elif fmt != "table":
        for chunk in [text] if isinstance(text, str) else text:
            out.write(chunk)


def run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    if args.history is not None:
        from medsales.cli.history import run_report as run_history_report

        run_history_report(args, out, err)
        return
    from medsales.cli._inputs import cohort_of
    from medsales.io.write import write_text_atomic

    try:
        from medsales.views.report import render_report
    except ImportError as exc:
        raise InputError(str(exc), expected="pip install 'medsales[plots]'") from None
    from medsales.views.plots import MissingFontWarning

    cohort = cohort_of(args, err)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MissingFontWarning)
        html = render_report(cohort, lang=args.lang, title=args.title)
    for message in dict.fromkeys(
        str(w.message) for w in caught if w.category is MissingFontWarning
    ):
        print(f"medsales: warning: {message}", file=err)
    for w in caught:
        if w.category is not MissingFontWarning:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    write_text_atomic(args.out, html)
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
    from medsales.views.terminal import printable
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
    print(printable(head + answer.text(args.lang, policy)), file=out)
    print(file=out)
    print(words["per_unit_title"], file=out)
    for s in points_per_unit(
        policy, role=appraisal.role, measurements=measurements, incidents=incidents
    ):
        kpi = named(policy.kpis_by_id, s.kpi)
        text = words["per_unit"].format(kpi=kpi, value=display(s.per_unit))
        if s.per_percent_of_target is not None:
            text += words["per_percent"].format(value=display(s.per_percent_of_target))
        print(printable(text), file=out)


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
