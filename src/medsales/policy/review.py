"""The ``[review]`` table (SPEC §17): how the review process of an appraisal runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import NonNegative

__all__ = ["ReviewSettings", "default_review_as_absent"]


class ReviewSettings(_Model):
    """Who takes part in a review and the bounds of what they may change.

    ``self_review``: reviews start with the employee's self review (else with the
    manager's). ``skip_level``: every manager above the employee counts as their manager.
    ``max_override``: how far, in points, a manager may move a final score (0: not at all).
    ``appeal_days``: the days after sign-off within which the employee may appeal.
    """

    self_review: bool = True
    skip_level: bool = False
    max_override: NonNegative = Decimal(0)
    appeal_days: Annotated[int, Field(ge=0, le=3660)] = 15


def default_review_as_absent(value: Any) -> Any:
    """A ``[review]`` table that says only what the defaults say is the same policy as
    none: it is kept as absent, so that it leaves the canonical form and the SHA-256 of
    every policy without one unchanged."""
    if isinstance(value, ReviewSettings):
        return None if value == ReviewSettings() else value
    if isinstance(value, dict):
        try:
            settings = ReviewSettings.model_validate(value)
        except ValueError:
            return value  # validated again as a field, with its problems located
        return None if settings == ReviewSettings() else value
    return value
