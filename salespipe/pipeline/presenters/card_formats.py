"""Money, days and dates of cards, as the `display` filters write them, but quick.

A board draws hundreds of cards, each with an amount, days and a date: `CardFormats` holds
one request's language, formats figures as `salespipe.web.number_formats` does, and asks
Babel once per distinct date.
"""

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.web import number_formats
from salespipe.web.templatetags.display import current_locale


@lru_cache(maxsize=4096)
def _short_date(day: dt.date, locale: Locale) -> str:
    return format_date(day, "medium", locale=locale)


class CardFormats:
    """The formats of one request's language; build one per page, not per card."""

    def __init__(self, locale: Locale | None = None) -> None:
        self.locale = locale or current_locale()
        self._days = _("%(days)s d")

    def money(self, amount: Decimal | None, currency: str) -> str:
        if amount is None:
            return ""
        return number_formats.money(amount, currency, self.locale)

    def days(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        return self._days % {"days": number_formats.decimal(value, self.locale)}

    def short_date(self, day: dt.date | None) -> str:
        if not day:
            return ""
        if isinstance(day, dt.datetime):
            # The day as the user lives it, not the UTC one (an 00:30 action is today, not yesterday).
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return _short_date(day, self.locale)
