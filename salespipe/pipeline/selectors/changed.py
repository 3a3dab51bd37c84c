"""What a change changed on a board or calendar (B21): the cards named, each with its place,
the ids no longer shown, and every total."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Subquery

from salespipe.lib.prepared import prepared_rows
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors.cards import (
    CARD_COLUMNS,
    RELATION_COLUMNS,
    Card,
    cards_of_rows,
)
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


def _before_anchor(anchor: Subquery, pk: int, empty: bool, descending: bool) -> Q:
    """The cards before the card `pk` in the column's order, `anchor` being its sort value
    (`empty` when it has none); empty values always come last."""
    if empty:
        return Q(**{f"{SORT_ALIAS}__isnull": False}) | Q(
            **{f"{SORT_ALIAS}__isnull": True}, pk__lt=pk
        )
    before, bound = ("gt", "gte") if descending else ("lt", "lte")
    # The bound says again what the two branches say, as a range the database can walk an
    # index back from (`opp_column_signature`); an OR alone makes it scan from the end.
    return Q(**{f"{SORT_ALIAS}__{bound}": anchor}) & (
        Q(**{f"{SORT_ALIAS}__{before}": anchor}) | Q(**{SORT_ALIAS: anchor}, pk__lt=pk)
    )


def _placed[K](
    frame: Frame[K],
    ids: list[int],
    filters: BoardFilters,
    weighted: bool,
    layout: Layout[K, Any],
) -> list[PlacedCard[K]]:
    if not ids:
        return []
    descending = filters.sort.startswith("-")
    rates = frame.scope.rates
    ordering = filters.ordering(rates)

    def keyed() -> QuerySet[Opportunity]:
        return frame.matching.annotate(**{SORT_ALIAS: filters.sort_key(rates)})

    # The cards with their tags, next actions and sort value, the last column, in one query;
    # read in the columns' order, a card named comes before any other named card it precedes.
    rows = prepared_rows(
        frame.key,
        ids,
        lambda named: (
            keyed()
            .filter(pk__in=named)
            .annotate(**RELATION_COLUMNS)
            .order_by(*ordering)
            .values_list(*CARD_COLUMNS, *RELATION_COLUMNS, SORT_ALIAS)
        ),
    )
    cards = cards_of_rows(
        [row[:-1] for row in rows], weighted, frame.scope.stages, with_relations=True
    )
    placed = []
    for card, row in zip(cards, rows, strict=True):
        column = layout.column_of(card)
        empty = row[-1] is None

        def before(named: list[int], column: K = column, empty: bool = empty) -> QuerySet[Any]:
            (pk,) = named
            anchor = Subquery(keyed().filter(pk=pk).values(SORT_ALIAS)[:1])
            return (
                keyed()
                .filter(frame.partitions[column], _before_anchor(anchor, pk, empty, descending))
                .order_by(*ordering)
                .reverse()
                .values_list("pk")[:1]
            )

        # Keyed by the column too: its condition is part of the read.
        found = prepared_rows(
            None if frame.key is None else (frame.key, layout.key(column), empty),
            [card.id],
            before,
        )
        placed.append(PlacedCard(card=card, column=column, after=found[0][0] if found else None))
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
    placed = _placed(frame, ids, filters, weighted, layout)
    shown = {item.card.id for item in placed}
    return Changes(
        view=layout.assemble(frame, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in shown],
    )
