"""The built-in default policy (a data file citing docs/domain.md's ids) and the demo data."""

from __future__ import annotations

from functools import cache
from importlib import resources

from medsales.policy.io import loads_policy
from medsales.policy.models import Policy

__all__ = [
    "DEFAULT_POLICY_FILE",
    "DEMO_FILES",
    "default_policy",
    "default_policy_text",
    "demo_file_text",
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


def demo_file_text(name: str) -> str:
    """The text of one bundled demo file (``employees``, ``measurements``, …)."""
    if name not in DEMO_FILES:
        raise ValueError(f"no demo file {name!r}; expected one of {', '.join(DEMO_FILES)}")
    return resources.files(__name__).joinpath("demo", f"{name}.csv").read_text(encoding="utf-8-sig")
