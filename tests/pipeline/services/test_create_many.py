"""Creating many opportunities at once, as an import does (SPEC O2-O4, S8, B21): each item
is checked as `opportunity_create` checks it, and those that pass are written with their
history and their live change, in queries that don't grow with the items."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from salespipe.lib.errors import DomainError
from salespipe.live.models import Change, ChangeKind
from salespipe.org.access import OutOfScope
from salespipe.pipeline import services
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity
from salespipe.pipeline.services.values import OpportunityValues
from salespipe.test import World, make_account, make_contact

pytestmark = pytest.mark.django_db


def _items(world: World) -> list[services.NewOpportunity]:
    other_contact = make_contact(make_account(world.company_a, "Garage Lemaire"), "Lemaire")
    ok: OpportunityValues = {"name": "Fine", "account": world.account_a.pk}
    return [
        services.NewOpportunity(values=ok),
        services.NewOpportunity(values={"name": "No account"}),
        services.NewOpportunity(values={**ok, "account": world.account_b.pk}),
        services.NewOpportunity(values={**ok, "currency": "XYZ", "amount": Decimal(-3)}),
        services.NewOpportunity(values={**ok, "salesperson": world.charlie.pk}),
        services.NewOpportunity(values={**ok, "contact": other_contact.pk}),
        services.NewOpportunity(values={**ok, "tags": [world.tag_other_kind.pk]}),
        # Proposal asks for a date and a contact; Discovery, before it, for an amount.
        services.NewOpportunity(values=ok, stage_id=world.proposal.pk),
        services.NewOpportunity(values=ok, stage_id=world.signed.pk),
        services.NewOpportunity(
            values={
                **ok,
                "name": "Priced",
                "amount": Decimal("1200.50"),
                "contact": world.contact_a.pk,
                "tags": [world.tag_hot.pk],
            },
            stage_id=world.discovery.pk,
        ),
    ]


def _one_by_one(world: World, user, item: services.NewOpportunity) -> str:
    """What `opportunity_create` answers for the same item, written nowhere."""
    try:
        with transaction.atomic():
            services.opportunity_create(
                user=user,
                portfolio_id=world.portfolio_a.pk,
                values=item.values,
                stage_id=item.stage_id,
            )
            transaction.set_rollback(True)
    except DomainError as error:
        return str(error)
    return "created"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_each_item_is_refused_or_created_as_one_created_alone_would_be(world: World, who: str):
    user = getattr(world, who)
    items = _items(world)
    expected = [_one_by_one(world, user, item) for item in items]
    assert expected.count("created") == (2 if who == "alice" else 1), expected

    results = services.opportunity_create_many(
        user=user, portfolio_id=world.portfolio_a.pk, items=items
    )
    said = ["created" if isinstance(r, Opportunity) else str(r) for r in results]
    assert said == expected
    created = [r for r in results if isinstance(r, Opportunity)]
    assert Opportunity.objects.count() == len(created)
    for opportunity in created:
        saved = Opportunity.objects.get(pk=opportunity.pk)
        assert (saved.salesperson, saved.currency, saved.created_by) == (user, world.eur, user)
        assert saved.name_key, "its search keys are kept, as a save keeps them"
        # S8 and B21: its creation is in the history and reaches the open boards.
        entry = HistoryEntry.objects.get(opportunity=saved)
        assert (entry.kind, entry.entered_stage, entry.new_value) == (
            HistoryKind.CREATED,
            saved.stage,
            saved.stage.name,
        )
        assert Change.objects.filter(opportunity_id=saved.pk, kind=ChangeKind.CREATED).count() == 1
    if who == "alice":
        priced = Opportunity.objects.get(name="Priced")
        # The contact fills the details the values don't give, as on the form (O2).
        assert (priced.stage, priced.phone) == (world.discovery, world.contact_a.phone)
        assert list(priced.tags.all()) == [world.tag_hot]


def test_another_companys_user_gets_out_of_scope_and_nothing_is_written(world: World):
    with pytest.raises(OutOfScope):
        services.opportunity_create_many(
            user=world.charlie,
            portfolio_id=world.portfolio_a.pk,
            items=[services.NewOpportunity(values={"name": "x", "account": world.account_a.pk})],
        )
    assert not Opportunity.objects.exists()


def test_the_queries_dont_grow_with_the_items(world: World):
    def create(count: int) -> int:
        accounts = [make_account(world.company_a) for _ in range(3)]
        items = [
            services.NewOpportunity(
                values={
                    "name": f"Deal {count}-{index}",
                    "account": accounts[index % 3].pk,
                    "amount": Decimal(100),
                    "currency": "USD",
                    "salesperson": world.bob.pk,
                },
                stage_id=world.discovery.pk,
            )
            for index in range(count)
        ]
        with CaptureQueriesContext(connection) as queries:
            results = services.opportunity_create_many(
                user=world.alice, portfolio_id=world.portfolio_a.pk, items=items
            )
        assert all(isinstance(r, Opportunity) for r in results)
        return len(queries)

    create(1)  # the user's companies and rights, read once and kept on him
    # The savepoint and its release, the portfolio, its stages, three references (accounts,
    # salespeople, currencies: no contact is given) and three inserts (opportunities,
    # history, live changes; no tag is given).
    assert create(5) == create(60) == 10
