"""What a change changed on a board or calendar (B21): the cards named, each with its place,
the ids no longer shown, and every total."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from salespipe.org.models import Collaborator
from salespipe.pipeline.selectors.cards import Card, read_cards
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import Frame, Layout
from salespipe.pipeline.selectors.next_cards import SORT_ALIAS

# --- What changed on a board or calendar (B21, and the answer to a change) -------------------
#
# A change answers with what it changed, and a colleague's change reaches the other open pages
# the same way: the cards named, each with the card drawn just before it in its column (where
# the page puts it), the ids no longer shown, and every total. A fixed number of queries, plus
# one per card named to find its place.


@dataclass(frozen=True)
class PlacedCard[K]:
    card: Card
    # Its column: a stage id on the board, a month (None: *No date*) on the calendar.
    column: K
    # The id of the card just before it in its column's order; None when it comes first.
    after: int | None


@dataclass(frozen=True)
class Changes[K, V]:
    # The page's totals and summary; its columns hold no cards.
    view: V
    # The cards named that the page shows, in an order where each one's `after` comes first.
    placed: list[PlacedCard[K]]
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


def _placed[K](
    frame: Frame[K],
    ids: list[int],
    filters: BoardFilters,
    weighted: bool,
    column_of: Callable[[Card], K],
) -> list[PlacedCard[K]]:
    if not ids:
        return []
    descending = filters.sort.startswith("-")
    keyed = frame.matching.annotate(**{SORT_ALIAS: filters.sort_key(frame.scope.rates)})
    ordering = filters.ordering(frame.scope.rates)
    named = keyed.filter(pk__in=ids)
    values = dict(named.values_list("pk", SORT_ALIAS))
    cards = read_cards(named, [], ordering, None, weighted, frame.scope.stages)
    placed = []
    # Read in the columns' order: a card named comes before any other named card it precedes.
    for card in cards:
        column = column_of(card)
        before = (
            keyed.filter(
                frame.partitions[column], _before_anchor(values[card.id], card.id, descending)
            )
            .order_by(*ordering)
            .reverse()
            .values_list("pk", flat=True)[:1]
        )
        placed.append(PlacedCard(card=card, column=column, after=next(iter(before), None)))
    return placed


def changes[K, V](
    *,
    user: Collaborator,
    layout: Layout[K, V],
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    ids: list[int],
) -> Changes[K, V]:
    """What the board or calendar that `layout` lays out now shows of the opportunities `ids`."""
    frame = layout.frame(user, filters)
    placed = _placed(frame, ids, filters, weighted, layout.column_of)
    shown = {item.card.id for item in placed}
    return Changes(
        view=layout.assemble(frame, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in shown],
    )
