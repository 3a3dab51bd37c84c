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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from salespipe.pipeline.models import MANDATORY_FIELD_CHOICES
from salespipe.pipeline.presenters.card_formats import CardFormats
from salespipe.pipeline.selectors.cards import Card, NextAction
from salespipe.pipeline.services.rules import Readiness

# An id no opportunity has, reversed once and replaced by each card's id.
_PLACEHOLDER = 987654321


def _sheet_pattern() -> tuple[str, str] | None:
    try:
        url = reverse("pipeline:opportunity", args=[_PLACEHOLDER])
    except NoReverseMatch:
        return None
    head, _sep, tail = url.partition(str(_PLACEHOLDER))
    return head, tail


def _around(translated: str, name: str) -> tuple[str, str]:
    """The escaped text before and after `%(name)s` in a translated message."""
    head, _sep, tail = translated.partition(f"%({name})s")
    return escape(head), escape(tail)


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
        # A card is out of the Tab order and what it holds in it: the board's script makes
        # each column one stop, arrows going from card to card, and takes what a card holds
        # out (the card menu and keys reach it); without the script, each sheet is reached.
        # Translated outside the f-string, where `makemessages` can find the messages.
        none_planned = _("No action planned")
        plan_one = _("No action planned: plan one")
        self.no_action_button = (
            '<button type="button" class="card-action" data-card-command="actions" '
            f'title="{escape(none_planned)}" aria-label="{escape(plan_one)}" '
            'aria-haspopup="dialog">+</button>'
        )
        self.no_action = escape(_("no action planned"))
        self.next_action = _around(_("Next action: %(subject)s"), "subject")
        self.move = _around(_("Move %(name)s…"), "name")
        # Names, tags, dates and figures repeat from card to card: each is escaped once.
        self._escaped: dict[str, str] = {}
        self.field_labels = {name: str(label) for name, label in MANDATORY_FIELD_CHOICES}
        self.stale_label = escape(_("Stale"))

    def _repeated(self, text: str) -> str:
        found = self._escaped.get(text)
        if found is None:
            found = self._escaped[text] = escape(text)
        return found

    def _action(self, action: NextAction | None) -> str:
        if action is None:
            return self.no_action_button
        overdue = action.due_at < self.now
        subject = self._repeated(action.subject)
        label = f"{self.next_action[0]}{subject}{self.next_action[1]}"
        when = escape(self.formats.short_date(action.due_at))
        return (
            f'<button type="button" class="card-action planned{" overdue" if overdue else ""}" '
            f'data-card-command="actions" title="{subject} — {when}" '
            f'aria-label="{label}" aria-haspopup="dialog">{"!" if overdue else "✓"}</button>'
        )

    def _readiness(self, ready: Readiness | None) -> tuple[str, str, str]:
        """X3: the badge ("2/3"), what it says in full (for its title and the card menu),
        and what a screen reader says of it; empty without a next stage asking fields."""
        if ready is None:
            return "", "", ""
        stage = ready.stage.name
        if ready.missing:
            fields = ", ".join(self.field_labels.get(name, name) for name in ready.missing)
            note = _("%(stage)s still needs: %(fields)s.") % {"stage": stage, "fields": fields}
        else:
            note = _("Ready for %(stage)s: every field it asks for is filled.") % {"stage": stage}
        note = self._repeated(note)
        spoken = self._repeated(
            _("%(filled)s of %(total)s fields for %(stage)s")
            % {"filled": ready.filled, "total": ready.total, "stage": stage}
        )
        badge = (
            f'<span class="card-readiness{"" if ready.missing else " ready"}" title="{note}">'
            f"{ready.filled}/{ready.total}</span>"
        )
        return badge, note, spoken

    def card(self, card: Card, board_amount: Decimal | None) -> str:
        """The card's markup, every text escaped; `board_amount` is its amount in the
        board's currency."""
        name = escape(card.name)
        account = self._repeated(card.account_name)
        if self.sheet is not None:
            href = f"{self.sheet[0]}{card.id}{self.sheet[1]}"
            title = f'<a class="card-name" href="{href}" draggable="false">{name}</a>'
        else:
            title = f'<span class="card-name">{name}</span>'
        # What a screen reader says of the focused card: what the card shows, in its order.
        spoken = [f"{name} — {account}", self._repeated(card.stage_name)]
        contact = ""
        if card.contact_name:
            contact = f' <span class="muted">· {self._repeated(card.contact_name)}</span>'
        figures = ""
        if card.amount is not None:
            money = self.formats.money(card.amount, card.currency_id)
            figures += f'<span class="card-amount">{self._repeated(money)}</span>'
            spoken.append(self._repeated(money))
        if card.days is not None:
            days = self._repeated(self.formats.days(card.days))
            figures += f'<span class="card-days">{days}</span>'
            spoken.append(days)
        meta = ""
        day = card.expected_signature_date
        if day:
            shown = self._repeated(self.formats.short_date(day))
            if day < self.today:
                # How late, said and shown on hover: a date in red alone doesn't tell it.
                behind = (self.today - day).days
                late_text = escape(
                    ngettext("%(date)s, %(days)s day late", "%(date)s, %(days)s days late", behind)
                    % {"date": self.formats.short_date(day), "days": behind}
                )
                meta = (
                    f'<time datetime="{day.isoformat()}" class="late" title="{late_text}">'
                    f"{shown}</time>"
                )
                spoken.append(late_text)
            else:
                meta = f'<time datetime="{day.isoformat()}" class="">{shown}</time>'
                spoken.append(shown)
        readiness, readiness_note, readiness_spoken = self._readiness(card.readiness)
        if readiness_spoken:
            spoken.append(readiness_spoken)
        stale = ""
        if card.stale_since is not None and card.updated_at is not None:
            # X1: a deal left alone stands out, and says for how long.
            idle = (self.now - card.updated_at).days
            told = escape(
                ngettext(
                    "Stale: no change for %(days)s day",
                    "Stale: no change for %(days)s days",
                    idle,
                )
                % {"days": idle}
            )
            stale = f'<span class="card-stale" title="{told}">{self.stale_label}</span>'
            spoken.append(told)
        slips = ""
        if card.slips:
            # X2: a date pushed back again and again is a deal slipping.
            told = self._repeated(
                ngettext(
                    "Expected signature pushed back %(count)s time",
                    "Expected signature pushed back %(count)s times",
                    card.slips,
                )
                % {"count": card.slips}
            )
            slips = f'<span class="card-slips" title="{told}">↷{card.slips}</span>'
            spoken.append(told)
        salesperson = self._repeated(card.salesperson_name)
        spoken.append(salesperson)
        if card.next_action is not None:
            subject = self._repeated(card.next_action.subject)
            spoken.append(f"{self.next_action[0]}{subject}{self.next_action[1]}")
        else:
            spoken.append(self.no_action)
        tags = "".join(
            f'<li class="tag tag-{tag_id}">{self._repeated(tag_name)}</li>'
            for tag_id, tag_name in card.tags
        )
        move = f"{self.move[0]}{name}{self.move[1]}"
        # Said in the card menu too (X3): which fields the next stage still needs.
        ready = f'data-readiness="{readiness_note}" ' if readiness_note else ""
        return (
            f'<li class="card{" stale" if stale else ""}" id="card-{card.id}" draggable="true" '
            'tabindex="-1" data-card '
            f'data-id="{card.id}" '
            f'data-version="{card.version}" data-stage="{card.stage_id}" '
            f'data-amount="{_plain(board_amount)}" data-days="{_plain(card.days)}" '
            f'data-names="{escape(card.names)}" data-phones="{escape(card.phones)}" '
            f'data-emails="{escape(card.emails)}" {ready}aria-label="{", ".join(spoken)}" '
            'aria-keyshortcuts="Enter Shift+ArrowLeft Shift+ArrowRight Shift+F10">'
            f'<div class="card-top">{title}{self._action(card.next_action)}'
            '<button type="button" class="card-menu-button" data-card-command="menu" '
            f'aria-haspopup="dialog" aria-label="{move}">⋯</button></div>'
            f'<p class="card-account">{account}{contact}</p>'
            f'<p class="card-figures">{figures}</p>'
            f'<p class="card-meta">{meta}{slips}{stale}{readiness}'
            f'<span class="card-salesperson">{salesperson}</span></p>'
            + (f'<ul class="tags">{tags}</ul>' if tags else "")
            + "</li>"
        )
