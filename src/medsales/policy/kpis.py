"""KPI definitions and how a KPI may be derived from other inputs (SPEC §2, §8)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from medsales.labels import Label
from medsales.policy.base import Aggregation, Direction, Id, Positive, Unit
from medsales.policy.base import DocumentModel as _Model

__all__ = ["KPI", "Derive", "GoalsDerive", "RatingsDerive", "SurveyDerive", "TeamDerive"]


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


class GoalsDerive(_Model):
    """A KPI read from goals (SPEC §16): the weight-weighted mean progress of the
    employee's non-archived top goals that feed it, for the appraised period."""

    from_: Literal["goals"] = Field(alias="from")


Derive = Annotated[
    SurveyDerive | RatingsDerive | TeamDerive | GoalsDerive, Field(discriminator="from_")
]


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
