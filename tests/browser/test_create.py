"""Creating an opportunity in Chromium, as a salesperson does (SPEC O1-O5, A2)."""

import pytest
from playwright.sync_api import Page, expect

from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.pipeline.models import Opportunity
from salespipe.test import World

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic first; the live server serves from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def open_creation_from_the_board(page: Page, live_server, portfolio_id: int) -> None:
    page.goto(f"{live_server.url}/board/?portfolio={portfolio_id}")
    page.get_by_role("link", name="+ Opportunity").click()
    page.wait_for_url(f"{live_server.url}/opportunities/new/?portfolio={portfolio_id}")
    expect(page.get_by_role("heading", name="New opportunity")).to_be_visible()


def suggestions(page: Page, field_id: str):
    return page.locator(f"#{field_id}-list [role=option]")


def column(page: Page, stage_id: int):
    return page.locator(f'[data-drop="move"][data-stage="{stage_id}"]')


def test_alice_creates_an_opportunity_for_a_new_prospect_and_a_new_contact(
    page: Page, live_server, world_db: World
):
    """O1, O2, O5: Create offers a prospect (quick_account) and a contact; the card appears."""
    w = world_db
    log_in(page, live_server, "alice")
    open_creation_from_the_board(page, live_server, w.portfolio_a.pk)

    page.get_by_label("Account").fill("Garage Lefèvre")
    create_account = suggestions(page, "new-account").filter(has_text="Create the prospect")
    expect(create_account).to_have_text("+ Create the prospect “Garage Lefèvre”")
    create_account.click()
    expect(page.locator('input[name="account"]')).not_to_have_value("")
    page.get_by_label("Call name").fill("Workshop tools")
    page.get_by_label("Contact").fill("Paul Lefèvre")
    create_contact = suggestions(page, "new-contact").filter(has_text="Create the contact")
    create_contact.click()
    expect(page.locator('input[name="contact"]')).not_to_have_value("")
    page.get_by_label("Amount").fill("4200")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    card = column(page, w.qualification.pk).locator("[data-card]", has_text="Workshop tools")
    expect(card).to_contain_text("Garage Lefèvre")
    prospect = Account.objects.get(name="Garage Lefèvre")
    assert prospect.kind == AccountKind.PROSPECT
    assert prospect.company_id == w.company_a.pk
    contact = Contact.objects.get(account=prospect)
    assert (contact.first_name, contact.last_name) == ("Paul", "Lefèvre")
    deal = Opportunity.objects.get(name="Workshop tools")
    assert deal.account_id == prospect.pk
    assert deal.contact_id == contact.pk
    assert deal.salesperson_id == w.alice.pk
    assert str(deal.amount) == "4200.00"
    assert deal.stage_id == w.qualification.pk


def test_bob_without_the_right_is_offered_no_prospect_but_creates_a_contact(
    page: Page, live_server, world_db: World
):
    """O2, O3: without quick_account no Create for accounts; the stage is the default, fixed."""
    w = world_db
    log_in(page, live_server, "bob")
    open_creation_from_the_board(page, live_server, w.portfolio_a.pk)

    page.get_by_label("Account").fill("Garage Lefèvre")
    expect(page.locator("#new-account-list")).to_contain_text("No match.")
    expect(page.locator("#new-account-list .ac-create")).to_have_count(0)
    page.get_by_label("Account").fill("boul")
    suggestions(page, "new-account").filter(has_text="Boulangerie Dupont").click()
    page.get_by_label("Call name").fill("Bread slicer")
    page.get_by_label("Contact").fill("Jean Morel")
    suggestions(page, "new-contact").filter(has_text="Create the contact").click()
    expect(page.locator('input[name="contact"]')).not_to_have_value("")
    expect(page.locator("select#new-stage")).to_have_count(0)
    expect(page.locator("#new-stage")).to_have_text("Qualification")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    expect(column(page, w.qualification.pk)).to_contain_text("Bread slicer")
    assert not Account.objects.filter(name="Garage Lefèvre").exists()
    deal = Opportunity.objects.get(name="Bread slicer")
    assert deal.account_id == w.account_a.pk
    assert deal.contact is not None
    assert deal.contact.full_name == "Jean Morel"
    assert deal.salesperson_id == w.bob.pk


def test_declining_the_mandatory_fields_creates_the_opportunity_in_the_first_stage(
    page: Page, live_server, world_db: World
):
    """O3, O4: Proposal and the stages before it ask for fields; declining starts in the first."""
    w = world_db
    log_in(page, live_server, "alice")
    open_creation_from_the_board(page, live_server, w.portfolio_a.pk)

    page.get_by_label("Account").fill("boul")
    suggestions(page, "new-account").first.click()
    page.get_by_label("Call name").fill("Oven upgrade")
    page.get_by_label("Stage").select_option(label="Proposal")
    page.get_by_role("button", name="Save").click()

    dialog = page.locator("dialog[data-steps-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-step]:not([hidden]) [data-step-title]")).to_have_text(
        "Stage Discovery"
    )
    assert not Opportunity.objects.filter(name="Oven upgrade").exists()
    dialog.get_by_role("button", name="Create in Qualification").click()

    page.wait_for_url(f"{live_server.url}/board/?portfolio={w.portfolio_a.pk}")
    expect(column(page, w.qualification.pk)).to_contain_text("Oven upgrade")
    deal = Opportunity.objects.get(name="Oven upgrade")
    assert deal.stage_id == w.qualification.pk
    assert deal.amount is None
