"""The error family: one base, each concrete error also a builtin a caller expects.

Every failure the public API raises for bad input is a :class:`MedsalesError`. Its message
names *where* (file, line, column, key path) and *what would be valid*; the same facts are
kept as structured fields so that other systems need not parse the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

__all__ = [
    "ConflictError",
    "DataFileError",
    "InputError",
    "MedsalesError",
    "MissingMeasurementError",
    "OutputError",
    "PeriodError",
    "PermissionDeniedError",
    "PolicyError",
    "Problem",
    "ReviewError",
    "ReviewStateError",
    "TamperedLogError",
    "TargetError",
    "UnknownKPIError",
    "UnknownRoleError",
    "UnknownRuleError",
    "format_path",
    "shown",
    "wrong_type",
]


def format_path(parts: Iterable[str | int]) -> str:
    """Render a key path the way messages show it: ``scorecards[2].sections[0].weight``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def shown(value: object, limit: int = 120) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters; never fails (an int of
    5,000 digits cannot be written as text, and a repr may raise)."""
    if isinstance(value, int) and not -(10**100) < value < 10**100:
        return f"an int of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except Exception:
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else f"{text[: limit - 11]}…{text[-10:]}"


def wrong_type(name: str, value: object, expected: str) -> TypeError:
    """The :class:`TypeError` for a programming mistake: an argument of a type the signature
    does not take where no data could have put it (``loads_policy(None)``). Values that come
    from data (ids, numbers, labels, measurements) are :class:`MedsalesError` instead."""
    return TypeError(f"{name} must be {expected}, not {type(value).__name__}")


@attrs.frozen
class Problem:
    """One located problem: where it is, what is wrong, and what would be valid.

    ``file``, ``line`` and ``column`` locate a problem in an input file (1-based);
    ``path`` is a key path inside a document. Either may be empty.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: str | int | None = None
    value: Any = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
            if self.column is not None:
                loc += f" column {self.column}"
            where.append(loc)
        if self.path:
            where.append(self.path)
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class MedsalesError(Exception):
    """Base of every error ``medsales`` raises for bad input.

    ``path`` is the key path of the offending value (``""`` when the problem is the whole
    input), ``value`` the offending value and ``expected`` a description of what is valid.
    ``problems`` holds every located problem when several were collected at once.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        value: Any = None,
        expected: str | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self.message = message
        self.path = path
        self.value = value
        self.expected = expected
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(message)

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.expected and self.expected not in self.message:
            text += f" (expected {self.expected})"
        if self.problems and not (len(self.problems) == 1 and str(self.problems[0]) == text):
            text += "".join(f"\n  - {p}" for p in self.problems)
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields do not survive the default Exception pickling.
        return (
            _rebuild,
            (
                type(self),
                self.message,
                {
                    "path": self.path,
                    "value": self.value,
                    "expected": self.expected,
                    "problems": self.problems,
                },
            ),
        )


def _rebuild(cls: type[MedsalesError], message: str, fields: dict[str, Any]) -> MedsalesError:
    return cls(message, **fields)


class PolicyError(MedsalesError, ValueError):
    """A policy document is malformed, inconsistent or refers to what does not exist."""


class InputError(MedsalesError, ValueError):
    """A measurement, incident or other input to a calculation is not valid."""


class MissingMeasurementError(InputError):
    """A scorecard line whose ``missing`` rule is ``error`` has no measurement."""


class OutputError(MedsalesError, OSError):
    """A result cannot be written where it was asked to go: a missing or read-only folder,
    a full disk, a name too long, or a target that is not a regular file.

    Also an :class:`OSError` (with the original ``errno``), so callers that catch those
    keep working; ``filename`` and ``value`` are the target as given.
    """


class PeriodError(MedsalesError, ValueError):
    """A period label or a date range is not valid."""


class TargetError(MedsalesError, ValueError):
    """A total or a set of weights cannot be split."""


class DataFileError(MedsalesError, ValueError):
    """One or more rows of an input file are not valid; ``problems`` lists every one."""


class UnknownKPIError(MedsalesError, LookupError):
    """A KPI id that the policy does not define."""


class UnknownRoleError(MedsalesError, LookupError):
    """A role id that the policy does not define, or one without a scorecard."""


class UnknownRuleError(MedsalesError, LookupError):
    """A conduct rule id that the policy does not define."""


# --------------------------------------------------------------------------- reviews (§17)


class ReviewError(MedsalesError):
    """Base of the review errors (SPEC §17); raised as itself when a request breaks a rule
    of its own (an override beyond the bound, a missing reason, an appeal out of time).

    ``rule`` names the rule that refuses the request, in words a person can check.
    """

    _fields: ClassVar[tuple[str, ...]] = ("rule",)

    def __init__(self, message: str, *, rule: str | None = None, **base: Any) -> None:
        self.rule = rule
        super().__init__(message, **base)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {
            "path": self.path,
            "value": self.value,
            "expected": self.expected,
            "problems": self.problems,
        }
        fields.update({name: getattr(self, name) for name in self._fields})
        return (_rebuild, (type(self), self.message, fields))


class ReviewStateError(ReviewError, RuntimeError):
    """An action that the review's state does not allow; ``allowed`` lists those it does."""

    _fields: ClassVar[tuple[str, ...]] = ("rule", "state", "action", "allowed")

    def __init__(
        self,
        message: str,
        *,
        state: str = "",
        action: str = "",
        allowed: Sequence[str] = (),
        **base: Any,
    ) -> None:
        self.state = state
        self.action = action
        self.allowed: tuple[str, ...] = tuple(allowed)
        super().__init__(message, **base)


class PermissionDeniedError(ReviewError, PermissionError):
    """An actor who may not take an action on a review (or see it); ``rule`` says why."""

    _fields: ClassVar[tuple[str, ...]] = ("rule", "actor", "action")

    def __init__(self, message: str, *, actor: str = "", action: str = "", **base: Any) -> None:
        self.actor = actor
        self.action = action
        super().__init__(message, **base)


class ConflictError(ReviewError):
    """Someone else appended to the review first: ``expected_seq`` is stale. Reload the
    review and decide again; nothing was written."""

    _fields: ClassVar[tuple[str, ...]] = ("rule", "review_id", "expected_seq", "actual_seq")

    def __init__(
        self,
        message: str,
        *,
        review_id: str = "",
        expected_seq: int = 0,
        actual_seq: int | None = None,
        **base: Any,
    ) -> None:
        self.review_id = review_id
        self.expected_seq = expected_seq
        self.actual_seq = actual_seq
        super().__init__(message, **base)


class TamperedLogError(ReviewError):
    """A review's log does not verify: ``review_id`` and ``seq`` name the first event that
    was changed, removed or reordered."""

    _fields: ClassVar[tuple[str, ...]] = ("rule", "review_id", "seq")

    def __init__(
        self, message: str, *, review_id: str = "", seq: int | None = None, **base: Any
    ) -> None:
        self.review_id = review_id
        self.seq = seq
        super().__init__(message, **base)
