"""Money, days and dates of cards, as the `display` filters write them, but quick.

A board draws hundreds of cards, each with an amount, days and a date: Babel's formatting,
which parses its patterns and rounds on every call, came to about a third of a card's cost.
`CardFormats` asks Babel once per currency and language (and once per distinct date) and
then only groups digits, giving exactly what `money`, `days` and `short_date` give.
"""

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, get_currency_precision
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.web.templatetags.display import current_locale

# A sample whose every digit shows: what surrounds them is the currency's prefix and suffix.
_SAMPLE = Decimal("1234567.89")


@lru_cache(maxsize=64)
def _currency_pattern(currency: str, locale: Locale) -> tuple[str, str, int]:
    text = format_currency(_SAMPLE, currency, locale=locale)
    digits = [index for index, ch in enumerate(text) if ch.isdigit()]
    return text[: digits[0]], text[digits[-1] + 1 :], get_currency_precision(currency)


@lru_cache(maxsize=4096)
def _short_date(day: dt.date, locale: Locale) -> str:
    return format_date(day, "medium", locale=locale)


class CardFormats:
    """The formats of one request's language; build one per page, not per card."""

    def __init__(self, locale: Locale | None = None) -> None:
        self.locale = locale or current_locale()
        symbols = self.locale.number_symbols.get("latn", self.locale.number_symbols)
        self._group = symbols["group"]
        self._decimal = symbols["decimal"]
        self._days = _("%(days)s d")

    def _grouped(self, text: str) -> str:
        # Python writes "1,234.5"; the locale's symbols replace both separators at once.
        return text.translate({ord(","): self._group, ord("."): self._decimal})

    def money(self, amount: Decimal | None, currency: str) -> str:
        if amount is None:
            return ""
        prefix, suffix, precision = _currency_pattern(currency, self.locale)
        return f"{prefix}{self._grouped(f'{amount:,.{precision}f}')}{suffix}"

    def days(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        # Babel's "#,##0.###": at most three decimals, none trailing.
        text = f"{Decimal(value).quantize(Decimal('0.001')):,f}".rstrip("0").rstrip(".")
        return self._days % {"days": self._grouped(text)}

    def short_date(self, day: dt.date | None) -> str:
        if not day:
            return ""
        if isinstance(day, dt.datetime):
            # The day as the user lives it, not the UTC one (an 00:30 action is today, not yesterday).
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return _short_date(day, self.locale)
