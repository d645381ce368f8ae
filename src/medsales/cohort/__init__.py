"""A department at once: team roll-ups, surveys, 360° ratings, distribution, calibration."""

from medsales.cohort.appraise import CohortResult, GroupSummary, appraise_cohort
from medsales.cohort.calibration import CalibratedScore, Calibration, TeamSpread, calibrate
from medsales.cohort.distribution import apply_distribution, distribution_counts
from medsales.cohort.organisation import Organisation

__all__ = [
    "CalibratedScore",
    "Calibration",
    "CohortResult",
    "GroupSummary",
    "Organisation",
    "TeamSpread",
    "apply_distribution",
    "appraise_cohort",
    "calibrate",
    "distribution_counts",
]
