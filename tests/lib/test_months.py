"""Month arithmetic of the signature calendar (SPEC C1-C3): year ends and February 29."""

import datetime as dt

import pytest

from salespipe.lib.months import Month, month_range


@pytest.mark.parametrize(
    ("month", "by", "expected"),
    [
        (Month(2025, 12), 1, Month(2026, 1)),
        (Month(2026, 1), -1, Month(2025, 12)),
        (Month(2025, 11), 3, Month(2026, 2)),
        (Month(2026, 2), -14, Month(2024, 12)),
        (Month(2026, 6), 24, Month(2028, 6)),
        (Month(2026, 6), 0, Month(2026, 6)),
    ],
)
def test_shifting_a_month_crosses_year_ends_both_ways(month: Month, by: int, expected: Month):
    # C2: the arrows move the window by one month, over December and January.
    assert month.shifted(by) == expected


@pytest.mark.parametrize(
    ("year", "last"),
    [(2024, 29), (2028, 29), (2000, 29), (2025, 28), (1900, 28), (2100, 28)],
)
def test_february_ends_on_the_29th_in_leap_years_only(year: int, last: int):
    # C3: a card dropped on February signs on its last day; centuries leap every 400 years.
    assert Month(year, 2).last_day == dt.date(year, 2, last)


def test_last_days_of_december_and_of_thirty_day_months():
    """C3: a drop signs on the month's last day."""
    assert Month(2025, 12).last_day == dt.date(2025, 12, 31)
    assert Month(2026, 4).last_day == dt.date(2026, 4, 30)
    assert Month(2026, 4).first_day == dt.date(2026, 4, 1)


def test_a_range_of_months_runs_over_the_year_end_through_a_leap_february():
    """C1: the months shown run on over December."""
    months = month_range(Month(2027, 11), 4)

    assert [str(m) for m in months] == ["2027-11", "2027-12", "2028-01", "2028-02"]
    assert months[-1].last_day == dt.date(2028, 2, 29)


def test_a_month_is_written_and_read_as_yyyy_mm():
    """C2: the months shown are in the address as YYYY-MM."""
    assert str(Month(987, 3)) == "0987-03"
    assert Month.parse("2028-02") == Month(2028, 2)
    assert Month.parse(str(Month(2031, 12))) == Month(2031, 12)
    assert Month.of(dt.date(2028, 2, 29)) == Month(2028, 2)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-00", "0000-01", "10000-01", "2026", "2026-02-01", "May 2026", ""]
)
def test_parsing_refuses_anything_but_a_month_written_yyyy_mm(text: str):
    """C2: a month in the address that is not YYYY-MM is refused."""
    with pytest.raises(ValueError, match="is not a month written YYYY-MM"):
        Month.parse(text)
