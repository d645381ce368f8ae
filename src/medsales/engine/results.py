"""What the engine produces: frozen attrs results, their JSON documents and explanations."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from medsales.engine.load import engine_block
from medsales.engine.notes import Note
from medsales.numbers import number_text

if TYPE_CHECKING:
    from medsales.periods import Period
    from medsales.policy.models import Policy

__all__ = [
    "APPRAISAL_FORMAT",
    "EXPLANATION",
    "KNOWN",
    "Appraisal",
    "ConductAdjustment",
    "Known",
    "LineResult",
    "LineStatus",
    "SectionResult",
    "Segment",
    "appraisal_of",
    "document_json",
    "policy_ref",
]

APPRAISAL_FORMAT: Final = "medsales.appraisal/1"

ENGINE: Final[Mapping[str, str]] = engine_block()
"""The engine block of the documents this version writes (SPEC §18)."""

LineStatus = Literal["scored", "zero", "not_applicable", "missing"]
"""``scored`` from a measurement; ``zero`` kept with 0 points (missing = "zero");
``not_applicable`` and ``missing`` dropped out, their weight shared by the others."""


def document_json(data: Any, *, indent: int | None = None) -> str:
    """A result document as JSON: keys sorted, text as written (UTF-8), deterministic."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators
    )


def policy_ref(policy: Policy) -> dict[str, str]:
    """What a result names of its policy: id, version and the SHA-256 of its canonical form."""
    return {"id": policy.id, "version": policy.version, "sha256": policy.sha256}


def _num(value: Fraction | Decimal | None) -> str | None:
    """A number as a JSON string: exact when it terminates in 10 decimals, else rounded."""
    if value is None:
        return None
    return number_text(value)


@attrs.frozen
class LineResult:
    """One scorecard line of an appraisal: its inputs, x, points, weights and contribution.

    Numbers are exact (:class:`~fractions.Fraction` for computed ones); the JSON document
    shows them as decimal strings.
    """

    section: str
    kpi: str
    weight: Decimal | Fraction
    section_weight: Decimal | Fraction
    status: LineStatus
    actual: Decimal | Fraction | None
    target: Decimal | Fraction | None
    x: Fraction | None
    points: Fraction | None
    effective_weight: Fraction
    contribution: Fraction
    notes: tuple[Note, ...] = ()

    @property
    def counted(self) -> bool:
        """Whether the line takes part in the score (scored, or kept with 0 points)."""
        return self.status in ("scored", "zero")

    def to_dict(self) -> dict[str, Any]:
        """The line as JSON-ready data (SPEC §9)."""
        return {
            "section": self.section,
            "kpi": self.kpi,
            "status": self.status,
            "actual": _num(self.actual),
            "target": _num(self.target),
            "x": _num(self.x),
            "points": _num(self.points),
            "weight": _num(self.weight),
            "section_weight": _num(self.section_weight),
            "effective_weight": _num(self.effective_weight),
            "contribution": _num(self.contribution),
            "notes": [n.to_dict() for n in self.notes],
        }


@attrs.frozen
class SectionResult:
    """One scorecard section of an appraisal (SPEC §15): its weight, the weight it really
    had, its points (the weighted mean of its remaining lines' points, what a report shows
    as "goal score" or "feedback score") and its contribution to the raw score.

    A section with no line left has effective weight 0, contribution 0 and no points.
    """

    id: str
    weight: Decimal | Fraction
    effective_weight: Fraction
    points: Fraction | None
    contribution: Fraction

    def to_dict(self) -> dict[str, Any]:
        """The section as JSON-ready data."""
        return {
            "id": self.id,
            "weight": _num(self.weight),
            "effective_weight": _num(self.effective_weight),
            "points": _num(self.points),
            "contribution": _num(self.contribution),
        }


def section_results(lines: tuple[LineResult, ...]) -> tuple[SectionResult, ...]:
    """Each section's result from its lines, in scorecard order; Σ contributions = the raw
    score, and points = Σ contributions × 100 / effective weight."""
    order: dict[str, list[LineResult]] = {}
    for line in lines:
        order.setdefault(line.section, []).append(line)
    out: list[SectionResult] = []
    for section, members in order.items():
        # summed as integer ratios, one Fraction built from each sum: the same values as
        # summing Fractions, without a gcd at every step
        en, ed = _ratio_sum(line.effective_weight for line in members)
        cn, cd = _ratio_sum(line.contribution for line in members)
        out.append(
            SectionResult(
                id=section,
                weight=members[0].section_weight,
                effective_weight=Fraction(en, ed),
                points=Fraction(cn * 100 * ed, cd * en) if en else None,
                contribution=Fraction(cn, cd),
            )
        )
    return tuple(out)


def _ratio_sum(values: Iterable[Fraction]) -> tuple[int, int]:
    """The exact sum of ``values`` as a numerator and a positive denominator."""
    n, d = 0, 1
    for value in values:
        vn, vd = value.as_integer_ratio()
        n, d = n * vd + vn * d, d * vd
    return n, d


@attrs.frozen
class ConductAdjustment:
    """One incident and what it did: deduction, grade cap, veto, or nothing (not counted)."""

    rule: str
    severity: str
    date: datetime.date | None
    note: str
    counted: bool
    deduct: Decimal
    grade_cap: str | None
    veto: bool

    def to_dict(self) -> dict[str, Any]:
        """The adjustment as JSON-ready data."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "date": self.date.isoformat() if self.date else None,
            "note": self.note,
            "counted": self.counted,
            "deduct": _num(self.deduct),
            "grade_cap": self.grade_cap,
            "veto": self.veto,
        }


@attrs.frozen
class Segment:
    """A part of a period in one role (an employee who changed role is appraised per part)."""

    role: str
    start: datetime.date
    end: datetime.date
    days: int
    appraisal: Appraisal

    def to_dict(self) -> dict[str, Any]:
        """The segment as JSON-ready data, its appraisal nested."""
        return {
            "role": self.role,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "appraisal": self.appraisal.to_dict(),
        }


EXPLANATION: Final = frozenset(
    {
        "reason",
        "lines",
        "conduct",
        "raw_score",
        "deductions",
        "deduction_applied",
        "exact_score",
        "grade_from_score",
        "notes",
        "sections",
    }
)
"""The parts of an :class:`Appraisal` that may be built only when first read."""

KNOWN: Final = ("complete", "score", "grade", "coefficient", "vetoed")
"""The part of an :class:`Appraisal` the batch path can give before its explanation."""

Known = tuple[bool, Decimal | None, str | None, Decimal | None, bool]
"""The values of :data:`KNOWN`, in that order."""

_BUILT: Final = tuple(sorted(EXPLANATION - {"sections"}))
"""What building a deferred explanation sets (the sections are summed from the lines when
they are read)."""


def _bare(cls: type[Appraisal]) -> Appraisal:
    """An appraisal with no field set, for :meth:`Appraisal.deferred` and
    :func:`appraisal_of` to fill."""
    return object.__new__(cls)


def appraisal_of(**fields: Any) -> Appraisal:
    """An :class:`Appraisal` of the given fields with its ``sections`` summed from its
    lines when first read (the engine's way: a caller wanting the score does not pay for
    them); every other field must be given or have its default."""
    made = _bare(Appraisal)
    for name, value in _DEFAULTS.items():
        object.__setattr__(made, name, value)
    for name, value in fields.items():
        object.__setattr__(made, name, value)
    return made


@attrs.frozen
class Appraisal:
    """The appraisal of one employee for one period: score, grade and the full breakdown.

    ``score`` is the final score rounded once (SPEC §1); ``exact_score`` the exact value it
    was rounded from. An incomplete appraisal has no score and no grade and says why in
    ``reason``.
    """

    policy: Policy = attrs.field(eq=False, repr=False)
    employee_id: str | None
    role: str
    period: Period | None
    complete: bool
    reason: str | None
    lines: tuple[LineResult, ...]
    conduct: tuple[ConductAdjustment, ...]
    raw_score: Fraction | None
    deductions: Fraction
    deduction_applied: Fraction
    exact_score: Fraction | None
    score: Decimal | None
    grade_from_score: str | None
    grade: str | None
    coefficient: Decimal | None
    vetoed: bool
    notes: tuple[Note, ...] = ()
    segments: tuple[Segment, ...] = ()
    grade_before_distribution: str | None = None
    sections: tuple[SectionResult, ...] = ()
    """Each scorecard section's weight, points and contribution (empty for an appraisal
    combined from role segments: each segment lists its own)."""
    engine: Mapping[str, str] | None = attrs.field(default=ENGINE, eq=False, repr=False)
    """The engine that wrote the document: this version, or as read back (None for a
    document written before documents named their engine)."""
    _later: Callable[[], Appraisal] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )
    """How to build the explanation of an appraisal made with :meth:`deferred` (None once
    it is built, and for every appraisal made otherwise)."""
    _first: Callable[[], Known | None] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )
    """How to work out the score, grade and coefficient of an appraisal made with
    :meth:`deferred` before its explanation (None once they are known)."""

    @classmethod
    def deferred(
        cls,
        *,
        policy: Policy,
        employee_id: str | None,
        role: str,
        period: Period | None,
        first: Callable[[], Known | None],
        build: Callable[[], Appraisal],
    ) -> Appraisal:
        """An appraisal worked out when it is read, once: ``first`` gives its
        :data:`Known` part (complete, score, grade, coefficient, vetoed), or None to leave
        it to ``build``, which gives the whole appraisal, explained (:data:`EXPLANATION`:
        lines, sections, conduct, notes, exact scores). Reading the known part calls
        ``first``; reading any of the explanation calls ``build``. Comparing, hashing,
        copying or pickling the appraisal reads it all, so nothing outside can tell it
        from one built at once. Both must give what the exact engine gives."""
        made = _bare(cls)
        put = object.__setattr__
        put(made, "policy", policy)
        put(made, "employee_id", employee_id)
        put(made, "role", role)
        put(made, "period", period)
        put(made, "segments", ())
        put(made, "grade_before_distribution", None)
        put(made, "engine", ENGINE)
        put(made, "_later", build)
        put(made, "_first", first)
        return made

    def __getattr__(self, name: str) -> Any:
        # reached only when a slot is empty: a part of a deferred appraisal not worked out
        # yet, or sections left to be summed from the lines when read
        if name in KNOWN:
            first = object.__getattribute__(self, "_first")
            if first is not None:
                known = first()
                if known is not None:
                    put = object.__setattr__
                    for key, value in zip(KNOWN, known, strict=True):
                        put(self, key, value)
                    put(self, "_first", None)
                    return object.__getattribute__(self, name)
        if name in KNOWN or name in EXPLANATION:
            later = object.__getattribute__(self, "_later")
            if later is not None:
                self._explain_now(later)
                return getattr(self, name)
            if name == "sections":
                sections = section_results(self.lines)
                object.__setattr__(self, "sections", sections)
                return sections
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _explain_now(self, later: Callable[[], Appraisal]) -> None:
        """Build the deferred explanation and keep it; it must agree with what is known."""
        full = later()
        take, put = object.__getattribute__, object.__setattr__
        if take(self, "_first") is None:  # the known part was worked out first
            if (full.score, full.grade) != (self.score, self.grade):  # pragma: no cover
                raise AssertionError(  # the batch path answers as the exact engine does
                    f"appraisal explained as {full.score} {full.grade}, "
                    f"scored as {self.score} {self.grade}"
                )
        else:
            for name in KNOWN:
                put(self, name, take(full, name))
            put(self, "_first", None)
        for name in _BUILT:
            put(self, name, take(full, name))
        put(self, "_later", None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], policy: Policy | None = None) -> Appraisal:
        """Rebuild an appraisal from its document (SPEC §18): its ``to_json()`` is the stored
        document, byte for byte, and it can be explained and rendered.

        Given ``policy``, the document must name its SHA-256 (else an InputError naming
        both); without one, the built-in default policy is used if it is the one, else a
        stand-in knowing only the policy's id, version and SHA-256 (explanations then show
        ids where they would show names).
        """
        from medsales.engine.load import appraisal_from_dict

        return appraisal_from_dict(data, policy)

    @classmethod
    def from_json(cls, text: str | bytes, policy: Policy | None = None) -> Appraisal:
        """Rebuild an appraisal from its JSON document (see :meth:`from_dict`)."""
        from medsales.engine.load import appraisal_from_dict, parse_document

        return appraisal_from_dict(parse_document(text, "appraisal"), policy)

    @property
    def policy_ref(self) -> dict[str, str]:
        """The policy's id, version and the SHA-256 of its canonical form."""
        return policy_ref(self.policy)

    def to_dict(self) -> dict[str, Any]:
        """The appraisal document (``medsales.appraisal/1``) as JSON-ready data."""
        doc: dict[str, Any] = {
            "format": APPRAISAL_FORMAT,
            "employee_id": self.employee_id,
            "role": self.role,
            "segments": [s.to_dict() for s in self.segments],
            "period": self.period.label if self.period is not None else None,
            "complete": self.complete,
            "reason": self.reason,
            "raw_score": _num(self.raw_score),
            "deductions": _num(self.deductions),
            "deduction_applied": _num(self.deduction_applied),
            "exact_score": _num(self.exact_score),
            "score": None if self.score is None else format(self.score, "f"),
            "grade_from_score": self.grade_from_score,
            "grade_before_distribution": self.grade_before_distribution,
            "grade": self.grade,
            "coefficient": None if self.coefficient is None else format(self.coefficient, "f"),
            "vetoed": self.vetoed,
            "sections": [sec.to_dict() for sec in self.sections],
            "lines": [line.to_dict() for line in self.lines],
            "conduct": [c.to_dict() for c in self.conduct],
            "notes": [n.to_dict() for n in self.notes],
            "policy": self.policy_ref,
        }
        if self.engine is not None:
            doc["engine"] = dict(self.engine)
        return doc

    def to_json(self, *, indent: int | None = None) -> str:
        """The appraisal document as JSON: keys sorted, decimals as strings, deterministic."""
        return document_json(self.to_dict(), indent=indent)

    def explain(self, lang: str = "en") -> str:
        """The breakdown as text a person can redo by hand, in ``en`` or ``zh-Hans``."""
        from medsales.views.explain import explain

        return explain(self, lang)

    def _repr_html_(self) -> str:
        """The breakdown as an HTML table, for Jupyter."""
        from medsales.views.html import appraisal_html

        return appraisal_html(self)


_DEFAULTS: Final = {
    "notes": (),
    "segments": (),
    "grade_before_distribution": None,
    "engine": ENGINE,
    "_later": None,
    "_first": None,
}
"""The defaults :func:`appraisal_of` sets (all of Appraisal's but ``sections``)."""
