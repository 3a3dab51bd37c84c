"""The signature calendar in Chromium, as a sales manager uses it (SPEC C1-C5, B5, B11)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from salespipe.lib.months import Month
from salespipe.pipeline.models import Opportunity
from salespipe.test import World, make_opportunity

from .helpers import card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_calendar(page: Page, live_server, query: str) -> None:
    page.goto(f"{live_server.url}/calendar/?{query}")
    expect(page.locator("[data-board-body][data-view=calendar]")).to_be_visible()


def month_column(page: Page, month: Month | str):
    return page.locator(f'[data-column][data-month="{month}"]')


def in_column(page: Page, month: Month | str, opportunity: Opportunity):
    return month_column(page, month).locator(f'[data-id="{opportunity.pk}"]')


def api_date(page: Page, live_server, opportunity: Opportunity) -> str | None:
    """P4: the expected signature date the JSON API gives, read with the browser's session."""
    response = page.request.get(f"{live_server.url}/api/v1/opportunities/{opportunity.pk}")
    assert response.ok
    return response.json()["expected_signature_date"]


def drag_to_frame(page: Page, source, month: Month) -> None:
    """Drags `source` onto a frame on the right, which only shows once a drag has started."""
    source.hover()
    page.mouse.down()
    box = source.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 + 20)
    frame = page.locator(f'[data-frame][data-month="{month}"]')
    expect(frame).to_be_visible()
    frame.hover()
    page.mouse.up()


def test_navigating_three_months_forward_then_back_to_the_current_month(
    page: Page, live_server, world_db: World
):
    """C1, C2: the arrows move by one month, the address keeps them, *Current month* returns."""
    w = world_db
    now = Month.of(timezone.localdate())
    later = make_opportunity(
        w.portfolio_a, name="Signs later", expected_signature_date=now.shifted(5).first_day
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}")
    titles = page.locator("[data-column] .column-title")
    # No date, Overdue (C1: from the current month on, it comes after No date), 4 months.
    expect(titles).to_have_count(6)
    expect(titles.first).to_have_text("No date")
    expect(titles.nth(1)).to_have_text("Overdue")
    expect(card(page, later)).to_have_count(0)

    for step in range(1, 4):
        page.get_by_role("link", name="Next month").click()
        expect(page.locator("[data-board-body]")).to_have_attribute(
            "data-start", str(now.shifted(step))
        )
    expect(page).to_have_url(
        f"{live_server.url}/calendar/?portfolio={w.portfolio_a.pk}&start={now.shifted(3)}&months=4"
    )
    expect(page.get_by_role("link", name="Next month")).to_be_focused()
    expect(in_column(page, now.shifted(5), later)).to_be_visible()
    expect(month_column(page, now)).to_have_count(0)

    page.reload()
    expect(month_column(page, now.shifted(3))).to_be_visible()
    expect(in_column(page, now.shifted(5), later)).to_be_visible()

    page.get_by_role("link", name="Current month").click()
    expect(month_column(page, now)).to_be_visible()
    expect(page).to_have_url(
        f"{live_server.url}/calendar/?portfolio={w.portfolio_a.pk}&start={now}&months=4"
    )
    expect(month_column(page, now.shifted(3))).to_be_visible()
    expect(month_column(page, now.shifted(4))).to_have_count(0)
    expect(card(page, later)).to_have_count(0)


def test_dropping_a_card_on_a_month_sets_that_months_last_day_on_the_card_and_in_the_api(
    page: Page, live_server, world_db: World
):
    """C3: February 2032 ends on the 29th; the card and the API both say so."""
    w = world_db
    deal = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Bakery ovens",
        expected_signature_date=dt.date(2032, 1, 10),
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2032-01")

    card(page, deal).drag_to(month_column(page, "2032-02"))

    moved = in_column(page, "2032-02", deal)
    expect(moved).to_be_visible()
    expect(moved.locator(".card-meta time")).to_have_attribute("datetime", "2032-02-29")
    expect(moved.locator(".card-meta time")).to_have_text("Feb 29, 2032")
    assert api_date(page, live_server, deal) == "2032-02-29"
    deal.refresh_from_db()
    assert deal.expected_signature_date == dt.date(2032, 2, 29)
    assert deal.version == 2


def test_dropping_a_card_on_no_date_clears_its_date_or_says_why_it_cant(
    page: Page, live_server, world_db: World
):
    """C1, C3: *No date* clears the date, unless a stage entered made it mandatory."""
    w = world_db
    free = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Free deal",
        expected_signature_date=dt.date(2032, 1, 31),
    )
    bound = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Proposal deal",
        stage=w.proposal,
        contact=w.contact_a,
        expected_signature_date=dt.date(2032, 1, 31),
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2032-01")

    card(page, free).drag_to(month_column(page, ""))
    expect(in_column(page, "", free)).to_be_visible()
    expect(in_column(page, "", free).locator(".card-meta time")).to_have_count(0)
    assert api_date(page, live_server, free) is None

    card(page, bound).drag_to(month_column(page, ""))
    expect(page.locator("#board-status")).to_contain_text(
        "Proposal deal keeps its expected signature date"
    )
    expect(in_column(page, "2032-01", bound)).to_be_visible()
    bound.refresh_from_db()
    assert bound.expected_signature_date == dt.date(2032, 1, 31)


def test_a_frame_on_the_right_takes_a_card_to_a_month_not_shown(
    page: Page, live_server, world_db: World
):
    """C3: the frames show while dragging; the card leaves the months shown, the user is told."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Far deal")
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2031-11&months=4")
    expect(page.locator("[data-frame]").first).to_be_hidden()

    drag_to_frame(page, card(page, deal), Month(2032, 4))

    expect(page.locator("#board-status")).to_contain_text("outside the months shown")
    expect(card(page, deal)).to_have_count(0)
    assert api_date(page, live_server, deal) == "2032-04-30"
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2032-03&months=4")
    expect(in_column(page, "2032-04", deal)).to_be_visible()


def test_all_portfolios_shows_every_portfolio_and_no_create_button(
    page: Page, live_server, world_db: World
):
    """C4: every portfolio of the user's companies; opportunities aren't created from there."""
    w = world_db
    now = Month.of(timezone.localdate())
    projects = make_opportunity(
        w.portfolio_a, name="Projects deal", expected_signature_date=now.last_day
    )
    licence = make_opportunity(
        w.licences_a, name="Licence deal", expected_signature_date=now.last_day
    )
    secret = make_opportunity(w.portfolio_b, name="Deal of B", expected_signature_date=now.last_day)
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}")
    expect(page.locator(".create-button")).to_be_visible()
    expect(card(page, licence)).to_have_count(0)

    page.get_by_label("Portfolio").select_option(label="All portfolios")

    expect(card(page, licence)).to_be_visible()
    expect(card(page, projects)).to_be_visible()
    expect(card(page, secret)).to_have_count(0)
    expect(page.locator(".create-button")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/calendar/?all=1&start={now}&months=4")
    page.reload()
    expect(page.get_by_label("Portfolio")).to_have_value("all")
    expect(page.locator(".create-button")).to_have_count(0)


def test_the_weighted_toggle_and_the_live_search_change_the_calendar_totals(
    page: Page, live_server, world_db: World
):
    """B5, B11, C4: weighted amounts in month totals and the summary; search narrows them."""
    from salespipe.test import make_account

    w = world_db
    now = Month.of(timezone.localdate())
    make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        stage=w.discovery,
        amount=10000,
        expected_signature_date=now.last_day,
    )
    leroy = make_account(w.company_a, "Garage Leroy")
    make_opportunity(
        w.portfolio_a,
        account=leroy,
        stage=w.negotiation,
        amount=1000,
        expected_signature_date=now.last_day,
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}")
    summary_amount = page.locator('[data-summary-total] [data-total="amount"]')
    month_amount = month_column(page, now).locator('[data-total="amount"]')
    expect(month_amount).to_have_text("€11,000.00")

    page.get_by_label("Weighted amounts").check()

    # 30 % of 10,000 and 80 % of 1,000.
    expect(month_amount).to_have_text("€3,800.00")
    expect(summary_amount).to_have_text("€3,800.00")
    w.alice.refresh_from_db()
    assert w.alice.show_weighted is True
    expect(month_column(page, now)).to_be_visible()

    page.get_by_placeholder("Accounts and contacts").press_sequentially("gara")
    expect(month_amount).to_have_text("€800.00")
    expect(summary_amount).to_have_text("€800.00")
    expect(
        page.locator(f'[data-summary-stage="{w.discovery.pk}"] [data-total="count"]')
    ).to_have_text("0")


def test_a_card_moves_between_months_from_the_keyboard_over_the_year_end(
    page: Page, live_server, world_db: World
):
    """C3, B22: Shift+→ from December to January, Shift+← back, the menu to *No date*."""
    w = world_db
    deal = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Keyboard deal",
        expected_signature_date=dt.date(2031, 12, 15),
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2031-11")
    card(page, deal).focus()

    page.keyboard.press("Shift+ArrowRight")
    expect(in_column(page, "2032-01", deal)).to_be_visible()
    expect(card(page, deal)).to_be_focused()
    deal.refresh_from_db()
    assert deal.expected_signature_date == dt.date(2032, 1, 31)

    page.keyboard.press("Shift+ArrowLeft")
    expect(in_column(page, "2031-12", deal)).to_be_visible()
    expect(card(page, deal)).to_be_focused()

    page.keyboard.press("Shift+F10")
    menu = page.locator("#card-menu")
    expect(menu).to_be_visible()
    entries = menu.locator("[data-card-menu-items] button")
    expect(entries).to_have_text(
        [
            "Move to No date",
            "Move to October 2031",
            "Move to November 2031",
            "Move to January 2032",
            "Move to February 2032",
            "Move to March 2032",
            "Move to April 2032",
            "Move to May 2032",
            "Actions…",
        ]
    )
    expect(entries.first).to_be_focused()
    page.keyboard.press("Enter")

    expect(in_column(page, "", deal)).to_be_visible()
    expect(card(page, deal)).to_be_focused()
    deal.refresh_from_db()
    assert deal.expected_signature_date is None


def test_a_card_opens_its_sheet_and_plans_an_action_from_the_calendar(
    page: Page, live_server, world_db: World
):
    """C5, B20: the card's name opens the sheet; an action planned keeps the calendar shown."""
    w = world_db
    deal = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Sheet deal",
        expected_signature_date=dt.date(2031, 12, 15),
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2031-12")
    expect(card(page, deal).locator("a.card-name")).to_have_attribute(
        "href", f"/opportunities/{deal.pk}/"
    )

    card(page, deal).locator("[data-card-command=actions]").click()
    dialog = page.locator("#dialog-host dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Subject").fill("Call back")
    dialog.locator("button[type=submit]").click()

    expect(dialog).to_have_count(0)
    expect(in_column(page, "2031-12", deal).locator(".card-action.planned")).to_be_visible()
    expect(page.locator("[data-board-body][data-view=calendar]")).to_be_visible()
    assert deal.actions.filter(subject="Call back", done=False).exists()


def test_a_wide_screen_gets_more_months_in_the_address(browser, live_server, world_db: World):
    """C1: at least four months; as many more as a wide screen holds, kept in the address."""
    w = world_db
    context = browser.new_context(locale="en-GB", viewport={"width": 2400, "height": 1000})
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/calendar/?portfolio={w.portfolio_a.pk}")

    expect(page).to_have_url(re.compile(r"months=\d+$"))
    months = int(page.url.rsplit("months=", 1)[1])
    assert months > 4
    expect(page.locator("[data-column][data-month]:not([data-month=''])")).to_have_count(months)
    context.close()


def test_the_calendar_speaks_french(browser, live_server, world_db: World):
    """C1, C2: months and texts in French."""
    w = world_db
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}&start=2031-05")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(month_column(page, "2031-05").locator(".column-title")).to_have_text("Mai 2031")
    expect(page.get_by_role("link", name="Mois courant")).to_be_visible()
    expect(month_column(page, "").locator(".column-title")).to_have_text("Sans date")
    context.close()


def test_overdue_holds_past_signatures_refuses_drops_and_sends_a_card_to_this_month(
    page: Page, live_server, world_db: World
):
    """C1, Overdue: a signature already past stays in view, in *Overdue*; no card is dropped
    there; Shift+→ takes one to this month, as from *No date*."""
    w = world_db
    this_month = Month.of(timezone.localdate())
    late = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Slipped deal",
        expected_signature_date=this_month.first_day - dt.timedelta(days=40),
    )
    current = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Current deal",
        expected_signature_date=this_month.last_day,
    )
    log_in(page, live_server)
    open_calendar(page, live_server, f"portfolio={w.portfolio_a.pk}")

    overdue = page.locator("[data-column][data-overdue]")
    expect(overdue.locator(".column-title")).to_have_text("Overdue")
    expect(overdue.locator(f'[data-id="{late.pk}"]')).to_be_visible()

    card(page, current).drag_to(overdue)
    expect(page.locator("#board-status")).to_contain_text("A card can't be dropped on Overdue")
    expect(in_column(page, this_month, current)).to_be_visible()
    current.refresh_from_db()
    assert (current.expected_signature_date, current.version) == (this_month.last_day, 1)

    card(page, late).focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(in_column(page, this_month, late)).to_be_visible()
    expect(card(page, late)).to_be_focused()
    late.refresh_from_db()
    assert late.expected_signature_date == this_month.last_day
