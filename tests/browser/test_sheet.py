"""The opportunity sheet in Chromium, as a salesperson uses it (SPEC S1-S8)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from salespipe.activities.models import Action
from salespipe.documents.models import Document
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateMode,
    HistoryEntry,
    Opportunity,
    OpportunityContact,
)
from salespipe.test import World, make_opportunity

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_static_files(settings, tmp_path):
    # The manifest storage needs collectstatic first; the live server serves from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def deal(world_db: World) -> Opportunity:
    return make_opportunity(
        world_db.portfolio_a,
        account=world_db.account_a,
        name="Bakery ovens",
        amount=Decimal("1200"),
        salesperson=world_db.alice,
    )


def open_sheet_from_the_board(page: Page, live_server, deal: Opportunity) -> None:
    """S1: the call name on the card opens the sheet."""
    page.goto(f"{live_server.url}/board/?portfolio={deal.portfolio_id}")
    page.locator(f'[data-card][data-id="{deal.pk}"]').get_by_role("link", name=deal.name).click()
    page.wait_for_url(f"{live_server.url}/opportunities/{deal.pk}/")
    expect(page.get_by_role("heading", name=deal.name)).to_be_visible()


def tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def line_row(page: Page, number: int):
    return page.locator("[data-amounts] tbody tr[data-line]").nth(number - 1)


def test_fields_are_saved_from_the_banner_that_shows_unsaved_changes(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S2, S8: typing shows the banner; leaving warns; Save writes and records the history."""
    log_in(page, live_server)
    open_sheet_from_the_board(page, live_server, deal)
    banner = page.locator("[data-save-banner]")
    expect(banner).to_be_hidden()

    page.get_by_label("Description").fill("Two deck ovens for the new shop.")
    page.get_by_label("Expected signature date").fill("2031-06-30")
    page.get_by_label("Amount", exact=True).first.fill("15000")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You have unsaved changes.")

    # Leaving with unsaved changes asks first; staying keeps everything typed.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("link", name="Boulangerie Dupont").click()
    expect(page).to_have_url(f"{live_server.url}/opportunities/{deal.pk}/")
    expect(page.get_by_label("Description")).to_have_value("Two deck ovens for the new shop.")

    banner.get_by_role("button", name="Save").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#sheet-status")).to_have_text("Saved.")
    deal.refresh_from_db()
    assert deal.description == "Two deck ovens for the new shop."
    assert deal.expected_signature_date == dt.date(2031, 6, 30)
    assert deal.amount == Decimal("15000.00")
    assert deal.version == 2
    tab(page, "History")
    history = page.locator("[data-history]")
    expect(history.locator('[data-history-field="amount"]')).to_contain_text("15,000.00")
    assert HistoryEntry.objects.filter(opportunity_ref=deal.pk, field="amount").count() == 1

    # Discard puts the fields back as stored.
    page.get_by_label("Description").fill("Not meant.")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Discard").click()
    expect(banner).to_be_hidden()
    expect(page.get_by_label("Description")).to_have_value("Two deck ovens for the new shop.")
    deal.refresh_from_db()
    assert deal.version == 2


def test_a_save_after_a_colleagues_change_says_so_once(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """P7, U1: the conflict is said where the fields are, not a second time in the status."""
    from salespipe.pipeline import services

    log_in(page, live_server)
    open_sheet_from_the_board(page, live_server, deal)
    services.opportunity_update(
        user=world_db.bob, opportunity_id=deal.pk, version=1, values={"description": "Bob's"}
    )
    page.get_by_label("Description").fill("Alice's")
    page.locator("[data-save-banner]").get_by_role("button", name="Save").click()

    said = "Bakery ovens was changed by someone else in the meantime."
    expect(page.get_by_role("alert")).to_contain_text(said)
    # The status speaks 50 ms after a change (requests.js): it says nothing more here.
    page.wait_for_timeout(300)
    assert said not in page.locator("#sheet-status").inner_text()


def test_a_detailed_estimate_adds_duplicates_and_deletes_lines_and_the_card_shows_the_totals(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S3: the table of lines, its TOTAL row, and the opportunity's amount and days follow."""
    log_in(page, live_server)
    open_sheet_from_the_board(page, live_server, deal)
    amounts = page.locator("[data-amounts]")
    total_amount = amounts.locator('[data-total="amount"]')
    total_days = amounts.locator('[data-total="days"]')

    amounts.get_by_role("button", name="Detailed estimate").click()
    expect(total_amount).to_have_text("€1,200.00")  # the general estimate, until lines exist
    amounts.get_by_role("button", name="+ Line").click()
    expect(line_row(page, 1)).to_be_visible()
    line_row(page, 1).get_by_label("Sale type, line 1").select_option(label="Licences")
    expect(line_row(page, 1).get_by_label("Days, line 1")).to_be_disabled()
    line_row(page, 1).get_by_label("Label, line 1").fill("Oven software")
    line_row(page, 1).get_by_label("Quantity, line 1").fill("3")
    line_row(page, 1).get_by_label("Unit price, line 1").fill("1000")
    line_row(page, 1).get_by_label("Unit price, line 1").press("Tab")
    expect(line_row(page, 1).get_by_label("Amount, line 1")).to_have_value("3000.00")
    expect(total_amount).to_have_text("€3,000.00")

    line_row(page, 1).get_by_role("button", name="Duplicate line 1").click()
    expect(amounts.locator("tbody tr[data-line]")).to_have_count(2)
    expect(total_amount).to_have_text("€6,000.00")
    line_row(page, 2).get_by_role("button", name="Delete line 2").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_contain_text("Delete line 2 (Oven software)?")
    confirm.get_by_role("button", name="Delete").click()
    expect(amounts.locator("tbody tr[data-line]")).to_have_count(1)
    expect(total_amount).to_have_text("€3,000.00")

    amounts.get_by_role("button", name="+ Line").click()
    expect(amounts.locator("tbody tr[data-line]")).to_have_count(2)
    line_row(page, 2).get_by_label("Sale type, line 2").select_option(label="Consulting")
    line_row(page, 2).get_by_label("Days, line 2").fill("2")
    line_row(page, 2).get_by_label("Amount, line 2").fill("1500")
    line_row(page, 2).get_by_label("Amount, line 2").press("Tab")
    expect(total_amount).to_have_text("€4,500.00")
    expect(total_days).to_have_text("2 d")

    deal.refresh_from_db()
    assert deal.estimate_mode == EstimateMode.DETAILED
    assert deal.amount == Decimal("4500.00")
    assert deal.days == Decimal("2.00")
    assert EstimateLine.objects.filter(opportunity=deal).count() == 2
    page.goto(f"{live_server.url}/board/?portfolio={deal.portfolio_id}")
    card = page.locator(f'[data-card][data-id="{deal.pk}"]')
    expect(card.locator(".card-amount")).to_have_text("€4,500.00")
    expect(card.locator(".card-days")).to_have_text("2 d")


def test_switching_back_to_a_general_estimate_discards_the_lines_after_a_confirmation(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S3: the confirmation says the lines go; the totals stay as the general estimate."""
    deal.estimate_mode = EstimateMode.DETAILED
    deal.amount = Decimal("900.00")
    deal.save()
    for label in ("Setup", "Training"):
        EstimateLine.objects.create(
            opportunity=deal, sale_type=world_db.sale_type_amount, label=label, amount=450
        )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    amounts = page.locator("[data-amounts]")
    expect(amounts.locator("tbody tr[data-line]")).to_have_count(2)

    amounts.get_by_role("button", name="General estimate").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_contain_text("discards the 2 lines of the detailed estimate")
    confirm.get_by_role("button", name="Cancel").click()
    expect(amounts.locator("tbody tr[data-line]")).to_have_count(2)
    assert EstimateLine.objects.filter(opportunity=deal).count() == 2

    amounts.get_by_role("button", name="General estimate").click()
    confirm.get_by_role("button", name="Discard the lines").click()
    expect(amounts.locator("table")).to_have_count(0)
    expect(amounts.get_by_label("Amount")).to_have_value("900.00")
    deal.refresh_from_db()
    assert deal.estimate_mode == EstimateMode.GENERAL
    assert deal.amount == Decimal("900.00")
    assert not EstimateLine.objects.filter(opportunity=deal).exists()


def test_an_action_is_added_stands_out_when_overdue_and_is_marked_done(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S4: the form adds a planned action; an overdue one stands out; Mark as done."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    tab(page, "Activities")
    panel = page.locator("[data-activities]")
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    panel.get_by_label("Type").select_option(label="Call")
    panel.get_by_label("Subject").fill("Call the baker back")
    panel.get_by_label("Due date").fill(yesterday.isoformat())
    panel.get_by_label("Time").fill("10:30")
    panel.get_by_role("button", name="Add the action").click()

    item = panel.locator(".action-item", has_text="Call the baker back")
    expect(item).to_have_class("action-item is-overdue")
    expect(item).to_contain_text("overdue")
    action = Action.objects.get(opportunity=deal)
    assert action.subject == "Call the baker back"
    assert action.done is False
    assert timezone.localtime(action.due_at).date() == yesterday

    item.get_by_role("button", name="Mark as done").click()
    expect(item).to_have_class("action-item is-done")
    expect(item.get_by_role("button", name="Mark as done")).to_have_count(0)
    action.refresh_from_db()
    assert action.done is True
    assert action.done_at is not None


def test_a_document_is_dropped_downloaded_and_removed(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S5: the drop zone uploads; a click downloads as an attachment; Remove asks first."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/?tab=documents")
    panel = page.locator("[data-documents]")
    dropped = page.evaluate_handle(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["Two deck ovens, 400 V."], "quote-request.txt",
                                    {type: "text/plain"}));
            return data;
        }"""
    )
    page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": dropped})

    link = panel.get_by_role("link", name="quote-request.txt")
    expect(link).to_be_visible()
    document = Document.objects.get(opportunity=deal)
    assert document.company_id == world_db.company_a.pk
    assert document.original_name == "quote-request.txt"
    assert document.size == len(b"Two deck ovens, 400 V.")
    assert "quote-request" not in (document.file.name or "")

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "quote-request.txt"
    assert Path(download.value.path()).read_bytes() == b"Two deck ovens, 400 V."

    panel.get_by_role("button", name="Remove quote-request.txt").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_contain_text("Remove the document quote-request.txt?")
    confirm.get_by_role("button", name="Remove").click()
    expect(panel.get_by_role("link", name="quote-request.txt")).to_have_count(0)
    assert not Document.objects.filter(opportunity=deal).exists()


def test_a_contact_is_linked_through_its_account_and_unlinked(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S6: choose an account, then one of its contacts; the contact's sheet opens; unlink."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    tab(page, "Contacts")
    panel = page.locator("[data-contacts]")

    panel.get_by_label("Account").fill("boul")
    panel.locator("[role=option]", has_text="Boulangerie Dupont").click()
    choices = panel.get_by_label("Contact")
    expect(choices).to_be_enabled()
    choices.select_option(label="Marie Dupont")
    panel.get_by_role("button", name="Link", exact=True).click()

    linked = panel.locator(".contact-list li", has_text="Marie Dupont")
    expect(linked).to_be_visible()
    assert OpportunityContact.objects.filter(opportunity=deal, contact=world_db.contact_a).exists()

    linked.get_by_role("button", name="Remove the link to Marie Dupont").click()
    expect(panel.locator(".contact-list li", has_text="Marie Dupont")).to_have_count(0)
    assert not OpportunityContact.objects.filter(opportunity=deal).exists()
    assert world_db.contact_a.__class__.objects.filter(pk=world_db.contact_a.pk).exists()


def test_deleting_from_the_actions_menu_asks_first_and_goes_back_to_the_board(
    page: Page, live_server, world_db: World, deal: Opportunity
):
    """S7, B18: Actions > Delete, a confirmation, then the board without the card."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")

    page.get_by_role("button", name="Actions").click()
    page.get_by_role("menuitem", name="Delete").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_contain_text("Bakery ovens will be deleted for good")
    confirm.get_by_role("button", name="Delete").click()

    page.wait_for_url(f"{live_server.url}/board/?portfolio={deal.portfolio_id}")
    expect(page.locator(f'[data-card][data-id="{deal.pk}"]')).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text("Bakery ovens was deleted.")
    assert not Opportunity.objects.filter(pk=deal.pk).exists()
    assert world_db.account_a.__class__.objects.filter(pk=world_db.account_a.pk).exists()
