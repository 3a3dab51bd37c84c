"""The board page's number of queries doesn't grow with its cards (DESIGN: selectors)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.activities.models import Action, ActionKind
from salespipe.pipeline.selectors.card_pages import FIRST_CARDS
from salespipe.test import World, make_account, make_contact, make_opportunity


def add_opportunities(world: World, count: int) -> None:
    """Cards with everything a card draws: contact, tags, a planned action, two currencies."""
    stages = [world.qualification, world.discovery, world.proposal, world.negotiation]
    for index in range(count):
        account = make_account(world.company_a, phone="01 23 45 67 89")
        deal = make_opportunity(
            world.portfolio_a,
            account=account,
            contact=make_contact(account, email="x@example.com"),
            stage=stages[index % len(stages)],
            amount=Decimal(1000 + index),
            days=Decimal(2),
            currency=world.usd if index % 3 == 0 else world.eur,
            expected_signature_date=dt.date(2031, 1 + index % 12, 1),
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


def queries_of_board_page(client: Client, world: World) -> tuple[int, str]:
    url = f"/board/?portfolio={world.portfolio_a.pk}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_board_page_runs_as_many_queries_for_500_opportunities_as_for_50(
    world: World, alice_client: Client
):
    """B1-B6: no query per card, whatever the number of cards."""
    add_opportunities(world, 50)
    with_50, html = queries_of_board_page(alice_client, world)
    assert html.count("data-card ") == 50

    add_opportunities(world, 450)
    with_500, html = queries_of_board_page(alice_client, world)
    # Each of the four columns draws its first cards; the rest come with Show more.
    assert html.count("data-card ") == 4 * min(125, FIRST_CARDS)

    assert with_50 == with_500


def test_the_board_fragment_runs_as_many_queries_for_500_opportunities_as_for_50(
    world: World, alice_client: Client
):
    url = f"/board/?portfolio={world.portfolio_a.pk}"
    add_opportunities(world, 50)
    with CaptureQueriesContext(connection) as small:
        alice_client.get(url, HTTP_HX_REQUEST="true")
    add_opportunities(world, 450)
    with CaptureQueriesContext(connection) as large:
        response = alice_client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count("data-card ") == 4 * min(125, FIRST_CARDS)
    assert len(small) == len(large)
