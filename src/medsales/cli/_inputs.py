"""Reading a command's inputs: the policy, the five files or the demo, and the cohort."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from typing import Any, Final, TextIO

from medsales.catalog import DEMO_FILES, DEMO_GOALS_FILE, default_policy, demo_file_text
from medsales.cli._common import MAX_PROBLEMS, UsageError, count
from medsales.cohort.appraise import CohortResult, Unscored, appraise_cohort, no_rows_error
from medsales.engine.periodic import required_period
from medsales.engine.results import Appraisal
from medsales.errors import DataFileError, InputError, Problem
from medsales.io import records
from medsales.io.records import open_table
from medsales.periods import Period
from medsales.policy.io import load_policy
from medsales.policy.models import GoalsDerive, Policy

_PROGRESS_FROM = 200  # people: below that a run takes well under a second


_OPTIONS: Final = {
    "employees": "--employees",
    "measurements": "--measurements",
    "incidents": "--incidents",
    "ratings": "--ratings",
    "surveys": "--surveys",
    "goals": "--goals",
}


class Inputs:
    """The records of the five files, read and checked together.

    With ``within``, rows of measurements, ratings and surveys outside that period are
    checked as they are read, then let go: memory holds only the rows of the period.
    ``periods`` are the periods of every row read (kept or not), ``measurement_periods``
    those of the measurements; ``files`` names each input that was given.
    """

    def __init__(
        self,
        policy: Policy,
        sources: dict[str, tuple[Any, str]],
        *,
        encoding: str = "utf-8",
        max_problems: int = MAX_PROBLEMS,
        within: Period | None = None,
    ) -> None:
        problems: list[Problem] = []
        self.files = {kind: name for kind, (_, name) in sources.items()}
        self.periods: set[Period] = set()

        def read(kind: str, reader: Callable[..., Any], *args: Any, **kw: Any) -> Any:
            if kind not in sources:
                return ()
            source, name = sources[kind]
            try:
                table = open_table(source, kind, name=name, encoding=encoding)
                found = reader(table, policy, *args, max_problems=max_problems, **kw)
            except DataFileError as exc:
                problems.extend(exc.problems or [Problem(exc.message, file=name)])
                return ()
            if isinstance(found, records.Read):
                self.periods.update(found.periods)
                return tuple(found.records)
            return tuple(found)

        self.employees = read("employees", records.employees_of)
        ids = {e.employee_id for e in self.employees} if self.employees else None
        self.measurements = read("measurements", records.measurements_of, ids, within=within)
        self.measurement_periods = set(self.periods)
        self.incidents = read("incidents", records.incidents_of, ids)
        self.ratings = read("ratings", records.ratings_of, ids, within=within)
        self.surveys = read("surveys", records.surveys_of, ids, within=within)
        self.goals = read("goals", records.goals_of, ids)
        if problems:
            files = sorted({p.file for p in problems if p.file})
            raise DataFileError(
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                f"{', '.join(files)}; nothing was written",
                problems=problems,
            )


def read_files(args: argparse.Namespace, policy: Policy) -> Inputs:
    """The input files named on the command line; with ``--period``, only its rows kept."""
    sources: dict[str, tuple[Any, str]] = {}
    for kind in (*DEMO_FILES, DEMO_GOALS_FILE):
        path = getattr(args, kind, None)
        if path is not None:
            sources[kind] = (path, path)
    period = getattr(args, "period", None)
    return Inputs(
        policy,
        sources,
        encoding=getattr(args, "encoding", "utf-8"),
        max_problems=getattr(args, "max_problems", MAX_PROBLEMS),
        within=None if period is None else required_period(policy, period),
    )


def demo_inputs(policy: Policy) -> Inputs:
    """The bundled demo files; its goals too when the policy has a KPI read from goals
    (the demo's goals feed ``goal_progress``, a KPI of the goals example policy)."""
    kinds: tuple[str, ...] = DEMO_FILES
    if any(isinstance(k.derive, GoalsDerive) for k in policy.kpis):
        kinds = (*DEMO_FILES, DEMO_GOALS_FILE)
    return Inputs(
        policy,
        {k: (io.StringIO(demo_file_text(k)), f"demo/{k}.csv") for k in kinds},
    )


def latest_complete_quarter(inputs: Inputs, policy: Policy) -> Period:
    months = inputs.measurement_periods
    if not inputs.measurements or not months:
        raise InputError("the data have no measurements to choose a period from")
    last = max(p.end for p in months)
    quarter = Period.containing(
        last, "quarter", policy.fiscal_year_start, policy.fiscal_year_named_by
    )
    return quarter if quarter.end == last else quarter.previous()


def coverage_lines(cohort: CohortResult, inputs: Inputs) -> list[str]:
    """What no one had data for (SPEC §19): each scorecard KPI without a value, and the
    conduct rules when no incidents file was given."""
    lines = []
    if "incidents" not in inputs.files and cohort.policy.conduct_rules:
        lines.append(
            "--incidents was not given: no conduct rule was applied (no deduction, cap or "
            "veto); give an incidents file, with a header only if there were none"
        )
    for c in cohort.coverage:
        given = inputs.files.get(c.source)
        where = f"{given} has no row of it" if given else f"{_OPTIONS[c.source]} was not given"
        how = (
            "its weight went to the other lines" if c.handled == "redistributed" else "it scored 0"
        )
        lines.append(
            f"no one has a value for KPI {c.kpi!r} in {cohort.period.label} (it comes from "
            f"the {c.source} file: {where}); {how} in {count(c.appraisals, 'appraisal')}"
        )
    return lines


def warn_coverage(
    cohort: CohortResult, inputs: Inputs, stderr: TextIO, *, strict: bool, quiet: bool = False
) -> None:
    """Say, on stderr, every input that no one had data from (unless ``quiet``: a command
    about one employee); with ``strict``, make it an error."""
    lines = coverage_lines(cohort, inputs)
    if lines and strict:
        raise InputError(
            f"{count(len(lines), 'input')} without data (--strict)",
            problems=[Problem(line) for line in lines],
        )
    if not quiet:
        for line in lines:
            print(f"medsales: warning: {line}", file=stderr)


def run_cohort(
    policy: Policy,
    inputs: Inputs,
    period: Period | str,
    *,
    distribution: bool,
    stderr: TextIO,
    strict: bool = False,
    quiet: bool = False,
    unscored: Unscored = "error",
) -> CohortResult:
    """The cohort of the inputs; coverage warnings (or, ``strict``, errors) on stderr."""
    within = required_period(policy, period)
    if not (inputs.measurements or inputs.ratings or inputs.surveys or inputs.goals):
        raise no_rows_error(policy, within, (p.label for p in inputs.periods))
    progress = None
    if stderr.isatty():

        def progress(done: int, total: int) -> None:
            if total >= _PROGRESS_FROM and (done % 50 == 0 or done == total):
                end = "\n" if done == total else ""
                print(f"\rappraising {done}/{total}", end=end, file=stderr, flush=True)

    cohort = appraise_cohort(
        policy,
        employees=inputs.employees,
        measurements=inputs.measurements,
        incidents=inputs.incidents,
        ratings=inputs.ratings,
        surveys=inputs.surveys,
        goals=inputs.goals,
        period=within,
        distribution=distribution,
        progress=progress,
        unscored=unscored,
    )
    warn_coverage(cohort, inputs, stderr, strict=strict, quiet=quiet)
    return cohort


def cohort_of(args: argparse.Namespace, err: TextIO, *, quiet: bool = False) -> CohortResult:
    """The cohort of the input files, or of the demo data with ``--demo``."""
    policy = load(args.policy)
    if args.demo:
        inputs = demo_inputs(policy)
        period: Period | str = args.period or latest_complete_quarter(inputs, policy)
    else:
        missing = [o for o in ("employees", "measurements", "period") if not getattr(args, o)]
        if missing:
            raise UsageError(
                "the following arguments are required (or --demo): "
                + ", ".join(f"--{m}" for m in missing)
            )
        inputs = read_files(args, policy)
        period = args.period
    return run_cohort(
        policy,
        inputs,
        period,
        distribution=not args.no_distribution,
        stderr=err,
        strict=getattr(args, "strict", False),
        quiet=quiet,
        unscored=getattr(args, "unscored", "error"),
    )


def one(args: argparse.Namespace, err: TextIO) -> tuple[Policy, Appraisal]:
    """The appraisal of ``args.employee_id`` from the files, or from the demo data."""
    cohort = cohort_of(args, err, quiet=True)  # the cohort's coverage is for appraise
    return cohort.policy, cohort.appraisal(args.employee_id)


def load(path: str | None) -> Policy:
    """The policy in ``path``, or the built-in one."""
    return default_policy() if path is None else load_policy(path)
