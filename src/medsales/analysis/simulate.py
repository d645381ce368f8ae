"""Policy variants scored over the same history (SPEC §20): what would a change do?

:func:`simulate` appraises a department once per policy, the base and every variant,
and compares: the grade distribution of each, and each employee's score and grade change
against the base. A variant is a policy or a mapping of changes for
:meth:`medsales.Policy.evolve`, so it is validated again and has its own SHA-256. The
policies travel to the workers as canonical JSON and are rebuilt there once by hash;
the data is sent to each worker once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

import attrs

from medsales.cohort.appraise import appraise_cohort
from medsales.errors import InputError, PolicyError
from medsales.periods import Period
from medsales.policy.document import Policy, require_policy
from medsales.policy.io import policy_from_canonical

__all__ = ["EmployeeChange", "Outcome", "Simulation", "simulate"]

BASE = "base"
"""The name the base policy's outcome goes by."""


@attrs.frozen
class Outcome:
    """One policy's appraisal of the department: its grade counts and, per employee, the
    final score and grade (``None`` for an incomplete appraisal)."""

    name: str
    policy_sha256: str
    grades: Mapping[str, int]
    results: Mapping[str, tuple[Decimal | None, str | None]]

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (scores as decimal strings)."""
        return {
            "name": self.name,
            "policy_sha256": self.policy_sha256,
            "grades": dict(self.grades),
            "results": {
                eid: {"score": None if s is None else str(s), "grade": g}
                for eid, (s, g) in self.results.items()
            },
        }


@attrs.frozen
class EmployeeChange:
    """One employee under a variant against the base: ``delta`` = score − base score and
    ``steps`` = how many grades up (negative: down), in the variant's grade order."""

    employee_id: str
    base_score: Decimal | None
    score: Decimal | None
    delta: Decimal | None
    base_grade: str | None
    grade: str | None
    steps: int | None


@attrs.frozen
class Simulation:
    """The base policy's outcome, each variant's, and the changes between them."""

    period: str
    base: Outcome
    variants: Mapping[str, Outcome]
    _policies: Mapping[str, Policy] = attrs.field(repr=False, alias="policies")

    def distribution(self) -> dict[str, dict[str, int]]:
        """The grade counts of the base and of every variant, by name."""
        return {BASE: dict(self.base.grades)} | {
            name: dict(o.grades) for name, o in self.variants.items()
        }

    def changes(self, name: str) -> list[EmployeeChange]:
        """Each employee's score and grade change under variant ``name``, by employee id."""
        try:
            outcome = self.variants[name]
        except KeyError:
            raise InputError(
                f"no variant {name!r}",
                path="name",
                value=name,
                expected="one of " + ", ".join(self.variants),
            ) from None
        rank = self._policies[name].grade_rank
        out: list[EmployeeChange] = []
        for eid in sorted(set(self.base.results) | set(outcome.results)):
            base_score, base_grade = self.base.results.get(eid, (None, None))
            score, grade = outcome.results.get(eid, (None, None))
            delta = None if score is None or base_score is None else score - base_score
            steps = None
            if base_grade is not None and grade is not None and {base_grade, grade} <= set(rank):
                steps = rank[base_grade] - rank[grade]
            out.append(EmployeeChange(eid, base_score, score, delta, base_grade, grade, steps))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The simulation as JSON-ready data."""
        return {
            "period": self.period,
            "base": self.base.to_dict(),
            "variants": {name: o.to_dict() for name, o in self.variants.items()},
        }


# --------------------------------------------------------------------------- workers

_DATA: dict[str, Any] = {}
"""The inputs, sent to each worker process once (its initializer sets them)."""


def _receive(data: dict[str, Any]) -> None:
    _DATA.clear()
    _DATA.update(data)


def _run(name: str, text: str, data: Mapping[str, Any] | None = None) -> Outcome:
    """Appraise the department under the policy whose canonical JSON is ``text``."""
    policy = policy_from_canonical(text)
    cohort = appraise_cohort(policy, **(_DATA if data is None else data))
    return Outcome(
        name=name,
        policy_sha256=policy.sha256,
        grades=dict(cohort.grades),
        results={a.employee_id or "": (a.score, a.grade) for a in cohort.appraisals},
    )


def _variant(policy: Policy, name: str, variant: Any) -> Policy:
    if isinstance(variant, Policy):
        return variant
    if isinstance(variant, Mapping):
        try:
            return policy.evolve(variant)
        except PolicyError as exc:
            raise PolicyError(
                f"variant {name!r}: {exc.message}", path=exc.path, problems=exc.problems
            ) from None
    raise InputError(
        f"variant {name!r} must be a Policy or a mapping of changes, not {type(variant).__name__}",
        path=f"variants.{name}",
        value=type(variant).__name__,
        expected="a Policy, or a mapping of key paths to values (Policy.evolve)",
    )


def simulate(
    policy: Policy,
    variants: Mapping[str, Policy | Mapping[str, Any]],
    *,
    period: Period | str,
    employees: Iterable[Any],
    measurements: Iterable[Any] = (),
    incidents: Iterable[Any] = (),
    surveys: Iterable[Any] = (),
    ratings: Iterable[Any] = (),
    distribution: bool = True,
    workers: int | None = None,
    client: Any = None,
) -> Simulation:
    """Score the base ``policy`` and every variant over the same data.

    The data are the inputs of :func:`medsales.appraise_cohort`. ``variants`` maps a name
    to a policy or to a mapping of changes (key paths, as :meth:`medsales.Policy.evolve`
    takes them). Runs on a process pool of ``workers`` processes (default: one per CPU,
    at most one per policy; ``workers=1`` runs here), or on a Dask cluster when given its
    ``client``. Any error is the one :func:`~medsales.appraise_cohort` raises.
    """
    require_policy(policy)
    if not isinstance(variants, Mapping):
        raise InputError(
            f"variants must be a mapping of names to variants, not {type(variants).__name__}",
            path="variants",
            value=type(variants).__name__,
            expected="a mapping of names to policies or to mappings of changes",
        )
    if BASE in variants:
        raise InputError(
            f"a variant may not be named {BASE!r}: that is the base policy",
            path=f"variants.{BASE}",
            value=BASE,
        )
    policies = {BASE: policy} | {
        name: _variant(policy, name, variant) for name, variant in variants.items()
    }
    label = period.label if isinstance(period, Period) else period
    data: dict[str, Any] = {
        "period": period,
        "employees": list(employees),
        "measurements": list(measurements),
        "incidents": list(incidents),
        "surveys": list(surveys),
        "ratings": list(ratings),
        "distribution": distribution,
    }
    names = list(policies)
    texts = [policies[n].canonical_json for n in names]
    if client is not None:
        shared = client.scatter(data, broadcast=True)
        futures = client.map(_run, names, texts, data=shared, pure=False)
        outcomes: list[Outcome] = client.gather(futures)
    else:
        count = min(workers or os.cpu_count() or 1, len(names))
        if count <= 1:
            outcomes = [_run(n, t, data) for n, t in zip(names, texts, strict=True)]
        else:
            with ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_receive,
                initargs=(data,),
            ) as pool:
                outcomes = list(pool.map(_run, names, texts))
    by_name = dict(zip(names, outcomes, strict=True))
    return Simulation(
        period=label,
        base=by_name.pop(BASE),
        variants=by_name,
        policies=policies,
    )
