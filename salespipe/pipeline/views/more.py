"""The cards a column didn't draw (SPEC B9, B11-B13, C1, C4): *Show more*, and the
live search's matches beyond the cards drawn.

A board or calendar column draws its first `FIRST_CARDS` cards; its foot offers *Show more
(N remaining)*, which asks `…/more/` for the next ones after the last card drawn, in the
same sort, filters and scope. While a live search is typed, the page asks `…/found/` once
typing pauses, with the last card drawn of each column that has more, for the matching
cards not drawn yet; they join their columns marked as found by the search.

Both answer HTML fragments: cards, then a new *Show more* (or a note of the matches left),
made by the same card renderer as the page.
"""

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.lib.parse import integer
from salespipe.org.rates import RateTable
from salespipe.pipeline import selectors
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.presenters.board import DrawnCards, present_cards
from salespipe.pipeline.selectors import MoreCards, card_pages
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import OVERDUE, MonthSlot
from salespipe.web.http import AuthedRequest


def _stage(text: str) -> int:
    found = integer(text)
    if found is None:
        raise InvalidInput({"column": [_("A stage id is expected.")]})
    return found


def _month(text: str) -> MonthSlot:
    if text == selectors.NO_DATE_KEY:
        return None
    if text == OVERDUE:
        return OVERDUE
    try:
        return Month.parse(text)
    except ValueError:
        raise InvalidInput({"column": [_("A month written YYYY-MM is expected.")]}) from None


def board_more_url(query: BoardQuery, stage_id: int, last_id: int | None) -> str:
    params = {**query.params(), "column": str(stage_id), "after": str(last_id or "")}
    return f"{reverse('pipeline:board_more')}?{urlencode(params)}"


def calendar_more_url(query: CalendarQuery, column_key: str, last_id: int | None) -> str:
    """*Show more* of the calendar column named `column_key` (`MonthColumn.key`)."""
    params = {**query.params(), "column": column_key, "after": str(last_id or "")}
    return f"{reverse('pipeline:calendar_more')}?{urlencode(params)}"


def _anchors[K](request: AuthedRequest, key_of: Callable[[str], K]) -> dict[K, int | None]:
    """`after=KEY:ID` pairs, repeated: the last card drawn of each column asked about."""
    anchors: dict[K, int | None] = {}
    for pair in request.GET.getlist("after"):
        key, _sep, last = pair.partition(":")
        anchors[key_of(key.strip())] = integer(last)
    return anchors


def _searched(filters: BoardFilters, request: AuthedRequest) -> BoardFilters:
    # The live searches are left out of a board's address (they are typed, not linked).
    return dataclasses.replace(
        filters, search=request.GET.get("q", "").strip(), reach=request.GET.get("reach", "")
    )


def _drawn(more: MoreCards) -> DrawnCards:
    rates = RateTable.load(more.currency)
    return present_cards(more.cards, rates)


def _refused(error: InvalidInput) -> HttpResponse:
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def _more_response(
    request: AuthedRequest, more: MoreCards, next_url: Callable[[int], str]
) -> HttpResponse:
    drawn = _drawn(more)
    last = drawn.last_id
    context = {
        "cards": drawn,
        "remaining": more.remaining,
        "more_url": next_url(last) if more.remaining and last is not None else "",
    }
    return render(request, "pipeline/_more_cards.html", context)


def _found_response(request: AuthedRequest, found: Mapping[str, MoreCards]) -> HttpResponse:
    columns = [
        {"key": key, "cards": _drawn(more), "remaining": more.remaining}
        for key, more in found.items()
        if more.cards or more.remaining
    ]
    return render(request, "pipeline/_found_cards.html", {"columns": columns})


def _next_cards[K](
    request: AuthedRequest,
    query: BoardQuery | CalendarQuery,
    layout: selectors.Layout[K, Any],
    filters: BoardFilters,
    after: Mapping[K, int | None],
    limit: int,
) -> dict[K, MoreCards]:
    # A calendar's unreadable months can't be walked, where a filter left out can.
    if query.errors:
        raise InvalidInput({name: [why] for name, why in query.errors.items()})
    return selectors.more(
        user=request.user,
        layout=layout,
        filters=filters,
        weighted=request.user.show_weighted,
        after=after,
        limit=limit,
    )


def _show_more[K](
    request: AuthedRequest,
    query: BoardQuery | CalendarQuery,
    layout: selectors.Layout[K, Any],
    column_of: Callable[[str], K],
    more_url: Callable[[K, int], str],
) -> HttpResponse:
    """*Show more* of one column: the cards after `after` (a card id) in it."""
    try:
        column = column_of(request.GET.get("column", "").strip())
        after = {column: integer(request.GET.get("after"))}
        more = _next_cards(request, query, layout, query.filters, after, card_pages.MORE_CARDS)
    except InvalidInput as error:
        return _refused(error)
    return _more_response(request, more[column], lambda last: more_url(column, last))


def _found[K](
    request: AuthedRequest,
    query: BoardQuery | CalendarQuery,
    layout: selectors.Layout[K, Any],
    column_of: Callable[[str], K],
) -> HttpResponse:
    """The live search's matching cards not drawn yet, of the columns named by `after`."""
    filters = _searched(query.filters, request)
    try:
        anchors = _anchors(request, column_of)
        if not (filters.search or filters.reach.strip()):
            anchors = {}
        found = _next_cards(request, query, layout, filters, anchors, card_pages.FOUND_CARDS)
    except InvalidInput as error:
        return _refused(error)
    return _found_response(request, {layout.key(key): more for key, more in found.items()})


@login_required
@require_GET
def board_more(request: AuthedRequest) -> HttpResponse:
    """*Show more* of one board column: a stage."""
    query = BoardQuery.from_params(request.GET)
    return _show_more(
        request,
        query,
        query.layout(),
        _stage,
        lambda stage, last: board_more_url(query, stage, last),
    )


@login_required
@require_GET
def board_found(request: AuthedRequest) -> HttpResponse:
    """The live search's matching cards not drawn yet, of the board columns named."""
    query = BoardQuery.from_params(request.GET)
    return _found(request, query, query.layout(), lambda key: integer(key) or 0)


@login_required
@require_GET
def calendar_more(request: AuthedRequest) -> HttpResponse:
    """*Show more* of one calendar column: a month, or *No date*."""
    query = CalendarQuery.from_params(request.GET)
    layout = query.layout(timezone.localdate())
    return _show_more(
        request,
        query,
        layout,
        _month,
        lambda month, last: calendar_more_url(query, layout.key(month), last),
    )


@login_required
@require_GET
def calendar_found(request: AuthedRequest) -> HttpResponse:
    """The live search's matching cards not drawn yet, of the calendar columns named."""
    query = CalendarQuery.from_params(request.GET)
    return _found(request, query, query.layout(timezone.localdate()), _month)
