"""What a change changed on a board or calendar (B21): the cards named, each with its place,
the ids no longer shown, and every total."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from salespipe.lib.months import Month
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    Opportunity,
)
from salespipe.pipeline.selectors.cards import Card, read_cards
from salespipe.pipeline.selectors.columns import (
    Board,
    Calendar,
    board_frame,
    board_of,
    calendar_frame,
    calendar_of,
    month_of,
)
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.more import SORT_ALIAS
from salespipe.pipeline.selectors.scope import Scope

# --- What changed on a board or calendar (B21, and the answer to a change) -------------------
#
# A change answers with what it changed, and a colleague's change reaches the other open pages
# the same way: the cards named, each with the card drawn just before it in its column (where
# the page puts it), the ids no longer shown, and every total. A fixed number of queries, plus
# one per card named to find its place.


@dataclass(frozen=True)
class PlacedCard:
    card: Card
    # The column's key: a stage id on the board, a month (None: *No date*) on the calendar.
    column: int | Month | None
    # The id of the card just before it in its column's order; None when it comes first.
    after: int | None


@dataclass(frozen=True)
class Changes[V]:
    # The page's totals and summary; its columns hold no cards.
    view: V
    # The cards named that the page shows, in an order where each one's `after` comes first.
    placed: list[PlacedCard]
    # The ids named that the page no longer shows (moved out, closed, deleted, filtered out).
    gone: list[int]


def _before_anchor(value: Any, pk: int, descending: bool) -> Q:
    """The cards before (value, pk) in the column's order; empty values always come last."""
    if value is None:
        return Q(**{f"{SORT_ALIAS}__isnull": False}) | Q(
            **{f"{SORT_ALIAS}__isnull": True}, pk__lt=pk
        )
    before, bound = ("gt", "gte") if descending else ("lt", "lte")
    # The bound says again what the two branches say, as a range the database can walk an
    # index back from (`opp_column_signature`); an OR alone makes it scan from the end.
    return Q(**{f"{SORT_ALIAS}__{bound}": value}) & (
        Q(**{f"{SORT_ALIAS}__{before}": value}) | Q(**{SORT_ALIAS: value}, pk__lt=pk)
    )


def _placed[K: int | Month | None](
    scope: Scope,
    matching: QuerySet[Opportunity],
    partitions: Mapping[K, Q],
    ids: list[int],
    filters: BoardFilters,
    weighted: bool,
    column_of: Callable[[Card], K],
) -> list[PlacedCard]:
    if not ids:
        return []
    descending = filters.sort.startswith("-")
    keyed = matching.annotate(**{SORT_ALIAS: filters.sort_key(scope.rates)})
    ordering = filters.ordering(scope.rates)
    named = keyed.filter(pk__in=ids)
    values = dict(named.values_list("pk", SORT_ALIAS))
    cards = read_cards(named, [], ordering, None, weighted)
    placed = []
    # Read in the columns' order: a card named comes before any other named card it precedes.
    for card in cards:
        column = column_of(card)
        before = (
            keyed.filter(partitions[column], _before_anchor(values[card.id], card.id, descending))
            .order_by(*ordering)
            .reverse()
            .values_list("pk", flat=True)[:1]
        )
        placed.append(PlacedCard(card=card, column=column, after=next(iter(before), None)))
    return placed


def board_changes(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    ids: list[int],
) -> Changes[Board]:
    """What the board of `portfolio_id` or `group_id` now shows of the opportunities `ids`."""
    scope, matching, partitions = board_frame(user, portfolio_id, group_id, filters)
    placed = _placed(
        scope, matching, partitions, ids, filters, weighted, lambda card: card.stage_id
    )
    shown = {item.card.id for item in placed}
    return Changes(
        view=board_of(scope, matching, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in shown],
    )


def calendar_changes(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    all_portfolios: bool = False,
    start: Month,
    months: int,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    ids: list[int],
) -> Changes[Calendar]:
    """As `board_changes`, for the calendar of `months` months from `start`."""
    scope, shown, matching, partitions = calendar_frame(
        user, portfolio_id, group_id, all_portfolios, start, months, filters
    )
    placed = _placed(scope, matching, partitions, ids, filters, weighted, month_of)
    found = {item.card.id for item in placed}
    return Changes(
        view=calendar_of(scope, shown, matching, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in found],
    )
