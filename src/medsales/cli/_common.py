"""What every command shares: exit statuses, the parser, the input options and errors.

This module and the command modules' ``register`` functions import nothing heavy, so
``medsales --help`` starts at once; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from medsales.errors import MedsalesError

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


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def report_error(error: MedsalesError, stream: TextIO) -> None:
    """Every problem on its own line; a single located problem on one line."""
    problems = error.problems
    if len(problems) == 1 and str(problems[0]).endswith(problems[0].message):
        print(f"medsales: error: {problems[0]}", file=stream)
        return
    print(f"medsales: error: {error.message if problems else error}", file=stream)
    for problem in problems:
        print(f"  - {problem}", file=stream)
