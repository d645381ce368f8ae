"""What every command shares: exit statuses, the parser, the input options and errors.

This module and the command modules' ``register`` functions import nothing heavy, so
``medsales --help`` starts at once; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from medsales.errors import MedsalesError, Problem

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
LANGS = ("en", "zh-Hans", "zh-Hant")


class Parser(argparse.ArgumentParser):
    """argparse, but bad usage raises instead of exiting, so main() returns 2."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise Usage


class Usage(Exception):
    """Bad usage, already reported by argparse."""


class UsageError(Exception):
    """Bad usage found after parsing; the message says what is missing."""


class Failed(Exception):
    """The command ran and reported a failure itself (exit 1)."""


def add_inputs(parser: argparse.ArgumentParser, *, required: bool, demo: bool = False) -> None:
    parser.add_argument("--policy", metavar="FILE", help="policy file (default: built-in)")
    if demo:
        parser.add_argument(
            "--demo", action="store_true", help="use the bundled demo department instead of files"
        )
    parser.add_argument(
        "--employees",
        metavar="FILE",
        required=required,
        help="the roster: employee_id, name, role, manager_id, active_from, active_to",
    )
    parser.add_argument(
        "--measurements",
        metavar="FILE",
        required=required,
        help="KPI actuals and targets: employee_id, period, kpi, actual, target",
    )
    parser.add_argument(
        "--incidents", metavar="FILE", help="conduct incidents: employee_id, rule, severity, date"
    )
    parser.add_argument(
        "--ratings",
        metavar="FILE",
        help="360° ratings: employee_id, period, kpi, rater_id, rater_group, rating",
    )
    parser.add_argument(
        "--surveys",
        metavar="FILE",
        help="customer survey responses: employee_id, period, kpi, response",
    )
    parser.add_argument(
        "--goals",
        metavar="FILE",
        help="goals for KPIs read from goals: goal_id, employee_id, period, parent_id, "
        "kpi, weight, progress, status",
    )
    parser.add_argument(
        "--period",
        metavar="LABEL",
        required=required,
        help="e.g. 2026-Q3, 2026-07, 2026-H2, 2026, FY2026",
    )
    add_lang(parser)
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help="the encoding of CSV inputs: utf-8 (default, with or without BOM) or gb18030 "
        "(which covers GBK)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a scorecard KPI that no one has data for is an error, not a warning",
    )
    parser.add_argument(
        "--no-distribution",
        action="store_true",
        help="leave grades as scored, even if the policy has a distribution",
    )
    parser.add_argument(
        "--unscored",
        choices=("error", "skip"),
        default="error",
        help="people whose role has no scorecard: an error (default), or left out and listed",
    )
    add_problem_options(parser)
    parser.add_argument(
        "--max-problems",
        type=_positive,
        default=MAX_PROBLEMS,
        metavar="N",
        help=f"list at most N problems of each input file (default {MAX_PROBLEMS:,})",
    )


MAX_PROBLEMS = 1000
"""The problems of one input file listed before the rest are counted (as
``medsales.io.cells.MAX_PROBLEMS``, which ``--help`` does not import)."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


def add_lang(parser: argparse.ArgumentParser) -> None:
    """The language of the output: labels, words and notes."""
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default="en",
        help="language of the output: en, zh-Hans (简体) or zh-Hant (繁體); default en",
    )


def add_problem_options(parser: argparse.ArgumentParser) -> None:
    """How bad input is reported: grouped by default, every problem, or a JSON file."""
    parser.add_argument(
        "--all-problems",
        action="store_true",
        help="list every problem on its own line instead of grouping those of one kind",
    )
    parser.add_argument(
        "--problems-json",
        metavar="FILE",
        help="also write every problem (file, line, column, message) to FILE as JSON",
    )


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


GROUP_FROM = 3
"""Problems of one kind in one file and column are shown as one line from this many on."""


def report_error(
    error: MedsalesError, stream: TextIO, args: argparse.Namespace | None = None
) -> None:
    """Every problem reported: a single located problem on one line; problems of one kind
    grouped with their lines listed compactly, unless ``--all-problems``; all of them as
    JSON with ``--problems-json FILE``; a hint when the built-in policy was used without
    being asked for."""
    problems = error.problems
    every = bool(getattr(args, "all_problems", False))
    if len(problems) == 1 and str(problems[0]).endswith(problems[0].message):
        print(f"medsales: error: {problems[0]}", file=stream)
    else:
        print(f"medsales: error: {error.message if problems else error}", file=stream)
        for text in (str(p) for p in problems) if every else grouped(problems):
            print(f"  - {text}", file=stream)
    target = getattr(args, "problems_json", None)
    if target and problems:
        _write_problems(target, problems, stream)
    implicit = args is not None and hasattr(args, "policy") and args.policy is None
    unknown = ("unknown KPI", "unknown role", "unknown conduct rule")
    if implicit and any(p.message.startswith(unknown) for p in problems):
        print(
            "medsales: hint: these files were read with the built-in policy; did you mean "
            "--policy FILE?",
            file=stream,
        )


def grouped(problems: Sequence[Problem]) -> list[str]:
    """The problems as lines of text, those of one kind in one file and column as one line
    naming their rows compactly (``unknown KPI 'revenue' on 24 rows: lines 2–25``)."""
    groups: dict[tuple[str | None, object, str], list[Problem]] = {}
    for problem in problems:
        key = (problem.file, problem.column, problem.message)
        groups.setdefault(key, []).append(problem)
    out: list[str] = []
    for (file, column, message), members in groups.items():
        lines = [p.line for p in members if p.line is not None]
        if len(members) < GROUP_FROM or len(lines) != len(members) or file is None:
            out.extend(str(p) for p in members)
            continue
        where = file if column is None else f"{file} column {column}"
        out.append(f"{where}: {message} on {len(members)} rows: lines {line_ranges(lines)}")
    return out


def line_ranges(lines: Sequence[int]) -> str:
    """Line numbers as compact ranges: ``2–25, 30, 32–33``."""
    ordered = sorted(set(lines))
    parts = []
    start = prev = ordered[0]
    for n in [*ordered[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _write_problems(target: str, problems: Sequence[Problem], stream: TextIO) -> None:
    import json

    data = [
        {
            "file": p.file,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "message": p.message,
            "value": None if p.value is None else str(p.value),
        }
        for p in problems
    ]
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        print(f"medsales: error: cannot write {target}: {exc.strerror}", file=stream)
        return
    print(f"medsales: wrote {count(len(problems), 'problem')} to {target}", file=stream)
