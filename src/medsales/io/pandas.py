"""pandas DataFrames in and out (the optional extra ``medsales[pandas]``).

:func:`appraise_frames` appraises a department from DataFrames with the columns of the
CSV files of SPEC §10; :func:`summary_frame` and :func:`breakdown_frame` turn a
:class:`~medsales.CohortResult` into DataFrames for analysis: one row per appraisal, one
row per scorecard line.

Numbers stay exact on the way in: text and :class:`~decimal.Decimal` cells are read as
written and never pass through a float. A float cell (a ``float64`` column, as
``pandas.read_csv`` makes without ``dtype=str``) is converted through its shortest
``repr``, as :func:`medsales.to_decimal` does: ``0.1`` is ``Decimal("0.1")``. Read files
with ``dtype=str`` to keep every digit as written.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

try:
    import numpy as np  # a dependency of pandas
    import pandas as pd
except ImportError as exc:
    raise ImportError(
        "medsales.io.pandas needs pandas, an optional extra: pip install 'medsales[pandas]'"
    ) from exc

from medsales.cohort.appraise import CohortResult, appraise_cohort
from medsales.engine.results import Appraisal, LineResult
from medsales.errors import DataFileError, InputError, Problem
from medsales.io import records
from medsales.io.cells import RATINGS_COLUMNS, SURVEYS_COLUMNS
from medsales.io.sources import CellError, RawTable, text_of
from medsales.numbers import display
from medsales.periods import Period
from medsales.policy.models import Policy

__all__ = [
    "BREAKDOWN_COLUMNS",
    "SUMMARY_COLUMNS",
    "appraise_frames",
    "breakdown_frame",
    "summary_frame",
]

SUMMARY_COLUMNS: Final = (
    "employee_id",
    "name",
    "team",
    "role",
    "period",
    "score",
    "grade",
    "coefficient",
    "complete",
    "vetoed",
    "grade_from_score",
    "grade_before_distribution",
    "raw_score",
    "deductions",
    "deduction_applied",
)
"""The columns of :func:`summary_frame`, in order."""

BREAKDOWN_COLUMNS: Final = (
    "employee_id",
    "role",
    "segment",
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
)
"""The columns of :func:`breakdown_frame`, in order."""

_SUMMARY_NUMBERS: Final = frozenset(
    {"score", "coefficient", "raw_score", "deductions", "deduction_applied"}
)
_BREAKDOWN_NUMBERS: Final = frozenset(
    {
        "actual",
        "target",
        "x",
        "points",
        "weight",
        "section_weight",
        "effective_weight",
        "contribution",
    }
)


_DATES: Final = frozenset({"active_from", "active_to", "date"})
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "employees": ("employee_id", "role"),
    "measurements": ("employee_id", "period", "kpi"),
    "incidents": ("employee_id", "rule", "severity"),
    "ratings": RATINGS_COLUMNS,
    "surveys": SURVEYS_COLUMNS,
}
"""The columns a frame must have: those without which no row can be a record."""


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False


def _cell(value: object, *, dates: bool) -> str:
    """A frame cell as the text a CSV cell would hold (``CellError`` when it has none)."""
    if _missing(value):
        return ""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.bool_ | np.integer):
        value = value.item()
    elif isinstance(value, float):
        value = float(value)  # float64 included
    elif isinstance(value, np.floating):
        value = Decimal(str(value))  # float32 and float16: their own shortest repr
    if dates and not isinstance(value, str | dt.date):
        raise CellError(f"{value!r} is not a date")
    return text_of(value, dates=dates)


def _table(frame: object, name: str) -> RawTable:
    """A frame as a raw table: its columns, and its rows by position from 0."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{name} must be a pandas DataFrame, not {type(frame).__name__}",
            path=name,
            value=type(frame).__name__,
            expected="a DataFrame with the columns of the CSV file",
        )
    table = RawTable(name, [str(c) for c in frame.columns], -1, iter(()), frame=True)
    columns = [frame.iloc[:, j].to_numpy() for j in range(frame.shape[1])]
    dates = [str(c) in _DATES for c in frame.columns]
    header = table.header or []

    def rows() -> Iterator[tuple[int, list[str]]]:
        for i in range(len(frame)):
            cells: list[str] = []
            for j, values in enumerate(columns):
                try:
                    cells.append(_cell(values[i], dates=dates[j]))
                except CellError as exc:
                    table.problems.append(
                        Problem(str(exc), path=f"{name}[{i}].{header[j]}", value=values[i])
                    )
                    table.bad_cells.add((i, j))
                    cells.append("")
            yield i, cells

    table.rows = rows()
    return table


def _records(
    policy: Policy,
    frames: Mapping[str, object],
) -> dict[str, Any]:
    """Every frame's records, every problem of every frame in one error."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}

    def read(kind: str, reader: Callable[..., Any], *args: Any) -> Any:
        frame = frames.get(kind)
        if frame is None:
            return []
        try:
            found = reader(_table(frame, kind), policy, *args, required=_REQUIRED[kind])
        except DataFileError as exc:
            problems.extend(exc.problems)
            return []
        return getattr(found, "records", found)

    out["employees"] = read("employees", records.employees_of)
    ids = {e.employee_id for e in out["employees"]} if out["employees"] else None
    out["measurements"] = read("measurements", records.measurements_of, ids)
    out["incidents"] = read("incidents", records.incidents_of, ids)
    out["ratings"] = read("ratings", records.ratings_of, ids)
    out["surveys"] = read("surveys", records.surveys_of, ids)
    if problems:
        first = problems[0]
        noun = "problem" if len(problems) == 1 else "problems"
        raise InputError(
            first.message if len(problems) == 1 else f"{len(problems)} {noun} in the frames",
            path=first.path,
            value=first.value,
            problems=problems,
        )
    return out


def appraise_frames(
    policy: Policy,
    *,
    employees: pd.DataFrame,
    measurements: pd.DataFrame,
    period: Period | str,
    incidents: pd.DataFrame | None = None,
    ratings: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    distribution: bool = True,
) -> CohortResult:
    """Appraise a department from DataFrames, as :func:`medsales.appraise_cohort` does.

    Each frame has the columns of its CSV file (SPEC §10; see ``docs/data-files.md``),
    by their English or Chinese names; optional columns may be left out, an unknown column
    is an error. Cells are checked as the CSV readers check them, and every problem of
    every frame is listed in one :class:`~medsales.InputError` (``problems``; ``path`` is
    the first one's). Empty cells (``NaN``, ``None``, ``NA``, ``NaT``, empty text) are
    absent. Numbers are exact: text and Decimal cells are read as written; a float cell
    goes through its shortest ``repr`` (``0.1`` → ``Decimal("0.1")``,
    :func:`medsales.to_decimal`), so read CSV files with ``dtype=str`` to keep every
    digit. Dates may be ``datetime64`` values at midnight, :class:`datetime.date` objects
    or text (``2026-10-01``, ``2026/10/1``, ``2026年10月1日``). Ids that pandas read as
    numbers are written out in digits. The index is ignored; error paths such as
    ``measurements[12].actual`` count rows from 0 in the frame's order.
    """
    found = _records(
        policy,
        {
            "employees": employees,
            "measurements": measurements,
            "incidents": incidents,
            "ratings": ratings,
            "surveys": surveys,
        },
    )
    return appraise_cohort(policy, period=period, distribution=distribution, **found)


# --------------------------------------------------------------------------- frames out


def _shown(value: Fraction | Decimal | None) -> Decimal | None:
    """A number as the JSON document shows it: exact to 10 decimals, else rounded."""
    return None if value is None else display(value)


def _float(value: object) -> float:
    if isinstance(value, Decimal | Fraction):
        return float(value)
    return math.nan  # an incomplete appraisal has no score


def _frame(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    numbers: frozenset[str],
    *,
    exact: bool,
    booleans: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    data: dict[str, pd.Series[Any]] = {}
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        if column in numbers:
            if exact:
                data[column] = pd.Series(values, dtype=object)
            else:
                data[column] = pd.Series([_float(v) for v in values], dtype="float64")
        elif column in booleans:
            data[column] = pd.Series(values, dtype=bool)
        else:
            data[column] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=list(columns))


def summary_frame(cohort: CohortResult, *, exact: bool = True) -> pd.DataFrame:
    """One row per appraisal, in the cohort's order (by employee id): the columns of
    :data:`SUMMARY_COLUMNS`.

    ``team`` is the employee's manager id (``None`` at the top of the organisation), as
    :meth:`~medsales.CohortResult.team_of` says. With ``exact=True`` (the default) the
    number columns hold :class:`~decimal.Decimal` objects (dtype ``object``): ``score``
    exactly as rounded, the others as the JSON document shows them (exact, or rounded
    half even to 10 decimals when they do not terminate). With ``exact=False`` they are
    ``float64``, for statistics and plots; an incomplete appraisal has ``NaN`` there.
    """
    rows: list[list[object]] = []
    for a in cohort.appraisals:
        eid = a.employee_id or ""
        rows.append(
            [
                a.employee_id,
                cohort.names.get(eid, ""),
                cohort.team_of(eid),
                a.role,
                cohort.period.label,
                a.score,
                a.grade,
                _shown(a.coefficient),
                a.complete,
                a.vetoed,
                a.grade_from_score,
                a.grade_before_distribution,
                _shown(a.raw_score),
                _shown(a.deductions),
                _shown(a.deduction_applied),
            ]
        )
    return _frame(
        SUMMARY_COLUMNS,
        rows,
        _SUMMARY_NUMBERS,
        exact=exact,
        booleans=frozenset({"complete", "vetoed"}),
    )


def _line_row(a: Appraisal, role: str, segment: str | None, line: LineResult) -> list[object]:
    return [
        a.employee_id,
        role,
        segment,
        line.section,
        line.kpi,
        line.status,
        _shown(line.actual),
        _shown(line.target),
        _shown(line.x),
        _shown(line.points),
        _shown(line.weight),
        _shown(line.section_weight),
        _shown(line.effective_weight),
        _shown(line.contribution),
    ]


def breakdown_frame(cohort: CohortResult, *, exact: bool = True) -> pd.DataFrame:
    """One row per scorecard line of every appraisal: the columns of
    :data:`BREAKDOWN_COLUMNS`.

    Lines that dropped out are listed with ``effective_weight`` and ``contribution`` 0,
    as in the JSON document; ``status`` says why. An employee who changed role within the
    period has the lines of each role segment, ``segment`` naming its dates
    (``2026-07-01/2026-09-15``; ``None`` otherwise), their contributions adding up to the
    segment's raw score. Numbers as in :func:`summary_frame`: ``Decimal`` objects with
    ``exact=True``, ``float64`` with ``exact=False``.
    """
    rows: list[list[object]] = []
    for a in cohort.appraisals:
        if a.segments:
            for s in a.segments:
                label = f"{s.start.isoformat()}/{s.end.isoformat()}"
                rows.extend(_line_row(a, s.role, label, line) for line in s.appraisal.lines)
        else:
            rows.extend(_line_row(a, a.role, None, line) for line in a.lines)
    return _frame(BREAKDOWN_COLUMNS, rows, _BREAKDOWN_NUMBERS, exact=exact)
