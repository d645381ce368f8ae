"""The policy document's models, all in one place (SPEC §12).

The models live in modules by concept — :mod:`~medsales.policy.base`,
:mod:`~medsales.policy.organisation`, :mod:`~medsales.policy.kpis`,
:mod:`~medsales.policy.curves`, :mod:`~medsales.policy.scorecards`,
:mod:`~medsales.policy.inputs`, :mod:`~medsales.policy.document` and
:mod:`~medsales.policy.consistency`; this module gathers them for callers that want
one import.
"""

from medsales.policy.base import (
    FORMAT,
    SEVERITIES,
    Aggregation,
    Basis,
    Direction,
    DocumentModel,
    Id,
    MissingRule,
    NonNegative,
    Num,
    Point,
    Positive,
    Severity,
    Share,
    Unit,
)
from medsales.policy.curves import Curve, LinearCurve, PiecewiseCurve, ScaleCurve, StepsCurve
from medsales.policy.document import Example, ExampleExpectation, Policy
from medsales.policy.history import Alert, Rollup
from medsales.policy.inputs import Incident, Measurement
from medsales.policy.kpis import (
    KPI,
    Derive,
    GoalsDerive,
    RatingsDerive,
    SurveyDerive,
    TeamDerive,
)
from medsales.policy.organisation import (
    ConductRule,
    Consequence,
    Consequences,
    Department,
    Responsibility,
    Role,
)
from medsales.policy.review import ReviewSettings
from medsales.policy.scorecards import (
    FLAT_SECTION_ID,
    Distribution,
    Grade,
    Line,
    Scorecard,
    Section,
)

__all__ = [
    "FLAT_SECTION_ID",
    "FORMAT",
    "KPI",
    "SEVERITIES",
    "Aggregation",
    "Alert",
    "Basis",
    "ConductRule",
    "Consequence",
    "Consequences",
    "Curve",
    "Department",
    "Derive",
    "Direction",
    "Distribution",
    "DocumentModel",
    "Example",
    "ExampleExpectation",
    "GoalsDerive",
    "Grade",
    "Id",
    "Incident",
    "Line",
    "LinearCurve",
    "Measurement",
    "MissingRule",
    "NonNegative",
    "Num",
    "PiecewiseCurve",
    "Point",
    "Policy",
    "Positive",
    "RatingsDerive",
    "Responsibility",
    "ReviewSettings",
    "Role",
    "Rollup",
    "ScaleCurve",
    "Scorecard",
    "Section",
    "Severity",
    "Share",
    "StepsCurve",
    "SurveyDerive",
    "TeamDerive",
    "Unit",
]
