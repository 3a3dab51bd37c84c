"""The demo group's configuration (SPEC AD1-AD3): three companies, their currencies and rates,
two stage templates, five portfolios, loss reasons, sale types, tags, estimate line fields."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from salespipe.demo.vocabulary import DEPARTMENTS, TEAMS
from salespipe.org.models import Company, Currency, Department, ExchangeRate, Team
from salespipe.pipeline.models import (
    EstimateLineField,
    LossReason,
    LossStatus,
    Portfolio,
    SaleType,
    SaleTypeMode,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
    TagKind,
)

CURRENCIES = {
    "EUR": "Euro",
    "CHF": "Franc suisse",
    "GBP": "Livre sterling",
    "USD": "Dollar américain",
}

# Units of the company currency per unit of the other, a year ago and now: totals convert
# with the latest rate on or before the day (SPEC B6).
RATES: dict[tuple[str, str], tuple[str, str]] = {
    ("USD", "EUR"): ("0.9200", "0.8650"),
    ("GBP", "EUR"): ("1.1700", "1.1550"),
    ("CHF", "EUR"): ("1.0400", "1.0700"),
    ("EUR", "CHF"): ("0.9600", "0.9350"),
    ("USD", "CHF"): ("0.8850", "0.8100"),
    ("GBP", "CHF"): ("1.1250", "1.0800"),
}

# name, currency, e-mail domain, country of its clients
COMPANIES = (
    ("Dupont Informatique", "EUR", "dupont-informatique.fr", "fr"),
    ("Dupont Formation", "EUR", "dupont-formation.fr", "fr"),
    ("Helvetia Conseil", "CHF", "helvetia-conseil.ch", "ch"),
)

# (name, probability, status, mandatory fields): open stages first, in order.
type StagePlan = tuple[str, int, StageStatus, list[str]]

PROJECT_CYCLE: tuple[StagePlan, ...] = (
    ("Prospection", 5, StageStatus.OPEN, []),
    ("Qualification", 15, StageStatus.OPEN, []),
    ("Analyse des besoins", 30, StageStatus.OPEN, ["amount"]),
    ("Proposition commerciale", 50, StageStatus.OPEN, ["expected_signature_date", "contact"]),
    ("Négociation", 70, StageStatus.OPEN, ["email"]),
    ("Accord verbal", 90, StageStatus.OPEN, ["days"]),
    ("Signée", 100, StageStatus.WON, []),
    ("Signée via un partenaire", 100, StageStatus.WON, ["description"]),
)
SHORT_CYCLE: tuple[StagePlan, ...] = (
    ("Piste", 10, StageStatus.OPEN, []),
    ("Contact établi", 25, StageStatus.OPEN, ["phone"]),
    ("Démonstration", 45, StageStatus.OPEN, ["contact"]),
    ("Devis envoyé", 65, StageStatus.OPEN, ["amount", "expected_signature_date"]),
    ("Relance finale", 85, StageStatus.OPEN, []),
    ("Commande reçue", 100, StageStatus.WON, []),
)
TEMPLATES = {"Cycle projet": PROJECT_CYCLE, "Cycle court": SHORT_CYCLE}


@dataclass(frozen=True)
class PortfolioPlan:
    """How a portfolio's deals look: its share of the opportunities and their size."""

    name: str
    company: str
    template: str
    share: float
    amount_range: tuple[int, int]
    day_rate: int | None
    default_stage: str | None = None


PORTFOLIOS = (
    PortfolioPlan(
        "Projets grands comptes",
        "Dupont Informatique",
        "Cycle projet",
        0.30,
        (20_000, 400_000),
        950,
    ),
    PortfolioPlan("Projets PME", "Dupont Informatique", "Cycle projet", 0.25, (3_000, 60_000), 750),
    PortfolioPlan(
        "Licences et abonnements",
        "Dupont Informatique",
        "Cycle court",
        0.20,
        (500, 30_000),
        None,
        default_stage="Contact établi",
    ),
    PortfolioPlan("Formations", "Dupont Formation", "Cycle court", 0.12, (800, 15_000), 1_100),
    PortfolioPlan(
        "Conseil Suisse romande", "Helvetia Conseil", "Cycle projet", 0.13, (5_000, 150_000), 1_400
    ),
)

LOSS_REASONS = {
    LossStatus.LOST: ("Prix trop élevé", "Concurrent retenu", "Délais trop longs"),
    LossStatus.ABANDONED: ("Projet annulé", "Budget gelé", "Plus de nouvelles du client"),
    LossStatus.OUT_OF_TARGET: (
        "Hors de notre cœur de métier",
        "Client trop petit",
        "Zone géographique non couverte",
    ),
}

SALE_TYPES = (
    ("Licences", SaleTypeMode.QUANTITY),
    ("Matériel", SaleTypeMode.QUANTITY),
    ("Prestations de conseil", SaleTypeMode.DAYS),
    ("Formation", SaleTypeMode.DAYS),
    ("Maintenance annuelle", SaleTypeMode.AMOUNT),
    ("Forfait de mise en service", SaleTypeMode.AMOUNT),
)

OPPORTUNITY_TAGS = (
    ("Stratégique", "#7c3aed"),
    ("Urgent", "#dc2626"),
    ("Appel d'offres", "#2563eb"),
    ("Renouvellement", "#059669"),
    ("Secteur public", "#0891b2"),
    ("Partenaire", "#d97706"),
    ("Nouveau client", "#db2777"),
    ("Recommandation", "#65a30d"),
)
OTHER_TAGS = (("Newsletter", "#64748b"), ("Salon professionnel", "#475569"))

LINE_FIELDS = ("Centre de coûts", "Référence client", "Lot", "Commentaire")


@dataclass
class TemplatePlan:
    template: StageTemplate
    open_stages: list[Stage]
    won_stages: list[Stage]


@dataclass
class Configuration:
    currencies: dict[str, Currency]
    companies: list[Company]
    company_domains: dict[int, str]
    company_countries: dict[int, str]
    teams: dict[str, Team]
    departments: dict[str, Department]
    templates: dict[str, TemplatePlan]
    portfolios: list[tuple[Portfolio, PortfolioPlan]]
    loss_reasons: list[LossReason]
    sale_types: list[SaleType]
    opportunity_tags: list[Tag]
    companies_by_name: dict[str, Company] = field(default_factory=dict)


def create_configuration(reference: dt.date) -> Configuration:
    currencies = {
        code: Currency.objects.create(code=code, name=name) for code, name in CURRENCIES.items()
    }
    year_ago = reference - dt.timedelta(days=365)
    last_month = reference - dt.timedelta(days=30)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            source=currencies[source], target=currencies[target], rate=Decimal(rate), valid_from=day
        )
        for (source, target), rates in RATES.items()
        for rate, day in zip(rates, (year_ago, last_month), strict=True)
    )
    companies_by_name = {
        name: Company.objects.create(name=name, currency=currencies[code])
        for name, code, _domain, _country in COMPANIES
    }
    templates = {name: _create_template(name, stages) for name, stages in TEMPLATES.items()}
    portfolios = []
    for plan in PORTFOLIOS:
        template = templates[plan.template]
        default = next(
            (stage for stage in template.open_stages if stage.name == plan.default_stage), None
        )
        portfolio = Portfolio.objects.create(
            name=plan.name,
            company=companies_by_name[plan.company],
            template=template.template,
            default_stage=default,
        )
        portfolios.append((portfolio, plan))
    loss_reasons = LossReason.objects.bulk_create(
        LossReason(name=name, status=status)
        for status, names in LOSS_REASONS.items()
        for name in names
    )
    sale_types = SaleType.objects.bulk_create(
        SaleType(name=name, mode=mode) for name, mode in SALE_TYPES
    )
    opportunity_tags = Tag.objects.bulk_create(
        Tag(name=name, kind=TagKind.OPPORTUNITY, color=color) for name, color in OPPORTUNITY_TAGS
    )
    Tag.objects.bulk_create(
        Tag(name=name, kind=TagKind.OTHER, color=color) for name, color in OTHER_TAGS
    )
    EstimateLineField.objects.bulk_create(
        EstimateLineField(label=label, position=position)
        for position, label in enumerate(LINE_FIELDS, start=1)
    )
    return Configuration(
        currencies=currencies,
        companies=list(companies_by_name.values()),
        company_domains={
            companies_by_name[name].pk: domain for name, _code, domain, _country in COMPANIES
        },
        company_countries={
            companies_by_name[name].pk: country for name, _code, _domain, country in COMPANIES
        },
        teams={name: Team.objects.create(name=name) for name in TEAMS},
        departments={name: Department.objects.create(name=name) for name in DEPARTMENTS},
        templates=templates,
        portfolios=portfolios,
        loss_reasons=loss_reasons,
        sale_types=sale_types,
        opportunity_tags=opportunity_tags,
        companies_by_name=companies_by_name,
    )


DEMO_STALE_DAYS = 60


def _create_template(name: str, stages: tuple[StagePlan, ...]) -> TemplatePlan:
    template = StageTemplate.objects.create(name=name)
    created = [
        Stage.objects.create(
            template=template,
            name=stage_name,
            order=position * 10,
            probability=probability,
            status=status,
            mandatory_fields=fields,
            # X1: an open deal untouched for two months stands out.
            stale_after_days=DEMO_STALE_DAYS if status == StageStatus.OPEN else None,
        )
        for position, (stage_name, probability, status, fields) in enumerate(stages, start=1)
    ]
    return TemplatePlan(
        template=template,
        open_stages=[stage for stage in created if stage.is_open],
        won_stages=[stage for stage in created if stage.is_won],
    )
