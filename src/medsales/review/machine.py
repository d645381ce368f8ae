"""The review's state machine and its permission rules as tables (SPEC §17).

One table says where each action leads from each state (``TRANSITIONS``), another who
may take each action (``WHO``); the docs render both. :func:`check` applies them, in a
fixed order: may the actor see the review at all; does the state allow the action; may
the actor take it. Rules of a request itself (a reason, a bound, a window) are checked by
the book, which knows the policy and the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

import attrs

from medsales.errors import PermissionDeniedError, ReviewError, ReviewStateError

__all__ = [
    "ACTIONS",
    "ROLES",
    "RULES",
    "STATES",
    "TRANSITIONS",
    "WHO",
    "Action",
    "Actor",
    "Relation",
    "State",
    "allowed_in",
    "check",
    "next_state",
]

State = Literal["self_review", "manager_review", "hr_review", "signed_off", "appealed", "closed"]
Action = Literal[
    "open",
    "submit_self",
    "rate",
    "override",
    "submit",
    "return",
    "sign_off",
    "acknowledge",
    "appeal",
    "decide",
    "comment",
]
Relation = Literal["employee", "manager", "hr"]
"""How an actor stands to one review: the employee reviewed, one of their managers, or hr."""

STATES: Final[tuple[State, ...]] = (
    "self_review",
    "manager_review",
    "hr_review",
    "signed_off",
    "appealed",
    "closed",
)
ACTIONS: Final[tuple[Action, ...]] = (
    "open",
    "submit_self",
    "rate",
    "override",
    "submit",
    "return",
    "sign_off",
    "acknowledge",
    "appeal",
    "decide",
    "comment",
)
ROLES: Final = ("employee", "manager", "hr")

TRANSITIONS: Final[Mapping[tuple[State, Action], State]] = {
    ("self_review", "submit_self"): "manager_review",
    ("manager_review", "rate"): "manager_review",
    ("manager_review", "override"): "manager_review",
    ("manager_review", "submit"): "hr_review",
    ("hr_review", "return"): "manager_review",
    ("hr_review", "sign_off"): "signed_off",
    ("signed_off", "acknowledge"): "closed",
    ("signed_off", "appeal"): "appealed",
    ("appealed", "decide"): "closed",
    **{(state, "comment"): state for state in STATES if state != "closed"},
}
"""State × action → the next state. ``open`` starts a review (in ``self_review``, or in
``manager_review`` when ``[review] self_review = false``) and is in no row: it has no
state to come from. Every pair not listed is refused with :class:`ReviewStateError`."""

WHO: Final[Mapping[Action, frozenset[Relation]]] = {
    "open": frozenset({"hr"}),
    "submit_self": frozenset({"employee"}),
    "rate": frozenset({"manager"}),
    "override": frozenset({"manager"}),
    "submit": frozenset({"manager"}),
    "return": frozenset({"hr"}),
    "sign_off": frozenset({"hr"}),
    "acknowledge": frozenset({"employee"}),
    "appeal": frozenset({"employee"}),
    "decide": frozenset({"hr"}),
    "comment": frozenset({"employee", "manager", "hr"}),
}
"""Action → how an actor must stand to the review to take it."""

RULES: Final[Mapping[Action, str]] = {
    "open": "open is taken by hr, on a review that is not their own",
    "submit_self": "submit_self is taken by the employee reviewed, and nobody else",
    "rate": "rate is taken by the employee's manager",
    "override": "override is taken by the employee's manager",
    "submit": "submit is taken by the employee's manager",
    "return": "return is taken by hr, on a review that is not their own",
    "sign_off": "sign_off is taken by hr who is neither the employee nor the reviewing manager",
    "acknowledge": "acknowledge is taken by the employee reviewed, and nobody else",
    "appeal": "appeal is taken by the employee reviewed, and nobody else",
    "decide": "decide is taken by hr other than the one who signed off",
    "comment": "comment is taken by the employee, their manager or hr",
}
"""Action → the rule of ``WHO`` in words, as :class:`PermissionDeniedError` names it."""

SEE_RULE: Final = (
    "the employee sees their own reviews, a manager those of the people they manage, hr all"
)


def _roles(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):  # Actor("e1", "hr") means the role, not its letters
        return frozenset({value})
    return frozenset(value)


@attrs.frozen
class Actor:
    """Someone who acts on reviews: an id (an ``employee_id`` of the roster for employees
    and managers) and roles from ``employee``, ``manager``, ``hr``."""

    id: str = attrs.field()
    roles: frozenset[str] = attrs.field(converter=_roles)

    @id.validator
    def _id_given(self, _: object, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ReviewError("an actor needs an id", value=value, expected="a non-empty id")

    @roles.validator
    def _known_roles(self, _: object, value: frozenset[str]) -> None:
        unknown = sorted(set(value) - set(ROLES))
        if unknown:
            raise ReviewError(
                f"unknown actor role(s) {', '.join(map(repr, unknown))}",
                path="roles",
                value=unknown,
                expected="roles from " + ", ".join(ROLES),
            )

    @classmethod
    def of(cls, id: str, *roles: str) -> Actor:
        """``Actor.of("hr1", "hr")``."""
        return cls(id, frozenset(roles))


def next_state(state: State, action: Action) -> State | None:
    """Where ``action`` leads from ``state``, or None when the state does not allow it."""
    return TRANSITIONS.get((state, action))


def allowed_in(state: State) -> tuple[Action, ...]:
    """The actions a state allows, in the order of ``ACTIONS``."""
    return tuple(a for a in ACTIONS if (state, a) in TRANSITIONS)


def check(
    actor: Actor,
    action: Action,
    state: State,
    relations: Iterable[Relation],
    *,
    review_id: str,
    reviewing_managers: Iterable[str] = (),
    signed_off_by: Iterable[str] = (),
) -> None:
    """Refuse ``action`` by ``actor`` on a review in ``state`` unless the tables allow it.

    ``relations`` is how the actor stands to the review (see :func:`relations_of` in the
    book); ``reviewing_managers`` the managers who took part, ``signed_off_by`` the hr who
    signed it off: the two rules that depend on who acted before.
    """
    held = frozenset(relations)
    if not held:
        raise PermissionDeniedError(
            f"{actor.id} may not act on review {review_id}: {SEE_RULE}",
            actor=actor.id,
            action=action,
            rule=SEE_RULE,
        )
    if (state, action) not in TRANSITIONS:
        allowed = allowed_in(state)
        raise ReviewStateError(
            f"review {review_id} is in {state}: {action} is not allowed there "
            f"(allowed: {', '.join(allowed) if allowed else 'nothing'})",
            state=state,
            action=action,
            allowed=allowed,
            rule=f"{state} allows {', '.join(allowed) if allowed else 'nothing'}",
        )
    rule = RULES[action]
    may = held & WHO[action]
    if action == "sign_off" and "hr" in may and actor.id in set(reviewing_managers):
        may = may - {"hr"}
        rule += f" ({actor.id} reviewed it as manager)"
    if action == "decide" and "hr" in may and actor.id in set(signed_off_by):
        may = may - {"hr"}
        rule += f" ({actor.id} signed it off)"
    if not may:
        raise PermissionDeniedError(
            f"{actor.id} may not {action} review {review_id}: {rule}",
            actor=actor.id,
            action=action,
            rule=rule,
        )
