"""The portfolios and groups a header offers (SPEC B7), with their open counts."""

from dataclasses import dataclass

from django.db.models import Count, Q

from salespipe.org.access import company_ids
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    OpportunityStatus,
    Portfolio,
    StageTemplate,
)


@dataclass(frozen=True)
class PortfolioChoice:
    portfolio: Portfolio
    open_count: int


@dataclass(frozen=True)
class GroupChoice:
    template: StageTemplate
    portfolios: list[Portfolio]
    open_count: int


@dataclass(frozen=True)
class PortfolioChoices:
    portfolios: list[PortfolioChoice]
    groups: list[GroupChoice]


def portfolio_choices(user: Collaborator, *, count_open: bool = True) -> PortfolioChoices:
    """Every portfolio of every company, and every group of two portfolios or more (SPEC B7).

    The counts are of the open opportunities the user may see: those of its companies. A
    page that shows only the names asks for none (`count_open=False`, every count 0): they
    would read every open opportunity of every portfolio on each page.
    """
    rows = Portfolio.objects.select_related("company", "template").order_by(
        "template__name", "name", "company__name"
    )
    if count_open:
        visible_open = Q(
            opportunities__status=OpportunityStatus.OPEN,
            opportunities__company_id__in=company_ids(user),
        )
        rows = rows.annotate(open_count=Count("opportunities", filter=visible_open))
    choices = [PortfolioChoice(row, getattr(row, "open_count", 0)) for row in rows]
    by_template: dict[int, list[PortfolioChoice]] = {}
    for choice in choices:
        by_template.setdefault(choice.portfolio.template_id, []).append(choice)
    groups = [
        GroupChoice(
            template=members[0].portfolio.template,
            portfolios=[member.portfolio for member in members],
            open_count=sum(member.open_count for member in members),
        )
        for members in by_template.values()
        if len(members) > 1
    ]
    return PortfolioChoices(portfolios=choices, groups=groups)
