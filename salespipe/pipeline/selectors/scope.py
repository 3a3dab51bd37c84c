"""What a board or calendar shows before any filter: a portfolio, a group or every portfolio,
its open stages, the open opportunities the user may see, and its display currency."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.lib.prepared import prepared_objects
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
    currency: Currency
    can_create: bool
    user: Collaborator
    # Which portfolios it holds, as a condition on a row's `portfolio`.
    within: Q

    # Both built when first used: a read prepared for the page's shape uses neither.
    @cached_property
    def opportunities(self) -> QuerySet[Opportunity]:
        """The open opportunities in this scope that the user may see, before any filter."""
        open_ones = Opportunity.objects.filter(status=OpportunityStatus.OPEN)
        return access.scoped(self.user, open_ones).filter(self.within)

    @cached_property
    def column_totals(self) -> QuerySet[ColumnTotal]:
        """Their totals as the database keeps them, per column and currency."""
        return access.scoped(self.user, ColumnTotal.objects.all()).filter(self.within)

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
    if portfolio_id is not None:
        # Read on every change's answer: prepared once (`salespipe.lib.prepared`).
        found = prepared_objects(
            "portfolio",
            [as_id(portfolio_id, Portfolio)],
            Portfolio,
            lambda pk: Portfolio.objects.filter(pk=pk[0]),
            related=("company__currency", "template"),
        )
        if not found:
            raise OutOfScope(Portfolio, portfolio_id)
        portfolio = found[0]
        stages = prepared_objects(
            "open stages",
            [portfolio.template_id],
            Stage,
            lambda template: Stage.objects.filter(template=template[0], status=StageStatus.OPEN),
        )
        for stage in stages:
            # As the template's related manager does: a page naming a stage's template reads
            # no more.
            stage.template = portfolio.template
        return Scope(
            label=portfolio.name,
            portfolio=portfolio,
            template=portfolio.template,
            stages=sorted(stages, key=stage_position),
            currency=portfolio.company.currency,
            can_create=portfolio.company_id in company_ids(user),
            user=user,
            within=Q(portfolio=portfolio),
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
            currency=_first_company_currency(user, None),
            can_create=False,
            user=user,
            within=Q(portfolio__template=template),
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
        currency=_first_company_currency(user, None),
        can_create=False,
        user=user,
        within=Q(),
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
