"""``medsales targets split``: exact target splits (SPEC §7)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any, TextIO

from medsales.cli._common import Parser, UsageError
from medsales.errors import InputError


def register(commands: Any) -> None:
    """Add ``targets`` to the command parsers."""
    targets = commands.add_parser("targets", help="exact target splits")
    target_commands = targets.add_subparsers(
        dest="targets_command", metavar="ACTION", required=True, parser_class=Parser
    )
    split_cmd = target_commands.add_parser(
        "split", help="split TOTAL by WEIGHTs (largest remainders; parts sum to TOTAL)"
    )
    split_cmd.add_argument("total", metavar="TOTAL", help="the amount to split, e.g. 850000")
    split_cmd.add_argument(
        "weights", metavar="WEIGHT", nargs="+", help="one weight per part, e.g. 115 92 81 112"
    )
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

    split_cmd.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.cli._inputs import load
    from medsales.periods import Period
    from medsales.targets import seasonal_targets, split

    unit = Decimal(args.unit) if _is_number(args.unit) else args.unit
    if args.period:
        if args.names:
            raise UsageError(
                "--names goes with plain splits; with --period the parts are named by their periods"
            )
        policy = load(args.policy)
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
