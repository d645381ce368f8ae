"""The ground of the policy document: the base model and the value types every part uses.

What a person or another system writes is validated at the edge: unknown keys are errors
(``extra="forbid"``) and numbers become exact Decimals through
:func:`medsales.numbers.to_decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Final, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from medsales.errors import MedsalesError, PolicyError
from medsales.numbers import to_decimal

__all__ = [
    "FORMAT",
    "SEVERITIES",
    "Aggregation",
    "Basis",
    "Direction",
    "DocumentModel",
    "Id",
    "MissingRule",
    "NonNegative",
    "Num",
    "Point",
    "Positive",
    "Severity",
    "Share",
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


class DocumentModel(BaseModel):
    """The base of everything a person writes: frozen, unknown keys refused.

    ``model_copy`` validates again: a copy with changes is a new document, never one that
    carries what was derived from the original (see :meth:`medsales.Policy.evolve`).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        arbitrary_types_allowed=False,
        ignored_types=(cached_property,),
    )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A validated copy with ``update`` applied; nothing derived from ``self`` is kept."""
        from pydantic import ValidationError

        from medsales.numbers import engine_context

        data: dict[str, Any] = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(update or {})
        try:
            with engine_context():
                return type(self).model_validate(data)
        except ValidationError as exc:
            from medsales.policy.io import validation_problems

            problems = validation_problems(exc, None)
            noun = "problem" if len(problems) == 1 else "problems"
            raise PolicyError(
                f"invalid {type(self).__name__} copy, {len(problems)} {noun}", problems=problems
            ) from None


_Model = DocumentModel  # the name the models had before the policy package was split
