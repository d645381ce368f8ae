"""The policy document (SPEC §12) as frozen pydantic models.

What a person or another system writes is validated here, at the edge: unknown keys are
errors (``extra="forbid"``), numbers become exact Decimals through
:func:`medsales.numbers.to_decimal`, and every cross-reference is checked when the policy
loads. Build policies with :func:`medsales.load_policy`, which turns pydantic's errors into
one :class:`~medsales.errors.PolicyError` listing every problem with its key path.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from medsales.errors import MedsalesError, PolicyError, Problem, format_path
from medsales.labels import Label
from medsales.numbers import Ratio, to_decimal

__all__ = [
    "FORMAT",
    "KPI",
    "Aggregation",
    "Basis",
    "ConductRule",
    "Consequence",
    "Consequences",
    "Curve",
    "Department",
    "Derive",
    "Direction",
    "Distribution",
    "Example",
    "ExampleExpectation",
    "Grade",
    "Incident",
    "Line",
    "LinearCurve",
    "Measurement",
    "MissingRule",
    "PiecewiseCurve",
    "Policy",
    "RatingsDerive",
    "Responsibility",
    "Role",
    "ScaleCurve",
    "Scorecard",
    "Section",
    "Severity",
    "StepsCurve",
    "SurveyDerive",
    "TeamDerive",
    "Unit",
]

FORMAT: Final = "medsales.policy/1"

Unit = Literal["currency", "count", "percent", "ratio", "rating", "score", "days", "hours"]
Direction = Literal["higher", "lower", "target"]
Aggregation = Literal["sum", "mean", "weighted_mean", "last", "min", "max"]
Basis = Literal["attainment", "value"]
MissingRule = Literal["redistribute", "zero", "error"]
Severity = Literal["minor", "major", "critical"]
SEVERITIES: Final[tuple[Severity, ...]] = ("minor", "major", "critical")

_ID_PATTERN: Final = r"^[A-Za-z][A-Za-z0-9_\-]*$"


def _number(value: Any) -> Decimal:
    try:
        return to_decimal(value)
    except MedsalesError as exc:
        raise ValueError(exc.message) from None


_NUMBER_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"},
    ]
}

Num = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema(_NUMBER_SCHEMA)]
"""An exact number: int, decimal string, Decimal, or finite float (through its repr)."""


def _bounded_schema(**bounds: int) -> dict[str, Any]:
    return {"anyOf": [{"type": "number", **bounds}, _NUMBER_SCHEMA["anyOf"][1]]}


NonNegative = Annotated[
    Decimal, BeforeValidator(_number), Field(ge=0), WithJsonSchema(_bounded_schema(minimum=0))
]
Positive = Annotated[
    Decimal,
    BeforeValidator(_number),
    Field(gt=0),
    WithJsonSchema(_bounded_schema(exclusiveMinimum=0)),
]
Share = Annotated[
    Decimal,
    BeforeValidator(_number),
    Field(ge=0, le=1),
    WithJsonSchema(_bounded_schema(minimum=0, maximum=1)),
]
Id = Annotated[str, Field(pattern=_ID_PATTERN, min_length=1, max_length=100)]
Point = tuple[Num, Num]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        arbitrary_types_allowed=False,
        ignored_types=(cached_property,),
    )


class _EngineCache:
    """A place for what the engine derives from an immutable part of a policy (a
    scorecard's effective weights by the lines that remain, a curve's notes), filled as
    the engine meets them rather than on every appraisal."""

    @cached_property
    def engine_cache(self) -> dict[str, Any]:
        """What the engine has derived from this object so far (never stale: the object
        is immutable)."""
        return {}


# --------------------------------------------------------------------------- catalog


class Responsibility(_Model):
    """A duty of the department or of a role (SPEC §2)."""

    id: Id
    name: Label
    description: Label | None = None


class Department(_Model):
    """The department and its core responsibilities."""

    id: Id
    name: Label
    description: Label | None = None
    responsibilities: tuple[Responsibility, ...] = ()


class Role(_Model):
    """A role (岗位) with its responsibilities (岗位职责)."""

    id: Id
    name: Label
    description: Label | None = None
    responsibilities: tuple[Responsibility, ...] = ()


class Consequence(_Model):
    """What one incident of a given severity costs (SPEC §5)."""

    deduct: NonNegative = Decimal(0)
    grade_cap: Id | None = None
    veto: bool = False


class Consequences(_Model):
    """A conduct rule's consequence for each severity; an absent severity costs nothing."""

    minor: Consequence | None = None
    major: Consequence | None = None
    critical: Consequence | None = None

    def for_severity(self, severity: Severity) -> Consequence | None:
        """The consequence of one incident of ``severity``."""
        result: Consequence | None = getattr(self, severity)
        return result


class ConductRule(_Model):
    """A rule of the code of conduct (行为规范) and what breaking it costs."""

    id: Id
    name: Label
    description: Label | None = None
    consequences: Consequences = Consequences()


class SurveyDerive(_Model):
    """A KPI computed from survey responses: CSAT, mean rating or NPS (SPEC §8)."""

    from_: Literal["survey"] = Field(alias="from")
    method: Literal["csat", "mean", "nps"]
    min_responses: Annotated[int, Field(ge=1)] = 1


class RatingsDerive(_Model):
    """A KPI computed from multi-rater (360°) ratings by rater group (SPEC §8)."""

    from_: Literal["ratings"] = Field(alias="from")
    groups: dict[Id, Positive] = Field(min_length=1)
    peer_aggregate: Literal["mean", "trimmed_mean"] = "mean"
    min_raters: Annotated[int, Field(ge=1)] | dict[Id, Annotated[int, Field(ge=1)]] = 1

    def min_raters_for(self, group: str) -> int:
        """The fewest ratings a group needs to count: a number applies to the peer group."""
        if isinstance(self.min_raters, int):
            return self.min_raters if group == "peer" else 1
        return self.min_raters.get(group, 1)


class TeamDerive(_Model):
    """A KPI rolled up from a manager's team (SPEC §8)."""

    from_: Literal["team"] = Field(alias="from")
    kpi: Id
    scope: Literal["direct", "all"] = "direct"


Derive = Annotated[SurveyDerive | RatingsDerive | TeamDerive, Field(discriminator="from_")]


class KPI(_Model):
    """A KPI definition (SPEC §2)."""

    id: Id
    name: Label
    description: Label | None = None
    unit: Unit
    direction: Direction = "higher"
    aggregation: Aggregation = "sum"
    measures: tuple[str, ...] = ()
    derive: Derive | None = None


# --------------------------------------------------------------------------- curves


class LinearCurve(_Model):
    """points = multiplier × min(x, cap); 0 below ``floor`` (x = floor is not zeroed)."""

    type: Literal["linear"]
    multiplier: NonNegative = Decimal(100)
    floor: Num | None = None
    cap: Num | None = None

    @cached_property
    def exact(self) -> tuple[Fraction, Fraction | None, Fraction | None]:
        """(multiplier, floor, cap) as exact rationals, built once."""
        return (
            Fraction(self.multiplier),
            None if self.floor is None else Fraction(self.floor),
            None if self.cap is None else Fraction(self.cap),
        )

    @cached_property
    def ratios(self) -> tuple[Ratio, Ratio | None, Ratio | None]:
        """(multiplier, floor, cap) as integer ratios, built once."""
        return (
            self.multiplier.as_integer_ratio(),
            None if self.floor is None else self.floor.as_integer_ratio(),
            None if self.cap is None else self.cap.as_integer_ratio(),
        )

    @model_validator(mode="after")
    def _floor_below_cap(self) -> LinearCurve:
        if self.floor is not None and self.cap is not None and self.floor > self.cap:
            raise ValueError(f"floor {self.floor} is above cap {self.cap}; need floor <= cap")
        return self


def _exact_points(points: tuple[Point, ...]) -> tuple[tuple[Fraction, Fraction], ...]:
    return tuple((Fraction(x), Fraction(p)) for x, p in points)


def _strictly_increasing(points: tuple[Point, ...], what: str) -> tuple[Point, ...]:
    for i in range(1, len(points)):
        if points[i][0] <= points[i - 1][0]:
            raise ValueError(
                f"{what} must be strictly increasing: {points[i][0]} at [{i}] does not "
                f"follow {points[i - 1][0]} at [{i - 1}]"
            )
    return points


class StepsCurve(_EngineCache, _Model):
    """Points of the step reached; thresholds listed in strictly increasing order."""

    type: Literal["steps"]
    steps: tuple[Point, ...] = Field(min_length=1)
    below: Num = Decimal(0)

    @cached_property
    def exact(self) -> tuple[tuple[tuple[Fraction, Fraction], ...], Fraction]:
        """(steps, below) as exact rationals, built once."""
        return _exact_points(self.steps), Fraction(self.below)

    @cached_property
    def ratios(self) -> tuple[Ratio, ...]:
        """The thresholds as integer ratios, built once."""
        return tuple(t.as_integer_ratio() for t, _ in self.steps)

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: tuple[Point, ...]) -> tuple[Point, ...]:
        return _strictly_increasing(steps, "step thresholds")


class PiecewiseCurve(_EngineCache, _Model):
    """Linear interpolation between knots; flat after the last; ``below`` before the first."""

    type: Literal["piecewise"]
    points: tuple[Point, ...] = Field(min_length=1)
    below: Num | None = None

    @cached_property
    def exact(self) -> tuple[tuple[tuple[Fraction, Fraction], ...], Fraction]:
        """(knots, below) as exact rationals, built once; ``below`` defaults to the first
        knot's points."""
        knots = _exact_points(self.points)
        return knots, knots[0][1] if self.below is None else Fraction(self.below)

    @cached_property
    def slopes(self) -> tuple[Fraction, ...]:
        """The slope of each segment between consecutive knots, exact, built once."""
        knots = self.exact[0]
        return tuple((p1 - p0) / (x1 - x0) for (x0, p0), (x1, p1) in itertools.pairwise(knots))

    @cached_property
    def ratios(self) -> tuple[tuple[Ratio, ...], tuple[Ratio, ...], tuple[Ratio, ...]]:
        """(knot x values, knot points, slopes) as integer ratios, built once."""
        knots = self.exact[0]
        return (
            tuple(x.as_integer_ratio() for x, _ in knots),
            tuple(p.as_integer_ratio() for _, p in knots),
            tuple(s.as_integer_ratio() for s in self.slopes),
        )

    @field_validator("points")
    @classmethod
    def _ordered(cls, points: tuple[Point, ...]) -> tuple[Point, ...]:
        return _strictly_increasing(points, "knot x values")


class ScaleCurve(_Model):
    """A rating on [min, max] mapped linearly to 0–100."""

    type: Literal["scale"]
    min: Num
    max: Num

    @cached_property
    def exact(self) -> tuple[Fraction, Fraction]:
        """(min, max) as exact rationals, built once."""
        return Fraction(self.min), Fraction(self.max)

    @cached_property
    def ratios(self) -> tuple[Ratio, Ratio, Ratio]:
        """(min, max, max − min) as integer ratios, built once."""
        low, high = self.exact
        return low.as_integer_ratio(), high.as_integer_ratio(), (high - low).as_integer_ratio()

    @model_validator(mode="after")
    def _range(self) -> ScaleCurve:
        if self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        return self


Curve = Annotated[
    LinearCurve | StepsCurve | PiecewiseCurve | ScaleCurve, Field(discriminator="type")
]

# --------------------------------------------------------------------------- scorecards


class Line(_Model):
    """One scorecard line: a KPI read on a basis through a curve, with a weight."""

    kpi: Id
    weight: Positive
    basis: Basis
    curve: Curve
    missing: MissingRule | None = None
    allow_non_monotonic: bool = False

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once."""
        return Fraction(self.weight)


class Section(_Model):
    """A weighted group of lines."""

    id: Id
    name: Label | None = None
    weight: Positive
    lines: tuple[Line, ...] = Field(min_length=1)

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once."""
        return Fraction(self.weight)


FLAT_SECTION_ID: Final = "main"
"""The id of the one section of weight 100 that a flat scorecard (plain ``lines``) has."""


class Scorecard(_EngineCache, _Model):
    """A role's scorecard: sections of lines, or plain ``lines`` (one section of 100)."""

    role: Id
    sections: tuple[Section, ...] | None = Field(default=None, min_length=1)
    lines: tuple[Line, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _sections_or_lines(self) -> Scorecard:
        if (self.sections is None) == (self.lines is None):
            raise ValueError("give either 'sections' or flat 'lines', exactly one of them")
        return self

    @cached_property
    def plan(self) -> tuple[tuple[int, int, Section, Line], ...]:
        """(section index, line index, section, line) for every line, in order."""
        return tuple(
            (s, i, section, line)
            for s, section in enumerate(self.effective_sections)
            for i, line in enumerate(section.lines)
        )

    @cached_property
    def kpi_ids(self) -> frozenset[str]:
        """The KPIs on the scorecard."""
        return frozenset(line.kpi for _, _, _, line in self.plan)

    @cached_property
    def effective_sections(self) -> tuple[Section, ...]:
        """The sections, with flat ``lines`` as one section ``main`` of weight 100."""
        if self.sections is not None:
            return self.sections
        assert self.lines is not None
        return (Section(id=FLAT_SECTION_ID, weight=Decimal(100), lines=self.lines),)


# --------------------------------------------------------------------------- grades


class Grade(_Model):
    """A grade band: scores at or above ``min`` (and below the better band) get it."""

    id: Id
    name: Label | None = None
    description: Label | None = None
    min: Num
    coefficient: Num | None = None


class Distribution(_Model):
    """Forced distribution across a cohort (SPEC §8)."""

    mode: Literal["cap", "exact"] = "cap"
    shares: dict[Id, Share] = Field(min_length=1)
    ties: Literal["favor_higher", "favor_lower"] = "favor_higher"


# --------------------------------------------------------------------------- inputs


class Measurement(_Model):
    """A measurement of one KPI: an actual, an optional target and weight, or not applicable."""

    actual: Num | None = None
    target: Num | None = None
    weight: Num | None = None
    applicable: bool = True

    @model_validator(mode="after")
    def _actual_when_applicable(self) -> Measurement:
        if self.applicable and self.actual is None:
            raise ValueError("an applicable measurement needs an 'actual'")
        return self


class Incident(_Model):
    """A conduct incident (SPEC §5)."""

    employee_id: str | None = None
    rule: Id
    severity: Severity
    date: datetime.date | None = None
    note: str = ""


def _bare_actual(value: Any) -> Any:
    """A bare number in a golden example is the actual, as :func:`medsales.appraise` reads it."""
    if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        return {"actual": value}
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
    examples: tuple[Example, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        from medsales.numbers import engine_context

        with engine_context():  # weight totals are exact whatever the caller's context
            problems = _check_policy_consistency(self)
        if problems:
            raise PolicyError(f"the policy has {len(problems)} problem(s)", problems=problems)
        return self

    # -- lookups (built once per policy; the policy is immutable) ---------------------

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
        from medsales.errors import UnknownKPIError

        try:
            return self.kpis_by_id[kpi_id]
        except KeyError:
            raise UnknownKPIError(
                f"unknown KPI {kpi_id!r}",
                value=kpi_id,
                expected="one of " + ", ".join(sorted(self.kpis_by_id)),
            ) from None

    def scorecard(self, role: str) -> Scorecard:
        """The scorecard of ``role``; :class:`~medsales.errors.UnknownRoleError` if none."""
        from medsales.errors import UnknownRoleError

        try:
            return self.scorecards_by_role[role]
        except KeyError:
            raise UnknownRoleError(
                f"unknown role {role!r}"
                if role not in self.roles_by_id
                else f"role {role!r} has no scorecard",
                path="role",
                value=role,
                expected="one of " + ", ".join(sorted(self.scorecards_by_role)),
            ) from None

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


# --------------------------------------------------------------------------- checks


def _check_policy_consistency(policy: Policy) -> tuple[Problem, ...]:
    """Every load-time check that spans more than one key (SPEC §3, §4, §5, §8, §12)."""
    problems: list[Problem] = []

    def add(path: list[str | int], message: str, value: Any = None) -> None:
        problems.append(Problem(message=message, path=format_path(path), value=value))

    def unique(items: tuple[Any, ...], path: list[str | int], what: str, key: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = getattr(item, key)
            if ident in seen:
                add([*path, i, key], f"duplicate {what} {ident!r} (also at [{seen[ident]}])", ident)
            else:
                seen[ident] = i

    unique(
        policy.department.responsibilities,
        ["department", "responsibilities"],
        "responsibility id",
        "id",
    )
    unique(policy.roles, ["roles"], "role id", "id")
    for r, role in enumerate(policy.roles):
        unique(role.responsibilities, ["roles", r, "responsibilities"], "responsibility id", "id")
    unique(policy.conduct_rules, ["conduct_rules"], "conduct rule id", "id")
    unique(policy.kpis, ["kpis"], "KPI id", "id")
    unique(policy.grades, ["grades"], "grade id", "id")
    unique(policy.scorecards, ["scorecards"], "scorecard for role", "role")

    roles = {r.id for r in policy.roles}
    kpis = {k.id: k for k in policy.kpis}
    grades = [g.id for g in policy.grades]
    rules = {r.id for r in policy.conduct_rules}
    references = (
        {r.id for r in policy.department.responsibilities}
        | {f"{role.id}.{resp.id}" for role in policy.roles for resp in role.responsibilities}
        | rules
    )

    # grades: best first, strictly decreasing min
    for i in range(1, len(policy.grades)):
        prev, cur = policy.grades[i - 1], policy.grades[i]
        if cur.min >= prev.min:
            add(
                ["grades", i, "min"],
                f"grade {cur.id!r} has min {cur.min}, not below {prev.id!r}'s {prev.min}; "
                "list grades best first with strictly decreasing min",
                cur.min,
            )

    # conduct consequences
    for r, rule in enumerate(policy.conduct_rules):
        for severity in SEVERITIES:
            consequence = rule.consequences.for_severity(severity)
            if (
                consequence is not None
                and consequence.grade_cap is not None
                and consequence.grade_cap not in grades
            ):
                add(
                    ["conduct_rules", r, "consequences", severity, "grade_cap"],
                    f"unknown grade {consequence.grade_cap!r} "
                    f"(expected one of {', '.join(grades)})",
                    consequence.grade_cap,
                )

    # KPIs: measures and derive references
    for k, kpi in enumerate(policy.kpis):
        for m, ref in enumerate(kpi.measures):
            if ref not in references:
                add(
                    ["kpis", k, "measures", m],
                    f"{ref!r} is not a department responsibility, a role responsibility "
                    "('role.responsibility') or a conduct rule",
                    ref,
                )
        if isinstance(kpi.derive, TeamDerive):
            target = kpi.derive.kpi
            if target not in kpis:
                add(["kpis", k, "derive", "kpi"], f"unknown KPI {target!r}", target)
            else:
                chain = [kpi.id]
                node: KPI | None = kpis[target]
                while node is not None:
                    if node.id in chain:
                        add(
                            ["kpis", k, "derive", "kpi"],
                            "team roll-up leads into a cycle: " + " → ".join([*chain, node.id]),
                            target,
                        )
                        break
                    chain.append(node.id)
                    d = node.derive
                    node = kpis.get(d.kpi) if isinstance(d, TeamDerive) else None
        if isinstance(kpi.derive, RatingsDerive) and isinstance(kpi.derive.min_raters, dict):
            for group in kpi.derive.min_raters:
                if group not in kpi.derive.groups:
                    add(
                        ["kpis", k, "derive", "min_raters", group],
                        f"rater group {group!r} has no weight in 'groups' "
                        f"(expected one of {', '.join(kpi.derive.groups)})",
                        group,
                    )

    # scorecards
    for s, card in enumerate(policy.scorecards):
        base: list[str | int] = ["scorecards", s]
        if card.role not in roles:
            add(
                [*base, "role"],
                f"unknown role {card.role!r} (expected one of {', '.join(sorted(roles))})",
                card.role,
            )
        if card.sections is not None:
            unique(card.sections, [*base, "sections"], "section id", "id")
            total = sum((sec.weight for sec in card.sections), Decimal(0))
            if total != 100:
                add(
                    [*base, "sections"],
                    f"section weights of scorecard {card.role!r} total {total}, must total 100",
                    total,
                )
            sections = [([*base, "sections", i], sec) for i, sec in enumerate(card.sections)]
        else:
            sections = [(base, card.effective_sections[0])]
        seen_kpis: dict[str, str] = {}
        for sec_path, sec in sections:
            total = sum((line.weight for line in sec.lines), Decimal(0))
            if total != 100:
                where = f"section {sec.id!r}" if card.sections is not None else "flat lines"
                add(
                    [*sec_path, "lines"],
                    f"line weights of scorecard {card.role!r} {where} total {total}, "
                    "must total 100",
                    total,
                )
            for i, line in enumerate(sec.lines):
                lpath = [*sec_path, "lines", i]
                kpi_def = kpis.get(line.kpi)
                if kpi_def is None:
                    add([*lpath, "kpi"], f"unknown KPI {line.kpi!r}", line.kpi)
                    continue
                if line.kpi in seen_kpis:
                    add(
                        [*lpath, "kpi"],
                        f"KPI {line.kpi!r} appears twice in scorecard "
                        f"{card.role!r} (also in {seen_kpis[line.kpi]})",
                        line.kpi,
                    )
                seen_kpis[line.kpi] = format_path(lpath)
                for message in _curve_problems(line, kpi_def):
                    add([*lpath, "curve"], message)

    # distribution
    if policy.distribution is not None:
        dist = policy.distribution
        for gid in dist.shares:
            if gid not in grades:
                add(
                    ["distribution", "shares", gid],
                    f"unknown grade {gid!r} (expected one of {', '.join(grades)})",
                    gid,
                )
        total = sum(dist.shares.values(), Decimal(0))
        if dist.mode == "exact":
            missing = [g for g in grades if g not in dist.shares]
            if missing:
                add(
                    ["distribution", "shares"],
                    f"exact mode needs a share for every grade; missing {', '.join(missing)}",
                )
            if total != 1:
                add(
                    ["distribution", "shares"],
                    f"exact mode shares total {total}, must total 1",
                    total,
                )
        elif total > 1:
            add(["distribution", "shares"], f"cap shares total {total}, must not exceed 1", total)

    # golden examples refer to what exists
    for e, example in enumerate(policy.examples):
        if example.role not in roles:
            add(["examples", e, "role"], f"unknown role {example.role!r}", example.role)
        for kpi_id in example.measurements:
            if kpi_id not in kpis:
                add(["examples", e, "measurements", kpi_id], f"unknown KPI {kpi_id!r}", kpi_id)
        for i, incident in enumerate(example.incidents):
            if incident.rule not in rules:
                add(
                    ["examples", e, "incidents", i, "rule"],
                    f"unknown conduct rule {incident.rule!r}",
                    incident.rule,
                )
        if example.expect.grade is not None and example.expect.grade not in grades:
            add(
                ["examples", e, "expect", "grade"],
                f"unknown grade {example.expect.grade!r}",
                example.expect.grade,
            )
    return tuple(problems)


def _curve_problems(line: Line, kpi: KPI) -> list[str]:
    """Why a line's curve is not non-decreasing in "better" (SPEC §3), if it is not."""
    curve = line.curve
    if isinstance(curve, ScaleCurve) and line.basis != "value":
        return ['a scale curve reads a rating; use basis = "value"']
    if line.allow_non_monotonic:
        return []
    lower_value = line.basis == "value" and kpi.direction == "lower"
    if (
        isinstance(curve, LinearCurve)
        and not lower_value
        and curve.floor is not None
        and curve.floor < 0 < curve.multiplier
    ):
        return [
            f"a linear curve with a negative floor ({curve.floor}) gives 0 points below "
            "it but negative points just above it; use a floor of 0 or more, or set "
            "allow_non_monotonic = true"
        ]
    if isinstance(curve, LinearCurve | ScaleCurve):
        if lower_value:
            return [
                f"a {curve.type} curve rises with x, but KPI {kpi.id!r} is lower-is-better "
                'on basis "value"; use steps or piecewise with falling points, or set '
                "allow_non_monotonic = true"
            ]
        return []
    if isinstance(curve, StepsCurve):
        pts = [p for _, p in curve.steps]
        if lower_value:
            # smallest threshold >= x; beyond the last threshold → below
            falling = all(a >= b for a, b in itertools.pairwise(pts))
            if not falling or curve.below > pts[-1]:
                return [
                    f'steps for lower-is-better KPI {kpi.id!r} on basis "value" must '
                    "have points that do not rise with the threshold, and 'below' no "
                    "more than the last step's points"
                ]
            return []
        rising = all(a <= b for a, b in itertools.pairwise(pts))
        if not rising or curve.below > pts[0]:
            return [
                "step points must not fall as the threshold rises, and 'below' must not "
                "exceed the first step's points (or set allow_non_monotonic = true)"
            ]
        return []
    assert isinstance(curve, PiecewiseCurve)
    pts = [p for _, p in curve.points]
    below = pts[0] if curve.below is None else curve.below
    if lower_value:
        if not all(a >= b for a, b in itertools.pairwise(pts)) or below < pts[0]:
            return [
                f'piecewise points for lower-is-better KPI {kpi.id!r} on basis "value" '
                "must not rise with x, and 'below' must not be less than the first "
                "knot's points"
            ]
        return []
    if not all(a <= b for a, b in itertools.pairwise(pts)) or below > pts[0]:
        return [
            "piecewise points must not fall as x rises, and 'below' must not exceed the "
            "first knot's points (or set allow_non_monotonic = true)"
        ]
    return []
