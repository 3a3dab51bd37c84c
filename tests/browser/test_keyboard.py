"""The board as a keyboard user has it (U1, B22): a column is one Tab stop, the arrows go
from card to card, + Opportunity comes before the cards, and the shortcuts are shown."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from salespipe.test import PASSWORD, World, make_opportunity

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


def _press_until(page: Page, key: str, wanted: str, presses: int = 15) -> None:
    for _press in range(presses):
        if _focused(page) == wanted:
            return
        page.keyboard.press(key)
    assert _focused(page) == wanted


def _choose_in_menu(page: Page, deal, item: str) -> None:
    card(page, deal).focus()
    page.keyboard.press("Shift+F10")
    _press_until(page, "Tab", item)
    page.keyboard.press("Enter")


def _said(page: Page, text: str) -> None:
    """The change is announced, and the focus is somewhere, not on the page's body."""
    expect(page.locator("#board-status, #sheet-status").first).to_contain_text(text)
    assert _focused(page) != "body"


def test_a_salesperson_works_the_board_calendar_and_sheet_with_the_keyboard_alone(
    page: Page, live_server, world_db: World
):
    """U1: move a card two stages through their dialogs, win one, lose one, move one on the
    calendar, add an action on its sheet and come back to it: each change said, the focus
    never lost."""
    import datetime as dt

    w = world_db
    walked = make_opportunity(w.portfolio_a, account=w.account_a, name="Walk ovens")
    winning = make_opportunity(
        w.portfolio_a, account=w.account_a, name="Walk licences", stage=w.negotiation,
        amount=Decimal("900"), contact=w.contact_a,
        expected_signature_date=dt.date(2031, 3, 31),
    )  # fmt: skip
    losing = make_opportunity(w.portfolio_a, account=w.account_a, name="Walk printers")

    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").focus()
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # Its portfolio opened from the home page's list, from the keyboard.
    for _press in range(20):
        page.keyboard.press("Tab")
        if _focused(page).startswith("Projects A"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"portfolio={w.portfolio_a.pk}(&|$)"))
    expect(card(page, walked)).to_be_visible()
    page.locator("body").focus()
    _press_until(page, "Tab", "+ Opportunity", 25)

    # Two stages forward, each asking for its fields in a dialog.
    page.keyboard.press("Tab")
    _press_until(page, "ArrowDown", f"card {walked.pk}")
    page.keyboard.press("Shift+ArrowRight")
    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog.get_by_label("Amount")).to_be_focused()
    page.keyboard.type("12500")
    page.keyboard.press("Enter")
    _said(page, "Walk ovens moved to Discovery.")
    expect(card(page, walked)).to_be_focused()
    page.keyboard.press("Shift+ArrowRight")
    expect(dialog.get_by_label("Expected signature date")).to_be_focused()
    dialog.get_by_label("Expected signature date").fill("2031-06-30")
    # A date field's day, month and year are Tab stops of their own.
    dialog.get_by_label("Contact").focus()
    page.keyboard.press("ArrowDown")
    _press_until(page, "Tab", "Save")
    page.keyboard.press("Enter")
    _said(page, "Walk ovens moved to Proposal.")
    walked.refresh_from_db()
    assert walked.stage_id == w.proposal.pk

    # Won and lost, through the card menu.
    _choose_in_menu(page, winning, "Won")
    expect(dialog.get_by_label("New stage")).to_be_focused()
    page.keyboard.press("ArrowDown")
    dialog.get_by_label("Signed on").fill("2031-01-15")
    dialog.get_by_label("Signed on").focus()
    _press_until(page, "Tab", "Mark as won")
    page.keyboard.press("Enter")
    _said(page, "Walk licences marked as won.")
    expect(card(page, winning)).to_have_count(0)
    _choose_in_menu(page, losing, "Lost")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    page.keyboard.press("ArrowDown")
    _press_until(page, "Tab", "Mark as lost")
    page.keyboard.press("Enter")
    _said(page, "Walk printers")
    expect(card(page, losing)).to_have_count(0)

    # A month later on the calendar.
    page.goto(f"{live_server.url}/calendar/?portfolio={w.portfolio_a.pk}&start=2031-05")
    card(page, walked).focus()
    page.keyboard.press("Shift+ArrowRight")
    _said(page, "Walk ovens")
    expect(card(page, walked)).to_be_focused()
    walked.refresh_from_db()
    assert walked.expected_signature_date == dt.date(2031, 7, 31)

    # Its sheet, an action added there, and back to the card on the calendar.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/opportunities/{walked.pk}/"))
    page.get_by_role("tab", name="Amounts").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Activities")).to_be_focused()
    page.get_by_label("Subject").focus()
    page.keyboard.type("Call the baker back")
    _press_until(page, "Tab", "Add the action")
    page.keyboard.press("Enter")
    expect(page.locator(".action-item", has_text="Call the baker back")).to_be_visible()
    _said(page, "Call the baker back is planned.")
    crumb = page.locator("[data-sheet-back]")
    crumb.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/calendar/\?portfolio=.*#card-"))
    expect(card(page, walked)).to_be_focused()


def test_a_right_click_opens_the_card_menu_and_leaves_the_keyboard_working(
    page: Page, live_server, world_db: World
):
    """B22: the context menu is the card's; afterwards Enter still opens the sheet."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Right clicked")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")

    card(page, deal).locator(".card-account").click(button="right")
    menu = page.locator("#card-menu")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(card(page, deal)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/opportunities/{deal.pk}/")


def test_a_card_shows_its_readiness_and_its_menu_says_which_fields_are_missing(
    page: Page, live_server, world_db: World
):
    """X3: Discovery asks for the amount; a card without one shows 0/1, its menu says so and
    a screen reader hears it; given the amount, 1/1."""
    w = world_db
    bare = make_opportunity(w.portfolio_a, account=w.account_a, name="Bare deal")
    priced = make_opportunity(
        w.portfolio_a, account=w.account_a, name="Priced deal", amount=Decimal("900")
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")

    expect(card(page, bare).locator(".card-readiness")).to_have_text("0/1")
    expect(card(page, priced).locator(".card-readiness")).to_have_text("1/1")
    assert "0 of 1 fields for Discovery" in (card(page, bare).get_attribute("aria-label") or "")

    card(page, bare).focus()
    page.keyboard.press("Shift+F10")
    menu = page.get_by_role("dialog", name="Bare deal")
    expect(menu).to_be_visible()
    expect(menu.locator("[data-card-menu-readiness]")).to_have_text(
        "Discovery still needs: Amount."
    )
    page.keyboard.press("Escape")
    # The dialog's close event gives the focus back to its card a moment later; only then
    # does the next card take it, as a user's next key would.
    expect(menu).to_be_hidden()
    expect(card(page, bare)).to_be_focused()
    card(page, priced).focus()
    page.keyboard.press("Shift+F10")
    expect(
        page.get_by_role("dialog", name="Priced deal").locator("[data-card-menu-readiness]")
    ).to_have_text("Ready for Discovery: every field it asks for is filled.")
