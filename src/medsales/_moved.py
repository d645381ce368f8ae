"""Old import paths kept for one release after the package was laid out in layers.

Each old module replaces itself in :data:`sys.modules` with the module it moved to, after
a :class:`DeprecationWarning` naming the new path.
"""

from __future__ import annotations

import importlib
import sys
import warnings

__all__ = ["MOVED", "alias"]

MOVED: dict[str, str] = {
    "medsales.records": "medsales.policy.records",
    "medsales.render": "medsales.views.text",
    "medsales.report": "medsales.views.report",
    "medsales.notebook": "medsales.views.html",
    "medsales.plots": "medsales.views.plots",
    "medsales.whatif": "medsales.analysis.whatif",
    "medsales.check": "medsales.analysis.check",
    "medsales.engine.explain": "medsales.views.explain",
    "medsales.cohort.calibration": "medsales.analysis.calibration",
}
"""Old module path → where it lives now (removed in the release after next)."""


def alias(old: str) -> None:
    """Make ``old`` an alias of the module it moved to, warning the importer."""
    new = MOVED[old]
    warnings.warn(
        f"{old} moved to {new}; the old path will be removed in the next release",
        DeprecationWarning,
        stacklevel=3,
    )
    sys.modules[old] = importlib.import_module(new)
