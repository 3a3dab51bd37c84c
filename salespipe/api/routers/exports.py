"""Exports (SPEC X5): the board, the calendar, the won and lost lists and the accounts, as
CSV or XLSX, with the same parameters as their own operations, in the same order and scope
as the pages' *Export* buttons give them."""

from typing import Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from salespipe.api.auth import user_of
from salespipe.api.errors import query_errors
from salespipe.api.routers.boards import (
    BoardParams,
    CalendarParams,
    ClosedParams,
    check_months_fit,
)
from salespipe.api.schemas import DETAIL_ERRORS
from salespipe.exports import screens
from salespipe.exports.views import answer
from salespipe.lib.months import Month
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.selectors.layouts import ByMonth

router = Router(tags=["exports"])

FileFormat = Literal["csv", "xlsx"]
CSV: FileFormat = "csv"
_FORMAT = Field(
    CSV,
    description="`csv` (UTF-8 with a byte order mark) or `xlsx` (numbers and dates as such).",
)
_FILE = {
    200: {
        "description": "The file, as an attachment, streamed.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


class BoardExportParams(BoardParams):
    format: FileFormat = _FORMAT


class CalendarExportParams(CalendarParams):
    format: FileFormat = _FORMAT


class ClosedExportParams(ClosedParams):
    format: FileFormat = _FORMAT


class AccountExportParams(Schema):
    search: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="As the accounts page searches: the start of a name, a SIREN, a phone "
        "number or an email address.",
    )
    format: FileFormat = _FORMAT


@router.get(
    "/exports/board",
    response={**DETAIL_ERRORS},
    openapi_extra={"responses": _FILE},
    summary="The board's open opportunities, stage by stage in its sort, as a file (SPEC X5)",
)
def export_board(request: HttpRequest, params: Query[BoardExportParams]) -> StreamingHttpResponse:
    query = BoardQuery(params.portfolio, params.group, params.board_filters(sort=params.sort))
    with query_errors():
        found = screens.board(user_of(request), query)
    return answer(request, found, params.format)


@router.get(
    "/exports/calendar",
    response={**DETAIL_ERRORS},
    openapi_extra={"responses": _FILE},
    summary="The calendar's open opportunities: *No date*, *Overdue*, then month by month "
    "(SPEC X5)",
)
def export_calendar(
    request: HttpRequest, params: Query[CalendarExportParams]
) -> StreamingHttpResponse:
    everything = params.portfolio == "all"
    portfolio_id = int(params.portfolio) if params.portfolio and not everything else None
    today = timezone.localdate()
    start = Month.parse(params.start) if params.start else Month.of(today)
    check_months_fit(start, params.months)
    layout = ByMonth(start, params.months, portfolio_id, params.group, everything, today)
    with query_errors():
        found = screens.calendar_of(
            user_of(request), layout, params.board_filters(sort=params.sort)
        )
    return answer(request, found, params.format)


def _closed(
    request: HttpRequest, params: ClosedExportParams, outcome: Literal["won", "lost"]
) -> StreamingHttpResponse:
    with query_errors():
        found = screens.closed(
            user_of(request),
            outcome,
            portfolio_id=params.portfolio,
            group_id=params.group,
            search=params.search or "",
            filters=params.board_filters(),
        )
    return answer(request, found, params.format)


@router.get(
    "/exports/won",
    response={**DETAIL_ERRORS},
    openapi_extra={"responses": _FILE},
    summary="Every won opportunity, newest signature first (SPEC B19, X5)",
)
def export_won(request: HttpRequest, params: Query[ClosedExportParams]) -> StreamingHttpResponse:
    return _closed(request, params, "won")


@router.get(
    "/exports/lost",
    response={**DETAIL_ERRORS},
    openapi_extra={"responses": _FILE},
    summary="Every lost, abandoned or out of target opportunity, newest first (SPEC B19, X5)",
)
def export_lost(request: HttpRequest, params: Query[ClosedExportParams]) -> StreamingHttpResponse:
    return _closed(request, params, "lost")


@router.get(
    "/exports/accounts",
    response={**DETAIL_ERRORS},
    openapi_extra={"responses": _FILE},
    summary="The accounts the user may see, by name, as the accounts page finds them (SPEC X5)",
)
def export_accounts(
    request: HttpRequest, params: Query[AccountExportParams]
) -> StreamingHttpResponse:
    return answer(request, screens.accounts(user_of(request), params.search or ""), params.format)
