"""Located cells: the columns of each table, their names in Chinese, and cell checks.

The middle layer of reading. A header row becomes the table's columns (by their English
names, or the Chinese names of SPEC §19 in Simplified or Traditional script); each cell
is checked where it stands, and every failed check becomes one
:class:`~medsales.errors.Problem` in one :class:`Problems` collector, the same for CSV
files, Excel sheets and pandas frames. Roles, KPIs and conduct rules may be named by
their id or by any of their labels; dates may be ISO, ``2026/8/1`` or ``2026年8月1日``.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from medsales.errors import DataFileError, MedsalesError, Problem
from medsales.numbers import to_decimal
from medsales.periods import Period
from medsales.policy.models import Policy
from medsales.policy.records import Employee, MeasurementRow

__all__ = [
    "COLUMN_NAMES",
    "EMPLOYEES_COLUMNS",
    "FALSE_WORDS",
    "INCIDENTS_COLUMNS",
    "MAX_PROBLEMS",
    "MEASUREMENTS_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATINGS_COLUMNS",
    "SURVEYS_COLUMNS",
    "TRUE_WORDS",
    "Checker",
    "Names",
    "Problems",
    "parse_date",
]

EMPLOYEES_COLUMNS: Final = (
    "employee_id",
    "name",
    "role",
    "manager_id",
    "active_from",
    "active_to",
)
"""The columns of the employees file; all but ``employee_id`` and ``role`` may be left out."""
MEASUREMENTS_COLUMNS: Final = (
    "employee_id",
    "period",
    "kpi",
    "actual",
    "target",
    "weight",
    "applicable",
)
"""The columns of the measurements file; ``weight`` and ``applicable`` may be left out."""
INCIDENTS_COLUMNS: Final = ("employee_id", "rule", "severity", "date", "note")
"""The columns of the incidents file; ``note`` may be left out."""
RATINGS_COLUMNS: Final = ("employee_id", "period", "kpi", "rater_id", "rater_group", "rating")
"""The columns of the (360°) ratings file."""
SURVEYS_COLUMNS: Final = ("employee_id", "period", "kpi", "response")
"""The columns of the customer survey file."""
GOALS_COLUMNS: Final = (
    "goal_id",
    "employee_id",
    "period",
    "title",
    "parent_id",
    "kpi",
    "weight",
    "progress",
    "status",
)
"""The columns of the goals file (SPEC §16); all but ``goal_id``, ``employee_id`` and
``period`` may be left out."""
OPTIONAL_COLUMNS: Final[Mapping[str, frozenset[str]]] = {
    "employees": frozenset({"name", "manager_id", "active_from", "active_to"}),
    "measurements": frozenset({"weight", "applicable"}),
    "incidents": frozenset({"note"}),
    "ratings": frozenset(),
    "surveys": frozenset(),
    "goals": frozenset({"title", "parent_id", "kpi", "weight", "progress", "status"}),
}
"""Per file, the columns that the header may leave out (an absent column is an empty
cell in every row)."""
COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "employees": EMPLOYEES_COLUMNS,
    "measurements": MEASUREMENTS_COLUMNS,
    "incidents": INCIDENTS_COLUMNS,
    "ratings": RATINGS_COLUMNS,
    "surveys": SURVEYS_COLUMNS,
    "goals": GOALS_COLUMNS,
}

COLUMN_NAMES: Final[Mapping[str, tuple[str, str]]] = {
    "employee_id": ("员工编号", "員工編號"),
    "name": ("姓名", "姓名"),
    "role": ("岗位", "崗位"),
    "manager_id": ("上级编号", "上級編號"),
    "active_from": ("起始日期", "起始日期"),
    "active_to": ("结束日期", "結束日期"),
    "period": ("考核期", "考核期"),
    "kpi": ("指标", "指標"),
    "actual": ("实际值", "實際值"),
    "target": ("目标值", "目標值"),
    "weight": ("权重", "權重"),
    "applicable": ("适用", "適用"),
    "rule": ("规范", "規範"),
    "severity": ("严重程度", "嚴重程度"),
    "date": ("日期", "日期"),
    "note": ("备注", "備註"),
    "rater_id": ("评价人编号", "評價人編號"),
    "rater_group": ("评价人类别", "評價人類別"),
    "rating": ("评分", "評分"),
    "response": ("回答", "回答"),
    "goal_id": ("目标编号", "目標編號"),
    "title": ("目标名称", "目標名稱"),
    "parent_id": ("上级目标编号", "上級目標編號"),
    "progress": ("进度", "進度"),
    "status": ("状态", "狀態"),
}
"""Each column's Chinese header, Simplified and Traditional (SPEC §19)."""

_ALIASES: Final[Mapping[str, str]] = {
    alias.casefold(): column for column, names in COLUMN_NAMES.items() for alias in (column, *names)
}

TRUE_WORDS: Final = ("true", "yes", "1", "是")
FALSE_WORDS: Final = ("false", "no", "0", "否")
_BOOLEANS: Final = "true, false, yes, no, 1, 0, 是 or 否, in any case; empty means true"
_NUMBER_EXPECTED: Final = "a decimal number such as 1234.5"
_ID_EXPECTED: Final = "an id: a letter, then letters, digits, '_' or '-'"
_DATES_EXPECTED: Final = "YYYY-MM-DD, YYYY/M/D or YYYY年M月D日, e.g. 2026-07-01"
_DATE_FORMS: Final = (
    re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", re.ASCII),
)
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)
_CELL_MODEL_COLUMN: Final[Mapping[type[BaseModel], str]] = {
    Employee: "active_to",
    MeasurementRow: "actual",
}
"""The column a record's whole-row validator speaks about."""

_IDS: Final = frozenset({"employee_id", "rater_id", "manager_id"})
_PLAIN_NUMBER: Final = re.compile(r"(-?)\d{1,50}(?:\.\d{1,49})?", re.ASCII)
"""A number as most cells write it, which :func:`to_decimal` always reads as
``Decimal(cell)`` (fewer digits than its limit, no exponent, no spaces)."""
MAX_PROBLEMS: Final = 1000
"""How many problems are listed before the rest are counted ("and N more")."""

_R = TypeVar("_R", bound=BaseModel)


def canonical_column(header: str) -> str | None:
    """The column a header cell names (English or Chinese, any case), or None."""
    return _ALIASES.get(header.strip().casefold())


def parse_date(text: str) -> dt.date | None:
    """A date written ``2026-08-01``, ``2026/8/1`` or ``2026年8月1日``; None if it is in
    none of these forms. Raises ``ValueError`` for a day that does not exist.

    >>> parse_date("2026年8月1日"), parse_date("2026/8/1")
    (datetime.date(2026, 8, 1), datetime.date(2026, 8, 1))
    """
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    return None


# --------------------------------------------------------------------------- problems


class Bad:
    """A cell that failed its check; its problem is already recorded."""


BAD: Final = Bad()


@attrs.define
class Problems:
    """Every problem of one input, in one place: the first ``limit`` kept, the rest
    counted, so that a file of bad rows cannot flood memory or the terminal."""

    file: str
    limit: int = MAX_PROBLEMS
    kept: list[Problem] = attrs.Factory(list)
    more: int = 0

    def add(self, problem: Problem) -> None:
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __len__(self) -> int:
        return len(self.kept) + self.more

    def raise_if_any(self, order: Mapping[str, int] | None = None) -> None:
        """Raise one :class:`DataFileError` listing the problems (sorted by line, then by
        ``order`` of their column), then how many more there were."""
        if not len(self):
            return
        problems = list(self.kept)
        if order is not None:

            def position(p: Problem) -> tuple[int, int]:
                column = order.get(p.column, -1) if isinstance(p.column, str) else -1
                return p.line or 0, column

            problems.sort(key=position)
        total = len(self)
        if self.more:
            problems.append(
                Problem(f"and {self.more:,} more problems (not listed)", file=self.file)
            )
        noun = "problem" if total == 1 else "problems"
        raise DataFileError(
            f"{self.file}: {total:,} {noun}",
            path=problems[0].path,
            problems=problems,
        )


# --------------------------------------------------------------------------- names


@attrs.frozen
class Names:
    """Ids of one kind (roles, KPIs, rules) and the labels people write for them: an id
    as written, a label in any case."""

    what: str
    ids: tuple[str, ...]
    by_text: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, what: str, items: Iterable[Any]) -> Names:
        """From policy items with an ``id`` and a ``name`` label."""
        ids: list[str] = []
        by_text: dict[str, set[str]] = {}
        for item in items:
            ids.append(item.id)
            for text in (getattr(item, "name", None) or {}).values():
                by_text.setdefault(text.strip().casefold(), set()).add(item.id)
        return cls(what, tuple(ids), {t: tuple(sorted(v)) for t, v in by_text.items()})

    def resolve(self, cell: str) -> str | tuple[str, ...]:
        """The id a cell names; the candidates (none, or several) when it names none."""
        if cell in self.ids:
            return cell
        found = self.by_text.get(cell.casefold(), ())
        return found[0] if len(found) == 1 else found


# --------------------------------------------------------------------------- cell checks


@attrs.define
class Checker:
    """Checks the cells of rows; every failed check records one problem.

    ``where(line, column)`` places a problem: a file's line and column, or a frame's
    ``name[row].column`` path. ``shown`` maps a column to its header as written.
    """

    file: str
    problems: Problems
    order: dict[str, int] = attrs.Factory(dict)
    shown: Mapping[str, str] = attrs.Factory(dict)
    serial_dates: bool = False
    frame: bool = False
    skip: set[tuple[int, str]] = attrs.Factory(set)
    fields_sets: dict[tuple[type[BaseModel], frozenset[str]], set[str]] = attrs.Factory(dict)

    def add(self, line: int, column: str | None, value: object, message: str) -> Bad:
        if column is not None and (line, column) in self.skip:
            return BAD  # the source already said what is wrong with this cell
        written = self.shown.get(column, column) if column is not None else None
        if self.frame:  # a frame's row from 0; its header is row -1
            row = "" if line < 0 else f"[{line}]"
            path = f"{self.file}{row}" + (f".{written}" if written else "")
            self.problems.add(Problem(message, path=path, value=value))
        else:
            self.problems.add(
                Problem(message, file=self.file, line=line, column=written, value=value)
            )
        return BAD

    def required(self, line: int, row: Mapping[str, str], column: str) -> str | Bad:
        cell = row.get(column, "")
        if not cell:
            return self.add(line, column, cell, f"empty cell: {column} is required")
        return cell

    def employee(
        self, line: int, row: Mapping[str, str], column: str, roster: Collection[str] | None
    ) -> str | Bad:
        cell = self.required(line, row, column)
        if isinstance(cell, str) and roster is not None and cell not in roster:
            return self.add(
                line,
                column,
                cell,
                f"unknown employee {cell!r} (expected an employee_id of the employees file)",
            )
        return cell

    def period(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        policy: Policy | None,
        cache: dict[str, Period | str],
    ) -> Period | Bad:
        """The row's period, read in the policy's calendar; labels are read once each."""
        cell = self.required(line, row, column)
        if isinstance(cell, Bad):
            return cell
        found = cache.get(cell)
        if found is None:
            try:
                if policy is None:
                    found = Period.parse(cell)
                else:
                    found = Period.parse(
                        cell,
                        fiscal_year_start=policy.fiscal_year_start,
                        named_by=policy.fiscal_year_named_by,
                    )
            except MedsalesError as exc:
                expected = f" (expected {exc.expected})" if exc.expected else ""
                found = exc.message + expected
            if len(cache) < 10_000:
                cache[cell] = found
        if isinstance(found, str):
            return self.add(line, column, cell, found)
        return found

    def date(self, line: int, row: Mapping[str, str], column: str) -> dt.date | Bad | None:
        cell = row.get(column, "")
        if not cell:
            return None
        try:
            found = parse_date(cell)
        except ValueError:
            return self.add(line, column, cell, f"{cell!r} is not a date: there is no such day")
        if found is not None:
            return found
        if self.serial_dates and cell.isascii() and cell.isdigit() and 0 < int(cell) < 2_958_466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(cell))  # a spreadsheet serial date
        return self.add(line, column, cell, f"{cell!r} is not a date (expected {_DATES_EXPECTED})")

    def number(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        *,
        required: bool = False,
        non_negative: bool = False,
    ) -> Decimal | Bad | None:
        cell = row.get(column, "")
        if not cell:
            if required:
                return self.add(line, column, cell, f"empty cell: {column} is required")
            return None
        try:
            plain = _PLAIN_NUMBER.fullmatch(cell)
            value = Decimal(cell) if plain is not None else to_decimal(cell, path=column)
        except MedsalesError as exc:
            if exc.expected and exc.expected.startswith("at most"):  # SPEC §21's limits
                return self.add(line, column, cell, exc.message)
            what = "a finite number" if exc.expected == "a finite number" else "a number"
            return self.add(
                line, column, cell, f"{cell!r} is not {what} (expected {_NUMBER_EXPECTED})"
            )
        if non_negative and value < 0:
            return self.add(line, column, cell, f"{column} {cell} is negative (expected 0 or more)")
        return value

    def boolean(self, line: int, row: Mapping[str, str], column: str) -> bool | Bad:
        cell = row.get(column, "")
        word = cell.casefold()
        if not word or word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return self.add(line, column, cell, f"{cell!r} is not true or false (expected {_BOOLEANS})")

    def one_of(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        known: Collection[str] | Names | None,
        what: str,
    ) -> str | Bad:
        """An id of ``known``, or (for :class:`Names`) a label that names exactly one."""
        cell = self.required(line, row, column)
        if not isinstance(cell, str) or known is None:
            return cell
        if isinstance(known, Names):
            found = known.resolve(cell)
            if isinstance(found, str):
                return found
            if found:
                return self.add(
                    line,
                    column,
                    cell,
                    f"{what} {cell!r} is ambiguous: it names {', '.join(found)} (write the id)",
                )
            listed = ", ".join(known.ids) if known.ids else "none: the policy defines none"
            return self.add(
                line, column, cell, f"unknown {what} {cell!r} (expected one of {listed})"
            )
        if cell not in known:
            listed = ", ".join(known) if known else "none: the policy defines none"
            return self.add(
                line, column, cell, f"unknown {what} {cell!r} (expected one of {listed})"
            )
        return cell

    def record(
        self, model: type[_R], line: int, row: Mapping[str, str], values: Mapping[str, object]
    ) -> _R | None:
        """Build the record from the checked values; report what the model still refuses.

        Cells that failed a check are left out and the model's complaints about them are
        not repeated: one problem per cell.
        """
        failed = {k for k, v in values.items() if isinstance(v, Bad)}
        data = {k: v for k, v in values.items() if v is not None and not isinstance(v, Bad)}
        for key in _IDS.intersection(data):
            value = data[key]
            if isinstance(value, str):
                data[key] = sys.intern(value)  # an id repeats on thousands of rows
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            self._report(model, exc, line, row, failed)
            return None
        if failed:
            return None
        return self.shared(record)

    def shared(self, record: _R) -> _R:
        """The record, its set of the fields given shared with the records of the same
        shape: records are frozen, so the set never changes, and one set per shape of row
        instead of a set per record is half a record's memory (which matters for the
        million rows of a large file's period)."""
        fields = record.__pydantic_fields_set__
        shared = self.fields_sets.setdefault((type(record), frozenset(fields)), fields)
        object.__setattr__(record, "__pydantic_fields_set__", shared)
        return record

    def _report(
        self,
        model: type[BaseModel],
        exc: ValidationError,
        line: int,
        row: Mapping[str, str],
        failed: set[str],
    ) -> None:
        for error in exc.errors(include_url=False):
            loc = error["loc"]
            column = str(loc[0]) if loc else _CELL_MODEL_COLUMN.get(model)
            if column in failed:
                continue  # already reported: one problem per cell
            if column is not None:
                failed.add(column)
            cell = row.get(column, "") if column is not None else ""
            self.add(line, column, cell, _model_message(error, cell))


def _model_message(error: Mapping[str, Any], cell: str) -> str:
    kind = error["type"]
    if kind == "string_pattern_mismatch":
        return f"{cell!r} is not an id (expected {_ID_EXPECTED})"
    if kind == "missing":
        return "empty cell: the value is required"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    message = message[:1].lower() + message[1:]
    if kind in ("value_error", "assertion_error"):
        return message
    return f"{message}, got {cell!r}"


# --------------------------------------------------------------------------- headers


def header_columns(
    header: Sequence[str],
    kind: str,
    add: Callable[[int | str, str, str], None],
    *,
    extra: Callable[[str], bool] | None = None,
    frame: bool = False,
) -> tuple[list[str | None], dict[str, str]]:
    """The canonical column of each header cell (None for one ``extra`` accepts) and each
    column's header as written; ``add(column, value, message)`` records a problem."""
    columns = COLUMNS[kind]
    valid = ", ".join(columns)
    out: list[str | None] = []
    shown: dict[str, str] = {}
    for index, cell in enumerate(header, start=1):
        column = canonical_column(cell) if cell else None
        if not cell:
            add(index, cell, f"column {index} of the header has no name (expected one of {valid})")
        elif column in shown:
            add(cell, cell, f"duplicate column {cell!r}: each column may appear once")
        elif column is None or column not in columns:
            if extra is not None and extra(cell):
                out.append(None)
                continue
            hint = "; select the columns to pass, e.g. frame[[...]]" if frame else ""
            add(cell, cell, f"unknown column {cell!r} (expected one of {valid}{hint})")
        else:
            shown[column] = cell
        out.append(column)
    return out, shown


def required_columns(kind: str) -> tuple[str, ...]:
    """The columns a file of ``kind`` must have."""
    optional = OPTIONAL_COLUMNS[kind]
    return tuple(c for c in COLUMNS[kind] if c not in optional)
