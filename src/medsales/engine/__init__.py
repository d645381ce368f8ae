"""What is computed: curves, weighting, conduct, grades and explained results."""

from medsales.engine.appraise import appraise, grade_for
from medsales.engine.batch import BatchScore, compile_scorecard, score_many
from medsales.engine.curves import curve_points, read_x
from medsales.engine.notes import Note
from medsales.engine.periodic import RoleSpan, appraise_employee, role_spans
from medsales.engine.results import (
    APPRAISAL_FORMAT,
    Appraisal,
    ConductAdjustment,
    LineResult,
    SectionResult,
    Segment,
)
from medsales.engine.schema import appraisal_json_schema, cohort_json_schema

__all__ = [
    "APPRAISAL_FORMAT",
    "Appraisal",
    "BatchScore",
    "ConductAdjustment",
    "LineResult",
    "Note",
    "RoleSpan",
    "SectionResult",
    "Segment",
    "appraisal_json_schema",
    "appraise",
    "appraise_employee",
    "cohort_json_schema",
    "compile_scorecard",
    "curve_points",
    "grade_for",
    "read_x",
    "role_spans",
    "score_many",
]
