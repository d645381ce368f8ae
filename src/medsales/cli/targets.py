"""``medsales targets split``: exact target splits (SPEC §7)."""

from __future__ import annotations

import argparse
import re
from decimal import Decimal
from typing import Any, Final, TextIO

from medsales.cli._common import Parser, UsageError
from medsales.errors import InputError, MedsalesError


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


_NUMBER: Final = "a decimal number such as 1000000 or 1234.5, without thousands separators"


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    try:
        _run(args, out)
    except MedsalesError as exc:
        if exc.path not in ("total", "unit", "weights") and not exc.path.startswith("weights["):
            raise
        from medsales.views.terminal import printable

        number = "not a number" in exc.message
        raise type(exc)(
            f"{printable(str(exc.value))!r} is not a number" if number else _cli_words(exc.message),
            path=_cli_name(exc.path),
            value=exc.value,
            expected=_NUMBER if number else exc.expected,
        ) from None


def _cli_words(message: str) -> str:
    """``total 100.005 is not a multiple of unit 0.01`` as ``100.005 is not a multiple of
    --unit 0.01``: the path before it already names the argument."""
    message = re.sub(r"\A(total|weight) ", "", message)
    return re.sub(r"\bunit (\S+)", r"--unit \1", message)


def _cli_name(path: str) -> str:
    """An argument of :func:`~medsales.split` as the command line names it."""
    if path.startswith("weights[") and path[8:-1].isdigit():
        return f"WEIGHT {int(path[8:-1]) + 1}"
    return {"total": "TOTAL", "unit": "--unit", "weights": "WEIGHT"}.get(path, path)


def _run(args: argparse.Namespace, out: TextIO) -> None:
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
