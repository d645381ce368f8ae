"""medsales: exact, explained, reproducible performance appraisals for medical sales.

The public API (SPEC §13) is re-exported here; everything else is an implementation
detail that may change.
"""

from medsales.__about__ import __version__
from medsales.catalog import default_policy
from medsales.check import Finding, check_policy
from medsales.cohort import CohortResult, appraise_cohort, calibrate
from medsales.engine import (
    Appraisal,
    BatchScore,
    ConductAdjustment,
    LineResult,
    Note,
    Segment,
    appraisal_json_schema,
    appraise,
    appraise_employee,
    score_many,
)
from medsales.errors import (
    DataFileError,
    InputError,
    MedsalesError,
    MissingMeasurementError,
    PeriodError,
    PolicyError,
    Problem,
    TargetError,
    UnknownKPIError,
    UnknownRoleError,
    UnknownRuleError,
)
from medsales.labels import Label
from medsales.numbers import to_decimal
from medsales.periods import Period
from medsales.policy import (
    Incident,
    Measurement,
    Policy,
    dump_policy,
    load_policy,
    loads_policy,
    policy_json_schema,
)
from medsales.policy.records import Employee, MeasurementRow, Rating, SurveyResponse
from medsales.targets import split
from medsales.whatif import Sensitivity, WhatIf, min_actual_for_grade, points_per_unit

__all__ = [
    "Appraisal",
    "BatchScore",
    "CohortResult",
    "ConductAdjustment",
    "DataFileError",
    "Employee",
    "Finding",
    "Incident",
    "InputError",
    "Label",
    "LineResult",
    "Measurement",
    "MeasurementRow",
    "MedsalesError",
    "MissingMeasurementError",
    "Note",
    "Period",
    "PeriodError",
    "Policy",
    "PolicyError",
    "Problem",
    "Rating",
    "Segment",
    "Sensitivity",
    "SurveyResponse",
    "TargetError",
    "UnknownKPIError",
    "UnknownRoleError",
    "UnknownRuleError",
    "WhatIf",
    "__version__",
    "appraisal_json_schema",
    "appraise",
    "appraise_cohort",
    "appraise_employee",
    "calibrate",
    "check_policy",
    "default_policy",
    "dump_policy",
    "load_policy",
    "loads_policy",
    "min_actual_for_grade",
    "points_per_unit",
    "policy_json_schema",
    "score_many",
    "split",
    "to_decimal",
]
