"""The ``medsales`` command (SPEC §14).

Exit status: 0 on success, 1 for bad input (every problem listed on stderr), 2 for bad
usage. Nothing imports this module.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TextIO

from medsales.__about__ import __version__
from medsales.catalog import DEMO_FILES, default_policy, default_policy_text, demo_file_text
from medsales.check import PROFILES, check_policy
from medsales.cohort.appraise import CohortResult, appraise_cohort
from medsales.engine.appraise import measurements_of
from medsales.engine.results import Appraisal, document_json
from medsales.engine.schema import appraisal_json_schema
from medsales.errors import DataFileError, InputError, MedsalesError, Problem
from medsales.io import csv as csvio
from medsales.labels import pick
from medsales.numbers import display
from medsales.periods import Period
from medsales.policy.io import dump_policy, load_policy, policy_json_schema
from medsales.policy.models import Policy
from medsales.render import HEADERS, grade_chart, ranked_rows, table_text
from medsales.targets import seasonal_targets, split
from medsales.whatif import min_actual_for_grade, points_per_unit

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
LANGS = ("en", "zh-Hans", "zh-Hant")
_PROGRESS_FROM = 200  # people: below that a run takes well under a second


class _Parser(argparse.ArgumentParser):
    """argparse, but bad usage raises instead of exiting, so main() returns 2."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise _Usage


class _Usage(Exception):
    """Bad usage, already reported by argparse."""


class _UsageError(Exception):
    """Bad usage found after parsing; the message says what is missing."""


class _Failed(Exception):
    """The command ran and reported a failure itself (exit 1)."""


def _inputs(parser: argparse.ArgumentParser, *, required: bool, demo: bool = False) -> None:
    parser.add_argument("--policy", metavar="FILE", help="policy file (default: built-in)")
    if demo:
        parser.add_argument(
            "--demo", action="store_true", help="use the bundled demo department instead of files"
        )
    parser.add_argument("--employees", metavar="FILE", required=required)
    parser.add_argument("--measurements", metavar="FILE", required=required)
    parser.add_argument("--incidents", metavar="FILE")
    parser.add_argument("--ratings", metavar="FILE")
    parser.add_argument("--surveys", metavar="FILE")
    parser.add_argument(
        "--period",
        metavar="LABEL",
        required=required,
        help="e.g. 2026-Q3, 2026-07, 2026-H2, 2026, FY2026",
    )
    parser.add_argument("--lang", choices=LANGS, default="en")
    parser.add_argument(
        "--no-distribution",
        action="store_true",
        help="leave grades as scored, even if the policy has a distribution",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="medsales",
        description="Exact, explained performance appraisals for medical sales departments.",
    )
    parser.add_argument("--version", action="version", version=f"medsales {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    demo = commands.add_parser(
        "demo", help="appraise the bundled synthetic department with the built-in policy"
    )
    demo.add_argument(
        "--period", metavar="LABEL", help="default: the latest complete quarter of the data"
    )
    demo.add_argument("--lang", choices=LANGS, default="en")
    demo.add_argument("--employee", metavar="ID", help="the appraisal to explain")
    demo.add_argument(
        "--export", metavar="DIR", help="write the demo's CSV files and policy to DIR and stop"
    )

    appraise = commands.add_parser("appraise", help="appraise everyone in the input files")
    _inputs(appraise, required=True)
    appraise.add_argument("--format", choices=("table", "csv", "json", "jsonl"), default="table")
    appraise.add_argument("--out", metavar="FILE", help="write to FILE (atomically)")

    explain = commands.add_parser("explain", help="explain one employee's appraisal")
    explain.add_argument("employee_id", metavar="EMPLOYEE_ID")
    _inputs(explain, required=False, demo=True)

    whatif = commands.add_parser(
        "whatif", help="what one KPI must reach for a grade, others fixed; points per unit"
    )
    whatif.add_argument("employee_id", metavar="EMPLOYEE_ID")
    whatif.add_argument("--kpi", required=True, help="the KPI to vary")
    whatif.add_argument("--grade", required=True, help="the grade to reach")
    _inputs(whatif, required=False, demo=True)

    report = commands.add_parser(
        "report", help="one self-contained HTML report (tables and charts) of a cohort"
    )
    _inputs(report, required=False, demo=True)
    report.add_argument(
        "-o", "--out", metavar="FILE", required=True, help="the HTML file to write (atomically)"
    )
    report.add_argument("--title", help="the report's title")

    targets = commands.add_parser("targets", help="exact target splits")
    target_commands = targets.add_subparsers(
        dest="targets_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    split_cmd = target_commands.add_parser(
        "split", help="split TOTAL by WEIGHTs (largest remainders; parts sum to TOTAL)"
    )
    split_cmd.add_argument("total", metavar="TOTAL")
    split_cmd.add_argument("weights", metavar="WEIGHT", nargs="+")
    split_cmd.add_argument("--unit", default="0.01", help="parts are multiples of it")
    split_cmd.add_argument("--names", nargs="+", metavar="NAME", help="one name per weight")
    split_cmd.add_argument(
        "--period", metavar="LABEL", help="seasonal: split over the sub-periods of LABEL"
    )
    split_cmd.add_argument(
        "--by",
        choices=("half", "quarter", "month"),
        default="quarter",
        help="with --period: the sub-periods (default: quarter)",
    )
    split_cmd.add_argument(
        "--policy",
        metavar="FILE",
        help="with --period: read fiscal labels (FY2026, FY2026-Q1) in this policy's calendar",
    )

    policy = commands.add_parser(
        "policy", help="show, validate, check or describe policy documents"
    )
    policy_commands = policy.add_subparsers(
        dest="policy_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    show = policy_commands.add_parser(
        "show", help="print a policy (the built-in default unless --policy is given)"
    )
    show.add_argument("--policy", metavar="FILE", help="a policy file (.toml or .json)")
    show.add_argument("--format", choices=("toml", "json"), default="toml")
    validate = policy_commands.add_parser("validate", help="check that a policy file loads")
    validate.add_argument("file", metavar="FILE")
    check = policy_commands.add_parser(
        "check",
        help="golden examples, unmeasured duties, unreachable grades and more (exit 1 on "
        "an error finding)",
    )
    check.add_argument(
        "file", metavar="FILE", nargs="?", help="a policy file (default: the built-in policy)"
    )
    check.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=sorted(PROFILES),
        help="an optional check set, e.g. cn-medical-representative-2020",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    schema = policy_commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("--document", choices=("policy", "appraisal"), default="policy")
    return parser


# --------------------------------------------------------------------------- inputs


class _Inputs:
    """The records of the five files, read and checked together."""

    def __init__(self, policy: Policy, sources: dict[str, tuple[Any, str]]) -> None:
        problems: list[Problem] = []

        def read(kind: str, reader: Callable[..., Any], **kw: Any) -> Any:
            if kind not in sources:
                return ()
            source, name = sources[kind]
            try:
                return reader(source, policy=policy, name=name, **kw)
            except DataFileError as exc:
                problems.extend(exc.problems or [Problem(exc.message, file=name)])
                return ()

        self.employees = read("employees", csvio.read_employees)
        ids = {e.employee_id for e in self.employees} if self.employees else None
        self.measurements = read("measurements", csvio.read_measurements, employee_ids=ids)
        self.incidents = read("incidents", csvio.read_incidents, employee_ids=ids)
        self.ratings = read("ratings", csvio.read_ratings, employee_ids=ids)
        self.surveys = read("surveys", csvio.read_surveys, employee_ids=ids)
        if problems:
            files = sorted({p.file for p in problems if p.file})
            raise DataFileError(
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                f"{', '.join(files)}; nothing was written",
                problems=problems,
            )


def _read_files(args: argparse.Namespace, policy: Policy) -> _Inputs:
    sources: dict[str, tuple[Any, str]] = {}
    for kind in DEMO_FILES:
        path = getattr(args, kind, None)
        if path is not None:
            sources[kind] = (path, path)
    return _Inputs(policy, sources)


def _demo_inputs(policy: Policy) -> _Inputs:
    return _Inputs(
        policy,
        {k: (io.StringIO(demo_file_text(k)), f"demo/{k}.csv") for k in DEMO_FILES},
    )


def _latest_complete_quarter(inputs: _Inputs, policy: Policy) -> Period:
    months = [
        Period.parse(r.period, policy.fiscal_year_start, policy.fiscal_year_named_by)
        for r in inputs.measurements
    ]
    if not months:
        raise InputError("the data have no measurements to choose a period from")
    last = max(p.end for p in months)
    quarter = Period.containing(
        last, "quarter", policy.fiscal_year_start, policy.fiscal_year_named_by
    )
    return quarter if quarter.end == last else quarter.previous()


def _cohort(
    policy: Policy,
    inputs: _Inputs,
    period: Period | str,
    *,
    distribution: bool,
    stderr: TextIO,
) -> CohortResult:
    progress = None
    if stderr.isatty():

        def progress(done: int, total: int) -> None:
            if total >= _PROGRESS_FROM and (done % 50 == 0 or done == total):
                end = "\n" if done == total else ""
                print(f"\rappraising {done}/{total}", end=end, file=stderr, flush=True)

    return appraise_cohort(
        policy,
        employees=inputs.employees,
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
        period=period,
        distribution=distribution,
        progress=progress,
    )


# --------------------------------------------------------------------------- output


def _table(cohort: CohortResult, lang: str, out: TextIO) -> None:
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
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for a in cohort.appraisals:
        values = {column: getattr(a, column) for column in _CSV_COLUMNS if column != "name"}
        values["name"] = cohort.names.get(a.employee_id or "", "")
        values["period"] = cohort.period.label
        writer.writerow([csvio.format_cell(values[column]) for column in _CSV_COLUMNS])
    return buffer.getvalue()


def _documents(cohort: CohortResult, fmt: str) -> str:
    if fmt == "json":  # one array, sorted by employee_id as the cohort is
        return document_json([a.to_dict() for a in cohort.appraisals], indent=2) + "\n"
    return "".join(a.to_json() + "\n" for a in cohort.appraisals)


# --------------------------------------------------------------------------- commands


def _cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    policy = default_policy()
    if args.export:
        target = Path(args.export)
        target.mkdir(parents=True, exist_ok=True)
        for kind in DEMO_FILES:
            csvio.write_text_atomic(target / f"{kind}.csv", demo_file_text(kind))
        csvio.write_text_atomic(target / "policy.toml", default_policy_text())
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
    inputs = _demo_inputs(policy)
    period = args.period or _latest_complete_quarter(inputs, policy)
    cohort = _cohort(policy, inputs, period, distribution=True, stderr=err)
    title = pick(_DEMO_TITLE, args.lang).format(
        people=len({e.employee_id for e in inputs.employees}),
        policy=policy.id,
        version=policy.version,
        period=cohort.period.label,
    )
    print(title, file=out)
    print(file=out)
    _table(cohort, args.lang, out)
    print(file=out)
    out.write(grade_chart(cohort, args.lang))
    print(file=out)
    chosen = (
        cohort.appraisal(args.employee)
        if args.employee
        else next((a for a in cohort.appraisals if a.segments or a.vetoed), cohort.appraisals[0])
    )
    out.write(chosen.explain(args.lang))


_DEMO_TITLE: Final = {
    "en": "medsales demo: a synthetic medical sales department ({people} people, made-up "
    "data), policy {policy} {version}, period {period}",
    "zh-Hans": "medsales 演示：合成的医疗销售部（{people} 人，数据为虚构），考核方案 {policy} "
    "{version}，考核期 {period}",
    "zh-Hant": "medsales 演示：合成的醫療銷售部（{people} 人，數據為虛構），考核方案 {policy} "
    "{version}，考核期 {period}",
}


def _cmd_appraise(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    policy = default_policy() if args.policy is None else load_policy(args.policy)
    inputs = _read_files(args, policy)
    cohort = _cohort(policy, inputs, args.period, distribution=not args.no_distribution, stderr=err)
    if args.format == "table":
        buffer = io.StringIO() if args.out else out
        _table(cohort, args.lang, buffer)
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


def _cohort_of(args: argparse.Namespace, err: TextIO) -> CohortResult:
    """The cohort of the input files, or of the demo data with ``--demo``."""
    policy = default_policy() if args.policy is None else load_policy(args.policy)
    if args.demo:
        inputs = _demo_inputs(policy)
        period: Period | str = args.period or _latest_complete_quarter(inputs, policy)
    else:
        missing = [o for o in ("employees", "measurements", "period") if not getattr(args, o)]
        if missing:
            raise _UsageError(
                "the following arguments are required (or --demo): "
                + ", ".join(f"--{m}" for m in missing)
            )
        inputs = _read_files(args, policy)
        period = args.period
    return _cohort(policy, inputs, period, distribution=not args.no_distribution, stderr=err)


def _one(args: argparse.Namespace, err: TextIO) -> tuple[Policy, Appraisal]:
    """The appraisal of ``args.employee_id`` from the files, or from the demo data."""
    cohort = _cohort_of(args, err)
    return cohort.policy, cohort.appraisal(args.employee_id)


def _cmd_report(args: argparse.Namespace, err: TextIO) -> None:
    try:
        from medsales.report import render_report
    except ImportError as exc:
        raise InputError(str(exc), expected="pip install 'medsales[plots]'") from None
    cohort = _cohort_of(args, err)
    csvio.write_text_atomic(args.out, render_report(cohort, lang=args.lang, title=args.title))
    print(
        f"wrote the report of {len(cohort.appraisals)} appraisals ({cohort.period.label}) "
        f"to {args.out}",
        file=err,
    )


def _cmd_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    _, appraisal = _one(args, err)
    out.write(appraisal.explain(args.lang))


def _cmd_whatif(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    policy, appraisal = _one(args, err)
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
    words = pick(_WHATIF_WORDS, args.lang)
    head = words["now"].format(
        employee=appraisal.employee_id,
        role=appraisal.role,
        score=appraisal.score,
        grade=appraisal.grade,
    )
    print(head + answer.text(args.lang), file=out)
    print(file=out)
    print(words["per_unit_title"], file=out)
    for s in points_per_unit(
        policy, role=appraisal.role, measurements=measurements, incidents=incidents
    ):
        text = words["per_unit"].format(kpi=s.kpi, value=display(s.per_unit))
        if s.per_percent_of_target is not None:
            text += words["per_percent"].format(value=display(s.per_percent_of_target))
        print(text, file=out)


_WHATIF_WORDS: Final = {
    "en": {
        "now": "{employee} ({role}), now {score} {grade}: ",
        "per_unit_title": "points per unit (others fixed):",
        "per_unit": "  {kpi}: {value} per unit",
        "per_percent": ", {value} per 1 % of target",
    },
    "zh-Hans": {
        "now": "{employee}（{role}），当前 {score} {grade}：",
        "per_unit_title": "每单位的得分变化（其他指标不变）：",
        "per_unit": "  {kpi}：每单位 {value} 分",
        "per_percent": "，每 1% 目标 {value} 分",
    },
    "zh-Hant": {
        "now": "{employee}（{role}），當前 {score} {grade}：",
        "per_unit_title": "每單位的得分變化（其他指標不變）：",
        "per_unit": "  {kpi}：每單位 {value} 分",
        "per_percent": "，每 1% 目標 {value} 分",
    },
}


def _cmd_targets(args: argparse.Namespace, out: TextIO) -> None:
    unit = Decimal(args.unit) if _is_number(args.unit) else args.unit
    if args.period:
        if args.names:
            raise _UsageError(
                "--names goes with plain splits; with --period the parts are named by their periods"
            )
        policy = default_policy() if args.policy is None else load_policy(args.policy)
        period = Period.parse(args.period, policy.fiscal_year_start, policy.fiscal_year_named_by)
        parts = seasonal_targets(args.total, period, args.weights, kind=args.by, unit=unit)
        for name, value in parts.items():
            print(f"{name}\t{value}", file=out)
        return
    names = args.names or [str(i + 1) for i in range(len(args.weights))]
    if len(names) != len(args.weights):
        raise InputError(
            f"{len(names)} names for {len(args.weights)} weights",
            path="--names",
            expected="one name per weight",
        )
    for name, value in zip(names, split(args.total, args.weights, unit=unit), strict=True):
        print(f"{name}\t{value}", file=out)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _cmd_policy(args: argparse.Namespace, out: TextIO) -> None:
    if args.policy_command == "show":
        if args.policy is None and args.format == "toml":
            out.write(default_policy_text())
        else:
            policy = default_policy() if args.policy is None else load_policy(args.policy)
            out.write(dump_policy(policy, args.format))
    elif args.policy_command == "check":
        policy = default_policy() if args.file is None else load_policy(args.file)
        findings = check_policy(policy, profiles=args.profile)
        if args.format == "json":
            out.write(
                json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"
            )
        else:
            for finding in findings:
                print(finding, file=out)
            counts = {
                s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")
            }
            print(
                f"{policy.id} {policy.version}: {counts['error']} errors, "
                f"{counts['warning']} warnings, {counts['info']} notes",
                file=out,
            )
        if any(f.severity == "error" for f in findings):
            raise _Failed
    elif args.policy_command == "validate":
        policy = load_policy(args.file)
        print(
            f"{args.file}: valid policy {policy.id} {policy.version} (sha256 {policy.sha256})",
            file=out,
        )
    else:
        schema = policy_json_schema() if args.document == "policy" else appraisal_json_schema()
        out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _report(error: MedsalesError, stream: TextIO) -> None:
    """Every problem on its own line; a single located problem on one line."""
    problems = error.problems
    if len(problems) == 1 and str(problems[0]).endswith(problems[0].message):
        print(f"medsales: error: {problems[0]}", file=stream)
        return
    print(f"medsales: error: {error.message if problems else error}", file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _Usage:
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "demo":
            _cmd_demo(args, out, err)
        elif args.command == "appraise":
            _cmd_appraise(args, out, err)
        elif args.command == "explain":
            _cmd_explain(args, out, err)
        elif args.command == "whatif":
            _cmd_whatif(args, out, err)
        elif args.command == "report":
            _cmd_report(args, err)
        elif args.command == "targets":
            _cmd_targets(args, out)
        else:
            _cmd_policy(args, out)
    except MedsalesError as error:
        _report(error, err)
        return EXIT_BAD_INPUT
    except _UsageError as error:
        print(f"medsales: error: {error}", file=err)
        return EXIT_USAGE
    except _Failed:
        return EXIT_BAD_INPUT
    return EXIT_OK


def entry() -> None:  # pragma: no cover - exercised through the console script
    """Console-script entry point; a closed pipe (``medsales demo | head``) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
