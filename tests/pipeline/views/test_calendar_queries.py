"""The calendar's number of queries doesn't grow with its cards (C1-C4; DESIGN: selectors)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.lib.months import Month
from salespipe.test import World, make_account, make_contact, make_opportunity


def add_opportunities(world: World, count: int) -> None:
    """Cards with everything a card draws, spread over *No date* and the four months shown."""
    stages = [world.qualification, world.discovery, world.proposal, world.negotiation]
    start = Month.of(timezone.localdate())
    for index in range(count):
        account = make_account(world.company_a, phone="01 23 45 67 89")
        slot = index % 5
        deal = make_opportunity(
            world.portfolio_a,
            account=account,
            contact=make_contact(account, email="x@example.com"),
            stage=stages[index % len(stages)],
            amount=Decimal(1000 + index),
            days=Decimal(2),
            currency=world.usd if index % 3 == 0 else world.eur,
            expected_signature_date=start.shifted(slot - 1).last_day if slot else None,
        )
        deal.tags.add(world.tag_hot)
        if index % 2:
            Action.objects.create(
                company=world.company_a,
                opportunity=deal,
                kind=ActionKind.CALL,
                subject="Call",
                due_at=dt.datetime(2031, 1, 5, 10, tzinfo=dt.UTC),
                assignee=world.alice,
            )


def queries(client: Client, url: str, *, htmx: bool = False) -> tuple[int, str]:
    headers = {"HX-Request": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_calendar_page_runs_as_many_queries_for_500_opportunities_as_for_50(
    world: World, alice_client: Client
):
    """C1-C4: no query per card or per month, whatever the number of cards."""
    url = f"/calendar/?portfolio={world.portfolio_a.pk}"
    add_opportunities(world, 50)
    with_50, html = queries(alice_client, url)
    assert html.count("data-card ") == 50

    add_opportunities(world, 450)
    with_500, html = queries(alice_client, url)
    assert html.count("data-card ") == 500

    assert with_50 == with_500


def test_the_calendar_fragment_runs_as_many_queries_for_500_opportunities_as_for_50(
    world: World, alice_client: Client
):
    """C1-C4: the htmx part of All portfolios, over six months."""
    url = f"/calendar/?all=1&start={Month.of(timezone.localdate())}&months=6"
    add_opportunities(world, 50)
    with_50, html = queries(alice_client, url, htmx=True)
    assert html.count("data-card ") == 50
    assert "<html" not in html

    add_opportunities(world, 450)
    with_500, html = queries(alice_client, url, htmx=True)
    assert html.count("data-card ") == 500

    assert with_50 == with_500
