"""What each screen exports: its columns, its rows and the file's name (SPEC X5)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from salespipe.exports import rows
from salespipe.exports.columns import ACCOUNT_COLUMNS, OPPORTUNITY_COLUMNS, Column
from salespipe.org.models import Collaborator
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.selectors.closed import closed_opportunities
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import ByMonth

Screen = Literal["board", "calendar", "won", "lost", "accounts"]
SCREENS: tuple[Screen, ...] = ("board", "calendar", "won", "lost", "accounts")


@dataclass(frozen=True)
class Export:
    # The file's name before its date, and the sheet's title.
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Iterator[dict[str, Any]]


def board(user: Collaborator, query: BoardQuery) -> Export:
    return Export(
        "board",
        _("Portfolio board"),
        OPPORTUNITY_COLUMNS,
        rows.board_rows(user, query.layout(), query.filters),
    )


def calendar(user: Collaborator, query: CalendarQuery, today: dt.date) -> Export:
    return calendar_of(user, query.layout(today), query.filters)


def calendar_of(user: Collaborator, layout: ByMonth, filters: BoardFilters) -> Export:
    return Export(
        "calendar",
        _("Signature calendar"),
        OPPORTUNITY_COLUMNS,
        rows.calendar_rows(user, layout, filters),
    )


def closed(
    user: Collaborator,
    outcome: Literal["won", "lost"],
    *,
    portfolio_id: int | None,
    group_id: int | None,
    search: str,
    filters: BoardFilters,
) -> Export:
    title = _("Won opportunities") if outcome == "won" else _("Lost opportunities")
    return Export(
        outcome,
        title,
        OPPORTUNITY_COLUMNS,
        rows.opportunity_rows(
            closed_opportunities(
                user=user,
                portfolio_id=portfolio_id,
                group_id=group_id,
                outcome=outcome,
                search=search,
                filters=filters,
            )
        ),
    )


def accounts(user: Collaborator, search: str) -> Export:
    return Export("accounts", _("Accounts"), ACCOUNT_COLUMNS, rows.account_rows(user, search))
