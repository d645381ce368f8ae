"""``medsales policy show|validate|check|schema``."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from medsales.cli._common import Failed, Parser, UsageError, count

PROFILE_NAMES = ("cn-medical-representative-2020",)
"""The names of :data:`medsales.analysis.check.PROFILES`, known without importing it."""


def _policy_file(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The policy file, as a positional FILE or as --policy FILE, the same in every
    command (``--policy`` is the spelling the data commands use)."""
    default = "" if required else " (default: the built-in policy)"
    parser.add_argument(
        "file", metavar="FILE", nargs="?", help=f"a policy file, .toml or .json{default}"
    )
    parser.add_argument("--policy", metavar="FILE", dest="policy_option", help="the same as FILE")


def register(commands: Any) -> None:
    """Add ``policy`` to the command parsers."""
    policy = commands.add_parser(
        "policy", help="show, validate, check or describe policy documents"
    )
    policy_commands = policy.add_subparsers(
        dest="policy_command", metavar="ACTION", required=True, parser_class=Parser
    )
    show = policy_commands.add_parser("show", help="print a policy (the built-in by default)")
    _policy_file(show)
    show.add_argument(
        "--format", choices=("toml", "json"), default="toml", help="output format (default: toml)"
    )
    validate = policy_commands.add_parser("validate", help="check that a policy file loads")
    _policy_file(validate, required=True)
    check = policy_commands.add_parser(
        "check",
        help="golden examples, unmeasured duties, unreachable grades and more (exit 1 on "
        "an error finding)",
    )
    _policy_file(check)
    check.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=PROFILE_NAMES,
        help="an optional check set, e.g. cn-medical-representative-2020",
    )
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    schema = policy_commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument(
        "--document",
        choices=("policy", "appraisal", "cohort"),
        default="policy",
        help="which document's schema (default: policy)",
    )
    for sub in (show, validate, check, schema):
        sub.set_defaults(run=run)


def _chosen(args: argparse.Namespace) -> str | None:
    """The policy file named by FILE or --policy (naming two different ones is an error)."""
    file, option = getattr(args, "file", None), getattr(args, "policy_option", None)
    if file and option and file != option:
        raise UsageError(f"two policy files given: {file} and --policy {option}; give one")
    return file or option


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
    from medsales.analysis.check import check_policy
    from medsales.catalog import default_policy_text
    from medsales.cli._inputs import load
    from medsales.engine.schema import appraisal_json_schema, cohort_json_schema
    from medsales.policy.io import dump_policy, load_policy, policy_json_schema

    chosen = _chosen(args)
    if args.policy_command == "show":
        if chosen is None and args.format == "toml":
            out.write(default_policy_text())
        else:
            out.write(dump_policy(load(chosen), args.format))
    elif args.policy_command == "check":
        policy = load(chosen)
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
                f"{policy.id} {policy.version}: {count(counts['error'], 'error')}, "
                f"{count(counts['warning'], 'warning')}, {count(counts['info'], 'note')}",
                file=out,
            )
        if any(f.severity == "error" for f in findings):
            raise Failed
    elif args.policy_command == "validate":
        if chosen is None:
            raise UsageError("policy validate needs a policy file: FILE or --policy FILE")
        policy = load_policy(chosen)
        print(
            f"{chosen}: valid policy {policy.id} {policy.version} (sha256 {policy.sha256})",
            file=out,
        )
    else:
        schema = {
            "policy": policy_json_schema,
            "appraisal": appraisal_json_schema,
            "cohort": cohort_json_schema,
        }[args.document]()
        out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
