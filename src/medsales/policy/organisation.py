"""The department, its roles and duties, and the code of conduct (SPEC §2, §5)."""

from __future__ import annotations

from decimal import Decimal

from medsales.labels import Label
from medsales.policy.base import DocumentModel as _Model
from medsales.policy.base import Id, NonNegative, Severity

__all__ = ["ConductRule", "Consequence", "Consequences", "Department", "Responsibility", "Role"]


class Responsibility(_Model):
    """A duty of the department or of a role (SPEC §2)."""

    id: Id
    name: Label
    description: Label | None = None


class Department(_Model):
    """The department and its core responsibilities."""

    id: Id
    name: Label
    description: Label | None = None
    responsibilities: tuple[Responsibility, ...] = ()


class Role(_Model):
    """A role (岗位) with its responsibilities (岗位职责)."""

    id: Id
    name: Label
    description: Label | None = None
    responsibilities: tuple[Responsibility, ...] = ()


class Consequence(_Model):
    """What one incident of a given severity costs (SPEC §5)."""

    deduct: NonNegative = Decimal(0)
    grade_cap: Id | None = None
    veto: bool = False


class Consequences(_Model):
    """A conduct rule's consequence for each severity; an absent severity costs nothing."""

    minor: Consequence | None = None
    major: Consequence | None = None
    critical: Consequence | None = None

    def for_severity(self, severity: Severity) -> Consequence | None:
        """The consequence of one incident of ``severity``."""
        result: Consequence | None = getattr(self, severity)
        return result


class ConductRule(_Model):
    """A rule of the code of conduct (行为规范) and what breaking it costs."""

    id: Id
    name: Label
    description: Label | None = None
    consequences: Consequences = Consequences()
