"""What a board or calendar shows before any filter: a portfolio, a group or every portfolio,
its open stages, the open opportunities the user may see, and its display currency."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.org.access import OutOfScope, company_ids
from salespipe.org.models import Collaborator, Company, Currency
from salespipe.org.rates import RateTable
from salespipe.pipeline.models import (
    ColumnTotal,
    Opportunity,
    OpportunityStatus,
    Portfolio,
    Stage,
    StageStatus,
    StageTemplate,
)
from salespipe.pipeline.services.rules import stage_position


@dataclass(frozen=True)
class Scope:
    label: str
    portfolio: Portfolio | None
    template: StageTemplate | None
    # The open stages shown, in order (of every template shown when several).
    stages: list[Stage]
    # The open opportunities in this scope that the user may see, before any filter.
    opportunities: QuerySet[Opportunity]
    # Their totals as the database keeps them, per column and currency.
    column_totals: QuerySet[ColumnTotal]
    currency: Currency
    can_create: bool

    @cached_property
    def rates(self) -> RateTable:
        """The rates into the scope's currency, for its totals and its sort by amount: one
        table, read at most once."""
        return RateTable.load(self.currency)


def _first_company_currency(user: Collaborator, fallback: Company | None) -> Currency:
    first = access.companies(user).select_related("currency").order_by("name", "id").first()
    if first is not None:
        return first.currency
    if fallback is not None:
        return fallback.currency
    currency = Currency.objects.order_by("code").first()
    if currency is None:
        raise InvalidInput({"__all__": [_("No currency is configured.")]})
    return currency


def resolve_scope(
    user: Collaborator,
    portfolio_id: int | None,
    group_id: int | None,
    all_portfolios: bool = False,
) -> Scope:
    chosen = [portfolio_id is not None, group_id is not None, all_portfolios]
    if sum(chosen) != 1:
        raise InvalidInput({"__all__": [_("Choose one portfolio, one group or all portfolios.")]})
    visible = access.scoped(user, Opportunity.objects.filter(status=OpportunityStatus.OPEN))
    kept = access.scoped(user, ColumnTotal.objects.all())
    if portfolio_id is not None:
        portfolio = (
            Portfolio.objects.select_related("company__currency", "template")
            .filter(pk=as_id(portfolio_id, Portfolio))
            .first()
        )
        if portfolio is None:
            raise OutOfScope(Portfolio, portfolio_id)
        stages = list(portfolio.template.stages.filter(status=StageStatus.OPEN))
        return Scope(
            label=portfolio.name,
            portfolio=portfolio,
            template=portfolio.template,
            stages=sorted(stages, key=stage_position),
            opportunities=visible.filter(portfolio=portfolio),
            column_totals=kept.filter(portfolio=portfolio),
            currency=portfolio.company.currency,
            can_create=portfolio.company_id in company_ids(user),
        )
    if group_id is not None:
        template = StageTemplate.objects.filter(pk=as_id(group_id, StageTemplate)).first()
        if template is None:
            raise OutOfScope(StageTemplate, group_id)
        stages = list(template.stages.filter(status=StageStatus.OPEN))
        return Scope(
            label=_("%(template)s: all portfolios") % {"template": template.name},
            portfolio=None,
            template=template,
            stages=sorted(stages, key=stage_position),
            opportunities=visible.filter(portfolio__template=template),
            column_totals=kept.filter(portfolio__template=template),
            currency=_first_company_currency(user, None),
            can_create=False,
        )
    stages = list(
        Stage.objects.filter(status=StageStatus.OPEN, template__portfolios__isnull=False)
        .select_related("template")
        .distinct()
        .order_by("template__name", "template_id", "order", "id")
    )
    return Scope(
        label=_("All portfolios"),
        portfolio=None,
        template=None,
        stages=stages,
        opportunities=visible,
        column_totals=kept,
        currency=_first_company_currency(user, None),
        can_create=False,
    )


# Which template each portfolio follows, read for the whole process at once and again when a
# portfolio is not known yet: a portfolio's template no longer changes once it holds
# opportunities, and only those have changes to hear.
_TEMPLATES: dict[int, int] = {}


def template_of(portfolio_id: int) -> int | None:
    found = _TEMPLATES.get(portfolio_id)
    if found is None:
        _TEMPLATES.update(Portfolio.objects.values_list("id", "template_id"))
        found = _TEMPLATES.get(portfolio_id)
    return found


def in_template(template_id: int) -> Callable[[int], bool]:
    """Whether a portfolio follows the template `template_id`: a group's portfolios."""
    return lambda portfolio_id: template_of(portfolio_id) == template_id


def as_id(raw: object, model: type[models.Model]) -> int:
    """An id from an int or digits; anything else can't name an object: `OutOfScope`."""
    found = integer(raw)
    if found is None:
        raise OutOfScope(model, raw)
    return found


CARD_RELATIONS = ("account", "salesperson", "currency", "stage", "contact", "portfolio")
