"""The board on a 360 px phone, as a salesperson uses it in the field (U1, B22): the cards
on the first screen with the tools folded, + Opportunity at the top, a card moved by holding
it down, and every control at least 44 px."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from salespipe.test import PASSWORD, World, make_opportunity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
FINGER = 44


@pytest.fixture
def phone(browser: Browser, live_server, world_db: World):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, has_touch=True, is_mobile=True, locale="en-GB"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def _hold(page: Page, selector: str) -> None:
    """A finger held on the element's middle for longer than a long press."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    point = {"clientX": box["x"] + 20, "clientY": box["y"] + box["height"] - 10}
    options = {"pointerType": "touch", "isPrimary": True, "bubbles": True, **point}
    page.locator(selector).dispatch_event("pointerdown", options)
    page.wait_for_timeout(700)
    page.locator(selector).dispatch_event("pointerup", options)


def test_the_phone_board_shows_cards_first_and_moves_one_by_holding_it(
    phone: Page, live_server, world_db: World
):
    w = world_db
    deal = make_opportunity(
        w.portfolio_a, account=w.account_a, name="Field deal", amount=Decimal("800")
    )
    phone.goto(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    card = phone.locator(f'[data-card][data-id="{deal.pk}"]')

    # The tools are folded behind one button; + Opportunity and the first card show at once.
    toggle = phone.get_by_role("button", name="Filters and search")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_label("Sort by")).to_be_hidden()
    create = phone.get_by_role("link", name="+ Opportunity")
    for shown in (create, card):
        box = shown.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= HEIGHT
    toggle.tap()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_label("Sort by")).to_be_visible()
    toggle.tap()

    # Every control a finger uses is at least 44 px each way.
    controls = [toggle, create, card.locator(".card-action"), card.locator(".card-menu-button")]
    for control in controls:
        box = control.bounding_box()
        assert box is not None
        assert box["width"] >= FINGER - 0.5, control
        assert box["height"] >= FINGER - 0.5, control

    # Held down, the card opens its menu; a stage chosen there moves it.
    _hold(phone, f'[data-card][data-id="{deal.pk}"] .card-figures')
    menu = phone.locator("#card-menu")
    expect(menu).to_be_visible()
    menu.get_by_role("button", name="Move to Discovery").tap()
    expect(phone.locator(f'[data-stage="{w.discovery.pk}"] [data-id="{deal.pk}"]')).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage_id == w.discovery.pk
