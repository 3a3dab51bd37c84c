"""Helpers for the pipeline tests, on top of the shared world of `salespipe.test`."""

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.pipeline.models import HistoryEntry, Opportunity, Stage
from salespipe.test import World


def reload(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.get(pk=opportunity.pk)


def history_rows(opportunity_id: int) -> list[tuple[str, str, str, str]]:
    """(kind, field, from, to) of an opportunity's history, oldest first."""
    return list(
        HistoryEntry.objects.filter(opportunity_ref=opportunity_id)
        .order_by("at", "id")
        .values_list("kind", "field", "old_value", "new_value")
    )


def state(opportunity: Opportunity) -> dict[str, Any]:
    """Everything a change could touch, read again from the database, to compare."""
    fresh = reload(opportunity)
    return {
        "stage": fresh.stage_id,
        "status": fresh.status,
        "portfolio": fresh.portfolio_id,
        "version": fresh.version,
        "amount": fresh.amount,
        "days": fresh.days,
        "contact": fresh.contact_id,
        "expected_signature_date": fresh.expected_signature_date,
        "signed_on": fresh.signed_on,
        "lost_on": fresh.lost_on,
        "loss_reason": fresh.loss_reason_id,
        "tags": sorted(fresh.tags.values_list("id", flat=True)),
        "history": HistoryEntry.objects.filter(opportunity_ref=opportunity.pk).count(),
    }


def bulk_opportunities(world: World, count: int) -> list[Opportunity]:
    """`count` open opportunities of company A over both Projects portfolios, every open
    stage, two currencies, some dated, tagged and with planned actions: board-sized data."""
    stages: list[Stage] = [world.qualification, world.discovery, world.proposal, world.negotiation]
    portfolios = itertools.cycle([world.portfolio_a, world.portfolio_a2])
    today = timezone.localdate()
    rows = [
        Opportunity(
            name=f"Bulk {index:04d}",
            company=world.company_a,
            portfolio=next(portfolios),
            stage=stages[index // 2 % len(stages)],
            account=world.account_a,
            contact=world.contact_a if index % 2 else None,
            salesperson=world.alice if index % 3 else world.bob,
            currency=world.usd if index % 5 == 0 else world.eur,
            amount=Decimal(1000 + index) if index % 7 else None,
            days=Decimal(index % 10),
            expected_signature_date=(today + dt.timedelta(days=index % 120) if index % 4 else None),
            created_by=world.alice,
        )
        for index in range(count)
    ]
    for row in rows:
        # What a save derives (the keys searches and sorts read), which bulk_create skips.
        row.refresh_keys()
    created = Opportunity.objects.bulk_create(rows)
    through = Opportunity.tags.through
    through.objects.bulk_create(
        [through(opportunity_id=o.pk, tag_id=world.tag_hot.pk) for o in created[::3]]
    )
    due = timezone.now() + dt.timedelta(days=2)
    Action.objects.bulk_create(
        [
            Action(
                company=world.company_a,
                kind=ActionKind.CALL,
                subject=f"Call {o.name}",
                due_at=due,
                assignee=world.alice,
                opportunity=o,
            )
            for o in created[::2]
        ]
    )
    return created
