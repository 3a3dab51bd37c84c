"""The forecast and the funnel (SPEC X6), with the same figures as the forecast page.

Both take the calendar's scope (`portfolio`, `all` or `group`), a period of whole months
(`start`, `months`) and the board's filters. Amounts are in `currency`, converted at today's
rates (B6); those of a currency without a rate are counted, not added, and named in
`missing_rates`.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from salespipe.api.auth import user_of
from salespipe.api.errors import query_errors
from salespipe.api.routers.boards import scope_out
from salespipe.api.schemas import DETAIL_ERRORS, Id
from salespipe.api.schemas_opportunities import CardFilters, DecimalText, Month, ScopeOut
from salespipe.forecast.selectors import MAX_MONTHS, Period, Reach, reach
from salespipe.forecast.selectors.funnel import funnel
from salespipe.forecast.selectors.months import Amounts, forecast
from salespipe.lib.months import Month as PeriodMonth

router = Router(tags=["forecast"])


class PeriodParams(CardFilters):
    portfolio: str | None = Field(
        None,
        pattern=r"^(all|[1-9][0-9]{0,17})$",
        description="A portfolio id, or `all` for every portfolio the user may see; or give "
        "`group`.",
    )
    group: Id | None = Field(None, description="A group (a stage template id): all its portfolios.")
    start: Month | None = Field(
        None,
        description="The period's first month; by default the fifth before the current one.",
    )
    months: int = Field(12, ge=1, le=MAX_MONTHS, description=f"How many months, 1 to {MAX_MONTHS}.")


class PeriodOut(Schema):
    start: str = Field(description="The first month, YYYY-MM.")
    end: str = Field(description="The last month, YYYY-MM.")
    months: int


class AmountsOut(Schema):
    count: int
    amount: DecimalText = Field(description="Their amounts added, in `currency`.")
    weighted: DecimalText = Field(
        description="Weighted by their stage's probability (a won one at its full amount)."
    )


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM.")
    won: AmountsOut = Field(description="Won and signed in the month.")
    open: AmountsOut = Field(description="Open and expected to sign in the month.")
    expected: DecimalText = Field(description="The won and the open weighted, added.")
    target: DecimalText | None = Field(
        description="The targets set for the month, added; null when none is set or when a "
        "filter narrows the forecast."
    )


class StageOut(Schema):
    stage: int
    name: str
    template: str


class StageAmountsOut(StageOut):
    open: AmountsOut = Field(description="Open and expected to sign in the period.")


class ForecastOut(Schema):
    scope: ScopeOut
    currency: str
    period: PeriodOut
    months: list[MonthOut]
    stages: list[StageAmountsOut]
    missing_rates: list[str]


class StageFlowOut(StageOut):
    reached: int = Field(
        description="Of the opportunities created in the period, those that were in this "
        "stage or a later one (a won one reached them all)."
    )
    reached_next: int = Field(
        description="Those that reached the next stage (after the last open one: won)."
    )
    to_next: Decimal | None = Field(description="reached_next / reached, in %, to a tenth.")
    to_won: Decimal | None = Field(description="won / reached, in %, to a tenth.")
    stays: int = Field(
        description="The stays in this stage that ended in the period (a move, a win, a loss)."
    )
    median_days: Decimal | None = Field(description="Their median length in days, to a tenth.")


class FunnelOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    created: int = Field(description="The opportunities created in the period.")
    won: int = Field(description="How many of them are won.")
    stages: list[StageFlowOut]


def _reach(request: HttpRequest, params: PeriodParams) -> tuple[Reach, Period]:
    everything = params.portfolio == "all"
    portfolio_id = int(params.portfolio) if params.portfolio and not everything else None
    start = (
        PeriodMonth.parse(params.start)
        if params.start
        else Period.around(timezone.localdate()).start
    )
    with query_errors():
        period = Period(start, params.months)
        found = reach(
            user_of(request),
            portfolio_id=portfolio_id,
            group_id=params.group,
            all_portfolios=everything,
            filters=params.board_filters(),
        )
    return found, period


def _scope(found: Reach) -> Any:
    scope = found.scope
    group = scope.template.pk if scope.template is not None and scope.portfolio is None else None
    portfolio = scope.portfolio.pk if scope.portfolio is not None else None
    return scope_out(scope.label, portfolio, group, scope.can_create)


def _period(period: Period) -> dict[str, Any]:
    return {"start": str(period.start), "end": str(period.end), "months": period.months}


def _amounts(amounts: Amounts) -> dict[str, Any]:
    return {"count": amounts.count, "amount": amounts.amount, "weighted": amounts.weighted}


@router.get(
    "/forecast",
    response={200: ForecastOut, **DETAIL_ERRORS},
    summary="Won and open amounts by signature month against the targets, and by stage (SPEC X6)",
)
def get_forecast(request: HttpRequest, params: Query[PeriodParams]) -> dict[str, Any]:
    found, period = _reach(request, params)
    figures = forecast(user_of(request), found, period, narrowed=params.board_filters().narrows)
    return {
        "scope": _scope(found),
        "currency": figures.currency.code,
        "period": _period(period),
        "months": [
            {
                "month": str(row.month),
                "won": _amounts(row.won),
                "open": _amounts(row.open),
                "expected": row.expected,
                "target": row.target,
            }
            for row in figures.months
        ],
        "stages": [
            {
                "stage": row.stage.pk,
                "name": row.stage.name,
                "template": row.stage.template.name,
                "open": _amounts(row.open),
            }
            for row in figures.stages
        ],
        "missing_rates": figures.missing_rates,
    }


@router.get(
    "/funnel",
    response={200: FunnelOut, **DETAIL_ERRORS},
    summary="Conversion from each stage to the next and to won, and the median time in each "
    "stage, over a period (SPEC X6)",
)
def get_funnel(request: HttpRequest, params: Query[PeriodParams]) -> dict[str, Any]:
    found, period = _reach(request, params)
    flow = funnel(found, period)
    return {
        "scope": _scope(found),
        "period": _period(period),
        "created": flow.created,
        "won": flow.won,
        "stages": [
            {
                "stage": row.stage.pk,
                "name": row.stage.name,
                "template": row.stage.template.name,
                "reached": row.reached,
                "reached_next": row.reached_next,
                "to_next": row.to_next,
                "to_won": row.to_won,
                "stays": row.stays,
                "median_days": row.median_days,
            }
            for row in flow.stages
        ],
    }
