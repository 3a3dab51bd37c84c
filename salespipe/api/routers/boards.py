"""The board, the signature calendar and the won and lost lists (SPEC B1-B19, C1-C4, P6).

The pipeline's selectors compute them, as for the pages: columns with their cards, counts and
totals, the summary, in the currency of the portfolio's company (or, for a group or all
portfolios, of the user's first company), converted at the configured rates (B6). Totals cover
every matching opportunity even when `limit` cuts the cards drawn per column; `remaining`
tells how many more match, and the opportunities list (`stage=`, same filters) reads them.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from salespipe.api.auth import user_of
from salespipe.api.errors import query_errors
from salespipe.api.schemas import DETAIL_ERRORS, Id
from salespipe.api.schemas_opportunities import (
    SORT_DESCRIPTION,
    CardFilters,
    DecimalText,
    Month,
    OpportunityOut,
    ScopeOut,
)
from salespipe.lib.months import Month as CalendarMonth
from salespipe.pipeline import selectors
from salespipe.pipeline.selectors import Card, Totals
from salespipe.pipeline.selectors.filters import SortName
from salespipe.pipeline.selectors.layouts import ByMonth
from salespipe.pipeline.selectors.signature_moves import MonthMoves, signature_moves

router = Router(tags=["board and calendar"])

MAX_CARDS = 500
DEFAULT_CARDS = 100
MAX_MONTHS = 24
# The last year a date holds.
LAST_YEAR = dt.MAXYEAR

# --- answers ----------------------------------------------------------------------------------


class TotalsOut(Schema):
    count: int = Field(description="How many opportunities match.")
    amount: DecimalText = Field(
        description="Their amounts added in `currency` (weighted when asked); those of a "
        "currency without a rate are left out and named in `missing_rates`."
    )
    days: DecimalText = Field(description="Their days added (weighted when asked).")


class NextActionOut(Schema):
    id: int
    kind: str = Field(description="call, demo, meeting, proposal, email or other.")
    subject: str
    due_at: dt.datetime
    overdue: bool = Field(description="Due before now and not done.")


class CardOut(Schema):
    """An opportunity as a card (SPEC B2)."""

    id: int
    name: str = Field(description="The call name.")
    account: int
    account_name: str
    portfolio: int
    stage: int
    amount: DecimalText | None = Field(
        description="In the card's own `currency`; weighted when asked."
    )
    days: DecimalText | None = Field(description="Weighted when asked.")
    currency: str
    expected_signature_date: dt.date | None
    salesperson: int
    salesperson_name: str
    tags: list[int] = Field(description="Ids of its tags, in increasing order.")
    version: int = Field(description="Send it back with a transition (SPEC P7).")
    next_action: NextActionOut | None = Field(
        description="The first planned action not done, if any (SPEC B20)."
    )


class StageColumnOut(Schema):
    stage: int
    name: str
    probability: int = Field(description="Percent, for weighted amounts.")
    totals: TotalsOut = Field(description="Of every matching card of the column (SPEC B3).")
    cards: list[CardOut] = Field(description="In the order asked for, at most `limit`.")
    limit: int | None = Field(description="The most cards drawn per column; null: all of them.")
    remaining: int = Field(description="Matching cards not drawn because of `limit`.")


class StageTotalsOut(Schema):
    stage: int
    name: str
    totals: TotalsOut


class SummaryOut(Schema):
    """The summary panel (SPEC B4): what is displayed, overall and per stage."""

    totals: TotalsOut
    by_stage: list[StageTotalsOut]


class BoardOut(Schema):
    scope: ScopeOut
    currency: str = Field(description="The currency of every total, an ISO 4217 code.")
    weighted: bool = Field(description="Whether amounts and days are weighted (SPEC B5).")
    sort: SortName = Field(description="The order of the cards inside each column.")
    columns: list[StageColumnOut] = Field(description="The open stages, in order (SPEC B1).")
    summary: SummaryOut
    missing_rates: list[str] = Field(
        description='Currency pairs without an exchange rate ("USD→GBP"): their amounts are '
        "left out of the totals."
    )


class MovedOut(Schema):
    count: int = Field(description="How many opportunities moved.")
    amount: DecimalText = Field(
        description="Their amounts added in `currency` (weighted when asked); those of a "
        "currency without a rate are counted, not added."
    )


class MonthColumnOut(Schema):
    month: str | None = Field(
        description="YYYY-MM; null for the *No date* column (SPEC C1) and for *Overdue*."
    )
    overdue: bool = Field(
        description="The *Overdue* column, after *No date*, when the calendar starts this "
        "month or earlier: the open opportunities expected to sign before its first month."
    )
    moved_in: MovedOut | None = Field(
        None,
        description="With `since`, on a month: the open opportunities expected in it now "
        "and not on that day (SPEC X2); null otherwise.",
    )
    moved_out: MovedOut | None = Field(
        None,
        description="With `since`, on a month: those expected in it on that day and not now.",
    )
    totals: TotalsOut
    cards: list[CardOut] = Field(description="In the order asked for, at most `limit`.")
    limit: int | None = Field(description="The most cards drawn per column; null: all of them.")
    remaining: int = Field(description="Matching cards not drawn because of `limit`.")


class CalendarOut(Schema):
    scope: ScopeOut
    currency: str = Field(description="The currency of every total, an ISO 4217 code.")
    weighted: bool = Field(description="Whether amounts and days are weighted (SPEC B5).")
    sort: SortName = Field(description="The order of the cards inside each column.")
    start: str = Field(description="The first month shown, YYYY-MM.")
    months: int = Field(description="How many months are shown after *No date*.")
    columns: list[MonthColumnOut] = Field(
        description="*No date* first, then each month from `start` (SPEC C1)."
    )
    summary: SummaryOut
    missing_rates: list[str] = Field(
        description='Currency pairs without an exchange rate ("USD→GBP"): their amounts are '
        "left out of the totals."
    )


class ClosedListOut(Schema):
    outcome: Literal["won", "lost"]
    items: list[OpportunityOut] = Field(description="Newest outcome first, at most `limit`.")
    total: int = Field(description="How many match.")
    limit: int


# --- parameters -------------------------------------------------------------------------------

_CARD_LIMIT = Field(
    DEFAULT_CARDS,
    ge=0,
    le=MAX_CARDS,
    description=f"The most cards drawn per column, at most {MAX_CARDS}; totals count them all.",
)
_WEIGHTED = Field(
    False,
    description="true: amounts and days weighted by their stage's probability, on cards, "
    "totals and summary (SPEC B5).",
)


class BoardParams(CardFilters):
    portfolio: Id | None = Field(None, description="The portfolio shown; or give `group`.")
    group: Id | None = Field(
        None, description="The group shown (a stage template id): all its portfolios."
    )
    weighted: bool = _WEIGHTED
    sort: SortName = Field("signature", description=SORT_DESCRIPTION)
    limit: int = _CARD_LIMIT


class CalendarParams(CardFilters):
    portfolio: str | None = Field(
        None,
        pattern=r"^(all|[1-9][0-9]{0,17})$",
        description="A portfolio id, or `all` for every portfolio the user may see (SPEC C4); "
        "or give `group`.",
    )
    group: Id | None = Field(
        None, description="The group shown (a stage template id): all its portfolios."
    )
    start: Month | None = Field(
        None, description="The first month shown; the current one by default."
    )
    months: int = Field(
        4, ge=1, le=MAX_MONTHS, description=f"How many months, 1 to {MAX_MONTHS} (SPEC C1)."
    )
    weighted: bool = _WEIGHTED
    sort: SortName = Field("signature", description=SORT_DESCRIPTION)
    limit: int = _CARD_LIMIT
    since: dt.date | None = Field(
        None,
        description="Each month also tells what moved in and out of it since this day "
        "(SPEC X2), from the opportunities' history.",
    )


class ClosedParams(CardFilters):
    portfolio: Id | None = Field(None, description="Only those of this portfolio.")
    group: Id | None = Field(
        None, description="Only those of this group's portfolios (a stage template id)."
    )
    search: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="The first letters of the call name, the account's or the contact's name.",
    )
    limit: int = Field(200, ge=1, le=MAX_CARDS, description=f"At most {MAX_CARDS} rows.")


# --- building the answers ---------------------------------------------------------------------


def check_months_fit(start: CalendarMonth, months: int) -> None:
    """422 for months that would run past the last year a date holds."""
    if start.shifted(months - 1).year > LAST_YEAR:
        raise ValidationError(
            [
                {
                    "loc": ("query", "start"),
                    "msg": f"The months shown must end by December {LAST_YEAR}.",
                    "type": "invalid",
                }
            ]
        )


def _moves(
    moves: dict[CalendarMonth, MonthMoves] | None, month: CalendarMonth | None
) -> dict[str, Any]:
    if moves is None or month is None:
        return {"moved_in": None, "moved_out": None}
    found = moves.get(month) or MonthMoves()
    return {
        "moved_in": {"count": found.moved_in.count, "amount": found.moved_in.amount},
        "moved_out": {"count": found.moved_out.count, "amount": found.moved_out.amount},
    }


def _totals(totals: Totals) -> dict[str, Any]:
    return {"count": totals.count, "amount": totals.amount, "days": totals.days}


def _card(card: Card, now: dt.datetime) -> dict[str, Any]:
    action = card.next_action
    return {
        "id": card.id,
        "name": card.name,
        "account": card.account_id,
        "account_name": card.account_name,
        "portfolio": card.portfolio_id,
        "stage": card.stage_id,
        "amount": card.amount,
        "days": card.days,
        "currency": card.currency_id,
        "expected_signature_date": card.expected_signature_date,
        "salesperson": card.salesperson_id,
        "salesperson_name": card.salesperson_name,
        "tags": card.tag_ids,
        "version": card.version,
        "next_action": None
        if action is None
        else {
            "id": action.id,
            "kind": action.kind,
            "subject": action.subject,
            "due_at": action.due_at,
            # Only planned actions are read: overdue is due before now.
            "overdue": action.due_at < now,
        },
    }


def scope_out(label: str, portfolio_id: int | None, group_id: int | None, can_create: bool) -> Any:
    """What an answer says it shows (`ScopeOut`): shared by the board, calendar and forecast."""
    return {"label": label, "portfolio": portfolio_id, "group": group_id, "can_create": can_create}


def _by_stage(rows: list[selectors.StageTotals]) -> list[dict[str, Any]]:
    return [
        {"stage": row.stage.pk, "name": row.stage.name, "totals": _totals(row.totals)}
        for row in rows
    ]


# --- operations -------------------------------------------------------------------------------


@router.get(
    "/board",
    response={200: BoardOut, **DETAIL_ERRORS},
    summary="The board of a portfolio or a group: columns, cards, totals, summary (SPEC B1-B13, "
    "P6)",
)
def get_board(request: HttpRequest, params: Query[BoardParams]) -> dict[str, Any]:
    with query_errors():
        board = selectors.board(
            user=user_of(request),
            portfolio_id=params.portfolio,
            group_id=params.group,
            filters=params.board_filters(sort=params.sort),
            weighted=params.weighted,
            card_limit=params.limit,
        )
    now = timezone.now()
    return {
        "scope": scope_out(
            board.scope_label,
            board.portfolio.pk if board.portfolio is not None else None,
            params.group,
            board.can_create,
        ),
        "currency": board.currency.code,
        "weighted": board.weighted,
        "sort": board.filters.sort,
        "columns": [
            {
                "stage": column.stage.pk,
                "name": column.stage.name,
                "probability": column.stage.probability,
                "totals": _totals(column.totals),
                "cards": [_card(card, now) for card in column.cards],
                "limit": params.limit,
                "remaining": column.remaining,
            }
            for column in board.columns
        ],
        "summary": {"totals": _totals(board.summary), "by_stage": _by_stage(board.by_stage)},
        "missing_rates": board.missing_rates,
    }


@router.get(
    "/calendar",
    response={200: CalendarOut, **DETAIL_ERRORS},
    summary="The signature calendar: *No date*, then months, with cards and totals "
    "(SPEC C1-C4, P6)",
)
def get_calendar(request: HttpRequest, params: Query[CalendarParams]) -> dict[str, Any]:
    everything = params.portfolio == "all"
    portfolio_id = int(params.portfolio) if params.portfolio and not everything else None
    start = (
        CalendarMonth.parse(params.start)
        if params.start
        else CalendarMonth.of(timezone.localdate())
    )
    check_months_fit(start, params.months)
    with query_errors():
        calendar = selectors.calendar(
            user=user_of(request),
            portfolio_id=portfolio_id,
            group_id=params.group,
            all_portfolios=everything,
            start=start,
            months=params.months,
            filters=params.board_filters(sort=params.sort),
            weighted=params.weighted,
            card_limit=params.limit,
            today=timezone.localdate(),
        )
        moves = (
            signature_moves(
                user=user_of(request),
                layout=ByMonth(start, params.months, portfolio_id, params.group, everything),
                filters=params.board_filters(sort=params.sort),
                weighted=params.weighted,
                since=params.since,
            )
            if params.since is not None
            else None
        )
    now = timezone.now()
    return {
        "scope": scope_out(calendar.scope_label, portfolio_id, params.group, calendar.can_create),
        "currency": calendar.currency.code,
        "weighted": calendar.weighted,
        "sort": calendar.filters.sort,
        "start": str(calendar.start),
        "months": calendar.months,
        "columns": [
            {
                "month": str(column.month) if column.month is not None else None,
                "overdue": column.overdue,
                **_moves(moves, column.month),
                "totals": _totals(column.totals),
                "cards": [_card(card, now) for card in column.cards],
                "limit": params.limit,
                "remaining": column.remaining,
            }
            for column in calendar.columns
        ],
        "summary": {
            "totals": _totals(calendar.summary),
            "by_stage": _by_stage(calendar.by_stage),
        },
        "missing_rates": calendar.missing_rates,
    }


def _closed(request: HttpRequest, params: ClosedParams, outcome: Literal["won", "lost"]) -> Any:
    with query_errors():
        found = selectors.closed_list(
            user=user_of(request),
            portfolio_id=params.portfolio,
            group_id=params.group,
            outcome=outcome,
            search=params.search or "",
            filters=params.board_filters(),
            limit=params.limit,
        )
    return {"outcome": outcome, "items": found.rows, "total": found.total, "limit": found.limit}


@router.get(
    "/won",
    response={200: ClosedListOut, **DETAIL_ERRORS},
    summary="The won opportunities, newest first; reuse one with its `reuse` (SPEC B19)",
)
def list_won(request: HttpRequest, params: Query[ClosedParams]) -> Any:
    return _closed(request, params, "won")


@router.get(
    "/lost",
    response={200: ClosedListOut, **DETAIL_ERRORS},
    summary="The lost, abandoned and out-of-target opportunities, newest first (SPEC B19)",
)
def list_lost(request: HttpRequest, params: Query[ClosedParams]) -> Any:
    return _closed(request, params, "lost")
