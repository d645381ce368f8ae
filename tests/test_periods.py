"""Periods, proration and aggregation (SPEC §6)."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsales.errors import InputError, MedsalesError, PeriodError
from medsales.periods import (
    AGGREGATIONS,
    KINDS,
    LABEL_FORMS,
    Period,
    PeriodKind,
    active_share,
    aggregate,
)

D = dt.date
FORMS = (
    r"\(expected one of: 2026-07, 2026-Q3, 2026-H2, 2026, FY2026, FY2026-Q1, FY2026-H1, "
    r"2026-01-15\.\.2026-04-14\)"
)


def span(label: str, fiscal_year_start: int = 1, named_by: str = "end") -> tuple[D, D]:
    p = Period.parse(label, fiscal_year_start, named_by)  # type: ignore[arg-type]
    return p.start, p.end


# --- labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "end", "kind"),
    [
        ("2026-07", D(2026, 7, 1), D(2026, 7, 31), "month"),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28), "month"),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "quarter"),
        ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "quarter"),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31), "quarter"),
        ("2026-H1", D(2026, 1, 1), D(2026, 6, 30), "half"),
        ("2026-H2", D(2026, 7, 1), D(2026, 12, 31), "half"),
        ("2026", D(2026, 1, 1), D(2026, 12, 31), "year"),
    ],
)
def test_calendar_labels_name_calendar_periods(label: str, start: D, end: D, kind: str) -> None:
    p = Period.parse(label)
    assert (p.label, p.start, p.end, p.kind, p.fiscal) == (label, start, end, kind, False)


@pytest.mark.parametrize("label", ["2026-07", "2026-Q1", "2026-H2", "2026"])
def test_plain_labels_are_calendar_periods_whatever_the_fiscal_start(label: str) -> None:
    fiscal = Period.parse(label, fiscal_year_start=4, named_by="start")
    assert fiscal == Period.parse(label)
    assert (fiscal.fiscal, fiscal.fiscal_year_start, fiscal.named_by) == (False, 1, "end")


def test_fiscal_year_named_by_end_is_the_year_it_ends_in() -> None:
    assert span("FY2026", 4) == (D(2025, 4, 1), D(2026, 3, 31))
    assert span("FY2026", 4, "end") == span("FY2026", 4)


def test_fiscal_year_named_by_start_is_the_year_it_starts_in() -> None:
    assert span("FY2026", 4, "start") == (D(2026, 4, 1), D(2027, 3, 31))


@pytest.mark.parametrize("named_by", ["end", "start"])
def test_fiscal_year_start_1_is_the_calendar_year(named_by: str) -> None:
    p = Period.parse("FY2026", 1, named_by)  # type: ignore[arg-type]
    assert (p.start, p.end) == span("2026")
    assert p.fiscal
    assert p.named_by == "end"
    assert p == Period.parse("FY2026")


def test_fiscal_year_start_12() -> None:
    assert span("FY2026", 12) == (D(2025, 12, 1), D(2026, 11, 30))
    assert span("FY2026", 12, "start") == (D(2026, 12, 1), D(2027, 11, 30))
    assert span("FY2026-Q1", 12) == (D(2025, 12, 1), D(2026, 2, 28))
    assert span("FY2026-H2", 12) == (D(2026, 6, 1), D(2026, 11, 30))


def test_fiscal_quarters_and_halves_count_from_the_fiscal_start() -> None:
    assert span("FY2026-Q1", 4) == (D(2025, 4, 1), D(2025, 6, 30))
    assert span("FY2026-Q4", 4) == (D(2026, 1, 1), D(2026, 3, 31))
    assert span("FY2026-H1", 4) == (D(2025, 4, 1), D(2025, 9, 30))
    assert span("FY2026-H2", 4) == (D(2025, 10, 1), D(2026, 3, 31))
    assert span("FY2026-Q1", 4, "start") == (D(2026, 4, 1), D(2026, 6, 30))
    assert span("FY2026-Q2", 1) == span("2026-Q2")


def test_days_counts_first_and_last_day() -> None:
    assert Period.parse("2026-07").days == 31
    assert Period.parse("2026-Q3").days == 92
    assert Period.parse("2026").days == 365
    assert Period.parse("FY2026", 4).days == 365


def test_leap_years() -> None:
    assert Period.parse("2028-Q1").days == 91
    assert Period.parse("2026-Q1").days == 90
    assert Period.parse("2028-02").end == D(2028, 2, 29)
    assert Period.parse("2028").days == 366
    assert Period.parse("FY2028", 4).days == 366  # 2027-04-01..2028-03-31 holds 2028-02-29
    assert Period.parse("FY2028", 4, "start").days == 365
    assert Period.parse("2100-02").days == 28  # not a leap year: divisible by 100


def test_label_is_stripped_and_upper_cased() -> None:
    p = Period.parse("  fy2026-q1\t", 4)
    assert p.label == "FY2026-Q1"
    assert p == Period.parse("FY2026-Q1", 4)


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("2026-Q5", r"quarter 5 does not exist \(Q1 to Q4\)"),
        ("2026-Q0", r"quarter 0 does not exist"),
        ("2026-Q01", r"quarter 01 does not exist"),
        ("FY2026-Q5", r"quarter 5 does not exist"),
        ("2026-H3", r"half 3 does not exist \(H1 or H2\)"),
        ("2026-13", r"month 13 does not exist \(01 to 12\)"),
        ("2026-00", r"month 00 does not exist"),
        ("2026-7", r"a month has two digits, as in 2026-07"),
        ("FY26", r"a fiscal year has four digits, as in FY2026"),
        ("FY26-Q1", r"a fiscal year has four digits"),
        ("FY2026-07", r"months are always calendar months"),
        ("", r"it is empty"),
        ("   ", r"it is empty"),
        ("0000", r"year 0000 does not exist"),
        ("2026Q1", r"it has none of the label forms"),
        ("26-Q1", r"it has none of the label forms"),
        ("2026-W12", r"it has none of the label forms"),
        ("Q1 2026", r"it has none of the label forms"),
        ("２０２６", r"it has none of the label forms"),
    ],
)
def test_bad_labels_raise_period_error_showing_the_valid_forms(label: str, reason: str) -> None:
    quoted = label.replace("\\", "\\\\")
    with pytest.raises(PeriodError, match=f'^"{quoted}" is not a period label: {reason}.*{FORMS}$'):
        Period.parse(label)


def test_bad_label_error_carries_structured_fields() -> None:
    with pytest.raises(PeriodError) as info:
        Period.parse("2026-Q5")
    assert info.value.value == "2026-Q5"
    assert info.value.expected == f"one of: {LABEL_FORMS}"
    assert isinstance(info.value, MedsalesError)
    assert isinstance(info.value, ValueError)
    assert str(pickle.loads(pickle.dumps(info.value))) == str(info.value)


def test_label_must_be_a_string() -> None:
    with pytest.raises(PeriodError, match=r'^"2026" is not a period label: a label is a string'):
        Period.parse(2026)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", [0, 13, -1, True, "4", 4.0, None])
def test_fiscal_year_start_must_be_a_month_number(start: object) -> None:
    with pytest.raises(
        PeriodError,
        match=r"^fiscal_year_start: .* is not the number of a month "
        r"\(expected an int from 1 \(January\) to 12 \(December\)\)$",
    ):
        Period.parse("FY2026", start)  # type: ignore[arg-type]


def test_named_by_must_be_end_or_start() -> None:
    with pytest.raises(
        PeriodError, match=r"^named_by: 'middle' is not a way to name a fiscal year \(expected"
    ):
        Period.parse("FY2026", 4, "middle")  # type: ignore[arg-type]


def test_periods_outside_python_dates_are_errors() -> None:
    with pytest.raises(
        PeriodError,
        match=r'^"FY0001" with fiscal_year_start=4 and named_by="end" lies outside the dates',
    ):
        Period.parse("FY0001", 4)
    assert Period.parse("9999-12").end == D(9999, 12, 31)
    assert Period.parse("0001-01").start == D(1, 1, 1)
    with pytest.raises(
        PeriodError, match=r'^"FY9999" with fiscal_year_start=4 and named_by="start"'
    ):
        Period.parse("FY9999", 4, "start")


def test_constructor_is_parse() -> None:
    assert Period("FY2026-Q1", fiscal_year_start=4) == Period.parse("FY2026-Q1", 4)
    assert Period("2026-q3") == Period.parse("2026-Q3")


def test_parse_reads_a_label_once_per_calendar() -> None:
    # rows of a data file repeat a few labels: each is read once and shared (immutable)
    assert Period.parse("2026-Q3") is Period.parse("2026-Q3")
    assert Period.parse("2026-Q3", 4) is not Period.parse("2026-Q3")
    assert Period.parse("FY2026", 4, "start") != Period.parse("FY2026", 4, "end")
    # a bad label raises every time, with the same message
    for _ in range(2):
        with pytest.raises(PeriodError, match="2026-Q5"):
            Period.parse("2026-Q5")


def test_parse_of_a_subclass_or_an_odd_label_is_not_shared() -> None:
    class Quarter(Period):
        pass

    q = Quarter.parse("2026-Q3")
    assert type(q) is Quarter
    assert q is not Quarter.parse("2026-Q3")
    with pytest.raises(PeriodError):
        Period.parse(["2026-Q3"])  # type: ignore[arg-type]


def test_period_is_frozen_and_hashable() -> None:
    p = Period.parse("2026-Q3")
    with pytest.raises(AttributeError):
        p.label = "2026-Q4"  # type: ignore[misc]
    assert len({p, Period.parse("2026-Q3"), Period.parse("2026-q3 ")}) == 1


def test_equal_dates_with_different_labels_are_different_periods() -> None:
    assert Period.parse("FY2026") != Period.parse("2026")
    assert sorted([Period.parse("FY2026"), Period.parse("2026")]) == [
        Period.parse("2026"),
        Period.parse("FY2026"),
    ]


def test_periods_order_by_start_then_end() -> None:
    year, q3, july, june = (Period.parse(x) for x in ("2026", "2026-Q3", "2026-07", "2026-06"))
    assert sorted([q3, year, july, june]) == [year, june, july, q3]
    assert june < july <= q3
    assert q3 > july >= july
    assert not july > q3


@pytest.mark.parametrize("method", ["__lt__", "__le__", "__gt__", "__ge__"])
def test_periods_do_not_order_against_other_types(method: str) -> None:
    assert getattr(Period.parse("2026"), method)("2026") is NotImplemented
    with pytest.raises(TypeError):
        _ = Period.parse("2026") < "2027"


def test_str_is_the_label_and_repr_rebuilds_it() -> None:
    assert str(Period.parse("fy2026-h1", 4)) == "FY2026-H1"
    assert repr(Period.parse("2026-Q3")) == "Period('2026-Q3')"
    assert repr(Period.parse("FY2026", 4, "start")) == (
        "Period('FY2026', fiscal_year_start=4, named_by='start')"
    )
    assert eval(repr(Period.parse("FY2026", 12))) == Period.parse("FY2026", 12)


# --- containment, overlap ----------------------------------------------------------------


def test_contains_a_date_between_first_and_last_day() -> None:
    q3 = Period.parse("2026-Q3")
    assert D(2026, 7, 1) in q3
    assert D(2026, 9, 30) in q3
    assert D(2026, 6, 30) not in q3
    assert D(2026, 10, 1) not in q3
    assert dt.datetime(2026, 9, 30, 23, 59) in q3
    assert q3.contains(D(2026, 8, 15))


def test_contains_a_period_wholly_inside() -> None:
    year = Period.parse("2026")
    assert Period.parse("2026-Q3") in year
    assert year in year
    assert Period.parse("FY2026", 4) not in year
    assert not Period.parse("2026-Q3").contains(year)


@pytest.mark.parametrize("item", ["2026-07", 20260701, None])
def test_contains_needs_a_date_or_a_period(item: object) -> None:
    with pytest.raises(PeriodError, match=r"^item: .* is not a date \(expected a datetime.date\)"):
        _ = item in Period.parse("2026")


def test_overlaps_when_sharing_a_day() -> None:
    fy = Period.parse("FY2026", 4)
    assert fy.overlaps(Period.parse("2026-Q1"))
    assert fy.overlaps(Period.parse("2025-04"))
    assert not fy.overlaps(Period.parse("2026-04"))
    assert not fy.overlaps(Period.parse("2025-03"))
    with pytest.raises(PeriodError, match=r"^other: '2026' is not a Period"):
        fy.overlaps("2026")  # type: ignore[arg-type]


# --- sub-periods -----------------------------------------------------------------------


def labels(periods: tuple[Period, ...]) -> list[str]:
    return [p.label for p in periods]


def test_subperiods_of_a_calendar_year_are_calendar_periods() -> None:
    year = Period.parse("2026", fiscal_year_start=4)
    assert labels(year.subperiods("quarter")) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert labels(year.subperiods("half")) == ["2026-H1", "2026-H2"]
    assert all(not q.fiscal for q in year.subperiods("quarter"))


def test_subperiods_of_a_fiscal_year_are_fiscal_periods() -> None:
    fy = Period.parse("FY2026", 4)
    quarters = fy.subperiods("quarter")
    assert labels(quarters) == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    assert quarters[0] == Period.parse("FY2026-Q1", 4)
    assert labels(Period.parse("FY2026-H2", 4).subperiods("quarter")) == ["FY2026-Q3", "FY2026-Q4"]
    assert labels(Period.parse("FY2026").subperiods("half")) == ["FY2026-H1", "FY2026-H2"]
    started = Period.parse("FY2026", 4, "start").subperiods("quarter")
    assert started[0] == Period.parse("FY2026-Q1", 4, "start")


def test_months_are_always_calendar_months() -> None:
    months = Period.parse("FY2026", 4).months
    assert labels(months) == [f"2025-{m:02d}" for m in range(4, 13)] + [
        f"2026-{m:02d}" for m in range(1, 4)
    ]
    assert labels(Period.parse("FY2026-Q1", 12).months) == ["2025-12", "2026-01", "2026-02"]


def test_subperiods_of_the_own_kind_is_the_period_itself() -> None:
    q = Period.parse("FY2026-Q2", 7)
    assert q.subperiods("quarter") == (q,)


def test_subperiods_of_a_coarser_kind_are_an_error() -> None:
    with pytest.raises(
        PeriodError,
        match=r"^kind: a quarter \(2026-Q3\) has no year sub-periods "
        r"\(expected month \| quarter\)$",
    ):
        Period.parse("2026-Q3").subperiods("year")


def test_subperiods_kind_must_be_a_kind() -> None:
    with pytest.raises(
        PeriodError,
        match=r"^kind: 'week' is not a period kind \(expected month \| quarter \| half \| year\)$",
    ):
        Period.parse("2026").subperiods("week")  # type: ignore[arg-type]


# --- containing, next, previous ----------------------------------------------------------


def test_containing_gives_calendar_periods_with_a_january_start() -> None:
    day = D(2026, 8, 15)
    assert Period.containing(day, "month") == Period.parse("2026-08")
    assert Period.containing(day, "quarter") == Period.parse("2026-Q3")
    assert Period.containing(day, "half") == Period.parse("2026-H2")
    assert Period.containing(day, "year") == Period.parse("2026")


def test_containing_gives_fiscal_periods_with_another_start() -> None:
    day = D(2026, 2, 14)
    assert Period.containing(day, "year", 4) == Period.parse("FY2026", 4)
    assert Period.containing(day, "quarter", 4) == Period.parse("FY2026-Q4", 4)
    assert Period.containing(day, "half", 4) == Period.parse("FY2026-H2", 4)
    assert Period.containing(day, "year", 4, "start") == Period.parse("FY2025", 4, "start")
    assert Period.containing(D(2026, 4, 1), "year", 4) == Period.parse("FY2027", 4)
    assert Period.containing(day, "month", 4) == Period.parse("2026-02")


def test_containing_can_ask_for_the_other_calendar() -> None:
    day = D(2026, 2, 14)
    assert Period.containing(day, "quarter", 4, fiscal=False) == Period.parse("2026-Q1")
    assert Period.containing(day, "quarter", fiscal=True) == Period.parse("FY2026-Q1")


def test_containing_checks_its_arguments() -> None:
    with pytest.raises(PeriodError, match=r"^day: '2026-02-14' is not a date"):
        Period.containing("2026-02-14", "month")  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r"^kind: 'week' is not a period kind"):
        Period.containing(D(2026, 2, 14), "week")  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r"^fiscal_year_start: 0 is not the number of a month"):
        Period.containing(D(2026, 2, 14), "year", 0)
    with pytest.raises(PeriodError, match=r"^named_by: 'both' is not a way"):
        Period.containing(D(2026, 2, 14), "year", 4, "both")  # type: ignore[arg-type]
    assert Period.containing(dt.datetime(2026, 2, 14, 8), "month") == Period.parse("2026-02")


def test_containing_a_day_whose_fiscal_year_has_no_label() -> None:
    with pytest.raises(
        PeriodError,
        match=r"^day: 9999-05-01 falls in fiscal year 10000, which has no label",
    ):
        Period.containing(D(9999, 5, 1), "year", 4)


def test_next_and_previous_keep_kind_and_calendar() -> None:
    assert Period.parse("2026-12").next() == Period.parse("2027-01")
    assert Period.parse("2026-01").previous() == Period.parse("2025-12")
    assert Period.parse("2026-Q4").next() == Period.parse("2027-Q1")
    assert Period.parse("2026-H1").previous() == Period.parse("2025-H2")
    assert Period.parse("2026").next() == Period.parse("2027")
    assert Period.parse("FY2026-Q4", 4).next() == Period.parse("FY2027-Q1", 4)
    assert Period.parse("FY2026", 4, "start").previous() == Period.parse("FY2025", 4, "start")
    assert Period.parse("FY2026-H1").next() == Period.parse("FY2026-H2")


@pytest.mark.parametrize(
    ("label", "fiscal_year_start", "named_by", "method", "message"),
    [
        ("9999-12", 1, "end", "next", "no month comes after 9999-12"),
        ("0001-01", 1, "end", "previous", "no month comes before 0001-01"),
        ("FY9999", 4, "end", "next", "no year comes after FY9999"),
        ("FY0001", 4, "start", "previous", "no year comes before FY0001"),
    ],
)
def test_no_neighbour_outside_python_dates(
    label: str, fiscal_year_start: int, named_by: str, method: str, message: str
) -> None:
    p = Period.parse(label, fiscal_year_start, named_by)  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=f"^{message} "):
        getattr(p, method)()


# --- proration ---------------------------------------------------------------------------


def test_proration_by_days_is_active_days_over_period_days() -> None:
    share = active_share(Period.parse("2026-Q3"), D(2026, 8, 1))
    assert share == Fraction(61, 92)
    assert 100 * share == Fraction(6100, 92)


def test_proration_by_months_counts_each_month_as_one() -> None:
    assert active_share(Period.parse("2026-Q3"), D(2026, 8, 1), method="months") == Fraction(2, 3)


def test_proration_by_months_counts_a_partial_month_by_its_days() -> None:
    # July none, August 16 of 31 days, September 15 of 30 days.
    share = active_share("2026-Q3", D(2026, 8, 16), D(2026, 9, 15), method="months")
    assert share == (Fraction(16, 31) + Fraction(15, 30)) / 3
    assert active_share("2026-Q3", D(2026, 8, 16), D(2026, 9, 15)) == Fraction(31, 92)


def test_proration_whole_period_and_no_overlap() -> None:
    q3 = Period.parse("2026-Q3")
    assert active_share(q3) == 1
    assert active_share(q3, method="months") == 1
    assert active_share(q3, D(2026, 1, 1), D(2026, 12, 31)) == 1
    assert active_share(q3, D(2026, 10, 1)) == 0
    assert active_share(q3, None, D(2026, 6, 30), method="months") == 0
    assert active_share(q3, None, D(2026, 7, 1)) == Fraction(1, 92)


def test_proration_in_a_leap_year() -> None:
    assert active_share("2028-Q1", D(2028, 2, 29)) == Fraction(32, 91)
    assert active_share("2028-02", D(2028, 2, 15)) == Fraction(15, 29)


def test_proration_active_to_before_active_from_is_an_error() -> None:
    with pytest.raises(
        PeriodError,
        match=r"^active_to: active_to 2026-07-31 is before active_from 2026-08-01 "
        r"\(expected a date on or after 2026-08-01\)$",
    ):
        active_share("2026-Q3", D(2026, 8, 1), D(2026, 7, 31))


def test_proration_checks_its_arguments() -> None:
    with pytest.raises(PeriodError, match=r"^method: 'weeks' is not a proration method"):
        active_share("2026-Q3", method="weeks")  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r"^active_from: '2026-08-01' is not a date"):
        active_share("2026-Q3", "2026-08-01")  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r"^period: 2026 is not a period"):
        active_share(2026)  # type: ignore[arg-type]
    with pytest.raises(PeriodError, match=r"is not a period label"):
        active_share("2026-Q5")
    assert active_share("2026-Q3", dt.datetime(2026, 8, 1, 9)) == Fraction(61, 92)


# --- aggregation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("sum", Fraction(18, 10)),
        ("mean", Fraction(6, 10)),
        ("last", Fraction(7, 10)),
        ("min", Fraction(3, 10)),
        ("max", Fraction(8, 10)),
    ],
)
def test_aggregation_over_sub_periods(how: str, expected: Fraction) -> None:
    assert aggregate(["0.8", 0.3, Decimal("0.7")], how) == expected  # type: ignore[arg-type]


def test_aggregation_last_is_the_last_in_the_order_given() -> None:
    assert aggregate([3, 1, 2], "last") == 2


def test_aggregation_weighted_mean() -> None:
    assert aggregate([100, 50], "weighted_mean", weights=[1, 3]) == Fraction(125, 2)
    assert aggregate([1, 2], "weighted_mean", weights=[0, 5]) == 2
    assert aggregate(iter([1, 2]), "weighted_mean", weights=iter(["0.5", "0.5"])) == Fraction(3, 2)


def test_aggregation_is_exact() -> None:
    assert aggregate([0.1, 0.2], "sum") == Fraction(3, 10)
    assert aggregate([1, 1, 2], "mean") == Fraction(4, 3)


def test_aggregation_weights_only_count_for_weighted_mean() -> None:
    assert aggregate([1, 3], "mean", weights=[1, 100]) == 2


def test_aggregation_errors() -> None:
    with pytest.raises(InputError, match=r"^how: 'median' is not an aggregation \(expected sum"):
        aggregate([1], "median")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^values: there are no values to aggregate by sum"):
        aggregate([], "sum")
    with pytest.raises(InputError, match=r"^values\[1\]: 'n/a' is not a number"):
        aggregate([1, "n/a"], "sum")
    with pytest.raises(InputError, match=r"^weights: weighted_mean needs weights \(expected 2 w"):
        aggregate([1, 2], "weighted_mean")
    with pytest.raises(InputError, match=r"^weights: there are 1 weights for 2 values"):
        aggregate([1, 2], "weighted_mean", weights=[1])
    with pytest.raises(InputError, match=r"^weights\[1\]: weight -1 is negative"):
        aggregate([1, 2], "weighted_mean", weights=[2, -1])
    with pytest.raises(InputError, match=r"^weights: the weights are all zero"):
        aggregate([1, 2], "weighted_mean", weights=[0, "0.00"])


def test_kinds_and_aggregations_are_listed() -> None:
    assert KINDS == ("month", "quarter", "half", "year")
    assert AGGREGATIONS == ("sum", "mean", "weighted_mean", "last", "min", "max")


# --- properties --------------------------------------------------------------------------

kinds = st.sampled_from(KINDS)
starts = st.integers(min_value=1, max_value=12)
namings = st.sampled_from(["end", "start"])
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> tuple[Period, int, str]:
    """A period of any form, with the settings it was read with."""
    kind = draw(kinds)
    fiscal = kind != "month" and draw(st.booleans())
    year = draw(st.integers(min_value=1900, max_value=2200))
    label = f"{'FY' if fiscal else ''}{year}"
    if kind == "month":
        label += f"-{draw(st.integers(1, 12)):02d}"
    elif kind == "quarter":
        label += f"-Q{draw(st.integers(1, 4))}"
    elif kind == "half":
        label += f"-H{draw(st.integers(1, 2))}"
    start, named_by = draw(starts), draw(namings)
    return Period.parse(label, start, named_by), start, named_by  # type: ignore[arg-type]


@given(periods())
def test_property_parse_round_trips(item: tuple[Period, int, str]) -> None:
    p, start, named_by = item
    assert Period.parse(p.label, start, named_by) == p  # type: ignore[arg-type]
    assert Period.parse(p.label, p.fiscal_year_start, p.named_by) == p


@given(periods(), kinds)
def test_property_subperiods_tile_the_parent(
    item: tuple[Period, int, str], kind: PeriodKind
) -> None:
    p = item[0]
    if KINDS.index(kind) > KINDS.index(p.kind):
        return
    parts = p.subperiods(kind)
    assert parts[0].start == p.start
    assert parts[-1].end == p.end
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(parts))
    assert sum(part.days for part in parts) == p.days
    assert all(part.kind == kind and part in p for part in parts)
    assert all(part.fiscal == p.fiscal for part in parts if kind != "month")
    assert list(parts) == sorted(parts)


@given(days, kinds, starts, namings, st.sampled_from([None, True, False]))
def test_property_containing_contains_the_day(
    day: D, kind: PeriodKind, start: int, named_by: str, fiscal: bool | None
) -> None:
    p = Period.containing(day, kind, start, named_by, fiscal=fiscal)  # type: ignore[arg-type]
    assert day in p
    assert p.kind == kind
    assert p.fiscal == (kind != "month" and (start != 1 if fiscal is None else fiscal))


@given(periods())
def test_property_next_and_previous_are_adjacent(item: tuple[Period, int, str]) -> None:
    p = item[0]
    assert p.next().start == p.end + dt.timedelta(days=1)
    assert p.previous().end == p.start - dt.timedelta(days=1)
    assert p.next().previous() == p
    assert p.previous() < p < p.next()


@given(periods(), days, days, st.sampled_from(["days", "months"]))
def test_property_active_share_is_a_share(
    item: tuple[Period, int, str], first: D, last: D, method: str
) -> None:
    first, last = min(first, last), max(first, last)
    share = active_share(item[0], first, last, method)  # type: ignore[arg-type]
    assert 0 <= share <= 1
    if first <= item[0].start and item[0].end <= last:
        assert share == 1
    if last < item[0].start or item[0].end < first:
        assert share == 0


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=3), min_size=1))
def test_property_mean_lies_between_min_and_max(values: list[Decimal]) -> None:
    assert aggregate(values, "min") <= aggregate(values, "mean") <= aggregate(values, "max")
    assert aggregate(values, "sum") == sum(Fraction(v) for v in values)
    assert aggregate(values, "weighted_mean", [1] * len(values)) == aggregate(values, "mean")


@given(
    st.lists(
        st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
            lambda d: abs(d.adjusted()) < 900 and len(d.as_tuple().digits) <= 100
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["sum", "mean"]),
)
def test_a_sum_of_numbers_as_written_is_the_sum_of_their_rationals(
    values: list[Decimal], how: str
) -> None:
    """Decimals summed as decimals (the quick path) give the exact rational sum."""
    total = sum((Fraction(v) for v in values), Fraction(0))
    expected = total if how == "sum" else total / len(values)
    assert aggregate(values, how) == expected  # type: ignore[arg-type]
    assert aggregate([str(v) for v in values], how) == expected  # type: ignore[arg-type]


def test_a_bad_number_among_written_ones_is_named_by_its_place() -> None:
    with pytest.raises(InputError) as excinfo:
        aggregate(["1", "2", "1e999999999"], "sum")
    assert excinfo.value.path == "values[2]"
