"""The signature calendar in the browser (SPEC C1-C5): thin views over the calendar
selector and the schedule service.

It shares the board's header, cards, summary, dialogs and script. A drop answers as the
board's changes do (`views.changes`): what it changed on the calendar, named `changes` in the
`X-Fragment` header (200 done; 409 refused: a stale version or a closed opportunity; 422 a
value refused, such as a date a stage made mandatory; the message is in the answer).
"""

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.pipeline import selectors, services
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.presenters.calendar import (
    month_frames,
    month_label,
    moves_sentence,
    present_month_columns,
)
from salespipe.pipeline.presenters.page_context import (
    create_url,
    default_calendar_query,
    header_context,
    live_url,
    remember_weighted,
)
from salespipe.pipeline.selectors import card_pages
from salespipe.pipeline.selectors.signature_moves import MonthMoves, signature_moves
from salespipe.pipeline.services.errors import InvalidTransition, StaleVersion
from salespipe.pipeline.views.changes import changes_response
from salespipe.pipeline.views.layout_pages import body_response, for_the_script
from salespipe.pipeline.views.more import calendar_more_url
from salespipe.web.http import AuthedRequest
from salespipe.web.late_fragments import CONTEXT_KEY as LATE_FRAGMENTS
from salespipe.web.late_fragments import LateFragments, render_with_late


def _address(query: CalendarQuery | None) -> str:
    return "" if query is None else reverse("pipeline:calendar") + query.canonical()


def calendar_context(
    request: AuthedRequest, query: CalendarQuery, *, message: str = ""
) -> dict[str, Any]:
    """What `#board` draws on the calendar: month columns, totals, summary and frames."""
    user = request.user
    today = timezone.localdate()
    start = query.first_month(today)
    calendar = selectors.columns(
        user=user,
        layout=query.layout(today),
        filters=query.filters,
        weighted=user.show_weighted,
        card_limit=card_pages.FIRST_CARDS,
    )
    late = LateFragments()
    columns = [
        dataclasses.replace(
            view, more_url=calendar_more_url(query, view.column.key, view.cards.last_id)
        )
        if view.column.remaining
        else view
        for view in present_month_columns(calendar.columns, calendar.rates, late, today)
    ]
    if query.since is not None:
        # X2: each month says what moved in and out of it since the day asked.
        moves = signature_moves(
            user=user,
            layout=query.layout(today),
            filters=query.filters,
            weighted=user.show_weighted,
            since=query.since,
        )
        columns = [
            dataclasses.replace(
                view,
                moves=moves_sentence(
                    moves.get(view.column.month) or MonthMoves(),
                    query.since,
                    calendar.currency.code,
                ),
            )
            if view.column.month is not None
            else view
            for view in columns
        ]
    current = Month.of(today)
    return {
        # The board's summary partial reads the figures it shows from `board`.
        "board": calendar,
        LATE_FRAGMENTS: late,
        "calendar": calendar,
        "columns": columns,
        "frames": month_frames(start, calendar.months, today),
        "query": query,
        "start": start,
        "range_label": _("%(first)s to %(last)s")
        % {
            "first": month_label(start),
            "last": month_label(start.shifted(calendar.months - 1), heading=False),
        },
        "previous_url": _address(query.starting(start.shifted(-1))),
        "next_url": _address(query.starting(start.shifted(1))),
        "current_url": _address(query.starting(current)),
        "is_current": start == current,
        # B7, C4: a group or all portfolios get no create button.
        "create_url": create_url(calendar.portfolio, calendar.can_create),
        "live_url": live_url(query.canonical()),
        "message": message,
        "today": today,
        "now": timezone.now(),
    }


def _calendar_response(
    request: AuthedRequest, query: CalendarQuery, *, status: int = 200, message: str = ""
) -> HttpResponse:
    query = default_calendar_query(request.user, query)
    context = calendar_context(request, query, message=message)
    return body_response(request, "pipeline/calendar.html", context, "calendar", status=status)


@login_required
@require_GET
def calendar_page(request: AuthedRequest) -> HttpResponse:
    """C1-C4: *No date*, then the months asked; with htmx, only its `#board` body."""
    asked = CalendarQuery.from_params(request.GET)
    query = default_calendar_query(request.user, asked)
    if not query.has_scope:
        return render(request, "pipeline/no_portfolio.html", status=200)
    is_htmx = bool(request.htmx)
    if query != asked and not is_htmx and not asked.errors:
        # The address names the portfolio shown, so that a link or a reload keeps it.
        return redirect(_address(query))
    if is_htmx:
        return for_the_script(request, _calendar_response(request, query), _address(query))
    context = calendar_context(request, query)
    context.update(header_context(request.user))
    context.update(
        nav="opportunities",
        calendar_url="",
        board_url=reverse("pipeline:board") + query.scope.canonical(),
        weighted_url=reverse("pipeline:calendar_weighted"),
        offer_all_portfolios=True,
    )
    return render_with_late(request, "pipeline/calendar.html", context)


@login_required
@require_POST
def weighted(request: AuthedRequest) -> HttpResponse:
    """B5 on the calendar: weighted amounts or not, remembered for the user."""
    remember_weighted(request.user, request.POST)
    # The header form's fields come with the switch, so the calendar drawn is the one shown.
    return _calendar_response(request, CalendarQuery.from_params(request.POST))


def _reason(error: InvalidInput) -> str:
    return " ".join(message for messages in error.errors.values() for message in messages)


def _outside(opportunity: Opportunity, query: CalendarQuery) -> str:
    """Said when a card leaves the months shown, so that the move is not mistaken for a loss."""
    day = opportunity.expected_signature_date
    if day is None:
        return ""
    start = query.first_month(timezone.localdate())
    month = Month.of(day)
    if start <= month <= start.shifted(query.month_count - 1):
        return ""
    return _("%(name)s is now expected in %(month)s, outside the months shown.") % {
        "name": opportunity.name,
        "month": month_label(month, heading=False),
    }


def _scheduled(opportunity: Opportunity) -> str:
    """Said after a drop on a month shown or on *No date*."""
    day = opportunity.expected_signature_date
    if day is None:
        return _("%(name)s has no expected signature date now.") % {"name": opportunity.name}
    return _("%(name)s is now expected in %(month)s.") % {
        "name": opportunity.name,
        "month": month_label(Month.of(day), heading=False),
    }


def _posted_month(request: AuthedRequest, pk: int, version: int, text: str) -> Month | None:
    """The month a drop posted ("YYYY-MM"), None for *No date* (""); one it can't read is
    refused once the drop is known not to be refused for itself (out of scope, stale,
    closed), as the drop would tell those first."""
    if not text:
        return None
    try:
        return Month.parse(text)
    except ValueError:
        services.opportunity_check_change(
            user=request.user, opportunity_id=pk, version=version, needs_open=True
        )
        raise InvalidInput({"month": [_("A month written YYYY-MM is expected.")]}) from None


@login_required
@require_POST
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    """C3: dropped on a month, a card signs on that month's last day; on *No date*, undated.

    The month posted is "YYYY-MM", or "" for *No date*; a date a stage made mandatory is kept
    and the user told why.
    """
    query = CalendarQuery.from_params(request.GET)
    month = request.POST.get("month", "").strip()
    version = request.POST.get("version", "").strip()
    # A late card re-dated from the board's menu: the answer is for the board.
    on_board = request.GET.get("view") == "board"

    def answer(*, status: int = 200, message: str = "") -> HttpResponse:
        return changes_response(
            request, [pk], status=status, message=message, calendar=not on_board
        )

    if integer(version) is None:
        # Out of scope answers 404 before any other reason, as everywhere.
        access.get(request.user, Opportunity, pk)
        return answer(status=422, message=_("The version last read is required."))
    try:
        scheduled = services.opportunity_schedule(
            user=request.user,
            opportunity_id=pk,
            version=int(version),
            month=_posted_month(request, pk, int(version), month),
        )
    except (StaleVersion, InvalidTransition) as exc:
        return answer(status=409, message=str(exc))
    except InvalidInput as exc:
        reason = _reason(exc)
        if not month:
            opportunity = access.get(request.user, Opportunity, pk)
            reason = _("%(name)s keeps its expected signature date: %(reason)s") % {
                "name": opportunity.name,
                "reason": reason,
            }
        return answer(status=422, message=reason)
    if on_board:
        return answer(message=_scheduled(scheduled))
    return answer(message=_outside(scheduled, query) or _scheduled(scheduled))
