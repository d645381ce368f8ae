"""Result documents read back (SPEC §18): an appraisal rebuilt from its JSON document.

A document shows computed numbers as decimal strings (rounded to 10 decimals where they do
not terminate) and note parameters as text; the rebuilt result keeps exactly those values,
so its ``to_json()`` is byte-identical to the stored document and it explains and renders
as the original did. The exact values behind a rounded display are not recoverable and are
not needed: the published score and grade are stored as published.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from medsales.__about__ import __version__
from medsales.engine.notes import Note
from medsales.errors import InputError, MedsalesError, shown
from medsales.labels import Label
from medsales.numbers import MAX_DEPTH, Shown, check_limits, check_text, display
from medsales.periods import Period

if TYPE_CHECKING:
    from medsales.engine.results import (
        Appraisal,
        ConductAdjustment,
        LineResult,
        SectionResult,
        Segment,
    )
    from medsales.policy.models import Policy

__all__ = [
    "ENGINE",
    "StoredGrade",
    "StoredPolicy",
    "check_policy",
    "engine_block",
    "parse_document",
    "stand_in",
]

ENGINE: Final = "medsales"


def engine_block() -> dict[str, str]:
    """What every result document names of the engine that wrote it."""
    return {"name": ENGINE, "version": __version__}


@attrs.frozen
class StoredGrade:
    """A grade known only by its id (from a stored document)."""

    id: str
    name: Label | None = None
    coefficient: Decimal | None = None


@attrs.frozen
class StoredPolicy:
    """A stand-in for a policy known only by the reference a stored document keeps.

    A document read back without its policy is rebuilt against this: it answers what the
    views ask of a policy with ids instead of names, so the result can still be explained
    and rendered, and it names the same id, version and SHA-256.
    """

    id: str
    version: str
    sha256: str
    grades: tuple[StoredGrade, ...] = ()
    name: Label | None = None

    @property
    def department(self) -> StoredPolicy:
        """The department, known by the policy's id."""
        return self

    @property
    def grades_by_id(self) -> Mapping[str, StoredGrade]:
        """The grades the document names, by id."""
        return {g.id: g for g in self.grades}

    @property
    def grade_rank(self) -> Mapping[str, int]:
        """The grades in the order the document names them (a cohort document sorts them
        by id: pass the policy wherever the order of grades matters)."""
        return {g.id: i for i, g in enumerate(self.grades)}

    @property
    def kpis_by_id(self) -> Mapping[str, Any]:
        """No KPI names are known: explanations show KPI ids."""
        return {}

    @property
    def roles_by_id(self) -> Mapping[str, Any]:
        """No role names are known: explanations show role ids."""
        return {}

    @property
    def rules_by_id(self) -> Mapping[str, Any]:
        """No conduct rule names are known: explanations show rule ids."""
        return {}

    @property
    def scorecards_by_role(self) -> Mapping[str, Any]:
        """No scorecards are known: sections are shown by id."""
        return {}


def parse_document(text: str | bytes, kind: str) -> dict[str, Any]:
    """A JSON document as a mapping; text that is not a JSON object is an InputError."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputError(
            f"the {kind} document nests deeper than {MAX_DEPTH} levels",
            expected=f"a {kind} document as written by to_json()",
        ) from None
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"the {kind} document is not valid JSON: {shown(str(exc), 200)}",
            expected=f"a {kind} document as written by to_json()",
        ) from None
    _check_depth(data, kind)
    if not isinstance(data, dict):
        raise InputError(
            f"the {kind} document is a JSON {type(data).__name__}, not an object",
            expected=f"a {kind} document as written by to_json()",
        )
    return data


def _check_depth(data: Any, kind: str) -> None:
    """A document nests at most :data:`~medsales.numbers.MAX_DEPTH` levels (SPEC §21)."""
    level = [data]
    for depth in range(MAX_DEPTH + 1):
        inner = [
            v
            for item in level
            if isinstance(item, dict | list)
            for v in (item.values() if isinstance(item, dict) else item)
            if isinstance(v, dict | list)
        ]
        if not inner:
            return
        if depth == MAX_DEPTH - 1:
            raise InputError(
                f"the {kind} document nests deeper than {MAX_DEPTH} levels",
                expected=f"a {kind} document as written by to_json()",
            )
        level = inner


def _policy_ref(data: Mapping[str, Any], path: str) -> dict[str, str]:
    ref = data.get("policy")
    if not isinstance(ref, Mapping) or not all(
        isinstance(ref.get(k), str) for k in ("id", "version", "sha256")
    ):
        raise InputError(
            "the document does not name its policy",
            path=f"{path}policy" if path else "policy",
            value=ref,
            expected="an object with id, version and sha256",
        )
    return {k: str(ref[k]) for k in ("id", "version", "sha256")}


def check_policy(
    data: Mapping[str, Any], policy: Policy | None, grades: tuple[str, ...], path: str = ""
) -> Policy:
    """The policy to rebuild a document against: ``policy`` if its SHA-256 is the stored
    one (a different one is an error naming both), else the built-in default policy if it
    is the one, else a :class:`StoredPolicy` stand-in."""
    ref = _policy_ref(data, path)
    if policy is not None:
        if policy.sha256 != ref["sha256"]:
            raise InputError(
                f"the document was written with policy {ref['id']} {ref['version']} "
                f"(sha256 {ref['sha256']}), not with the policy given, {policy.id} "
                f"{policy.version} (sha256 {policy.sha256})",
                path=f"{path}policy.sha256" if path else "policy.sha256",
                value=ref["sha256"],
                expected=f"sha256 {policy.sha256}, or the policy the document was written with",
            )
        return policy
    from medsales.catalog import default_policy

    default = default_policy()
    if default.sha256 == ref["sha256"]:
        return default
    return stand_in(ref, grades)


def stand_in(ref: Mapping[str, str], grades: tuple[str, ...]) -> Policy:
    """A :class:`StoredPolicy` typed as the policy it stands in for (the views and results
    ask only what it answers)."""
    return cast(
        "Policy",
        StoredPolicy(
            id=ref["id"],
            version=ref["version"],
            sha256=ref["sha256"],
            grades=tuple(StoredGrade(g) for g in grades),
            name=Label({"en": ref["id"]}),
        ),
    )


class _Reader:
    """Reads the fields of one document, each error naming its key path."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        if not isinstance(data, Mapping):
            raise InputError(
                "expected a JSON object", path=path.rstrip("."), value=data, expected="an object"
            )
        self.data = data
        self.path = path

    def _bad(self, key: str, expected: str) -> MedsalesError:
        value = self.data.get(key)
        return InputError(
            f"{shown(value, 60)} is not valid here",
            path=f"{self.path}{key}",
            value=shown(value, 60),
            expected=expected,
        )

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise InputError(
                f"the key {key!r} is missing", path=f"{self.path}{key}", expected=f"a {key}"
            )
        return self.data[key]

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise self._bad(key, "a string")
        return check_text(value, path=f"{self.path}{key}")

    def opt_text(self, key: str) -> str | None:
        value = self.get(key)
        if value is not None and not isinstance(value, str):
            raise self._bad(key, "a string or null")
        return None if value is None else check_text(value, path=f"{self.path}{key}")

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return value

    def decimal(self, key: str) -> Decimal:
        value = self.opt_decimal(key)
        if value is None:
            raise self._bad(key, "a decimal string")
        return value

    def opt_decimal(self, key: str) -> Decimal | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str) and len(value) <= 200:
            try:
                number = Decimal(value)
            except InvalidOperation:
                pass
            else:
                if number.is_finite():
                    # a number beyond the limits is refused before it is written out in full
                    check_limits(number, path=f"{self.path}{key}", written=value)
                    if format(number, "f") == value:
                        return number
        raise self._bad(key, "a decimal string such as '85.00', or null")

    def fraction(self, key: str) -> Fraction:
        return _shown(self.decimal(key))

    def opt_fraction(self, key: str) -> Fraction | None:
        value = self.opt_decimal(key)
        return None if value is None else _shown(value)

    def date(self, key: str) -> datetime.date:
        value = self.get(key)
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise self._bad(key, "a date YYYY-MM-DD")

    def items(self, key: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = self.get(key)
        if not isinstance(value, list):
            raise self._bad(key, "a list")
        return [(f"{self.path}{key}[{i}].", item) for i, item in enumerate(value)]


def _shown(value: Decimal) -> Fraction:
    """A computed value as the exact number it reads as; one shown otherwise than
    :func:`~medsales.numbers.display` would show that number (a rounded display of a value
    that did not terminate, such as ``0.1234567890``) keeps its text."""
    exact = Fraction(value)
    if display(exact) == value and format(display(exact), "f") == format(value, "f"):
        return exact
    return Shown(format(value, "f"))


def _notes(reader: _Reader) -> tuple[Note, ...]:
    notes = []
    for path, item in reader.items("notes"):
        r = _Reader(item, path)
        params = r.get("params")
        if not isinstance(params, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in params.items()
        ):
            raise r._bad("params", "an object of texts")
        # parameters come back as the text they were shown as: a note renders them as
        # text, so the note reads and serialises as it did
        notes.append(Note(r.text("code"), tuple(params.items()), written=r.text("text")))
    return tuple(notes)


def _grades(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The grade ids a document names, in the order first named."""
    out: list[str] = []
    for key in ("grade_from_score", "grade_before_distribution", "grade"):
        g = data.get(key)
        if isinstance(g, str) and g not in out:
            out.append(g)
    return tuple(out)


def appraisal_from_dict(
    data: Mapping[str, Any],
    policy: Policy | None = None,
    *,
    period_of: Mapping[str, Period] | None = None,
    path: str = "",
) -> Appraisal:
    """An :class:`~medsales.engine.results.Appraisal` rebuilt from its document."""
    from medsales.engine.results import APPRAISAL_FORMAT, Appraisal

    r = _Reader(data, path)
    if data.get("format") != APPRAISAL_FORMAT:
        raise r._bad("format", repr(APPRAISAL_FORMAT))
    policy = check_policy(data, policy, _grades(data), path)
    engine = data.get("engine")
    if engine is not None and not (
        isinstance(engine, Mapping) and all(isinstance(v, str) for v in engine.values())
    ):
        raise r._bad("engine", 'an object such as {"name": "medsales", "version": "…"}')

    label = r.opt_text("period")
    period = None
    if label is not None:
        period = (period_of or {}).get(label) or _period(policy, label, f"{path}period")

    lines = _lines(r)
    conduct = _conduct(r)
    segments = _segments(r, policy, period_of)
    return Appraisal(
        policy=policy,
        employee_id=r.opt_text("employee_id"),
        role=r.text("role"),
        period=period,
        complete=r.flag("complete"),
        reason=r.opt_text("reason"),
        lines=tuple(lines),
        conduct=tuple(conduct),
        raw_score=r.opt_fraction("raw_score"),
        deductions=r.fraction("deductions"),
        deduction_applied=r.fraction("deduction_applied"),
        exact_score=r.opt_fraction("exact_score"),
        score=r.opt_decimal("score"),
        grade_from_score=r.opt_text("grade_from_score"),
        grade=r.opt_text("grade"),
        coefficient=r.opt_decimal("coefficient"),
        vetoed=r.flag("vetoed"),
        notes=_notes(r),
        segments=tuple(segments),
        grade_before_distribution=r.opt_text("grade_before_distribution"),
        engine=None if engine is None else dict(engine),
        sections=tuple(_sections(r)),
    )


def _lines(r: _Reader) -> list[LineResult]:
    """The scorecard lines of a document."""
    from medsales.engine.results import LineResult

    lines = []
    for lpath, item in r.items("lines"):
        lr = _Reader(item, lpath)
        status = lr.text("status")
        if status not in ("scored", "zero", "not_applicable", "missing"):
            raise lr._bad("status", "scored, zero, not_applicable or missing")
        lines.append(
            LineResult(
                section=lr.text("section"),
                kpi=lr.text("kpi"),
                weight=lr.decimal("weight"),
                section_weight=lr.decimal("section_weight"),
                status=status,  # type: ignore[arg-type]
                actual=lr.opt_fraction("actual"),
                target=lr.opt_fraction("target"),
                x=lr.opt_fraction("x"),
                points=lr.opt_fraction("points"),
                effective_weight=lr.fraction("effective_weight"),
                contribution=lr.fraction("contribution"),
                notes=_notes(lr),
            )
        )
    return lines


def _conduct(r: _Reader) -> list[ConductAdjustment]:
    """The conduct adjustments of a document."""
    from medsales.engine.results import ConductAdjustment

    conduct = []
    for cpath, item in r.items("conduct"):
        cr = _Reader(item, cpath)
        conduct.append(
            ConductAdjustment(
                rule=cr.text("rule"),
                severity=cr.text("severity"),
                date=None if cr.get("date") is None else cr.date("date"),
                note=cr.text("note"),
                counted=cr.flag("counted"),
                deduct=cr.decimal("deduct"),
                grade_cap=cr.opt_text("grade_cap"),
                veto=cr.flag("veto"),
            )
        )
    return conduct


def _segments(r: _Reader, policy: Policy, period_of: Mapping[str, Period] | None) -> list[Segment]:
    """The role segments of a document, each with its appraisal rebuilt."""
    from medsales.engine.results import Segment

    segments = []
    for spath, item in r.items("segments"):
        sr = _Reader(item, spath)
        days = sr.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise sr._bad("days", "a whole number of days, 1 or more")
        segments.append(
            Segment(
                role=sr.text("role"),
                start=sr.date("start"),
                end=sr.date("end"),
                days=days,
                appraisal=appraisal_from_dict(
                    sr.get("appraisal"), policy, period_of=period_of, path=f"{spath}appraisal."
                ),
            )
        )
    return segments


def _sections(r: _Reader) -> list[SectionResult]:
    """The section scores of a document (SPEC §15)."""
    from medsales.engine.results import SectionResult

    sections: list[SectionResult] = []
    if "sections" not in r.data:  # a document written before section scores
        return sections
    for spath, item in r.items("sections"):
        sr = _Reader(item, spath)
        sections.append(
            SectionResult(
                id=sr.text("id"),
                weight=sr.decimal("weight"),
                effective_weight=sr.fraction("effective_weight"),
                points=sr.opt_fraction("points"),
                contribution=sr.fraction("contribution"),
            )
        )
    return sections


def _period(policy: Policy, label: str, path: str) -> Period:
    """The period a label names, in the policy's calendar (the default one for a stand-in)."""
    try:
        given: object = policy
        if isinstance(given, StoredPolicy):
            return Period.parse(label)
        return Period.parse(label, policy.fiscal_year_start, policy.fiscal_year_named_by)
    except MedsalesError as exc:
        raise InputError(
            f"the period {label!r} cannot be read: {exc}", path=path, value=label
        ) from exc
