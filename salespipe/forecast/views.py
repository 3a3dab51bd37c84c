"""The forecast and funnel page (SPEC X6): a thin view over the forecast's selectors.

Its address is the calendar's (`?portfolio=ID|group=ID|all=1&start=YYYY-MM&months=N` and the
board's filters), so that a calendar's or a board's link opens the same opportunities. Without
`start`, the period is the six months before this one and the six from it.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from salespipe.forecast import charts
from salespipe.forecast.selectors import Period, reach
from salespipe.forecast.selectors.funnel import funnel
from salespipe.forecast.selectors.months import forecast
from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.presenters.calendar import month_label
from salespipe.pipeline.presenters.page_context import default_calendar_query, header_context
from salespipe.web.http import AuthedRequest

# Filters the page's own form sends; the others ride along from the board's address.
_OWN_FIELDS = ("scope", "seller", "portfolio", "group", "all", "start", "months", "since")
DEFAULT_MONTHS = 12


def period_of(query: CalendarQuery, today: Any) -> Period:
    if query.start is None:
        around = Period.around(today)
        return Period(around.start, query.months or around.months)
    return Period(query.start, query.months or DEFAULT_MONTHS)


@login_required
@require_safe
def forecast_page(request: AuthedRequest) -> HttpResponse:
    """X6: the forecast by month and stage, the conversion and the time in each stage."""
    asked = CalendarQuery.from_params(request.GET)
    query = default_calendar_query(request.user, asked)
    if not query.has_scope:
        return render(request, "pipeline/no_portfolio.html")
    if query != asked and not asked.errors:
        # The address names the portfolio shown, so that a link or a reload keeps it.
        return redirect(reverse("forecast:page") + query.canonical())
    today = timezone.localdate()
    errors = dict(query.errors)
    try:
        period = period_of(query, today)
    except InvalidInput as exc:
        errors.update({name: " ".join(messages) for name, messages in exc.errors.items()})
        period = Period.around(today)
    scope = reach(
        request.user,
        portfolio_id=query.portfolio_id,
        group_id=query.group_id,
        all_portfolios=query.all_portfolios,
        filters=query.filters,
    )
    figures = forecast(request.user, scope, period, narrowed=query.filters.narrows)
    flow = funnel(scope, period)
    kept = {
        name: value
        for name, value in query.filters.to_params().items()
        if name not in _OWN_FIELDS and name not in ("salesperson", "team", "department", "sort")
    }
    context = header_context(request.user)
    context.update(
        nav="forecast",
        query=query,
        errors=errors,
        forecast=figures,
        funnel=flow,
        period_label=_period_label(period),
        start_value=str(period.start),
        months_value=period.months,
        kept_filters=kept,
        charts={
            "months": charts.month_chart(figures),
            "stages": charts.stage_chart(figures),
            "conversion": charts.conversion_chart(flow),
            "time": charts.time_chart(flow),
        },
        board_url=reverse("pipeline:board") + query.scope.canonical(),
        calendar_url=reverse("pipeline:calendar") + query.canonical(),
        this_month=Month.of(today),
    )
    return render(request, "forecast/forecast.html", context)


def _period_label(period: Period) -> str:
    first, last = month_label(period.start), month_label(period.end, heading=False)
    return f"{first} – {last}"
