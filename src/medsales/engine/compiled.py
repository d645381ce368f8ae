"""What the engine derives from a policy, kept apart from the policy document.

A :class:`CompiledPolicy` holds what the engine works out once per policy and reuses on
every appraisal: each scorecard's effective weights for every pattern of remaining lines
(SPEC §4) and the notes of each step and knot of its curves (SPEC §3). It is keyed by the
policy's SHA-256, so a policy changed by any path (``evolve``, ``model_copy``, a new file)
gets its own, and two equal policies share one. The policy documents stay pure
declarations, as in pandera and attrs, where the declaration is apart from what runs it.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from fractions import Fraction
from typing import TYPE_CHECKING, Final

import attrs

from medsales.engine.notes import Note
from medsales.numbers import Ratio

if TYPE_CHECKING:
    from decimal import Decimal

    from medsales.policy.base import Basis, Direction
    from medsales.policy.curves import Curve, PiecewiseCurve, StepsCurve
    from medsales.policy.document import Policy
    from medsales.policy.scorecards import Line, Scorecard

__all__ = [
    "CompiledPolicy",
    "CompiledScorecard",
    "PlannedLine",
    "Weights",
    "compile_policy",
    "curve_notes",
]

_ZERO: Final = Fraction(0)
_HUNDRED: Final = Fraction(100)
_CACHE_SIZE: Final = 64

Weights = tuple[tuple[Fraction, ...], tuple[Ratio, ...], tuple[Note, ...]]
"""Each line's effective weight, the same over 100 as an integer ratio, and the notes on
what was redistributed."""

CurveNotes = tuple[Note, ...] | tuple[tuple[Note, ...], tuple[Note, ...]] | None
"""A steps curve's note per step; a piecewise curve's notes at and between its knots."""


def curve_notes(curve: Curve) -> CurveNotes:
    """The notes a curve can give that do not depend on x: built once per curve."""
    if curve.type == "steps":
        steps: StepsCurve = curve
        return tuple(Note.of("step", threshold=t, points=p) for t, p in steps.steps)
    if curve.type == "piecewise":
        pw: PiecewiseCurve = curve
        at = tuple(
            Note.of("knot", x=kx, points=kp)
            for (kx, _), (_, kp) in zip(pw.exact[0], pw.points, strict=True)
        )
        shown = [f"({kx}, {kp})" for kx, kp in pw.points]
        between = tuple(
            Note.of("interpolated", left=left, right=right)
            for left, right in itertools.pairwise(shown)
        )
        return at, between
    return None


@attrs.frozen
class PlannedLine:
    """One scorecard line with everything the engine reads of it looked up once."""

    s: int
    i: int
    line: Line
    section: str
    kpi: str
    basis: Basis
    direction: Direction
    lower_on_value: bool
    path: str
    notes: CurveNotes
    weight: Decimal | Fraction
    section_weight: Decimal | Fraction

    @classmethod
    def of(cls, policy: Policy, card: Scorecard, s: int, i: int, line: Line) -> PlannedLine:
        """Line ``i`` of section ``s`` of ``card``."""
        section = card.effective_sections[s]
        direction = policy.kpis_by_id[line.kpi].direction
        return cls(
            s=s,
            i=i,
            line=line,
            section=section.id,
            kpi=line.kpi,
            basis=line.basis,
            direction=direction,
            lower_on_value=line.basis == "value" and direction == "lower",
            path=f"measurements.{line.kpi}",
            notes=curve_notes(line.curve),
            weight=line.weight if line.weight is not None else section.line_shares[i],
            section_weight=(
                section.weight if section.weight is not None else card.section_shares[s]
            ),
        )


@attrs.define(eq=False)
class CompiledScorecard:
    """One scorecard as the engine runs it: each line with what is read of it, and
    effective weights by the pattern of lines that remain, filled as the engine meets
    them."""

    card: Scorecard
    lines: tuple[PlannedLine, ...]
    _weights: dict[tuple[bool, ...], Weights] = attrs.field(factory=dict)

    @classmethod
    def of(cls, policy: Policy, card: Scorecard) -> CompiledScorecard:
        """Compile ``card`` of ``policy``."""
        return cls(
            card, tuple(PlannedLine.of(policy, card, s, i, line) for s, i, _, line in card.plan)
        )

    def weights(self, kept: tuple[bool, ...]) -> Weights:
        """Each line's effective weight when the lines flagged in ``kept`` remain (SPEC §4)."""
        found = self._weights.get(kept)
        if found is None:
            found = self._weights[kept] = effective_weights(self.card, kept)
        return found


def effective_weights(card: Scorecard, kept: tuple[bool, ...]) -> Weights:
    """SPEC §4: a section's share goes to its remaining lines in proportion to their
    weights, and a section with none left gives its share to the remaining sections."""
    sections = card.effective_sections
    flat = [(s, share) for s, sec in enumerate(sections) for share in sec.line_shares]
    line_totals: dict[int, Fraction] = {}
    for (s, share), keep in zip(flat, kept, strict=True):
        if keep:
            line_totals[s] = line_totals.get(s, _ZERO) + share
    section_shares = card.section_shares
    section_total = sum((section_shares[s] for s in line_totals), _ZERO)
    notes: list[Note] = []
    for s, sec in enumerate(sections):
        if s not in line_totals:
            if len(sections) > 1:
                weight = sec.weight if sec.weight is not None else section_shares[s]
                notes.append(Note.of("section_dropped", section=sec.id, weight=weight))
        elif line_totals[s] != 100:
            notes.append(Note.of("redistributed", section=sec.id, line_total=line_totals[s]))
    if line_totals and section_total != 100:
        notes.append(Note.of("sections_redistributed", total=section_total))
    weights = tuple(
        section_shares[s] / section_total * share / line_totals[s] * _HUNDRED if keep else _ZERO
        for (s, share), keep in zip(flat, kept, strict=True)
    )
    return weights, tuple((w / _HUNDRED).as_integer_ratio() for w in weights), tuple(notes)


@attrs.define(eq=False)
class CompiledPolicy:
    """What the engine derives from one policy, by role; see :func:`compile_policy`."""

    policy: Policy
    _cards: dict[str, CompiledScorecard] = attrs.field(factory=dict)

    def scorecard(self, role: str) -> CompiledScorecard:
        """The compiled scorecard of ``role`` (an unknown role raises as
        :meth:`medsales.Policy.scorecard` does)."""
        found = self._cards.get(role) if type(role) is str else None
        if found is None:
            card = self.policy.scorecard(role)
            found = self._cards[role] = CompiledScorecard.of(self.policy, card)
        return found


_compiled: OrderedDict[str, CompiledPolicy] = OrderedDict()
_lock = threading.Lock()


def compile_policy(policy: Policy) -> CompiledPolicy:
    """The engine's compiled form of ``policy``, cached by its SHA-256 (the last
    few dozen policies are kept)."""
    key = policy.sha256
    with _lock:
        found = _compiled.get(key)
        if found is None:
            found = _compiled[key] = CompiledPolicy(policy)
            if len(_compiled) > _CACHE_SIZE:
                _compiled.popitem(last=False)
        else:
            _compiled.move_to_end(key)
        return found
