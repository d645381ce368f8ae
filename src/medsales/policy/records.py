"""Input records that people and other systems write: employees and measurement rows.

They mirror the CSV files of SPEC §10 and are validated like policy documents: pydantic at
the edge, unknown keys rejected, numbers exact.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import Field, model_validator

from medsales.numbers import MAX_ID, MAX_TEXT
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import Id, Num

__all__ = ["Employee", "MeasurementRow", "Rating", "SurveyResponse"]

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
