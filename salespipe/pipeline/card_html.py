"""A board or calendar card as HTML (SPEC B2, B20, B22), written in Python.

The card is the one piece of markup a page repeats hundreds of times: through the template
engine, with an include, filters and a URL reversed per card, it cost about half a
millisecond; written here, with its texts translated and its address pattern reversed once
per page, it costs a few microseconds, so that a column of a large portfolio is sent at
once. The markup is the same as before, and this module is the one place that writes it.
"""

import datetime as dt
from decimal import Decimal
from html import escape

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from salespipe.activities.models import Action
from salespipe.pipeline.card_formats import CardFormats
from salespipe.pipeline.models import Opportunity

# An id no opportunity has, reversed once and replaced by each card's id.
_PLACEHOLDER = 987654321


def _sheet_pattern() -> tuple[str, str] | None:
    try:
        url = reverse("pipeline:opportunity", args=[_PLACEHOLDER])
    except NoReverseMatch:
        return None
    head, _sep, tail = url.partition(str(_PLACEHOLDER))
    return head, tail


def _plain(value: Decimal | None) -> str:
    # A machine-read number for data attributes: "1234.50", "" for none.
    return "" if value is None else format(value, "f")


class CardRenderer:
    """Draws the cards of one page: one per request, in the request's language."""

    def __init__(self, *, today: dt.date, now: dt.datetime) -> None:
        self.today = today
        self.now = now
        self.formats = CardFormats()
        self.sheet = _sheet_pattern()
        self.no_action = escape(_("No action planned"))
        self.plan_one = escape(_("No action planned: plan one"))
        self.next_action = _("Next action: %(subject)s")
        self.move = _("Move %(name)s…")

    def _action(self, action: Action | None) -> str:
        if action is None:
            return (
                '<button type="button" class="card-action" data-card-command="actions" '
                f'title="{self.no_action}" aria-label="{self.plan_one}" '
                'aria-haspopup="dialog">+</button>'
            )
        overdue = action.due_at < self.now
        subject = escape(action.subject)
        label = escape(self.next_action % {"subject": action.subject})
        when = escape(self.formats.short_date(action.due_at))
        return (
            f'<button type="button" class="card-action planned{" overdue" if overdue else ""}" '
            f'data-card-command="actions" title="{subject} — {when}" aria-label="{label}" '
            f'aria-haspopup="dialog">{"!" if overdue else "✓"}</button>'
        )

    def card(
        self,
        opportunity: Opportunity,
        *,
        amount: Decimal | None,
        days: Decimal | None,
        board_amount: Decimal | None,
        next_action: Action | None,
        names: str,
        phones: str,
        emails: str,
    ) -> SafeString:
        o = opportunity
        name = escape(o.name)
        account = escape(o.account.name)
        if self.sheet is not None:
            href = f"{self.sheet[0]}{o.pk}{self.sheet[1]}"
            title = f'<a class="card-name" href="{href}" draggable="false">{name}</a>'
        else:
            title = f'<span class="card-name">{name}</span>'
        contact = ""
        if o.contact is not None:
            contact = f' <span class="muted">· {escape(o.contact.full_name)}</span>'
        figures = ""
        if amount is not None:
            money = self.formats.money(amount, o.currency_id)
            figures += f'<span class="card-amount">{escape(money)}</span>'
        if days is not None:
            figures += f'<span class="card-days">{escape(self.formats.days(days))}</span>'
        meta = ""
        day = o.expected_signature_date
        if day:
            late = "late" if day < self.today else ""
            meta = (
                f'<time datetime="{day.isoformat()}" class="{late}">'
                f"{escape(self.formats.short_date(day))}</time>"
            )
        tags = "".join(
            f'<li class="tag tag-{tag.pk}">{escape(tag.name)}</li>' for tag in o.tags.all()
        )
        move = escape(self.move % {"name": o.name})
        return mark_safe(
            f'<li class="card" draggable="true" tabindex="0" data-card data-id="{o.pk}" '
            f'data-version="{o.version}" data-stage="{o.stage_id}" '
            f'data-amount="{_plain(board_amount)}" data-days="{_plain(days)}" '
            f'data-names="{escape(names)}" data-phones="{escape(phones)}" '
            f'data-emails="{escape(emails)}" aria-label="{name} — {account}" '
            'aria-keyshortcuts="Shift+ArrowLeft Shift+ArrowRight Shift+F10">'
            f'<div class="card-top">{title}{self._action(next_action)}'
            '<button type="button" class="card-menu-button" data-card-command="menu" '
            f'aria-haspopup="dialog" aria-label="{move}">⋯</button></div>'
            f'<p class="card-account">{account}{contact}</p>'
            f'<p class="card-figures">{figures}</p>'
            f'<p class="card-meta">{meta}<span class="card-salesperson">'
            f"{escape(str(o.salesperson))}</span></p>"
            + (f'<ul class="tags">{tags}</ul>' if tags else "")
            + "</li>"
        )
