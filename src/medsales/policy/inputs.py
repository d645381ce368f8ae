"""What is measured and what happened: a KPI measurement and a conduct incident (SPEC §3, §5)."""

from __future__ import annotations

import datetime
from typing import Annotated

from pydantic import Field, model_validator

from medsales.numbers import MAX_ID, MAX_TEXT
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import Id, Num, Severity

__all__ = ["Incident", "Measurement"]


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

    employee_id: Annotated[str, Field(max_length=MAX_ID)] | None = None
    rule: Id
    severity: Severity
    date: datetime.date | None = None
    note: Annotated[str, Field(max_length=MAX_TEXT)] = ""
