"""Month arithmetic for the signature calendar (SPEC C1-C3)."""

import calendar
import datetime as dt
from typing import NamedTuple


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> "Month":
        """ "2026-02" -> Month(2026, 2); ValueError on anything else."""
        try:
            year_text, month_text = text.split("-")
            month = cls(int(year_text), int(month_text))
        except (ValueError, AttributeError) as exc:
            raise ValueError(f"{text!r} is not a month written YYYY-MM") from exc
        if not 1 <= month.month <= 12 or not 1 <= month.year <= 9999:
            raise ValueError(f"{text!r} is not a month written YYYY-MM")
        return month

    def shifted(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_range(start: Month, count: int) -> list[Month]:
    return [start.shifted(i) for i in range(count)]
