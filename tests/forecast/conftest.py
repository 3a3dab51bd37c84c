"""A past to read: opportunities created, moved, won and lost through the services, each step
then dated at a moment of the test's choosing, so that every figure can be computed by hand."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from salespipe.lib.months import Month
from salespipe.pipeline.models import HistoryEntry, Opportunity, Portfolio, Stage
from salespipe.pipeline.services import history, opportunities
from salespipe.test import World, make_opportunity

# The period the tests read: January to March 2026.
START = Month(2026, 1)
MONTHS = 3


def moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def day_in_period(days: float) -> dt.datetime:
    """`days` after the period's first instant (negative: before it)."""
    return moment(START.first_day, 0) + dt.timedelta(days=days)


class Past:
    """Writes one opportunity's life, step by step, each step dated when asked."""

    def __init__(self, world: World) -> None:
        self.world = world

    def _dated(
        self, opportunity: Opportunity, when: dt.datetime, step: Callable[[], Any]
    ) -> Opportunity:
        last = HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        step()
        HistoryEntry.objects.filter(opportunity_ref=opportunity.pk, id__gt=last).update(at=when)
        return Opportunity.objects.get(pk=opportunity.pk)

    def created(
        self, when: dt.datetime, stage: Stage, portfolio: Portfolio | None = None, **fields: Any
    ) -> Opportunity:
        fields.setdefault("amount", 1000)
        fields.setdefault("expected_signature_date", dt.date(2026, 6, 30))
        fields.setdefault("contact", self.world.contact_a)
        opportunity = make_opportunity(portfolio or self.world.portfolio_a, stage=stage, **fields)
        Opportunity.objects.filter(pk=opportunity.pk).update(created_at=when)
        return self._dated(
            opportunity, when, lambda: history.record_created(opportunity, self.world.alice)
        )

    def moved(self, opportunity: Opportunity, when: dt.datetime, stage: Stage) -> Opportunity:
        return self._dated(
            opportunity,
            when,
            lambda: opportunities.opportunity_move(
                user=self.world.alice,
                opportunity_id=opportunity.pk,
                version=opportunity.version,
                stage_id=stage.pk,
            ),
        )

    def won(self, opportunity: Opportunity, when: dt.datetime) -> Opportunity:
        return self._dated(
            opportunity,
            when,
            lambda: opportunities.opportunity_win(
                user=self.world.alice,
                opportunity_id=opportunity.pk,
                version=opportunity.version,
                stage_id=self.world.signed.pk,
                signed_on=when.date(),
            ),
        )

    def lost(self, opportunity: Opportunity, when: dt.datetime) -> Opportunity:
        return self._dated(
            opportunity,
            when,
            lambda: opportunities.opportunity_lose(
                user=self.world.alice,
                opportunity_id=opportunity.pk,
                version=opportunity.version,
                reason_id=self.world.reason_lost.pk,
                lost_on=when.date(),
            ),
        )


@pytest.fixture
def past(world: World) -> Past:
    return Past(world)
