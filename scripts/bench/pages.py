"""Board and calendar pages: the whole page served in-process against the baseline.

The page goes through the full middleware (sessions, authentication, CSRF, CSP, locale) with
Django's test client, logged in as the bench user. Its queries are counted once, its time is
the median of several runs after a warm-up. The baseline reads the same cards and totals
with hand-written SQL and draws them with f-strings (see `baseline`).
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from salespipe.lib.months import Month
from salespipe.org.access import company_ids
from salespipe.pipeline.selectors.card_pages import FIRST_CARDS

from . import baseline
from .timing import median_seconds, ratio
from .world import BenchWorld

CALENDAR_MONTHS = 6


def client_for(world: BenchWorld) -> Client:
    client = Client()
    client.force_login(world.user)
    return client


def _fetch(client: Client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response.content.decode()


def _measure(
    client: Client,
    url: str,
    raw: Callable[[], tuple[str, int]],
    totals: Callable[[], Any],
    runs: int,
) -> dict[str, Any]:
    with CaptureQueriesContext(connection) as captured:
        html = _fetch(client, url)
    # Read now: the next request empties the connection's query log.
    queries = len(captured)
    page = median_seconds(lambda: _fetch(client, url), runs=runs)
    raw_html, raw_cards = raw()
    base = median_seconds(raw, runs=runs)
    totals_time = median_seconds(totals, runs=runs)
    cards = html.count("data-card ")
    return {
        "url": url,
        "queries": queries,
        "page_s": page,
        "baseline_s": base,
        "totals_query_s": totals_time,
        "ratio": ratio(page, base),
        "cards_drawn": cards,
        "baseline_cards": raw_cards,
        "same_cards": cards == raw_cards,
        "page_bytes": len(html.encode()),
        "baseline_bytes": len(raw_html.encode()),
    }


def measure_board(world: BenchWorld, runs: int) -> dict[str, Any]:
    client = client_for(world)
    scope = sorted(company_ids(world.user))
    today = timezone.localdate()
    url = f"{reverse('pipeline:board')}?portfolio={world.portfolio.pk}"
    return _measure(
        client,
        url,
        lambda: baseline.board_page(
            portfolio_id=world.portfolio.pk,
            company_ids=scope,
            stages=[(stage.pk, stage.name) for stage in world.stages],
            currency=world.company.currency_id,
            card_limit=FIRST_CARDS,
            today=today,
        ),
        lambda: baseline.board_totals(world.portfolio.pk, scope),
        runs,
    )


def measure_calendar(world: BenchWorld, runs: int) -> dict[str, Any] | None:
    """Six months of every portfolio; None while the calendar page does not exist."""
    try:
        path = reverse("pipeline:calendar")
    except NoReverseMatch:
        return None
    client = client_for(world)
    scope = sorted(company_ids(world.user))
    today = timezone.localdate()
    start = Month.of(today)
    url = f"{path}?all=1&start={start}&months={CALENDAR_MONTHS}"
    return _measure(
        client,
        url,
        lambda: baseline.calendar_page(
            company_ids=scope,
            start=start,
            months=CALENDAR_MONTHS,
            currency=world.company.currency_id,
            card_limit=FIRST_CARDS,
            today=today,
        ),
        lambda: baseline.calendar_totals(scope, start, CALENDAR_MONTHS),
        runs,
    )
