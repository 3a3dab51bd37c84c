"""What a change answers with, and what a live page asks for (SPEC B21, DESIGN "a change
answers with what it changed").

A move, win, loss, delete, reuse, calendar drop or new action answers with the cards it
changed, each with the card it goes after in its column, the cards the page no longer
shows, every column's totals and the summary: htmx out-of-band swaps, named
`changes` in the `X-Fragment` header. A page that hears of a colleague's change through its
live feed asks `GET …/changes/?ids=…` with its own address, and gets the same fragments.

The answer is for the page the change came from: its address (the board's, or the calendar's
with `view=calendar`) says what it shows, so that its filters, sort and months apply.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.pipeline import selectors
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.presenters.board import card_renderer, present_cards
from salespipe.pipeline.presenters.page_context import (
    FRAGMENT_HEADER,
    create_url,
    default_board_query,
    default_calendar_query,
)
from salespipe.web.http import AuthedRequest

# A live page asks for at most this many cards at once; more, and it draws itself again.
MAX_IDS = 100


def changes_context(
    request: AuthedRequest, ids: list[int], *, calendar: bool | None = None
) -> dict[str, Any]:
    """What the page at the request's address now shows of the opportunities `ids`: the
    calendar's when `calendar` says so, or else when the address says `view=calendar`."""
    user = request.user
    if calendar is None:
        calendar = request.GET.get("view") == "calendar"
    if calendar:
        on_calendar = default_calendar_query(user, CalendarQuery.from_params(request.GET))
        return _context(request, on_calendar, on_calendar.layout(timezone.localdate()), ids)
    on_board = default_board_query(user, BoardQuery.from_params(request.GET))
    return _context(request, on_board, on_board.layout(), ids)


def _context[K, V: (selectors.Board, selectors.Calendar)](
    request: AuthedRequest,
    query: BoardQuery | CalendarQuery,
    layout: selectors.Layout[K, V],
    ids: list[int],
) -> dict[str, Any]:
    user = request.user
    changes = selectors.changes(
        user=user, layout=layout, filters=query.filters, weighted=user.show_weighted, ids=ids
    )
    view = changes.view
    renderer = card_renderer()
    placed = [
        {
            "id": item.card.id,
            "column": layout.key(item.column),
            "after": item.after,
            "html": present_cards([item.card], view.rates, renderer).html,
        }
        for item in changes.placed
    ]
    return {
        "board": view,
        "query": query,
        "placed": placed,
        "gone": changes.gone,
        "totals": [(column.key, column.totals) for column in view.columns],
        "create_url": create_url(view.portfolio, view.can_create),
    }


def changes_response(
    request: AuthedRequest,
    ids: list[int],
    *,
    status: int = 200,
    message: str = "",
    calendar: bool | None = None,
) -> HttpResponse:
    context = changes_context(request, ids, calendar=calendar)
    context["message"] = message
    response = render(request, "pipeline/_changes.html", context, status=status)
    response[FRAGMENT_HEADER] = "changes"
    return response


def _ids(raw: str) -> list[int]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts or len(parts) > MAX_IDS or not all(integer(part) is not None for part in parts):
        raise InvalidInput(
            {"ids": [_("From 1 to %(max)s ids, separated by commas.") % {"max": MAX_IDS}]}
        )
    return list(dict.fromkeys(int(part) for part in parts))


@login_required
@require_GET
def changes(request: AuthedRequest) -> HttpResponse:
    """B21: what the page at this address now shows of the opportunities `ids`."""
    try:
        response = changes_response(request, _ids(request.GET.get("ids", "")))
    except InvalidInput as exc:
        # Bad ids, or an address that names no board (no portfolio at all).
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    patch_vary_headers(response, ("HX-Request",))
    return response
