"""The shared test world: personas, two companies, two templates, portfolios and accounts.

alice: company A, every right. bob: company A, no right. charlie: company B only.
Small `make_*` helpers build what a test needs on top of it.
"""

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.org.models import Collaborator, Company, Currency, Department, ExchangeRate, Team
from salespipe.pipeline.models import (
    LossReason,
    LossStatus,
    Opportunity,
    OpportunityStatus,
    Portfolio,
    SaleType,
    SaleTypeMode,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
    TagKind,
)

_sequence = itertools.count(1)
PASSWORD = "demo-password"


@dataclass
class World:
    eur: Currency
    gbp: Currency
    usd: Currency
    company_a: Company
    company_b: Company
    sales_team: Team
    presales_team: Team
    paris: Department
    lyon: Department
    alice: Collaborator
    bob: Collaborator
    charlie: Collaborator
    # The "Projects" template: qualification (no field), discovery (amount),
    # proposal (expected signature date, contact), negotiation; won: signed.
    projects: StageTemplate
    qualification: Stage
    discovery: Stage
    proposal: Stage
    negotiation: Stage
    signed: Stage
    signed_partner: Stage
    # The "Licences" template, of one open stage and one won stage.
    licences: StageTemplate
    licence_lead: Stage
    licence_won: Stage
    portfolio_a: Portfolio
    portfolio_a2: Portfolio
    portfolio_b: Portfolio
    licences_a: Portfolio
    account_a: Account
    account_b: Account
    contact_a: Contact
    contact_b: Contact
    tag_hot: Tag
    tag_other_kind: Tag
    reason_lost: LossReason
    reason_abandoned: LossReason
    reason_out: LossReason
    sale_type_quantity: SaleType
    sale_type_days: SaleType
    sale_type_amount: SaleType


def make_user(username: str, *companies: Company, **fields: Any) -> Collaborator:
    user = Collaborator.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **fields
    )
    user.companies.set(companies)
    return user


def make_stage(
    template: StageTemplate, name: str, order: int, probability: int, **fields: Any
) -> Stage:
    return Stage.objects.create(
        template=template, name=name, order=order, probability=probability, **fields
    )


def make_account(company: Company, name: str | None = None, **fields: Any) -> Account:
    number = next(_sequence)
    return Account.objects.create(
        company=company, name=name or f"Account {number}", kind=AccountKind.CLIENT, **fields
    )


def make_contact(account: Account, last_name: str | None = None, **fields: Any) -> Contact:
    return Contact.objects.create(
        account=account, last_name=last_name or f"Contact {next(_sequence)}", **fields
    )


def make_opportunity(
    portfolio: Portfolio,
    *,
    account: Account | None = None,
    stage: Stage | None = None,
    salesperson: Collaborator | None = None,
    **fields: Any,
) -> Opportunity:
    """An opportunity written straight to the database, bypassing the rules: for set-ups."""
    if stage is None:
        stage = portfolio.template.stages.filter(status=StageStatus.OPEN).order_by("order").first()
    if account is None:
        account = Account.objects.filter(company=portfolio.company).first() or make_account(
            portfolio.company
        )
    if salesperson is None:
        salesperson = (
            Collaborator.objects.filter(companies=portfolio.company).order_by("id").first()
        )
    assert stage is not None, "the template has an open stage"
    assert salesperson is not None, "the company has a collaborator"
    fields.setdefault("name", f"Deal {next(_sequence)}")
    fields.setdefault("currency_id", portfolio.company.currency_id)
    fields.setdefault("status", OpportunityStatus.OPEN)
    return Opportunity.objects.create(
        portfolio=portfolio,
        company=portfolio.company,
        stage=stage,
        account=account,
        salesperson=salesperson,
        **fields,
    )


def make_world() -> World:
    eur = Currency.objects.create(code="EUR", name="Euro")
    gbp = Currency.objects.create(code="GBP", name="Pound sterling")
    usd = Currency.objects.create(code="USD", name="US dollar")
    today = timezone.localdate()
    ExchangeRate.objects.create(
        source=usd, target=eur, rate=Decimal("0.90"), valid_from=today - dt.timedelta(days=30)
    )
    ExchangeRate.objects.create(
        source=gbp, target=eur, rate=Decimal("1.15"), valid_from=today - dt.timedelta(days=30)
    )
    company_a = Company.objects.create(name="Company A", currency=eur)
    company_b = Company.objects.create(name="Company B", currency=gbp)
    sales_team = Team.objects.create(name="Field sales")
    presales_team = Team.objects.create(name="Presales")
    paris = Department.objects.create(name="Paris")
    lyon = Department.objects.create(name="Lyon")
    alice = make_user(
        "alice",
        company_a,
        team=sales_team,
        department=paris,
        quick_account=True,
        change_default_stage=True,
        show_closed=True,
    )
    bob = make_user("bob", company_a, team=presales_team, department=lyon)
    charlie = make_user("charlie", company_b, team=sales_team, department=paris)

    projects = StageTemplate.objects.create(name="Projects")
    qualification = make_stage(projects, "Qualification", 1, 10)
    discovery = make_stage(projects, "Discovery", 2, 30, mandatory_fields=["amount"])
    proposal = make_stage(
        projects, "Proposal", 3, 60, mandatory_fields=["expected_signature_date", "contact"]
    )
    negotiation = make_stage(projects, "Negotiation", 4, 80)
    signed = make_stage(projects, "Signed", 10, 100, status=StageStatus.WON)
    signed_partner = make_stage(
        projects, "Signed by a partner", 11, 100, status=StageStatus.WON, mandatory_fields=["days"]
    )
    licences = StageTemplate.objects.create(name="Licences")
    licence_lead = make_stage(licences, "Lead", 1, 20)
    licence_won = make_stage(licences, "Licence signed", 5, 100, status=StageStatus.WON)

    portfolio_a = Portfolio.objects.create(name="Projects A", company=company_a, template=projects)
    portfolio_a2 = Portfolio.objects.create(
        name="Projects A North", company=company_a, template=projects
    )
    portfolio_b = Portfolio.objects.create(name="Projects B", company=company_b, template=projects)
    licences_a = Portfolio.objects.create(name="Licences A", company=company_a, template=licences)

    account_a = make_account(
        company_a,
        "Boulangerie Dupont",
        siren="732829320",
        phone="01 23 45 67 89",
        email="contact@dupont.example",
    )
    account_b = make_account(company_b, "Brasserie Martin", siren="552100554")
    contact_a = make_contact(account_a, "Dupont", first_name="Marie", phone="06 12 34 56 78")
    contact_b = make_contact(account_b, "Martin", first_name="Paul")
    return World(
        eur=eur,
        gbp=gbp,
        usd=usd,
        company_a=company_a,
        company_b=company_b,
        sales_team=sales_team,
        presales_team=presales_team,
        paris=paris,
        lyon=lyon,
        alice=alice,
        bob=bob,
        charlie=charlie,
        projects=projects,
        qualification=qualification,
        discovery=discovery,
        proposal=proposal,
        negotiation=negotiation,
        signed=signed,
        signed_partner=signed_partner,
        licences=licences,
        licence_lead=licence_lead,
        licence_won=licence_won,
        portfolio_a=portfolio_a,
        portfolio_a2=portfolio_a2,
        portfolio_b=portfolio_b,
        licences_a=licences_a,
        account_a=account_a,
        account_b=account_b,
        contact_a=contact_a,
        contact_b=contact_b,
        tag_hot=Tag.objects.create(name="Hot", kind=TagKind.OPPORTUNITY, color="#dc2626"),
        tag_other_kind=Tag.objects.create(name="Newsletter", kind=TagKind.OTHER),
        reason_lost=LossReason.objects.create(name="Price too high", status=LossStatus.LOST),
        reason_abandoned=LossReason.objects.create(
            name="Project cancelled", status=LossStatus.ABANDONED
        ),
        reason_out=LossReason.objects.create(
            name="Not our market", status=LossStatus.OUT_OF_TARGET
        ),
        sale_type_quantity=SaleType.objects.create(name="Licences", mode=SaleTypeMode.QUANTITY),
        sale_type_days=SaleType.objects.create(name="Consulting", mode=SaleTypeMode.DAYS),
        sale_type_amount=SaleType.objects.create(name="Lump sum", mode=SaleTypeMode.AMOUNT),
    )
