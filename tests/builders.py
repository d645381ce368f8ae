"""Policies for tests: a small base policy, built fresh with any keys overridden."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from medsales import Policy, load_policy

BASE: dict[str, Any] = {
    "id": "test",
    "version": "1",
    "name": {"en": "Test policy", "zh-Hans": "测试方案"},
    "department": {
        "id": "sales",
        "name": {"en": "Sales"},
        "responsibilities": [{"id": "targets", "name": {"en": "Targets"}}],
    },
    "roles": [
        {"id": "rep", "name": {"en": "Representative", "zh-Hans": "销售代表"}},
        {"id": "other", "name": {"en": "Other"}},
    ],
    "conduct_rules": [
        {
            "id": "integrity",
            "name": {"en": "Integrity", "zh-Hans": "诚信原则"},
            "consequences": {
                "minor": {"deduct": 2},
                "major": {"deduct": 10, "grade_cap": "C"},
                "critical": {"veto": True},
            },
        },
        {
            "id": "teamwork",
            "name": {"en": "Teamwork"},
            "consequences": {"minor": {"deduct": 1}, "major": {"grade_cap": "B"}},
        },
    ],
    "kpis": [
        {"id": "sales", "name": {"en": "Sales", "zh-Hans": "销售额"}, "unit": "currency"},
        {"id": "csat", "name": {"en": "CSAT"}, "unit": "percent", "aggregation": "mean"},
        {"id": "new_accounts", "name": {"en": "New accounts"}, "unit": "count"},
        {"id": "teamwork", "name": {"en": "Teamwork"}, "unit": "rating"},
        {"id": "days", "name": {"en": "Days to resolve"}, "unit": "days", "direction": "lower"},
        {"id": "forecast", "name": {"en": "Forecast"}, "unit": "currency", "direction": "target"},
    ],
    "grades": [
        {"id": "S", "min": 95, "coefficient": 1.5},
        {"id": "A", "min": 85, "coefficient": 1.2},
        {"id": "B", "min": 70, "coefficient": 1.0},
        {"id": "C", "min": 60, "coefficient": 0.8},
        {"id": "D", "min": 0, "coefficient": 0},
    ],
    "scorecards": [
        {
            "role": "rep",
            "lines": [
                {
                    "kpi": "sales",
                    "weight": 50,
                    "basis": "attainment",
                    "curve": {"type": "linear", "floor": 0.6, "cap": 1.2},
                },
                {
                    "kpi": "csat",
                    "weight": 20,
                    "basis": "attainment",
                    "curve": {"type": "linear", "floor": 0.6, "cap": 1.2},
                },
                {
                    "kpi": "new_accounts",
                    "weight": 20,
                    "basis": "attainment",
                    "curve": {"type": "linear", "floor": 0.6, "cap": 1.2},
                },
                {
                    "kpi": "teamwork",
                    "weight": 10,
                    "basis": "attainment",
                    "curve": {"type": "linear", "floor": 0.6, "cap": 1.2},
                },
            ],
        },
        {
            "role": "other",
            "sections": [
                {
                    "id": "results",
                    "weight": 80,
                    "lines": [
                        {
                            "kpi": "sales",
                            "weight": 70,
                            "basis": "attainment",
                            "curve": {"type": "linear"},
                        },
                        {
                            "kpi": "forecast",
                            "weight": 30,
                            "basis": "attainment",
                            "curve": {"type": "linear"},
                        },
                    ],
                },
                {
                    "id": "behaviour",
                    "weight": 20,
                    "lines": [
                        {
                            "kpi": "teamwork",
                            "weight": 100,
                            "basis": "value",
                            "curve": {"type": "scale", "min": 1, "max": 5},
                        },
                    ],
                },
            ],
        },
    ],
}

# The Chinese KPI sheet of the docs: 50/20/20/10, floor 60 %, cap 120 %.
SHEET = {
    "sales": {"actual": 1100, "target": 1000},
    "csat": {"actual": 85, "target": 90},
    "new_accounts": {"actual": 3, "target": 5},
    "teamwork": {"actual": 90, "target": 100},
}

# A sales representative's quarter on the built-in policy (92.26, grade A).
REP: dict[str, Any] = {
    "sales_revenue": {"actual": 1_020_000, "target": 1_000_000},
    "customer_satisfaction": 84,
    "customer_visits": {"actual": 110, "target": 120},
    "new_customers": {"actual": 5, "target": 6},
    "market_feedback_reports": 4,
    "event_participation": 2,
    "teamwork_rating": "4.2",
    "training_hours": 10,
}

PolicyFactory = Callable[..., Policy]


def build(**overrides: Any) -> Policy:
    """The base policy with top-level keys replaced (``None`` removes a key)."""
    doc = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return load_policy(doc)


def one_line(
    curve: dict[str, Any],
    *,
    basis: str = "value",
    kpi: str = "sales",
    direction: str | None = None,
    **settings: Any,
) -> Policy:
    """A policy whose role ``rep`` has a single line, for testing curves in isolation."""
    kpis = copy.deepcopy(BASE["kpis"])
    if direction is not None:
        for k in kpis:
            if k["id"] == kpi:
                k["direction"] = direction
    line = {"kpi": kpi, "weight": 100, "basis": basis, "curve": curve}
    line.update(settings.pop("line", {}))
    return build(kpis=kpis, scorecards=[{"role": "rep", "lines": [line]}], **settings)


NOT_APPLICABLE = ({"employee_id": "A", "period": "2026-Q3", "kpi": "sales", "applicable": False},)
"""One row that falls in 2026-Q3 but scores nothing: A's appraisal stays incomplete
(a period without any row is an error, SPEC §19)."""
