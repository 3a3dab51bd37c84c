"""The creation form and the autocompletes behind it (SPEC O1-O5, A2, P8)."""

import pytest
from django.test import Client

from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.pipeline.models import HistoryEntry, Opportunity, Tag
from salespipe.test import World, make_account, make_contact, make_user

SCRIPT = {"HX-Request": "true"}


def create_url(world: World) -> str:
    return f"/opportunities/new/?portfolio={world.portfolio_a.pk}"


def form(world: World, **values: str) -> dict[str, str]:
    data = {
        "account": str(world.account_a.pk),
        "account_label": world.account_a.name,
        "name": "Bakery ovens",
        "currency": "EUR",
        "salesperson": "",
        "salesperson_label": "",
        "contact": "",
        "contact_label": "",
        "portfolio": str(world.portfolio_a.pk),
    }
    data.update(values)
    return data


# -- the form -----------------------------------------------------------------------------


def test_from_the_board_the_portfolio_is_fixed_and_the_stage_is_the_default(
    world: World, alice_client: Client, bob_client: Client
):
    """O2, O3: alice may choose the stage; bob sees the default, not a choice."""
    world.portfolio_a.default_stage = world.discovery
    world.portfolio_a.save()

    alice_page = alice_client.get(create_url(world)).content.decode()
    bob_page = bob_client.get(create_url(world)).content.decode()

    assert '<select id="new-stage" name="stage"' in alice_page
    assert f'<option value="{world.discovery.pk}" selected>Discovery</option>' in alice_page
    assert 'name="stage"' not in bob_page
    assert '<p class="static-value" id="new-stage"' in bob_page
    for page in (alice_page, bob_page):
        assert f'<input type="hidden" name="portfolio" value="{world.portfolio_a.pk}">' in page
        assert (
            f'value="{world.alice.pk if page is alice_page else world.bob.pk}" data-ac-value'
            in page
        )


def test_from_an_account_the_portfolio_is_chosen_among_its_companys(
    world: World, alice_client: Client
):
    """O1, O2: the account is fixed; the portfolio is editable; the stage follows it."""
    page = alice_client.get(f"/opportunities/new/?account={world.account_a.pk}").content.decode()
    stage = alice_client.get(
        f"/opportunities/new/?fragment=stage&account={world.account_a.pk}"
        f"&portfolio={world.licences_a.pk}",
        headers=SCRIPT,
    ).content.decode()

    assert f'<input type="hidden" name="account" value="{world.account_a.pk}">' in page
    for portfolio in (world.portfolio_a, world.portfolio_a2, world.licences_a):
        assert f'<option value="{portfolio.pk}"' in page
    assert f'<option value="{world.portfolio_b.pk}"' not in page
    assert "Lead" in stage
    assert "Qualification" not in stage


def test_saving_creates_the_opportunity_and_sends_the_script_to_the_board(
    world: World, bob_client: Client
):
    """O2, O5: created in the default stage, bob as salesperson, the history starts."""
    response = bob_client.post(create_url(world), form(world, amount="1 500,50"), headers=SCRIPT)

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/board/?portfolio={world.portfolio_a.pk}"
    deal = Opportunity.objects.get(name="Bakery ovens")
    assert deal.stage_id == world.qualification.pk
    assert deal.salesperson_id == world.bob.pk
    assert deal.created_by_id == world.bob.pk
    assert str(deal.amount) == "1500.50"
    assert HistoryEntry.objects.filter(opportunity_ref=deal.pk, kind="created").count() == 1


def test_from_an_account_the_user_goes_back_to_its_opportunities(
    world: World, alice_client: Client
):
    response = alice_client.post(
        f"/opportunities/new/?account={world.account_a.pk}",
        {"name": "Licence renewal", "portfolio": str(world.licences_a.pk), "account": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{world.account_a.pk}/?tab=opportunities"
    deal = Opportunity.objects.get(name="Licence renewal")
    assert (deal.account_id, deal.portfolio_id) == (world.account_a.pk, world.licences_a.pk)
    assert deal.stage_id == world.licence_lead.pk


def test_bad_values_come_back_next_to_their_fields_with_everything_typed(
    world: World, bob_client: Client
):
    """O2: each error next to its field; nothing typed is lost; nothing is created."""
    data = form(world, name="", email="nope", description="Keep me")

    response = bob_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert response["X-Fragment"] == "form"
    html = response.content.decode()
    assert 'id="new-name-error"' in html
    assert 'id="new-email-error"' in html
    assert 'value="nope"' in html
    assert "Keep me" in html
    assert not Opportunity.objects.exists()


def test_an_id_that_cant_be_read_comes_with_every_other_fault(world: World, bob_client: Client):
    # O2: a crafted account id hides none of the other faults.
    data = form(world, account="abc", amount="-5", email="nope")

    response = bob_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    html = response.content.decode()
    for name in ("account", "amount", "email"):
        assert f'id="new-{name}-error"' in html, name
    assert not Opportunity.objects.exists()


def test_an_account_typed_but_not_chosen_is_refused(world: World, bob_client: Client):
    data = form(world, account="", account_label="Garage Lefèvre")

    response = bob_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert "Choose one of the suggestions" in response.content.decode()
    assert 'value="Garage Lefèvre"' in response.content.decode()
    assert not Opportunity.objects.exists()


def test_mandatory_fields_of_the_stage_and_those_before_it_are_asked_in_a_dialog(
    world: World, alice_client: Client
):
    """O4: one step per stage; nothing is created until they are given or declined."""
    data = form(world, stage=str(world.proposal.pk), description="Typed")

    response = alice_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert response["X-Fragment"] == "dialog"
    html = response.content.decode()
    assert "Stage Discovery" in html
    assert "Stage Proposal" in html
    assert "Create in Qualification" in html
    # What the form held goes along, except the fields the dialog asks for.
    assert '<input type="hidden" name="description" value="Typed">' in html
    assert 'type="hidden" name="amount"' not in html
    assert not Opportunity.objects.exists()


def test_the_dialogs_values_create_the_opportunity_in_the_stage_chosen(
    world: World, alice_client: Client
):
    """O4: Save with the mandatory fields: created in Proposal with them."""
    data = form(
        world,
        stage=str(world.proposal.pk),
        dialog="1",
        amount="8000",
        expected_signature_date="2031-03-31",
        contact=str(world.contact_a.pk),
    )

    response = alice_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 204
    deal = Opportunity.objects.get()
    assert deal.stage_id == world.proposal.pk
    assert str(deal.expected_signature_date) == "2031-03-31"
    assert deal.contact_id == world.contact_a.pk
    # Choosing the contact filled its phone (O2).
    assert deal.phone == world.contact_a.phone


def test_declining_the_dialog_creates_the_opportunity_in_the_first_stage(
    world: World, alice_client: Client
):
    """O4: the fields not given, the opportunity starts in the first stage."""
    data = form(world, stage=str(world.proposal.pk), dialog="1", fallback="1")

    response = alice_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 204
    assert Opportunity.objects.get().stage_id == world.qualification.pk


def test_a_dialog_saved_with_a_field_still_empty_comes_back_with_the_error(
    world: World, alice_client: Client
):
    data = form(world, stage=str(world.discovery.pk), dialog="1")

    response = alice_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_without_the_right_a_stage_posted_all_the_same_is_refused(world: World, bob_client: Client):
    """O3: change_default_stage is needed whatever the door; nothing is created."""
    data = form(world, stage=str(world.negotiation.pk))

    response = bob_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert "another stage than the portfolio" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_charlie_cant_open_or_post_the_form_of_company_a(world: World, charlie_client: Client):
    """P8: the portfolio and account of company A don't exist for charlie."""
    assert charlie_client.get(create_url(world)).status_code == 404
    assert (
        charlie_client.get(f"/opportunities/new/?account={world.account_a.pk}").status_code == 404
    )
    response = charlie_client.post(create_url(world), form(world), headers=SCRIPT)
    assert response.status_code == 404
    assert charlie_client.get("/opportunities/new/?portfolio=abc").status_code == 404
    assert not Opportunity.objects.exists()


# -- autocompletes and Create -------------------------------------------------------------


def lookup(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def test_accounts_are_suggested_from_their_first_letters_and_create_needs_the_right(
    world: World, alice_client: Client, bob_client: Client
):
    """O2, A2: prefix, accents and case ignored; closed accounts only with show_closed."""
    make_account(world.company_a, "Boucherie Éclair", is_closed=True)
    url = f"/accounts/lookup/?company={world.company_a.pk}&q=BOU"

    alice = lookup(alice_client, url)
    bob = lookup(bob_client, url)

    assert [r["label"] for r in alice["results"]] == ["Boucherie Éclair", "Boulangerie Dupont"]
    assert [r["label"] for r in bob["results"]] == ["Boulangerie Dupont"]
    assert alice["create"] == "Create the prospect “BOU”"
    assert bob["create"] is None
    exact = lookup(
        alice_client, f"/accounts/lookup/?company={world.company_a.pk}&q=boulangerie dupont"
    )
    assert exact["create"] is None


def test_a_prospect_is_created_from_the_field_only_with_the_right(
    world: World, alice_client: Client, bob_client: Client
):
    """O2: quick_account (191420) whatever the door; the prospect is of the form's company."""
    refused = bob_client.post(
        f"/accounts/quick/?company={world.company_a.pk}", {"name": "Garage Lefèvre"}
    )
    assert refused.status_code == 403
    assert "191420" in refused.json()["detail"]
    assert not Account.objects.filter(name="Garage Lefèvre").exists()

    created = alice_client.post(
        f"/accounts/quick/?company={world.company_a.pk}", {"name": "Garage Lefèvre"}
    )
    assert created.status_code == 201
    account = Account.objects.get(pk=created.json()["id"])
    assert (account.name, account.kind, account.company_id) == (
        "Garage Lefèvre",
        AccountKind.PROSPECT,
        world.company_a.pk,
    )
    empty = alice_client.post(f"/accounts/quick/?company={world.company_a.pk}", {"name": " "})
    assert empty.status_code == 422
    elsewhere = alice_client.post(
        f"/accounts/quick/?company={world.company_b.pk}", {"name": "Intrusion"}
    )
    assert elsewhere.status_code == 422
    assert not Account.objects.filter(name="Intrusion").exists()


def test_contacts_of_the_account_fill_the_details_and_a_new_one_is_created(
    world: World, bob_client: Client
):
    """O2: choosing a contact gives its phone, mobile, function and email; Create makes one."""
    make_contact(world.account_a, "Durand", first_name="Léa", is_closed=True)
    url = f"/accounts/{world.account_a.pk}/contacts/lookup/"

    found = lookup(bob_client, f"{url}?q=mar")
    everyone = lookup(bob_client, f"{url}?all=1")

    assert found["results"] == [
        {
            "id": world.contact_a.pk,
            "label": "Marie Dupont",
            "detail": "",
            "data": {"phone": "06 12 34 56 78", "mobile": "", "function": "", "email": ""},
        }
    ]
    assert found["create"] == "Create the contact “mar”"
    assert [r["label"] for r in everyone["results"]] == ["Marie Dupont"]  # Léa is closed
    created = bob_client.post(
        f"/accounts/{world.account_a.pk}/contacts/quick/", {"name": "Anne de La Tour"}
    )
    assert created.status_code == 201
    contact = Contact.objects.get(pk=created.json()["id"])
    assert (contact.first_name, contact.last_name, contact.account_id) == (
        "Anne",
        "de La Tour",
        world.account_a.pk,
    )


def test_salespeople_are_the_active_collaborators_of_the_company(world: World, bob_client: Client):
    make_user("alain", world.company_a, is_active=False)
    url = f"/opportunities/lookup/salespeople/?company={world.company_a.pk}"

    found = lookup(bob_client, f"{url}&q=al")
    other_company = lookup(
        bob_client, f"/opportunities/lookup/salespeople/?company={world.company_b.pk}&q=ch"
    )

    assert [r["id"] for r in found["results"]] == [world.alice.pk]
    assert other_company["results"] == []


def test_tags_are_suggested_created_and_edited_from_the_field(world: World, bob_client: Client):
    """O2: opportunity tags from the first character, all with F2; Create and edit."""
    first = lookup(bob_client, "/opportunities/tags/?q=h")
    assert [r["label"] for r in first["results"]] == ["Hot"]
    assert first["create"] == "Create the tag “h”"

    created = bob_client.post("/opportunities/tags/", {"name": "Warm"})
    assert created.status_code == 201
    tag = Tag.objects.get(pk=created.json()["id"])
    everything = lookup(bob_client, "/opportunities/tags/?all=1")
    assert [r["label"] for r in everything["results"]] == ["Hot", "Warm"]

    edited = bob_client.post(
        f"/opportunities/tags/{tag.pk}/", {"name": "Tepid", "color": "#ff8800"}
    )
    assert edited.status_code == 200
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("Tepid", "#ff8800")
    taken = bob_client.post(f"/opportunities/tags/{tag.pk}/", {"name": "HOT"})
    assert taken.status_code == 422
    assert (
        bob_client.post(
            f"/opportunities/tags/{world.tag_other_kind.pk}/", {"name": "x"}
        ).status_code
        == 404
    )


def test_charlie_gets_nothing_of_company_a_from_the_autocompletes(
    world: World, charlie_client: Client
):
    """P8: no suggestion of company A; its account's contacts answer 404."""
    accounts = lookup(charlie_client, f"/accounts/lookup/?company={world.company_a.pk}&q=b")
    people = lookup(
        charlie_client, f"/opportunities/lookup/salespeople/?company={world.company_a.pk}&q=a"
    )

    assert accounts == {"results": [], "create": None}
    assert people["results"] == []
    contacts = f"/accounts/{world.account_a.pk}/contacts/"
    assert charlie_client.get(f"{contacts}lookup/?all=1").status_code == 404
    assert charlie_client.post(f"{contacts}quick/", {"name": "Intruder"}).status_code == 404
    assert not Contact.objects.filter(last_name="Intruder").exists()


@pytest.mark.parametrize("url", ["/accounts/lookup/?company=abc&q=b", "/accounts/lookup/?q=b"])
def test_an_account_lookup_without_a_company_suggests_nothing(alice_client: Client, url):
    assert lookup(alice_client, url) == {"results": [], "create": None}


def test_a_closed_account_posted_without_the_right_is_refused(world: World, bob_client: Client):
    """A2: bob can't pick a closed account, whatever he posts; nothing is created."""
    closed = make_account(world.company_a, "Boucherie Fermée", is_closed=True)
    data = form(world, account=str(closed.pk), account_label=closed.name)

    response = bob_client.post(create_url(world), data, headers=SCRIPT)

    assert response.status_code == 422
    assert 'id="new-account-error"' in response.content.decode()
    assert not Opportunity.objects.exists()
