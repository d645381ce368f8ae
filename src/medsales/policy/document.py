"""The policy document as a whole (SPEC §12): settings, catalog, scorecards, grades, examples."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from medsales.errors import PolicyError
from medsales.labels import Label
from medsales.policy.base import FORMAT, Id, MissingRule, NonNegative, Num, Positive
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.history import Alert, Rollup
from medsales.policy.inputs import Incident, Measurement
from medsales.policy.kpis import KPI
from medsales.policy.organisation import ConductRule, Department, Role
from medsales.policy.review import ReviewSettings, default_review_as_absent
from medsales.policy.scorecards import Distribution, Grade, Scorecard

__all__ = ["Example", "ExampleExpectation", "Policy", "require_policy"]


def _bare_actual(value: Any) -> Any:
    """A bare number in a golden example is the actual, as :func:`medsales.appraise` reads it."""
    if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        return {"actual": value}
    return value


def _none_if_empty(value: Any) -> Any:
    """No alerts is the same as the key left out (``alerts = []`` hashes as its absence)."""
    if isinstance(value, list | tuple) and not value:
        return None
    return value


class ExampleExpectation(_Model):
    """What a golden example must produce."""

    score: Num | None = None
    grade: Id | None = None
    vetoed: bool | None = None
    complete: bool | None = None


class Example(_Model):
    """A golden case: inputs and the result the policy must produce for them."""

    name: str = Field(min_length=1)
    role: Id
    measurements: dict[Id, Annotated[Measurement, BeforeValidator(_bare_actual)]] = Field(
        default_factory=dict
    )
    incidents: tuple[Incident, ...] = ()
    expect: ExampleExpectation


# --------------------------------------------------------------------------- the policy

_NAMES = ("id", "role", "kpi")
"""The keys that name an item of a list in a key path, tried in this order."""


def _mutable(value: Any) -> Any:
    """Plain data with lists for tuples, so a key path can change it in place."""
    if isinstance(value, Mapping):
        return {k: _mutable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mutable(v) for v in value]
    return value


def _dotted(path: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def _set_path(data: dict[str, Any], text: str, parts: tuple[str | int, ...], value: Any) -> None:
    """Set ``value`` at the key path ``parts`` of ``data``; a located error if it leads
    nowhere."""
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(str(p) for p in parts[:depth]) or "the policy"
        if isinstance(node, list):
            index = part if isinstance(part, int) else _named(node, part)
            if index is None or not -len(node) <= index < len(node):
                raise PolicyError(
                    f"key path {text!r}: {where} has no item {part!r}",
                    path=text,
                    value=part,
                    expected=f"an index below {len(node)} or the id of an item",
                )
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict) and isinstance(part, str):
            if last:
                if value is None:
                    node.pop(part, None)
                else:
                    node[part] = value
                return
            if part not in node:
                raise PolicyError(
                    f"key path {text!r}: {where} has no key {part!r}",
                    path=text,
                    value=part,
                    expected="one of " + ", ".join(sorted(node)),
                )
            node = node[part]
        else:
            raise PolicyError(
                f"key path {text!r}: {where} is a value, not a table or a list",
                path=text,
                value=part,
            )
    raise PolicyError("an empty key path", path=text, value=text)


def _named(items: list[Any], name: str) -> int | None:
    """The index of the item of ``items`` whose id (or role, or kpi) is ``name``."""
    for key in _NAMES:
        for i, item in enumerate(items):
            if isinstance(item, dict) and item.get(key) == name:
                return i
    return None


class Policy(_Model):
    """A whole policy document: catalog, scorecards, grades, consequences and settings."""

    format: Literal["medsales.policy/1"] = FORMAT
    id: Id
    version: str = Field(min_length=1)
    name: Label
    description: Label | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    score_places: Annotated[int, Field(ge=0, le=10)] = 2
    rounding: Literal["half_up", "half_even", "half_down", "up", "down", "ceiling", "floor"] = (
        "half_up"
    )
    missing: MissingRule = "redistribute"
    max_deduction: NonNegative | None = None
    max_score: Positive | None = None
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 1
    fiscal_year_named_by: Literal["end", "start"] = "end"
    proration: Literal["days", "months"] = "days"
    department: Department
    roles: tuple[Role, ...] = Field(min_length=1)
    conduct_rules: tuple[ConductRule, ...] = ()
    kpis: tuple[KPI, ...] = Field(min_length=1)
    grades: tuple[Grade, ...] = Field(min_length=1)
    scorecards: tuple[Scorecard, ...] = Field(min_length=1)
    distribution: Distribution | None = None
    rollup: Rollup | None = None
    # absent, not empty, when there are none: the canonical form leaves out what is absent,
    # so a policy without alerts keeps the SHA-256 it had before alerts existed
    alerts: Annotated[tuple[Alert, ...] | None, BeforeValidator(_none_if_empty)] = None
    review: Annotated[ReviewSettings | None, BeforeValidator(default_review_as_absent)] = None
    examples: tuple[Example, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        from medsales.numbers import engine_context
        from medsales.policy.consistency import check_consistency

        with engine_context():  # weight totals are exact whatever the caller's context
            problems = check_consistency(self)
        if problems:
            raise PolicyError(f"the policy has {len(problems)} problem(s)", problems=problems)
        return self

    # -- lookups (built once per policy; the policy is immutable) ---------------------

    @cached_property
    def review_settings(self) -> ReviewSettings:
        """The ``[review]`` table, or its defaults when the policy has none."""
        return self.review if self.review is not None else ReviewSettings()

    @cached_property
    def kpis_by_id(self) -> Mapping[str, KPI]:
        """KPI definitions by id."""
        return {k.id: k for k in self.kpis}

    @cached_property
    def roles_by_id(self) -> Mapping[str, Role]:
        """Roles by id."""
        return {r.id: r for r in self.roles}

    @cached_property
    def rules_by_id(self) -> Mapping[str, ConductRule]:
        """Conduct rules by id."""
        return {r.id: r for r in self.conduct_rules}

    @cached_property
    def grades_by_id(self) -> Mapping[str, Grade]:
        """Grades by id."""
        return {g.id: g for g in self.grades}

    @cached_property
    def scorecards_by_role(self) -> Mapping[str, Scorecard]:
        """Scorecards by role id."""
        return {s.role: s for s in self.scorecards}

    @cached_property
    def grade_rank(self) -> Mapping[str, int]:
        """0 for the best grade, 1 for the next, …"""
        return {g.id: i for i, g in enumerate(self.grades)}

    def kpi(self, kpi_id: str) -> KPI:
        """The KPI definition ``kpi_id``; :class:`~medsales.errors.UnknownKPIError` if none."""
        from medsales.errors import UnknownKPIError, shown

        try:
            return self.kpis_by_id[kpi_id]
        except (KeyError, TypeError):  # TypeError: an unhashable id such as a list
            raise UnknownKPIError(
                f"unknown KPI {shown(kpi_id)}",
                value=kpi_id if isinstance(kpi_id, str) else shown(kpi_id),
                expected="one of " + ", ".join(sorted(self.kpis_by_id)),
            ) from None

    def scorecard(self, role: str) -> Scorecard:
        """The scorecard of ``role``; :class:`~medsales.errors.UnknownRoleError` if none."""
        from medsales.errors import UnknownRoleError, shown

        try:
            return self.scorecards_by_role[role]
        except (KeyError, TypeError):  # TypeError: an unhashable id such as a list
            raise UnknownRoleError(
                f"unknown role {shown(role)}"
                if not isinstance(role, str) or role not in self.roles_by_id
                else f"role {role!r} has no scorecard",
                path="role",
                value=role,
                expected="one of " + ", ".join(sorted(self.scorecards_by_role)),
            ) from None

    def evolve(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Policy:
        """A new policy with ``changes`` applied, validated again, with its own SHA-256.

        Keyword arguments replace top-level keys (``policy.evolve(score_places=1)``); the
        keys of ``changes`` are key paths into the document, as error messages write them
        (``"grades[1].min"``, ``"scorecards[0].sections[0].lines[2].weight"``), where an
        item of a list may also be named by its ``id`` (``role`` for a scorecard, ``kpi``
        for a line): ``"scorecards.sales_representative.max_score"``. A value of ``None``
        removes an optional key. The original is never changed (a variant, as in
        OpenFisca's reforms, is a new document).
        """
        from medsales.policy.io import policy_to_data, validate_data
        from medsales.policy.locate import parse_path

        data = _mutable(policy_to_data(self))
        for key, value in fields.items():
            if key not in type(self).model_fields:
                raise PolicyError(
                    f"unknown key {key!r}",
                    path=key,
                    value=key,
                    expected="one of " + ", ".join(sorted(type(self).model_fields)),
                )
            data[key] = value
        for path, value in (changes or {}).items():
            _set_path(data, path, parse_path(path) if "[" in path else _dotted(path), value)
        return validate_data(data)

    @cached_property
    def canonical_json(self) -> str:
        """The canonical form (SPEC §9): defaults filled in, keys sorted, no whitespace."""
        from medsales.policy.io import canonical_json

        return canonical_json(self)

    @cached_property
    def sha256(self) -> str:
        """SHA-256 (hex) of the canonical form's UTF-8 bytes."""
        import hashlib

        return hashlib.sha256(self.canonical_json.encode("utf-8")).hexdigest()


def require_policy(value: object) -> Policy:
    """``value`` itself when it is a :class:`Policy`; otherwise a :class:`TypeError`, the
    error for a programming mistake (a policy comes from :func:`medsales.load_policy`)."""
    if not isinstance(value, Policy):
        from medsales.errors import wrong_type

        raise wrong_type("policy", value, "a Policy (from load_policy or default_policy)")
    return value
