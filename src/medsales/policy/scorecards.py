"""Scorecards: sections of weighted lines, grade bands and forced distribution (SPEC §4, §5, §8)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, Final, Literal, TypeVar

from pydantic import ConfigDict, Field, ModelWrapValidatorHandler, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from medsales.labels import Label
from medsales.policy.base import Basis, Id, MissingRule, Num, Positive, Share
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.curves import Curve

__all__ = [
    "FLAT_SECTION_ID",
    "Distribution",
    "Equal",
    "Grade",
    "Line",
    "Scorecard",
    "Section",
]

_ZERO: Final = Fraction(0)
_M = TypeVar("_M", bound=_Model)


class Line(_Model):
    """One scorecard line: a KPI read on a basis through a curve, with a weight."""

    kpi: Id
    weight: Positive | None = None
    basis: Basis
    curve: Curve
    missing: MissingRule | None = None
    allow_non_monotonic: bool = False
    entered_by: Literal["self", "manager"] | None = None
    """Who types the line's measurement in during a review (SPEC §17): the employee in
    their self review, or their manager; absent, it comes only from the inputs."""

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once (0 when the section's lines share
        equally; :attr:`Section.line_shares` has every line's share)."""
        return _ZERO if self.weight is None else Fraction(self.weight)


def _equal_or_weighted(equal_key: str, items: str) -> dict[str, Any]:
    """JSON Schema: each of ``items`` has a ``weight`` unless ``equal_key`` says "equal",
    and then none has."""
    return {
        "if": {"required": [equal_key], "properties": {equal_key: {"const": "equal"}}},
        "then": {"properties": {items: {"items": {"not": {"required": ["weight"]}}}}},
        "else": {"properties": {items: {"items": {"required": ["weight"]}}}},
    }


Equal = Literal["equal"]
"""``"equal"``: each of n lines (or sections) gets exactly 100/n (SPEC §15)."""


class Section(_Model):
    """A weighted group of lines; ``weights = "equal"`` gives each line exactly 1/n."""

    model_config = ConfigDict(json_schema_extra=_equal_or_weighted("weights", "lines"))

    id: Id
    name: Label | None = None
    weight: Positive | None = None
    weights: Equal | None = None
    lines: tuple[Line, ...] = Field(min_length=1)

    @cached_property
    def exact_weight(self) -> Fraction:
        """The weight as an exact rational, built once (0 when the scorecard's sections
        share equally; :attr:`Scorecard.section_shares` has every section's share)."""
        return _ZERO if self.weight is None else Fraction(self.weight)

    @model_validator(mode="wrap")
    @classmethod
    def _line_weights_given(cls, data: Any, handler: ModelWrapValidatorHandler[Section]) -> Section:
        return _weights_given(data, handler, ("weights", "lines"))

    @cached_property
    def line_shares(self) -> tuple[Fraction, ...]:
        """Each line's weight as an exact rational: 100/n each under ``weights = "equal"``."""
        if self.weights == "equal":
            return (Fraction(100, len(self.lines)),) * len(self.lines)
        return tuple(line.exact_weight for line in self.lines)


def _weights_given(data: Any, handler: ModelWrapValidatorHandler[_M], *keys: tuple[str, str]) -> _M:
    """A missing ``weight`` is a missing required key unless the parent says ``"equal"``,
    reported together with every other problem of the document."""
    missing: list[InitErrorDetails] = []
    for equal_key, items in keys if isinstance(data, Mapping) else ():
        listed = data.get(items)
        if data.get(equal_key) is None and isinstance(listed, list | tuple):
            missing += [
                {"type": "missing", "loc": (items, i, "weight"), "input": item}
                for i, item in enumerate(listed)
                if isinstance(item, Mapping) and "weight" not in item
            ]
    try:
        model = handler(data)
    except ValidationError as exc:
        if not missing:
            raise
        found: list[InitErrorDetails] = [
            {"type": e["type"], "loc": e["loc"], "input": e["input"], "ctx": e.get("ctx", {})}
            for e in exc.errors(include_url=False)
        ]
        raise ValidationError.from_exception_data(exc.title, _merged(found, missing)) from None
    if missing:
        raise ValidationError.from_exception_data(type(model).__name__, missing)
    return model


def _merged(
    found: list[InitErrorDetails], missing: list[InitErrorDetails]
) -> list[InitErrorDetails]:
    """The missing weights among the other errors in document order, as pydantic would
    list them (an item's ``kpi`` before its ``weight``, then the rest)."""
    out: list[InitErrorDetails] = []
    waiting = list(missing)
    for error in found:
        loc = error["loc"]
        while waiting and len(loc) > 2 and loc[0] == waiting[0]["loc"][0]:
            index = waiting[0]["loc"][1]
            assert isinstance(index, int)
            assert isinstance(loc[1], int)
            if loc[1] > index or (loc[1] == index and loc[2] != "kpi"):
                out.append(waiting.pop(0))
            else:
                break
        out.append(error)
    return [*out, *waiting]


FLAT_SECTION_ID: Final = "main"
"""The id of the one section of weight 100 that a flat scorecard (plain ``lines``) has."""


class Scorecard(_Model):
    """A role's scorecard: sections of lines, or plain ``lines`` (one section of 100)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _equal_or_weighted("section_weights", "sections"),
                _equal_or_weighted("weights", "lines"),
            ]
        }
    )

    role: Id
    section_weights: Equal | None = None
    sections: tuple[Section, ...] | None = Field(default=None, min_length=1)
    weights: Equal | None = None
    lines: tuple[Line, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _section_weights_given(
        cls, data: Any, handler: ModelWrapValidatorHandler[Scorecard]
    ) -> Scorecard:
        return _weights_given(data, handler, ("section_weights", "sections"), ("weights", "lines"))

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
        return (
            Section(
                id=FLAT_SECTION_ID, weight=Decimal(100), weights=self.weights, lines=self.lines
            ),
        )

    @cached_property
    def section_shares(self) -> tuple[Fraction, ...]:
        """Each section's weight as an exact rational: 100/n each under
        ``section_weights = "equal"``."""
        sections = self.effective_sections
        if self.section_weights == "equal":
            return (Fraction(100, len(sections)),) * len(sections)
        return tuple(sec.exact_weight for sec in sections)


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
