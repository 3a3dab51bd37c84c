"""The sheet's pages and fragments (SPEC S1-S8, P7, P8)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.documents import services as documents
from salespipe.pipeline import services
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    EstimateMode,
    HistoryEntry,
    Opportunity,
    OpportunityContact,
    Quote,
)
from salespipe.pipeline.services import estimate
from salespipe.test import World, make_contact, make_opportunity

SCRIPT = {"HX-Request": "true"}


@pytest.fixture
def deal(world: World) -> Opportunity:
    return make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        name="Bakery ovens",
        amount=Decimal("1200.00"),
        description="Two ovens.",
        salesperson=world.alice,
    )


def drawn(deal: Opportunity, **changes: str) -> dict[str, str]:
    """What the left column posts: every field with the value it was drawn with, then `changes`."""
    fields = {
        "name": deal.name,
        "account": str(deal.account_id),
        "account_label": deal.account.name,
        "portfolio": str(deal.portfolio_id),
        "amount": "" if deal.amount is None else f"{deal.amount:.2f}",
        "currency": deal.currency_id,
        "days": "" if deal.days is None else f"{deal.days:.2f}",
        "salesperson": str(deal.salesperson_id),
        "salesperson_label": str(deal.salesperson),
        "contact": "" if deal.contact_id is None else str(deal.contact_id),
        "contact_label": deal.contact.full_name if deal.contact else "",
        "phone": deal.phone,
        "mobile": deal.mobile,
        "function": deal.function,
        "email": deal.email,
        "expected_signature_date": "",
        "description": deal.description,
        "tags-present": "1",
    }
    data = {"version": str(deal.version), **fields}
    for name, value in fields.items():
        if not name.endswith("_label") and name != "tags-present":
            data[f"orig-{name}"] = value
    data["orig-tags"] = ""
    data.update(changes)
    return data


def test_the_sheet_shows_the_fields_the_tabs_and_the_history(
    world: World, deal: Opportunity, bob_client: Client
):
    """S1, S2, S8: fields in the left column, five tabs, the creation in the history."""
    services.opportunity_update(
        user=world.alice, opportunity_id=deal.pk, version=1, values={"amount": Decimal("1500")}
    )

    response = bob_client.get(f"/opportunities/{deal.pk}/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Bakery ovens"' in html
    assert 'name="orig-amount" value="1500.00"' in html
    for tab in ("Amounts", "Activities", "Documents", "Contacts", "History"):
        assert f">{tab}</a>" in html
    assert 'data-history-field="amount"' in html
    assert 'name="version" value="2"' in html


@pytest.mark.parametrize(
    ("language", "amounts", "day"),
    [
        ("en", ("1,200.00", "12,500.00"), "Mar 31, 2031"),
        ("fr", ("1\u202f200,00", "12\u202f500,00"), "31 mars 2031"),
    ],
)
def test_the_history_shows_amounts_and_dates_as_the_sheet_does(
    world: World, deal: Opportunity, bob_client: Client, language: str, amounts, day: str
):
    """S8: "2500.00 → —" read as a machine keeps it; the tab reads it in the language."""
    services.opportunity_update(
        user=world.alice,
        opportunity_id=deal.pk,
        version=1,
        values={"amount": Decimal("12500"), "expected_signature_date": dt.date(2031, 3, 31)},
    )
    world.bob.language = language
    world.bob.save(update_fields=["language"])

    html = bob_client.get(f"/opportunities/{deal.pk}/?tab=history").content.decode()

    amount_row = html.split('data-history-field="amount"')[1].split("</tr>")[0]
    assert f"<td>{amounts[0]}</td>" in amount_row
    assert f"<td>{amounts[1]}</td>" in amount_row
    date_row = html.split('data-history-field="expected_signature_date"')[1].split("</tr>")[0]
    assert f"<td>{day}</td>" in date_row
    assert "<td>—</td>" in date_row


def test_saving_writes_only_the_fields_changed_and_answers_the_sheet_drawn_again(
    world: World, deal: Opportunity, bob_client: Client
):
    """S2: a field not touched is not written back; the history tells the amount's change."""
    data = drawn(deal, amount="9000", description="Three ovens.")

    response = bob_client.post(f"/opportunities/{deal.pk}/fields/", data, headers=SCRIPT)

    assert response.status_code == 200
    assert response["X-Fragment"] == "sheet"
    assert "Saved." in response.content.decode()
    deal.refresh_from_db()
    assert (deal.amount, deal.description, deal.version) == (Decimal("9000.00"), "Three ovens.", 2)
    entries = HistoryEntry.objects.filter(opportunity_ref=deal.pk, field="amount")
    assert list(entries.values_list("old_value", "new_value", "actor")) == [
        ("1200.00", "9000.00", world.bob.pk)
    ]


def test_nothing_changed_writes_nothing(deal: Opportunity, bob_client: Client):
    response = bob_client.post(f"/opportunities/{deal.pk}/fields/", drawn(deal), headers=SCRIPT)

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.version == 1
    assert not HistoryEntry.objects.filter(opportunity_ref=deal.pk).exists()


def test_a_bad_value_comes_back_next_to_its_field_with_everything_typed(
    deal: Opportunity, bob_client: Client
):
    """S2: the error next to the field; what was typed stays; nothing is written."""
    data = drawn(deal, email="not an email", description="Typed, not lost.")

    response = bob_client.post(f"/opportunities/{deal.pk}/fields/", data, headers=SCRIPT)

    assert response.status_code == 422
    assert response["X-Fragment"] == "fields"
    html = response.content.decode()
    assert 'id="sheet-email-error"' in html
    assert 'value="not an email"' in html
    assert "Typed, not lost." in html
    deal.refresh_from_db()
    assert (deal.email, deal.description, deal.version) == ("", "Two ovens.", 1)


def test_an_account_typed_but_not_chosen_is_an_error_of_its_own(
    deal: Opportunity, bob_client: Client
):
    data = drawn(deal, account="", account_label="Garage")

    response = bob_client.post(f"/opportunities/{deal.pk}/fields/", data, headers=SCRIPT)

    assert response.status_code == 422
    assert "Choose one of the suggestions" in response.content.decode()
    deal.refresh_from_db()
    assert deal.account_id is not None
    assert deal.version == 1


def test_a_stale_save_shows_their_value_and_the_one_typed_and_keeps_what_was_typed(
    world: World, deal: Opportunity, bob_client: Client
):
    """S2, P7: alice saved first; bob is told, sees both values, and nothing of his is written."""
    data = drawn(deal, amount="8000", description="Bob's words.")
    services.opportunity_update(
        user=world.alice,
        opportunity_id=deal.pk,
        version=1,
        values={"amount": Decimal("5000"), "function": "Owner"},
    )

    response = bob_client.post(
        f"/opportunities/{deal.pk}/fields/", data, headers={**SCRIPT, "Accept-Language": "en"}
    )

    assert response.status_code == 409
    assert response["X-Fragment"] == "fields"
    html = response.content.decode()
    assert "was changed by someone else in the meantime" in html
    # Both changed the amount: both values are shown, bob's stays in the field.
    assert "Someone else changed it to “€5,000.00”. You typed “8000”" in html
    assert 'id="sheet-amount" name="amount" type="number" value="8000"' in html
    # Only alice changed the function: it shows her value, as the new original.
    assert 'name="function" type="text" value="Owner"' in html
    assert 'name="orig-function" value="Owner"' in html
    assert "Bob&#x27;s words." in html
    assert 'name="version" value="2"' in html
    deal.refresh_from_db()
    assert (deal.amount, deal.description, deal.version) == (Decimal("5000.00"), "Two ovens.", 2)


def test_a_stale_save_is_told_stale_before_what_it_couldnt_read(
    world: World, deal: Opportunity, bob_client: Client
):
    """S2, P7: as the save would, the sheet first says someone else saved meanwhile."""
    data = drawn(deal, amount="lots")
    services.opportunity_update(
        user=world.alice, opportunity_id=deal.pk, version=1, values={"function": "Owner"}
    )

    response = bob_client.post(
        f"/opportunities/{deal.pk}/fields/", data, headers={**SCRIPT, "Accept-Language": "en"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "was changed by someone else in the meantime" in html
    assert 'value="lots"' in html
    deal.refresh_from_db()
    assert deal.version == 2


def test_deleting_from_the_sheet_goes_back_to_the_board(deal: Opportunity, bob_client: Client):
    """S7, B18: deleted for good; the page's script is sent to the board."""
    response = bob_client.post(
        f"/opportunities/{deal.pk}/delete/", {"version": "1"}, headers=SCRIPT
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/board/?portfolio={deal.portfolio_id}"
    assert not Opportunity.objects.filter(pk=deal.pk).exists()


def test_a_quoted_opportunity_is_kept_and_the_user_is_told_why(
    world: World, deal: Opportunity, bob_client: Client
):
    Quote.objects.create(company=world.company_a, number="Q-7", opportunity=deal)

    response = bob_client.post(
        f"/opportunities/{deal.pk}/delete/", {"version": "1"}, headers=SCRIPT
    )

    assert response.status_code == 409
    assert response["X-Fragment"] == "message"
    assert "Q-7" in response.content.decode()
    assert Opportunity.objects.filter(pk=deal.pk).exists()


def test_an_estimate_change_answers_the_tab_and_the_versions_before_and_after(
    world: World, deal: Opportunity, bob_client: Client
):
    """S3, P7: the left column keeps its version in step with the estimate's changes."""
    switched = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/", {"version": "1", "mode": "detailed"}, headers=SCRIPT
    )
    added = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/", {"version": "2"}, headers=SCRIPT
    )

    assert switched.status_code == 200
    assert (switched["X-Version-Before"], switched["X-Version"]) == ("1", "2")
    assert added.status_code == 200
    assert added["X-Fragment"] == "amounts"
    assert 'data-version="3" data-version-before="2"' in added.content.decode()
    line = EstimateLine.objects.get(opportunity=deal)
    updated = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/{line.pk}/",
        {"version": "3", "sale_type": world.sale_type_amount.pk, "amount": "700"},
        headers=SCRIPT,
    )
    assert updated.status_code == 200
    deal.refresh_from_db()
    assert (deal.estimate_mode, deal.amount, deal.version) == (
        EstimateMode.DETAILED,
        Decimal("700.00"),
        4,
    )


def test_a_stale_or_bad_estimate_change_draws_the_tab_as_it_is_with_the_reason(
    world: World, deal: Opportunity, bob_client: Client
):
    estimate.estimate_use_detailed(user=world.alice, opportunity_id=deal.pk, version=1)
    line = estimate.line_add(
        user=world.alice, opportunity_id=deal.pk, version=2, values={"label": "Setup"}
    )

    stale = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/{line.pk}/",
        {"version": "1", "label": "Changed"},
        headers=SCRIPT,
    )
    bad = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/{line.pk}/",
        {"version": "3", "label": "Changed", "quantity": "-4"},
        headers=SCRIPT,
    )

    assert stale.status_code == 409
    assert "was changed by someone else" in stale.content.decode()
    assert bad.status_code == 422
    assert 'value="-4"' in bad.content.decode()
    assert EstimateLine.objects.get(pk=line.pk).label == "Setup"
    assert Opportunity.objects.get(pk=deal.pk).version == 3


def test_a_line_of_another_opportunity_is_not_found_through_this_one(
    world: World, deal: Opportunity, bob_client: Client
):
    other = make_opportunity(world.portfolio_a, account=world.account_a)
    estimate.estimate_use_detailed(user=world.alice, opportunity_id=other.pk, version=1)
    line = estimate.line_add(user=world.alice, opportunity_id=other.pk, version=2, values={})

    response = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/{line.pk}/delete/",
        {"version": "3"},
        headers=SCRIPT,
    )

    assert response.status_code == 404
    assert EstimateLine.objects.filter(pk=line.pk).exists()


def test_an_action_is_added_and_marked_done_from_the_activities_tab(
    world: World, deal: Opportunity, bob_client: Client
):
    """S4: the form adds a planned action; an error keeps what was typed; Mark as done."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = bob_client.post(
        f"/opportunities/{deal.pk}/activities/",
        {"kind": "call", "subject": "", "due_date": tomorrow.isoformat(), "notes": "Kept"},
        headers=SCRIPT,
    )
    assert refused.status_code == 422
    assert "Give the action a subject." in refused.content.decode()
    assert "Kept" in refused.content.decode()
    assert not Action.objects.exists()

    added = bob_client.post(
        f"/opportunities/{deal.pk}/activities/",
        {
            "kind": "demo",
            "subject": "Show the oven",
            "due_date": tomorrow.isoformat(),
            "due_time": "14:00",
            "assignee": str(world.alice.pk),
        },
        headers=SCRIPT,
    )
    assert added.status_code == 200
    assert "<p hidden data-flash>Show the oven is planned.</p>" in added.content.decode()
    action = Action.objects.get(opportunity=deal)
    assert (action.kind, action.assignee_id, action.done) == (
        ActionKind.DEMO,
        world.alice.pk,
        False,
    )
    assert timezone.localtime(action.due_at).time() == dt.time(14, 0)

    done = bob_client.post(f"/opportunities/{deal.pk}/activities/{action.pk}/done/", headers=SCRIPT)
    assert done.status_code == 200
    assert "Mark as done" not in done.content.decode()
    assert "<p hidden data-flash>Show the oven is done.</p>" in done.content.decode()
    action.refresh_from_db()
    assert action.done is True


def test_contacts_are_linked_and_unlinked_from_the_contacts_tab(
    world: World, deal: Opportunity, bob_client: Client
):
    """S6."""
    linked = bob_client.post(
        f"/opportunities/{deal.pk}/contacts/", {"contact": world.contact_a.pk}, headers=SCRIPT
    )
    assert linked.status_code == 200
    assert "Marie Dupont" in linked.content.decode()
    link = OpportunityContact.objects.get(opportunity=deal)

    again = bob_client.post(
        f"/opportunities/{deal.pk}/contacts/", {"contact": world.contact_a.pk}, headers=SCRIPT
    )
    assert again.status_code == 422
    assert OpportunityContact.objects.filter(opportunity=deal).count() == 1

    removed = bob_client.post(
        f"/opportunities/{deal.pk}/contacts/{link.pk}/remove/", headers=SCRIPT
    )
    assert removed.status_code == 200
    assert not OpportunityContact.objects.filter(opportunity=deal).exists()


def test_a_plain_form_post_without_the_script_is_sent_back_to_the_sheet(
    deal: Opportunity, bob_client: Client
):
    response = bob_client.post(f"/opportunities/{deal.pk}/fields/", drawn(deal, name="Renamed"))

    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{deal.pk}/"
    deal.refresh_from_db()
    assert deal.name == "Renamed"


# -- every door of company A is closed to charlie (P8) --------------------------------------


def test_charlie_gets_404_on_every_page_and_fragment_of_the_sheet(
    world: World, deal: Opportunity, charlie_client: Client
):
    estimate.estimate_use_detailed(user=world.alice, opportunity_id=deal.pk, version=1)
    line = estimate.line_add(user=world.alice, opportunity_id=deal.pk, version=2, values={})
    action = Action.objects.create(
        company=world.company_a,
        kind=ActionKind.CALL,
        subject="Call",
        due_at=timezone.now(),
        assignee=world.alice,
        opportunity=deal,
    )
    link = OpportunityContact.objects.create(opportunity=deal, contact=world.contact_a)
    base = f"/opportunities/{deal.pk}"
    reads = [
        f"{base}/",
        *(f"{base}/?fragment={name}" for name in ("amounts", "activities", "documents")),
        *(f"{base}/?fragment={name}" for name in ("contacts", "history", "fields", "sheet")),
        f"{base}/activities/",
        f"{base}/contacts/",
        f"{base}/history/",
    ]
    writes = [
        (f"{base}/fields/", drawn(deal, version="3", name="Hijacked")),
        (f"{base}/delete/", {"version": "3"}),
        (f"{base}/estimate/", {"version": "3", "mode": "general"}),
        (f"{base}/estimate/currency/", {"version": "3", "currency": "GBP"}),
        (f"{base}/estimate/lines/", {"version": "3"}),
        (f"{base}/estimate/lines/{line.pk}/", {"version": "3", "label": "Hijacked"}),
        (f"{base}/estimate/lines/{line.pk}/duplicate/", {"version": "3"}),
        (f"{base}/estimate/lines/{line.pk}/delete/", {"version": "3"}),
        (f"{base}/activities/", {"kind": "call", "subject": "Hijacked", "due_date": "2031-01-01"}),
        (f"{base}/activities/{action.pk}/done/", {}),
        (f"{base}/contacts/", {"contact": world.contact_b.pk}),
        (f"{base}/contacts/{link.pk}/remove/", {}),
    ]

    for url in reads:
        assert charlie_client.get(url, headers=SCRIPT).status_code == 404, url
    for url, data in writes:
        assert charlie_client.post(url, data, headers=SCRIPT).status_code == 404, url

    deal.refresh_from_db()
    assert (deal.name, deal.version, deal.estimate_mode) == ("Bakery ovens", 3, "detailed")
    assert list(EstimateLine.objects.filter(opportunity=deal)) == [line]
    assert Action.objects.filter(opportunity=deal, done=False).count() == 1
    assert list(OpportunityContact.objects.filter(opportunity=deal)) == [link]


# -- what the sheet reads -------------------------------------------------------------------


def _filled(world: World, count: int) -> Opportunity:
    """An opportunity with `count` lines, actions, documents and linked contacts."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a, amount=Decimal(1))
    deal.tags.add(world.tag_hot)
    version = estimate.estimate_use_detailed(
        user=world.alice, opportunity_id=deal.pk, version=1
    ).version
    for index in range(count):
        estimate.line_add(
            user=world.alice,
            opportunity_id=deal.pk,
            version=version + index,
            values={"sale_type": world.sale_type_amount.pk, "amount": Decimal(index + 1)},
        )
        Action.objects.create(
            company=world.company_a,
            kind=ActionKind.CALL,
            subject=f"Call {index}",
            due_at=timezone.now(),
            assignee=world.bob,
            opportunity=deal,
        )
        documents.document_upload(
            user=world.alice,
            opportunity_id=deal.pk,
            upload=SimpleUploadedFile(f"note-{index}.txt", b"x"),
        )
        OpportunityContact.objects.create(opportunity=deal, contact=make_contact(world.account_a))
    return deal


def test_the_sheet_reads_the_same_number_of_queries_whatever_it_holds(
    world: World, alice_client: Client, django_assert_max_num_queries
):
    """DESIGN: a page's query count does not grow with the data (lines, actions, documents,
    contacts, history)."""
    counts = []
    for count in (1, 25):
        deal = _filled(world, count)
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get(f"/opportunities/{deal.pk}/")
        assert response.status_code == 200
        assert response.content.decode().count("data-line=") == count
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    with django_assert_max_num_queries(20):
        alice_client.get(f"/opportunities/{deal.pk}/")


def test_the_first_four_custom_fields_of_lines_are_columns_of_the_table(
    world: World, deal: Opportunity, bob_client: Client
):
    """S3: the first four custom fields by position; their values are saved with the line."""
    for position, label in enumerate(["Site", "Cost centre", "Phase", "Owner", "Hidden"], 1):
        EstimateLineField.objects.create(label=label, position=position)
    estimate.estimate_use_detailed(user=world.alice, opportunity_id=deal.pk, version=1)
    line = estimate.line_add(user=world.alice, opportunity_id=deal.pk, version=2, values={})

    response = bob_client.post(
        f"/opportunities/{deal.pk}/estimate/lines/{line.pk}/",
        {"version": "3", "custom_1": "Lyon", "custom_4": "Marie"},
        headers=SCRIPT,
    )

    html = response.content.decode()
    for label in ("Site", "Cost centre", "Phase", "Owner"):
        assert f'<th scope="col">{label}</th>' in html
    assert "Hidden" not in html
    assert 'name="custom_1" id="line-' in html
    assert 'value="Lyon"' in html
    line.refresh_from_db()
    assert (line.custom_1, line.custom_4) == ("Lyon", "Marie")
