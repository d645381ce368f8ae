"""The CSV files of SPEC §10: readers that report every problem at once, atomic writers.

Each reader returns a tuple of the pydantic input records (:class:`~medsales.Employee`,
:class:`~medsales.MeasurementRow`, :class:`~medsales.Incident`, :class:`~medsales.Rating`,
:class:`~medsales.SurveyResponse`). Files are UTF-8, with or without a byte order mark.
Bad rows are never skipped: every problem of a file (header, cells, cross-row checks such
as duplicates, and the optional checks against a policy and a roster) is collected as a
:class:`~medsales.errors.Problem` with the file, the 1-based physical line of the row
(the header is line 1), the column and the value, and one
:class:`~medsales.errors.DataFileError` lists them all.

The writers live in :mod:`medsales.io.write`; ``format_cell``, ``write_csv_atomic`` and
``write_text_atomic`` are still importable from here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any, Final, TypeAlias, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from medsales.errors import DataFileError, MedsalesError, Problem, wrong_type
from medsales.io.write import format_cell, write_csv_atomic, write_text_atomic
from medsales.numbers import to_decimal
from medsales.periods import Period
from medsales.policy.models import (
    KPI,
    SEVERITIES,
    Incident,
    Policy,
    RatingsDerive,
    SurveyDerive,
)
from medsales.policy.records import Employee, Goal, MeasurementRow, Rating, SurveyResponse

__all__ = [
    "EMPLOYEES_COLUMNS",
    "GOALS_COLUMNS",
    "INCIDENTS_COLUMNS",
    "MEASUREMENTS_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATINGS_COLUMNS",
    "SURVEYS_COLUMNS",
    "Source",
    "format_cell",
    "read_employees",
    "read_goals",
    "read_incidents",
    "read_measurements",
    "read_ratings",
    "read_surveys",
    "write_csv_atomic",
    "write_text_atomic",
]

Source: TypeAlias = str | os.PathLike[str] | IO[str]
"""Where a reader reads from: a path, or an open text stream."""

EMPLOYEES_COLUMNS: Final = (
    "employee_id",
    "name",
    "role",
    "manager_id",
    "active_from",
    "active_to",
)
"""The columns of the employees file, in their usual order."""
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
    "employees": frozenset(),
    "measurements": frozenset({"weight", "applicable"}),
    "incidents": frozenset({"note"}),
    "ratings": frozenset(),
    "surveys": frozenset(),
    "goals": frozenset({"title", "parent_id", "kpi", "weight", "progress", "status"}),
}
"""Per file, the columns that the header may leave out."""

TRUE_WORDS: Final = ("true", "yes", "1", "是")
FALSE_WORDS: Final = ("false", "no", "0", "否")
_BOOLEANS: Final = "true, false, yes, no, 1, 0, 是 or 否, in any case; empty means true"
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NUMBER_EXPECTED: Final = "a decimal number such as 1234.5"
_ID_EXPECTED: Final = "an id: a letter, then letters, digits, '_' or '-'"
_CELL_MODEL_COLUMN: Final[Mapping[type[BaseModel], str]] = {
    Employee: "active_to",
    MeasurementRow: "actual",
    Goal: "kpi",
}
"""The column a record's whole-row validator speaks about."""


@attrs.frozen
class _Format:
    kind: str
    columns: tuple[str, ...]

    @property
    def optional(self) -> frozenset[str]:
        return OPTIONAL_COLUMNS[self.kind]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.optional)


_EMPLOYEES: Final = _Format("employees", EMPLOYEES_COLUMNS)
_MEASUREMENTS: Final = _Format("measurements", MEASUREMENTS_COLUMNS)
_INCIDENTS: Final = _Format("incidents", INCIDENTS_COLUMNS)
_RATINGS: Final = _Format("ratings", RATINGS_COLUMNS)
_SURVEYS: Final = _Format("surveys", SURVEYS_COLUMNS)
_GOALS: Final = _Format("goals", GOALS_COLUMNS)
_GOAL_STATUSES: Final = ("active", "completed", "archived")


class _Bad:
    """A cell that failed its check; its problem is already recorded."""


_BAD: Final = _Bad()
_R = TypeVar("_R", bound=BaseModel)


def _plural(n: int) -> str:
    return f"{n} problem" if n == 1 else f"{n} problems"


def _raise(file: str, problems: Sequence[Problem]) -> None:
    if problems:
        raise DataFileError(f"{file}: {_plural(len(problems))}", problems=problems)


# --------------------------------------------------------------------------- reading text


def _load(source: Source, name: str | None) -> tuple[str, str]:
    """The file's display name and its text, without a byte order mark."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        shown = name if name is not None else path
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise DataFileError(
                f"{shown}: cannot read the file: {reason}",
                value=path,
                problems=[Problem(f"cannot read the file: {reason}", file=shown)],
            ) from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise _not_utf8(shown, line, data[exc.start : exc.end]) from None
        return shown, text
    if not callable(getattr(source, "read", None)):
        raise wrong_type("source", source, "a path or a text stream")
    stream_name = getattr(source, "name", None)
    shown = name if name is not None else (stream_name if isinstance(stream_name, str) else "")
    shown = shown or "<stream>"
    try:
        raw: object = source.read()
    except UnicodeDecodeError as exc:
        raise _not_utf8(shown, None, exc.object[exc.start : exc.end]) from None
    if not isinstance(raw, str):
        message = (
            f"the stream gives {type(raw).__name__}, not text (expected a text stream, e.g. "
            'open(path, encoding="utf-8-sig", newline=""))'
        )
        raise DataFileError(
            f"{shown}: {message}",
            value=type(raw).__name__,
            problems=[Problem(message, file=shown, value=type(raw).__name__)],
        )
    return shown, raw.removeprefix("\ufeff")


def _not_utf8(file: str, line: int | None, bad: bytes) -> DataFileError:
    message = (
        f"the file is not UTF-8 text: bytes {bad!r} cannot be decoded "
        "(save it as UTF-8, e.g. 'CSV UTF-8' in Excel; GBK and GB18030 are not read)"
    )
    problem = Problem(message, file=file, line=line, value=bad)
    return DataFileError(f"{file}: {_plural(1)}", value=bad, problems=[problem])


@attrs.frozen
class _Table:
    file: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]
    problems: tuple[Problem, ...]


def _parse(text: str, file: str, fmt: _Format) -> _Table:
    """Split the text into the header and rows (each with its first physical line).

    A row of empty cells only (a blank line) carries nothing and is passed over. Header
    problems stop the reading: columns that cannot be told apart make every row doubtful.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    previous = 0
    try:
        for cells in reader:
            start, previous = previous + 1, reader.line_num
            stripped = [c.strip() for c in cells]
            if not any(stripped):
                continue
            if header is None:
                while stripped and not stripped[-1]:
                    stripped.pop()  # trailing empty header cells, as spreadsheets write them
                header = stripped
                _raise(file, _header_problems(header, file, start, fmt))
                continue
            extra = stripped[len(header) :]
            if len(stripped) < len(header) or any(extra):
                problems.append(
                    Problem(
                        f"the row has {len(stripped)} cells but the header has "
                        f"{len(header)} columns ({', '.join(header)})",
                        file=file,
                        line=start,
                        value=cells,
                    )
                )
                continue
            rows.append((start, dict(zip(header, stripped, strict=False))))
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted field opened in this row is never closed"
        problems.append(
            Problem(f"the file is not valid CSV: {reason}", file=file, line=previous + 1)
        )
        _raise(file, problems)
    if header is None:
        problem = Problem(
            "the file is empty: expected a header row with the columns " + ", ".join(fmt.columns),
            file=file,
            line=1,
        )
        raise DataFileError(f"{file}: the file is empty", problems=[problem])
    return _Table(file, tuple(header), tuple(rows), tuple(problems))


def _header_problems(header: list[str], file: str, line: int, fmt: _Format) -> list[Problem]:
    problems: list[Problem] = []
    valid = ", ".join(fmt.columns)
    seen: set[str] = set()
    for index, column in enumerate(header, start=1):
        if not column:
            problems.append(
                Problem(
                    f"column {index} of the header has no name (expected one of {valid})",
                    file=file,
                    line=line,
                    column=index,
                    value=column,
                )
            )
        elif column in seen:
            problems.append(
                Problem(
                    f"duplicate column {column!r}: each column may appear once",
                    file=file,
                    line=line,
                    column=column,
                    value=column,
                )
            )
        elif column not in fmt.columns:
            problems.append(
                Problem(
                    f"unknown column {column!r} (expected one of {valid})",
                    file=file,
                    line=line,
                    column=column,
                    value=column,
                )
            )
        seen.add(column)
    for column in fmt.required:
        if column not in seen:
            problems.append(
                Problem(
                    f"missing required column {column!r} (the {fmt.kind} file needs "
                    f"{', '.join(fmt.required)})",
                    file=file,
                    line=line,
                    column=column,
                )
            )
    return problems


# --------------------------------------------------------------------------- cell checks


@attrs.define
class _Checker:
    """Checks the cells of rows; every failed check records one problem."""

    file: str
    problems: list[Problem] = attrs.Factory(list)
    columns: tuple[str, ...] = ()

    def add(self, line: int, column: str | None, value: object, message: str) -> _Bad:
        self.problems.append(
            Problem(message, file=self.file, line=line, column=column, value=value)
        )
        return _BAD

    def required(self, line: int, row: Mapping[str, str], column: str) -> str | _Bad:
        cell = row.get(column, "")
        if not cell:
            return self.add(line, column, cell, f"empty cell: {column} is required")
        return cell

    def employee(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        roster: Collection[str] | None,
    ) -> str | _Bad:
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
        self, line: int, row: Mapping[str, str], column: str, policy: Policy | None
    ) -> str | _Bad:
        cell = self.required(line, row, column)
        if isinstance(cell, _Bad):
            return cell
        try:
            if policy is None:
                return Period.parse(cell).label
            return Period.parse(
                cell,
                fiscal_year_start=policy.fiscal_year_start,
                named_by=policy.fiscal_year_named_by,
            ).label
        except MedsalesError as exc:
            expected = f" (expected {exc.expected})" if exc.expected else ""
            return self.add(line, column, cell, exc.message + expected)

    def date(self, line: int, row: Mapping[str, str], column: str) -> dt.date | _Bad | None:
        cell = row.get(column, "")
        if not cell:
            return None
        if _ISO_DATE.fullmatch(cell):
            try:
                return dt.date.fromisoformat(cell)
            except ValueError:
                return self.add(line, column, cell, f"{cell!r} is not a date: there is no such day")
        return self.add(
            line, column, cell, f"{cell!r} is not a date (expected YYYY-MM-DD, e.g. 2026-07-01)"
        )

    def number(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        *,
        required: bool = False,
        non_negative: bool = False,
    ) -> Decimal | _Bad | None:
        cell = row.get(column, "")
        if not cell:
            if required:
                return self.add(line, column, cell, f"empty cell: {column} is required")
            return None
        try:
            value = to_decimal(cell, path=column)
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

    def boolean(self, line: int, row: Mapping[str, str], column: str) -> bool | _Bad:
        cell = row.get(column, "")
        word = cell.casefold()
        if not word or word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return self.add(line, column, cell, f"{cell!r} is not a boolean (expected {_BOOLEANS})")

    def one_of(
        self,
        line: int,
        row: Mapping[str, str],
        column: str,
        known: Collection[str] | None,
        what: str,
    ) -> str | _Bad:
        cell = self.required(line, row, column)
        if isinstance(cell, str) and known is not None and cell not in known:
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
        failed = {k for k, v in values.items() if isinstance(v, _Bad)}
        data = {k: v for k, v in values.items() if v is not None and not isinstance(v, _Bad)}
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            self._report(model, exc, line, row, failed)
            return None
        return None if failed else record

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


def _rows(
    source: Source,
    name: str | None,
    fmt: _Format,
    check: Callable[[_Checker, int, Mapping[str, str]], _R | None],
) -> tuple[_Checker, list[tuple[int, _R]]]:
    file, text = _load(source, name)
    table = _parse(text, file, fmt)
    checker = _Checker(file, list(table.problems), table.columns)
    records: list[tuple[int, _R]] = []
    for line, row in table.rows:
        record = check(checker, line, row)
        if record is not None:
            records.append((line, record))
    return checker, records


def _finish(checker: _Checker, records: list[tuple[int, _R]]) -> tuple[_R, ...]:
    order = {column: i for i, column in enumerate(checker.columns)}

    def position(p: Problem) -> tuple[int, int]:
        return p.line or 0, order.get(p.column, -1) if isinstance(p.column, str) else -1

    problems = sorted(checker.problems, key=position)
    _raise(checker.file, problems)
    return tuple(record for _, record in records)


# --------------------------------------------------------------------------- employees


def read_employees(
    source: Source, *, policy: Policy | None = None, name: str | None = None
) -> tuple[Employee, ...]:
    """Read an employees file: one row per person and role assignment (SPEC §10).

    Columns ``employee_id``, ``name``, ``role``, ``manager_id``, ``active_from``,
    ``active_to`` (dates ``YYYY-MM-DD``; empty ``manager_id`` = the top of the
    organisation, empty ``active_to`` = still active). A ``manager_id`` naming no employee
    of the file, an employee managing themselves, a management cycle and overlapping role
    assignments of one employee are problems; with ``policy``, so is an unknown role.
    """
    roles = None if policy is None else set(policy.roles_by_id)

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> Employee | None:
        return ck.record(
            Employee,
            line,
            row,
            {
                "employee_id": ck.required(line, row, "employee_id"),
                "name": row.get("name", ""),
                "role": ck.one_of(line, row, "role", roles, "role"),
                "manager_id": row.get("manager_id") or None,
                "active_from": ck.date(line, row, "active_from"),
                "active_to": ck.date(line, row, "active_to"),
            },
        )

    checker, records = _rows(source, name, _EMPLOYEES, check)
    _check_organisation(checker, records)
    return _finish(checker, records)


def _check_organisation(checker: _Checker, records: list[tuple[int, Employee]]) -> None:
    ids = {e.employee_id for _, e in records}
    managers: dict[str, list[tuple[int, str]]] = {}
    for line, e in records:
        m = e.manager_id
        if m is None:
            continue
        if m == e.employee_id:
            checker.add(line, "manager_id", m, f"{m!r} cannot be their own manager")
        elif m not in ids:
            checker.add(
                line,
                "manager_id",
                m,
                f"manager_id {m!r} names no employee of this file (expected an employee_id "
                "of this file, or empty for the top of the organisation)",
            )
        else:
            managers.setdefault(e.employee_id, []).append((line, m))
    _check_cycles(checker, managers)
    by_employee: dict[str, list[tuple[int, Employee]]] = {}
    for line, e in records:
        by_employee.setdefault(e.employee_id, []).append((line, e))
    for rows in by_employee.values():
        rows.sort(key=lambda item: (item[1].active_from or dt.date.min, item[0]))
        for (line_a, a), (line_b, b) in itertools.pairwise(rows):
            a_end = a.active_to or dt.date.max
            if a_end >= (b.active_from or dt.date.min):
                until = "open-ended" if a.active_to is None else f"until {a.active_to}"
                checker.add(
                    line_b,
                    "active_from",
                    "" if b.active_from is None else b.active_from.isoformat(),
                    f"role assignments of {b.employee_id!r} overlap: the row on line "
                    f"{line_a} ({a.role}) runs {until} (expected active_from after "
                    "the previous assignment's active_to)",
                )


def _check_cycles(checker: _Checker, managers: Mapping[str, list[tuple[int, str]]]) -> None:
    """Report each management cycle once, at the row whose manager_id closes it.

    A depth-first walk up the manager links; a node explored once is never walked again.
    """
    reported: set[frozenset[str]] = set()
    done: set[str] = set()
    for start in sorted(managers):
        if start in done:
            continue
        path = [start]
        stack = [iter(managers[start])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                done.add(path.pop())
                continue
            line, manager = step
            if manager in path:
                cycle = path[path.index(manager) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    chain = " → ".join([*cycle, manager])
                    checker.add(
                        line,
                        "manager_id",
                        manager,
                        f"management cycle: {chain} (each employee's manager_id leads back)",
                    )
            elif manager in managers and manager not in done:
                path.append(manager)
                stack.append(iter(managers[manager]))


# --------------------------------------------------------------------------- measurements


def read_measurements(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
) -> tuple[MeasurementRow, ...]:
    """Read a measurements file: one row per employee × KPI × period (SPEC §10).

    Columns ``employee_id``, ``period``, ``kpi``, ``actual``, ``target`` and the optional
    ``weight`` and ``applicable``. Two rows for the same employee, KPI and period are a
    problem (they would never be summed silently). With ``policy``, an unknown KPI and a
    weighted-mean KPI's row without a weight are problems and fiscal labels are read in the
    policy's calendar; with ``employee_ids``, so is an employee not in that roster.
    """
    kpis = None if policy is None else policy.kpis_by_id
    seen: dict[tuple[str, str, str], int] = {}

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> MeasurementRow | None:
        applicable = ck.boolean(line, row, "applicable")
        values: dict[str, object] = {
            "employee_id": ck.employee(line, row, "employee_id", employee_ids),
            "period": ck.period(line, row, "period", policy),
            "kpi": ck.one_of(line, row, "kpi", kpis, "KPI"),
            "actual": ck.number(line, row, "actual"),
            "target": ck.number(line, row, "target"),
            "weight": ck.number(line, row, "weight", non_negative=True),
            "applicable": applicable,
        }
        if applicable is True and values["actual"] is None:
            values["actual"] = ck.add(
                line,
                "actual",
                "",
                "empty cell: an applicable measurement needs an actual "
                "(give one, or set applicable to false)",
            )
        kpi = values["kpi"]
        if (
            kpis is not None
            and isinstance(kpi, str)
            and applicable is True
            and kpis[kpi].aggregation == "weighted_mean"
            and values["weight"] is None
        ):
            values["weight"] = ck.add(
                line,
                "weight",
                "",
                f"empty cell: KPI {kpi!r} aggregates by weighted_mean and needs a weight "
                "(e.g. the number of cases behind the actual)",
            )
        record = ck.record(MeasurementRow, line, row, values)
        if record is not None:
            key = (record.employee_id, record.kpi, record.period)
            if key in seen:
                ck.add(
                    line,
                    "period",
                    row.get("period", ""),
                    f"duplicate row: employee {key[0]!r}, KPI {key[1]!r}, period {key[2]} "
                    f"is already on line {seen[key]}",
                )
                return None
            seen[key] = line
        return record

    return _finish(*_rows(source, name, _MEASUREMENTS, check))


# --------------------------------------------------------------------------- incidents


def read_incidents(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
) -> tuple[Incident, ...]:
    """Read an incidents file: one conduct incident per row (SPEC §5, §10).

    Columns ``employee_id`` (required here, though :class:`~medsales.Incident` allows
    none), ``rule``, ``severity`` (``minor``, ``major``, ``critical``), ``date`` (empty: the
    incident counts in every period) and the optional ``note``. With ``policy``, an
    unknown conduct rule is a problem; with ``employee_ids``, so is an unknown employee.
    """
    rules = None if policy is None else policy.rules_by_id

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> Incident | None:
        return ck.record(
            Incident,
            line,
            row,
            {
                "employee_id": ck.employee(line, row, "employee_id", employee_ids),
                "rule": ck.one_of(line, row, "rule", rules, "conduct rule"),
                "severity": ck.one_of(line, row, "severity", SEVERITIES, "severity"),
                "date": ck.date(line, row, "date"),
                "note": row.get("note", ""),
            },
        )

    return _finish(*_rows(source, name, _INCIDENTS, check))


# --------------------------------------------------------------------------- ratings, surveys


def _derived(policy: Policy | None, kind: type[RatingsDerive | SurveyDerive]) -> dict[str, KPI]:
    if policy is None:
        return {}
    return {k.id: k for k in policy.kpis if isinstance(k.derive, kind)}


def _derived_kpi(
    ck: _Checker,
    line: int,
    row: Mapping[str, str],
    policy: Policy | None,
    derived: Mapping[str, KPI],
    source_name: str,
) -> str | _Bad:
    cell = ck.required(line, row, "kpi")
    if isinstance(cell, _Bad) or policy is None or cell in derived:
        return cell
    listed = (
        ", ".join(sorted(derived)) or f"none: no KPI of the policy is derived from {source_name}"
    )
    if cell in policy.kpis_by_id:
        message = f"KPI {cell!r} is not derived from {source_name} (expected one of {listed})"
    else:
        message = f"unknown KPI {cell!r} (expected one of {listed})"
    return ck.add(line, "kpi", cell, message)


def read_ratings(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
) -> tuple[Rating, ...]:
    """Read a ratings file: one rater's rating of an employee per row (360°, SPEC §8, §10).

    Columns ``employee_id``, ``period``, ``kpi``, ``rater_id``, ``rater_group``,
    ``rating``. A rating of oneself under a group other than ``self``, a ``self`` rating
    by someone else, and a second rating by the same rater of the same employee, KPI and
    period are problems. With ``policy``, a KPI that is not derived from ratings and a
    group without a weight for the KPI are problems; with ``employee_ids``, so is an
    ``employee_id`` or a ``rater_id`` not in the roster (raters are employees too).
    """
    derived = _derived(policy, RatingsDerive)
    seen: dict[tuple[str, str, str, str], int] = {}

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> Rating | None:
        kpi = _derived_kpi(ck, line, row, policy, derived, "ratings")
        groups: Collection[str] | None = None
        if isinstance(kpi, str) and kpi in derived:
            derive = derived[kpi].derive
            assert isinstance(derive, RatingsDerive)
            groups = derive.groups
        employee = ck.employee(line, row, "employee_id", employee_ids)
        rater = ck.employee(line, row, "rater_id", employee_ids)
        group = ck.required(line, row, "rater_group")
        if isinstance(group, str) and groups is not None and group not in groups:
            group = ck.add(
                line,
                "rater_group",
                group,
                f"rater group {group!r} has no weight for KPI {kpi!r} "
                f"(expected one of {', '.join(groups)})",
            )
        if isinstance(group, str) and isinstance(employee, str) and isinstance(rater, str):
            group = _self_group(ck, line, employee, rater, group)
        record = ck.record(
            Rating,
            line,
            row,
            {
                "employee_id": employee,
                "period": ck.period(line, row, "period", policy),
                "kpi": kpi,
                "rater_id": rater,
                "rater_group": group,
                "rating": ck.number(line, row, "rating", required=True),
            },
        )
        if record is not None:
            key = (record.employee_id, record.kpi, record.period, record.rater_id)
            if key in seen:
                ck.add(
                    line,
                    "rater_id",
                    record.rater_id,
                    f"duplicate rating: {record.rater_id!r} already rated {key[0]!r} on "
                    f"{key[1]!r} for {key[2]} on line {seen[key]}",
                )
                return None
            seen[key] = line
        return record

    return _finish(*_rows(source, name, _RATINGS, check))


def _self_group(ck: _Checker, line: int, employee: str, rater: str, group: str) -> Any:
    """A rating of oneself is in group ``self``, and only such a rating is."""
    if rater == employee and group != "self":
        return ck.add(
            line,
            "rater_group",
            group,
            f"{rater!r} rates themselves under group {group!r} (expected self: a "
            "rating of oneself belongs to group self)",
        )
    if rater != employee and group == "self":
        return ck.add(
            line,
            "rater_group",
            group,
            f"group self holds {employee!r}'s own rating, but the rater is {rater!r}",
        )
    return group


_SURVEY_SCALES: Final[Mapping[str, tuple[int, int]]] = {
    "csat": (1, 5),
    "mean": (1, 5),
    "nps": (0, 10),
}


def read_surveys(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
) -> tuple[SurveyResponse, ...]:
    """Read a customer survey file: one response about an employee per row (SPEC §8, §10).

    Columns ``employee_id``, ``period``, ``kpi``, ``response``. With ``policy``, a KPI that
    is not derived from surveys is a problem, and so is a response outside its scale: 1–5
    for ``csat`` and ``mean`` KPIs, 0–10 for ``nps``; with ``employee_ids``, so is an
    unknown employee.
    """
    derived = _derived(policy, SurveyDerive)

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> SurveyResponse | None:
        kpi = _derived_kpi(ck, line, row, policy, derived, "surveys")
        response = ck.number(line, row, "response", required=True)
        if isinstance(kpi, str) and kpi in derived and isinstance(response, Decimal):
            derive = derived[kpi].derive
            assert isinstance(derive, SurveyDerive)
            low, high = _SURVEY_SCALES[derive.method]
            if not low <= response <= high:
                response = ck.add(
                    line,
                    "response",
                    row.get("response", ""),
                    f"response {row.get('response', '')} is outside the {derive.method} scale "
                    f"of KPI {kpi!r} (expected {low} to {high})",
                )
        return ck.record(
            SurveyResponse,
            line,
            row,
            {
                "employee_id": ck.employee(line, row, "employee_id", employee_ids),
                "period": ck.period(line, row, "period", policy),
                "kpi": kpi,
                "response": response,
            },
        )

    return _finish(*_rows(source, name, _SURVEYS, check))


# --------------------------------------------------------------------------- goals


def read_goals(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
) -> tuple[Goal, ...]:
    """Read a goals file: one goal (目标) per row (SPEC §16).

    Columns ``goal_id``, ``employee_id``, ``period`` and the optional ``title``,
    ``parent_id`` (empty: a top goal), ``kpi`` (top goals only), ``weight`` (> 0, empty:
    1), ``progress`` (0–100, empty: none) and ``status`` (``active``, ``completed``,
    ``archived``; empty: active). A duplicate goal id, an unknown parent, a parent of
    another employee or whose period does not contain the child's, and a cycle of parents
    are problems at the row that names them; with ``policy``, so is a KPI that is not
    derived from goals, and periods are read in its calendar; with ``employee_ids``, so is
    an unknown employee.
    """
    from medsales.cohort.goals import goal_problems

    bad_ids: set[str] = set()

    def check(ck: _Checker, line: int, row: Mapping[str, str]) -> Goal | None:
        status: str | _Bad = row.get("status", "") or "active"
        if status not in _GOAL_STATUSES:
            status = ck.add(
                line,
                "status",
                status,
                f"unknown status {status!r} (expected one of {', '.join(_GOAL_STATUSES)}, "
                "or empty for active)",
            )
        record = ck.record(
            Goal,
            line,
            row,
            {
                "goal_id": ck.required(line, row, "goal_id"),
                "employee_id": ck.employee(line, row, "employee_id", employee_ids),
                "period": ck.period(line, row, "period", policy),
                "title": row.get("title", ""),
                "parent_id": row.get("parent_id") or None,
                "kpi": row.get("kpi") or None,
                "weight": ck.number(line, row, "weight"),
                "progress": ck.number(line, row, "progress"),
                "status": status,
            },
        )
        if record is None and row.get("goal_id"):
            bad_ids.add(row["goal_id"])
        return record

    checker, records = _rows(source, name, _GOALS, check)
    lines = [line for line, _ in records]
    for q in goal_problems([g for _, g in records], policy, where=lambda i: f"line {lines[i]}"):
        if q.column == "parent_id" and q.value in bad_ids and "unknown parent" in q.message:
            continue  # its parent's row has problems of its own, reported there
        cell = "" if q.value is None else str(q.value)
        checker.add(lines[q.index], q.column, cell, q.message)
    return _finish(checker, records)
