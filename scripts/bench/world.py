"""The bench's data: one company, one portfolio, and as many open opportunities as asked.

Grown in place (1,000, then 10,000, then 100,000) with bulk inserts, so that the largest size
loads in seconds. The cards carry everything a card draws: an account with a contact,
amounts in three currencies, days, a signature date (or none), tags and, for some, a planned
action; a tenth as many won opportunities sit beside them, as on a real portfolio, and each
has the history of the stages it went through (the forecast's funnel reads it).
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.demo.timestamps import explicit_timestamps
from salespipe.lib.text import search_key
from salespipe.org.models import Collaborator, Company, Currency, ExchangeRate
from salespipe.pipeline.models import (
    HistoryEntry,
    HistoryKind,
    Opportunity,
    OpportunityStatus,
    Portfolio,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
    TagKind,
)

USERNAME = "bench"
BATCH = 2000
OPEN_STAGES = (("Lead", 10), ("Qualified", 25), ("Proposal", 50), ("Negotiation", 75))
# More deals early in the funnel than late, as on any board.
FUNNEL = (40, 30, 20, 10)
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
]
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Pierre",
    "Sophie",
    "Luc",
    "Anne",
    "Paul",
    "Claire",
    "Louis",
    "Emma",
    "Hugo",
    "Léa",
]
TRADES = [
    "Boulangerie",
    "Garage",
    "Cabinet",
    "Atelier",
    "Hôtel",
    "Pharmacie",
    "Imprimerie",
    "Menuiserie",
]


@dataclass(frozen=True)
class BenchWorld:
    user: Collaborator
    company: Company
    portfolio: Portfolio
    template: StageTemplate
    stages: list[Stage]
    won: Stage
    sellers: list[Collaborator]
    tags: list[Tag]


def create_world() -> BenchWorld:
    """The configuration: currencies and rates, a company, its collaborators, one portfolio."""
    with transaction.atomic():
        eur = Currency.objects.create(code="EUR", name="Euro")
        usd = Currency.objects.create(code="USD", name="US dollar")
        gbp = Currency.objects.create(code="GBP", name="Pound sterling")
        since = timezone.localdate() - dt.timedelta(days=60)
        ExchangeRate.objects.create(
            source=usd, target=eur, rate=Decimal("0.9172"), valid_from=since
        )
        ExchangeRate.objects.create(
            source=gbp, target=eur, rate=Decimal("1.1645"), valid_from=since
        )
        company = Company.objects.create(name="Bench Industries", currency=eur)
        user = Collaborator.objects.create_user(
            username=USERNAME, first_name="Bench", last_name="User"
        )
        user.companies.set([company])
        sellers = [user]
        for index in range(19):
            seller = Collaborator.objects.create_user(
                username=f"seller{index}",
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=LAST_NAMES[index % len(LAST_NAMES)],
            )
            seller.companies.set([company])
            sellers.append(seller)
        template = StageTemplate.objects.create(name="Bench stages")
        stages = [
            Stage.objects.create(template=template, name=name, order=order, probability=chance)
            for order, (name, chance) in enumerate(OPEN_STAGES, start=1)
        ]
        won = Stage.objects.create(
            template=template, name="Signed", order=10, probability=100, status=StageStatus.WON
        )
        portfolio = Portfolio.objects.create(
            name="Bench portfolio", company=company, template=template
        )
        tags = [
            Tag.objects.create(name=name, kind=TagKind.OPPORTUNITY, color=color)
            for name, color in (
                ("Hot", "#dc2626"),
                ("Public sector", "#2563eb"),
                ("Renewal", "#16a34a"),
                ("Partner", "#9333ea"),
                ("Strategic", "#ca8a04"),
            )
        ]
    return BenchWorld(user, company, portfolio, template, stages, won, sellers, tags)


def load_world() -> BenchWorld:
    """The world `create_world` wrote, read back (in another process)."""
    user = Collaborator.objects.get(username=USERNAME)
    portfolio = Portfolio.objects.select_related("company", "template").get(name="Bench portfolio")
    stages = list(portfolio.template.stages.filter(status=StageStatus.OPEN).order_by("order", "id"))
    return BenchWorld(
        user=user,
        company=portfolio.company,
        portfolio=portfolio,
        template=portfolio.template,
        stages=stages,
        won=portfolio.template.stages.get(status=StageStatus.WON),
        sellers=list(Collaborator.objects.filter(companies=portfolio.company).order_by("id")),
        tags=list(Tag.objects.order_by("id")),
    )


def open_count(world: BenchWorld) -> int:
    return Opportunity.objects.filter(
        portfolio=world.portfolio, status=OpportunityStatus.OPEN
    ).count()


def grow(world: BenchWorld, open_target: int, seed: int = 7) -> int:
    """Adds open opportunities (and a tenth as many closed) until `open_target` are open."""
    have = open_count(world)
    missing = open_target - have
    if missing <= 0:
        return have
    rng = random.Random(seed + have)
    accounts, contacts = _accounts(world, max(missing // 10, 20), rng)
    closed = missing // 10
    today = timezone.localdate()
    for start in range(0, missing + closed, BATCH):
        size = min(BATCH, missing + closed - start)
        with transaction.atomic():
            drafts = [
                _opportunity(world, rng, accounts, contacts, today, start + i >= missing)
                for i in range(size)
            ]
            with explicit_timestamps(Opportunity, HistoryEntry):
                created = Opportunity.objects.bulk_create(drafts, batch_size=BATCH)
                _history(world, created)
            _tags_and_actions(world, rng, created)
    return open_count(world)


def _accounts(
    world: BenchWorld, count: int, rng: random.Random
) -> tuple[list[Account], list[Contact]]:
    first = Account.objects.count()
    accounts = []
    for index in range(first, first + count):
        name = f"{rng.choice(TRADES)} {rng.choice(LAST_NAMES)} {index}"
        accounts.append(
            Account(
                company=world.company,
                name=name,
                name_key=search_key(name),
                kind=AccountKind.CLIENT,
                phone=f"01 {index % 100:02d} {index // 100 % 100:02d} 00 00",
                phone_key=f"1{index % 100:02d}{index // 100 % 100:02d}0000",
                email=f"contact{index}@example.com",
            )
        )
    accounts = Account.objects.bulk_create(accounts, batch_size=BATCH)
    people = []
    for account in accounts:
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append(
            Contact(
                account=account,
                first_name=first_name,
                last_name=last_name,
                name_key=search_key(f"{last_name} {first_name}"),
                email=f"{search_key(first_name)}.{search_key(last_name)}@example.com",
            )
        )
    return accounts, Contact.objects.bulk_create(people, batch_size=BATCH)


def _opportunity(
    world: BenchWorld,
    rng: random.Random,
    accounts: list[Account],
    contacts: list[Contact],
    today: dt.date,
    closed: bool,
) -> Opportunity:
    index = rng.randrange(len(accounts))
    stage = rng.choices(world.stages, FUNNEL)[0]
    currency = rng.choices(("EUR", "USD", "GBP"), (80, 12, 8))[0]
    signature = None
    if rng.random() < 0.85:
        signature = today + dt.timedelta(days=rng.randint(-90, 300))
    opportunity = Opportunity(
        name=f"{rng.choice(('Renewal', 'New site', 'Upgrade', 'Audit', 'Licences'))} {index}",
        company=world.company,
        portfolio=world.portfolio,
        stage=world.won if closed else stage,
        status=OpportunityStatus.WON if closed else OpportunityStatus.OPEN,
        signed_on=today if closed else None,
        account=accounts[index],
        contact=contacts[index] if rng.random() < 0.8 else None,
        amount=Decimal(rng.randint(500, 250_000)) + Decimal(rng.randint(0, 99)) / 100
        if rng.random() < 0.9
        else None,
        currency_id=currency,
        days=Decimal(rng.randint(1, 80)) / 2 if rng.random() < 0.7 else None,
        salesperson=rng.choice(world.sellers),
        created_by=world.user,
        expected_signature_date=signature,
        phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} 00",
    )
    # Created in the last year, changed since: the forecast's period and funnel read them.
    opportunity.created_at = timezone.now() - dt.timedelta(days=rng.uniform(1, 365))
    opportunity.updated_at = opportunity.created_at + (timezone.now() - opportunity.created_at) / 2
    if closed:
        opportunity.signed_on = timezone.localtime(opportunity.updated_at).date()
    opportunity.refresh_keys()
    return opportunity


def _history(world: BenchWorld, created: list[Opportunity]) -> None:
    """Each opportunity's creation in the first stage and one move per stage to the one it is
    in (a won one goes through them all), spread between its creation and its last change."""
    entries = []
    for opportunity in created:
        won = opportunity.status == OpportunityStatus.WON
        path = (
            [*world.stages, world.won]
            if won
            else world.stages[: world.stages.index(opportunity.stage) + 1]
        )
        span = (opportunity.updated_at - opportunity.created_at) / len(path)
        for step, stage in enumerate(path):
            entries.append(
                HistoryEntry(
                    opportunity=opportunity,
                    opportunity_ref=opportunity.pk,
                    company=world.company,
                    actor=world.user,
                    at=opportunity.created_at + span * step,
                    kind=HistoryKind.CHANGED if step else HistoryKind.CREATED,
                    field="stage",
                    old_value=path[step - 1].name if step else "",
                    new_value=stage.name,
                    entered_stage=stage,
                )
            )
        if won:
            entries.append(
                HistoryEntry(
                    opportunity=opportunity,
                    opportunity_ref=opportunity.pk,
                    company=world.company,
                    actor=world.user,
                    at=opportunity.updated_at,
                    kind=HistoryKind.CHANGED,
                    field="status",
                    old_value=OpportunityStatus.OPEN,
                    new_value=OpportunityStatus.WON,
                )
            )
    HistoryEntry.objects.bulk_create(entries, batch_size=BATCH)


def _tags_and_actions(world: BenchWorld, rng: random.Random, created: list[Opportunity]) -> None:
    links = []
    actions = []
    now = timezone.now()
    through = Opportunity.tags.through
    for opportunity in created:
        for tag in rng.sample(world.tags, rng.choices((0, 1, 2), (55, 35, 10))[0]):
            links.append(through(opportunity_id=opportunity.pk, tag_id=tag.pk))
        if opportunity.status == OpportunityStatus.OPEN and rng.random() < 0.3:
            actions.append(
                Action(
                    company=world.company,
                    opportunity=opportunity,
                    kind=ActionKind.CALL,
                    subject="Follow-up call",
                    due_at=now + dt.timedelta(hours=rng.randint(-200, 600)),
                    assignee=opportunity.salesperson,
                )
            )
    through.objects.bulk_create(links, batch_size=BATCH)
    Action.objects.bulk_create(actions, batch_size=BATCH)
