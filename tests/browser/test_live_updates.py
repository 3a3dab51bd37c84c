"""Colleagues' changes arrive live (SPEC B21): three browsers on an app served by gunicorn
with two processes (on PostgreSQL when the suite runs there), alice acting, bob (her
colleague) watching, charlie (another company) watching the same portfolio's address."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from salespipe.test import PASSWORD

from .served import Served, served_app

pytestmark = [pytest.mark.browser]

# Within two seconds of the change being answered (B21).
ARRIVAL_MS = 2000

# Records what the page's live feed hears, before any script of the page runs, in the
# page's own attributes: the page's policy lets no test evaluate a string.
RECORD_FEED = """
(() => {
  const Native = window.EventSource;
  const heard = [];
  window.EventSource = function (url, options) {
    const source = new Native(url, options);
    const root = document.documentElement;
    source.addEventListener("open", () => (root.dataset.feedOpen = "1"));
    source.addEventListener("change", (event) => {
      heard.push(JSON.parse(event.data));
      root.dataset.heard = JSON.stringify(heard);
    });
    return source;
  };
  window.EventSource.prototype = Native.prototype;
})();
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with served_app(tmp_path) as app:
        yield app


class Person:
    def __init__(self, browser: Browser, args: dict, served: Served, username: str) -> None:
        self.context: BrowserContext = browser.new_context(**args)
        self.context.add_init_script(RECORD_FEED)
        self.page: Page = self.context.new_page()
        self.asked_changes: list[str] = []
        self.page.on(
            "request",
            lambda request: (
                self.asked_changes.append(request.url) if "/board/changes/" in request.url else None
            ),
        )
        self.url = served.url
        self.page.goto(f"{served.url}/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{served.url}/")

    def open(self, address: str) -> None:
        self.page.goto(f"{self.url}{address}")
        expect(self.page.locator("[data-board-body]")).to_be_visible()
        expect(self.page.locator("html[data-feed-open]")).to_have_count(1)

    def card(self, pk: int):
        return self.page.locator(f'[data-card][data-id="{pk}"]')

    def count(self, key: object) -> str:
        return self.page.locator(f'#totals-{key} [data-total="count"]').inner_text()

    def heard(self) -> list[dict]:
        return json.loads(self.page.locator("html").get_attribute("data-heard") or "[]")

    def focus_card(self, pk: int) -> None:
        self.card(pk).focus()
        expect(self.card(pk)).to_be_focused()

    def menu(self, pk: int, item: str) -> None:
        self.focus_card(pk)
        self.page.keyboard.press("Shift+F10")
        self.page.locator("#card-menu").get_by_role("button", name=item, exact=True).click()

    def win(self, pk: int) -> None:
        """Through the card menu and its dialog; the card leaves alice's page."""
        self.menu(pk, "Won")
        dialog = self.page.locator("dialog[data-steps-dialog]")
        dialog.get_by_label("New stage").select_option(label="Signed")
        dialog.get_by_label("Signed on").fill("2031-01-15")
        dialog.get_by_role("button", name="Mark as won").click()
        expect(self.card(pk)).to_have_count(0)

    def delete(self, pk: int) -> None:
        self.menu(pk, "Delete")
        self.page.locator("dialog[data-steps-dialog]").get_by_role("button", name="Delete").click()
        expect(self.card(pk)).to_have_count(0)

    def create_through_the_api(self, portfolio: int, account: int, name: str) -> int:
        token = next(c["value"] for c in self.context.cookies() if c["name"] == "csrftoken")
        answer = self.page.request.post(
            f"{self.url}/api/v1/opportunities",
            data=json.dumps(
                {"portfolio": portfolio, "account": account, "name": name, "amount": "250.00"}
            ),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        assert answer.status == 201, answer.text()
        return int(answer.json()["id"])


@pytest.fixture
def people(browser: Browser, browser_context_args: dict, served: Served):
    persons = {
        name: Person(browser, browser_context_args, served, name)
        for name in ("alice", "bob", "charlie")
    }
    yield persons
    for person in persons.values():
        person.context.close()


def arrives(locator, **expectation) -> None:
    """The expectation holds within ARRIVAL_MS of now."""
    started = time.monotonic()
    if expectation.get("gone"):
        expect(locator).to_have_count(0, timeout=ARRIVAL_MS)
    elif "text" in expectation:
        expect(locator).to_have_text(expectation["text"], timeout=ARRIVAL_MS)
    else:
        expect(locator).to_be_visible(timeout=ARRIVAL_MS)
    assert time.monotonic() - started <= ARRIVAL_MS / 1000 + 0.25


def nothing_reached(charlie: Person, ids: list[int]) -> None:
    assert charlie.heard() == []
    assert charlie.asked_changes == []
    for pk in ids:
        expect(charlie.card(pk)).to_have_count(0)


def test_a_move_a_creation_a_win_and_a_delete_reach_a_colleagues_board_and_no_one_else(
    served: Served, people: dict[str, Person]
):
    alice, bob, charlie = people["alice"], people["bob"], people["charlie"]
    ids = served.ids
    deals = ids["deals"]
    board = f"/board/?portfolio={ids['portfolio']}"
    for person in (alice, bob, charlie):
        person.open(board)
    expect(bob.card(deals["Live move"])).to_be_visible()
    assert bob.count(ids["qualification"]) == "3"

    # A move: the card and both columns' totals follow on bob's board.
    alice.focus_card(deals["Live move"])
    alice.page.keyboard.press("Shift+ArrowRight")
    expect(
        alice.page.locator(f'#cards-{ids["discovery"]} [data-id="{deals["Live move"]}"]')
    ).to_be_visible()
    # Her own success is said, politely (B21's announcements).
    expect(alice.page.locator("#board-status")).to_have_text("Live move moved to Discovery.")
    arrives(bob.page.locator(f'#cards-{ids["discovery"]} [data-id="{deals["Live move"]}"]'))
    arrives(bob.page.locator(f'#totals-{ids["discovery"]} [data-total="count"]'), text="1")
    assert bob.count(ids["qualification"]) == "2"
    expect(bob.page.locator("#board-status")).to_contain_text("Live move")

    # A creation.
    created = alice.create_through_the_api(ids["portfolio"], ids["account"], "Live new")
    arrives(bob.card(created))
    arrives(bob.page.locator('#board-summary [data-summary-total] [data-total="count"]'), text="4")

    # A win, through the card menu and its dialog.
    alice.win(deals["Live win"])
    arrives(bob.card(deals["Live win"]), gone=True)
    arrives(bob.page.locator('#board-summary [data-summary-total] [data-total="count"]'), text="3")

    # A delete.
    alice.delete(deals["Live delete"])
    arrives(bob.card(deals["Live delete"]), gone=True)
    arrives(bob.page.locator('#board-summary [data-summary-total] [data-total="count"]'), text="2")

    # Alice's page drew its own changes from their answers; it asked only for the card
    # created elsewhere (through the API).
    assert [url.split("?")[1].split("&")[0] for url in alice.asked_changes] == [f"ids={created}"]
    assert len(bob.heard()) == 4
    nothing_reached(charlie, [*deals.values(), created])


def test_a_colleagues_changes_reach_an_open_calendar(served: Served, people: dict[str, Person]):
    alice, bob, charlie = people["alice"], people["bob"], people["charlie"]
    ids = served.ids
    deals = ids["deals"]
    calendar = f"/calendar/?portfolio={ids['portfolio']}"
    alice.open(calendar)
    bob.open(calendar)
    charlie.open(calendar)
    moved = deals["Live move"]
    column = bob.card(moved).locator("xpath=ancestor::*[@data-column][1]")
    month = column.get_attribute("data-month")

    # A drop on the next month, from the keyboard.
    alice.focus_card(moved)
    alice.page.keyboard.press("Shift+ArrowRight")
    expect(alice.card(moved)).to_have_attribute("data-version", "2")
    next_month = bob.page.locator(f'[data-column][data-month="{month}"] + [data-column]')
    arrives(next_month.locator(f'[data-id="{moved}"]'))
    next_key = next_month.get_attribute("data-month")
    arrives(bob.page.locator(f'#totals-{next_key} [data-total="count"]'), text="1")

    # A creation, without a date: under *No date*.
    created = alice.create_through_the_api(ids["portfolio"], ids["account"], "Live new")
    arrives(bob.page.locator(f'#cards-none [data-id="{created}"]'))

    # A win and a delete made on the board leave the calendar.
    alice.open(f"/board/?portfolio={ids['portfolio']}")
    alice.win(deals["Live win"])
    arrives(bob.card(deals["Live win"]), gone=True)
    alice.delete(deals["Live delete"])
    arrives(bob.card(deals["Live delete"]), gone=True)
    arrives(bob.page.locator('#board-summary [data-summary-total] [data-total="count"]'), text="2")

    nothing_reached(charlie, [*deals.values(), created])


def test_a_card_in_a_dialog_stays_put_until_the_dialog_closes_and_the_user_is_told(
    served: Served, people: dict[str, Person]
):
    alice, bob = people["alice"], people["bob"]
    ids = served.ids
    moved = ids["deals"]["Live move"]
    board = f"/board/?portfolio={ids['portfolio']}"
    alice.open(board)
    bob.open(board)
    bob.focus_card(moved)
    bob.page.keyboard.press("Shift+F10")
    expect(bob.page.locator("#card-menu")).to_be_visible()

    alice.focus_card(moved)
    alice.page.keyboard.press("Shift+ArrowRight")
    expect(alice.page.locator(f'#cards-{ids["discovery"]} [data-id="{moved}"]')).to_be_visible()

    arrives(
        bob.page.locator("#board-status"),
        text="Live move has just been changed by someone else.",
    )
    expect(bob.page.locator(f'#cards-{ids["qualification"]} [data-id="{moved}"]')).to_be_visible()
    bob.page.keyboard.press("Escape")
    arrives(bob.page.locator(f'#cards-{ids["discovery"]} [data-id="{moved}"]'))
    expect(bob.card(moved)).to_be_focused()
