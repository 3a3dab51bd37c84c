"""The sheet's sub-resources through the API (SPEC S3-S6, P7, P8, A2): the estimate and its
lines, the actions, the documents and the linked contacts of an opportunity."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.customers.models import Contact
from salespipe.documents.models import Document
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    EstimateMode,
    Opportunity,
    OpportunityContact,
    Recurrence,
)
from salespipe.test import World, make_contact, make_opportunity
from tests.pipeline.conftest import reload, state


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def deal(world: World) -> Opportunity:
    return make_opportunity(
        world.portfolio_a,
        account=world.account_a,
        name="Ovens",
        amount=Decimal("1200.00"),
        days=Decimal("3.00"),
    )


@pytest.fixture
def detailed(world: World, deal: Opportunity) -> Opportunity:
    """The deal with a detailed estimate of two lines, at version 4."""
    Opportunity.objects.filter(pk=deal.pk).update(estimate_mode=EstimateMode.DETAILED, version=4)
    EstimateLine.objects.create(
        opportunity=deal,
        position=0,
        sale_type=world.sale_type_days,
        label="Set-up",
        days=Decimal("2.00"),
        amount=Decimal("1000.00"),
    )
    EstimateLine.objects.create(
        opportunity=deal,
        position=1,
        sale_type=world.sale_type_amount,
        label="Support",
        amount=Decimal("200.00"),
        recurrence=Recurrence.YEARLY,
    )
    return reload(deal)


def _lines(opportunity: Opportunity) -> list[tuple[str, Decimal | None, Decimal | None]]:
    return list(
        EstimateLine.objects.filter(opportunity=opportunity)
        .order_by("position", "id")
        .values_list("label", "days", "amount")
    )


# --- estimate (S3) ----------------------------------------------------------------------------


def test_the_estimate_reads_its_mode_totals_lines_and_custom_fields(
    bob_api: Client, world: World, detailed: Opportunity
):
    EstimateLineField.objects.create(label="Cost centre", position=1)
    response = bob_api.get(f"/api/v1/opportunities/{detailed.pk}/estimate")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("opportunity", "version", "mode", "currency")} == {
        "opportunity": detailed.pk,
        "version": 4,
        "mode": "detailed",
        "currency": "EUR",
    }
    assert (body["amount"], body["days"], body["custom_fields"]) == (
        "1200.00",
        "3.00",
        ["Cost centre"],
    )
    assert [(line["label"], line["days"], line["amount"]) for line in body["lines"]] == [
        ("Set-up", "2.00", "1000.00"),
        ("Support", None, "200.00"),
    ]
    assert body["lines"][1]["recurrence"] == "yearly"
    assert body["lines"][1]["sale_type"] == world.sale_type_amount.pk


def test_switching_to_detailed_then_adding_a_line_makes_the_amount_its_total(
    bob_api: Client, world: World, deal: Opportunity
):
    switched = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/estimate/mode",
        {"version": 1, "mode": "detailed"},
    )
    assert switched.status_code == 200, switched.json()
    assert (switched.json()["mode"], switched.json()["version"]) == ("detailed", 2)
    # S3: the general values stay until lines are entered.
    assert switched.json()["amount"] == "1200.00"
    added = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/estimate/lines",
        {
            "version": 2,
            "sale_type": world.sale_type_quantity.pk,
            "label": "Oven software",
            "quantity": "3",
            "unit_price": 1000.5,
            "days": 4,
        },
    )
    assert added.status_code == 201, added.json()
    body = added.json()
    # The mode `quantity` takes no days; quantity times unit price gives the amount.
    assert (body["line"]["amount"], body["line"]["days"]) == ("3001.50", None)
    assert (body["estimate"]["amount"], body["estimate"]["version"]) == ("3001.50", 3)
    saved = reload(deal)
    assert (saved.amount, saved.version, saved.estimate_mode) == (
        Decimal("3001.50"),
        3,
        EstimateMode.DETAILED,
    )
    assert _lines(deal) == [("Oven software", None, Decimal("3001.50"))]


def test_changing_duplicating_and_deleting_lines_keeps_the_totals_in_step(
    bob_api: Client, world: World, detailed: Opportunity
):
    first, second = EstimateLine.objects.filter(opportunity=detailed).order_by("position")
    url = f"/api/v1/opportunities/{detailed.pk}/estimate/lines"
    changed = _patch(bob_api, f"{url}/{first.pk}", {"version": 4, "amount": "1500"})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["amount"], changed.json()["version"]) == ("1700.00", 5)
    copied = _post(bob_api, f"{url}/{first.pk}/duplicate", {"version": 5})
    assert copied.status_code == 201, copied.json()
    assert copied.json()["line"]["position"] == 1
    assert copied.json()["estimate"]["amount"] == "3200.00"
    assert _lines(detailed) == [
        ("Set-up", Decimal("2.00"), Decimal("1500.00")),
        ("Set-up", Decimal("2.00"), Decimal("1500.00")),
        ("Support", None, Decimal("200.00")),
    ]
    deleted = bob_api.delete(f"{url}/{second.pk}?version=6")
    assert deleted.status_code == 200, deleted.json()
    assert (deleted.json()["amount"], deleted.json()["days"]) == ("3000.00", "4.00")
    saved = reload(detailed)
    assert (saved.amount, saved.days, saved.version) == (Decimal("3000.00"), Decimal("4.00"), 7)


def test_switching_back_to_general_discards_the_lines_and_keeps_their_totals(
    bob_api: Client, detailed: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{detailed.pk}/estimate/mode",
        {"version": 4, "mode": "general"},
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["mode"], response.json()["lines"]) == ("general", [])
    assert _lines(detailed) == []
    assert reload(detailed).amount == Decimal("1200.00")


def test_the_currency_of_the_table_changes_without_converting(
    bob_api: Client, detailed: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{detailed.pk}/estimate/currency",
        {"version": 4, "currency": "USD"},
    )
    assert response.status_code == 200, response.json()
    saved = reload(detailed)
    assert (saved.currency_id, saved.amount, saved.version) == ("USD", Decimal("1200.00"), 5)


def test_adding_a_line_to_a_general_estimate_answers_409_and_changes_nothing(
    bob_api: Client, world: World, deal: Opportunity
):
    before = state(deal)
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/estimate/lines",
        {"version": 1, "sale_type": world.sale_type_amount.pk, "amount": 5},
    )
    assert response.status_code == 409
    assert "detailed" in response.json()["detail"]
    assert state(deal) == before
    assert _lines(deal) == []


def test_a_stale_version_on_a_line_answers_409_and_changes_nothing(
    bob_api: Client, detailed: Opportunity
):
    line = EstimateLine.objects.filter(opportunity=detailed).first()
    assert line is not None
    before = (state(detailed), _lines(detailed))
    url = f"/api/v1/opportunities/{detailed.pk}/estimate/lines/{line.pk}"
    response = _patch(bob_api, url, {"version": 3, "amount": 1})
    assert response.status_code == 409
    assert response.json()["version"] == 4
    assert bob_api.delete(f"{url}?version=3").status_code == 409
    assert (state(detailed), _lines(detailed)) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"quantity": "1.234"}, "quantity"),
        ({"sale_type": 987654321}, "sale_type"),
        ({"sale_type": "consulting"}, "sale_type"),
        ({"recurrence": "weekly"}, "recurrence"),
        ({"label": "x" * 201}, "label"),
        ({"colour": "red"}, "colour"),
        ({"version": None}, "version"),
    ],
)
def test_bad_line_values_answer_422_and_change_nothing(
    bob_api: Client, world: World, detailed: Opportunity, body: dict[str, Any], field: str
):
    request = {"version": 4, "sale_type": world.sale_type_amount.pk, **body}
    request = {key: value for key, value in request.items() if value is not None}
    before = (state(detailed), _lines(detailed))
    response = _post(bob_api, f"/api/v1/opportunities/{detailed.pk}/estimate/lines", request)
    assert response.status_code == 422, response.json()
    assert ["body", field] in [error["loc"] for error in response.json()["errors"]]
    assert (state(detailed), _lines(detailed)) == before


def test_a_line_of_another_opportunity_is_not_found_under_this_one(
    bob_api: Client, world: World, detailed: Opportunity
):
    other = make_opportunity(world.portfolio_a, estimate_mode=EstimateMode.DETAILED)
    line = EstimateLine.objects.filter(opportunity=detailed).first()
    assert line is not None
    before = _lines(detailed)
    response = _patch(
        bob_api,
        f"/api/v1/opportunities/{other.pk}/estimate/lines/{line.pk}",
        {"version": 1, "label": "Moved?"},
    )
    assert response.status_code == 404
    assert _lines(detailed) == before


def test_charlie_gets_404_on_the_estimate_of_a_company_a_opportunity(
    charlie_api: Client, world: World, detailed: Opportunity
):
    line = EstimateLine.objects.filter(opportunity=detailed).first()
    assert line is not None
    before = (state(detailed), _lines(detailed))
    base = f"/api/v1/opportunities/{detailed.pk}/estimate"
    answers = [
        charlie_api.get(base),
        _post(charlie_api, f"{base}/mode", {"version": 4, "mode": "general"}),
        _post(charlie_api, f"{base}/currency", {"version": 4, "currency": "GBP"}),
        _post(charlie_api, f"{base}/lines", {"version": 4, "amount": 1}),
        _patch(charlie_api, f"{base}/lines/{line.pk}", {"version": 4, "amount": 1}),
        _post(charlie_api, f"{base}/lines/{line.pk}/duplicate", {"version": 4}),
        charlie_api.delete(f"{base}/lines/{line.pk}?version=4"),
    ]
    for response in answers:
        assert response.status_code == 404, response.request
        assert response.json() == {"detail": "Not found."}
    assert (state(detailed), _lines(detailed)) == before


# --- actions (S4) -----------------------------------------------------------------------------


def test_planning_an_action_answers_201_and_lists_it_latest_due_first(
    bob_api: Client, world: World, deal: Opportunity
):
    earlier = Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.EMAIL,
        subject="Send the brochure",
        due_at=timezone.now() - dt.timedelta(days=1),
        assignee=world.alice,
    )
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/actions",
        {
            "kind": "demo",
            "subject": "Show the oven",
            "due_at": "2030-05-02T10:30:00+02:00",
            "assignee": world.alice.pk,
            "notes": "Bring the tablet.",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    stored = Action.objects.get(pk=body["id"])
    assert (stored.kind, stored.subject, stored.assignee, stored.created_by) == (
        ActionKind.DEMO,
        "Show the oven",
        world.alice,
        world.bob,
    )
    assert stored.due_at == dt.datetime(2030, 5, 2, 8, 30, tzinfo=dt.UTC)
    assert (stored.company, stored.account) == (world.company_a, world.account_a)
    assert (body["done"], body["overdue"]) == (False, False)
    listed = bob_api.get(f"/api/v1/opportunities/{deal.pk}/actions").json()
    assert [row["id"] for row in listed] == [stored.pk, earlier.pk]
    assert listed[1]["overdue"] is True


def test_an_action_without_an_assignee_goes_to_the_user(
    bob_api: Client, world: World, deal: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/actions",
        {"kind": "call", "subject": "Call back", "due_at": "2030-05-02T09:00:00"},
    )
    assert response.status_code == 201, response.json()
    assert Action.objects.get(pk=response.json()["id"]).assignee == world.bob


def test_marking_an_action_done_and_planned_again(bob_api: Client, world: World, deal: Opportunity):
    action = Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.CALL,
        subject="Call",
        due_at=timezone.now(),
        assignee=world.bob,
    )
    url = f"/api/v1/opportunities/{deal.pk}/actions/{action.pk}/done"
    done = _post(bob_api, url, {})
    assert done.status_code == 200, done.json()
    assert done.json()["done"] is True
    action.refresh_from_db()
    assert action.done
    assert action.done_at is not None
    again = _post(bob_api, url, {"done": False})
    assert again.json()["done"] is False
    action.refresh_from_db()
    assert (action.done, action.done_at) == (False, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "lunch"}, "kind"),
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"due_at": "2030-02-30T10:00:00"}, "due_at"),
        ({"due_at": None}, "due_at"),
        ({"assignee": "charlie"}, "assignee"),
        ({"assignee": 987654321}, "assignee"),
        ({"priority": 1}, "priority"),
    ],
)
def test_bad_action_values_answer_422_and_create_nothing(
    bob_api: Client, world: World, deal: Opportunity, body: dict[str, Any], field: str
):
    request = {"kind": "call", "subject": "Call", "due_at": "2030-05-02T09:00:00", **body}
    if request.get("assignee") == "charlie":
        request["assignee"] = world.charlie.pk
    request = {key: value for key, value in request.items() if value is not None}
    response = _post(bob_api, f"/api/v1/opportunities/{deal.pk}/actions", request)
    assert response.status_code == 422, response.json()
    assert ["body", field] in [error["loc"] for error in response.json()["errors"]]
    assert not Action.objects.exists()


def test_charlie_gets_404_on_the_actions_of_a_company_a_opportunity(
    charlie_api: Client, world: World, deal: Opportunity
):
    action = Action.objects.create(
        company=world.company_a,
        opportunity=deal,
        kind=ActionKind.CALL,
        subject="Call",
        due_at=timezone.now(),
        assignee=world.bob,
    )
    base = f"/api/v1/opportunities/{deal.pk}/actions"
    answers = [
        charlie_api.get(base),
        _post(charlie_api, base, {"kind": "call", "subject": "X", "due_at": "2030-01-01T09:00"}),
        _post(charlie_api, f"{base}/{action.pk}/done", {}),
    ]
    for response in answers:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    action.refresh_from_db()
    assert not action.done
    assert Action.objects.count() == 1


# --- documents (S5) --------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    # Uploaded files go to a folder of the test's own.
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _upload(client: Client, opportunity: Opportunity, name: str, content: bytes) -> Any:
    return client.post(
        f"/api/v1/opportunities/{opportunity.pk}/documents",
        {"file": SimpleUploadedFile(name, content, content_type="text/plain")},
    )


def test_uploading_listing_downloading_and_removing_a_document(
    bob_api: Client,
    world: World,
    deal: Opportunity,
    media: Path,
    django_capture_on_commit_callbacks,
):
    response = _upload(bob_api, deal, "../secret/quote request.txt", b"two ovens")
    assert response.status_code == 201, response.json()
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    # S5: it belongs to the opportunity's company; the name shown is the file's own.
    assert (document.company, document.opportunity, document.uploaded_by) == (
        world.company_a,
        deal,
        world.bob,
    )
    assert (body["name"], body["size"], body["content_type"]) == (
        "quote request.txt",
        9,
        "text/plain",
    )
    assert len(_stored_files(media)) == 1
    listed = bob_api.get(f"/api/v1/opportunities/{deal.pk}/documents").json()
    assert [row["id"] for row in listed] == [document.pk]
    download = bob_api.get(f"/api/v1/opportunities/{deal.pk}/documents/{document.pk}/download")
    assert download.status_code == 200
    assert download.getvalue() == b"two ovens"
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    with django_capture_on_commit_callbacks(execute=True):
        removed = bob_api.delete(f"/api/v1/opportunities/{deal.pk}/documents/{document.pk}")
    assert removed.status_code == 200
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_a_file_over_the_limit_answers_422_and_nothing_is_stored(
    bob_api: Client, deal: Opportunity, media: Path, settings
):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = _upload(bob_api, deal, "big.bin", b"x" * 5000)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]
    assert "larger than" in response.json()["detail"]
    assert not Document.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize("content", [None, b""], ids=["no_file", "empty_file"])
def test_an_upload_without_a_file_or_with_an_empty_one_answers_422(
    bob_api: Client, deal: Opportunity, media: Path, content: bytes | None
):
    if content is None:
        response = bob_api.post(f"/api/v1/opportunities/{deal.pk}/documents", {})
    else:
        response = _upload(bob_api, deal, "empty.txt", content)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "file"]
    assert not Document.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize("boundary", ["", "; boundary=", "; boundary=\x7f"])
def test_a_malformed_multipart_body_answers_400_and_stores_nothing(
    bob_api: Client, deal: Opportunity, media: Path, boundary: str
):
    response = bob_api.post(
        f"/api/v1/opportunities/{deal.pk}/documents",
        b"--x\r\nnot a part",
        content_type=f"multipart/form-data{boundary}",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The multipart body could not be read."}
    assert not Document.objects.exists()
    assert _stored_files(media) == []


def test_a_document_of_another_opportunity_is_not_found_under_this_one(
    bob_api: Client, world: World, deal: Opportunity, media: Path
):
    other = make_opportunity(world.portfolio_a)
    document_id = _upload(bob_api, deal, "a.txt", b"a").json()["id"]
    url = f"/api/v1/opportunities/{other.pk}/documents/{document_id}"
    assert bob_api.get(f"{url}/download").status_code == 404
    assert bob_api.delete(url).status_code == 404
    assert Document.objects.filter(pk=document_id).exists()


def test_charlie_gets_404_on_the_documents_of_a_company_a_opportunity(
    bob_api: Client, charlie_api: Client, deal: Opportunity, media: Path
):
    document_id = _upload(bob_api, deal, "a.txt", b"secret").json()["id"]
    base = f"/api/v1/opportunities/{deal.pk}/documents"
    answers = [
        charlie_api.get(base),
        _upload(charlie_api, deal, "b.txt", b"b"),
        charlie_api.get(f"{base}/{document_id}/download"),
        charlie_api.delete(f"{base}/{document_id}"),
    ]
    for response in answers:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert list(Document.objects.values_list("pk", flat=True)) == [document_id]
    assert len(_stored_files(media)) == 1


# --- linked contacts (S6) ---------------------------------------------------------------------


def test_linking_listing_and_unlinking_a_contact(bob_api: Client, world: World, deal: Opportunity):
    url = f"/api/v1/opportunities/{deal.pk}/linked-contacts"
    linked = _post(bob_api, url, {"contact": world.contact_a.pk})
    assert linked.status_code == 201, linked.json()
    link = OpportunityContact.objects.get(opportunity=deal)
    assert link.contact == world.contact_a
    assert linked.json()["id"] == link.pk
    listed = bob_api.get(url).json()
    assert [(row["id"], row["contact"], row["full_name"]) for row in listed] == [
        (link.pk, world.contact_a.pk, world.contact_a.full_name)
    ]
    assert listed[0]["account"] == world.account_a.pk
    twice = _post(bob_api, url, {"contact": world.contact_a.pk})
    assert twice.status_code == 422
    assert OpportunityContact.objects.filter(opportunity=deal).count() == 1
    removed = bob_api.delete(f"{url}/{link.pk}")
    assert removed.status_code == 200
    assert not OpportunityContact.objects.filter(opportunity=deal).exists()
    # The contact itself stays.
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()


def test_closed_contacts_are_linked_and_listed_only_with_show_closed(
    alice_api: Client, bob_api: Client, world: World, deal: Opportunity
):
    # SPEC A2, S6: bob lacks show_closed, alice has it.
    closed = make_contact(world.account_a, "Gone", is_closed=True)
    url = f"/api/v1/opportunities/{deal.pk}/linked-contacts"
    refused = _post(bob_api, url, {"contact": closed.pk})
    assert refused.status_code == 422
    assert not OpportunityContact.objects.exists()
    assert _post(alice_api, url, {"contact": closed.pk}).status_code == 201
    assert bob_api.get(url).json() == []
    assert [row["is_closed"] for row in alice_api.get(url).json()] == [True]


def test_a_contact_of_another_company_cant_be_linked(
    bob_api: Client, world: World, deal: Opportunity
):
    response = _post(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}/linked-contacts",
        {"contact": world.contact_b.pk},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "contact"]
    assert not OpportunityContact.objects.exists()


def test_charlie_gets_404_on_the_linked_contacts_of_a_company_a_opportunity(
    charlie_api: Client, world: World, deal: Opportunity
):
    link = OpportunityContact.objects.create(opportunity=deal, contact=world.contact_a)
    url = f"/api/v1/opportunities/{deal.pk}/linked-contacts"
    answers = [
        charlie_api.get(url),
        _post(charlie_api, url, {"contact": world.contact_b.pk}),
        charlie_api.delete(f"{url}/{link.pk}"),
    ]
    for response in answers:
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert list(OpportunityContact.objects.values_list("pk", flat=True)) == [link.pk]
