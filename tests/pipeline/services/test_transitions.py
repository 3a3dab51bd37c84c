"""Moving, winning and losing an opportunity (SPEC B14, B16, B17, B7, P5, S8)."""

import datetime as dt
from decimal import Decimal

import pytest

from salespipe.org.access import OutOfScope
from salespipe.pipeline import services
from salespipe.pipeline.models import LossReason, OpportunityStatus
from salespipe.pipeline.services.errors import (
    InvalidInput,
    InvalidTransition,
    MissingFields,
    StaleVersion,
)
from salespipe.test import World, make_account, make_contact, make_opportunity
from tests.pipeline.conftest import history_rows, reload, state

# --- B14: moving -------------------------------------------------------------------------


def test_moving_two_stages_forward_asks_for_both_stages_fields_and_changes_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(MissingFields) as error:
        services.opportunity_move(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=opportunity.version,
            stage_id=world.proposal.pk,
        )
    assert [(m.stage, m.fields) for m in error.value.missing] == [
        (world.discovery, ["amount"]),
        (world.proposal, ["expected_signature_date", "contact"]),
    ]
    assert state(opportunity) == before


def test_moving_with_the_values_given_moves_and_saves_them(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    moved = services.opportunity_move(
        user=world.bob,
        opportunity_id=opportunity.pk,
        version=1,
        stage_id=world.proposal.pk,
        values={
            "amount": Decimal("2500"),
            "expected_signature_date": dt.date(2030, 3, 31),
            "contact": world.contact_a.pk,
        },
    )
    assert moved.stage == world.proposal
    assert moved.version == 2
    saved = reload(opportunity)
    assert (saved.stage, saved.amount, saved.expected_signature_date, saved.contact) == (
        world.proposal,
        Decimal("2500.00"),
        dt.date(2030, 3, 31),
        world.contact_a,
    )
    assert saved.portfolio == world.portfolio_a
    # S8: who, from, to, for each tracked field.
    assert sorted(history_rows(opportunity.pk)) == [
        ("changed", "amount", "", "2500.00"),
        ("changed", "expected_signature_date", "", "2030-03-31"),
        ("changed", "stage", "Qualification", "Proposal"),
    ]
    assert {e.actor for e in saved.history.all()} == {world.bob}


def test_moving_backward_asks_for_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    moved = services.opportunity_move(
        user=world.alice, opportunity_id=opportunity.pk, version=1, stage_id=world.qualification.pk
    )
    assert reload(opportunity).stage == world.qualification == moved.stage
    assert history_rows(opportunity.pk) == [("changed", "stage", "Negotiation", "Qualification")]


def test_moving_a_card_on_a_group_board_keeps_its_portfolio(world: World):
    # B7: cards move between stages on a group's board; the portfolio stays the same.
    opportunity = make_opportunity(world.portfolio_a2, amount=Decimal(1))
    services.opportunity_move(
        user=world.alice, opportunity_id=opportunity.pk, version=1, stage_id=world.discovery.pk
    )
    assert (reload(opportunity).portfolio, reload(opportunity).stage) == (
        world.portfolio_a2,
        world.discovery,
    )


@pytest.mark.parametrize("target", ["signed", "licence_lead"], ids=["won", "other_template"])
def test_moving_to_a_won_stage_or_another_templates_stage_is_invalid_input(
    world: World, target: str
):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=getattr(world, target).pk,
        )
    assert list(error.value.errors) == ["stage"]
    assert state(opportunity) == before


def test_moving_to_the_stage_it_is_in_is_refused(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(InvalidTransition):
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.qualification.pk,
        )
    assert state(opportunity) == before


def test_moving_a_closed_opportunity_is_refused(world: World):
    opportunity = make_opportunity(
        world.portfolio_a, status=OpportunityStatus.WON, signed_on=dt.date(2030, 1, 1)
    )
    before = state(opportunity)
    with pytest.raises(InvalidTransition):
        services.opportunity_move(
            user=world.alice, opportunity_id=opportunity.pk, version=1, stage_id=world.discovery.pk
        )
    assert state(opportunity) == before


def test_an_unknown_stage_is_invalid_input(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice, opportunity_id=opportunity.pk, version=1, stage_id=987654
        )
    assert list(error.value.errors) == ["stage"]
    assert reload(opportunity).version == 1


def test_a_move_only_takes_fields_a_stage_can_make_mandatory(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.discovery.pk,
            values={"amount": Decimal("10"), "name": "Renamed"},
        )
    assert list(error.value.errors) == ["name"]
    assert state(opportunity)["stage"] == world.qualification.pk


def test_a_negative_amount_in_a_dialog_changes_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.discovery.pk,
            values={"amount": Decimal("-10")},
        )
    assert list(error.value.errors) == ["amount"]
    assert state(opportunity) == before


def test_the_contact_given_must_be_one_of_the_accounts_contacts(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.discovery, amount=Decimal(5))
    stranger = make_contact(make_account(world.company_a, "Someone else"))
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.proposal.pk,
            values={"contact": stranger.pk, "expected_signature_date": dt.date(2030, 1, 1)},
        )
    assert list(error.value.errors) == ["contact"]
    assert reload(opportunity).contact is None


def test_a_move_cant_empty_a_field_an_earlier_stage_required(world: World):
    opportunity = make_opportunity(
        world.portfolio_a,
        stage=world.proposal,
        amount=Decimal(5),
        contact=world.contact_a,
        expected_signature_date=dt.date(2030, 1, 1),
    )
    with pytest.raises(InvalidInput) as error:
        services.opportunity_move(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.negotiation.pk,
            values={"amount": None},
        )
    assert "Discovery" in error.value.errors["amount"][0]
    assert (reload(opportunity).amount, reload(opportunity).stage) == (Decimal(5), world.proposal)
    # Back in the first stage, the amount is no longer required: it may be emptied.
    services.opportunity_move(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        stage_id=world.qualification.pk,
        values={"amount": None},
    )
    assert reload(opportunity).amount is None


def test_charlie_cant_move_an_opportunity_of_company_a(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    with pytest.raises(OutOfScope):
        services.opportunity_move(
            user=world.charlie,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.qualification.pk,
        )
    assert reload(opportunity).stage == world.negotiation


# --- B16: winning ------------------------------------------------------------------------


def test_a_win_from_an_early_stage_asks_for_every_stage_passed(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(MissingFields) as error:
        services.opportunity_win(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=world.signed_partner.pk,
            signed_on=dt.date(2030, 1, 15),
        )
    assert [(m.stage, m.fields) for m in error.value.missing] == [
        (world.discovery, ["amount"]),
        (world.proposal, ["expected_signature_date", "contact"]),
        (world.signed_partner, ["days"]),
    ]
    assert state(opportunity) == before


def test_a_win_with_every_field_given_closes_it_in_the_won_stage(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    won = services.opportunity_win(
        user=world.alice,
        opportunity_id=opportunity.pk,
        version=1,
        stage_id=world.signed_partner.pk,
        signed_on=dt.date(2030, 1, 15),
        values={
            "amount": Decimal("900"),
            "expected_signature_date": dt.date(2030, 1, 31),
            "contact": world.contact_a.pk,
            "days": Decimal("3.5"),
        },
    )
    saved = reload(opportunity)
    assert (saved.status, saved.stage, saved.signed_on, saved.days) == (
        OpportunityStatus.WON,
        world.signed_partner,
        dt.date(2030, 1, 15),
        Decimal("3.50"),
    )
    assert won.version == saved.version == 2
    assert ("changed", "status", "open", "won") in history_rows(opportunity.pk)
    assert ("changed", "signed_on", "", "2030-01-15") in history_rows(opportunity.pk)


def test_a_win_needs_a_won_stage_and_a_signature_date(world: World):
    opportunity = make_opportunity(world.portfolio_a, stage=world.negotiation)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_win(
            user=world.alice,
            opportunity_id=opportunity.pk,
            version=1,
            stage_id=None,  # type: ignore[arg-type]
            signed_on=None,
        )
    assert set(error.value.errors) == {"stage", "signed_on"}
    for stage in (world.negotiation, world.licence_won):
        with pytest.raises(InvalidInput) as error:
            services.opportunity_win(
                user=world.alice,
                opportunity_id=opportunity.pk,
                version=1,
                stage_id=stage.pk,
                signed_on=dt.date(2030, 1, 1),
            )
        assert list(error.value.errors) == ["stage"]
    assert state(opportunity) == before


# --- B17: losing -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["reason_lost", "reason_abandoned", "reason_out"])
def test_a_loss_asks_only_for_reason_and_date_and_takes_the_reasons_status(
    world: World, reason: str
):
    # From the first stage, with every later stage's fields empty: one dialog only.
    opportunity = make_opportunity(world.portfolio_a)
    loss_reason: LossReason = getattr(world, reason)
    services.opportunity_lose(
        user=world.bob,
        opportunity_id=opportunity.pk,
        version=1,
        reason_id=loss_reason.pk,
        lost_on=dt.date(2030, 2, 1),
    )
    saved = reload(opportunity)
    assert (saved.status, saved.loss_reason, saved.lost_on, saved.stage) == (
        loss_reason.status,
        loss_reason,
        dt.date(2030, 2, 1),
        world.qualification,
    )
    assert ("changed", "status", "open", loss_reason.status) in history_rows(opportunity.pk)


def test_a_loss_needs_a_reason_and_a_date(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    before = state(opportunity)
    with pytest.raises(InvalidInput) as error:
        services.opportunity_lose(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            reason_id=987654,
            lost_on=None,
        )
    assert set(error.value.errors) == {"reason", "lost_on"}
    assert state(opportunity) == before


def test_losing_an_opportunity_already_lost_is_refused(world: World):
    opportunity = make_opportunity(
        world.portfolio_a,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 1, 1),
    )
    before = state(opportunity)
    with pytest.raises(InvalidTransition):
        services.opportunity_lose(
            user=world.bob,
            opportunity_id=opportunity.pk,
            version=1,
            reason_id=world.reason_out.pk,
            lost_on=dt.date(2030, 2, 1),
        )
    assert state(opportunity) == before


# --- before a change's values are read ---------------------------------------------------


def test_a_change_is_checked_for_itself_as_the_change_would_and_nothing_is_written(world: World):
    """P7, B14, B17: out of scope, then stale, then closed (for a change that needs it open)."""
    deal = make_opportunity(world.portfolio_a, version=2)
    lost = make_opportunity(
        world.portfolio_a,
        status=OpportunityStatus.LOST,
        loss_reason=world.reason_lost,
        lost_on=dt.date(2030, 1, 5),
    )
    before = state(deal)

    def check(user, opportunity, version, needs_open=True):
        return services.opportunity_check_change(
            user=user, opportunity_id=opportunity.pk, version=version, needs_open=needs_open
        )

    with pytest.raises(OutOfScope):
        check(world.charlie, deal, 1)
    with pytest.raises(StaleVersion):
        check(world.bob, deal, 1)
    with pytest.raises(InvalidTransition):
        check(world.bob, lost, 1)
    assert check(world.bob, lost, 1, needs_open=False) == lost
    assert check(world.bob, deal, 2) == deal
    assert state(deal) == before
