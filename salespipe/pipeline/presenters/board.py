"""What a board card needs beyond the selector's card: its figure in the board's currency
and its markup, whose data attributes let live search and its totals work without a request
(SPEC B11-B13). Shared by every page that draws cards (board, calendar, *Show more*).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from salespipe.org.rates import RateTable
from salespipe.pipeline.presenters.card_html import CardRenderer
from salespipe.pipeline.selectors import Column
from salespipe.pipeline.selectors.cards import Card
from salespipe.web.late_fragments import LateFragments


@dataclass(frozen=True, slots=True)
class DrawnCards:
    # Every card's markup, in order, drawn once by `CardRenderer`.
    html: SafeString
    # The last card's id, where *Show more* goes on from; None without cards.
    last_id: int | None


@dataclass(frozen=True)
class ColumnView:
    column: Column
    cards: DrawnCards
    # *Show more*'s address when the column holds more than it draws.
    more_url: str = ""


def card_renderer() -> CardRenderer:
    """The renderer of one page's cards, in the request's language, as of now."""
    return CardRenderer(today=timezone.localdate(), now=timezone.now())


def present_cards(
    cards: Sequence[Card],
    rates: RateTable,
    renderer: CardRenderer | None = None,
    late: LateFragments | None = None,
) -> DrawnCards:
    """The cards' markup; each carries its amount in the board's currency for live totals.

    With `late`, the markup is held there and the page gets its marker (a whole page's
    cards, see `late_fragments`); a fragment of a few cards is returned as it is.
    """
    draw = (renderer or card_renderer()).card
    convert = rates.convert
    html = "".join(
        draw(card, None if card.amount is None else convert(card.amount, card.currency_id))
        for card in cards
    )
    markup = late.hold(html) if late is not None else mark_safe(html)
    return DrawnCards(html=markup, last_id=cards[-1].id if cards else None)


def present_columns(
    columns: Sequence[Column], rates: RateTable, late: LateFragments
) -> list[ColumnView]:
    renderer = card_renderer()
    return [
        ColumnView(column=column, cards=present_cards(column.cards, rates, renderer, late))
        for column in columns
    ]
