"""The ``medsales`` command (SPEC §14), one module per command group.

Exit status: 0 on success, 1 for bad input (every problem listed on stderr), 2 for bad
usage. Nothing in the library imports this package.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import Final

from medsales.__about__ import __version__
from medsales.cli import appraise, demo, history, policy, review, targets
from medsales.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    Failed,
    Parser,
    Usage,
    UsageError,
    report_error,
)
from medsales.errors import MedsalesError

__all__ = ["main"]

GROUPS = (demo, appraise, history, targets, policy, review)
"""The command modules, each with a ``register(commands)`` that adds its parsers."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: each group adds its own commands."""
    parser = Parser(
        prog="medsales",
        description="Exact, explained performance appraisals for medical sales departments.",
    )
    parser.add_argument("--version", action="version", version=f"medsales {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )
    for group in GROUPS:
        group.register(commands)
    return parser


_GC_THRESHOLDS: Final = (50_000, 20, 20)
"""Objects allocated before a young collection (the default is 700), and how many
collections of one generation before the next older one (10 and 10)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except Usage:
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    out, err = sys.stdout, sys.stderr
    try:
        args.run(args, out, err)
    except MedsalesError as error:
        report_error(error, err, args)
        return EXIT_BAD_INPUT
    except UsageError as error:
        print(f"medsales: error: {error}", file=err)
        return EXIT_USAGE
    except Failed:
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        raise
    except OSError as error:  # a file the command could not read or write, not a bug
        from medsales.views.terminal import printable

        where = f"{printable(os.fsdecode(error.filename))}: " if error.filename else ""
        print(f"medsales: error: {where}{printable(error.strerror or str(error))}", file=err)
        return EXIT_BAD_INPUT
    return EXIT_OK


def entry() -> None:  # pragma: no cover - exercised through the console script
    """Console-script entry point; a closed pipe (``medsales demo | head``) ends quietly.

    The process ends with the command, so the cycle collector is set to run less often:
    a large input makes millions of records, numbers and results, none of them in a
    cycle, and at the default thresholds collecting them over and over took about a tenth
    of the time of ``medsales appraise`` on 68,000 people.
    """
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
