"""A change returns the opportunity as the database now holds it, without reading it again
(SPEC P7, S8, B14, B17, B19, S2): fields, derived keys, version, times, relations."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from salespipe.org.models import Collaborator
from salespipe.pipeline import services
from salespipe.pipeline.models import Opportunity, OpportunityStatus, Tag, TagKind
from salespipe.pipeline.services.versioning import load
from salespipe.test import World, make_contact, make_opportunity


def _as_read(opportunity: Opportunity) -> dict[str, Any]:
    """Every column, and the relations the services' callers read, as plain values."""
    columns = {
        field.attname: getattr(opportunity, field.attname)
        for field in Opportunity._meta.concrete_fields
    }
    return {
        **columns,
        "status_type": type(opportunity.status),
        "stage_name": opportunity.stage.name,
        "template": opportunity.stage.template.name,
        "portfolio_name": opportunity.portfolio.name,
        "contact_name": str(opportunity.contact) if opportunity.contact else None,
        "loss_reason_name": str(opportunity.loss_reason) if opportunity.loss_reason else None,
        "tags": [tag.pk for tag in opportunity.tags.all()],
        "weighted_amount": opportunity.weighted_amount,
        "weighted_days": opportunity.weighted_days,
    }


def _fresh(user: Collaborator, opportunity: Opportunity) -> dict[str, Any]:
    return _as_read(load(user, opportunity.pk))


@pytest.fixture
def deal(world: World) -> Opportunity:
    opportunity = make_opportunity(
        world.portfolio_a, stage=world.qualification, name="Ovens", amount=Decimal("100.00")
    )
    opportunity.tags.set([world.tag_hot])
    return opportunity


def test_a_move_returns_the_opportunity_as_stored_with_its_new_stage_and_keys(
    world: World, deal: Opportunity
):
    # SPEC B14, P7: the stage object, the amount as stored, the phone's search key.
    contact = make_contact(world.account_a, "Durand")
    moved = services.opportunity_move(
        user=world.alice,
        opportunity_id=deal.pk,
        version=1,
        stage_id=world.proposal.pk,
        values={
            "amount": Decimal("1500"),
            "expected_signature_date": dt.date(2031, 6, 30),
            "contact": contact.pk,
            "phone": "06 12 34 56 78",
        },
    )
    assert _as_read(moved) == _fresh(world.alice, deal)
    assert moved.version == 2
    assert moved.stage == world.proposal
    assert moved.amount == Decimal("1500.00")
    assert str(moved.amount) == "1500.00"
    assert moved.expected_signature_date == dt.date(2031, 6, 30)
    assert moved.phone_key == Opportunity.objects.get(pk=deal.pk).phone_key != ""
    assert moved.updated_at > deal.updated_at


def test_losing_and_reusing_return_plain_statuses_and_the_new_relations(
    world: World, deal: Opportunity
):
    # SPEC B17, B19: the status a loss reason gives, then open again in another portfolio.
    lost = services.opportunity_lose(
        user=world.alice,
        opportunity_id=deal.pk,
        version=1,
        reason_id=world.reason_abandoned.pk,
        lost_on=dt.date(2026, 4, 1),
    )
    assert _as_read(lost) == _fresh(world.alice, deal)
    assert lost.status == OpportunityStatus.ABANDONED
    assert type(lost.status) is str
    reused = services.opportunity_reuse(
        user=world.alice, opportunity_id=deal.pk, version=2, portfolio_id=world.portfolio_a2.pk
    )
    assert _as_read(reused) == _fresh(world.alice, deal)
    assert reused.portfolio == world.portfolio_a2
    assert reused.loss_reason is None
    assert Opportunity.objects.get(pk=deal.pk).version == 3


def test_changing_the_tags_returns_the_new_tags(world: World, deal: Opportunity):
    # SPEC S2: the tags are written, and the returned opportunity holds them.
    cold = Tag.objects.create(name="Cold", kind=TagKind.OPPORTUNITY)
    changed = services.opportunity_update(
        user=world.alice, opportunity_id=deal.pk, version=1, values={"tags": [cold.pk]}
    )
    assert [tag.pk for tag in changed.tags.all()] == [cold.pk]
    assert _as_read(changed) == _fresh(world.alice, deal)
    assert list(Opportunity.objects.get(pk=deal.pk).tags.values_list("pk", flat=True)) == [cold.pk]


def test_a_move_reads_the_opportunity_once(world: World, deal: Opportunity):
    # The conditional UPDATE's success is enough to know the row; no second read.
    with CaptureQueriesContext(connection) as queries:
        moved = services.opportunity_move(
            user=world.alice, opportunity_id=deal.pk, version=1, stage_id=world.discovery.pk
        )
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
        and 'FROM "pipeline_opportunity"' in query["sql"]
    ]
    assert len(reads) == 1
    assert moved.stage_id == world.discovery.pk
    assert Opportunity.objects.get(pk=deal.pk).stage_id == world.discovery.pk
