"""Loads the demo data into an empty database, or replaces what is there.

`load_demo` is deterministic: for one seed and one reference day (the first of the month,
see `salespipe.demo.clock`), the same names, amounts and dates, in the same order.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

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
from salespipe.org.models import Collaborator, Company, Currency, Department, ExchangeRate, Team
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    HistoryEntry,
    LossReason,
    Opportunity,
    OpportunityContact,
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
