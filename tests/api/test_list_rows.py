"""The opportunity list written from plain rows (SPEC P3, P4): each item is exactly
what the detail (OpportunityOut) gives for the same opportunity, a page costs the same
number of queries whatever its size, and the cursor still leads through every page."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from salespipe.pipeline.models import Opportunity, OpportunityStatus, Tag, TagKind
from salespipe.test import World, make_contact, make_opportunity
from tests.pipeline.conftest import bulk_opportunities


def _listed(client: Client, query: str = "limit=500") -> dict[str, Any]:
    response = client.get(f"/api/v1/opportunities?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def _versions() -> dict[int, int]:
    return dict(Opportunity.objects.values_list("pk", "version"))


@pytest.fixture
def varied(world: World) -> list[Opportunity]:
    """Opportunities that exercise every format of P4: empty values, several tags, rounding
    of weighted values, a contact, and the closed statuses with their dates and reason."""
    cold = Tag.objects.create(name="Cold", kind=TagKind.OPPORTUNITY)
    empty = make_opportunity(world.portfolio_a, stage=world.qualification, name="Nothing yet")
    rounded = make_opportunity(
        world.portfolio_a,
        stage=world.discovery,
        name="Rounding",
        # 333.33 x 30 % = 99.999 → 100.00; 0.05 x 30 % = 0.015 → 0.02 (half up).
        amount=Decimal("333.33"),
        days=Decimal("0.05"),
        expected_signature_date=dt.date(2031, 12, 31),
        contact=make_contact(world.account_a, "Durand"),
        phone="+33 6 12 34 56 78",
        mobile="06 11 22 33 44",
        function="Buyer",
        email="durand@example.com",
        description="Ovens, « grands » modèles\nand a line break",
    )
    rounded.tags.set([cold, world.tag_hot])
    won = make_opportunity(
        world.portfolio_a2,
        stage=world.signed,
        name="Won",
        status=OpportunityStatus.WON,
        amount=Decimal("1200.50"),
        signed_on=dt.date(2026, 1, 5),
        version=4,
    )
    won.tags.set([world.tag_hot])
    lost = make_opportunity(
        world.licences_a,
        name="Lost",
        status=OpportunityStatus.LOST,
        days=Decimal("12.00"),
        lost_on=dt.date(2026, 2, 28),
        loss_reason=world.reason_lost,
    )
    abandoned = make_opportunity(
        world.portfolio_a,
        stage=world.negotiation,
        name="Abandoned",
        status=OpportunityStatus.ABANDONED,
        amount=Decimal("0.00"),
        lost_on=dt.date(2026, 3, 1),
        loss_reason=world.reason_abandoned,
    )
    return [empty, rounded, won, lost, abandoned]


def test_each_listed_opportunity_reads_exactly_as_its_detail(
    alice_api: Client, world: World, varied: list[Opportunity]
):
    # SPEC P4: one shape, whichever door reads it.
    before = _versions()
    items = {item["id"]: item for item in _listed(alice_api)["items"]}
    assert set(items) == {o.pk for o in varied}
    for opportunity in varied:
        detail = alice_api.get(f"/api/v1/opportunities/{opportunity.pk}")
        assert detail.status_code == 200
        assert items[opportunity.pk] == detail.json(), opportunity.name
    # Reading changes nothing.
    assert _versions() == before


def test_listed_values_keep_their_formats_nulls_tags_and_rounding(
    alice_api: Client, world: World, varied: list[Opportunity]
):
    # SPEC P4: decimal strings with two places, ISO dates, ids, tags in increasing order.
    empty, rounded, won, lost, abandoned = varied
    items = {item["id"]: item for item in _listed(alice_api)["items"]}
    assert items[empty.pk]["amount"] is None
    assert items[empty.pk]["weighted_amount"] is None
    assert items[empty.pk]["weighted_days"] is None
    assert items[empty.pk]["expected_signature_date"] is None
    assert items[empty.pk]["tags"] == []
    assert items[rounded.pk]["weighted_amount"] == "100.00"
    assert items[rounded.pk]["weighted_days"] == "0.02"
    assert items[rounded.pk]["days"] == "0.05"
    assert items[rounded.pk]["tags"] == sorted(rounded.tags.values_list("pk", flat=True))
    assert items[rounded.pk]["contact"] == rounded.contact_id
    assert items[won.pk]["signed_on"] == "2026-01-05"
    assert items[won.pk]["weighted_amount"] == "1200.50"
    assert items[won.pk]["version"] == 4
    assert items[lost.pk]["loss_reason"] == world.reason_lost.pk
    assert items[lost.pk]["lost_on"] == "2026-02-28"
    assert items[abandoned.pk]["status"] == "abandoned"
    assert items[abandoned.pk]["amount"] == "0.00"
    stored = Opportunity.objects.get(pk=rounded.pk)
    assert stored.updated_at is not None
    assert dt.datetime.fromisoformat(items[rounded.pk]["updated_at"]) == stored.updated_at.replace(
        microsecond=stored.updated_at.microsecond // 1000 * 1000
    )


def test_a_page_of_opportunities_costs_the_same_queries_whatever_its_size(
    bob_api: Client, world: World
):
    # SPEC P3: the list pages by key, and its query count does not grow with the page.
    created = bulk_opportunities(world, 60)
    for opportunity in created[::3]:
        opportunity.tags.set([world.tag_hot])
    # The token's first use writes its use; measure the pages after it.
    _listed(bob_api, "limit=1")
    with CaptureQueriesContext(connection) as small:
        few = _listed(bob_api, "limit=5")
    with CaptureQueriesContext(connection) as large:
        many = _listed(bob_api, "limit=60")
    assert len(few["items"]) == 5
    assert len(many["items"]) == 60
    assert len(large) == len(small)
    tagged = {o.pk for o in created[::3]}
    assert {item["id"] for item in many["items"] if item["tags"]} == tagged
    assert Opportunity.objects.count() == 60


@pytest.mark.parametrize("sort", ["account", "-updated", "-name", "created"])
def test_the_cursor_of_a_page_of_rows_leads_through_every_opportunity_once(
    bob_api: Client, world: World, sort: str
):
    # SPEC P3: the keyset cursor, made from the row of the page's last opportunity.
    bulk_opportunities(world, 23)
    ids: list[int] = []
    cursor = None
    while True:
        query = f"limit=10&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
        page = _listed(bob_api, query)
        ids += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(ids) == len(set(ids)) == 23
    assert ids == [item["id"] for item in _listed(bob_api, f"limit=500&sort={sort}")["items"]]
    assert set(ids) == set(Opportunity.objects.values_list("pk", flat=True))


def test_the_list_answers_json_with_an_empty_page_and_no_cursor(charlie_api: Client, world: World):
    # SPEC P3, P8: charlie's company has no opportunity yet; company A's stay unseen.
    make_opportunity(world.portfolio_a, name="Company A's")
    response = charlie_api.get("/api/v1/opportunities")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"items": [], "next": None}
    assert Opportunity.objects.filter(company=world.company_b).count() == 0
