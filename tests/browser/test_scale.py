"""The board with more cards than a column draws, in Chromium (SPEC B9, B11-B13).

The card limits are made small so that a few cards fill several pages: the live server runs
in this process, so the limits set here are the ones it draws with.
"""

import datetime as dt

import pytest
from playwright.sync_api import Locator, Page, expect

from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors import card_pages
from salespipe.test import World, make_account, make_opportunity

from .helpers import card, log_in
from .test_board import column, open_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(card_pages, "FIRST_CARDS", 3)
    monkeypatch.setattr(card_pages, "MORE_CARDS", 3)


def deals(world: World, count: int) -> list[Opportunity]:
    """`count` cards of the first stage, in signature order: day 1, day 2…"""
    return [
        make_opportunity(
            world.portfolio_a,
            account=make_account(world.company_a, f"Alpha {index}"),
            name=f"Deal {index}",
            expected_signature_date=dt.date(2031, 1, 1) + dt.timedelta(days=index - 1),
        )
        for index in range(1, count + 1)
    ]


def test_show_more_draws_the_next_cards_of_a_column_until_none_remain(
    page: Page, live_server, world_db: World
):
    """B1, B9: 3 cards, then 3 more, then the last 2, in signature order; the totals count 8."""
    w = world_db
    made = deals(w, 8)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    first = column(page, w.qualification.pk)
    expect(first.locator("[data-card]")).to_have_count(3)
    expect(first.locator('[data-total="count"]')).to_have_text("8")

    first.get_by_role("button", name="Show more (5 remaining)").click()
    expect(first.locator("[data-card]")).to_have_count(6)
    first.get_by_role("button", name="Show more (2 remaining)").click()
    expect(first.locator("[data-card]")).to_have_count(8)
    expect(first.locator("[data-show-more]")).to_have_count(0)

    shown = first.locator("[data-card]").evaluate_all("cards => cards.map(c => c.dataset.id)")
    assert shown == [str(deal.pk) for deal in made]
    assert Opportunity.objects.filter(stage=w.qualification).count() == 8


def test_typing_a_search_finds_a_card_not_drawn_with_one_request(
    page: Page, live_server, world_db: World
):
    """B11: the match beyond the cards drawn joins its column, marked, after one request."""
    w = world_db
    deals(w, 5)
    far = make_opportunity(
        w.portfolio_a,
        account=make_account(w.company_a, "Zanzibar Traders"),
        name="Far down",
        expected_signature_date=dt.date(2031, 6, 1),
    )
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    first = column(page, w.qualification.pk)
    expect(first.locator("[data-card]")).to_have_count(3)
    expect(first.locator(f'[data-id="{far.pk}"]')).to_have_count(0)
    asked: list[str] = []
    page.on(
        "request", lambda request: asked.append(request.url) if "/found/" in request.url else None
    )

    page.locator('[data-live-search="names"]').press_sequentially("zanz", delay=60)

    found = first.locator(f'[data-card][data-id="{far.pk}"]')
    expect(found).to_be_visible()
    expect(found).to_have_class("card is-found")
    expect(first.locator("[data-card]:visible")).to_have_count(1)
    assert len(asked) == 1
    assert "q=zanz" in asked[0]

    page.locator('[data-live-search="names"]').fill("")
    expect(found).to_have_count(0)
    expect(first.locator("[data-card]:visible")).to_have_count(3)


def tops(cards: Locator) -> list[float]:
    return cards.evaluate_all("cards => cards.map(c => c.getBoundingClientRect().top)")


def drawn_frames(page: Page) -> None:
    """Two frames drawn: groups that came into view or left it are laid out as they are now,
    not from their estimated size."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_a_long_column_draws_its_cards_in_groups_that_follow_a_search(
    page: Page, live_server, world_db: World, monkeypatch
):
    """B11: past 100 cards, a column holds them in groups of 20; a search leaves no room
    where a group shows none, and the arrow keys go from a card of one group to the next
    shown, in another."""
    monkeypatch.setattr(card_pages, "FIRST_CARDS", 200)
    # Tall enough that the eleven cards found are all in view, so that each is measured
    # where it is drawn, not where an off-screen group's estimate puts it.
    page.set_viewport_size({"width": 1440, "height": 2400})
    w = world_db
    made = deals(w, 105)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    first = column(page, w.qualification.pk)
    expect(first.locator(".card-group")).to_have_count(6)
    expect(first.locator("[data-cards] > [data-card]")).to_have_count(0)

    # "Alpha 4" and "Alpha 40" to "Alpha 49": one in the first group, one in the second,
    # nine in the third.
    page.locator('[data-live-search="names"]').press_sequentially("alpha 4")
    shown = first.locator("[data-card]:visible")
    expect(shown).to_have_count(11)
    expect(first.locator(".card-group.is-empty")).to_have_count(3)
    ids = shown.evaluate_all("cards => cards.map(c => c.dataset.id)")
    assert ids == [str(made[index - 1].pk) for index in (4, *range(40, 50))]
    # The same space between each card and the next, in a group or across groups.
    drawn_frames(page)
    heights = shown.evaluate_all("cards => cards.map(c => c.getBoundingClientRect().height)")
    at = tops(shown)
    gaps = [below - top - height for top, below, height in zip(at, at[1:], heights, strict=False)]
    assert max(gaps) - min(gaps) < 1, gaps

    card(page, made[3]).focus()
    page.keyboard.press("ArrowDown")
    expect(card(page, made[39])).to_be_focused()

    # Only the third group shows any: the first two take no room.
    page.locator('[data-live-search="names"]').fill("alpha 41")
    expect(shown).to_have_count(1)
    expect(first.locator(".card-group.is-empty")).to_have_count(5)
    drawn_frames(page)
    list_top = first.locator("[data-cards]").evaluate("l => l.getBoundingClientRect().top")
    assert tops(shown)[0] - list_top < 20

    page.locator('[data-live-search="names"]').fill("")
    expect(shown).to_have_count(105)
    expect(first.locator(".card-group.is-empty")).to_have_count(0)
    card(page, made[19]).focus()
    page.keyboard.press("ArrowDown")
    expect(card(page, made[20])).to_be_focused()


def test_show_more_past_100_cards_groups_them_and_focuses_the_first_added(
    page: Page, live_server, world_db: World, monkeypatch
):
    """B9: 90 cards drawn whole, then 30 more: all 120 held in groups, in signature order."""
    monkeypatch.setattr(card_pages, "FIRST_CARDS", 90)
    monkeypatch.setattr(card_pages, "MORE_CARDS", 30)
    w = world_db
    made = deals(w, 120)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    first = column(page, w.qualification.pk)
    expect(first.locator(".card-group")).to_have_count(0)

    first.get_by_role("button", name="Show more (30 remaining)").click()
    expect(first.locator("[data-card]")).to_have_count(120)
    expect(card(page, made[90])).to_be_focused()
    expect(first.locator(".card-group")).to_have_count(6)
    expect(first.locator("[data-cards] > [data-card]")).to_have_count(0)
    shown = first.locator("[data-card]").evaluate_all("cards => cards.map(c => c.dataset.id)")
    assert shown == [str(deal.pk) for deal in made]
