"""The quick formats of cards and of the `display` filters write exactly what Babel writes
(SPEC B2, B6).

Figures are grouped in Python for speed; they must still read as Babel writes them, in
French and in English, whatever the currency, and a negative one is left to Babel.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from django.utils import translation

from salespipe.pipeline.presenters.card_formats import CardFormats
from salespipe.web.templatetags.display import current_locale, days, money, short_date

AMOUNTS = [Decimal("0"), Decimal("0.5"), Decimal("12"), Decimal("1234.5"), Decimal("1000.005")]
AMOUNTS += [Decimal("999999999999.99")]
AMOUNTS += [Decimal(random.Random(8).randint(0, 10**10)) / 100 for _ in range(300)]
DAYS = [Decimal("0"), Decimal("0.50"), Decimal("12.00"), Decimal("1234.25"), Decimal("1E+1")]
DAYS += [Decimal("2.125"), Decimal("3.0005"), Decimal("100.10"), Decimal("-2.5"), Decimal("-0.0")]
NEGATIVE = [Decimal("-0.01"), Decimal("-1234.5"), Decimal("-0")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_display_filters_write_money_and_days_as_babel_does(language: str):
    with translation.override(language):
        locale = current_locale()
        for currency in ("EUR", "USD", "GBP", "CHF", "JPY", "KWD", "XYZ"):
            for amount in [*AMOUNTS, *NEGATIVE, Decimal(0), Decimal(12500)]:
                assert money(amount, currency) == format_currency(amount, currency, locale=locale)
            assert money(12500, currency) == format_currency(12500, currency, locale=locale)
        for value in DAYS:
            number = format_decimal(Decimal(value).normalize(), locale=locale)
            assert days(value) == (f"{number} j" if language == "fr" else f"{number} d")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_card_money_days_and_dates_read_as_the_display_filters_write_them(language: str):
    with translation.override(language):
        formats = CardFormats()
        for currency in ("EUR", "USD", "GBP", "CHF", "JPY"):
            assert [formats.money(a, currency) for a in AMOUNTS] == [
                money(a, currency) for a in AMOUNTS
            ]
        assert [formats.days(value) for value in DAYS] == [days(value) for value in DAYS]
        for offset in range(0, 400, 37):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=offset)
            assert formats.short_date(day) == short_date(day)
        assert formats.money(None, "EUR") == "" == money(None, "EUR")
        assert formats.days(None) == "" == days(None)
        assert formats.short_date(None) == "" == short_date(None)
