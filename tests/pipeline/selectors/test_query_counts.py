"""The board's and the calendar's queries don't grow with the portfolio (DESIGN: selectors).

Pinned at two sizes, for the selectors and for the whole pages (session, user, header,
columns, cards, summary), with the card limit the pages draw. A query per card, per tag
or per action would show as a count that differs between the sizes.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespipe.lib.months import Month
from salespipe.org.models import Collaborator
from salespipe.pipeline.selectors import board, calendar
from salespipe.pipeline.selectors.card_pages import FIRST_CARDS
from salespipe.test import World
from tests.pipeline.scale import add_cards

SIZES = [40, 600]
BOARD_SELECTOR_QUERIES = 8
CALENDAR_SELECTOR_QUERIES = 8
# With the live feed's cursor, from which the page's feed starts (B21).
BOARD_PAGE_QUERIES = 17
CALENDAR_PAGE_QUERIES = 17


@pytest.mark.parametrize("size", SIZES)
def test_the_board_selector_runs_the_same_queries_for_40_and_600_cards(
    world: World, size: int, django_assert_num_queries
):
    """B1-B6, B9: columns, cards with their relations, totals."""
    add_cards(world, size)
    alice = Collaborator.objects.get(pk=world.alice.pk)
    with django_assert_num_queries(BOARD_SELECTOR_QUERIES):
        result = board(user=alice, portfolio_id=world.portfolio_a.pk, card_limit=FIRST_CARDS)
    drawn = sum(len(column.cards) for column in result.columns)
    assert drawn == min(size, 4 * FIRST_CARDS)
    assert result.summary.count == size


@pytest.mark.parametrize("size", SIZES)
def test_the_calendar_selector_runs_the_same_queries_for_40_and_600_cards(
    world: World, size: int, django_assert_num_queries
):
    """C1, C4: "No date" and six months of all portfolios."""
    add_cards(world, size)
    alice = Collaborator.objects.get(pk=world.alice.pk)
    start = Month.of(timezone.localdate())
    with django_assert_num_queries(CALENDAR_SELECTOR_QUERIES):
        result = calendar(
            user=alice, all_portfolios=True, start=start, months=6, card_limit=FIRST_CARDS
        )
    assert all(len(column.cards) <= FIRST_CARDS for column in result.columns)
    assert sum(len(c.cards) + c.remaining for c in result.columns) == result.summary.count


def page_queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_the_board_page_runs_the_same_queries_for_40_and_600_cards(
    world: World, alice_client: Client, size: int
):
    """B1-B6: the whole page, drawing at most FIRST_CARDS cards a column."""
    add_cards(world, size)
    queries, html = page_queries(alice_client, f"/board/?portfolio={world.portfolio_a.pk}")
    assert queries == BOARD_PAGE_QUERIES
    assert html.count("data-card ") == min(size, 4 * FIRST_CARDS)


@pytest.mark.parametrize("size", SIZES)
def test_the_calendar_page_runs_the_same_queries_for_40_and_600_cards(
    world: World, alice_client: Client, size: int
):
    """C1, C4: the whole page of all portfolios, six months."""
    add_cards(world, size)
    start = Month.of(timezone.localdate())
    queries, html = page_queries(alice_client, f"/calendar/?all=1&start={start}&months=6")
    assert queries == CALENDAR_PAGE_QUERIES
    assert 0 < html.count("data-card ") <= 7 * FIRST_CARDS
