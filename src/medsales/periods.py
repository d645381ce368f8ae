"""Periods: months, quarters, halves and years of the calendar or a fiscal year (SPEC §6).

A :class:`Period` is named by its label (``2026-07``, ``2026-Q3``, ``2026-H2``, ``2026``,
``FY2026``, ``FY2026-Q1``, ``FY2026-H1``) and the fiscal calendar the label is read in;
its dates follow from those. A review cycle that follows no calendar is an inclusive date
range, ``2026-01-15..2026-04-14`` (SPEC §15). Calendar arithmetic is python-dateutil's
(``relativedelta`` and ``rrule``), never hand-written. The module also holds the two
period computations the engine needs: :func:`active_share` (proration of a target for a
partial period) and :func:`aggregate` (combining the values of sub-periods), both exact.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Final, Literal

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule

from medsales.errors import InputError, PeriodError, shown
from medsales.numbers import Number, exact_sum, to_decimal

__all__ = [
    "AGGREGATIONS",
    "KINDS",
    "LABEL_FORMS",
    "PRORATION_METHODS",
    "Aggregation",
    "NamedBy",
    "Period",
    "PeriodKind",
    "ProrationMethod",
    "active_share",
    "aggregate",
]

PeriodKind = Literal["month", "quarter", "half", "year"]
"""The calendar kinds; a :class:`Period` may also be a ``"range"`` of dates."""
NamedBy = Literal["end", "start"]
ProrationMethod = Literal["days", "months"]
Aggregation = Literal["sum", "mean", "weighted_mean", "last", "min", "max"]

KINDS: Final[tuple[PeriodKind, ...]] = ("month", "quarter", "half", "year")
"""Period kinds from the finest to the coarsest."""

PRORATION_METHODS: Final[tuple[ProrationMethod, ...]] = ("days", "months")
"""The policy's ``proration`` values (SPEC §6)."""

AGGREGATIONS: Final[tuple[Aggregation, ...]] = (
    "sum",
    "mean",
    "weighted_mean",
    "last",
    "min",
    "max",
)
"""A KPI's ``aggregation`` values over sub-periods (SPEC §2)."""

LABEL_FORMS: Final = (
    "2026-07, 2026-Q3, 2026-H2, 2026, FY2026, FY2026-Q1, FY2026-H1, 2026-01-15..2026-04-14"
)
"""One example of every label form, shown in error messages."""

_MONTHS_IN: Final[dict[str, int]] = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PART_KIND: Final[dict[str, PeriodKind]] = {"Q": "quarter", "H": "half"}
_PART_COUNT: Final[dict[str, int]] = {"Q": 4, "H": 2}
_LABEL: Final = re.compile(
    r"(?P<fy>FY)?(?P<year>\d{4})(?:-(?:(?P<part>[QH])(?P<index>\d+)|(?P<month>\d{2})))?",
    re.ASCII,
)
_SHORT_FISCAL_YEAR: Final = re.compile(r"FY\d{1,3}(?:-.*)?", re.ASCII)
_SHORT_MONTH: Final = re.compile(r"\d{4}-\d", re.ASCII)
_RANGE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ONE_DAY: Final = dt.timedelta(days=1)
_EXPECTED_LABEL: Final = f"one of: {LABEL_FORMS}"


_LONGEST_LABEL = 100
"""More than any label form needs, with room for whitespace around it."""


def _label_error(label: object, reason: str) -> PeriodError:
    text = label if isinstance(label, str) else shown(label)
    return PeriodError(
        f'"{text}" is not a period label: {reason}',
        value=label,
        expected=_EXPECTED_LABEL,
    )


def _parse_range(label: str) -> tuple[str, dt.date, dt.date] | None:
    """A date-range label's canonical text, first and last day; None for other labels."""
    text = label.strip()
    if ".." not in text:
        return None
    match = _RANGE.fullmatch(text)
    if match is None:
        raise _label_error(label, "a date range is two dates YYYY-MM-DD joined by '..'")
    parts = [int(g) for g in match.groups()]
    try:
        start = dt.date(*parts[:3])
        end = dt.date(*parts[3:])
    except ValueError as exc:
        raise _label_error(label, f"{exc}") from None
    if end < start:
        raise _label_error(
            label, f"the range ends ({end.isoformat()}) before it starts ({start.isoformat()})"
        )
    return f"{start.isoformat()}..{end.isoformat()}", start, end


@attrs.frozen
class _Parsed:
    label: str
    kind: PeriodKind
    fiscal: bool
    year: int
    index: int  # month number, quarter or half number; 1 for a year


def _parse_label(label: object) -> _Parsed:
    """Read a label's form; whitespace around it and the case of its letters do not count."""
    if not isinstance(label, str):
        raise _label_error(label, f"a label is a string, not {type(label).__name__}")
    if len(label) > _LONGEST_LABEL:  # before any int(): a label is a few characters
        raise _label_error(
            f"{label[:20]}…", f"{len(label):,} characters is too long for a period label"
        )
    text = label.strip().upper()
    if not text:
        raise _label_error(label, "it is empty")
    match = _LABEL.fullmatch(text)
    if match is None:
        if _SHORT_FISCAL_YEAR.fullmatch(text):
            raise _label_error(label, "a fiscal year has four digits, as in FY2026")
        if _SHORT_MONTH.fullmatch(text):
            raise _label_error(label, "a month has two digits, as in 2026-07")
        raise _label_error(label, "it has none of the label forms")
    fiscal = match["fy"] is not None
    year = int(match["year"])
    if year == 0:
        raise _label_error(label, "year 0000 does not exist (years run from 0001 to 9999)")
    if match["month"] is not None:
        if fiscal:
            raise _label_error(
                label,
                "months are always calendar months, labelled as in 2026-07 (no FY prefix)",
            )
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _label_error(label, f"month {match['month']} does not exist (01 to 12)")
        return _Parsed(text, "month", fiscal=False, year=year, index=month)
    if match["part"] is None:
        return _Parsed(text, "year", fiscal=fiscal, year=year, index=1)
    part, count = match["part"], _PART_COUNT[match["part"]]
    kind = _PART_KIND[part]
    index = int(match["index"])
    if not 1 <= index <= count or match["index"] != str(index):
        valid = f"{part}1 or {part}2" if count == 2 else f"{part}1 to {part}{count}"
        raise _label_error(label, f"{kind} {match['index']} does not exist ({valid})")
    return _Parsed(text, kind, fiscal=fiscal, year=year, index=index)


def _check_fiscal_year_start(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise PeriodError(
            f"{shown(value)} is not the number of a month",
            path="fiscal_year_start",
            value=value,
            expected="an int from 1 (January) to 12 (December)",
        )
    return value


def _check_named_by(value: object) -> NamedBy:
    if value == "end":
        return "end"
    if value == "start":
        return "start"
    raise PeriodError(
        f"{shown(value)} is not a way to name a fiscal year",
        path="named_by",
        value=value,
        expected='"end" (FY2026 ends in 2026) or "start" (FY2026 starts in 2026)',
    )


def _fiscal_first_year(named_year: int, fiscal_year_start: int, named_by: NamedBy) -> int:
    """The calendar year in which the fiscal year named ``named_year`` begins."""
    if fiscal_year_start == 1 or named_by == "start":
        return named_year
    return named_year - 1


def _span(parsed: _Parsed, fiscal_year_start: int, named_by: NamedBy) -> tuple[dt.date, dt.date]:
    size = _MONTHS_IN[parsed.kind]
    try:
        if parsed.fiscal:
            first_year = _fiscal_first_year(parsed.year, fiscal_year_start, named_by)
            base = dt.date(first_year, fiscal_year_start, 1)
        else:
            base = dt.date(parsed.year, 1, 1)
        start = base + relativedelta(months=(parsed.index - 1) * size)
        # day=31 is clamped to the last day of the month: no step past the period's end.
        end = start + relativedelta(months=size - 1, day=31)
    except (ValueError, OverflowError):
        settings = (
            f' with fiscal_year_start={fiscal_year_start} and named_by="{named_by}"'
            if parsed.fiscal
            else ""
        )
        raise PeriodError(
            f'"{parsed.label}"{settings} lies outside the dates Python can represent',
            value=parsed.label,
            expected="a period within the years 0001 to 9999",
        ) from None
    return start, end


def _as_date(value: object, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise PeriodError(
        f"{shown(value)} is not a date",
        path=path,
        value=value,
        expected="a datetime.date",
    )


def _check_kind(value: object, path: str = "kind") -> PeriodKind:
    for kind in KINDS:
        if value == kind:
            return kind
    raise PeriodError(
        f"{shown(value)} is not a period kind",
        path=path,
        value=value,
        expected=" | ".join(KINDS),
    )


@attrs.frozen(order=False, repr=False)
class Period:
    """A named period: its label, read in a calendar, gives its first and last day.

    ``Period(label, fiscal_year_start=1, named_by="end")`` and :meth:`Period.parse` are
    the same. Plain labels (``2026-Q3``) are calendar periods and keep
    ``fiscal_year_start=1``; ``FY`` labels are read in the fiscal year that starts in
    month ``fiscal_year_start`` and that is named by the calendar year in which it ends
    (``named_by="end"``) or starts (``"start"``). Periods sort by ``(start, end)``.

    >>> Period("FY2026-Q1", fiscal_year_start=4)
    Period('FY2026-Q1', fiscal_year_start=4)
    """

    label: str
    """The canonical label: stripped and upper-case (``fy2026-q1`` → ``FY2026-Q1``)."""
    fiscal_year_start: int = 1
    """The first month of the fiscal year the label is read in; 1 for calendar labels."""
    named_by: NamedBy = "end"
    """Whether ``FY2026`` ends or starts in 2026; always ``"end"`` when the start is 1."""
    start: dt.date = attrs.field(init=False)
    """The first day."""
    end: dt.date = attrs.field(init=False)
    """The last day (inclusive)."""
    kind: PeriodKind | Literal["range"] = attrs.field(init=False)
    """``month``, ``quarter``, ``half`` or ``year``; ``range`` for a date range."""
    fiscal: bool = attrs.field(init=False)
    """True for ``FY`` labels."""

    def __attrs_post_init__(self) -> None:
        start_month = _check_fiscal_year_start(self.fiscal_year_start)
        named_by = _check_named_by(self.named_by)
        if not isinstance(self.label, str):
            raise _label_error(self.label, f"a label is a string, not {type(self.label).__name__}")
        dates = _parse_range(self.label)
        if dates is not None:
            # A date range names its days itself: no calendar settings apply.
            for name, value in (
                ("label", dates[0]),
                ("fiscal_year_start", 1),
                ("named_by", "end"),
                ("start", dates[1]),
                ("end", dates[2]),
                ("kind", "range"),
                ("fiscal", False),
            ):
                object.__setattr__(self, name, value)
            return
        parsed = _parse_label(self.label)
        if not parsed.fiscal:
            start_month = 1
        if start_month == 1:
            # With a January start, FY2026 is calendar 2026 whichever way it is named.
            named_by = "end"
        start, end = _span(parsed, start_month, named_by)
        object.__setattr__(self, "label", parsed.label)
        object.__setattr__(self, "fiscal_year_start", start_month)
        object.__setattr__(self, "named_by", named_by)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "kind", parsed.kind)
        object.__setattr__(self, "fiscal", parsed.fiscal)

    @classmethod
    def parse(cls, label: str, fiscal_year_start: int = 1, named_by: NamedBy = "end") -> Period:
        """Read a period label; a bad label raises :class:`PeriodError` listing the forms.

        >>> p = Period.parse("FY2026", fiscal_year_start=4)
        >>> p.start, p.end, p.days
        (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), 365)

        A period is immutable, so the same label in the same calendar gives the same
        object: data files repeat a handful of labels in every row, and each is read once.
        """
        if cls is Period and type(label) is str and type(fiscal_year_start) is int:
            return _parse(label, fiscal_year_start, named_by)
        return cls(label, fiscal_year_start, named_by)  # checked, and not shared

    @classmethod
    def containing(
        cls,
        day: dt.date,
        kind: PeriodKind,
        fiscal_year_start: int = 1,
        named_by: NamedBy = "end",
        *,
        fiscal: bool | None = None,
    ) -> Period:
        """The period of ``kind`` that contains ``day``.

        Quarters, halves and years are fiscal when ``fiscal`` is true, calendar when it is
        false, and by default fiscal exactly when ``fiscal_year_start`` is not 1. Months are
        always calendar months.

        >>> import datetime
        >>> Period.containing(datetime.date(2026, 2, 14), "quarter", fiscal_year_start=4)
        Period('FY2026-Q4', fiscal_year_start=4)
        """
        day = _as_date(day, "day")
        kind = _check_kind(kind)
        start_month = _check_fiscal_year_start(fiscal_year_start)
        named_by = _check_named_by(named_by)
        if fiscal is None:
            fiscal = start_month != 1
        if kind == "month":
            return cls(f"{day.year:04d}-{day.month:02d}")
        size = _MONTHS_IN[kind]
        if not fiscal:
            number, offset, prefix = day.year, day.month - 1, ""
        else:
            first_year = day.year if day.month >= start_month else day.year - 1
            number = first_year + 1 if start_month != 1 and named_by == "end" else first_year
            offset, prefix = (day.month - start_month) % 12, "FY"
            if not 1 <= number <= 9999:
                raise PeriodError(
                    f"{day.isoformat()} falls in fiscal year {number}, which has no label",
                    path="day",
                    value=day,
                    expected="a day in a fiscal year from FY0001 to FY9999",
                )
        label = f"{prefix}{number:04d}"
        if kind != "year":
            label += f"-{kind[0].upper()}{offset // size + 1}"
        return cls(label, start_month, named_by)

    @property
    def days(self) -> int:
        """The number of days, first and last included."""
        return (self.end - self.start).days + 1

    @property
    def months(self) -> tuple[Period, ...]:
        """The calendar months of the period, in order (for a date range, every month it
        touches, the first and last perhaps in part)."""
        if self.kind == "range":
            first = Period.containing(self.start, "month")
            last = Period.containing(self.end, "month")
            out = [first]
            while out[-1] != last:
                out.append(out[-1].next())
            return tuple(out)
        return self.subperiods("month")

    def subperiods(self, kind: PeriodKind) -> tuple[Period, ...]:
        """The periods of ``kind`` that tile this one, in order, named as this one is.

        Quarters and halves of a fiscal period are fiscal (``FY2026-Q1``), of a calendar
        period calendar (``2026-Q1``); months are always ``YYYY-MM``. ``kind`` may be this
        period's own kind (the period itself) but not a coarser one.

        >>> [str(q) for q in Period.parse("FY2026", fiscal_year_start=4).subperiods("half")]
        ['FY2026-H1', 'FY2026-H2']
        """
        kind = _check_kind(kind)
        size = _MONTHS_IN[kind]
        if self.kind == "range":
            raise PeriodError(
                f"a date range ({self.label}) is not tiled by {kind}s",
                path="kind",
                value=kind,
                expected="a calendar or fiscal period (its months: Period.months)",
            )
        if size > _MONTHS_IN[self.kind]:
            finer = KINDS[: KINDS.index(self.kind) + 1]
            raise PeriodError(
                f"a {self.kind} ({self.label}) has no {kind} sub-periods",
                path="kind",
                value=kind,
                expected=" | ".join(finer),
            )
        starts = rrule(MONTHLY, interval=size, dtstart=self.start, until=self.end)
        return tuple(
            Period.containing(
                first.date(),
                kind,
                self.fiscal_year_start,
                self.named_by,
                fiscal=self.fiscal,
            )
            for first in starts
        )

    def contains(self, item: dt.date | Period) -> bool:
        """Whether a date falls within the period, or another period lies wholly inside it."""
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        day = _as_date(item, "item")
        return self.start <= day <= self.end

    def __contains__(self, item: object) -> bool:
        """``date in period`` and ``other_period in period``; see :meth:`contains`."""
        return self.contains(item if isinstance(item, Period) else _as_date(item, "item"))

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        if not isinstance(other, Period):
            raise PeriodError(
                f"{other!r} is not a Period",
                path="other",
                value=other,
                expected="a Period",
            )
        return self.start <= other.end and other.start <= self.end

    def next(self) -> Period:
        """The period of the same kind and calendar that follows this one (for a date
        range, the range of as many days that starts the day after it ends)."""
        try:
            day = self.end + _ONE_DAY
            if self.kind == "range":
                return Period.between(day, day + (self.end - self.start))
        except OverflowError:
            raise self._no_neighbour("after") from None
        return self._neighbour(day, "after")

    def previous(self) -> Period:
        """The period of the same kind and calendar that precedes this one (for a date
        range, the range of as many days that ends the day before it starts)."""
        try:
            day = self.start - _ONE_DAY
            if self.kind == "range":
                return Period.between(day - (self.end - self.start), day)
        except OverflowError:
            raise self._no_neighbour("before") from None
        return self._neighbour(day, "before")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """The date range from ``start`` to ``end``, both included (SPEC §15).

        >>> import datetime
        >>> p = Period.between(datetime.date(2026, 1, 15), datetime.date(2026, 4, 14))
        >>> p.label, p.days
        ('2026-01-15..2026-04-14', 90)
        """
        first, last = _as_date(start, "start"), _as_date(end, "end")
        return cls(f"{first.isoformat()}..{last.isoformat()}")

    def _neighbour(self, day: dt.date, where: str) -> Period:
        assert self.kind != "range"  # a range's neighbours are ranges (next, previous)
        try:
            return Period.containing(
                day, self.kind, self.fiscal_year_start, self.named_by, fiscal=self.fiscal
            )
        except PeriodError:
            raise self._no_neighbour(where) from None

    def _no_neighbour(self, where: str) -> PeriodError:
        return PeriodError(
            f"no {self.kind} comes {where} {self.label}",
            value=self.label,
            expected="a period within the years 0001 to 9999",
        )

    def _sort_key(self) -> tuple[dt.date, dt.date, str, int, str]:
        # Label and settings break ties so that the order agrees with ==.
        return (self.start, self.end, self.label, self.fiscal_year_start, self.named_by)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() >= other._sort_key()

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        settings = ""
        if self.fiscal_year_start != 1:
            settings += f", fiscal_year_start={self.fiscal_year_start}"
        if self.named_by != "end":
            settings += f", named_by={self.named_by!r}"
        return f"Period({self.label!r}{settings})"


def _as_period(value: object, path: str = "period") -> Period:
    """A Period as given, or a label read in the calendar (``fiscal_year_start=1``)."""
    if isinstance(value, Period):
        return value
    if isinstance(value, str):
        return Period.parse(value)
    raise PeriodError(
        f"{shown(value)} is not a period",
        path=path,
        value=value,
        expected="a Period or a period label such as 2026-Q3",
    )


def _days_between(first: dt.date, last: dt.date) -> int:
    """Days from ``first`` to ``last`` inclusive; 0 when ``last`` is before ``first``."""
    return max((last - first).days + 1, 0)


def active_share(
    period: Period | str,
    active_from: dt.date | None = None,
    active_to: dt.date | None = None,
    method: ProrationMethod = "days",
) -> Fraction:
    """The exact share of ``period`` in which someone was active, in [0, 1] (SPEC §6).

    ``active_from`` and ``active_to`` are the first and last active days (inclusive;
    ``None`` means open-ended). ``"days"`` counts active calendar days over the period's
    days; ``"months"`` counts each month of the period as one, a partial month by its
    share of that month's days, over the number of months. A sum-aggregated target is
    multiplied by this share.

    >>> import datetime
    >>> active_share(Period.parse("2026-Q3"), datetime.date(2026, 8, 1))
    Fraction(61, 92)
    >>> active_share(Period.parse("2026-Q3"), datetime.date(2026, 8, 1), method="months")
    Fraction(2, 3)
    """
    period = _as_period(period)
    if method not in PRORATION_METHODS:
        raise PeriodError(
            f"{shown(method)} is not a proration method",
            path="method",
            value=method,
            expected=" | ".join(PRORATION_METHODS),
        )
    first = period.start if active_from is None else _as_date(active_from, "active_from")
    last = period.end if active_to is None else _as_date(active_to, "active_to")
    if active_from is not None and active_to is not None and last < first:
        raise PeriodError(
            f"active_to {last.isoformat()} is before active_from {first.isoformat()}",
            path="active_to",
            value=active_to,
            expected=f"a date on or after {first.isoformat()}",
        )
    first, last = max(first, period.start), min(last, period.end)
    if method == "days":
        return Fraction(_days_between(first, last), period.days)
    # each month counts as one, a partial month by its share of days; a date range's
    # months count by the share of their days inside it
    months = period.months
    total = sum(
        (Fraction(_days_between(max(first, m.start), min(last, m.end)), m.days) for m in months),
        Fraction(0),
    )
    whole = sum(
        (
            Fraction(_days_between(max(period.start, m.start), min(period.end, m.end)), m.days)
            for m in months
        ),
        Fraction(0),
    )
    return total / whole


def aggregate(
    values: Iterable[Number | Fraction],
    how: Aggregation,
    weights: Iterable[Number | Fraction] | None = None,
) -> Fraction:
    """Combine the values of sub-periods by a KPI's ``aggregation``, exactly.

    ``sum``, ``mean``, ``min`` and ``max`` are what they say; ``last`` is the value of the
    last item in the order given (sort by period first); ``weighted_mean`` is
    Σ w·v / Σ w and needs ``weights`` (one per value, none negative, not all zero), which
    the other aggregations ignore. Bad input raises :class:`~medsales.errors.InputError`.

    >>> aggregate(["0.8", "0.9", 1], "mean")
    Fraction(9, 10)
    >>> aggregate([100, 50], "weighted_mean", weights=[1, 3])
    Fraction(125, 2)
    """
    if how not in AGGREGATIONS:
        raise InputError(
            f"{shown(how)} is not an aggregation",
            path="how",
            value=how,
            expected=" | ".join(AGGREGATIONS),
        )
    values = list(values)
    if how in ("sum", "mean") and values and not any(isinstance(v, Fraction) for v in values):
        # numbers as written (a period's measurements): summed exactly as decimals, one
        # rational at the end instead of one per value
        written = (to_decimal(v, path=f"values[{i}]") for i, v in enumerate(values))
        total = Fraction(exact_sum(written))
        return total if how == "sum" else total / len(values)
    exact = [_exact(v, f"values[{i}]") for i, v in enumerate(values)]
    if not exact:
        raise InputError(
            f"there are no values to aggregate by {how}",
            path="values",
            expected="at least one value",
        )
    if how == "sum":
        return sum(exact, Fraction(0))
    if how == "mean":
        return sum(exact, Fraction(0)) / len(exact)
    if how == "last":
        return exact[-1]
    if how == "min":
        return min(exact)
    if how == "max":
        return max(exact)
    return _weighted_mean(exact, weights)


def _exact(value: Number | Fraction, path: str) -> Fraction:
    """A number as an exact rational: Fractions as they are, others through to_decimal."""
    if isinstance(value, Fraction):
        return value
    return Fraction(to_decimal(value, path=path))


def _weighted_mean(values: list[Fraction], weights: Iterable[Number | Fraction] | None) -> Fraction:
    if weights is None:
        raise InputError(
            "weighted_mean needs weights",
            path="weights",
            expected=f"{len(values)} weights, one per value",
        )
    given = [_exact(w, f"weights[{i}]") for i, w in enumerate(weights)]
    if len(given) != len(values):
        raise InputError(
            f"there are {len(given)} weights for {len(values)} values",
            path="weights",
            expected=f"{len(values)} weights, one per value",
        )
    for i, weight in enumerate(given):
        if weight < 0:
            raise InputError(
                f"weight {weight} is negative",
                path=f"weights[{i}]",
                value=weight,
                expected="a weight ≥ 0",
            )
    exact = given
    total = sum(exact, Fraction(0))
    if total == 0:
        raise InputError(
            "the weights are all zero",
            path="weights",
            expected="at least one weight > 0",
        )
    return sum((w * v for w, v in zip(exact, values, strict=True)), Fraction(0)) / total


@functools.lru_cache(maxsize=4096)
def _parse(label: str, fiscal_year_start: int, named_by: NamedBy) -> Period:
    return Period(label, fiscal_year_start, named_by)
