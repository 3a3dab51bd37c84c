"""X6 in the API: /forecast and /funnel give the forecast page's figures, scoped as it is."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from salespipe.forecast.models import SalesTarget
from salespipe.test import World
from tests.forecast.conftest import Past
from tests.forecast.test_selectors import _deals, _lives

pytestmark = pytest.mark.django_db

PERIOD = "start=2026-01&months=3"


def test_the_forecast_gives_each_month_and_stage_in_the_scopes_currency(
    world: World, alice_api: Client
) -> None:
    _deals(world)
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    answer = alice_api.get(f"/api/v1/forecast?portfolio={world.portfolio_a.pk}&{PERIOD}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["currency"] == "EUR"
    assert body["period"] == {"start": "2026-01", "end": "2026-03", "months": 3}
    january, february, march = body["months"]
    assert january["month"] == "2026-01"
    assert january["won"] == {"count": 1, "amount": "1000.00", "weighted": "1000.00"}
    assert january["open"] == {"count": 1, "amount": "1234.56", "weighted": "123.46"}
    assert january["expected"] == "1123.46"
    assert january["target"] == "5000.00"
    assert february["won"]["amount"] == "680.00"
    assert february["target"] is None
    assert march["open"]["weighted"] == "560.00"
    assert [row["name"] for row in body["stages"]] == [
        "Qualification",
        "Discovery",
        "Proposal",
        "Negotiation",
    ]
    assert body["stages"][2]["open"] == {"count": 1, "amount": "345.00", "weighted": "207.00"}


def test_the_forecast_takes_the_boards_filters_and_then_shows_no_target(
    world: World, alice_api: Client
) -> None:
    _deals(world)
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    body = alice_api.get(
        f"/api/v1/forecast?portfolio={world.portfolio_a.pk}&{PERIOD}&currency=GBP"
    ).json()
    assert [row["open"]["count"] for row in body["months"]] == [0, 1, 0]
    assert [row["target"] for row in body["months"]] == [None, None, None]


def test_the_funnel_gives_conversion_and_median_days(world: World, alice_api: Client) -> None:
    _lives(world, Past(world))
    answer = alice_api.get(f"/api/v1/funnel?portfolio={world.portfolio_a.pk}&{PERIOD}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["won"]) == (5, 1)
    rows = {row["name"]: row for row in body["stages"]}
    assert rows["Qualification"]["reached"] == 5
    assert rows["Qualification"]["to_next"] == "80.0"
    assert rows["Proposal"]["to_won"] == "33.3"
    assert rows["Discovery"]["median_days"] == "6.0"
    assert rows["Discovery"]["stays"] == 3


def test_charlie_gets_nothing_of_company_a_and_an_unknown_portfolio_is_404(
    world: World, charlie_api: Client
) -> None:
    _deals(world)
    _lives(world, Past(world))
    SalesTarget.objects.create(portfolio=world.portfolio_a, month=dt.date(2026, 1, 1), amount=5000)
    body = charlie_api.get(f"/api/v1/forecast?portfolio={world.portfolio_a.pk}&{PERIOD}").json()
    assert all(row["won"]["count"] == row["open"]["count"] == 0 for row in body["months"])
    assert all(row["target"] is None for row in body["months"])
    funnel = charlie_api.get(f"/api/v1/funnel?portfolio={world.portfolio_a.pk}&{PERIOD}").json()
    assert funnel["created"] == 0
    assert all(row["stays"] == 0 for row in funnel["stages"])
    for path in ("forecast", "funnel"):
        assert charlie_api.get(f"/api/v1/{path}?portfolio=999999").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["months=0", "months=37", "start=2026-13", "portfolio=x", "start=9999-06&months=12", ""],
)
def test_a_period_or_scope_that_cant_be_read_is_refused(
    world: World, alice_api: Client, query: str
) -> None:
    scope = "" if "portfolio" in query else f"portfolio={world.portfolio_a.pk}&"
    if not query:
        scope = ""  # neither portfolio, group nor all
    answer = alice_api.get(f"/api/v1/forecast?{scope}{query}")
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"]


def test_without_a_login_the_forecast_is_refused(world: World) -> None:
    assert Client().get(f"/api/v1/forecast?portfolio={world.portfolio_a.pk}").status_code == 401


def test_all_portfolios_add_the_users_companies(world: World, alice_api: Client) -> None:
    _deals(world)
    body = alice_api.get(f"/api/v1/forecast?portfolio=all&{PERIOD}").json()
    # Portfolio A's 1234.56 and A North's 400 in January; nothing of company B.
    assert Decimal(body["months"][0]["open"]["amount"]) == Decimal("1634.56")
    assert body["scope"] == {
        "label": "All portfolios",
        "portfolio": None,
        "group": None,
        "can_create": False,
    }


def test_a_period_before_the_year_one_is_refused(world: World, alice_api: Client) -> None:
    answer = alice_api.get(f"/api/v1/funnel?portfolio={world.portfolio_a.pk}&start=0001-01")
    assert answer.status_code == 422
