"""What the signature calendar draws beyond the selector's columns (SPEC C1-C3): each
month's name in the user's language and the key a drop posts, and the quick-drop frames.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from babel.dates import format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salespipe.lib.months import Month
from salespipe.org.rates import RateTable
from salespipe.pipeline.forms.calendar_params import FRAMES_AFTER
from salespipe.pipeline.presenters.board import DrawnCards, card_renderer, present_cards
from salespipe.pipeline.selectors import MonthColumn
from salespipe.pipeline.selectors.signature_moves import MonthMoves
from salespipe.web.late_fragments import LateFragments
from salespipe.web.templatetags.display import current_locale, money, short_date


@dataclass(frozen=True)
class MonthColumnView:
    column: MonthColumn
    cards: DrawnCards
    # What a drop on this column posts: "YYYY-MM", or "" for *No date*; "overdue" names
    # *Overdue*, which takes no drop.
    key: str
    label: str
    # *Show more*'s address when the month holds more than it draws.
    more_url: str = ""
    # A month already over: it takes no drop (a date is not set in the past that way).
    over: bool = False
    # X2: what moved in and out of it since the day asked, said in a sentence; "" unasked.
    moves: str = ""


@dataclass(frozen=True)
class MonthFrame:
    key: str
    label: str
    side: Literal["before", "after"]


def month_label(month: Month, *, heading: bool = True) -> str:
    """ "May 2026"; in French "Mai 2026" as a heading, "mai 2026" inside a sentence."""
    text = format_date(month.first_day, "LLLL y", locale=current_locale())
    return text[:1].upper() + text[1:] if heading else text


def present_month_columns(
    columns: Sequence[MonthColumn], rates: RateTable, late: LateFragments, today: dt.date
) -> list[MonthColumnView]:
    renderer = card_renderer()
    return [
        MonthColumnView(
            column=column,
            cards=present_cards(column.cards, rates, renderer, late),
            key=_drop_key(column),
            label=column_label(column),
            over=column.month is not None and column.month.last_day < today,
        )
        for column in columns
    ]


def _drop_key(column: MonthColumn) -> str:
    if column.overdue:
        return column.key
    return str(column.month) if column.month is not None else ""


def column_label(column: MonthColumn) -> str:
    """A calendar column's name: its month, *No date* or *Overdue*."""
    if column.overdue:
        return _("Overdue")
    return month_label(column.month) if column.month is not None else _("No date")


def month_frames(start: Month, months: int, today: dt.date) -> list[MonthFrame]:
    """C3: the month before the first shown unless it is over (a drop can't set a date in
    the past), then the months after the last one shown."""
    before = start.shifted(-1)
    after = [start.shifted(months + i) for i in range(FRAMES_AFTER)]
    first = (
        [] if before.last_day < today else [MonthFrame(str(before), month_label(before), "before")]
    )
    return first + [MonthFrame(str(month), month_label(month), "after") for month in after]


def moves_sentence(moves: MonthMoves, since: dt.date, currency: str) -> str:
    """X2: "Since Nov 1, 2026: 3 in (€12,000.00), 2 out (€8,000.00)"."""
    moved_in = ngettext(
        "%(count)s in (%(amount)s)", "%(count)s in (%(amount)s)", moves.moved_in.count
    ) % {
        "count": moves.moved_in.count,
        "amount": money(moves.moved_in.amount, currency),
    }
    moved_out = ngettext(
        "%(count)s out (%(amount)s)", "%(count)s out (%(amount)s)", moves.moved_out.count
    ) % {"count": moves.moved_out.count, "amount": money(moves.moved_out.amount, currency)}
    return _("Since %(date)s: %(moved_in)s, %(moved_out)s") % {
        "date": short_date(since),
        "moved_in": moved_in,
        "moved_out": moved_out,
    }
