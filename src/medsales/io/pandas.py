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
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Final

try:
    import numpy as np  # a dependency of pandas
    import pandas as pd
except ImportError as exc:
    raise ImportError(
        "medsales.io.pandas needs pandas, an optional extra: pip install 'medsales[pandas]'"
    ) from exc

from medsales.cohort.appraise import CohortResult, Unscored, appraise_cohort
from medsales.cohort.history import History
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
    "HISTORY_COLUMNS",
    "NOT_APPRAISED_COLUMNS",
    "ROLLUP_COLUMNS",
    "SUMMARY_COLUMNS",
    "ExactFrame",
    "ExactSeries",
    "appraise_frames",
    "breakdown_frame",
    "demo_frames",
    "history_frame",
    "not_appraised_frame",
    "rollup_frame",
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
    "section_points",
    "effective_weight",
    "contribution",
)
"""The columns of :func:`breakdown_frame`, in order (``section_points``: the points of the
line's section, the weighted mean of its remaining lines' points, SPEC §15)."""

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
        "section_points",
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
    "goals": ("goal_id", "employee_id", "period"),
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
    out["goals"] = read("goals", records.goals_of, ids)
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
    goals: pd.DataFrame | None = None,
    distribution: bool = True,
    unscored: Unscored = "error",
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
            "goals": goals,
        },
    )
    return appraise_cohort(
        policy, period=period, distribution=distribution, unscored=unscored, **found
    )


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
    grades: Sequence[str] = (),
) -> ExactFrame:
    data: dict[str, pd.Series[Any]] = {}
    order = pd.CategoricalDtype(list(grades), ordered=True)
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        if column in numbers:
            if exact:
                data[column] = pd.Series(values, dtype=object)
            else:
                data[column] = pd.Series([_float(v) for v in values], dtype="float64")
        elif column in booleans:
            data[column] = pd.Series(values, dtype=bool)
        elif column in _GRADE_COLUMNS and grades:
            data[column] = pd.Series(values, dtype=order)
        else:
            data[column] = pd.Series(values, dtype=object)
    return ExactFrame(data, columns=list(columns))


_GRADE_COLUMNS: Final = frozenset({"grade", "grade_from_score", "grade_before_distribution"})


def _decimals(series: pd.Series[Any]) -> list[Decimal] | None:
    """The values of an exact number column, or None if it is not one."""
    if series.dtype != object:
        return None
    values = [v for v in series if v is not None and not (isinstance(v, float) and v != v)]
    if not values or not all(isinstance(v, Decimal) for v in values):
        return None
    return values


def _quantile(ordered: Sequence[Fraction], q: Fraction) -> Fraction:
    """pandas' default (linear) quantile, exactly."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _exact_statistics(
    values: Sequence[Decimal], name: object, percentiles: Sequence[float] | None = None
) -> ExactSeries:
    """``describe()`` of exact numbers: count, mean, sample std, min, percentiles (pandas'
    linear interpolation), max, computed with fractions and shown as the JSON documents
    show numbers."""
    ordered = sorted(Fraction(v) for v in values)
    n = len(ordered)
    mean = sum(ordered, Fraction(0)) / n
    std: Decimal | None = None
    if n > 1:
        variance = sum(((x - mean) ** 2 for x in ordered), Fraction(0)) / (n - 1)
        with localcontext() as context:
            context.prec = 34
            std = display(Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
        std = display(std)
    chosen = sorted({0.5, *(percentiles if percentiles is not None else (0.25, 0.75))})
    labels = [f"{Decimal(repr(p)) * 100:f}".rstrip("0").rstrip(".") + "%" for p in chosen]
    cuts = [display(_quantile(ordered, Fraction(repr(p)))) for p in chosen]
    stats = [n, display(mean), std, display(ordered[0]), *cuts, display(ordered[-1])]
    index = ["count", "mean", "std", "min", *labels, "max"]
    return ExactSeries(stats, index=index, dtype=object, name=name)


class ExactSeries(pd.Series):
    """A column of a result frame: a pandas Series whose :meth:`describe` gives exact
    statistics when it holds :class:`~decimal.Decimal` numbers."""

    @property
    def _constructor(self) -> type[ExactSeries]:
        return ExactSeries

    @property
    def _constructor_expanddim(self) -> type[ExactFrame]:
        return ExactFrame

    def describe(  # type: ignore[misc,override]
        self, percentiles: list[float] | None = None, **kwargs: Any
    ) -> Any:
        """Statistics: for exact numbers (Decimal objects) count, mean, std, min,
        percentiles and max as Decimals; otherwise what pandas gives."""
        values = None if kwargs else _decimals(self)
        if values is None:
            return super().describe(percentiles=percentiles, **kwargs)
        return _exact_statistics(values, self.name, percentiles)


class ExactFrame(pd.DataFrame):
    """A result frame: a pandas DataFrame whose exact number columns hold
    :class:`~decimal.Decimal` objects and whose :meth:`describe` treats them as numbers."""

    @property
    def _constructor(self) -> type[ExactFrame]:
        return ExactFrame

    @property
    def _constructor_sliced(self) -> type[ExactSeries]:
        return ExactSeries

    def describe(  # type: ignore[misc,override]
        self, percentiles: list[float] | None = None, **kwargs: Any
    ) -> Any:
        """Statistics of the number columns, as pandas gives them, with the exact number
        columns (Decimal objects) among them, described exactly."""
        if kwargs:  # include= or exclude=: pandas' own choice of columns
            return super().describe(percentiles=percentiles, **kwargs)
        described: dict[str, pd.Series[Any]] = {}
        for column in self.columns:
            series = self[column]
            values = _decimals(series)
            if values is not None:
                described[column] = _exact_statistics(values, column, percentiles)
            elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                described[column] = series.describe(percentiles=percentiles)
        if not any(_decimals(self[c]) is not None for c in described):
            return super().describe(percentiles=percentiles)
        return ExactFrame(described, dtype=object)


def summary_rows(cohort: CohortResult) -> list[list[object]]:
    """One row per appraisal, the cells of :data:`SUMMARY_COLUMNS` in order: the values
    the summary frame and a partition's summary (``medsales.io.partition``) both show."""
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
    return rows


def summary_frame(cohort: CohortResult, *, exact: bool = True) -> ExactFrame:
    """One row per appraisal, in the cohort's order (by employee id): the columns of
    :data:`SUMMARY_COLUMNS`.

    ``team`` is the employee's manager id (``None`` at the top of the organisation), as
    :meth:`~medsales.CohortResult.team_of` says. With ``exact=True`` (the default) the
    number columns hold :class:`~decimal.Decimal` objects (dtype ``object``): ``score``
    exactly as rounded, the others as the JSON document shows them (exact, or rounded
    half even to 10 decimals when they do not terminate). With ``exact=False`` they are
    ``float64``, for plots; an incomplete appraisal has ``NaN`` there. Either way
    ``describe()`` gives statistics (exact ones for Decimal columns: see
    :class:`ExactFrame`). ``grade``, ``grade_from_score`` and ``grade_before_distribution``
    are ordered categoricals with the policy's grades best first, so sorting by grade puts
    S before A.
    """
    rows = summary_rows(cohort)
    return _frame(
        SUMMARY_COLUMNS,
        rows,
        _SUMMARY_NUMBERS,
        exact=exact,
        booleans=frozenset({"complete", "vetoed"}),
        grades=[g.id for g in cohort.policy.grades],
    )


def _line_rows(
    employee_id: str | None, a: Appraisal, role: str, segment: str | None
) -> list[list[object]]:
    points = {sec.id: sec.points for sec in a.sections}
    return [
        _line_row(employee_id, role, segment, line, points.get(line.section)) for line in a.lines
    ]


def _line_row(
    employee_id: str | None,
    role: str,
    segment: str | None,
    line: LineResult,
    section_points: Fraction | None,
) -> list[object]:
    return [
        employee_id,
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
        _shown(section_points),
        _shown(line.effective_weight),
        _shown(line.contribution),
    ]


NOT_APPRAISED_COLUMNS: Final = ("employee_id", "name", "role", "period", "code", "reason")
"""The columns of :func:`not_appraised_frame`, in order."""


def not_appraised_frame(cohort: CohortResult) -> pd.DataFrame:
    """One row per person left out of the cohort (``unscored="skip"``, SPEC §15), by
    employee id: the columns of :data:`NOT_APPRAISED_COLUMNS`."""
    rows: list[list[object]] = [
        [
            n.employee_id,
            cohort.names.get(n.employee_id, ""),
            n.role,
            cohort.period.label,
            n.code,
            n.reason,
        ]
        for n in cohort.not_appraised
    ]
    return _frame(NOT_APPRAISED_COLUMNS, rows, frozenset(), exact=True)


def breakdown_frame(cohort: CohortResult, *, exact: bool = True) -> ExactFrame:
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
                rows.extend(_line_rows(a.employee_id, s.appraisal, s.role, label))
        else:
            rows.extend(_line_rows(a.employee_id, a, a.role, None))
    return _frame(BREAKDOWN_COLUMNS, rows, _BREAKDOWN_NUMBERS, exact=exact)


HISTORY_COLUMNS: Final = (*SUMMARY_COLUMNS, "start", "end")
"""The columns of :func:`history_frame`, in order."""

ROLLUP_COLUMNS: Final = (
    "employee_id",
    "name",
    "period",
    "part",
    "part_score",
    "weight",
    "counted",
    "reason",
    "score",
    "grade",
)
"""The columns of :func:`rollup_frame`, in order."""


def history_frame(history: History, *, exact: bool = True) -> pd.DataFrame:
    """One row per employee × period (tidy), periods in order: the columns of
    :func:`summary_frame` plus each period's first and last day (``start``, ``end``)."""
    frames = []
    for cohort in history.cohorts:
        frame = summary_frame(cohort, exact=exact)
        frame["start"] = pd.Series([cohort.period.start] * len(frame), dtype=object)
        frame["end"] = pd.Series([cohort.period.end] * len(frame), dtype=object)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)[list(HISTORY_COLUMNS)]


def rollup_frame(history: History, label: str | Period, *, exact: bool = True) -> pd.DataFrame:
    """Everyone's roll-up into ``label`` (tidy): one row per employee × part period with its
    published score and weight, and the rolled-up ``score`` and ``grade`` on every row."""
    names = history.names
    rows: list[list[object]] = []
    for r in history.rollups(label):
        for part in r.parts:
            rows.append(
                [
                    r.employee_id,
                    names.get(r.employee_id, ""),
                    r.period.label,
                    part.period,
                    part.score,
                    _shown(part.weight),
                    part.counted,
                    part.reason,
                    r.score,
                    r.grade,
                ]
            )
    return _frame(
        ROLLUP_COLUMNS,
        rows,
        frozenset({"part_score", "weight", "score"}),
        exact=exact,
        booleans=frozenset({"counted"}),
    )


def demo_frames() -> dict[str, pd.DataFrame]:
    """The bundled demo department as DataFrames, read with ``dtype=str`` so every number
    stays as written: ``employees``, ``measurements``, ``incidents``, ``ratings`` and
    ``surveys``, ready for ``appraise_frames(policy, period=..., **demo_frames())``."""
    import io

    from medsales.catalog import DEMO_FILES, demo_file_text

    return {kind: pd.read_csv(io.StringIO(demo_file_text(kind)), dtype=str) for kind in DEMO_FILES}
