"""The next cards of a column: *Show more*, and live search beyond the cards drawn (B11, P6)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.org.models import Collaborator, Currency
from salespipe.pipeline.selectors.cards import Card, read_cards
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import Layout

# --- More cards of a column: Show more, and live search beyond the cards drawn ------------------
#
# A column draws its first cards (`card_limit`); *Show more* asks for the next ones, and live
# search asks for the matching cards not drawn yet. Both read "the cards after the last one
# drawn", by key rather than by offset: the last card's sort value and id (ties are broken by
# id, see `BoardFilters.ordering`), so that a card moved meanwhile shifts nothing. An anchor
# that is gone (deleted, closed, out of scope) starts the column from its first card; the
# page skips the cards it already has.

SORT_ALIAS = "more_sort_value"


@dataclass(frozen=True)
class MoreCards:
    cards: list[Card]
    # Matching cards of the column still after these.
    remaining: int
    # The board's display currency, which the page's figures are converted into.
    currency: Currency


def _after_anchor(value: Any, pk: int, descending: bool) -> Q:
    """The cards after (value, pk) in the column's order; empty values always come last."""
    if value is None:
        return Q(**{f"{SORT_ALIAS}__isnull": True}) & Q(pk__gt=pk)
    beyond = "lt" if descending else "gt"
    return (
        Q(**{f"{SORT_ALIAS}__{beyond}": value})
        | Q(**{SORT_ALIAS: value}, pk__gt=pk)
        | Q(**{f"{SORT_ALIAS}__isnull": True})
    )


def more[K, V](
    *,
    user: Collaborator,
    layout: Layout[K, V],
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    after: Mapping[K, int | None],
    limit: int,
) -> dict[K, MoreCards]:
    """The next cards of the columns of the board or calendar that `layout` lays out:
    `after` maps a column (a stage id, or a month and None for *No date*) to the id of the
    last card drawn in it (None: from the first), and `limit` caps each column. `filters` may
    hold a live search (`search`, `reach`): then only the matching cards not drawn yet come."""
    frame = layout.frame(user, filters)
    scope, matching, partitions = frame.scope, frame.matching, frame.partitions
    if isinstance(limit, bool) or not 1 <= limit <= MAX_MORE_CARDS:
        raise InvalidInput({"limit": [_("Between 1 and %(max)s cards.") % {"max": MAX_MORE_CARDS}]})
    unknown = [key for key in after if key not in partitions]
    if unknown:
        raise InvalidInput({"after": [_("This column is not shown.")]})
    if not after:
        return {}
    descending = filters.sort.startswith("-")
    sort_key = filters.sort_key(scope.rates)
    # Anchors are looked up among every open card in scope, not only those matching: the
    # last card drawn before a search began needn't match the search.
    anchor_ids = [pk for pk in after.values() if pk is not None]
    anchors = dict(
        scope.opportunities.filter(pk__in=anchor_ids)
        .annotate(**{SORT_ALIAS: sort_key})
        .values_list("pk", SORT_ALIAS)
    )
    conditions: dict[K, Q] = {}
    for key, anchor in after.items():
        condition = partitions[key]
        if anchor is not None and anchor in anchors:
            condition &= _after_anchor(anchors[anchor], anchor, descending)
        conditions[key] = condition
    keyed = matching.annotate(**{SORT_ALIAS: sort_key})
    counts = keyed.aggregate(
        **{f"column_{index}": Count("pk", filter=c) for index, c in enumerate(conditions.values())}
    )
    cards = read_cards(
        keyed,
        list(conditions.values()),
        filters.ordering(scope.rates),
        limit,
        weighted,
        scope.stages,
    )
    by_column: dict[K, list[Card]] = {}
    for card in cards:
        by_column.setdefault(layout.column_of(card), []).append(card)
    return {
        key: MoreCards(
            cards=by_column.get(key, []),
            remaining=counts[f"column_{index}"] - len(by_column.get(key, [])),
            currency=scope.currency,
        )
        for index, key in enumerate(conditions)
    }


MAX_MORE_CARDS = 500
