"""Opportunities through the API (SPEC P3, P4, P7, P8, O2-O4, S2, S8, B8-B12, B18): the list,
the detail, creation, changes, deletion and history."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salespipe.customers.models import Account, Contact
from salespipe.pipeline.models import (
    HistoryEntry,
    HistoryKind,
    Opportunity,
    OpportunityStatus,
    Order,
    Quote,
)
from salespipe.test import World, make_account, make_contact, make_opportunity
from tests.pipeline.conftest import bulk_opportunities, history_rows, reload, state

P4_FIELDS = {
    "id",
    "name",
    "account",
    "company",
    "portfolio",
    "stage",
    "status",
    "amount",
    "currency",
    "days",
    "weighted_amount",
    "weighted_days",
    "salesperson",
    "contact",
    "phone",
    "mobile",
    "function",
    "email",
    "expected_signature_date",
    "tags",
    "description",
    "signed_on",
    "lost_on",
    "loss_reason",
    "version",
    "created_at",
    "updated_at",
    # X1: whether it went stale, and when.
    "stale",
    "stale_since",
}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["items"]]


def _post(client: Client, url: str, body: dict) -> Any:
    return client.post(url, body, content_type="application/json")


def _patch(client: Client, url: str, body: dict) -> Any:
    return client.patch(url, body, content_type="application/json")


@pytest.fixture
def deal(world: World) -> Opportunity:
    """An open opportunity of company A in Discovery (amount mandatory), tagged and dated."""
    opportunity = make_opportunity(
        world.portfolio_a,
        stage=world.discovery,
        account=world.account_a,
        name="Bakery ovens",
        amount=Decimal("1500.00"),
        days=Decimal("4.50"),
        expected_signature_date=dt.date(2030, 3, 15),
        phone="01 23 45 67 89",
        email="marie@dupont.example",
    )
    opportunity.tags.set([world.tag_hot])
    return opportunity


# --- reading (P4) -----------------------------------------------------------------------------


def test_an_opportunity_reads_with_exactly_the_p4_fields(
    alice_api: Client, world: World, deal: Opportunity
):
    response = alice_api.get(f"/api/v1/opportunities/{deal.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == P4_FIELDS
    assert body == {
        "id": deal.pk,
        "name": "Bakery ovens",
        "account": world.account_a.pk,
        "company": world.company_a.pk,
        "portfolio": world.portfolio_a.pk,
        "stage": world.discovery.pk,
        "status": "open",
        # Amounts and days are decimal strings; weighted by Discovery's 30 %.
        "amount": "1500.00",
        "currency": "EUR",
        "days": "4.50",
        "weighted_amount": "450.00",
        "weighted_days": "1.35",
        "salesperson": world.alice.pk,
        "contact": None,
        "phone": "01 23 45 67 89",
        "mobile": "",
        "function": "",
        "email": "marie@dupont.example",
        "expected_signature_date": "2030-03-15",
        "tags": [world.tag_hot.pk],
        "description": "",
        "signed_on": None,
        "lost_on": None,
        "loss_reason": None,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "stale": False,
        "stale_since": None,
    }
    # ISO 8601, to the millisecond.
    created = dt.datetime.fromisoformat(body["created_at"])
    assert abs(created - reload(deal).created_at) < dt.timedelta(milliseconds=1)


def test_charlie_gets_404_on_an_opportunity_of_company_a_as_for_an_unknown_id(
    charlie_api: Client, world: World, deal: Opportunity
):
    # SPEC P8
    for url in ["/api/v1/opportunities/{}", "/api/v1/opportunities/{}/history"]:
        other = charlie_api.get(url.format(deal.pk))
        unknown = charlie_api.get(url.format(987654321))
        assert other.status_code == unknown.status_code == 404
        assert other.json() == unknown.json() == {"detail": "Not found."}


def test_charlie_never_sees_company_a_opportunities_in_the_list(
    charlie_api: Client, world: World, deal: Opportunity
):
    theirs = make_opportunity(world.portfolio_b, account=world.account_b)
    assert _ids(charlie_api.get("/api/v1/opportunities")) == [theirs.pk]
    for query in [
        f"portfolio={world.portfolio_a.pk}",
        f"company={world.company_a.pk}",
        f"account={world.account_a.pk}",
        "q=boul",
        f"tags={world.tag_hot.pk}",
    ]:
        assert _ids(charlie_api.get(f"/api/v1/opportunities?{query}")) == [], query


def test_the_list_takes_the_board_filters(bob_api: Client, world: World, deal: Opportunity):
    # SPEC B8, B10, B11: salesperson, team, department, tags, signature range, search.
    other_account = make_account(world.company_a, "Zinc Atelier")
    bobs = make_opportunity(
        world.portfolio_a2,
        account=other_account,
        salesperson=world.bob,
        expected_signature_date=dt.date(2031, 1, 10),
    )
    lost = make_opportunity(
        world.portfolio_a,
        account=other_account,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 1, 1),
    )
    licence = make_opportunity(world.licences_a, account=other_account)
    every = sorted([deal.pk, bobs.pk, lost.pk, licence.pk])
    cases = {
        "": every,
        f"portfolio={world.portfolio_a.pk}": [deal.pk, lost.pk],
        f"group={world.projects.pk}": [deal.pk, bobs.pk, lost.pk],
        "status=open": [deal.pk, bobs.pk, licence.pk],
        "status=lost&status=abandoned": [lost.pk],
        f"stage={world.discovery.pk}": [deal.pk],
        f"salesperson={world.bob.pk}": [bobs.pk],
        f"team={world.presales_team.pk}": [bobs.pk],
        f"department={world.paris.pk}": [deal.pk, lost.pk, licence.pk],
        f"tags={world.tag_hot.pk}": [deal.pk],
        "signature_from=2030-03-15&signature_to=2030-12-31": [deal.pk],
        "signature_from=2031-01-01": [bobs.pk],
        "q=zinc": [bobs.pk, lost.pk, licence.pk],
        "q=732 8": [deal.pk],
        "reach=0123": [deal.pk],
        f"account={other_account.pk}&status=open": [bobs.pk, licence.pk],
        "amount_min=1000": [deal.pk],
    }
    for query, expected in cases.items():
        assert _ids(bob_api.get(f"/api/v1/opportunities?{query}")) == expected, query


@pytest.mark.parametrize(
    "sort", ["id", "-id", "signature", "-signature", "amount", "-amount", "name", "-name"]
)
def test_walking_the_pages_gives_every_opportunity_once_in_the_order_asked(
    bob_api: Client, world: World, sort: str
):
    bulk_opportunities(world, 37)
    ids: list[int] = []
    cursor = None
    pages = 0
    while True:
        url = f"/api/v1/opportunities?limit=10&sort={sort}"
        response = bob_api.get(f"{url}&cursor={cursor}" if cursor else url)
        ids += _ids(response)
        pages += 1
        cursor = response.json()["next"]
        if cursor is None:
            break
    assert pages == 4
    assert len(ids) == len(set(ids)) == 37
    whole = [
        row["id"]
        for row in bob_api.get(f"/api/v1/opportunities?limit=500&sort={sort}").json()["items"]
    ]
    assert ids == whole
    rows = {o.pk: o for o in Opportunity.objects.all()}
    field = {
        "id": "pk",
        "signature": "expected_signature_date",
        "amount": "amount",
        "name": "name",
    }[sort.lstrip("-")]
    values = [getattr(rows[pk], field) for pk in ids]
    present = [value for value in values if value is not None]
    # Empty values come last, whichever the direction.
    assert values == present + [None] * (len(values) - len(present))
    expected = sorted(present, reverse=sort.startswith("-"))
    if field == "name":
        expected = sorted(present, key=str.lower, reverse=sort.startswith("-"))
    assert present == expected


def test_the_list_sorted_by_name_ignores_case_and_accents(bob_api: Client, world: World):
    """B9, P3: "Téléphonie" before "Tierce" on every database, pages included."""
    for name in ["Tierce", "Téléphonie", "alpha", "Éclairage"]:
        make_opportunity(world.portfolio_a, name=name)
    first = bob_api.get("/api/v1/opportunities?limit=2&sort=name").json()
    rest = bob_api.get(f"/api/v1/opportunities?limit=2&sort=name&cursor={first['next']}").json()
    assert [row["name"] for row in first["items"] + rest["items"]] == [
        "alpha",
        "Éclairage",
        "Téléphonie",
        "Tierce",
    ]


def test_a_deep_page_of_opportunities_costs_the_same_queries_as_the_first(
    bob_api: Client, world: World
):
    bulk_opportunities(world, 120)
    with CaptureQueriesContext(connection) as first_page:
        first = bob_api.get("/api/v1/opportunities?limit=10&sort=-signature").json()
    cursor = first["next"]
    for _ in range(8):
        cursor = bob_api.get(
            f"/api/v1/opportunities?limit=10&sort=-signature&cursor={cursor}"
        ).json()["next"]
    with CaptureQueriesContext(connection) as deep_page:
        deep = bob_api.get(f"/api/v1/opportunities?limit=10&sort=-signature&cursor={cursor}").json()
    assert len(deep["items"]) == 10
    assert len(deep_page) == len(first_page)
    assert all("OFFSET" not in query["sql"].upper() for query in deep_page.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "sort=probability",
        "status=closed",
        "portfolio=abc",
        "stage=0",
        "signature_from=2026-02-30",
        "amount_min=-5",
        "tags=x",
        "limit=0",
        "planned=perhaps",
    ],
)
def test_bad_list_parameters_answer_422_naming_the_parameter(
    bob_api: Client, world: World, query: str
):
    response = bob_api.get(f"/api/v1/opportunities?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["query", query.split("=")[0]]


# --- creating (O2-O4) -------------------------------------------------------------------------


def test_creating_an_opportunity_answers_201_and_stores_it_with_its_defaults(
    bob_api: Client, world: World
):
    response = _post(
        bob_api,
        "/api/v1/opportunities",
        {
            "portfolio": world.portfolio_a.pk,
            "name": "  New ovens ",
            "account": world.account_a.pk,
            "amount": "12500.50",
            "days": 3,
            "contact": world.contact_a.pk,
            "expected_signature_date": "2030-06-30",
            "tags": [world.tag_hot.pk],
            "description": "Two ovens.",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    stored = Opportunity.objects.get(pk=body["id"])
    # O3: no stage given, no default stage: the first one. O2: salesperson and currency default.
    assert (stored.name, stored.stage, stored.status, stored.salesperson, stored.currency_id) == (
        "New ovens",
        world.qualification,
        OpportunityStatus.OPEN,
        world.bob,
        "EUR",
    )
    assert (stored.amount, stored.days, stored.company) == (
        Decimal("12500.50"),
        Decimal("3.00"),
        world.company_a,
    )
    # O2: choosing a contact fills the phone the request didn't give.
    assert stored.phone == world.contact_a.phone == body["phone"]
    assert list(stored.tags.all()) == [world.tag_hot]
    assert body["amount"] == "12500.50"
    assert body["version"] == 1
    assert history_rows(stored.pk) == [("created", "stage", "", "Qualification")]


def test_creating_in_a_stage_with_empty_mandatory_fields_answers_422_per_stage(
    alice_api: Client, world: World
):
    # SPEC O4, P5: Discovery wants the amount, Proposal the signature date and a contact.
    response = _post(
        alice_api,
        "/api/v1/opportunities",
        {
            "portfolio": world.portfolio_a.pk,
            "stage": world.proposal.pk,
            "name": "Too fast",
            "account": world.account_a.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["missing"] == [
        {"stage": world.discovery.pk, "fields": ["amount"]},
        {"stage": world.proposal.pk, "fields": ["expected_signature_date", "contact"]},
    ]
    assert "Discovery" in response.json()["detail"]
    assert not Opportunity.objects.filter(name="Too fast").exists()


def test_creating_with_fallback_lands_in_the_first_stage_when_fields_are_missing(
    alice_api: Client, world: World
):
    # SPEC O4: if the user does not give them, the opportunity is created in the first stage.
    response = _post(
        alice_api,
        "/api/v1/opportunities",
        {
            "portfolio": world.portfolio_a.pk,
            "stage": world.proposal.pk,
            "fallback_to_first_stage": True,
            "name": "Patient",
            "account": world.account_a.pk,
        },
    )
    assert response.status_code == 201, response.json()
    assert Opportunity.objects.get(name="Patient").stage == world.qualification
    assert response.json()["stage"] == world.qualification.pk


def test_choosing_another_stage_than_the_default_needs_the_right(
    alice_api: Client, bob_api: Client, world: World
):
    # SPEC O3: alice holds change_default_stage, bob doesn't.
    body = {
        "portfolio": world.portfolio_a.pk,
        "stage": world.negotiation.pk,
        "name": "Skip ahead",
        "account": world.account_a.pk,
        "amount": "10",
        "expected_signature_date": "2030-01-31",
        "contact": world.contact_a.pk,
    }
    refused = _post(bob_api, "/api/v1/opportunities", body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "stage"]
    assert not Opportunity.objects.filter(name="Skip ahead").exists()
    done = _post(alice_api, "/api/v1/opportunities", body)
    assert done.status_code == 201
    assert Opportunity.objects.get(name="Skip ahead").stage == world.negotiation


def test_creating_in_a_portfolio_of_another_company_answers_404(charlie_api: Client, world: World):
    # SPEC B7, P8: charlie sees portfolio A on the board's selector, but can't create in it.
    response = _post(
        charlie_api,
        "/api/v1/opportunities",
        {"portfolio": world.portfolio_a.pk, "name": "Intruder", "account": world.account_b.pk},
    )
    assert response.status_code == 404
    assert not Opportunity.objects.filter(name="Intruder").exists()


BAD_CREATIONS: dict[str, tuple[dict[str, Any] | str, str]] = {
    "name_not_text": ({"name": 12}, "name"),
    "name_missing": ({"name": None}, "name"),
    "account_not_an_id": ({"account": "Dupont"}, "account"),
    "unknown_account": ({"account": 987654321}, "account"),
    "account_of_company_b": ("account_b", "account"),
    "negative_amount": ({"amount": "-1"}, "amount"),
    "absurd_amount": ({"amount": "1e15"}, "amount"),
    "three_decimals": ({"amount": "10.005"}, "amount"),
    "not_a_number": ({"amount": "lots"}, "amount"),
    "negative_days": ({"days": -2}, "days"),
    "impossible_date": ({"expected_signature_date": "2026-02-30"}, "expected_signature_date"),
    "unknown_currency": ({"currency": "XYZ"}, "currency"),
    "lower_case_currency": ({"currency": "eur"}, "currency"),
    "tag_of_other_kind": ("tag_other_kind", "tags"),
    "unknown_tag": ({"tags": [987654321]}, "tags"),
    "contact_of_company_b": ("contact_b", "contact"),
    "salesperson_of_company_b": ("charlie", "salesperson"),
    "stage_of_another_template": ("licence_lead", "stage"),
    "won_stage": ("signed", "stage"),
    "bad_email": ({"email": "not an email"}, "email"),
    "bad_phone": ({"phone": "12"}, "phone"),
    "unknown_field": ({"probability": 50}, "probability"),
    "nul_in_text": ({"description": "a\x00b"}, "description"),
}


@pytest.mark.parametrize("case", list(BAD_CREATIONS), ids=list(BAD_CREATIONS))
def test_bad_input_on_creation_answers_422_and_creates_nothing(
    alice_api: Client, world: World, case: str
):
    change, field = BAD_CREATIONS[case]
    references: dict[str, dict[str, Any]] = {
        "account_b": {"account": world.account_b.pk},
        "tag_other_kind": {"tags": [world.tag_other_kind.pk]},
        "contact_b": {"contact": world.contact_b.pk},
        "charlie": {"salesperson": world.charlie.pk},
        "licence_lead": {"stage": world.licence_lead.pk},
        "signed": {"stage": world.signed.pk},
    }
    values = references[change] if isinstance(change, str) else change
    body: dict[str, Any] = {
        "portfolio": world.portfolio_a.pk,
        "name": "Bad one",
        "account": world.account_a.pk,
    }
    body.update(values)
    body = {key: value for key, value in body.items() if value is not None}
    before = Opportunity.objects.count()
    response = _post(alice_api, "/api/v1/opportunities", body)
    assert response.status_code == 422, response.json()
    assert field in {error["loc"][-1] for error in response.json()["errors"]}
    assert Opportunity.objects.count() == before


# --- changing (S2, P7) ------------------------------------------------------------------------


def test_a_patch_changes_only_the_fields_sent_and_increments_the_version(
    bob_api: Client, world: World, deal: Opportunity
):
    response = _patch(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}",
        {"version": 1, "amount": 2000, "name": "Bakery ovens, phase 2", "days": None},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["amount"], body["days"], body["version"]) == ("2000.00", None, 2)
    saved = reload(deal)
    assert (saved.name, saved.amount, saved.days, saved.version) == (
        "Bakery ovens, phase 2",
        Decimal("2000.00"),
        None,
        2,
    )
    assert saved.expected_signature_date == dt.date(2030, 3, 15)
    assert history_rows(deal.pk) == [("changed", "amount", "1500.00", "2000.00")]


def test_a_patch_with_a_stale_version_answers_409_with_the_current_one_and_changes_nothing(
    bob_api: Client, world: World, deal: Opportunity
):
    # SPEC P7
    Opportunity.objects.filter(pk=deal.pk).update(version=3)
    before = state(deal)
    response = _patch(bob_api, f"/api/v1/opportunities/{deal.pk}", {"version": 2, "amount": 1})
    assert response.status_code == 409
    assert response.json()["version"] == 3
    assert "changed by someone else" in response.json()["detail"]
    assert state(deal) == before


def test_a_patch_without_a_version_answers_422(bob_api: Client, deal: Opportunity):
    before = state(deal)
    response = _patch(bob_api, f"/api/v1/opportunities/{deal.pk}", {"amount": 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "version"]
    assert state(deal) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": None}, "amount"),  # Discovery made it mandatory: it can't be emptied.
        ({"amount": "-3"}, "amount"),
        ({"name": None}, "name"),
        ({"expected_signature_date": "2030-13-01"}, "expected_signature_date"),
        ({"portfolio": "licences_a"}, "portfolio"),  # another template
        ({"contact": "contact_b"}, "contact"),
    ],
)
def test_bad_input_on_a_patch_answers_422_and_changes_nothing(
    bob_api: Client, world: World, deal: Opportunity, change: dict, field: str
):
    value = next(iter(change.values()))
    if value in {"licences_a", "contact_b"}:
        change = {field: getattr(world, value).pk}
    before = state(deal)
    response = _patch(bob_api, f"/api/v1/opportunities/{deal.pk}", {"version": 1, **change})
    assert response.status_code == 422, response.json()
    assert response.json()["errors"][0]["loc"] == ["body", field]
    assert state(deal) == before


def test_a_patch_moves_an_opportunity_to_a_portfolio_of_the_same_stages(
    bob_api: Client, world: World, deal: Opportunity
):
    response = _patch(
        bob_api,
        f"/api/v1/opportunities/{deal.pk}",
        {"version": 1, "portfolio": world.portfolio_a2.pk},
    )
    assert response.status_code == 200, response.json()
    assert reload(deal).portfolio == world.portfolio_a2


def test_charlie_gets_404_when_patching_or_deleting_an_opportunity_of_company_a(
    charlie_api: Client, deal: Opportunity
):
    before = state(deal)
    patched = _patch(charlie_api, f"/api/v1/opportunities/{deal.pk}", {"version": 1, "name": "X"})
    deleted = charlie_api.delete(f"/api/v1/opportunities/{deal.pk}")
    assert patched.status_code == deleted.status_code == 404
    assert patched.json() == deleted.json() == {"detail": "Not found."}
    assert state(deal) == before


# --- deleting (B18) ---------------------------------------------------------------------------


def test_deleting_an_opportunity_removes_it_and_keeps_its_account_and_contacts(
    bob_api: Client, world: World, deal: Opportunity
):
    contact = make_contact(world.account_a, "Kept")
    response = bob_api.delete(f"/api/v1/opportunities/{deal.pk}?version=1")
    assert response.status_code == 200
    assert response.json()["id"] == deal.pk
    assert not Opportunity.objects.filter(pk=deal.pk).exists()
    assert Account.objects.filter(pk=world.account_a.pk).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()
    # The trace survives: the history still answers, with a last deleted entry.
    history = bob_api.get(f"/api/v1/opportunities/{deal.pk}/history").json()
    assert history[0]["kind"] == "deleted"
    last = HistoryEntry.objects.get(opportunity_ref=deal.pk, kind=HistoryKind.DELETED)
    assert last.snapshot is not None
    assert last.snapshot["name"] == "Bakery ovens"


def test_deleting_without_a_version_is_allowed(bob_api: Client, deal: Opportunity):
    assert bob_api.delete(f"/api/v1/opportunities/{deal.pk}").status_code == 200
    assert not Opportunity.objects.filter(pk=deal.pk).exists()


def test_deleting_an_opportunity_a_quote_refers_to_answers_409_and_keeps_it(
    bob_api: Client, world: World, deal: Opportunity
):
    Quote.objects.create(company=world.company_a, number="Q-1", opportunity=deal)
    Order.objects.create(company=world.company_a, number="O-7", opportunity=deal)
    before = state(deal)
    response = bob_api.delete(f"/api/v1/opportunities/{deal.pk}")
    assert response.status_code == 409
    assert "Q-1" in response.json()["detail"]
    assert "O-7" in response.json()["detail"]
    assert state(deal) == before


def test_deleting_with_a_stale_version_answers_409_and_keeps_it(bob_api: Client, deal: Opportunity):
    Opportunity.objects.filter(pk=deal.pk).update(version=2)
    response = bob_api.delete(f"/api/v1/opportunities/{deal.pk}?version=1")
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert Opportunity.objects.filter(pk=deal.pk).exists()


# --- history (S8) -----------------------------------------------------------------------------


def test_the_history_tells_who_changed_what_newest_first(
    bob_api: Client, world: World, deal: Opportunity
):
    assert (
        _patch(
            bob_api, f"/api/v1/opportunities/{deal.pk}", {"version": 1, "amount": 10}
        ).status_code
        == 200
    )
    assert (
        _patch(
            bob_api,
            f"/api/v1/opportunities/{deal.pk}",
            {"version": 2, "expected_signature_date": "2030-04-30"},
        ).status_code
        == 200
    )
    history = bob_api.get(f"/api/v1/opportunities/{deal.pk}/history").json()
    assert [
        (row["field"], row["old_value"], row["new_value"], row["actor"]) for row in history
    ] == [
        ("expected_signature_date", "2030-03-15", "2030-04-30", world.bob.pk),
        ("amount", "1500.00", "10.00", world.bob.pk),
    ]
    assert history[0]["actor_name"] == "Bob"


def test_an_opportunity_with_nothing_recorded_has_an_empty_history(
    bob_api: Client, charlie_api: Client, deal: Opportunity
):
    # Written straight to the database, as bulk loads do: no history entry.
    assert bob_api.get(f"/api/v1/opportunities/{deal.pk}/history").json() == []
    assert charlie_api.get(f"/api/v1/opportunities/{deal.pk}/history").status_code == 404


def test_an_opportunity_left_alone_past_its_stages_delay_reads_as_stale(
    alice_api: Client, world: World, deal: Opportunity
):
    """X1: in the list and alone, `stale` and `stale_since`; `?stale=true` keeps those."""
    world.discovery.stale_after_days = 7
    world.discovery.save()
    fresh = make_opportunity(world.portfolio_a, stage=world.discovery, name="Fresh")
    changed = timezone.now() - dt.timedelta(days=9)
    Opportunity.objects.filter(pk=deal.pk).update(updated_at=changed)

    alone = alice_api.get(f"/api/v1/opportunities/{deal.pk}").json()
    listed = {
        row["id"]: row
        for row in alice_api.get(f"/api/v1/opportunities?portfolio={world.portfolio_a.pk}").json()[
            "items"
        ]
    }
    only = alice_api.get(f"/api/v1/opportunities?portfolio={world.portfolio_a.pk}&stale=true")

    since = changed + dt.timedelta(days=7)
    assert alone["stale"] is True
    assert abs(dt.datetime.fromisoformat(alone["stale_since"]) - since) < dt.timedelta(
        milliseconds=1
    )
    assert (listed[deal.pk]["stale"], listed[deal.pk]["stale_since"]) == (
        True,
        alone["stale_since"],
    )
    assert (listed[fresh.pk]["stale"], listed[fresh.pk]["stale_since"]) == (False, None)
    assert [row["id"] for row in only.json()["items"]] == [deal.pk]


def test_a_lost_deal_left_in_its_stage_is_not_stale_to_the_filter_either(
    alice_api: Client, world: World, deal: Opportunity
):
    """X1: only an open deal goes stale; losing one leaves it in its open stage."""
    world.discovery.stale_after_days = 7
    world.discovery.save()
    Opportunity.objects.filter(pk=deal.pk).update(
        status=OpportunityStatus.LOST,
        lost_on=dt.date(2030, 1, 1),
        loss_reason=world.reason_lost,
        updated_at=timezone.now() - dt.timedelta(days=30),
    )

    only = alice_api.get(f"/api/v1/opportunities?portfolio={world.portfolio_a.pk}&stale=true")
    alone = alice_api.get(f"/api/v1/opportunities/{deal.pk}").json()

    assert only.json()["items"] == []
    assert (alone["stale"], alone["stale_since"]) == (False, None)
