"""An account's and a contact's sheets, with the opportunities and actions the pipeline holds
of them (SPEC A1, A2, O1, S1, P8)."""

import datetime as dt

from django.test import Client
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.pipeline.models import OpportunityContact, OpportunityStatus
from salespipe.test import World, make_contact, make_opportunity


def test_the_account_sheet_shows_contacts_actions_and_opportunities_open_won_and_lost(
    world: World, bob_client: Client
):
    """A1: the Opportunities tab groups them; + Opportunity creates one for this account."""
    open_deal = make_opportunity(world.portfolio_a, account=world.account_a, name="Open deal")
    make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        name="Won deal",
        status=OpportunityStatus.WON,
        stage=world.signed,
        signed_on=dt.date(2030, 1, 1),
    )
    make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        name="Lost deal",
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 2, 1),
    )
    make_contact(world.account_a, "Caché", is_closed=True)
    Action.objects.create(
        company=world.company_a,
        kind=ActionKind.MEETING,
        subject="Visit the shop",
        due_at=timezone.now() - dt.timedelta(days=1),
        assignee=world.bob,
        account=world.account_a,
    )
    url = f"/accounts/{world.account_a.pk}/"

    page = bob_client.get(url).content.decode()
    actions = bob_client.get(url, {"tab": "actions"}).content.decode()

    assert "Marie Dupont" in page
    assert "Caché" not in page
    assert f'href="/opportunities/new/?account={world.account_a.pk}"' in page
    assert f'href="/opportunities/{open_deal.pk}/"' in page
    groups = {key: page.index(f'data-group="{key}"') for key in ("open", "won", "lost")}
    assert groups["open"] < page.index("Open deal") < groups["won"]
    assert groups["won"] < page.index("Won deal") < groups["lost"] < page.index("Lost deal")
    assert "Visit the shop" in actions
    assert "overdue" in actions


def test_the_contact_sheet_shows_its_account_and_the_opportunities_it_is_in(
    world: World, bob_client: Client
):
    main = make_opportunity(world.portfolio_a, account=world.account_a, name="As main contact")
    main.contact = world.contact_a
    main.save()
    linked = make_opportunity(world.portfolio_a, account=world.account_a, name="As linked")
    OpportunityContact.objects.create(opportunity=linked, contact=world.contact_a)
    make_opportunity(world.portfolio_a, account=world.account_a, name="Not hers")

    page = bob_client.get(f"/contacts/{world.contact_a.pk}/").content.decode()

    assert "Marie Dupont" in page
    assert "Boulangerie Dupont" in page
    assert "As main contact" in page
    assert "As linked" in page
    assert "Not hers" not in page


def test_closed_records_are_hidden_from_their_sheets_without_the_right(
    world: World, accounts, alice_client: Client, bob_client: Client
):
    """A2: bob gets 404 for a closed account or contact; alice sees them."""
    closed_contact = make_contact(world.account_a, "Caché", is_closed=True)
    closed = accounts["closed"]

    assert bob_client.get(f"/accounts/{closed.pk}/").status_code == 404
    assert bob_client.get(f"/contacts/{closed_contact.pk}/").status_code == 404
    assert alice_client.get(f"/accounts/{closed.pk}/").status_code == 200
    assert alice_client.get(f"/contacts/{closed_contact.pk}/").status_code == 200


def test_charlie_gets_404_on_the_account_and_contact_sheets_of_company_a(
    world: World, charlie_client: Client
):
    """P8."""
    for url in (
        f"/accounts/{world.account_a.pk}/",
        f"/accounts/{world.account_a.pk}/?tab=actions",
        f"/contacts/{world.contact_a.pk}/",
    ):
        assert charlie_client.get(url).status_code == 404, url
