"""Creating an opportunity through the one service every door calls (SPEC O2-O4, S8)."""

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import pytest

from salespipe.org.access import OutOfScope
from salespipe.pipeline import services
from salespipe.pipeline.models import HistoryEntry, Opportunity, OpportunityStatus
from salespipe.pipeline.services.errors import InvalidInput, MissingFields
from salespipe.pipeline.services.values import OpportunityValues
from salespipe.test import World, make_account, make_contact, make_user
from tests.pipeline.conftest import history_rows


def base(world: World, **values: Any) -> OpportunityValues:
    # Some tests give a value of the wrong type on purpose: it must be refused.
    return cast(OpportunityValues, {"name": "New website", "account": world.account_a.pk, **values})


def test_without_a_stage_it_starts_in_the_first_stage_with_the_user_and_company_currency(
    world: World,
):
    # O3 (no default stage: the first), O2 (salesperson: the user; currency: the company's).
    created = services.opportunity_create(
        user=world.bob, portfolio_id=world.portfolio_a.pk, values=base(world)
    )
    assert created.stage == world.qualification
    assert created.status == OpportunityStatus.OPEN
    assert created.salesperson == world.bob
    assert created.currency == world.eur
    assert created.company == world.company_a
    assert created.version == 1
    saved = Opportunity.objects.get()
    assert (saved.name, saved.created_by, saved.stage) == (
        "New website",
        world.bob,
        world.qualification,
    )
    # S8: the creation is in the history, with who and where.
    entry = HistoryEntry.objects.get()
    assert (entry.kind, entry.actor, entry.new_value) == ("created", world.bob, "Qualification")


def test_it_starts_in_the_portfolios_default_stage(world: World):
    # O3: the stage field shows the default stage.
    world.portfolio_a.default_stage = world.discovery
    world.portfolio_a.save()
    created = services.opportunity_create(
        user=world.bob, portfolio_id=world.portfolio_a.pk, values=base(world, amount=Decimal(100))
    )
    assert Opportunity.objects.get(pk=created.pk).stage == world.discovery


def test_bob_without_the_right_cant_choose_another_stage_than_the_default(world: World):
    # O3: only the change_default_stage right lets the user change the stage.
    with pytest.raises(InvalidInput) as error:
        services.opportunity_create(
            user=world.bob,
            portfolio_id=world.portfolio_a.pk,
            values=base(world, amount=Decimal(100)),
            stage_id=world.discovery.pk,
        )
    assert list(error.value.errors) == ["stage"]
    assert Opportunity.objects.count() == 0


def test_alice_with_the_right_chooses_the_stage(world: World):
    created = services.opportunity_create(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        values=base(world, amount=Decimal(100)),
        stage_id=world.discovery.pk,
    )
    assert Opportunity.objects.get(pk=created.pk).stage == world.discovery


def test_empty_mandatory_fields_of_the_stage_and_earlier_ones_are_named_and_nothing_is_created(
    world: World,
):
    # O4: the stage chosen or a stage before it has mandatory fields still empty.
    with pytest.raises(MissingFields) as error:
        services.opportunity_create(
            user=world.alice,
            portfolio_id=world.portfolio_a.pk,
            values=base(world),
            stage_id=world.proposal.pk,
        )
    assert [(m.stage, m.fields) for m in error.value.missing] == [
        (world.discovery, ["amount"]),
        (world.proposal, ["expected_signature_date", "contact"]),
    ]
    assert "Discovery" in str(error.value)
    assert Opportunity.objects.count() == 0
    assert HistoryEntry.objects.count() == 0


def test_when_the_fields_are_not_given_it_can_be_created_in_the_first_stage(world: World):
    # O4: if the user does not give them, the opportunity is created in the first stage.
    created = services.opportunity_create(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        values=base(world),
        stage_id=world.proposal.pk,
        fallback_to_first_stage=True,
    )
    assert Opportunity.objects.get(pk=created.pk).stage == world.qualification


def test_with_the_fields_given_it_is_created_in_the_chosen_stage(world: World):
    created = services.opportunity_create(
        user=world.alice,
        portfolio_id=world.portfolio_a.pk,
        values=base(
            world,
            amount=Decimal("12500.50"),
            expected_signature_date=dt.date(2030, 6, 30),
            contact=world.contact_a.pk,
            tags=[world.tag_hot.pk],
        ),
        stage_id=world.proposal.pk,
    )
    saved = Opportunity.objects.get(pk=created.pk)
    assert saved.stage == world.proposal
    assert saved.amount == Decimal("12500.50")
    assert saved.expected_signature_date == dt.date(2030, 6, 30)
    assert list(saved.tags.all()) == [world.tag_hot]
    # O2: choosing a contact fills the phone the values did not give.
    assert saved.phone == "06 12 34 56 78"
    assert saved.phone_key == "612345678"
    assert history_rows(saved.pk) == [("created", "stage", "", "Proposal")]


def test_charlie_cant_create_in_a_portfolio_of_company_a(world: World):
    with pytest.raises(OutOfScope):
        services.opportunity_create(
            user=world.charlie, portfolio_id=world.portfolio_a.pk, values=base(world)
        )
    assert Opportunity.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", Decimal("-1")),
        ("amount", Decimal("1.234")),
        ("amount", Decimal("123456789012345")),
        ("amount", Decimal("NaN")),
        ("amount", "12"),
        ("days", Decimal("-0.5")),
        ("email", "not-an-email"),
        ("expected_signature_date", "2030-06-30"),
        ("phone", "12"),
        ("name", "   "),
        ("currency", "XXX"),
        ("tags", "1"),
        ("colour", "red"),
    ],
)
def test_a_value_that_breaks_a_rule_is_refused_and_nothing_is_created(
    world: World, field: str, value: object
):
    with pytest.raises(InvalidInput) as error:
        services.opportunity_create(
            user=world.alice,
            portfolio_id=world.portfolio_a.pk,
            values=base(world, **{field: value}),
        )
    assert list(error.value.errors) == [field]
    assert Opportunity.objects.count() == 0


def test_references_must_belong_to_the_portfolios_company(world: World):
    other_account = make_account(world.company_a, "Other account")
    cases = [
        ("account", world.account_b.pk),
        ("contact", world.contact_b.pk),
        ("contact", make_contact(other_account).pk),
        ("salesperson", world.charlie.pk),
        ("tags", [world.tag_other_kind.pk]),
        ("tags", [987654]),
    ]
    for field, value in cases:
        with pytest.raises(InvalidInput) as error:
            services.opportunity_create(
                user=world.alice,
                portfolio_id=world.portfolio_a.pk,
                values=base(world, **{field: value}),
            )
        assert list(error.value.errors) == [field], (field, value)
    assert Opportunity.objects.count() == 0


def test_an_unknown_account_and_another_companys_account_read_the_same(world: World):
    messages = []
    for account_id in (world.account_b.pk, 987654):
        with pytest.raises(InvalidInput) as error:
            services.opportunity_create(
                user=world.alice,
                portfolio_id=world.portfolio_a.pk,
                values=base(world, account=account_id),
            )
        messages.append(error.value.errors["account"][0].replace(str(account_id), "N"))
    assert messages[0] == messages[1]


def test_a_closed_account_is_refused_to_a_user_without_show_closed(world: World):
    # A2: closed accounts are hidden unless the user has show_closed.
    closed = make_account(world.company_a, "Closed shop", is_closed=True)
    with pytest.raises(InvalidInput):
        services.opportunity_create(
            user=world.bob, portfolio_id=world.portfolio_a.pk, values=base(world, account=closed.pk)
        )
    created = services.opportunity_create(
        user=world.alice, portfolio_id=world.portfolio_a.pk, values=base(world, account=closed.pk)
    )
    assert Opportunity.objects.get().pk == created.pk


def test_a_colleague_of_the_company_can_be_the_salesperson(world: World):
    colleague = make_user("dave", world.company_a, world.company_b)
    created = services.opportunity_create(
        user=world.bob,
        portfolio_id=world.portfolio_a.pk,
        values=base(world, salesperson=colleague.pk, currency="usd", amount=Decimal(12)),
    )
    saved = Opportunity.objects.get(pk=created.pk)
    assert (saved.salesperson, saved.currency_id, saved.amount) == (colleague, "USD", Decimal(12))


def test_name_and_account_are_required(world: World):
    with pytest.raises(InvalidInput) as error:
        services.opportunity_create(user=world.alice, portfolio_id=world.portfolio_a.pk, values={})
    assert set(error.value.errors) == {"name", "account"}
    assert Opportunity.objects.count() == 0
