"""Calibration: each team's scores rescaled to the department's mean and spread.

An analysis, never a rewrite: the result stands beside the cohort and no stored
appraisal changes. A score s of a team with mean m_t and standard deviation sd_t becomes
M + (s − m_t) × SD / sd_t, where M and SD are the department's; a team whose scores do
not vary (sd_t = 0, or a single member) is shifted only: M + (s − m_t). Standard
deviations are of the population, computed in the engine's decimal context; calibrated
scores are rounded like final scores (the policy's places and mode).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from medsales.cohort.appraise import CohortResult
from medsales.errors import wrong_type
from medsales.numbers import engine_context, number_text, quantize

__all__ = ["CalibratedScore", "Calibration", "TeamSpread", "calibrate"]


@attrs.frozen
class TeamSpread:
    """A team's mean and population standard deviation of final scores."""

    team: str
    count: int
    mean: Fraction
    sd: Decimal


@attrs.frozen
class CalibratedScore:
    """One employee's score and their calibrated score."""

    employee_id: str
    team: str
    score: Decimal
    calibrated: Decimal


@attrs.frozen
class Calibration:
    """The calibration of a cohort's complete appraisals, team by team."""

    period: str
    mean: Fraction
    sd: Decimal
    teams: tuple[TeamSpread, ...]
    scores: tuple[CalibratedScore, ...]

    @property
    def by_employee(self) -> Mapping[str, CalibratedScore]:
        """Calibrated scores by employee id."""
        return {s.employee_id: s for s in self.scores}

    def to_dict(self) -> dict[str, Any]:
        """The calibration as JSON-ready data."""

        def num(v: Fraction | Decimal) -> str:
            return number_text(v)

        return {
            "period": self.period,
            "mean": num(self.mean),
            "sd": num(self.sd),
            "teams": [
                {"team": t.team, "count": t.count, "mean": num(t.mean), "sd": num(t.sd)}
                for t in self.teams
            ],
            "scores": [
                {
                    "employee_id": s.employee_id,
                    "team": s.team,
                    "score": format(s.score, "f"),
                    "calibrated": format(s.calibrated, "f"),
                }
                for s in self.scores
            ],
        }


def _spread(scores: Sequence[Fraction]) -> tuple[Fraction, Decimal]:
    mean = sum(scores, Fraction(0)) / len(scores)
    variance = sum(((s - mean) ** 2 for s in scores), Fraction(0)) / len(scores)
    sd = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return mean, sd


def calibrate(cohort: CohortResult) -> Calibration:
    """Rescale each team's final scores to the department's mean and spread."""
    if not isinstance(cohort, CohortResult):
        raise wrong_type("cohort", cohort, "a CohortResult (from appraise_cohort)")
    policy = cohort.policy
    with engine_context():
        members: dict[str, list[tuple[str, Decimal]]] = {}
        for a in cohort.appraisals:
            if a.score is None or a.employee_id is None:
                continue
            team = cohort.team_of(a.employee_id) or "—"
            members.setdefault(team, []).append((a.employee_id, a.score))
        everyone = [Fraction(s) for group in members.values() for _, s in group]
        if not everyone:
            return Calibration(cohort.period.label, Fraction(0), Decimal(0), (), ())
        mean, sd = _spread(everyone)
        teams: list[TeamSpread] = []
        scores: list[CalibratedScore] = []
        for team in sorted(members):
            group = members[team]
            team_mean, team_sd = _spread([Fraction(s) for _, s in group])
            teams.append(TeamSpread(team, len(group), team_mean, team_sd))
            for eid, score in group:
                offset = Fraction(score) - team_mean
                if team_sd != 0:
                    offset = offset * Fraction(sd) / Fraction(team_sd)
                value = quantize(mean + offset, policy.score_places, policy.rounding)
                scores.append(CalibratedScore(eid, team, score, value))
        scores.sort(key=lambda s: s.employee_id)
        return Calibration(cohort.period.label, mean, sd, tuple(teams), tuple(scores))
