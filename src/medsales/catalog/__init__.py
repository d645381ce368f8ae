"""The built-in default policy (a data file citing docs/domain.md's ids) and the demo data."""

from __future__ import annotations

from functools import cache
from importlib import resources

from medsales.policy.io import loads_policy
from medsales.policy.models import Policy

__all__ = [
    "DEFAULT_POLICY_FILE",
    "DEMO_FILES",
    "DEMO_GOALS_FILE",
    "default_policy",
    "default_policy_text",
    "demo_file_text",
    "goals_example_policy",
]

DEFAULT_POLICY_FILE = "default_policy.toml"


def default_policy_text() -> str:
    """The TOML text of the built-in default policy, as shipped in the package."""
    return resources.files(__name__).joinpath(DEFAULT_POLICY_FILE).read_text(encoding="utf-8")


@cache
def default_policy() -> Policy:
    """The built-in default policy: the seed department's full catalog in three languages,
    a scorecard per role, grades with coefficients and a consequence for every rule."""
    return loads_policy(default_policy_text(), file=DEFAULT_POLICY_FILE)


DEMO_FILES = ("employees", "measurements", "incidents", "ratings", "surveys")
"""The five files of the bundled synthetic demo department (SPEC §10)."""

DEMO_GOALS_FILE = "goals"
"""The demo's goals file (SPEC §16): the marketing specialists' goals, which feed a KPI of
:func:`goals_example_policy`, not of the default policy."""


def demo_file_text(name: str) -> str:
    """The text of one bundled demo file (``employees``, ``measurements``, …, ``goals``)."""
    if name not in (*DEMO_FILES, DEMO_GOALS_FILE):
        known = ", ".join((*DEMO_FILES, DEMO_GOALS_FILE))
        raise ValueError(f"no demo file {name!r}; expected one of {known}")
    return resources.files(__name__).joinpath("demo", f"{name}.csv").read_text(encoding="utf-8-sig")


@cache
def goals_example_policy() -> Policy:
    """The default policy with goals (SPEC §16, docs/goals.md): a KPI ``goal_progress``
    read from goals, in a section ``goals`` of weight 15 on the marketing specialist's
    scorecard (its market section weighs 40 instead of 55).

    A separate policy, so that the default policy, its SHA-256 and every result quoted
    from it stay as they are; its golden examples of the marketing specialist are left
    out (their scores assume the default weights).
    """
    import json

    from medsales.policy.io import dump_policy, load_policy

    data = json.loads(dump_policy(default_policy(), "json"))
    data["id"] = "medsales-default-goals"
    data["name"] = {
        "en": "Medical sales appraisal with goals (example)",
        "zh-Hans": "医疗销售考核（含目标，示例）",
        "zh-Hant": "醫療銷售考核（含目標，示例）",
    }
    data["kpis"].append(
        {
            "id": "goal_progress",
            "name": {"en": "Goal progress", "zh-Hans": "目标进度", "zh-Hant": "目標進度"},
            "unit": "percent",
            "measures": [
                "marketing_specialist.market_research",
                "marketing_specialist.promotion_strategy",
            ],
            "derive": {"from": "goals"},
        }
    )
    for card in data["scorecards"]:
        if card["role"] == "marketing_specialist":
            card["sections"][0]["weight"] = 40
            card["sections"].append(
                {
                    "id": "goals",
                    "name": {"en": "Goals", "zh-Hans": "目标达成", "zh-Hant": "目標達成"},
                    "weight": 15,
                    "lines": [
                        {
                            "kpi": "goal_progress",
                            "weight": 100,
                            "basis": "value",
                            "curve": {"type": "linear", "multiplier": 1},
                        }
                    ],
                }
            )
    data["examples"] = [e for e in data["examples"] if e["role"] != "marketing_specialist"]
    return load_policy(data)
