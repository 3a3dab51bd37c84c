"""What a board card needs beyond the selector's card: the figures in the board's currency
and the search keys, drawn as data attributes so that live search and its totals need no
request (SPEC B11-B13). Shared by every page that draws cards (board, calendar).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone
from django.utils.safestring import SafeString

from salespipe.activities.models import Action
from salespipe.lib.phones import phone_search_key
from salespipe.lib.text import search_key
from salespipe.org.rates import RateTable
from salespipe.pipeline.card_html import CardRenderer
from salespipe.pipeline.models import Opportunity


class CardLike(Protocol):
    @property
    def opportunity(self) -> Opportunity: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def days(self) -> Decimal | None: ...
    @property
    def next_action(self) -> Action | None: ...


class ColumnLike(Protocol):
    @property
    def cards(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class CardView:
    card: Any
    # The card's amount (weighted when shown so) in the board's currency; None without a rate.
    board_amount: Decimal | None
    names: str
    phones: str
    emails: str
    # The card's markup, drawn once by `CardRenderer`.
    html: SafeString

    @property
    def opportunity(self) -> Opportunity:
        return self.card.opportunity


@dataclass(frozen=True)
class ColumnView:
    column: Any
    cards: list[CardView]
    # *Show more*'s address when the column holds more than it draws (issue 8).
    more_url: str = ""


def _joined(keys: Iterable[str]) -> str:
    # One key per line: the script matches a prefix at the start of a line or of a word.
    return "\n".join(dict.fromkeys(key for key in keys if key))


def search_names(opportunity: Opportunity) -> str:
    """B11: account name, contact name and SIREN, as the search compares them."""
    account = opportunity.account
    contact = opportunity.contact
    return _joined(
        [
            account.name_key or search_key(account.name),
            contact.name_key if contact is not None else "",
            search_key(contact.full_name) if contact is not None else "",
            account.siren,
        ]
    )


def search_phones(opportunity: Opportunity) -> str:
    """B12: the account's and the opportunity's numbers, without spaces or +33/0 prefixes."""
    account = opportunity.account
    contact = opportunity.contact
    return _joined(
        [
            account.phone_key,
            opportunity.phone_key or phone_search_key(opportunity.phone),
            opportunity.mobile_key or phone_search_key(opportunity.mobile),
            phone_search_key(contact.phone) if contact is not None else "",
            phone_search_key(contact.mobile) if contact is not None else "",
        ]
    )


def search_emails(opportunity: Opportunity) -> str:
    """B12: the account's, the opportunity's and the contact's emails, in lower case."""
    contact = opportunity.contact
    return _joined(
        email.strip().lower()
        for email in [
            opportunity.account.email,
            opportunity.email,
            contact.email if contact is not None else "",
        ]
    )


def card_renderer() -> CardRenderer:
    """The renderer of one page's cards, in the request's language, as of now."""
    return CardRenderer(today=timezone.localdate(), now=timezone.now())


def present_card(
    card: CardLike, rates: RateTable, renderer: CardRenderer | None = None
) -> CardView:
    opportunity = card.opportunity
    amount = None
    if card.amount is not None:
        amount = rates.convert(card.amount, opportunity.currency_id)
    names = search_names(opportunity)
    phones = search_phones(opportunity)
    emails = search_emails(opportunity)
    html = (renderer or card_renderer()).card(
        opportunity,
        amount=card.amount,
        days=card.days,
        board_amount=amount,
        next_action=card.next_action,
        names=names,
        phones=phones,
        emails=emails,
    )
    return CardView(
        card=card, board_amount=amount, names=names, phones=phones, emails=emails, html=html
    )


def present_columns(columns: Sequence[ColumnLike], rates: RateTable) -> list[ColumnView]:
    renderer = card_renderer()
    return [
        ColumnView(
            column=column, cards=[present_card(card, rates, renderer) for card in column.cards]
        )
        for column in columns
    ]
