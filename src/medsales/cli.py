"""The ``medsales`` command (SPEC §14).

Exit status: 0 on success, 1 for bad input (every problem listed on stderr), 2 for bad
usage. Nothing imports this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from medsales.__about__ import __version__
from medsales.catalog import default_policy, default_policy_text
from medsales.engine.schema import appraisal_json_schema
from medsales.errors import MedsalesError
from medsales.policy.io import dump_policy, load_policy, policy_json_schema
from medsales.policy.models import Policy

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medsales",
        description="Exact, explained performance appraisals for medical sales departments.",
    )
    parser.add_argument("--version", action="version", version=f"medsales {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    policy = commands.add_parser("policy", help="show, validate or describe policy documents")
    policy_commands = policy.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    show = policy_commands.add_parser(
        "show", help="print a policy (the built-in default unless --policy is given)"
    )
    show.add_argument("--policy", metavar="FILE", help="a policy file (.toml or .json)")
    show.add_argument(
        "--format", choices=("toml", "json"), default="toml", help="output format (default: toml)"
    )
    validate = policy_commands.add_parser("validate", help="check that a policy file loads")
    validate.add_argument("file", metavar="FILE", help="a policy file (.toml or .json)")
    schema = policy_commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument(
        "--document",
        choices=("policy", "appraisal"),
        default="policy",
        help="which document's schema (default: policy)",
    )
    return parser


def _load(path: str | None) -> Policy:
    return default_policy() if path is None else load_policy(path)


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
    except SystemExit as exc:  # argparse: --help and --version exit 0, bad usage 2
        return int(exc.code or 0)
    out = sys.stdout
    try:
        if args.command == "policy":
            if args.policy_command == "show":
                if args.policy is None and args.format == "toml":
                    out.write(default_policy_text())
                else:
                    out.write(dump_policy(_load(args.policy), args.format))
            elif args.policy_command == "validate":
                policy = load_policy(args.file)
                print(
                    f"{args.file}: valid policy {policy.id} {policy.version} "
                    f"(sha256 {policy.sha256})",
                    file=out,
                )
            else:
                schema = (
                    policy_json_schema() if args.document == "policy" else appraisal_json_schema()
                )
                out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    except MedsalesError as error:
        _report(error, sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def entry() -> None:  # pragma: no cover - exercised through the console script
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry()
