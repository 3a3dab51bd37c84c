"""Portfolios of a few hundred cards, for the tests of what must not grow with the data."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.customers.models import Account, Contact
from salespipe.lib.text import search_key
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.test import World

CURRENCIES = ("EUR", "EUR", "USD", "GBP")


def add_cards(world: World, count: int) -> list[Opportunity]:
    """`count` open cards of portfolio A over its four open stages and three currencies.

    Amounts are multiples of 20 and days of 0.5, so that every converted and weighted value is
    a whole number of cents (rates 0.90 and 1.15, probabilities 10 to 80 %): a sum is then
    exact to the cent in any database. Some have no amount, no days or no date; a third carry
    a tag, half a planned action; each has its own account and contact. Beside them, closed
    cards of portfolio A and open ones of company B, which no total of alice's may count.
    """
    stages = [world.qualification, world.discovery, world.proposal, world.negotiation]
    today = timezone.localdate()
    first = Account.objects.count()
    accounts = Account.objects.bulk_create(
        Account(
            company=world.company_a,
            name=f"Scale account {first + index}",
            name_key=search_key(f"Scale account {first + index}"),
        )
        for index in range(count)
    )
    contacts = Contact.objects.bulk_create(
        Contact(account=account, last_name="Durand", first_name="Lou", name_key="durand lou")
        for account in accounts
    )
    rows = []
    for index, (account, contact) in enumerate(zip(accounts, contacts, strict=True)):
        rows.append(
            Opportunity(
                name=f"Scale {index:05d}",
                company=world.company_a,
                portfolio=world.portfolio_a,
                stage=stages[index % len(stages)],
                account=account,
                contact=contact if index % 3 else None,
                salesperson=world.alice if index % 2 else world.bob,
                currency_id=CURRENCIES[index % len(CURRENCIES)],
                amount=Decimal(20 * (index % 997 + 1)) if index % 11 else None,
                days=Decimal(index % 40) / 2 if index % 7 else None,
                expected_signature_date=(
                    today + dt.timedelta(days=index % 150) if index % 5 else None
                ),
                created_by=world.alice,
            )
        )
    for row in rows:
        # What a save derives (the keys searches and sorts read), which bulk_create skips.
        row.refresh_keys()
    created = Opportunity.objects.bulk_create(rows)
    through = Opportunity.tags.through
    through.objects.bulk_create(
        through(opportunity_id=o.pk, tag_id=world.tag_hot.pk) for o in created[::3]
    )
    due = timezone.now() + dt.timedelta(days=3)
    Action.objects.bulk_create(
        Action(
            company=world.company_a,
            kind=ActionKind.CALL,
            subject="Call back",
            due_at=due,
            assignee=world.alice,
            opportunity=o,
        )
        for o in created[::2]
    )
    _add_noise(world, count // 10 + 1)
    return created


def _add_noise(world: World, count: int) -> None:
    """Cards no total of alice's may count: closed ones, and company B's."""
    stages = itertools.cycle([world.qualification, world.proposal])
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                name=f"Won {index}",
                company=world.company_a,
                portfolio=world.portfolio_a,
                stage=world.signed,
                status=OpportunityStatus.WON,
                signed_on=timezone.localdate(),
                account=world.account_a,
                salesperson=world.alice,
                currency_id="EUR",
                amount=Decimal(1_000_000),
                created_by=world.alice,
            )
            for index in range(count)
        ]
        + [
            Opportunity(
                name=f"Other company {index}",
                company=world.company_b,
                portfolio=world.portfolio_b,
                stage=next(stages),
                account=world.account_b,
                salesperson=world.charlie,
                currency_id="GBP",
                amount=Decimal(1_000_000),
                expected_signature_date=timezone.localdate(),
                created_by=world.charlie,
            )
            for index in range(count)
        ]
    )
