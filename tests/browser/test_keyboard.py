"""The board as a keyboard user has it (U1, B22): a column is one Tab stop, the arrows go
from card to card, + Opportunity comes before the cards, and the shortcuts are shown."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from salespipe.test import World, make_opportunity

from .helpers import card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARDS = 500


def _focused(page: Page) -> str:
    """What has the focus: a card's id, a link's or button's text, or the tag's name."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return "body";
          if (el.dataset.card !== undefined) return `card ${el.dataset.id}`;
          return (el.textContent || el.getAttribute("aria-label") || el.tagName).trim();
        }"""
    )


def test_a_500_card_board_reaches_its_create_button_in_under_20_tab_stops(
    page: Page, live_server, world_db: World
):
    w = world_db
    stages = [w.qualification, w.discovery, w.proposal, w.negotiation]
    for index in range(CARDS):
        make_opportunity(
            w.portfolio_a,
            account=w.account_a,
            stage=stages[index % len(stages)],
            amount=Decimal(100 + index),
        )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    expect(page.locator("[data-card]").first).to_be_visible()
    page.locator("body").focus()

    stops = []
    for _press in range(40):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if stops[-1] == "+ Opportunity":
            break
    assert stops[-1] == "+ Opportunity", stops
    assert len(stops) < 20, stops
    assert stops[0] == "Skip to content"

    # Then one stop per column, its first card, and its *Show more*, whatever the number of
    # cards it holds.
    first_cards = [
        page.locator(f'[data-stage="{stage.pk}"] [data-card]').first.get_attribute("data-id")
        for stage in stages
    ]
    walked = [_tab(page) for _stop in range(2 * len(stages))]
    assert walked[0::2] == [f"card {pk}" for pk in first_cards]
    assert all(stop.startswith("Show more") for stop in walked[1::2]), walked

    # The arrows go down a column and across to the next; the column remembers its card.
    page.locator(f'[data-card][data-id="{first_cards[0]}"]').focus()
    page.keyboard.press("ArrowDown")
    second = page.locator(f'[data-stage="{stages[0].pk}"] [data-card]').nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("ArrowRight")
    assert _focused(page) == f"card {first_cards[1]}"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(second).to_be_focused()


def _tab(page: Page) -> str:
    page.keyboard.press("Tab")
    return _focused(page)


def test_the_shortcuts_are_shown_and_enter_opens_the_cards_sheet(
    page: Page, live_server, world_db: World
):
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Sheet by keyboard")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")

    page.get_by_role("button", name="Keyboard shortcuts").click()
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("Move the card to the stage before or after")
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()

    label = card(page, deal).get_attribute("aria-label") or ""
    assert label.startswith("Sheet by keyboard — ")
    assert w.qualification.name in label
    assert "no action planned" in label

    card(page, deal).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/opportunities/{deal.pk}/")

