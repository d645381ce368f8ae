"""medsales: exact, explained, reproducible performance appraisals for medical sales.

The public API (SPEC §13, §22) is re-exported here; everything else is an implementation
detail that may change. Names are loaded on first use, so ``import medsales`` stays quick
and loads neither the analysis nor the views until they are asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from medsales.__about__ import __version__

if TYPE_CHECKING:
    from medsales.analysis.calibration import calibrate
    from medsales.analysis.check import Finding, check_policy
    from medsales.analysis.simulate import Simulation, simulate
    from medsales.analysis.whatif import Sensitivity, WhatIf, min_actual_for_grade, points_per_unit
    from medsales.catalog import default_policy
    from medsales.cohort import CohortResult, History, appraise_cohort, appraise_history
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
        cohort_json_schema,
        score_many,
    )
    from medsales.engine.columnar import score_frame
    from medsales.errors import (
        ConflictError,
        DataFileError,
        InputError,
        MedsalesError,
        MissingMeasurementError,
        OutputError,
        PeriodError,
        PermissionDeniedError,
        PolicyError,
        Problem,
        ReviewError,
        ReviewStateError,
        TamperedLogError,
        TargetError,
        UnknownKPIError,
        UnknownRoleError,
        UnknownRuleError,
    )
    from medsales.io.pandas import demo_frames
    from medsales.io.partition import BREAKDOWN_SCHEMA, SUMMARY_SCHEMA, appraise_partition
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
    from medsales.policy.records import Employee, Goal, MeasurementRow, Rating, SurveyResponse
    from medsales.targets import split

_WHERE: dict[str, str] = {
    "Appraisal": "medsales.engine",
    "BatchScore": "medsales.engine",
    "CohortResult": "medsales.cohort",
    "ConductAdjustment": "medsales.engine",
    "ConflictError": "medsales.errors",
    "DataFileError": "medsales.errors",
    "Employee": "medsales.policy.records",
    "Goal": "medsales.policy.records",
    "Finding": "medsales.analysis.check",
    "History": "medsales.cohort",
    "Incident": "medsales.policy",
    "InputError": "medsales.errors",
    "Label": "medsales.labels",
    "LineResult": "medsales.engine",
    "Measurement": "medsales.policy",
    "MeasurementRow": "medsales.policy.records",
    "MedsalesError": "medsales.errors",
    "MissingMeasurementError": "medsales.errors",
    "Note": "medsales.engine",
    "OutputError": "medsales.errors",
    "Period": "medsales.periods",
    "PeriodError": "medsales.errors",
    "PermissionDeniedError": "medsales.errors",
    "Policy": "medsales.policy",
    "PolicyError": "medsales.errors",
    "Problem": "medsales.errors",
    "Rating": "medsales.policy.records",
    "ReviewError": "medsales.errors",
    "ReviewStateError": "medsales.errors",
    "Segment": "medsales.engine",
    "Sensitivity": "medsales.analysis.whatif",
    "SurveyResponse": "medsales.policy.records",
    "TamperedLogError": "medsales.errors",
    "TargetError": "medsales.errors",
    "UnknownKPIError": "medsales.errors",
    "UnknownRoleError": "medsales.errors",
    "UnknownRuleError": "medsales.errors",
    "WhatIf": "medsales.analysis.whatif",
    "appraisal_json_schema": "medsales.engine",
    "appraise": "medsales.engine",
    "appraise_cohort": "medsales.cohort",
    "appraise_employee": "medsales.engine",
    "appraise_history": "medsales.cohort",
    "calibrate": "medsales.analysis.calibration",
    "check_policy": "medsales.analysis.check",
    "cohort_json_schema": "medsales.engine",
    "default_policy": "medsales.catalog",
    "demo_frames": "medsales.io.pandas",
    "dump_policy": "medsales.policy",
    "load_policy": "medsales.policy",
    "loads_policy": "medsales.policy",
    "min_actual_for_grade": "medsales.analysis.whatif",
    "points_per_unit": "medsales.analysis.whatif",
    "policy_json_schema": "medsales.policy",
    "score_many": "medsales.engine",
    "score_frame": "medsales.engine.columnar",
    "simulate": "medsales.analysis.simulate",
    "Simulation": "medsales.analysis.simulate",
    "appraise_partition": "medsales.io.partition",
    "SUMMARY_SCHEMA": "medsales.io.partition",
    "BREAKDOWN_SCHEMA": "medsales.io.partition",
    "split": "medsales.targets",
    "to_decimal": "medsales.numbers",
}
"""Each public name and the module that defines it."""

__all__ = [
    "BREAKDOWN_SCHEMA",
    "SUMMARY_SCHEMA",
    "Appraisal",
    "BatchScore",
    "CohortResult",
    "ConductAdjustment",
    "ConflictError",
    "DataFileError",
    "Employee",
    "Finding",
    "Goal",
    "History",
    "Incident",
    "InputError",
    "Label",
    "LineResult",
    "Measurement",
    "MeasurementRow",
    "MedsalesError",
    "MissingMeasurementError",
    "Note",
    "OutputError",
    "Period",
    "PeriodError",
    "PermissionDeniedError",
    "Policy",
    "PolicyError",
    "Problem",
    "Rating",
    "ReviewError",
    "ReviewStateError",
    "Segment",
    "Sensitivity",
    "Simulation",
    "SurveyResponse",
    "TamperedLogError",
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
    "appraise_history",
    "appraise_partition",
    "calibrate",
    "check_policy",
    "cohort_json_schema",
    "default_policy",
    "demo_frames",
    "dump_policy",
    "load_policy",
    "loads_policy",
    "min_actual_for_grade",
    "points_per_unit",
    "policy_json_schema",
    "score_frame",
    "score_many",
    "simulate",
    "split",
    "to_decimal",
]


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use, then keep it here."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'medsales' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
