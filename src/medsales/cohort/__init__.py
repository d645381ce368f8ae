"""A department at once: team roll-ups, surveys, 360° ratings, forced distribution."""

from medsales.cohort.appraise import CohortResult, GroupSummary, NotAppraised, appraise_cohort
from medsales.cohort.distribution import apply_distribution, distribution_counts
from medsales.cohort.history import (
    History,
    HistoryAlert,
    RollupPart,
    RollupResult,
    appraise_history,
)
from medsales.cohort.organisation import Organisation

__all__ = [
    "CohortResult",
    "GroupSummary",
    "History",
    "HistoryAlert",
    "NotAppraised",
    "Organisation",
    "RollupPart",
    "RollupResult",
    "apply_distribution",
    "appraise_cohort",
    "appraise_history",
    "distribution_counts",
]


_MOVED = {"CalibratedScore", "Calibration", "TeamSpread", "calibrate"}


def __getattr__(name: str) -> object:
    """Calibration moved to :mod:`medsales.analysis.calibration`; the old names warn."""
    if name in _MOVED:
        import warnings

        from medsales.analysis import calibration

        warnings.warn(
            f"medsales.cohort.{name} moved to medsales.analysis.calibration.{name}; the old "
            "name will be removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(calibration, name)
    raise AttributeError(f"module 'medsales.cohort' has no attribute {name!r}")
