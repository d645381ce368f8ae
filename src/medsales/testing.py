"""Hypothesis strategies for policies, measurements and incidents, valid by construction.

Like pandera's strategies built from a schema, these are built from the policy models'
rules: every generated document loads with :func:`medsales.load_policy` (it is validated
exactly as a user's document is), and every generated measurement is one that
:func:`medsales.appraise` accepts for the role it was drawn for.

>>> from hypothesis import given
>>> from medsales.testing import policies
>>> @given(policies())
... def test_every_policy_has_a_scorecard(policy):
...     assert policy.scorecards
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError("medsales.testing needs hypothesis: pip install 'medsales[testing]'") from exc

import datetime
import decimal
import functools
import itertools
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, get_args

from hypothesis.errors import InvalidArgument

from medsales.numbers import ROUNDING_MODES
from medsales.policy.io import load_policy
from medsales.policy.models import (
    KPI,
    SEVERITIES,
    Aggregation,
    Direction,
    Line,
    LinearCurve,
    MissingRule,
    Policy,
    ScaleCurve,
    StepsCurve,
    Unit,
)

if TYPE_CHECKING:
    from medsales.engine.results import Appraisal

__all__ = [
    "assert_policy_invariants",
    "incidents",
    "measurements",
    "policies",
    "policy_documents",
]

# every value the policy models allow: a new unit or rounding mode is generated at once
_ROUNDING: Final[tuple[str, ...]] = tuple(ROUNDING_MODES)
_UNITS: Final[tuple[str, ...]] = get_args(Unit)
_DIRECTIONS: Final[tuple[str, ...]] = get_args(Direction)
_AGGREGATIONS: Final[tuple[str, ...]] = get_args(Aggregation)
_MISSING_RULES: Final[tuple[str, ...]] = get_args(MissingRule)
_RATER_GROUPS: Final = ("self", "manager", "peer", "customer")

_LETTERS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_TAIL: Final = _LETTERS + "0123456789_-"

_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX, traps=[]
)
"""Sums and products of the few-digit numbers drawn here are exact in this context."""

_ids: st.SearchStrategy[str] = st.builds(
    str.__add__, st.sampled_from(_LETTERS), st.text(_ID_TAIL, max_size=5)
)
"""Ids as the policy document allows them: a letter, then letters, digits, ``_`` and ``-``."""

_WORDS: Final = (
    "Sales revenue",
    "Integrity",
    "Market development",
    "销售代表",
    "诚信原则",
    "市场开拓",
    "醫療行業銷售部",
    "团队协作（360°）",
    "Outstanding",
)
_texts: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(_WORDS),
    st.text("abcXYZ 019-_.,:;'\"()[]{}=#\\/销售诚信醫療€é", min_size=1, max_size=8)
    .map(str.strip)
    .filter(bool),
)


def _dec(units: int, places: int) -> Decimal:
    """``units`` × 10^-places, built exactly (whatever the decimal context)."""
    return Decimal(f"{units}E-{places}")


@functools.cache
def _decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] (integers) with exactly ``places`` decimals at most."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: _dec(n, places))


@functools.cache
def _some_decimal(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """A decimal in [low, high] with 0, 1 or 2 decimals."""
    return st.one_of(_decimals(low, high, 0), _decimals(low, high, 1), _decimals(low, high, 2))


def _as_input(form: int, value: Decimal) -> Any:
    """The same number as a user might write it: form 1 a string, 2 an int, 3 a float (each
    only when it is exactly the number), anything else the Decimal itself."""
    if form == 1:
        return str(value)
    if form == 2 and value == value.to_integral_value():
        return int(value)
    if form == 3 and Decimal(repr(float(value))) == value:
        return float(value)
    return value


@st.composite
def _labels(draw: st.DrawFn) -> dict[str, str]:
    label = {"en": draw(_texts)}
    languages = draw(st.integers(0, 3))  # bit 0: zh-Hans, bit 1: zh-Hant
    if languages & 1:
        label["zh-Hans"] = draw(_texts)
    if languages & 2:
        label["zh-Hant"] = draw(_texts)
    return label


_LABEL: Final = _labels()


@functools.cache
def _unique_ids(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(_ids, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def _partition(draw: st.DrawFn, parts: int, total: int = 100) -> list[Decimal]:
    """``parts`` positive numbers summing to exactly ``total``: integers or 0.5 steps."""
    halves = draw(st.booleans())
    units = total * 2 if halves else total
    cuts = draw(
        st.lists(st.integers(1, units - 1), min_size=parts - 1, max_size=parts - 1, unique=True)
    )
    bounds = [0, *sorted(cuts), units]
    sizes = [b - a for a, b in itertools.pairwise(bounds)]
    return [_dec(n * 5, 1) if halves else _dec(n, 0) for n in sizes]


@st.composite
def _shares(draw: st.DrawFn, parts: int, *, exact: bool) -> list[Decimal]:
    """Shares (steps of 0.05, zeros allowed) summing to 1 (exact) or at most 1."""
    n_cuts = parts - 1 if exact else parts
    cuts = sorted(draw(st.lists(st.integers(0, 20), min_size=n_cuts, max_size=n_cuts)))
    bounds = [0, *cuts, 20]
    return [_dec((b - a) * 5, 2) for a, b in itertools.pairwise(bounds)][:parts]


# --------------------------------------------------------------------------- curves


@st.composite
def _monotone_points(draw: st.DrawFn, n: int, *, falling: bool) -> list[Decimal]:
    pts = sorted(draw(st.lists(_some_decimal(0, 150), min_size=n, max_size=n)))
    return pts[::-1] if falling else pts


@st.composite
def _xs(draw: st.DrawFn, n: int, basis: str) -> list[Decimal]:
    """Strictly increasing x values in the usual range of ``basis``."""
    low, high, places = (0, 150, 2) if basis == "attainment" else (0, 2000, 1)
    raw = sorted(draw(st.lists(st.integers(low, high), min_size=n, max_size=n, unique=True)))
    return [_dec(v, places) for v in raw]


def _pairs(xs: list[Decimal], pts: list[Decimal]) -> list[list[Decimal]]:
    return [[x, p] for x, p in zip(xs, pts, strict=True)]


@st.composite
def _linear(draw: st.DrawFn, basis: str) -> dict[str, Any]:
    curve: dict[str, Any] = {"type": "linear"}
    if basis == "attainment":  # x around 1: floor up to 1.00, cap up to 2.00
        multipliers = [Decimal(100), Decimal(120), Decimal(80), Decimal("87.5")]
        places, floor_high, cap_high = 2, 100, 200
    else:  # x is the actual: floor up to 100.0, cap up to 200.0
        multipliers = [Decimal(1), Decimal("0.5"), Decimal(100)]
        places, floor_high, cap_high = 1, 1000, 2000
    if draw(st.booleans()):
        curve["multiplier"] = draw(st.sampled_from(multipliers))
    floor_units = 0
    if draw(st.booleans()):
        floor_units = draw(st.integers(0, floor_high))
        curve["floor"] = _dec(floor_units, places)
    if draw(st.booleans()):  # floor <= cap, equal allowed
        curve["cap"] = _dec(draw(st.integers(max(floor_units, 1), cap_high)), places)
    return curve


@st.composite
def _steps(draw: st.DrawFn, basis: str, falling: bool, monotone: bool) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    xs = draw(_xs(n, basis))
    pts = draw(_monotone_points(n, falling=falling))
    if not monotone:
        pts = draw(st.permutations(pts))
    curve: dict[str, Any] = {"type": "steps", "steps": _pairs(xs, pts)}
    if draw(st.booleans()):
        # SPEC §3: below is what no step reaching x gives, so never better than any step
        ceiling = pts[-1] if falling else pts[0]
        curve["below"] = (
            draw(_some_decimal(0, int(ceiling))) if monotone else _EXACT.add(ceiling, 1)
        )
    return curve


@st.composite
def _piecewise(draw: st.DrawFn, basis: str, falling: bool, monotone: bool) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    xs = draw(_xs(n, basis))
    pts = draw(_monotone_points(n, falling=falling))
    if not monotone:
        pts = draw(st.permutations(pts))
    curve: dict[str, Any] = {"type": "piecewise", "points": _pairs(xs, pts)}
    if draw(st.booleans()):
        if falling:  # below the first knot is better than it: not less than its points
            curve["below"] = _EXACT.add(pts[0], draw(_some_decimal(0, 50)))
        else:
            curve["below"] = draw(_some_decimal(0, int(pts[0])))
    return curve


@st.composite
def _scale(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(_decimals(0, 10, draw(st.integers(0, 1))))
    width = draw(_decimals(1, 100, draw(st.integers(0, 1))))
    return {"type": "scale", "min": low, "max": _EXACT.add(low, width)}


@st.composite
def _numbers_as_input(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with every Decimal inside it (nested lists and dicts) in a form a user might
    write: all Decimals, or (from one seeded choice, cheaper than a draw per number) a mix of
    Decimals, strings, ints and floats."""
    seed = draw(st.integers(0, 2**32 - 1))
    if seed == 0:
        return value
    rng = random.Random(seed)

    def convert(item: Any) -> Any:
        if isinstance(item, Decimal):
            return _as_input(rng.randrange(6), item)
        if isinstance(item, list):
            return [convert(v) for v in item]
        if isinstance(item, dict):
            return {k: convert(v) for k, v in item.items()}
        return item

    return convert(value)


@st.composite
def _line(
    draw: st.DrawFn, kpi_id: str, direction: str, weight: Decimal, allow_non_monotonic: bool
) -> dict[str, Any]:
    basis = draw(st.sampled_from(["attainment", "value"]))
    lower_value = basis == "value" and direction == "lower"
    kinds = ["steps", "piecewise"]
    if not lower_value:
        kinds.append("linear")
        if basis == "value":
            kinds.append("scale")
    kind = draw(st.sampled_from(kinds))
    monotone = not (allow_non_monotonic and kind in ("steps", "piecewise") and draw(st.booleans()))
    if kind == "linear":
        curve = draw(_linear(basis))
    elif kind == "scale":
        curve = draw(_scale())
    elif kind == "steps":
        curve = draw(_steps(basis, lower_value, monotone))
    else:
        curve = draw(_piecewise(basis, lower_value, monotone))
    line: dict[str, Any] = {"kpi": kpi_id, "weight": weight, "basis": basis, "curve": curve}
    if draw(st.booleans()):
        line["missing"] = draw(st.sampled_from(_MISSING_RULES))
    if not monotone:
        line["allow_non_monotonic"] = True
    return line


# --------------------------------------------------------------------------- policies


@st.composite
def _kpi(
    draw: st.DrawFn, kpi_id: str, earlier: list[dict[str, Any]], refs: list[str]
) -> dict[str, Any]:
    kpi: dict[str, Any] = {
        "id": kpi_id,
        "name": draw(_LABEL),
        "unit": draw(st.sampled_from(_UNITS)),
    }
    # direction and aggregation have defaults: sometimes leave them to the default
    for key, choices in (("direction", _DIRECTIONS), ("aggregation", _AGGREGATIONS)):
        if draw(st.integers(0, 3)):
            kpi[key] = draw(st.sampled_from(choices))
    if bool(refs) and draw(st.booleans()):
        kpi["measures"] = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        kpi["description"] = draw(_LABEL)
    kind = draw(st.sampled_from(["none", "none", "survey", "ratings", "team"]))
    # a team roll-up refers to an earlier KPI that is not a roll-up itself: never a cycle
    rollable = [k["id"] for k in earlier if k.get("derive", {}).get("from") != "team"]
    if kind == "survey":
        kpi["derive"] = {
            "from": "survey",
            "method": draw(st.sampled_from(["csat", "mean", "nps"])),
            "min_responses": draw(st.integers(1, 20)),
        }
    elif kind == "ratings":
        groups = draw(st.lists(st.sampled_from(_RATER_GROUPS), min_size=1, max_size=4, unique=True))
        derive: dict[str, Any] = {
            "from": "ratings",
            "groups": {g: draw(_some_decimal(1, 100)) for g in groups},
            "peer_aggregate": draw(st.sampled_from(["mean", "trimmed_mean"])),
        }
        if draw(st.booleans()):
            derive["min_raters"] = draw(st.integers(1, 5))
        else:
            chosen = draw(st.lists(st.sampled_from(groups), max_size=len(groups), unique=True))
            derive["min_raters"] = {g: draw(st.integers(1, 5)) for g in chosen}
        kpi["derive"] = derive
    elif kind == "team" and rollable:
        kpi["derive"] = {
            "from": "team",
            "kpi": draw(st.sampled_from(rollable)),
            "scope": draw(st.sampled_from(["direct", "all"])),
        }
    return kpi


@st.composite
def _grades(draw: st.DrawFn, grade_ids: list[str]) -> list[dict[str, Any]]:
    n = len(grade_ids)
    mins = sorted(draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n, unique=True)))[::-1]
    if draw(st.booleans()):
        mins[-1] = 0  # the usual last band; still strictly below the one before it
    coefficients: list[Decimal] | None = None
    if draw(st.integers(0, 3)):
        raw = sorted(draw(st.lists(st.integers(0, 200), min_size=n, max_size=n, unique=True)))
        coefficients = [_dec(c, 2) for c in raw[::-1]]
    grades: list[dict[str, Any]] = []
    for i, gid in enumerate(grade_ids):
        grade: dict[str, Any] = {"id": gid, "min": _dec(mins[i], 1)}
        if coefficients is not None:
            grade["coefficient"] = coefficients[i]
        if draw(st.booleans()):
            grade["name"] = draw(_LABEL)
        grades.append(grade)
    return grades


@st.composite
def _consequences(draw: st.DrawFn, grade_ids: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for severity in SEVERITIES:
        if not draw(st.booleans()):
            continue
        consequence: dict[str, Any] = {}
        if draw(st.booleans()):
            consequence["deduct"] = draw(_some_decimal(0, 20))
        if draw(st.booleans()):
            consequence["grade_cap"] = draw(st.sampled_from(grade_ids))
        if draw(st.integers(0, 3)) == 0:
            consequence["veto"] = True
        out[severity] = consequence
    return out


@st.composite
def _scorecard(
    draw: st.DrawFn,
    role: str,
    kpis: list[dict[str, Any]],
    max_sections: int,
    max_lines: int,
    allow_non_monotonic: bool,
) -> dict[str, Any]:
    chosen = draw(
        st.lists(
            st.sampled_from(kpis),
            min_size=1,
            max_size=min(len(kpis), max_lines),
            unique_by=lambda k: k["id"],
        )
    )
    n_sections = draw(st.integers(1, min(max_sections, len(chosen))))
    flat = n_sections == 1 and draw(st.booleans())
    cuts: list[int] = []
    if n_sections > 1:
        cuts = draw(
            st.lists(
                st.integers(1, len(chosen) - 1),
                min_size=n_sections - 1,
                max_size=n_sections - 1,
                unique=True,
            )
        )
    bounds = [0, *sorted(cuts), len(chosen)]
    groups = [chosen[a:b] for a, b in itertools.pairwise(bounds)]
    sections: list[dict[str, Any]] = []
    section_ids = draw(_unique_ids(len(groups), len(groups)))
    section_weights = draw(_partition(len(groups)))
    for sid, sweight, group in zip(section_ids, section_weights, groups, strict=True):
        weights = draw(_partition(len(group)))
        lines = [
            draw(_line(k["id"], k.get("direction", "higher"), w, allow_non_monotonic))
            for k, w in zip(group, weights, strict=True)
        ]
        section: dict[str, Any] = {"id": sid, "weight": sweight, "lines": lines}
        if draw(st.integers(0, 3)) == 0:  # weights = "equal": exactly 100/n each (SPEC §15)
            section["weights"] = "equal"
            for line in lines:
                del line["weight"]
        if draw(st.booleans()):
            section["name"] = draw(_LABEL)
        sections.append(section)
    if flat:
        card: dict[str, Any] = {"role": role, "lines": sections[0]["lines"]}
        if "weights" in sections[0]:
            card["weights"] = "equal"
        return card
    if draw(st.integers(0, 3)) == 0:
        for section in sections:
            del section["weight"]
        return {"role": role, "section_weights": "equal", "sections": sections}
    return {"role": role, "sections": sections}


@st.composite
def _policy_documents(
    draw: st.DrawFn,
    max_roles: int,
    max_kpis: int,
    max_grades: int,
    max_rules: int,
    max_sections: int,
    max_lines: int,
    allow_non_monotonic: bool,
) -> dict[str, Any]:
    dept_resps = draw(_unique_ids(0, 3))
    role_ids = draw(_unique_ids(1, max_roles))
    roles, role_refs = _draw_roles(draw, role_ids)
    grade_ids = draw(_unique_ids(1, max_grades))
    grades = draw(_grades(grade_ids))
    rule_ids = draw(_unique_ids(0, max_rules))
    rules = _draw_rules(draw, rule_ids, grade_ids)
    refs = dept_resps + role_refs + rule_ids
    kpis: list[dict[str, Any]] = []
    for kid in draw(_unique_ids(1, max_kpis)):
        kpis.append(draw(_kpi(kid, kpis, refs)))

    department: dict[str, Any] = {"id": draw(_ids), "name": draw(_LABEL)}
    if bool(dept_resps) or draw(st.booleans()):
        department["responsibilities"] = [{"id": r, "name": draw(_LABEL)} for r in dept_resps]

    doc: dict[str, Any] = {
        "id": draw(_ids),
        "version": draw(st.sampled_from(["1", "2026.1", "v2"])),
        "name": draw(_LABEL),
        "department": department,
        "roles": roles,
        "kpis": kpis,
        "grades": grades,
        "scorecards": [
            draw(_scorecard(rid, kpis, max_sections, max_lines, allow_non_monotonic))
            for rid in role_ids
        ],
    }
    if bool(rules) or draw(st.booleans()):
        doc["conduct_rules"] = rules
    if draw(st.booleans()):
        doc["format"] = "medsales.policy/1"
    _draw_settings(draw, doc)
    if draw(st.integers(0, 2)) == 0:
        doc["distribution"] = _draw_distribution(draw, grade_ids)
    if draw(st.integers(0, 3)) == 0:
        doc["examples"] = [_draw_example(draw, doc["scorecards"][0], grade_ids, rule_ids)]
    result: dict[str, Any] = draw(_numbers_as_input(doc))
    return result


def _draw_roles(draw: st.DrawFn, role_ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Roles with optional responsibilities, and the ``role.responsibility`` references."""
    roles: list[dict[str, Any]] = []
    role_refs: list[str] = []
    for rid in role_ids:
        role: dict[str, Any] = {"id": rid, "name": draw(_LABEL)}
        resps = draw(_unique_ids(0, 3))
        if bool(resps) or draw(st.booleans()):
            role["responsibilities"] = [{"id": r, "name": draw(_LABEL)} for r in resps]
        role_refs += [f"{rid}.{r}" for r in resps]
        roles.append(role)
    return roles, role_refs


def _draw_rules(draw: st.DrawFn, rule_ids: list[str], grade_ids: list[str]) -> list[dict[str, Any]]:
    """Conduct rules, most with consequences."""
    rules = []
    for rid in rule_ids:
        rule: dict[str, Any] = {"id": rid, "name": draw(_LABEL)}
        if draw(st.integers(0, 4)):
            rule["consequences"] = draw(_consequences(grade_ids))
        rules.append(rule)
    return rules


def _draw_settings(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    """Each optional top-level setting, present or not."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "description": _LABEL,
        "currency": st.sampled_from(["CNY", "USD", "EUR", "HKD"]),
        "score_places": st.integers(0, 4),
        "rounding": st.sampled_from(_ROUNDING),
        "missing": st.sampled_from(_MISSING_RULES),
        "max_deduction": _some_decimal(0, 50),
        "max_score": _some_decimal(1, 150),
        "fiscal_year_start": st.integers(1, 12),
        "fiscal_year_named_by": st.sampled_from(["end", "start"]),
        "proration": st.sampled_from(["days", "months"]),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            doc[key] = draw(strategy)


def _draw_distribution(draw: st.DrawFn, grade_ids: list[str]) -> dict[str, Any]:
    """A forced distribution in ``cap`` or ``exact`` mode whose shares add up."""
    exact = draw(st.booleans())
    listed = (
        grade_ids
        if exact
        else draw(
            st.lists(st.sampled_from(grade_ids), min_size=1, max_size=len(grade_ids), unique=True)
        )
    )
    shares = draw(_shares(len(listed), exact=exact))
    distribution: dict[str, Any] = {
        "mode": "exact" if exact else "cap",
        "shares": dict(zip(listed, shares, strict=True)),
    }
    if draw(st.booleans()):
        distribution["ties"] = draw(st.sampled_from(["favor_higher", "favor_lower"]))
    return distribution


def _draw_example(
    draw: st.DrawFn, card: dict[str, Any], grade_ids: list[str], rule_ids: list[str]
) -> dict[str, Any]:
    """A golden example for the first scorecard (its expectation need not hold)."""
    lines = card.get("lines") or [ln for s in card["sections"] for ln in s["lines"]]
    example: dict[str, Any] = {
        "name": draw(_texts),
        "role": card["role"],
        "measurements": {
            ln["kpi"]: {"actual": draw(_some_decimal(0, 100)), "target": Decimal(100)}
            for ln in lines
            if ln["curve"]["type"] != "scale"
        },
        "expect": {"grade": draw(st.sampled_from(grade_ids))},
    }
    if rule_ids:
        example["incidents"] = [
            {
                "rule": draw(st.sampled_from(rule_ids)),
                "severity": draw(st.sampled_from(SEVERITIES)),
            }
        ]
    return example


def policy_documents(
    *,
    max_roles: int = 3,
    max_kpis: int = 8,
    max_grades: int = 5,
    max_rules: int = 3,
    max_sections: int = 3,
    max_lines: int = 6,
    allow_non_monotonic: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Plain policy documents (what a user writes in TOML or JSON) that load without error.

    Ids are random; labels have ``en`` and sometimes ``zh-Hans`` and ``zh-Hant``; numbers
    appear as Decimals, strings, ints or floats, as a user might write them. Weights are
    integer or 0.5-step partitions of exactly 100. Every curve is non-decreasing in
    "better" unless ``allow_non_monotonic`` is set, in which case some steps and piecewise
    curves fall and their lines say ``allow_non_monotonic = true``.
    """
    for name, value in (
        ("max_roles", max_roles),
        ("max_kpis", max_kpis),
        ("max_grades", max_grades),
        ("max_sections", max_sections),
        ("max_lines", max_lines),
    ):
        if value < 1:
            raise InvalidArgument(f"{name}={value} must be at least 1")
    if max_rules < 0:
        raise InvalidArgument(f"max_rules={max_rules} must not be negative")
    return _policy_documents(
        max_roles,
        max_kpis,
        max_grades,
        max_rules,
        max_sections,
        max_lines,
        allow_non_monotonic,
    )


def policies(
    *,
    max_roles: int = 3,
    max_kpis: int = 8,
    max_grades: int = 5,
    max_rules: int = 3,
    max_sections: int = 3,
    max_lines: int = 6,
    allow_non_monotonic: bool = False,
) -> st.SearchStrategy[Policy]:
    """Valid policies: :func:`policy_documents` loaded by :func:`medsales.load_policy`, so
    they are validated exactly as a user's document is."""
    return policy_documents(
        max_roles=max_roles,
        max_kpis=max_kpis,
        max_grades=max_grades,
        max_rules=max_rules,
        max_sections=max_sections,
        max_lines=max_lines,
        allow_non_monotonic=allow_non_monotonic,
    ).map(load_policy)


# --------------------------------------------------------------------------- inputs


def _value_range(line: Line) -> tuple[Decimal, Decimal]:
    """A range of actuals worth trying for a line read on basis ``value``."""
    curve = line.curve
    if isinstance(curve, ScaleCurve):
        return curve.min, curve.max
    if isinstance(curve, LinearCurve):
        known = [v for v in (curve.floor, curve.cap) if v is not None]
        high = max([*known, Decimal(100)])
        return Decimal(0), _EXACT.multiply(high, 2)
    xs = [x for x, _ in (curve.steps if isinstance(curve, StepsCurve) else curve.points)]
    low, high = min(xs), max(xs)
    margin = max(_EXACT.divide(_EXACT.subtract(high, low), 2), Decimal(1))
    return max(Decimal(0), _EXACT.subtract(low, margin)), _EXACT.add(high, margin)


@st.composite
def _between(draw: st.DrawFn, low: Decimal, high: Decimal) -> Decimal:
    """A decimal with at most 2 decimals in [low, high] (or a bound, if there is none)."""
    places = draw(st.integers(0, 2))
    scale = Decimal(10) ** places
    lo = int(_EXACT.multiply(low, scale).to_integral_value(rounding=decimal.ROUND_CEILING))
    hi = int(_EXACT.multiply(high, scale).to_integral_value(rounding=decimal.ROUND_FLOOR))
    if lo > hi:  # no number with so few decimals in a narrow range: take a bound
        return draw(st.sampled_from([low, high]))
    return _dec(draw(st.integers(lo, hi)), places)


@st.composite
def _measurement(draw: st.DrawFn, line: Line, kpi: KPI) -> dict[str, Any]:
    if draw(st.integers(0, 11)) == 0:
        out: dict[str, Any] = {"applicable": False}
        if draw(st.booleans()):
            out["actual"] = draw(_some_decimal(0, 100))
        result: dict[str, Any] = draw(_numbers_as_input(out))
        return result
    m: dict[str, Any] = {}
    if line.basis == "attainment":
        target = draw(_between(Decimal("0.01"), Decimal(1_000_000)))
        ratio = draw(_between(Decimal(0), Decimal(3)))  # beyond 2: a lower KPI floors at 0
        m["target"] = target
        m["actual"] = _EXACT.multiply(target, ratio)
    else:
        low, high = _value_range(line)
        m["actual"] = draw(_between(low, high))
        if draw(st.integers(0, 3)) == 0:
            m["target"] = draw(_between(Decimal("0.01"), Decimal(1000)))
    if kpi.aggregation == "weighted_mean" and draw(st.booleans()):
        m["weight"] = draw(_between(Decimal("0.01"), Decimal(100)))
    if draw(st.integers(0, 4)) == 0:
        m["applicable"] = True
    converted: dict[str, Any] = draw(_numbers_as_input(m))
    return converted


@st.composite
def _measurements(
    draw: st.DrawFn, policy: Policy, role: str, allow_missing: bool
) -> dict[str, dict[str, Any]]:
    card = policy.scorecard(role)
    out: dict[str, dict[str, Any]] = {}
    for section in card.effective_sections:
        for line in section.lines:
            rule = line.missing or policy.missing
            if allow_missing and rule != "error" and draw(st.integers(0, 5)) == 0:
                continue
            out[line.kpi] = draw(_measurement(line, policy.kpi(line.kpi)))
    return out


def measurements(
    policy: Policy, role: str, *, allow_missing: bool = True
) -> st.SearchStrategy[dict[str, dict[str, Any]]]:
    """Measurements for every line of ``role``'s scorecard that :func:`medsales.appraise`
    accepts: targets > 0 on attainment lines, ratings within a scale's [min, max].

    Some are ``applicable = false``; with ``allow_missing`` some lines get no measurement at
    all (never one whose ``missing`` rule is ``error``).
    """
    policy.scorecard(role)  # fail now, with medsales' error, for an unknown role
    return _measurements(policy, role, allow_missing)


_DATES: Final = st.dates(datetime.date(2024, 1, 1), datetime.date(2028, 12, 31))


@st.composite
def _incident(draw: st.DrawFn, rules: list[str]) -> dict[str, Any]:
    incident: dict[str, Any] = {
        "rule": draw(st.sampled_from(rules)),
        "severity": draw(st.sampled_from(SEVERITIES)),
    }
    if draw(st.booleans()):
        date = draw(_DATES)
        incident["date"] = date if draw(st.booleans()) else date.isoformat()
    if draw(st.booleans()):
        incident["note"] = draw(_texts)
    return incident


def incidents(policy: Policy, *, max_size: int = 4) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Conduct incidents for the policy's rules, of any severity, some dated, some noted."""
    rules = [r.id for r in policy.conduct_rules]
    if not rules:
        return st.just([])
    return st.lists(_incident(rules), max_size=max_size)


# --------------------------------------------------------------------------- invariants


def assert_policy_invariants(
    policy: Policy, *, max_examples: int = 50, roles: Iterable[str] | None = None
) -> None:
    """Check a policy against the properties the engine guarantees, with generated inputs.

    For every role's scorecard (or those in ``roles``), over measurements and incidents
    drawn by :func:`measurements` and :func:`incidents`: effective weights total 100 (or
    the appraisal is incomplete, with no score and no grade); the raw score is the sum of
    the contributions; the score is at least 0 and at most ``max_score`` (or the
    scorecard's highest achievable score); the grade and coefficient belong together;
    raising the actual of a higher-is-better KPI never lowers the score (lines that
    allow non-monotonic curves excepted); input order and the caller's decimal context
    never change the document. Golden ``[[examples]]`` must reproduce. The first failure
    raises :class:`AssertionError` naming the role and the property, with hypothesis's
    smallest failing example.
    """
    from medsales.analysis.check import check_policy

    golden = [f for f in check_policy(policy) if f.code.startswith("example")]
    if any(f.severity == "error" for f in golden):
        raise AssertionError("golden examples do not reproduce:\n" + "\n".join(map(str, golden)))
    wanted = list(roles) if roles is not None else [c.role for c in policy.scorecards]
    for role in wanted:
        _role_invariants(policy, role, max_examples)


def _role_invariants(policy: Policy, role: str, max_examples: int) -> None:
    """The properties of :func:`assert_policy_invariants` for one role's scorecard."""
    from hypothesis import HealthCheck, given, settings

    from medsales.analysis.check import score_bounds
    from medsales.engine.appraise import appraise

    card = policy.scorecard(role)
    bound = score_bounds(policy, role).high
    limit = policy.max_score if policy.max_score is not None else bound
    ceilings = {
        line.kpi: line.curve.max
        for section in card.effective_sections
        for line in section.lines
        if isinstance(line.curve, ScaleCurve)
    }
    monotone = {
        line.kpi
        for section in card.effective_sections
        for line in section.lines
        if not line.allow_non_monotonic and policy.kpi(line.kpi).direction == "higher"
    }
    where = f"role {role!r}"

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        given_measurements=measurements(policy, role),
        given_incidents=incidents(policy),
        bump=st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2),
    )
    def check(
        given_measurements: dict[str, dict[str, Any]],
        given_incidents: list[dict[str, Any]],
        bump: Decimal,
    ) -> None:  # called at once below, so the loop's variables are this role's
        a = appraise(policy, role=role, measurements=given_measurements, incidents=given_incidents)
        _assert_result(policy, a, where, limit)
        reordered = appraise(
            policy,
            role=role,
            measurements=dict(reversed(list(given_measurements.items()))),
            incidents=list(reversed(given_incidents)),
        )
        assert reordered.to_json() == a.to_json(), f"{where}: input order changed the result"
        with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR)):
            narrow = appraise(
                policy, role=role, measurements=given_measurements, incidents=given_incidents
            )
        assert narrow.to_json() == a.to_json(), f"{where}: the decimal context changed it"
        for line in a.lines:
            if line.kpi not in monotone or line.status != "scored":
                continue
            raised = dict(given_measurements)
            old = dict(raised[line.kpi])
            higher = Decimal(str(line.actual)) + bump
            scale = ceilings.get(line.kpi)
            old["actual"] = higher if scale is None else min(higher, scale)
            raised[line.kpi] = old
            after = appraise(policy, role=role, measurements=raised, incidents=given_incidents)
            assert after.exact_score is not None
            assert a.exact_score is not None
            assert after.exact_score >= a.exact_score, (
                f"{where}: raising {line.kpi} by {bump} lowered the score from "
                f"{a.score} to {after.score}"
            )

    check()


def _assert_result(policy: Policy, a: Appraisal, where: str, limit: Any) -> None:
    """Weights total 100, contributions add up, the score lies within its bounds, and the
    grade and coefficient belong together; an incomplete appraisal has neither."""
    if not a.complete:
        assert (a.score, a.grade) == (None, None), f"{where}: incomplete with a score"
        return
    total = sum(line.effective_weight for line in a.lines)
    assert total == 100, f"{where}: effective weights total {total}, not 100"
    assert a.raw_score == sum(line.contribution for line in a.lines), (
        f"{where}: the raw score is not the sum of the contributions"
    )
    assert a.score is not None
    assert a.score >= 0, f"{where}: score {a.score} below 0"
    if limit is not None:  # the exact score: rounding may pass an exact bound
        assert a.exact_score is not None
        assert a.exact_score <= limit, (
            f"{where}: score {a.score} (exactly {a.exact_score}) above {limit}"
        )
    assert a.grade is not None
    assert a.grade in policy.grades_by_id, f"{where}: unknown grade {a.grade}"
    assert a.coefficient == policy.grades_by_id[a.grade].coefficient, (
        f"{where}: coefficient {a.coefficient} is not grade {a.grade}'s"
    )
