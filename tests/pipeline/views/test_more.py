"""*Show more* and the search's matches not drawn, through the pages (B9, B11-B13,
C1, C4, P8).

The card limits are made small here so that a few dozen cards fill several pages.
"""

import re

import pytest
from django.test import Client
from django.utils import timezone

from salespipe.lib.months import Month
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors import board, card_pages
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.test import World, make_account, make_opportunity
from tests.pipeline.scale import add_cards

CARD_IDS = re.compile(r'data-card data-id="(\d+)"')
MORE_URL = re.compile(r'data-more-url="([^"]+)"')


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(card_pages, "FIRST_CARDS", 4)
    monkeypatch.setattr(card_pages, "MORE_CARDS", 6)
    monkeypatch.setattr(card_pages, "FOUND_CARDS", 3)


def column_html(html: str, key: str) -> str:
    start = html.index(f'data-column-key="{key}"')
    end = html.find('data-column-key="', start + 1)
    return html[start : end if end != -1 else len(html)]


def more_url(html: str) -> str:
    """The address of the *Show more* in `html`, or "" when there is none."""
    found = MORE_URL.search(html)
    return found.group(1).replace("&amp;", "&") if found else ""


def test_show_more_walks_a_column_to_its_end_each_card_once(world: World, alice_client: Client):
    """B1, B9: 4 cards drawn, then 6 a time, in the column's sort, until none remain."""
    add_cards(world, 80)
    stage = world.qualification
    html = alice_client.get(f"/board/?portfolio={world.portfolio_a.pk}&sort=-amount").content
    column = column_html(html.decode(), str(stage.pk))
    shown = CARD_IDS.findall(column)
    assert len(shown) == 4
    assert "Show more (16 remaining)" in column
    url = more_url(column)
    while url:
        response = alice_client.get(url)
        assert response.status_code == 200
        part = response.content.decode()
        shown += CARD_IDS.findall(part)
        url = more_url(part)
    whole = board(
        user=world.alice, portfolio_id=world.portfolio_a.pk, filters=BoardFilters(sort="-amount")
    )
    expected = [c.id for c in whole.columns[0].cards]
    assert [int(pk) for pk in shown] == expected
    assert len(expected) == 20


def test_the_search_finds_a_card_that_was_not_drawn(world: World, alice_client: Client):
    """B11: the match comes for its column, marked by column key; drawn ones don't."""
    add_cards(world, 40)
    far = make_opportunity(
        world.portfolio_a,
        account=make_account(world.company_a, "Zanzibar Traders"),
        stage=world.discovery,
        name="Far down",
    )
    html = alice_client.get(f"/board/?portfolio={world.portfolio_a.pk}").content.decode()
    assert f'data-id="{far.pk}"' not in html
    lasts = {
        stage.pk: CARD_IDS.findall(column_html(html, str(stage.pk)))[-1]
        for stage in (world.qualification, world.discovery, world.proposal, world.negotiation)
    }
    query = "&".join(f"after={key}:{last}" for key, last in lasts.items())
    response = alice_client.get(f"/board/found/?portfolio={world.portfolio_a.pk}&q=zanz&{query}")
    assert response.status_code == 200
    part = response.content.decode()
    assert f'data-found-for="{world.discovery.pk}"' in part
    assert CARD_IDS.findall(part) == [str(far.pk)]
    assert Opportunity.objects.filter(pk=far.pk, stage=world.discovery).exists()


def test_the_search_answers_nothing_for_an_empty_search(world: World, alice_client: Client):
    add_cards(world, 40)
    response = alice_client.get(
        f"/board/found/?portfolio={world.portfolio_a.pk}&q=&after={world.qualification.pk}:"
    )
    assert response.status_code == 200
    assert "data-card" not in response.content.decode()


def test_show_more_shows_charlie_none_of_company_a_and_refuses_a_bad_column(
    world: World, alice_client: Client, charlie_client: Client
):
    """B7, P8: another company's cards never come; a column that isn't shown says why."""
    add_cards(world, 40)
    url = f"/board/more/?portfolio={world.portfolio_a.pk}&column={world.qualification.pk}&after="
    assert CARD_IDS.findall(alice_client.get(url).content.decode())
    response = charlie_client.get(url)
    assert response.status_code == 200
    assert CARD_IDS.findall(response.content.decode()) == []
    refused = alice_client.get(f"/board/more/?portfolio={world.portfolio_a.pk}&column=x")
    assert refused.status_code == 400
    assert "stage" in refused.content.decode()
    missing = alice_client.get(f"/board/more/?portfolio=999999&column={world.qualification.pk}")
    assert missing.status_code == 404


def test_the_calendar_shows_more_of_no_date_and_finds_what_a_month_did_not_draw(
    world: World, alice_client: Client
):
    """C1, C4: the same on the calendar, by month."""
    add_cards(world, 120)
    start = Month.of(timezone.localdate())
    base = f"all=1&start={start}&months=6"
    html = alice_client.get(f"/calendar/?{base}").content.decode()
    no_date = column_html(html, "none")
    assert len(CARD_IDS.findall(no_date)) == 4
    more = alice_client.get(more_url(no_date)).content.decode()
    assert len(CARD_IDS.findall(more)) == 6
    assert not set(CARD_IDS.findall(more)) & set(CARD_IDS.findall(no_date))
    later = start.shifted(2)
    far = make_opportunity(
        world.portfolio_a,
        account=make_account(world.company_a, "Zanzibar Traders"),
        stage=world.discovery,
        expected_signature_date=later.last_day,
    )
    html = alice_client.get(f"/calendar/?{base}").content.decode()
    month = column_html(html, str(later))
    assert f'data-id="{far.pk}"' not in month
    last = CARD_IDS.findall(month)[-1]
    found = alice_client.get(f"/calendar/found/?{base}&q=zanz&after={later}:{last}")
    assert found.status_code == 200
    assert CARD_IDS.findall(found.content.decode()) == [str(far.pk)]
