"""The JSON Schema of the appraisal document (``medsales.appraisal/1``), part of the API."""

from __future__ import annotations

import copy
from typing import Any, Final

__all__ = ["appraisal_json_schema", "cohort_json_schema"]

_DECIMAL: Final = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
_OPT_DECIMAL: Final = {"anyOf": [_DECIMAL, {"type": "null"}]}
_OPT_STRING: Final = {"type": ["string", "null"]}
_DATE: Final = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

_NOTE: Final = {
    "type": "object",
    "required": ["code", "params", "text"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string"},
        "params": {"type": "object", "additionalProperties": {"type": "string"}},
        "text": {"type": "string"},
    },
}

_LINE: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "section",
        "kpi",
        "status",
        "actual",
        "target",
        "x",
        "points",
        "weight",
        "section_weight",
        "effective_weight",
        "contribution",
        "notes",
    ],
    "properties": {
        "section": {"type": "string"},
        "kpi": {"type": "string"},
        "status": {"enum": ["scored", "zero", "not_applicable", "missing"]},
        "actual": _OPT_DECIMAL,
        "target": _OPT_DECIMAL,
        "x": _OPT_DECIMAL,
        "points": _OPT_DECIMAL,
        "weight": _DECIMAL,
        "section_weight": _DECIMAL,
        "effective_weight": _DECIMAL,
        "contribution": _DECIMAL,
        "notes": {"type": "array", "items": {"$ref": "#/$defs/note"}},
    },
}

_SECTION: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "weight", "effective_weight", "points", "contribution"],
    "properties": {
        "id": {"type": "string"},
        "weight": _DECIMAL,
        "effective_weight": _DECIMAL,
        "points": _OPT_DECIMAL,
        "contribution": _DECIMAL,
    },
}

_CONDUCT: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rule", "severity", "date", "note", "counted", "deduct", "grade_cap", "veto"],
    "properties": {
        "rule": {"type": "string"},
        "severity": {"enum": ["minor", "major", "critical"]},
        "date": {"anyOf": [_DATE, {"type": "null"}]},
        "note": {"type": "string"},
        "counted": {"type": "boolean"},
        "deduct": _DECIMAL,
        "grade_cap": _OPT_STRING,
        "veto": {"type": "boolean"},
    },
}

_SEGMENT: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["role", "start", "end", "days", "appraisal"],
    "properties": {
        "role": {"type": "string"},
        "start": _DATE,
        "end": _DATE,
        "days": {"type": "integer", "minimum": 1},
        "appraisal": {"$ref": "#"},
    },
}

_POLICY_REF: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "version", "sha256"],
    "properties": {
        "id": {"type": "string"},
        "version": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}

_ENGINE: Final = {
    "description": "The engine that wrote the document (absent in documents written "
    "before documents named their engine).",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "version"],
    "properties": {"name": {"const": "medsales"}, "version": {"type": "string"}},
}

_APPRAISAL: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://medsales.dev/schema/appraisal-1.json",
    "title": "medsales appraisal document (medsales.appraisal/1)",
    "description": "One employee's appraisal for one period. Decimals are strings; values "
    "that do not terminate are shown rounded half even to 10 decimals, the score is "
    "computed from the exact values and rounded once.",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "format",
        "employee_id",
        "role",
        "segments",
        "period",
        "complete",
        "reason",
        "raw_score",
        "deductions",
        "deduction_applied",
        "exact_score",
        "score",
        "grade_from_score",
        "grade_before_distribution",
        "grade",
        "coefficient",
        "vetoed",
        "sections",
        "lines",
        "conduct",
        "notes",
        "policy",
    ],
    "properties": {
        "format": {"const": "medsales.appraisal/1"},
        "employee_id": _OPT_STRING,
        "role": {"type": "string"},
        "segments": {"type": "array", "items": {"$ref": "#/$defs/segment"}},
        "period": _OPT_STRING,
        "complete": {"type": "boolean"},
        "reason": _OPT_STRING,
        "raw_score": _OPT_DECIMAL,
        "deductions": _DECIMAL,
        "deduction_applied": _DECIMAL,
        "exact_score": _OPT_DECIMAL,
        "score": _OPT_DECIMAL,
        "grade_from_score": _OPT_STRING,
        "grade_before_distribution": _OPT_STRING,
        "grade": _OPT_STRING,
        "coefficient": _OPT_DECIMAL,
        "vetoed": {"type": "boolean"},
        "sections": {"type": "array", "items": {"$ref": "#/$defs/section"}},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"}},
        "conduct": {"type": "array", "items": {"$ref": "#/$defs/conduct"}},
        "notes": {"type": "array", "items": {"$ref": "#/$defs/note"}},
        "policy": _POLICY_REF,
        "engine": _ENGINE,
    },
    "$defs": {
        "note": _NOTE,
        "section": _SECTION,
        "line": _LINE,
        "conduct": _CONDUCT,
        "segment": _SEGMENT,
    },
}


def appraisal_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every appraisal document validates against."""
    return copy.deepcopy(_APPRAISAL)


_COUNTS: Final = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

_SUMMARY: Final = {
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "count", "complete", "mean", "median", "minimum", "maximum", "grades"],
    "properties": {
        "key": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
        "complete": {"type": "integer", "minimum": 0},
        "mean": _OPT_DECIMAL,
        "median": _OPT_DECIMAL,
        "minimum": _OPT_DECIMAL,
        "maximum": _OPT_DECIMAL,
        "grades": _COUNTS,
    },
}


def cohort_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every cohort document (``medsales.cohort/1``)
    validates against; its appraisals are appraisal documents."""
    appraisal = copy.deepcopy(_APPRAISAL)
    defs = appraisal.pop("$defs")
    for key in ("$schema", "$id", "title"):
        appraisal.pop(key)
    # a segment nests an appraisal document: inside the cohort schema it is #/$defs/appraisal
    defs["segment"]["properties"]["appraisal"] = {"$ref": "#/$defs/appraisal"}
    defs["appraisal"] = appraisal
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://medsales.dev/schema/cohort-1.json",
        "title": "medsales cohort document (medsales.cohort/1)",
        "description": "Every appraisal of a roster for one period, with the grade counts "
        "before and after the distribution and statistics per team (keyed by the manager's "
        "id) and per role. Decimals are strings, as in the appraisal document.",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "format",
            "period",
            "policy",
            "grades_before_distribution",
            "grades",
            "by_team",
            "by_role",
            "appraisals",
        ],
        "properties": {
            "format": {"const": "medsales.cohort/1"},
            "period": {"type": "string"},
            "policy": copy.deepcopy(_POLICY_REF),
            "engine": copy.deepcopy(_ENGINE),
            "grades_before_distribution": _COUNTS,
            "grades": _COUNTS,
            "by_team": {"type": "array", "items": {"$ref": "#/$defs/summary"}},
            "by_role": {"type": "array", "items": {"$ref": "#/$defs/summary"}},
            "appraisals": {"type": "array", "items": {"$ref": "#/$defs/appraisal"}},
            "coverage": {
                "type": "array",
                "description": "scorecard KPIs no one appraised had a value for (SPEC §19)",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["kpi", "source", "appraisals", "handled"],
                    "properties": {
                        "kpi": {"type": "string"},
                        "source": {"type": "string"},
                        "appraisals": {"type": "integer", "minimum": 0},
                        "handled": {"enum": ["redistributed", "zero"]},
                    },
                },
            },
            "not_appraised": {
                "type": "array",
                "description": "people left out (unscored = skip), and why",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["employee_id", "role", "code", "reason"],
                    "properties": {
                        "employee_id": {"type": "string"},
                        "role": {"type": "string"},
                        "code": {"enum": ["no_scorecard", "unknown_role"]},
                        "reason": {"type": "string"},
                    },
                },
            },
        },
        "$defs": {**defs, "summary": copy.deepcopy(_SUMMARY)},
    }
