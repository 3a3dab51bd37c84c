"""The board in Chromium, as a salesperson uses it (SPEC B1-B22)."""

import re

import pytest
from playwright.sync_api import Page, expect

from salespipe.pipeline.models import Opportunity
from salespipe.test import World, make_opportunity

from .helpers import card, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_board(page: Page, live_server, portfolio_id: int) -> None:
    page.goto(f"{live_server.url}/board/?portfolio={portfolio_id}")
    expect(page.locator("[data-board-body]")).to_be_visible()


def column(page: Page, stage_id: int):
    return page.locator(f'[data-drop="move"][data-stage="{stage_id}"]')


def test_dragging_a_card_two_stages_forward_asks_for_both_stages_fields(
    page: Page, live_server, world_db: World
):
    """B14: one dialog per stage entered, in order; Save applies the move and the values."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Bakery ovens")
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    card(page, deal).drag_to(column(page, w.proposal.pk))

    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog).to_be_visible()
    step = dialog.locator("[data-step]:not([hidden])")
    expect(step.locator("[data-step-title]")).to_have_text("Stage Discovery")
    dialog.get_by_label("Amount").fill("12500")
    dialog.get_by_role("button", name="Next").click()
    expect(step.locator("[data-step-title]")).to_have_text("Stage Proposal")
    dialog.get_by_label("Expected signature date").fill("2031-03-31")
    dialog.get_by_label("Contact").select_option(label="Marie Dupont")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_have_count(0)
    expect(column(page, w.proposal.pk).locator(f'[data-id="{deal.pk}"]')).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage_id == w.proposal.pk
    assert str(deal.amount) == "12500.00"
    assert deal.contact_id == w.contact_a.pk
    assert str(deal.expected_signature_date) == "2031-03-31"


def drag_to_zone(page: Page, source, zone: str) -> None:
    """Drags `source` onto a drop zone, which only shows once a drag has started (B15)."""
    source.hover()
    page.mouse.down()
    box = source.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 + 20)
    target = page.locator(f'[data-drop="{zone}"]')
    expect(target).to_be_visible()
    target.hover()
    page.mouse.up()


def test_cancelling_the_second_dialog_leaves_the_card_where_it_was(
    page: Page, live_server, world_db: World
):
    """B14: Cancel at any step changes nothing."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Bakery ovens")
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    card(page, deal).drag_to(column(page, w.proposal.pk))
    dialog = page.locator("dialog[data-steps-dialog]")
    dialog.get_by_label("Amount").fill("12500")
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_label("Expected signature date")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()

    expect(dialog).to_have_count(0)
    expect(column(page, w.qualification.pk).locator(f'[data-id="{deal.pk}"]')).to_be_visible()
    expect(card(page, deal)).to_be_focused()
    deal.refresh_from_db()
    assert deal.stage_id == w.qualification.pk
    assert deal.amount is None
    assert deal.version == 1


def test_dropping_on_won_from_an_early_stage_asks_for_every_stage_then_the_won_stage(
    page: Page, live_server, world_db: World
):
    """B16: the stages not yet passed first, then New stage and Signed on; the card leaves."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Bakery ovens")
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    drag_to_zone(page, card(page, deal), "win")
    dialog = page.locator("dialog[data-steps-dialog]")
    step_title = dialog.locator("[data-step]:not([hidden]) [data-step-title]")
    expect(step_title).to_have_text("Stage Discovery")
    # Next checks the step before going on: an empty amount stops it.
    dialog.get_by_role("button", name="Next").click()
    expect(step_title).to_have_text("Stage Discovery")
    dialog.get_by_label("Amount").fill("8000")
    dialog.get_by_role("button", name="Next").click()
    expect(step_title).to_have_text("Stage Proposal")
    dialog.get_by_label("Expected signature date").fill("2031-01-31")
    dialog.get_by_label("Contact").select_option(label="Marie Dupont")
    dialog.get_by_role("button", name="Next").click()
    expect(step_title).to_have_text("Mark as won")
    dialog.get_by_label("New stage").select_option(label="Signed")
    dialog.get_by_label("Signed on").fill("2031-01-15")
    dialog.get_by_role("button", name="Mark as won").click()

    expect(dialog).to_have_count(0)
    expect(card(page, deal)).to_have_count(0)
    deal.refresh_from_db()
    assert deal.status == "won"
    assert deal.stage_id == w.signed.pk
    assert str(deal.signed_on) == "2031-01-15"
    assert str(deal.amount) == "8000.00"


def test_dropping_on_lost_asks_for_a_reason_and_a_date(page: Page, live_server, world_db: World):
    """B17: one dialog, the reason grouped by status, and the day it was lost."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Bakery ovens")
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    drag_to_zone(page, card(page, deal), "lose")
    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog.locator("optgroup")).to_have_count(3)
    dialog.get_by_label("Reason").select_option(label="Project cancelled")
    dialog.get_by_label("Lost on").fill("2031-02-01")
    dialog.get_by_role("button", name="Mark as lost").click()

    expect(card(page, deal)).to_have_count(0)
    deal.refresh_from_db()
    assert deal.status == "abandoned"
    assert deal.loss_reason_id == w.reason_abandoned.pk
    assert str(deal.lost_on) == "2031-02-01"


def test_deleting_asks_first_and_a_quoted_opportunity_is_refused_with_the_reason(
    page: Page, live_server, world_db: World
):
    """B18: a confirmation, then gone for good; kept, and the user told why, when quoted."""
    from salespipe.pipeline.models import Quote

    w = world_db
    doomed = make_opportunity(w.portfolio_a, account=w.account_a, name="Old lead")
    quoted = make_opportunity(w.portfolio_a, account=w.account_a, name="Quoted deal")
    Quote.objects.create(company=w.company_a, number="Q-2031-7", opportunity=quoted)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    drag_to_zone(page, card(page, doomed), "delete")
    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog).to_contain_text("Old lead")
    dialog.get_by_role("button", name="Delete").click()
    expect(card(page, doomed)).to_have_count(0)
    assert not Opportunity.objects.filter(pk=doomed.pk).exists()

    drag_to_zone(page, card(page, quoted), "delete")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator("#board-status")).to_contain_text("Q-2031-7")
    expect(card(page, quoted)).to_be_visible()
    assert Opportunity.objects.filter(pk=quoted.pk).exists()


def test_reusing_a_lost_opportunity_puts_it_back_in_the_first_stage(
    page: Page, live_server, world_db: World
):
    """B19: from the lost list, Reuse asks for a portfolio; the card is back on the board."""
    import datetime as dt

    w = world_db
    lost = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Second chance",
        stage=w.negotiation,
        status="lost",
        loss_reason=w.reason_lost,
        lost_on=dt.date(2030, 5, 1),
    )
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    page.get_by_role("button", name="Lost opportunities").click()
    lists = page.locator("dialog[data-closed-dialog]")
    row = lists.locator(f'[data-closed-row="{lost.pk}"]')
    expect(row).to_contain_text("Price too high")
    row.get_by_role("button", name="Reuse").click()
    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog.locator("#dlg-call-name")).to_have_value("Second chance")
    expect(dialog.locator("#dlg-account-name")).to_have_value("Boulangerie Dupont")
    dialog.get_by_label("Portfolio").select_option(label="Projects A North (Projects)")
    dialog.get_by_role("button", name="Save").click()

    expect(page.locator("dialog[open]")).to_have_count(0)
    lost.refresh_from_db()
    assert lost.status == "open"
    assert lost.portfolio_id == w.portfolio_a2.pk
    assert lost.stage_id == w.qualification.pk
    assert lost.loss_reason_id is None
    # Reused into another portfolio, it is on that board, in its first stage.
    open_board(page, live_server, w.portfolio_a2.pk)
    expect(column(page, w.qualification.pk).locator(f'[data-id="{lost.pk}"]')).to_be_visible()


def test_the_weighted_toggle_changes_the_totals_and_is_remembered(
    page: Page, live_server, world_db: World
):
    """B5: weighted amounts on cards, column totals and summary; remembered per user."""
    w = world_db
    make_opportunity(w.portfolio_a, account=w.account_a, stage=w.discovery, amount=10000)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    summary_amount = page.locator('[data-summary-total] [data-total="amount"]')
    column_amount = column(page, w.discovery.pk).locator('[data-total="amount"]')
    expect(summary_amount).to_have_text("€10,000.00")

    page.get_by_label("Weighted amounts").check()

    expect(summary_amount).to_have_text("€3,000.00")
    expect(column_amount).to_have_text("€3,000.00")
    expect(page.locator(".card-amount")).to_have_text("€3,000.00")
    w.alice.refresh_from_db()
    assert w.alice.show_weighted is True
    page.reload()
    expect(summary_amount).to_have_text("€3,000.00")
    expect(page.get_by_label("Weighted amounts")).to_be_checked()


def test_filtering_by_team_shows_only_that_teams_cards(page: Page, live_server, world_db: World):
    """B8: the salesperson filter takes a team; the address keeps the choice."""
    w = world_db
    mine = make_opportunity(w.portfolio_a, account=w.account_a, salesperson=w.alice)
    bobs = make_opportunity(w.portfolio_a, account=w.account_a, salesperson=w.bob)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    expect(page.locator("[data-card]")).to_have_count(2)

    page.get_by_label("Salesperson").select_option(label="Presales")

    expect(card(page, mine)).to_have_count(0)
    expect(card(page, bobs)).to_be_visible()
    expect(page).to_have_url(
        f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}&team={w.presales_team.pk}"
    )
    page.reload()
    expect(page.locator("[data-card]")).to_have_count(1)
    expect(page.get_by_label("Salesperson")).to_have_value(f"team:{w.presales_team.pk}")


def test_a_list_gone_through_with_the_arrow_keys_applies_on_enter_or_on_leaving_it(
    page: Page, live_server, world_db: World
):
    """U1 (WCAG 3.2.2): arrows through the salesperson and sort lists don't draw the board
    again at each key; Enter, or leaving the list, applies the choice."""
    w = world_db
    make_opportunity(w.portfolio_a, account=w.account_a, salesperson=w.alice)
    make_opportunity(w.portfolio_a, account=w.account_a, salesperson=w.bob)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    address = page.url
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    sellers = page.get_by_label("Salesperson")
    sellers.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert requests == []
    assert page.url == address
    expect(sellers).not_to_have_value("")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(address)
    chosen = sellers.input_value()
    kind, pk = chosen.split(":")
    expect(page).to_have_url(re.compile(f"[?&]{kind}={pk}(&|$)"))

    applied = page.url
    sort = page.get_by_label("Sort by")
    sort.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url == applied
    page.keyboard.press("Tab")
    expect(page).to_have_url(re.compile(r"sort="))
    expect(sellers).to_have_value(chosen)


def test_typing_narrows_the_board_by_account_siren_phone_and_email(
    page: Page, live_server, world_db: World
):
    """B11, B12, B13: first letters or digits narrow the cards drawn, with no request."""
    from salespipe.test import make_account

    w = world_db
    leroy = make_account(
        w.company_a,
        "Garage Leroy",
        siren="552100554",
        phone="04 72 00 00 00",
        email="info@leroy.example",
    )
    dupont_deal = make_opportunity(w.portfolio_a, account=w.account_a, amount=1000)
    leroy_deal = make_opportunity(w.portfolio_a, account=leroy, amount=2500)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    names = page.get_by_placeholder("Accounts and contacts")
    reach = page.get_by_placeholder("Phone or email")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def only(visible: Opportunity, hidden: Opportunity) -> None:
        expect(card(page, visible)).to_be_visible()
        expect(card(page, hidden)).to_be_hidden()

    names.press_sequentially("boul")
    only(dupont_deal, leroy_deal)
    expect(page.locator('[data-summary-total] [data-total="amount"]')).to_have_text("€1,000.00")
    names.fill("")
    names.press_sequentially("5521")
    only(leroy_deal, dupont_deal)
    names.fill("")
    reach.press_sequentially("04 72")
    only(leroy_deal, dupont_deal)
    reach.fill("")
    reach.press_sequentially("+33 1 23")
    only(dupont_deal, leroy_deal)
    reach.fill("")
    reach.press_sequentially("info@")
    only(leroy_deal, dupont_deal)
    reach.fill("")
    expect(page.locator("[data-card]:visible")).to_have_count(2)
    expect(page.locator('[data-summary-total] [data-total="amount"]')).to_have_text("€3,500.00")
    assert requests == []


def test_a_card_moves_with_the_keyboard_alone_and_keeps_the_focus(
    page: Page, live_server, world_db: World
):
    """B22: Shift+arrows move to the next or previous stage; the card menu reaches Lost."""
    w = world_db
    deal = make_opportunity(w.portfolio_a, account=w.account_a, name="Keyboard deal", amount=500)
    other = make_opportunity(w.portfolio_a, account=w.account_a, name="Neighbour", amount=100)
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    page.get_by_placeholder("Phone or email").focus()
    for _press in range(12):
        page.keyboard.press("Tab")
        if card(page, deal).evaluate("el => el === document.activeElement"):
            break
        if card(page, other).evaluate("el => el === document.activeElement"):
            page.keyboard.press("ArrowDown")
            break
    expect(card(page, deal)).to_be_focused()

    page.keyboard.press("Shift+ArrowRight")
    expect(column(page, w.discovery.pk).locator(f'[data-id="{deal.pk}"]')).to_be_visible()
    expect(card(page, deal)).to_be_focused()
    deal.refresh_from_db()
    assert deal.stage_id == w.discovery.pk

    page.keyboard.press("Shift+ArrowLeft")
    expect(column(page, w.qualification.pk).locator(f'[data-id="{deal.pk}"]')).to_be_visible()
    expect(card(page, deal)).to_be_focused()

    page.keyboard.press("Shift+F10")
    menu = page.locator("#card-menu")
    expect(menu).to_be_visible()
    lost_button = menu.get_by_role("button", name="Lost", exact=True)
    for _press in range(8):
        if lost_button.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(card(page, deal)).to_have_count(0)
    expect(card(page, other)).to_be_focused()
    deal.refresh_from_db()
    assert deal.status != "open"
    assert deal.lost_on is not None


@pytest.mark.parametrize(
    ("locale", "amount", "day", "english"),
    [
        ("en-GB", "€12,500.00", "Mar 31, 2031", True),
        ("fr-FR", "12\u00a0500,00\u00a0€", "31 mars 2031", False),
    ],
)
def test_the_board_speaks_english_and_french(
    browser, live_server, world_db: World, locale: str, amount: str, day: str, english: bool
):
    """Every text through gettext; amounts and dates in the language's format (B2, B3)."""
    import datetime as dt

    w = world_db
    make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        amount=12500,
        expected_signature_date=dt.date(2031, 3, 31),
    )
    context = browser.new_context(locale=locale)
    page = context.new_page()
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)

    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    expect(page.locator(".card-amount")).to_have_text(amount)
    expect(page.locator(".card-meta time")).to_have_text(day)
    # Django's own catalogue, or the project's once compiled, says it in French.
    if english:
        expect(page.locator(".filter-button")).to_have_text("Filter")
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    else:
        expect(page.locator(".filter-button")).not_to_have_text("Filter")
        expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    context.close()


def test_columns_beyond_the_screen_are_signalled_on_the_side_they_scroll_in_from(
    page: Page, live_server, world_db: World
):
    """U1: a board wider than the screen fades on the side more columns wait; none when all
    show."""
    make_opportunity(world_db.portfolio_a, account=world_db.account_a)
    log_in(page, live_server)
    page.set_viewport_size({"width": 1000, "height": 800})
    open_board(page, live_server, world_db.portfolio_a.pk)
    columns = page.locator(".columns")
    expect(columns).to_have_class(re.compile(r"\bmore-after\b"))
    expect(columns).not_to_have_class(re.compile(r"\bmore-before\b"))

    columns.evaluate("el => el.scrollTo({ left: el.scrollWidth })")
    expect(columns).to_have_class(re.compile(r"\bmore-before\b"))
    expect(columns).not_to_have_class(re.compile(r"\bmore-after\b"))

    page.set_viewport_size({"width": 2400, "height": 800})
    expect(columns).not_to_have_class(re.compile(r"\bmore-(before|after)\b"))


def test_a_late_card_is_re_dated_from_its_menu(page: Page, live_server, world_db: World):
    """B2: a late card says how late it is and its menu moves it to this month's end."""
    import datetime as dt

    w = world_db
    deal = make_opportunity(
        w.portfolio_a,
        account=w.account_a,
        name="Slipped deal",
        expected_signature_date=dt.date(2020, 1, 31),
    )
    log_in(page, live_server)
    open_board(page, live_server, w.portfolio_a.pk)
    expect(card(page, deal).locator("time.late")).to_have_attribute(
        "title", re.compile(r"days late$")
    )

    card(page, deal).focus()
    page.keyboard.press("Shift+F10")
    page.locator("#card-menu").get_by_role(
        "button", name=re.compile(r"^Expected by the end of ")
    ).click()

    expect(card(page, deal).locator("time.late")).to_have_count(0)
    expect(page.locator("#board-status")).to_contain_text("Slipped deal is now expected in")
    expect(card(page, deal)).to_be_focused()
    deal.refresh_from_db()
    from django.utils import timezone

    assert deal.expected_signature_date is not None
    assert deal.expected_signature_date >= timezone.localdate()
