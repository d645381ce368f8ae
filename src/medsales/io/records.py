"""Records: the tables of SPEC §10 and §19 read into validated input records.

The top layer of reading. Each reader takes a source (a CSV path or stream, an ``.xlsx``
workbook), reads its rows one at a time through :mod:`medsales.io.sources`, checks each
cell with :mod:`medsales.io.cells` and returns a tuple of the pydantic records
(:class:`~medsales.Employee`, :class:`~medsales.MeasurementRow`,
:class:`~medsales.Incident`, :class:`~medsales.Rating`, :class:`~medsales.SurveyResponse`).
Bad rows are never skipped: every problem of a file (header, cells, cross-row checks such
as duplicates, and the optional checks against a policy and a roster) is collected with
the file, the 1-based line of the row (the header is line 1; a sheet's row number), the
column and the value, and one :class:`~medsales.errors.DataFileError` lists them all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal
from typing import Final, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from medsales.cohort.organisation import manager_cycles
from medsales.errors import DataFileError, InputError, MedsalesError, Problem, wrong_type
from medsales.io.cells import (
    _PLAIN_NUMBER,
    COLUMNS,
    FALSE_WORDS,
    MAX_PROBLEMS,
    TRUE_WORDS,
    Bad,
    Checker,
    Names,
    Problems,
    header_columns,
    required_columns,
)
from medsales.io.excel import open_sheet
from medsales.io.sources import RawTable, Source, excel_path, open_csv
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
    "Read",
    "open_table",
    "read_employees",
    "read_goals",
    "read_incidents",
    "read_measurements",
    "read_ratings",
    "read_surveys",
]

_R = TypeVar("_R", bound=BaseModel)
_WIDE_TARGET: Final = re.compile(r"(.+?)\s*(?:\.target|\.目标值|\.目標值|目标值|目標值)", re.I)
_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_EMPLOYEE_ID_MAX: Final = 200  # as policy.records.EmployeeId
_ID_MAX: Final = 100  # as policy.base.Id


def open_table(
    source: Source, kind: str, *, name: str | None = None, encoding: str = "utf-8"
) -> RawTable:
    """The table of ``kind`` in ``source``: a CSV file or stream, or an ``.xlsx`` sheet."""
    if not isinstance(source, str | os.PathLike) and not callable(
        getattr(source, "readline", None)
    ):
        raise wrong_type("source", source, "a path or an open stream")
    path = excel_path(source)
    if path is not None:
        return open_sheet(path, name, kind)
    return open_csv(source, name, encoding)


@attrs.define
class Read:
    """What a reader found: the records kept, and the periods the rows cover (kept or
    not), for saying which periods the data has."""

    records: list[BaseModel] = attrs.Factory(list)
    periods: set[Period] = attrs.Factory(set)


# --------------------------------------------------------------------------- the rows


_Row = tuple[int, dict[str, str], Mapping[str, str] | None]
"""A row: its line, its cells by column, and (for wide rows) its columns as written."""


def _located_rows(
    table: RawTable,
    kind: str,
    problems: Problems,
    *,
    required: tuple[str, ...] | None = None,
    wide_names: Names | None = None,
) -> tuple[Checker, Iterator[_Row]]:
    """A checker for the table and its rows as cells by column.

    Header problems stop the reading: columns that cannot be told apart make every row
    doubtful. A measurements header without ``kpi`` and ``actual`` columns is a wide
    sheet: a column per KPI (id or label) and optional ``<kpi>.target`` columns.
    """
    checker = Checker(table.file, problems, serial_dates=table.spreadsheet, frame=table.frame)
    header = table.header
    if header is None:
        close = getattr(table.rows, "close", None)
        if close is not None:
            close()
        listed = ", ".join(COLUMNS[kind])
        message = f"the file is empty: expected a header row with the columns {listed}"
        raise DataFileError(
            f"{table.file}: the file is empty",
            problems=[Problem(message, file=table.file, line=1)],
        )
    line = table.header_line
    header = list(header)
    if not table.frame:
        while header and not header[-1]:
            header.pop()  # trailing empty header cells, as spreadsheets write them

    def add(column: int | str, value: str, message: str) -> None:
        checker.add(line, column if isinstance(column, str) else None, value, message)
        if isinstance(column, int):  # a nameless column: say which
            problems.kept[-1] = attrs.evolve(problems.kept[-1], column=column)

    wide = kind == "measurements" and _is_wide(header)
    columns, shown = header_columns(
        header, kind, add, extra=(lambda c: True) if wide else None, frame=table.frame
    )
    need = required if required is not None else required_columns(kind)
    if wide:
        need = ("employee_id", "period")
    for column in need:
        if column not in shown:
            add(
                column,
                "",
                f"missing required column {column!r} (the {kind} "
                f"{'frame' if table.frame else 'file'} needs {', '.join(need)})",
            )
    pairs = _wide_pairs(header, columns, wide_names, add) if wide else []
    if problems.kept:
        close = getattr(table.rows, "close", None)
        if close is not None:
            close()  # the file is closed now, not when the generator is collected
        problems.raise_if_any()
    checker.shown = shown
    checker.order = {c: i for i, c in enumerate(COLUMNS[kind])}
    return checker, _cells(table, header, columns, checker, pairs, shown)


@attrs.define
class _LeanMeasurement:
    """The checks of a measurement row, without building anything, for the rows of other
    periods: ``fine`` says True only when the full check would find nothing wrong; any
    doubt goes to the full check, which says what is wrong."""

    employee_ids: Collection[str] | None
    names: Names | None
    kpis: Mapping[str, KPI] | None
    known: dict[str, bool] = attrs.Factory(dict)

    def _kpi(self, cell: str) -> bool:
        found = self.known.get(cell)
        if found is None:
            if self.names is not None:
                found = isinstance(self.names.resolve(cell), str)
            else:
                found = len(cell) <= _ID_MAX and _ID.fullmatch(cell) is not None
            if len(self.known) < 10_000:
                self.known[cell] = found
        return found

    def fine(self, row: Mapping[str, str]) -> bool:
        employee = row.get("employee_id", "")
        if not employee or len(employee) > _EMPLOYEE_ID_MAX:
            return False
        if self.employee_ids is not None and employee not in self.employee_ids:
            return False
        kpi = row.get("kpi", "")
        if not kpi or not self._kpi(kpi):
            return False
        word = row.get("applicable", "").casefold()
        applicable = not word or word in TRUE_WORDS
        if not applicable and word not in FALSE_WORDS:
            return False
        actual, target, weight = row.get("actual", ""), row.get("target", ""), row.get("weight", "")
        if applicable and not actual:
            return False
        try:
            for cell in (actual, target):
                if cell and _PLAIN_NUMBER.fullmatch(cell) is None:
                    to_decimal(cell)
            if weight:
                plain = _PLAIN_NUMBER.fullmatch(weight)
                if (plain is None or plain.group(1)) and to_decimal(weight) < 0:
                    return False
        except MedsalesError:
            return False
        if applicable and not weight and self.kpis is not None and self.names is not None:
            found = self.names.resolve(kpi)
            return isinstance(found, str) and self.kpis[found].aggregation != "weighted_mean"
        return True


_CELL: Final = r'[^\s,"\x00]'
"""A character of a cell that the CSV reader takes as written and ``str.strip`` keeps."""
_LINE_CELLS: Final[Mapping[str, str]] = {
    "employee_id": f"{_CELL}{{1,{_EMPLOYEE_ID_MAX}}}",
    "period": f"{_CELL}+",
    "kpi": f"{_CELL}+",
    "actual": r"(?:-?[0-9]{1,50}(?:\.[0-9]{1,49})?)?",
    "target": r"(?:-?[0-9]{1,50}(?:\.[0-9]{1,49})?)?",
    "weight": r"(?:[0-9]{1,50}(?:\.[0-9]{1,49})?)?",
    "applicable": f"{_CELL}*",
}
"""Per column of a long measurements file, its cells as most files write them: ids and
labels without spaces, plain numbers (as :data:`_PLAIN_NUMBER`; a weight not negative)."""


@attrs.define
class _LineLetGo:
    """The quick check of a measurement row on its line as written, before it is split
    into cells, for a line whose cells are as :data:`_LINE_CELLS` writes them (so that
    the CSV reader would find them as written and strip nothing), whose period has been
    read already and whose cells pass :meth:`_LeanMeasurement.fine` (the checks the full
    check makes of each cell): a row of another period is let go; a row of the period
    becomes its record, appended to ``kept``, unless the model refuses it or it repeats
    a row. Any other line is read, checked and reported by the full check, as before."""

    line: re.Pattern[str]
    rules: _MeasurementRules
    checker: Checker
    kept: list[BaseModel]
    groups: tuple[int, ...] = ()
    gone: dict[str, bool] = attrs.Factory(dict)
    kpis: dict[str, tuple[int, str]] = attrs.Factory(dict)
    words: dict[str, bool | None] = attrs.Factory(dict)

    @classmethod
    def of(
        cls,
        header: list[str] | None,
        rules: _MeasurementRules,
        checker: Checker,
        kept: list[BaseModel],
    ) -> _LineLetGo | None:
        """For a long measurements file's header (None for a wide one)."""
        from medsales.io.cells import canonical_column

        cells = list(header or ())
        while cells and not cells[-1]:
            cells.pop()  # trailing empty header cells
        columns = [c for c in map(canonical_column, cells) if c is not None and c in _LINE_CELLS]
        if not columns or len(columns) < len(cells):
            return None
        absent = "".join(f"(?P<{c}>)" for c in _LINE_CELLS if c not in columns)
        line = ",".join(f"(?P<{c}>{_LINE_CELLS[c]})" for c in columns)
        pattern = re.compile(rf"{absent}{line},*\r?")
        groups = tuple(pattern.groupindex[n] for n in _LINE_CELLS)
        return cls(pattern, rules, checker, kept, groups)

    def __call__(self, line: str, number: int) -> bool:
        """Whether the line is done with: let go, or kept as its record."""
        match = self.line.fullmatch(line)
        if match is None:
            return False
        employee, label, kpi, actual, target, weight, word = match.group(*self.groups)
        gone = self.gone.get(label)
        if gone is None:
            if not isinstance(self.rules.periods.get(label), Period):
                return False  # not read yet (or not a period): the full check reads it
            gone = self._gone(label)
        rules = self.rules
        if rules.employee_ids is not None and employee not in rules.employee_ids:
            return False
        kind, kpi_id = self.kpis.get(kpi) or self._kpi(kpi)
        applicable = self.words.get(word)
        if applicable is None and word not in self.words:
            applicable = self._word(word)
        if not kind or applicable is None:
            return False
        if applicable and not (actual and (kind == 1 or weight)):
            return False
        if gone:
            return True
        return self._keep(number, employee, label, kpi_id, actual, target, weight, applicable)

    def _keep(
        self,
        number: int,
        employee: str,
        label: str,
        kpi: str,
        actual: str,
        target: str,
        weight: str,
        applicable: bool,
    ) -> bool:
        """The record of a row of the period, as the full check makes it; False (and
        nothing kept or reported) when the model refuses it or it repeats a row, for the
        full check to say what is wrong."""
        period = self.rules.periods[label]
        assert isinstance(period, Period)  # read (see __call__)
        data: dict[str, object] = {
            "employee_id": sys.intern(employee),
            "period": period.label,
            "kpi": kpi,
        }
        if actual:
            data["actual"] = Decimal(actual)  # a plain number (_LINE_CELLS)
        if target:
            data["target"] = Decimal(target)
        if weight:
            data["weight"] = Decimal(weight)
        data["applicable"] = applicable
        key = (employee, kpi, period)
        if key in self.rules.seen:
            return False
        try:
            record = MeasurementRow.model_validate(data)
        except ValidationError:
            return False
        self.rules.seen[key] = number
        self.kept.append(self.checker.shared(record))
        return True

    def _gone(self, label: str) -> bool:
        """Whether rows of the period ``label`` (read already) are let go."""
        period = self.rules.periods[label]
        assert isinstance(period, Period)
        gone = not self.rules.overlaps(period)
        if len(self.gone) < 10_000:
            self.gone[label] = gone
        return gone

    def _kpi(self, cell: str) -> tuple[int, str]:
        """0: not a KPI (or in doubt); 1: a KPI; 2: a KPI whose applicable rows need a
        weight (a weighted mean); with the KPI's id."""
        lean = self.rules.lean
        kind, found = 0, cell
        if lean._kpi(cell):
            kind = 1
            if lean.names is not None:
                resolved = lean.names.resolve(cell)
                if not isinstance(resolved, str):
                    kind = 0
                else:
                    found = resolved
                    if lean.kpis is not None and lean.kpis[found].aggregation == "weighted_mean":
                        kind = 2
        if len(self.kpis) < 10_000:
            self.kpis[cell] = (kind, found)
        return kind, found

    def _word(self, cell: str) -> bool | None:
        """Whether an ``applicable`` cell says true, or false; None: neither."""
        word = cell.casefold()
        found = True if not word or word in TRUE_WORDS else False if word in FALSE_WORDS else None
        if len(self.words) < 10_000:
            self.words[cell] = found
        return found


def _fits(values: Mapping[str, object]) -> bool:
    """Whether checked measurement cells make a valid record, as the model would say,
    without building it (rows of other periods are checked this way, then let go)."""
    employee, kpi = values["employee_id"], values["kpi"]
    return (
        isinstance(employee, str)
        and len(employee) <= _EMPLOYEE_ID_MAX
        and isinstance(kpi, str)
        and len(kpi) <= _ID_MAX
        and _ID.fullmatch(kpi) is not None
    )


def _is_wide(header: list[str]) -> bool:
    from medsales.io.cells import canonical_column

    known = {canonical_column(c) for c in header}
    return "kpi" not in known and "actual" not in known and "employee_id" in known


def _wide_pairs(
    header: list[str],
    columns: list[str | None],
    names: Names | None,
    add: Callable[[int | str, str, str], None],
) -> list[tuple[str, int | None, int | None]]:
    """Per KPI of a wide sheet: its id and the positions of its actual and target columns."""
    found: dict[str, list[int | None]] = {}
    for index, (cell, column) in enumerate(zip(header, columns, strict=True)):
        if column is not None or not cell:
            continue
        match = _WIDE_TARGET.fullmatch(cell)
        label, slot = (match.group(1), 1) if match else (cell, 0)
        if names is not None:
            resolved = names.resolve(label)
            if not isinstance(resolved, str):
                known = ", ".join(names.ids)
                why = (
                    f"names several KPIs ({', '.join(resolved)})"
                    if resolved
                    else f"is not a KPI (expected a KPI id or label: {known})"
                )
                add(cell, cell, f"column {cell!r} of the wide sheet {why}")
                continue
        elif _ID.fullmatch(label):
            resolved = label
        else:
            add(cell, cell, f"column {cell!r} of the wide sheet is not a KPI id")
            continue
        slots = found.setdefault(resolved, [None, None])
        if slots[slot] is not None:
            add(cell, cell, f"KPI {resolved!r} has two {('actual', 'target')[slot]} columns")
        slots[slot] = index
    return [(kpi, slots[0], slots[1]) for kpi, slots in found.items()]


def _cells(
    table: RawTable,
    header: list[str],
    columns: list[str | None],
    checker: Checker,
    pairs: list[tuple[str, int | None, int | None]],
    shown: Mapping[str, str],
) -> Iterator[_Row]:
    width = len(header)
    for line, cells in table.rows:
        if table.problems:
            checker.problems.extend(table.problems)
            table.problems.clear()
        if len(cells) < width and (table.spreadsheet or table.frame):
            cells = cells + [""] * (width - len(cells))
        if len(cells) < width or any(cells[width:]):
            checker.add(
                line,
                None,
                cells,
                f"the row has {len(cells)} cells but the header has {width} columns "
                f"({', '.join(header)})",
            )
            continue
        row = {c: cell for c, cell in zip(columns, cells, strict=False) if c is not None}
        if table.bad_cells:
            checker.skip = {
                (line, c)
                for at, j in table.bad_cells
                if at == line and j < len(columns) and (c := columns[j]) is not None
            }
            table.bad_cells.difference_update({b for b in table.bad_cells if b[0] == line})
        elif checker.skip:
            checker.skip = set()
        if not pairs:
            yield line, row, None
            continue
        for kpi, actual, target in pairs:
            a = cells[actual] if actual is not None else ""
            t = cells[target] if target is not None else ""
            if not a and not t:
                continue
            long = dict(row, kpi=kpi, actual=a, target=t)
            where = dict(shown)
            at = actual if actual is not None else target
            assert at is not None  # a pair has one column at least
            where["kpi"] = where["actual"] = header[at]
            if target is not None:
                where["target"] = header[target]
            yield line, long, where
    if table.problems:
        checker.problems.extend(table.problems)
        table.problems.clear()


def _each(
    checker: Checker,
    rows: Iterator[_Row],
    check: Callable[[Checker, int, Mapping[str, str]], _R | None],
) -> Iterator[tuple[int, _R]]:
    plain = checker.shown
    for line, row, shown in rows:
        checker.shown = plain if shown is None else shown
        record = check(checker, line, row)
        if record is not None:
            yield line, record
    checker.shown = plain


def _problems(table: RawTable, max_problems: int) -> Problems:
    if isinstance(max_problems, bool) or not isinstance(max_problems, int):
        raise wrong_type("max_problems", max_problems, "an int")
    if max_problems < 1:
        raise InputError(
            f"max_problems {max_problems} lists no problem",
            path="max_problems",
            value=max_problems,
            expected="1 or more",
        )
    return Problems(table.file, limit=max_problems)


# --------------------------------------------------------------------------- employees


def read_employees(
    source: Source,
    *,
    policy: Policy | None = None,
    name: str | None = None,
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
) -> tuple[Employee, ...]:
    """Read an employees file: one row per person and role assignment (SPEC §10).

    Columns ``employee_id``, ``role`` and the optional ``name``, ``manager_id``,
    ``active_from``, ``active_to`` (empty ``manager_id`` = the top of the organisation,
    empty ``active_to`` = still active). A ``manager_id`` naming no employee of the file,
    an employee managing themselves, a management cycle and overlapping role assignments
    of one employee are problems; with ``policy``, so is an unknown role (a role may be
    named by its id or any of its labels).
    """
    table = open_table(source, "employees", name=name, encoding=encoding)
    return tuple(employees_of(table, policy, max_problems=max_problems))


def employees_of(
    table: RawTable,
    policy: Policy | None,
    *,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> list[Employee]:
    """The employees of an open table (see :func:`read_employees`)."""
    roles = None if policy is None else Names.of("role", policy.roles)
    problems = _problems(table, max_problems)
    checker, rows = _located_rows(table, "employees", problems, required=required)

    def check(ck: Checker, line: int, row: Mapping[str, str]) -> Employee | None:
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

    records = list(_each(checker, rows, check))
    _check_organisation(checker, records)
    problems.raise_if_any(checker.order)
    return [r for _, r in records]


def _check_organisation(checker: Checker, records: list[tuple[int, Employee]]) -> None:
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
    for line, cycle in manager_cycles(managers):
        chain = " → ".join(cycle)
        checker.add(
            line,
            "manager_id",
            cycle[-1],
            f"management cycle: {chain} (each employee's manager_id leads back)",
        )
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


# --------------------------------------------------------------------------- measurements


def read_measurements(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
) -> tuple[MeasurementRow, ...]:
    """Read a measurements file: one row per employee × KPI × period (SPEC §10), or a
    wide sheet (考核表, SPEC §19): one row per employee and period, a column per KPI.

    Long form: columns ``employee_id``, ``period``, ``kpi``, ``actual``, ``target`` and
    the optional ``weight`` and ``applicable``. Wide form (recognised by a header without
    ``kpi`` and ``actual``): ``employee_id``, ``period``, then a column per KPI (its id or
    label) holding the actual and optional ``<kpi>.target`` columns. Two rows for the same
    employee, KPI and period are a problem (they would never be summed silently). With
    ``policy``, an unknown KPI and a weighted-mean KPI's row without a weight are problems
    and fiscal labels are read in the policy's calendar; with ``employee_ids``, so is an
    employee not in that roster.
    """
    table = open_table(source, "measurements", name=name, encoding=encoding)
    read = measurements_of(table, policy, employee_ids, max_problems=max_problems)
    return tuple(read.records)  # type: ignore[arg-type]


def measurements_of(
    table: RawTable,
    policy: Policy | None,
    employee_ids: Collection[str] | None = None,
    *,
    within: Period | None = None,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> Read:
    """The measurement rows of an open table (see :func:`read_measurements`). With
    ``within``, rows whose period does not overlap it are checked, then let go."""
    names = None if policy is None else Names.of("KPI", policy.kpis)
    problems = _problems(table, max_problems)
    checker, rows = _located_rows(
        table, "measurements", problems, required=required, wide_names=names
    )
    rules = _MeasurementRules(policy, employee_ids, names, within)
    out = Read()
    if within is not None and not table.frame and not table.spreadsheet:
        table.let_go = _LineLetGo.of(table.header, rules, checker, out.records)
    for _, record in _each(checker, rows, rules.check_or_let_go):
        out.records.append(record)  # after the records kept from lines before its own
    out.periods = {p for p in rules.periods.values() if isinstance(p, Period)}
    problems.raise_if_any(checker.order)
    return out


@attrs.define
class _MeasurementRules:
    """The checks of a measurement row, and what is remembered across rows: the period
    labels read, the rows kept (for duplicates), which periods overlap ``within``."""

    policy: Policy | None
    employee_ids: Collection[str] | None
    names: Names | None
    within: Period | None
    periods: dict[str, Period | str] = attrs.Factory(dict)
    seen: dict[tuple[str, str, Period], int] = attrs.Factory(dict)
    overlapping: dict[str, bool] = attrs.Factory(dict)
    lean: _LeanMeasurement = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        kpis = None if self.policy is None else self.policy.kpis_by_id
        self.lean = _LeanMeasurement(self.employee_ids, self.names, kpis)

    def overlaps(self, period: Period) -> bool:
        found = self.overlapping.get(period.label)
        if found is None:
            found = self.within is None or period.overlaps(self.within)
            self.overlapping[period.label] = found
        return found

    def check_or_let_go(
        self, ck: Checker, line: int, row: Mapping[str, str]
    ) -> MeasurementRow | None:
        """A row of another period with nothing wrong is let go at once; any other row
        gets the full check."""
        if self.within is not None:
            period = self.periods.get(row.get("period", ""))
            if isinstance(period, Period) and not self.overlaps(period) and self.lean.fine(row):
                return None
        return self.check(ck, line, row)

    def _values(self, ck: Checker, line: int, row: Mapping[str, str]) -> dict[str, object]:
        applicable = ck.boolean(line, row, "applicable")
        period = ck.period(line, row, "period", self.policy, self.periods)
        values: dict[str, object] = {
            "employee_id": ck.employee(line, row, "employee_id", self.employee_ids),
            "period": period,
            "kpi": ck.one_of(line, row, "kpi", self.names, "KPI"),
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
            self.policy is not None
            and isinstance(kpi, str)
            and applicable is True
            and self.policy.kpis_by_id[kpi].aggregation == "weighted_mean"
            and values["weight"] is None
        ):
            values["weight"] = ck.add(
                line,
                "weight",
                "",
                f"empty cell: KPI {kpi!r} aggregates by weighted_mean and needs a weight "
                "(e.g. the number of cases behind the actual)",
            )
        return values

    def check(self, ck: Checker, line: int, row: Mapping[str, str]) -> MeasurementRow | None:
        """Every cell checked; the record when the row is of the period and valid."""
        values = self._values(ck, line, row)
        period = values["period"]
        if isinstance(period, Period):
            values["period"] = period.label
        if isinstance(period, Period) and self.within is not None and not self.overlaps(period):
            # checked, then let go: no record is built, nothing is remembered
            if not any(isinstance(v, Bad) for v in values.values()) and not _fits(values):
                ck.record(MeasurementRow, line, row, values)  # to say what is wrong
            return None
        record = ck.record(MeasurementRow, line, row, values)
        if record is None or not isinstance(period, Period):
            return None
        key = (record.employee_id, record.kpi, period)
        if key in self.seen:
            ck.add(
                line,
                "period",
                row.get("period", ""),
                f"duplicate row: employee {key[0]!r}, KPI {key[1]!r}, period {period.label} "
                f"is already on line {self.seen[key]}",
            )
            return None
        self.seen[key] = line
        return record


# --------------------------------------------------------------------------- incidents


def read_incidents(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
) -> tuple[Incident, ...]:
    """Read an incidents file: one conduct incident per row (SPEC §5, §10).

    Columns ``employee_id`` (required here, though :class:`~medsales.Incident` allows
    none), ``rule``, ``severity`` (``minor``, ``major``, ``critical``), ``date`` (empty: the
    incident counts in every period) and the optional ``note``. With ``policy``, an
    unknown conduct rule is a problem (a rule may be named by its id or any label); with
    ``employee_ids``, so is an unknown employee.
    """
    table = open_table(source, "incidents", name=name, encoding=encoding)
    return tuple(incidents_of(table, policy, employee_ids, max_problems=max_problems))


_SEVERITY_WORDS: Final = Names(
    "severity",
    SEVERITIES,
    {
        "轻微": ("minor",),
        "輕微": ("minor",),
        "严重": ("major",),
        "嚴重": ("major",),
        "重大": ("critical",),
        "特别严重": ("critical",),
        "特別嚴重": ("critical",),
    },
)


def incidents_of(
    table: RawTable,
    policy: Policy | None,
    employee_ids: Collection[str] | None = None,
    *,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> list[Incident]:
    """The incidents of an open table (see :func:`read_incidents`)."""
    rules = None if policy is None else Names.of("conduct rule", policy.conduct_rules)
    problems = _problems(table, max_problems)
    checker, rows = _located_rows(table, "incidents", problems, required=required)

    def check(ck: Checker, line: int, row: Mapping[str, str]) -> Incident | None:
        return ck.record(
            Incident,
            line,
            row,
            {
                "employee_id": ck.employee(line, row, "employee_id", employee_ids),
                "rule": ck.one_of(line, row, "rule", rules, "conduct rule"),
                "severity": ck.one_of(line, row, "severity", _SEVERITY_WORDS, "severity"),
                "date": ck.date(line, row, "date"),
                "note": row.get("note", ""),
            },
        )

    records = [r for _, r in _each(checker, rows, check)]
    problems.raise_if_any(checker.order)
    return records


# --------------------------------------------------------------------------- ratings, surveys


def _derived(policy: Policy | None, kind: type[RatingsDerive | SurveyDerive]) -> dict[str, KPI]:
    if policy is None:
        return {}
    return {k.id: k for k in policy.kpis if isinstance(k.derive, kind)}


def _derived_kpi(
    ck: Checker,
    line: int,
    row: Mapping[str, str],
    policy: Policy | None,
    derived: Mapping[str, KPI],
    source_name: str,
    names: Names | None,
) -> str | Bad:
    cell = ck.required(line, row, "kpi")
    if isinstance(cell, Bad) or policy is None or names is None or cell in derived:
        return cell
    found = names.resolve(cell)
    if isinstance(found, str) and found in derived:
        return found
    listed = (
        ", ".join(sorted(derived)) or f"none: no KPI of the policy is derived from {source_name}"
    )
    if isinstance(found, str):
        message = f"KPI {cell!r} is not derived from {source_name} (expected one of {listed})"
    elif found:
        message = f"KPI {cell!r} is ambiguous: it names {', '.join(found)} (write the id)"
    else:
        message = f"unknown KPI {cell!r} (expected one of {listed})"
    return ck.add(line, "kpi", cell, message)


def _let_go(
    ck: Checker,
    model: type[_R],
    line: int,
    row: Mapping[str, str],
    values: Mapping[str, object],
    within: Period | None,
) -> bool:
    """Whether a checked row lies outside ``within`` and is let go: no record is built
    (the model's own checks are done where a cell could still fail them)."""
    period = values["period"]
    if within is None or not isinstance(period, Period) or period.overlaps(within):
        return False
    if not any(isinstance(v, Bad) for v in values.values()) and not _ids_fit(values):
        ck.record(model, line, row, {**values, "period": period.label})  # to say what is wrong
    return True


def _ids_fit(values: Mapping[str, object]) -> bool:
    """Whether the ids of checked cells are as the records' models want them."""
    for key, value in values.items():
        if key in ("employee_id", "rater_id"):
            if not isinstance(value, str) or len(value) > _EMPLOYEE_ID_MAX:
                return False
        elif key in ("kpi", "rater_group") and (
            not isinstance(value, str) or len(value) > _ID_MAX or not _ID.fullmatch(value)
        ):
            return False
    return True


def read_ratings(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
) -> tuple[Rating, ...]:
    """Read a ratings file: one rater's rating of an employee per row (360°, SPEC §8, §10).

    Columns ``employee_id``, ``period``, ``kpi``, ``rater_id``, ``rater_group``,
    ``rating``. A rating of oneself under a group other than ``self``, a ``self`` rating
    by someone else, and a second rating by the same rater of the same employee, KPI and
    period are problems. With ``policy``, a KPI that is not derived from ratings and a
    group without a weight for the KPI are problems; with ``employee_ids``, so is an
    ``employee_id`` or a ``rater_id`` not in the roster (raters are employees too).
    """
    table = open_table(source, "ratings", name=name, encoding=encoding)
    read = ratings_of(table, policy, employee_ids, max_problems=max_problems)
    return tuple(read.records)  # type: ignore[arg-type]


def ratings_of(
    table: RawTable,
    policy: Policy | None,
    employee_ids: Collection[str] | None = None,
    *,
    within: Period | None = None,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> Read:
    """The ratings of an open table (see :func:`read_ratings`)."""
    derived = _derived(policy, RatingsDerive)
    names = None if policy is None else Names.of("KPI", policy.kpis)
    problems = _problems(table, max_problems)
    checker, rows = _located_rows(table, "ratings", problems, required=required)
    seen: dict[tuple[str, str, str, str], int] = {}
    periods: dict[str, Period | str] = {}
    out = Read()

    def check(ck: Checker, line: int, row: Mapping[str, str]) -> Rating | None:
        kpi = _derived_kpi(ck, line, row, policy, derived, "ratings", names)
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
        values: dict[str, object] = {
            "employee_id": employee,
            "period": ck.period(line, row, "period", policy, periods),
            "kpi": kpi,
            "rater_id": rater,
            "rater_group": group,
            "rating": ck.number(line, row, "rating", required=True),
        }
        if _let_go(ck, Rating, line, row, values, within):
            return None
        period = values["period"]
        if isinstance(period, Period):
            values["period"] = period.label
        record = ck.record(Rating, line, row, values)
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

    out.records = [r for _, r in _each(checker, rows, check)]
    out.periods = {p for p in periods.values() if isinstance(p, Period)}
    problems.raise_if_any(checker.order)
    return out


def _self_group(ck: Checker, line: int, employee: str, rater: str, group: str) -> str | Bad:
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
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
) -> tuple[SurveyResponse, ...]:
    """Read a customer survey file: one response about an employee per row (SPEC §8, §10).

    Columns ``employee_id``, ``period``, ``kpi``, ``response``. With ``policy``, a KPI that
    is not derived from surveys is a problem, and so is a response outside its scale: 1–5
    for ``csat`` and ``mean`` KPIs, 0–10 for ``nps``; with ``employee_ids``, so is an
    unknown employee.
    """
    table = open_table(source, "surveys", name=name, encoding=encoding)
    read = surveys_of(table, policy, employee_ids, max_problems=max_problems)
    return tuple(read.records)  # type: ignore[arg-type]


def surveys_of(
    table: RawTable,
    policy: Policy | None,
    employee_ids: Collection[str] | None = None,
    *,
    within: Period | None = None,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> Read:
    """The survey responses of an open table (see :func:`read_surveys`)."""
    derived = _derived(policy, SurveyDerive)
    names = None if policy is None else Names.of("KPI", policy.kpis)
    problems = _problems(table, max_problems)
    checker, rows = _located_rows(table, "surveys", problems, required=required)
    periods: dict[str, Period | str] = {}
    out = Read()

    def check(ck: Checker, line: int, row: Mapping[str, str]) -> SurveyResponse | None:
        kpi = _derived_kpi(ck, line, row, policy, derived, "surveys", names)
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
        values: dict[str, object] = {
            "employee_id": ck.employee(line, row, "employee_id", employee_ids),
            "period": ck.period(line, row, "period", policy, periods),
            "kpi": kpi,
            "response": response,
        }
        if _let_go(ck, SurveyResponse, line, row, values, within):
            return None
        period = values["period"]
        if isinstance(period, Period):
            values["period"] = period.label
        return ck.record(SurveyResponse, line, row, values)

    out.records = [r for _, r in _each(checker, rows, check)]
    out.periods = {p for p in periods.values() if isinstance(p, Period)}
    problems.raise_if_any(checker.order)
    return out


# --------------------------------------------------------------------------- goals

_GOAL_STATUSES: Final = ("active", "completed", "archived")


def read_goals(
    source: Source,
    *,
    policy: Policy | None = None,
    employee_ids: Collection[str] | None = None,
    name: str | None = None,
    encoding: str = "utf-8",
    max_problems: int = MAX_PROBLEMS,
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
    table = open_table(source, "goals", name=name, encoding=encoding)
    return tuple(goals_of(table, policy, employee_ids, max_problems=max_problems))


def goals_of(
    table: RawTable,
    policy: Policy | None,
    employee_ids: Collection[str] | None = None,
    *,
    max_problems: int = MAX_PROBLEMS,
    required: tuple[str, ...] | None = None,
) -> list[Goal]:
    """The goals of an open table (see :func:`read_goals`)."""
    from medsales.cohort.goals import goal_problems

    problems = _problems(table, max_problems)
    checker, rows = _located_rows(table, "goals", problems, required=required)
    periods: dict[str, Period | str] = {}
    bad_ids: set[str] = set()

    def check(ck: Checker, line: int, row: Mapping[str, str]) -> Goal | None:
        status: str | Bad = row.get("status", "") or "active"
        if status not in _GOAL_STATUSES:
            status = ck.add(
                line,
                "status",
                status,
                f"unknown status {status!r} (expected one of {', '.join(_GOAL_STATUSES)}, "
                "or empty for active)",
            )
        period = ck.period(line, row, "period", policy, periods)
        record = ck.record(
            Goal,
            line,
            row,
            {
                "goal_id": ck.required(line, row, "goal_id"),
                "employee_id": ck.employee(line, row, "employee_id", employee_ids),
                "period": period.label if isinstance(period, Period) else period,
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

    found = list(_each(checker, rows, check))
    lines = [line for line, _ in found]
    goals = [g for _, g in found]
    for q in goal_problems(goals, policy, where=lambda i: f"line {lines[i]}"):
        if q.column == "parent_id" and q.value in bad_ids and "unknown parent" in q.message:
            continue  # its parent's row has problems of its own, reported there
        cell = "" if q.value is None else str(q.value)
        checker.add(lines[q.index], q.column, cell, q.message)
    problems.raise_if_any(checker.order)
    return goals
