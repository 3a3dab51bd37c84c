"""Every page type reads well with assistive technologies, in French and English, on a wide
screen and on a phone (U1; WCAG 2.2 AA as axe-core checks it): no critical or serious
violation on the login, the board of a portfolio and of a group with its card menu, each
dialog (move, won, lost, delete, actions, filters, keyboard shortcuts), the won and lost
lists, the calendar, the creation form with its errors, each tab of the sheet and the
profile's calendar feed, the forecast and funnel, and an import's pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from salespipe.activities.models import Action, ActionKind
from salespipe.forecast.models import SalesTarget
from salespipe.imports.jobs import job_create
from salespipe.pipeline.models import Tag, TagKind
from salespipe.test import PASSWORD, World, make_opportunity
from tests.imports.test_imports import PIPEDRIVE_DEALS

from .helpers import axe_blocking, card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Colours a user may pick for a tag, the light ones hardest to read on their own tint.
TAG_COLOURS = ("#facc15", "#d97706", "#059669", "#ffffff", "#1e3a8a")


def _cards(world: World):
    tags = [
        Tag.objects.create(name=f"Colour {colour}", kind=TagKind.OPPORTUNITY, color=colour)
        for colour in TAG_COLOURS
    ]
    empty = make_opportunity(world.portfolio_a, account=world.account_a, name="No amount yet")
    late = make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        name="Late deal",
        amount=Decimal("1200"),
        expected_signature_date=dt.date(2020, 1, 31),
    )
    late.tags.add(world.tag_hot, *tags)
    empty.tags.add(*tags[:2])
    for done in (True, False):
        Action.objects.create(
            company=world.company_a,
            opportunity=late,
            kind=ActionKind.CALL,
            subject="Call back" if done else "Send the proposal",
            due_at=dt.datetime(2030, 1, 5, 10, tzinfo=dt.UTC),
            assignee=world.alice,
            done=done,
        )
    return empty, late


def _menu_item(page: Page, deal, name: str) -> None:
    """Opens the card menu from the keyboard and chooses `name` in it."""
    card(page, deal).focus()
    page.keyboard.press("Shift+F10")
    menu = page.locator("#card-menu")
    expect(menu).to_be_visible()
    menu.locator("[data-card-menu-items] button").filter(has_text=name).first.click()


def _closed_dialog(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1440, 360])
def test_every_page_type_has_no_serious_violation(
    page: Page, live_server, world_db: World, language: str, width: int
):
    world = world_db
    world.alice.language = language
    world.alice.save(update_fields=["language"])
    empty, late = _cards(world)
    words = {
        "en": {"won": "Won", "lost": "Lost", "delete": "Delete", "actions": "Actions…"},
        "fr": {"won": "Gagnée", "lost": "Perdue", "delete": "Supprimer", "actions": "Actions…"},
    }[language]
    page.set_viewport_size({"width": width, "height": 900})
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = axe_blocking(page)

    def check_dialog(opener: str, dialog: str, name: str) -> None:
        """Opens a dialog with its button, checks the page with it open, closes it."""
        page.locator(opener).click()
        expect(page.locator(dialog)).to_be_visible()
        check(name)
        _closed_dialog(page)

    page.goto(f"{live_server.url}/login/")
    check("login")
    log_in(page, live_server)

    board = f"{live_server.url}/board/?portfolio={world.portfolio_a.pk}"
    page.goto(board)
    expect(card(page, late)).to_be_visible()
    check("board")

    card(page, empty).focus()
    page.keyboard.press("Shift+F10")
    expect(page.locator("#card-menu")).to_be_visible()
    check("card menu")
    _closed_dialog(page)

    # Discovery asks for the amount: the move opens its dialog.
    card(page, empty).focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("dialog[data-steps-dialog]")).to_be_visible()
    check("move dialog")
    _closed_dialog(page)

    for name in ("won", "lost", "delete", "actions"):
        _menu_item(page, late, words[name])
        expect(page.locator("dialog[open]")).to_have_count(1)
        check(f"{name} dialog")
        _closed_dialog(page)

    # On a phone the lists' buttons are with the tools, folded behind one button.
    tools = page.locator("[data-tools-toggle]")
    if tools.is_visible():
        tools.click()
        expect(page.locator("[data-open-list=won]")).to_be_visible()
        check("board, tools unfolded")
    for outcome in ("won", "lost"):
        check_dialog(
            f"[data-open-list={outcome}]", "dialog[data-closed-dialog][open]", f"{outcome} list"
        )
    check_dialog(".filter-button", "#filters-dialog", "filters dialog")
    # The keyboard's shortcuts: shown on a screen wide enough for a keyboard.
    if page.locator(".shortcuts-button").is_visible():
        check_dialog(".shortcuts-button", "#shortcuts-dialog", "shortcuts dialog")

    page.goto(f"{live_server.url}/board/?group={world.projects.pk}")
    expect(card(page, late)).to_be_visible()
    check("group board")

    page.goto(f"{live_server.url}/calendar/?portfolio={world.portfolio_a.pk}")
    expect(page.locator("[data-board-body]")).to_be_visible()
    check("calendar")

    page.goto(f"{live_server.url}/opportunities/new/?portfolio={world.portfolio_a.pk}")
    page.locator("[data-create-save]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    check("creation form with errors")

    for tab in ("amounts", "activities", "documents", "contacts", "history"):
        page.goto(f"{live_server.url}/opportunities/{late.pk}/?tab={tab}")
        expect(page.locator(f"#panel-{tab}")).to_be_visible()
        check(f"sheet, {tab}")

    # X4: the profile's calendar feed, its address just made.
    page.goto(f"{live_server.url}/profile/calendar-feed/")
    page.fill("#feed-password", PASSWORD)
    page.locator(".new-token button").click()
    expect(page.locator("#feed-address")).to_be_visible()
    check("calendar feed")

    # X6: the forecast and funnel, a target set, its tables scrolled into view.
    SalesTarget.objects.create(
        portfolio=world.portfolio_a, month=timezone.localdate().replace(day=1), amount=5000
    )
    page.goto(f"{live_server.url}/forecast/?portfolio={world.portfolio_a.pk}")
    expect(page.locator("[data-table=months]")).to_be_visible()
    check("forecast")

    # X5: the import's upload, then a file's columns to match.
    page.goto(f"{live_server.url}/imports/")
    check("import")
    job = job_create(
        user=world.alice,
        kind="opportunities",
        name="deals.csv",
        data=PIPEDRIVE_DEALS.encode(),
        portfolio_id=world.portfolio_a.pk,
    )
    page.goto(f"{live_server.url}/imports/{job.pk}/")
    expect(page.locator("form.import-mapping")).to_be_visible()
    check("import columns")

    assert {name: lines for name, lines in found.items() if lines} == {}
    # On a phone, the tools unfolded instead of the keyboard's shortcuts.
    assert len(found) == 24
