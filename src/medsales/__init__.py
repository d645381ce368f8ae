"""medsales: exact, explained, reproducible performance appraisals for medical sales.

The public API (SPEC §13) is re-exported here; everything else is an implementation
detail that may change.
"""

from medsales.__about__ import __version__
from medsales.catalog import default_policy
from medsales.cohort import CohortResult, appraise_cohort, calibrate
from medsales.engine import (
    Appraisal,
    ConductAdjustment,
    LineResult,
    Note,
    Segment,
    appraisal_json_schema,
    appraise,
    appraise_employee,
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
from medsales.records import Employee, MeasurementRow, Rating, SurveyResponse
from medsales.targets import split

__all__ = [
    "Appraisal",
    "CohortResult",
    "ConductAdjustment",
    "DataFileError",
    "Employee",
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
    "SurveyResponse",
    "TargetError",
    "UnknownKPIError",
    "UnknownRoleError",
    "UnknownRuleError",
    "__version__",
    "appraisal_json_schema",
    "appraise",
    "appraise_cohort",
    "appraise_employee",
    "calibrate",
    "default_policy",
    "dump_policy",
    "load_policy",
    "loads_policy",
    "policy_json_schema",
    "split",
    "to_decimal",
]
