"""The *Export* buttons of the board, the calendar, the won and lost lists and the accounts
(SPEC X5): each reads the address of its screen, as the screen does, and answers the file."""

from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from salespipe.exports import screens
from salespipe.exports.streaming import Format, streamed
from salespipe.exports.writers import csv_pieces, xlsx_pieces
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.presenters.page_context import default_board_query, default_calendar_query
from salespipe.web.http import AuthedRequest


def answer(
    request: HttpRequest, export: screens.Export, file_format: Format
) -> StreamingHttpResponse:
    """The file of `export`, CSV or XLSX: shared with the API."""
    pieces = (
        csv_pieces(export.columns, export.rows)
        if file_format == "csv"
        else xlsx_pieces(export.columns, export.rows, export.title)
    )
    return streamed(
        pieces,
        name=export.name,
        file_format=file_format,
        asynchronous=isinstance(request, ASGIRequest),
    )


@login_required
@require_safe
def export(request: AuthedRequest, screen: str, file_format: str) -> StreamingHttpResponse:
    if screen not in screens.SCREENS or file_format not in ("csv", "xlsx"):
        raise Http404(screen)
    user = request.user
    params = request.GET
    found: screens.Export
    if screen == "board":
        board = default_board_query(user, BoardQuery.from_params(params))
        if board.portfolio_id is None and board.group_id is None:
            raise Http404(screen)  # no portfolio yet: nothing to take out
        found = screens.board(user, board)
    elif screen == "calendar":
        query = default_calendar_query(user, CalendarQuery.from_params(params))
        if not query.has_scope:
            raise Http404(screen)
        found = screens.calendar(user, query, timezone.localdate())
    elif screen in ("won", "lost"):
        query_of_board = default_board_query(user, BoardQuery.from_params(params))
        found = screens.closed(
            user,
            "won" if screen == "won" else "lost",
            portfolio_id=query_of_board.portfolio_id,
            group_id=query_of_board.group_id,
            search=params.get("search", "").strip(),
            filters=query_of_board.filters,
        )
    else:
        found = screens.accounts(user, params.get("q", "").strip())
    return answer(request, found, "csv" if file_format == "csv" else "xlsx")
