"""X6: the forecast page, its tables beside its charts, in English and French, scoped."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.forecast.models import SalesTarget
from salespipe.test import World
from tests.forecast.conftest import Past, day_in_period
from tests.forecast.test_selectors import _deals, _lives

pytestmark = pytest.mark.django_db

PERIOD = "start=2026-01&months=3"


def _page(client: Client, world: World, query: str = PERIOD, **headers: str) -> str:
    answer = client.get(f"/forecast/?portfolio={world.portfolio_a.pk}&{query}", headers=headers)
    assert answer.status_code == 200, answer.content[:500]
    return answer.content.decode()


def _row(html: str, table: str, key: str) -> str:
    body = html[html.index(f'data-table="{table}"') :]
    return body[body.index(key) : body.index("</tr>", body.index(key))]


def test_the_page_shows_each_chart_with_its_numbers_in_a_table(
    world: World, alice_client: Client
) -> None:
    _deals(world)
    _lives(world, Past(world))
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    html = _page(alice_client, world)
    january = _row(html, "months", 'data-month="2026-01"')
    # Won: the 1,000 signed on 15 January and the deal of `_lives` won on the 17th.
    assert "€2,000.00" in january
    assert "€1,234.56" in january
    assert "€123.46" in january
    assert "€5,000.00" in january
    for table in ("months", "stages", "conversion", "time"):
        assert f'data-table="{table}"' in html
        assert f'data-chart="{table}"' in html
    conversion = _row(html, "conversion", f'data-stage="{world.qualification.pk}"')
    assert ">5<" in conversion
    assert "80.0%" in conversion
    assert "20.0%" in conversion
    assert "6.0 d" in _row(html, "time", f'data-stage="{world.discovery.pk}"')
    # Drawn under the strict CSP: no script and no style attribute of its own.
    main = html[html.index("<main") :]
    assert "<script" not in main
    assert " style=" not in main


def test_the_page_speaks_french(world: World, alice_client: Client) -> None:
    _deals(world)
    html = _page(alice_client, world, **{"Accept-Language": "fr"})
    assert "Prévision et entonnoir" in html
    assert "Par mois de signature" in html
    assert "1\u202f234,56" in _row(html, "months", 'data-month="2026-01"')


def test_charlie_sees_none_of_company_as_figures(world: World, charlie_client: Client) -> None:
    _deals(world)
    _lives(world, Past(world))
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    html = _page(charlie_client, world)
    assert "1,234.56" not in html
    assert "5,000" not in html
    assert 'data-figure="created">0<' in html
    assert charlie_client.get("/forecast/?portfolio=999999").status_code == 404


def test_a_visitor_is_sent_to_log_in(world: World) -> None:
    answer = Client().get(f"/forecast/?portfolio={world.portfolio_a.pk}")
    assert answer.status_code == 302
    assert "/login/" in answer["Location"]


def test_without_a_scope_the_page_opens_on_the_first_portfolio(
    world: World, alice_client: Client
) -> None:
    answer = alice_client.get("/forecast/")
    assert answer.status_code == 302
    assert re.search(r"/forecast/\?portfolio=\d+", answer["Location"])


def test_a_period_that_cant_be_read_is_named_and_the_default_shown(
    world: World, alice_client: Client
) -> None:
    html = _page(alice_client, world, "months=99&start=soon")
    assert "Some parameters could not be read" in html
    assert html.count('data-month="') == 12


PAGE_QUERIES = 15


def test_the_page_reads_as_many_queries_for_many_opportunities(
    world: World, alice_client: Client
) -> None:
    past = Past(world)
    _lives(world, past)
    past.created(day_in_period(1), world.qualification, currency_id="USD")
    _page(alice_client, world)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(alice_client, world)
        return len(captured)

    few = queries()
    # None per stage (each comes with its template) and none per card.
    assert few == PAGE_QUERIES
    for index in range(20):
        deal = past.created(day_in_period(index), world.qualification, currency_id="USD")
        past.moved(deal, day_in_period(index + 1), world.discovery)
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 2, 1), amount=10)
    assert queries() == few
