"""What a policy says about many periods (SPEC §18): the roll-up of period scores into a
year or a half, and the alerts raised by consecutive low grades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from medsales.errors import Problem, format_path
from medsales.labels import Label
from medsales.policy.base import DocumentModel, Id, NonNegative

if TYPE_CHECKING:
    from medsales.policy.document import Policy

__all__ = ["Alert", "Rollup", "check_history"]


class Rollup(DocumentModel):
    """How period scores roll up into a larger period (``[rollup]``).

    The rolled-up score is Σ wᵢ × scoreᵢ / Σ wᵢ over the periods with a complete appraisal,
    where scoreᵢ is the published (rounded) period score and wᵢ is 1 (``"equal"``), the
    days the employee was active in the period (``"active_days"``), or the listed weight of
    the period's position within the larger period (e.g. four weights for the quarters of a
    year); exact, rounded once, graded by the policy's bands.
    """

    into: Literal["year", "half"] = "year"
    weights: (
        Literal["equal", "active_days"] | Annotated[tuple[NonNegative, ...], Field(min_length=1)]
    ) = "equal"


class Alert(DocumentModel):
    """Consecutive low grades flagged for a conversation (``[[alerts]]``), never a verdict:
    a low grade alone does not prove a person unfit for the job (SPC Guiding Case No. 18).
    """

    grade_at_most: Id
    """The grade at or below which a period counts (the policy's grades, best first)."""
    consecutive: Annotated[int, Field(ge=1, le=100)] = 2
    """How many periods in a row, each at most ``grade_at_most``, raise the alert."""
    name: Label | None = None


def check_history(policy: Policy) -> list[Problem]:
    """Load-time checks of ``[rollup]`` and ``[[alerts]]`` against the rest of the policy."""
    problems: list[Problem] = []

    def add(path: list[str | int], message: str, value: Any = None) -> None:
        problems.append(Problem(message=message, path=format_path(path), value=value))

    rollup = policy.rollup
    if rollup is not None and isinstance(rollup.weights, tuple):
        total = sum(rollup.weights)
        if total <= 0:
            add(["rollup", "weights"], f"weights total {total}, must total more than 0", total)
    grades = [g.id for g in policy.grades]
    for i, alert in enumerate(policy.alerts or ()):
        if alert.grade_at_most not in grades:
            add(
                ["alerts", i, "grade_at_most"],
                f"unknown grade {alert.grade_at_most!r}; the grades are {', '.join(grades)}",
                alert.grade_at_most,
            )
    return problems
