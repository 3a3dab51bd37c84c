"""Reusing, deleting and editing an opportunity (SPEC B18, B19, S2, S7, S8)."""

import datetime as dt
from decimal import Decimal

import pytest

from salespipe.activities.models import Action, ActionKind
from salespipe.customers.models import Account, Contact
from salespipe.lib.months import Month
from salespipe.org.access import OutOfScope
from salespipe.pipeline import services
from salespipe.pipeline.models import (
    HistoryEntry,
    Opportunity,
    OpportunityStatus,
    Order,
    Quote,
)
from salespipe.pipeline.services.errors import (
    InvalidInput,
    InvalidTransition,
    NotDeletable,
    StaleVersion,
)
from salespipe.test import World, make_contact, make_opportunity, make_user
from tests.pipeline.conftest import history_rows, reload, state


def won(world: World, **fields) -> Opportunity:
    return make_opportunity(
        world.portfolio_a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on=dt.date(2030, 1, 10),
        **fields,
    )


# --- B19: reuse --------------------------------------------------------------------------


def test_reuse_lands_in_the_first_stage_of_the_chosen_portfolio(world: World):
    opportunity = won(world, expected_signature_date=dt.date(2030, 1, 31))
    reused = services.opportunity_reuse(
        user=world.bob, opportunity_id=opportunity.pk, version=1, portfolio_id=world.licences_a.pk
    )
    saved = reload(opportunity)
    assert (saved.status, saved.portfolio, saved.stage, saved.signed_on) == (
        OpportunityStatus.OPEN,
        world.licences_a,
        world.licence_lead,
        None,
    )
    assert reused.version == saved.version == 2
    # B19: it keeps its signature date, so that it shows in the calendar.
    assert saved.expected_signature_date == dt.date(2030, 1, 31)
    # The previous outcome stays in the history.
    assert sorted(history_rows(opportunity.pk)) == [
        ("changed", "portfolio", "Projects A", "Licences A"),
        ("changed", "signed_on", "2030-01-10", ""),
        ("changed", "stage", "Signed", "Lead"),
        ("changed", "status", "won", "open"),
    ]


def test_a_lost_opportunity_is_reused_without_its_reason(world: World):
    opportunity = make_opportunity(
        world.portfolio_a,
        stage=world.proposal,
        status=OpportunityStatus.ABANDONED,
        loss_reason=world.reason_abandoned,
        lost_on=dt.date(2030, 1, 1),
    )
    services.opportunity_reuse(
        user=world.bob, opportunity_id=opportunity.pk, version=1, portfolio_id=world.portfolio_a.pk
    )
    saved = reload(opportunity)
    assert (saved.status, saved.stage, saved.loss_reason, saved.lost_on) == (
        OpportunityStatus.OPEN,
        world.qualification,
        None,
        None,
    )
    assert ("changed", "loss_reason", "Project cancelled", "") in history_rows(opportunity.pk)


def test_reusing_an_open_opportunity_is_refused(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    before = state(opportunity)
    with pytest.raises(InvalidTransition):
        services.opportunity_reuse(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            portfolio_id=world.portfolio_a.pk,
        )
    assert state(opportunity) == before


def test_reuse_into_a_portfolio_the_user_cant_create_in_is_out_of_scope(world: World):
    opportunity = won(world)
    before = state(opportunity)
    with pytest.raises(OutOfScope):
        services.opportunity_reuse(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            portfolio_id=world.portfolio_b.pk,
        )
    assert state(opportunity) == before


def test_reuse_into_another_companys_portfolio_is_refused_as_its_account_stays(world: World):
    dave = make_user("dave", world.company_a, world.company_b)
    opportunity = won(world)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_reuse(
            user=dave, opportunity_id=opportunity.pk, version=1, portfolio_id=world.portfolio_b.pk
        )
    assert list(error.value.errors) == ["portfolio"]
    assert state(opportunity) == before


# --- B18: delete -------------------------------------------------------------------------


def test_delete_is_refused_for_a_quoted_opportunity(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    Quote.objects.create(company=world.company_a, number="Q-2030-001", opportunity=opportunity)
    Order.objects.create(company=world.company_a, number="O-77", opportunity=opportunity)
    with pytest.raises(NotDeletable) as error:
        services.opportunity_delete(user=world.alice, opportunity_id=opportunity.pk)
    assert "Q-2030-001" in str(error.value)
    assert "O-77" in str(error.value)
    assert (error.value.quotes, error.value.orders) == (["Q-2030-001"], ["O-77"])
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert HistoryEntry.objects.count() == 0


def test_delete_removes_the_opportunity_keeps_its_account_and_leaves_a_snapshot(world: World):
    opportunity = make_opportunity(
        world.portfolio_a, contact=world.contact_a, amount=Decimal("1200.5"), name="Bakery ovens"
    )
    opportunity.tags.add(world.tag_hot)
    Action.objects.create(
        company=world.company_a,
        kind=ActionKind.CALL,
        subject="Call",
        due_at="2030-01-01T09:00:00Z",
        assignee=world.alice,
        opportunity=opportunity,
    )
    services.opportunity_create(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        values={"name": "Other", "account": world.account_a.pk},
    )
    services.opportunity_delete(user=world.alice, opportunity_id=opportunity.pk, version=1)
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert Account.objects.filter(pk=world.account_a.pk).exists()
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()
    assert not Action.objects.filter(opportunity_id=opportunity.pk).exists()
    last = HistoryEntry.objects.get(opportunity_ref=opportunity.pk)
    assert (last.kind, last.actor, last.company, last.opportunity) == (
        "deleted",
        world.alice,
        world.company_a,
        None,
    )
    assert last.snapshot is not None
    assert last.snapshot["name"] == "Bakery ovens"
    assert last.snapshot["amount"] == "1200.50"
    assert last.snapshot["account"] == {"id": world.account_a.pk, "name": "Boulangerie Dupont"}
    assert last.snapshot["tags"] == [{"id": world.tag_hot.pk, "name": "Hot"}]


def test_delete_with_a_stale_version_changes_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a, version=3)
    with pytest.raises(StaleVersion) as error:
        services.opportunity_delete(user=world.alice, opportunity_id=opportunity.pk, version=2)
    assert error.value.current.version == 3
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert HistoryEntry.objects.count() == 0


def test_charlie_cant_delete_an_opportunity_of_company_a(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(OutOfScope):
        services.opportunity_delete(user=world.charlie, opportunity_id=opportunity.pk)
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


# --- S2: the sheet -----------------------------------------------------------------------


def test_the_sheet_saves_its_fields_and_records_amount_and_date_changes(world: World):
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(100))
    updated = services.opportunity_update(
        user=world.bob,
        opportunity_id=opportunity.pk,
        version=1,
        values={
            "name": "  Renamed ",
            "amount": Decimal("150"),
            "expected_signature_date": dt.date(2030, 5, 31),
            "description": "Three ovens",
            "tags": [world.tag_hot.pk],
            "email": "marie@dupont.example",
        },
    )
    saved = reload(opportunity)
    assert (saved.name, saved.amount, saved.description, saved.email, saved.version) == (
        "Renamed",
        Decimal(150),
        "Three ovens",
        "marie@dupont.example",
        2,
    )
    assert updated.version == 2
    assert list(saved.tags.all()) == [world.tag_hot]
    assert sorted(history_rows(opportunity.pk)) == [
        ("changed", "amount", "100.00", "150.00"),
        ("changed", "expected_signature_date", "", "2030-05-31"),
    ]


def test_the_sheet_with_a_stale_version_changes_nothing(world: World):
    # P7: the version last read; a change since then refuses this one.
    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(100))
    services.opportunity_update(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        values={"amount": Decimal("200")},
    )
    before = state(opportunity)
    with pytest.raises(StaleVersion) as error:
        services.opportunity_update(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            values={"amount": Decimal("300")},
        )
    assert error.value.current.amount == Decimal(200)
    assert error.value.current.version == 2
    assert state(opportunity) == before


def test_the_portfolio_changes_only_for_one_of_the_same_company_and_stages(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    services.opportunity_update(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        values={"portfolio": world.portfolio_a2.pk},
    )
    assert reload(opportunity).portfolio == world.portfolio_a2
    assert history_rows(opportunity.pk) == [
        ("changed", "portfolio", "Projects A", "Projects A North")
    ]
    with pytest.raises(InvalidInput) as error:
        services.opportunity_update(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=2,
            values={"portfolio": world.licences_a.pk},
        )
    assert list(error.value.errors) == ["portfolio"]
    with pytest.raises(OutOfScope):
        services.opportunity_update(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=2,
            values={"portfolio": world.portfolio_b.pk},
        )
    assert reload(opportunity).portfolio == world.portfolio_a2
    assert reload(opportunity).version == 2


def test_a_closed_opportunitys_fields_can_be_corrected_but_not_its_portfolio(world: World):
    opportunity = won(world, amount=Decimal(10))
    services.opportunity_update(
        user=world.alice, opportunity_id=opportunity.pk, version=1, values={"amount": Decimal("12")}
    )
    assert reload(opportunity).amount == Decimal(12)
    with pytest.raises(InvalidTransition):
        services.opportunity_update(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=2,
            values={"portfolio": world.portfolio_a2.pk},
        )
    assert reload(opportunity).portfolio == world.portfolio_a


def test_the_sheet_cant_empty_a_field_the_stage_made_mandatory(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.discovery, amount=Decimal(1))
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_update(
            user=world.alice, opportunity_id=opportunity.pk, version=1, values={"amount": None}
        )
    assert list(error.value.errors) == ["amount"]
    assert state(opportunity) == before


def test_the_sheet_saves_other_fields_while_a_mandatory_one_is_still_empty(world: World):
    # Data from before the rule: saving the name must not require the amount first.
    opportunity = make_opportunity(world.portfolio_a, stage=world.discovery)
    services.opportunity_update(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        values={"name": "Still no amount", "amount": None},
    )
    assert reload(opportunity).name == "Still no amount"


def test_changing_the_account_drops_nothing_silently(world: World):
    other = Account.objects.create(company=world.company_a, name="Other client")
    opportunity = make_opportunity(world.portfolio_a, contact=world.contact_a)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_update(
            user=world.alice, opportunity_id=opportunity.pk, version=1, values={"account": other.pk}
        )
    assert list(error.value.errors) == ["contact"]
    services.opportunity_update(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        values={"account": other.pk, "contact": None},
    )
    saved = reload(opportunity)
    assert (saved.account, saved.contact) == (other, None)


def test_the_contact_an_opportunity_has_stays_even_closed_but_no_other_closed_one_comes(
    world: World,
):
    """A2: bob, without `show_closed`, may send back the closed contact the opportunity
    already has (as a form posting every field does), not pick another closed one."""
    kept = make_contact(world.account_a, "Martin", is_closed=True)
    other = make_contact(world.account_a, "Petit", is_closed=True)
    deal = make_opportunity(world.portfolio_a, contact=kept)

    saved = services.opportunity_update(
        user=world.bob,
        opportunity_id=deal.pk,
        version=deal.version,
        values={"name": "Renamed", "contact": kept.pk},
    )
    assert (saved.name, saved.contact_id) == ("Renamed", kept.pk)

    with pytest.raises(InvalidInput) as error:
        services.opportunity_update(
            user=world.bob,
            opportunity_id=deal.pk,
            version=saved.version,
            values={"contact": other.pk},
        )
    assert "contact" in error.value.errors
    assert reload(deal).contact_id == kept.pk


def test_charlie_cant_edit_an_opportunity_of_company_a(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(OutOfScope):
        services.opportunity_update(
            user=world.charlie, opportunity_id=opportunity.pk, version=1, values={"name": "x"}
        )
    assert state(opportunity) == before


# --- C3: dropping a card on a month ------------------------------------------------------


def test_a_card_dropped_on_a_month_signs_on_its_last_day(world: World):
    opportunity = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2030, 1, 5))
    services.opportunity_schedule(
        user=world.bob, opportunity_id=opportunity.pk, version=1, month=Month(2030, 2)
    )
    saved = reload(opportunity)
    assert (saved.expected_signature_date, saved.version) == (dt.date(2030, 2, 28), 2)
    assert history_rows(opportunity.pk) == [
        ("changed", "expected_signature_date", "2030-01-05", "2030-02-28")
    ]


def test_a_card_dropped_on_no_date_loses_its_date(world: World):
    """C3: the *No date* column clears the expected signature date."""
    opportunity = make_opportunity(world.portfolio_a, expected_signature_date=dt.date(2030, 1, 5))
    services.opportunity_schedule(
        user=world.bob, opportunity_id=opportunity.pk, version=1, month=None
    )
    saved = reload(opportunity)
    assert (saved.expected_signature_date, saved.version) == (None, 2)
    assert history_rows(opportunity.pk) == [
        ("changed", "expected_signature_date", "2030-01-05", "")
    ]


def test_no_date_is_refused_when_a_stage_passed_made_the_date_mandatory(world: World):
    """C3 with B14: the proposal stage requires the date, so it stays."""
    opportunity = make_opportunity(
        world.portfolio_a,
        stage=world.negotiation,
        expected_signature_date=dt.date(2030, 1, 5),
        contact=world.contact_a,
        amount=Decimal(10),
    )
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_schedule(
            user=world.bob, opportunity_id=opportunity.pk, version=1, month=None
        )
    assert list(error.value.errors) == ["expected_signature_date"]
    assert state(opportunity) == before


def test_a_closed_opportunity_is_not_rescheduled(world: World):
    opportunity = won(world, expected_signature_date=dt.date(2030, 1, 5))
    before = state(opportunity)
    with pytest.raises(InvalidTransition):
        services.opportunity_schedule(
            user=world.bob, opportunity_id=opportunity.pk, version=1, month=None
        )
    assert state(opportunity) == before


def test_a_missing_version_changes_nothing(world: World):
    # A month that can't be read is refused by the page and the API that read it.
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_schedule(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=None,  # type: ignore[arg-type]
            month=Month(2030, 1),
        )
    assert list(error.value.errors) == ["version"]
    assert state(opportunity) == before


# --- S8: reading the history ---------------------------------------------------------------


def test_the_history_is_read_by_the_opportunitys_company_only_even_once_deleted(world: World):
    from salespipe.pipeline.selectors import opportunity_detail
    from salespipe.pipeline.services.history import history_of

    opportunity = make_opportunity(world.portfolio_a, amount=Decimal(1))
    assert opportunity_detail(user=world.bob, opportunity_id=opportunity.pk) == opportunity
    with pytest.raises(OutOfScope):
        opportunity_detail(user=world.charlie, opportunity_id=opportunity.pk)
    services.opportunity_update(
        user=world.alice, opportunity_id=opportunity.pk, version=1, values={"amount": Decimal(2)}
    )
    services.opportunity_delete(user=world.alice, opportunity_id=opportunity.pk)
    entries = list(history_of(world.bob, opportunity.pk))
    assert [(e.kind, e.field) for e in entries] == [("deleted", ""), ("changed", "amount")]
    assert list(history_of(world.charlie, opportunity.pk)) == []
    assert HistoryEntry.objects.filter(opportunity_ref=opportunity.pk).count() == 2


def test_the_amount_of_a_detailed_estimate_is_not_typed_over_its_lines(world: World):
    """S3: the lines' totals are the opportunity's amount and days, whatever the door."""
    from salespipe.pipeline.models import EstimateMode

    opportunity = make_opportunity(
        world.portfolio_a,
        amount=Decimal("300.00"),
        days=Decimal("2.00"),
        estimate_mode=EstimateMode.DETAILED,
    )
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_update(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            values={"amount": Decimal("999"), "days": Decimal("2"), "description": "typed"},
        )
    assert list(error.value.errors) == ["amount"]
    assert state(opportunity) == before
    assert reload(opportunity).description == ""
    # The total itself, sent back unchanged with the other fields, is no attempt to type over it.
    services.opportunity_update(
        user=world.bob,
        opportunity_id=opportunity.pk,
        version=1,
        values={"amount": Decimal("300.00"), "description": "typed"},
    )
    assert (reload(opportunity).amount, reload(opportunity).description) == (
        Decimal("300.00"),
        "typed",
    )
