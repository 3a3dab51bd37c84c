"""Planned actions from the board's action icon (SPEC B20): validated and scoped."""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.activities.services import NewAction, action_create, action_mark_done
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.test import World, make_opportunity

# Due at a naive time: the current time zone's.
NEW = NewAction(kind="demo", subject="Demo", due_at=dt.datetime.fromisoformat("2031-01-05T10:30"))


def test_an_action_is_planned_on_the_opportunity_for_the_user_by_default(world: World):
    deal = make_opportunity(world.portfolio_a, account=world.account_a, contact=world.contact_a)

    action = action_create(user=world.bob, opportunity_id=deal.pk, action=NEW)

    assert action.assignee == world.bob
    assert action.account_id == world.account_a.pk
    assert action.contact_id == world.contact_a.pk
    assert action.company_id == world.company_a.pk
    assert timezone.is_aware(action.due_at)
    assert timezone.localtime(action.due_at).time() == dt.time(10, 30)
    assert Action.objects.get().created_by == world.bob


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"assignee_id": 987654}, "assignee"),
    ],
)
def test_a_bad_value_is_named_and_nothing_is_saved(world: World, change: dict, field: str):
    deal = make_opportunity(world.portfolio_a)

    with pytest.raises(InvalidInput) as error:
        action_create(user=world.alice, opportunity_id=deal.pk, action=replace(NEW, **change))

    assert field in error.value.errors
    assert not Action.objects.exists()


def test_the_assignee_must_work_for_the_opportunitys_company(world: World):
    deal = make_opportunity(world.portfolio_a)

    with pytest.raises(InvalidInput) as error:
        action_create(
            user=world.alice,
            opportunity_id=deal.pk,
            action=replace(NEW, assignee_id=world.charlie.pk),
        )

    assert "assignee" in error.value.errors
    assert not Action.objects.exists()


def test_charlie_cant_plan_or_close_an_action_of_company_a(world: World):
    deal = make_opportunity(world.portfolio_a)
    action = action_create(user=world.alice, opportunity_id=deal.pk, action=NEW)

    with pytest.raises(OutOfScope):
        action_create(user=world.charlie, opportunity_id=deal.pk, action=NEW)
    with pytest.raises(OutOfScope):
        action_mark_done(user=world.charlie, action_id=action.pk)

    assert Action.objects.count() == 1
    action.refresh_from_db()
    assert action.done is False


def test_marking_done_and_planned_again(world: World):
    deal = make_opportunity(world.portfolio_a)
    action = action_create(user=world.alice, opportunity_id=deal.pk, action=NEW)

    action_mark_done(user=world.bob, action_id=action.pk)
    action.refresh_from_db()
    assert action.done is True
    assert action.done_at is not None

    action_mark_done(user=world.bob, action_id=action.pk, done=False)
    action.refresh_from_db()
    assert action.done is False
    assert action.done_at is None
    assert action.kind == ActionKind.DEMO
