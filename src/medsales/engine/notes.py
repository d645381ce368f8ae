"""Notes: why a rule changed a number, kept as a code and its parameters.

The engine records notes as it works (as OpenFisca's tracers record a computation, apart
from its formulas); their words live in :mod:`medsales.views.messages` and are looked up
only when a note is read.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from medsales.policy.document import Policy

from medsales.numbers import number_text

__all__ = ["Note"]


def _show(value: object) -> str:
    """A parameter as text: exact rationals rounded for reading (SPEC §9), others as str."""
    if isinstance(value, Fraction):
        return number_text(value)
    return str(value)


@attrs.frozen
class Note:
    """One rule that changed a number: a stable ``code`` and its parameters.

    Parameters keep their values (exact numbers, dates) and are rendered as text only
    when a note is read, so that a note costs nothing until someone looks at it.
    """

    code: str
    params: tuple[tuple[str, object], ...] = ()
    written: str | None = attrs.field(default=None, eq=False, repr=False)
    """The English text a stored document gave (a note read back keeps it as written)."""

    @classmethod
    def of(cls, code: str, **params: object) -> Note:
        """A note with its parameters."""
        return cls(code, tuple(params.items()))

    @property
    def depth(self) -> int:
        """How deep in a tree the note sits (a goal's level under its top goal), for
        indenting; 0 for notes that are not part of a tree."""
        for key, value in self.params:
            if key == "depth" and isinstance(value, int):
                return value
        return 0

    def rendered(self) -> dict[str, str]:
        """The parameters as text."""
        return {k: _show(v) for k, v in self.params}

    def text(self, lang: str = "en", policy: Policy | None = None) -> str:
        """The note in ``lang`` (``en``, ``zh-Hans`` or ``zh-Hant``; others fall back as
        labels do); given the ``policy``, its rules, KPIs and roles are named by their
        labels in that language."""
        from medsales.labels import pick
        from medsales.views.messages import MESSAGES, render

        if self.written is not None and self.code not in pick(MESSAGES, lang):
            return self.written  # a code this version does not know, read from a document
        return render(self.code, self.rendered(), lang, policy)

    def to_dict(self) -> dict[str, object]:
        """The note as JSON-ready data: code, parameters and the English text (as written,
        for a note read back from a document)."""
        params = self.rendered()
        if self.written is not None:
            return {"code": self.code, "params": params, "text": self.written}
        from medsales.views.messages import render

        return {"code": self.code, "params": params, "text": render(self.code, params, "en")}
