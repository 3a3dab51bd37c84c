"""The won and lost lists (B19), and one opportunity as its sheet shows it."""

from dataclasses import dataclass
from typing import Literal

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    Opportunity,
    OpportunityStatus,
    Portfolio,
    StageTemplate,
)
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.scope import CARD_RELATIONS, as_id

# --- Won and lost lists (B19) ---------------------------------------------------------------

ClosedOutcome = Literal["won", "lost"]
_OUTCOME_STATUSES: dict[str, list[str]] = {
    "won": [OpportunityStatus.WON],
    "lost": [
        OpportunityStatus.LOST,
        OpportunityStatus.ABANDONED,
        OpportunityStatus.OUT_OF_TARGET,
    ],
}


@dataclass(frozen=True)
class ClosedList:
    outcome: ClosedOutcome
    rows: list[Opportunity]
    # How many match, of which at most `limit` are in `rows`.
    total: int
    limit: int


def closed_opportunities(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    outcome: ClosedOutcome,
    search: str = "",
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
) -> QuerySet[Opportunity]:
    """B19: every won, or lost (lost, abandoned, out of target), opportunity of a portfolio, a
    group or (neither given) every portfolio, of the user's companies, newest outcome first.

    `search` matches the start of the call name, the account's name or the contact's name;
    `filters` narrow as on the board, their sort is not used.
    """
    if outcome not in _OUTCOME_STATUSES:
        raise InvalidInput({"outcome": [_("Won or lost is expected.")]})
    queryset = access.scoped(
        user, Opportunity.objects.filter(status__in=_OUTCOME_STATUSES[outcome])
    )
    if portfolio_id is not None:
        queryset = queryset.filter(portfolio_id=as_id(portfolio_id, Portfolio))
    elif group_id is not None:
        queryset = queryset.filter(portfolio__template_id=as_id(group_id, StageTemplate))
    key = search_key(search)
    if key:
        queryset = queryset.filter(
            Q(name__istartswith=search.strip())
            | Q(account__name_key__startswith=key)
            | Q(contact__name_key__startswith=key)
        )
    outcome_day = "signed_on" if outcome == "won" else "lost_on"
    return filters.apply(queryset, user).order_by(
        F(outcome_day).desc(nulls_last=True), "-updated_at", "-id"
    )


def closed_list(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    outcome: ClosedOutcome,
    search: str = "",
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    limit: int = 200,
) -> ClosedList:
    """The first `limit` of `closed_opportunities`, with how many there are in all."""
    if isinstance(limit, bool) or limit < 1:
        raise InvalidInput({"limit": [_("A number of one or more is expected.")]})
    queryset = closed_opportunities(
        user=user,
        portfolio_id=portfolio_id,
        group_id=group_id,
        outcome=outcome,
        search=search,
        filters=filters,
    )
    rows = list(
        queryset.select_related(*CARD_RELATIONS, "loss_reason").prefetch_related("tags")[:limit]
    )
    total = len(rows) if len(rows) < limit else queryset.count()
    return ClosedList(outcome=outcome, rows=rows, total=total, limit=limit)


def opportunity_detail(*, user: Collaborator, opportunity_id: int) -> Opportunity:
    """One opportunity with what its sheet shows loaded; `OutOfScope` if not the user's."""
    queryset = Opportunity.objects.select_related(
        *CARD_RELATIONS, "company", "loss_reason", "created_by", "stage__template"
    ).prefetch_related("tags")
    return access.get(user, queryset, opportunity_id)
