"""The forecast and funnel page (SPEC X6), served in-process, against one SQL aggregate.

The page reads the forecast by month and stage, the targets, the conversion of the
opportunities created in the period and the median time in each stage, from the history.
Its baseline is the least any forecast does: one grouped query of the won and open amounts
by month, stage probability and currency, by hand. The page's queries are counted at each
size: they must not grow with the opportunities.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salespipe.forecast.selectors import Period
from salespipe.org.access import company_ids

from .baseline import month_sql
from .pages import _fetch, client_for
from .timing import median_seconds, ratio
from .world import BenchWorld


def aggregate_sql(company_ids: Sequence[int]) -> str:
    day = "CASE WHEN o.status = 'won' THEN o.signed_on ELSE o.expected_signature_date END"
    return (
        f"SELECT o.status, {month_sql(day)}, s.probability, o.currency_id, COUNT(*), "
        "SUM(o.amount) FROM pipeline_opportunity o JOIN pipeline_stage s ON s.id = o.stage_id "
        f"WHERE o.company_id IN ({', '.join(['%s'] * len(company_ids))}) "
        f"AND o.portfolio_id = %s AND o.status IN ('won', 'open') AND {day} BETWEEN %s AND %s "
        f"GROUP BY o.status, {month_sql(day)}, s.probability, o.currency_id"
    )


def aggregate(
    company_ids: Sequence[int], portfolio_id: int, period: Period
) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            aggregate_sql(company_ids),
            [*company_ids, portfolio_id, period.first_day, period.last_day],
        )
        return cursor.fetchall()


def measure_forecast(world: BenchWorld, runs: int) -> dict[str, Any]:
    client = client_for(world)
    scope = sorted(company_ids(world.user))
    period = Period.around(timezone.localdate())
    url = (
        f"{reverse('forecast:page')}?portfolio={world.portfolio.pk}"
        f"&start={period.start}&months={period.months}"
    )
    with CaptureQueriesContext(connection) as captured:
        html = _fetch(client, url)
    queries = len(captured)
    page = median_seconds(lambda: _fetch(client, url), runs=runs)
    rows = aggregate(scope, world.portfolio.pk, period)
    base = median_seconds(lambda: aggregate(scope, world.portfolio.pk, period), runs=runs)
    return {
        "url": url,
        "queries": queries,
        "page_s": page,
        "baseline_s": base,
        "ratio": ratio(page, base),
        "months_drawn": html.count('data-month="'),
        "aggregate_rows": len(rows),
    }
