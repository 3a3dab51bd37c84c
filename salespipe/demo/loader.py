"""Loads the demo data into an empty database, or replaces what is there.

`load_demo` is deterministic: for one seed and one reference day (the first of the month,
see `salespipe.demo.clock`), the same names, amounts and dates, in the same order.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from salespipe.activities.models import Action, ActionKind
from salespipe.api.models import ApiToken
from salespipe.customers.models import Account, Contact
from salespipe.demo.clock import moment
from salespipe.demo.configuration import create_configuration
from salespipe.demo.customers import Customers, create_customers
from salespipe.demo.deals import DealCounts, DealMaker
from salespipe.demo.people import PERSONAS, People, Persona, create_people
from salespipe.demo.timestamps import explicit_timestamps
from salespipe.demo.vocabulary import ACTION_SUBJECTS
from salespipe.documents.models import Document
from salespipe.forecast.models import SalesTarget
from salespipe.lib.months import Month, month_range
from salespipe.org.models import Collaborator, Company, Currency, Department, ExchangeRate, Team
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    HistoryEntry,
    LossReason,
    Opportunity,
    OpportunityContact,
    OpportunityStatus,
    Order,
    Portfolio,
    Quote,
    SaleType,
    Stage,
    StageTemplate,
    Tag,
)

TIMESTAMPED = (
    Account,
    Contact,
    Opportunity,
    HistoryEntry,
    Action,
    OpportunityContact,
    Quote,
    Order,
)


@dataclass(frozen=True)
class DemoSummary:
    companies: int
    collaborators: int
    accounts: int
    contacts: int
    deals: DealCounts
    personas: tuple[Persona, ...]


def accounts_for(opportunities: int) -> int:
    """About 300 accounts, more when there are many opportunities, as a real base would."""
    return max(300, opportunities // 10)


def database_is_empty() -> bool:
    return not Company.objects.exists()


def load_demo(*, opportunities: int, seed: int, reference: dt.date) -> DemoSummary:
    """Writes the whole demo in one transaction: all of it, or nothing."""
    if opportunities < 0:
        raise ValueError("The number of opportunities can't be negative.")
    rng = random.Random(seed)
    with transaction.atomic(), explicit_timestamps(*TIMESTAMPED):
        config = create_configuration(reference)
        people = create_people(rng, config)
        customers = create_customers(rng, config, accounts_for(opportunities), reference)
        deals = DealMaker(rng, config, people, customers, reference).create(opportunities)
        _account_actions(rng, people, customers, reference)
        _targets(reference)
    return DemoSummary(
        companies=len(config.companies),
        collaborators=Collaborator.objects.count(),
        accounts=sum(len(accounts) for accounts in customers.accounts.values()),
        contacts=sum(len(contacts) for contacts in customers.contacts.values()),
        deals=deals,
        personas=PERSONAS,
    )


def _account_actions(
    rng: random.Random, people: People, customers: Customers, reference: dt.date
) -> None:
    """Calls and meetings about an account rather than a deal (SPEC glossary: action)."""
    actions = []
    for company_id, accounts in customers.accounts.items():
        for account in accounts:
            if account.is_closed or rng.random() >= 0.05:
                continue
            kind = rng.choice((ActionKind.CALL, ActionKind.MEETING, ActionKind.EMAIL))
            contacts = customers.contacts.get(account.pk, [])
            due = reference + dt.timedelta(days=rng.randint(-20, 60))
            assignee = rng.choice(people.sellers[company_id])
            actions.append(
                Action(
                    company_id=company_id,
                    kind=kind,
                    subject=rng.choice(ACTION_SUBJECTS[kind]),
                    due_at=moment(rng, due),
                    assignee=assignee,
                    account=account,
                    contact=rng.choice(contacts) if contacts else None,
                    created_by=assignee,
                    created_at=moment(rng, reference - dt.timedelta(days=rng.randint(21, 90))),
                )
            )
    Action.objects.bulk_create(actions, batch_size=500)


def _targets(reference: dt.date) -> None:
    """Each portfolio's monthly target (X6), from six months back to five ahead: a tenth
    above what it won a month on average over the last year, to the thousand."""
    year_ago = reference.replace(year=reference.year - 1)
    won = dict(
        Opportunity.objects.filter(status=OpportunityStatus.WON, signed_on__gte=year_ago)
        .order_by()
        .values_list("portfolio_id")
        .annotate(total=Sum("amount"))
    )
    first = Month.of(reference).shifted(-6)
    targets = [
        SalesTarget(
            portfolio_id=portfolio_id,
            month=month.first_day,
            amount=max(Decimal(1000), (total * Decimal("1.1") / 12).quantize(Decimal("1E3"))),
        )
        for portfolio_id, total in won.items()
        if total
        for month in month_range(first, 12)
    ]
    SalesTarget.objects.bulk_create(targets)


# Leaves first: each delete then finds nothing left pointing at what it removes.
FLUSH_ORDER = (
    HistoryEntry,
    Action,
    Document,
    Quote,
    Order,
    EstimateLine,
    OpportunityContact,
    Opportunity.tags.through,
    Opportunity,
    Contact,
    Account,
    ApiToken,
    SalesTarget,
    Portfolio,
    Stage,
    StageTemplate,
    Tag,
    LossReason,
    SaleType,
    EstimateLineField,
    Collaborator,
    Company,
    Team,
    Department,
    ExchangeRate,
    Currency,
)


def flush_demo() -> None:
    """Deletes every row of the product's data, users included, in one transaction."""
    stored_files = [document.file for document in Document.objects.all()]
    with transaction.atomic():
        for model in FLUSH_ORDER:
            model._default_manager.all().delete()
    # Files go once the rows that named them are gone for good.
    for stored in stored_files:
        stored.delete(save=False)
