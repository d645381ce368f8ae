"""Input records that people and other systems write: employees, measurement rows, survey
responses, ratings and goals.

They mirror the CSV files of SPEC §10 and are validated like policy documents: pydantic at
the edge, unknown keys rejected, numbers exact.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from medsales.numbers import MAX_ID, MAX_TEXT
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import Id, Num

__all__ = ["Employee", "Goal", "GoalStatus", "MeasurementRow", "Rating", "SurveyResponse"]

EmployeeId = Annotated[str, Field(min_length=1, max_length=MAX_ID)]


class Employee(_Model):
    """One row of the employees file: a person in a role for a span of dates.

    Several rows for one employee record role changes; ``active_to`` empty means still
    active; an empty ``manager_id`` marks the top of the organisation.
    """

    employee_id: EmployeeId
    name: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    role: Id
    manager_id: EmployeeId | None = None
    active_from: datetime.date | None = None
    active_to: datetime.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Employee:
        if (
            self.active_from is not None
            and self.active_to is not None
            and self.active_to < self.active_from
        ):
            raise ValueError(f"active_to {self.active_to} is before active_from {self.active_from}")
        return self


class MeasurementRow(_Model):
    """One row of the measurements file: an employee's KPI for one period label."""

    employee_id: EmployeeId
    period: str = Field(min_length=1, max_length=100)
    kpi: Id
    actual: Num | None = None
    target: Num | None = None
    weight: Annotated[Num, Field(ge=0)] | None = None
    applicable: bool = True

    @model_validator(mode="after")
    def _actual_when_applicable(self) -> MeasurementRow:
        if self.applicable and self.actual is None:
            raise ValueError("an applicable measurement needs an 'actual'")
        return self


class SurveyResponse(_Model):
    """One row of the survey file: one customer's response about an employee (SPEC §8).

    ``response`` is on 1–5 for CSAT and mean-rating KPIs, on 0–10 for NPS KPIs.
    """

    employee_id: EmployeeId
    period: str = Field(min_length=1, max_length=100)
    kpi: Id
    response: Num


class Rating(_Model):
    """One row of the ratings file: one rater's rating of an employee (360°, SPEC §8)."""

    employee_id: EmployeeId
    period: str = Field(min_length=1, max_length=100)
    kpi: Id
    rater_id: EmployeeId
    rater_group: Id
    rating: Num


GoalStatus = Literal["active", "completed", "archived"]
"""A goal's status: ``archived`` goals count nowhere (SPEC §16)."""


class Goal(_Model):
    """One goal (目标) of an employee for a period (SPEC §16).

    A goal with a ``parent_id`` is part of its parent; a top goal (no parent) may name
    the ``kpi`` it feeds, a KPI with ``derive = { from = "goals" }``. A goal's progress
    is the weight-weighted mean of its non-archived children's, at any depth; a goal
    without any uses its own ``progress`` (0 if none, 100 if ``completed`` with none).
    """

    goal_id: EmployeeId
    employee_id: EmployeeId
    period: str = Field(min_length=1, max_length=100)
    title: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    parent_id: EmployeeId | None = None
    kpi: Id | None = None
    weight: Num = Decimal(1)
    progress: Num | None = None
    status: GoalStatus = "active"

    @field_validator("weight")
    @classmethod
    def _positive_weight(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if value <= 0:
            goal = info.data.get("goal_id", "?")
            raise ValueError(f"goal {goal!r}: weight {value} is not positive (expected > 0)")
        return value

    @field_validator("progress")
    @classmethod
    def _progress_in_range(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is not None and not 0 <= value <= 100:
            goal = info.data.get("goal_id", "?")
            raise ValueError(f"goal {goal!r}: progress {value} is outside 0–100")
        return value

    @model_validator(mode="after")
    def _kpi_on_top_goals(self) -> Goal:
        if self.parent_id is not None and self.kpi is not None:
            raise ValueError(
                f"goal {self.goal_id!r} has a parent ({self.parent_id!r}) and a kpi "
                f"({self.kpi!r}): only a top goal feeds a KPI, its children through it"
            )
        return self
