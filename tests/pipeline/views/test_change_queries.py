"""A change answers with what it changed in a fixed number of queries, whatever the number
of cards (SPEC B21, DESIGN "a change answers with what it changed"): the board move, the
calendar drop and a live page's request for the changed cards."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.test import World, make_opportunity
from tests.changes import placed
from tests.pipeline.views.test_board_queries import add_opportunities

# What the page shows of one card: the user's companies, the portfolio and its stages, the
# card with its tags, next action and sort value, its place in the column and the totals;
# no rates, every amount being in the board's currency.
ANSWER = 6
# Session and user, the service's opportunity and stages, then UPDATE, history and change
# feed rows (the view reads nothing itself when no dialog is needed), then the answer.
BOARD_MOVE = 2 + 5 + ANSWER
# The same without the stages: a drop changes only the date, in any stage.
CALENDAR_DROP = 2 + 4 + ANSWER
# Session and user, then the answer.
CHANGES_OF_ONE = 2 + ANSWER


_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def _count(call) -> tuple[int, str]:
    """The statements `call` runs, transaction control aside, and the answer's body."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].upper().startswith(_TRANSACTION_CONTROL)
    ]
    return len(statements), response.content.decode()


def _move(client: Client, world: World, deal, stage) -> tuple[int, str]:
    return _count(
        lambda: client.post(
            f"/board/opportunities/{deal.pk}/move/?portfolio={world.portfolio_a.pk}",
            {"version": deal.version, "stage": stage.pk},
            HTTP_HX_REQUEST="true",
        )
    )


def test_a_board_move_answers_in_as_many_queries_with_500_cards_as_with_50(
    world: World, alice_client: Client
):
    add_opportunities(world, 50)
    first = make_opportunity(world.portfolio_a, amount=Decimal("10"))
    with_50, html = _move(alice_client, world, first, world.discovery)
    assert f'data-stage="{world.discovery.pk}"' in placed(html)[first.pk].html

    add_opportunities(world, 450)
    second = make_opportunity(world.portfolio_a, amount=Decimal("10"))
    with_500, html = _move(alice_client, world, second, world.discovery)
    assert f'data-stage="{world.discovery.pk}"' in placed(html)[second.pk].html
    assert with_50 == with_500 == BOARD_MOVE


def _drop(client: Client, world: World, deal) -> tuple[int, str]:
    return _count(
        lambda: client.post(
            f"/calendar/opportunities/{deal.pk}/schedule/"
            f"?portfolio={world.portfolio_a.pk}&start=2031-01&months=12",
            {"version": deal.version, "month": "2031-06"},
            HTTP_HX_REQUEST="true",
        )
    )


def test_a_calendar_drop_answers_in_as_many_queries_with_500_cards_as_with_50(
    world: World, alice_client: Client
):
    add_opportunities(world, 50)
    first = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 2, 1))
    with_50, html = _drop(alice_client, world, first)
    assert 'datetime="2031-06-30"' in placed(html)[first.pk].html

    add_opportunities(world, 450)
    second = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2031, 2, 1))
    with_500, html = _drop(alice_client, world, second)
    assert 'datetime="2031-06-30"' in placed(html)[second.pk].html
    assert with_50 == with_500 == CALENDAR_DROP


def test_a_live_page_asks_for_a_changed_card_in_as_many_queries_with_500_cards_as_with_50(
    world: World, bob_client: Client
):
    add_opportunities(world, 50)
    deal = make_opportunity(world.portfolio_a, amount=Decimal("10"))
    url = f"/board/changes/?ids={deal.pk}&portfolio={world.portfolio_a.pk}"
    with_50, html = _count(lambda: bob_client.get(url))
    assert deal.pk in placed(html)

    add_opportunities(world, 450)
    with_500, html = _count(lambda: bob_client.get(url))
    assert with_50 == with_500 == CHANGES_OF_ONE
