"""Reading a command's inputs: the policy, the five files or the demo, and the cohort."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from typing import Any, TextIO

from medsales.catalog import DEMO_FILES, DEMO_GOALS_FILE, default_policy, demo_file_text
from medsales.cli._common import UsageError
from medsales.cohort.appraise import CohortResult, Unscored, appraise_cohort
from medsales.engine.results import Appraisal
from medsales.errors import DataFileError, InputError, Problem
from medsales.io import csv as csvio
from medsales.periods import Period
from medsales.policy.io import load_policy
from medsales.policy.models import GoalsDerive, Policy

_PROGRESS_FROM = 200  # people: below that a run takes well under a second


class Inputs:
    """The records of the input files (the five of SPEC §10 and goals), read and checked
    together."""

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
        self.goals = read("goals", csvio.read_goals, employee_ids=ids)
        if problems:
            files = sorted({p.file for p in problems if p.file})
            raise DataFileError(
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                f"{', '.join(files)}; nothing was written",
                problems=problems,
            )


def read_files(args: argparse.Namespace, policy: Policy) -> Inputs:
    sources: dict[str, tuple[Any, str]] = {}
    for kind in (*DEMO_FILES, DEMO_GOALS_FILE):
        path = getattr(args, kind, None)
        if path is not None:
            sources[kind] = (path, path)
    return Inputs(policy, sources)


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


def run_cohort(
    policy: Policy,
    inputs: Inputs,
    period: Period | str,
    *,
    distribution: bool,
    stderr: TextIO,
    unscored: Unscored = "error",
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
        goals=inputs.goals,
        period=period,
        distribution=distribution,
        progress=progress,
        unscored=unscored,
    )


def cohort_of(args: argparse.Namespace, err: TextIO) -> CohortResult:
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
        unscored=args.unscored,
    )


def one(args: argparse.Namespace, err: TextIO) -> tuple[Policy, Appraisal]:
    """The appraisal of ``args.employee_id`` from the files, or from the demo data."""
    cohort = cohort_of(args, err)
    return cohort.policy, cohort.appraisal(args.employee_id)


def load(path: str | None) -> Policy:
    """The policy in ``path``, or the built-in one."""
    return default_policy() if path is None else load_policy(path)
