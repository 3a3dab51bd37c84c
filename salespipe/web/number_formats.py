"""Money and days as Babel writes them, but quick (SPEC B2, B3, B6).

Babel parses its pattern and rounds on every call: a board's totals and cards format
hundreds of figures, where that came to a third of a card's cost. Here Babel is asked once
per currency and language what surrounds an amount's digits, and Python groups the digits
by threes, as French and English do, with the language's symbols: the same text, for any
amount that isn't negative (a negative one, rare, is left to Babel, whose minus sign and
its place vary with the language).
"""

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal, get_currency_precision

# A sample whose every digit shows: what surrounds them is the currency's prefix and suffix.
_SAMPLE = Decimal("1234567.89")


@lru_cache(maxsize=64)
def _currency_pattern(currency: str, locale: Locale) -> tuple[str, str, int]:
    text = format_currency(_SAMPLE, currency, locale=locale)
    digits = [index for index, ch in enumerate(text) if ch.isdigit()]
    return text[: digits[0]], text[digits[-1] + 1 :], get_currency_precision(currency)


@lru_cache(maxsize=16)
def _separators(locale: Locale) -> dict[int, str]:
    symbols = locale.number_symbols.get("latn", locale.number_symbols)
    # Python writes "1,234.5"; the locale's symbols replace both separators at once.
    return {ord(","): symbols["group"], ord("."): symbols["decimal"]}


def _quick(value: Decimal | int) -> bool:
    """Whether Python writes `value` as Babel does: a number neither negative nor -0."""
    if isinstance(value, Decimal):
        return value.is_finite() and not value.is_signed()
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def money(amount: Decimal | int, currency: str, locale: Locale) -> str:
    """`amount` in `currency`, as `format_currency` writes it in `locale`."""
    if not _quick(amount):
        return format_currency(amount, currency, locale=locale)
    prefix, suffix, precision = _currency_pattern(currency, locale)
    return f"{prefix}{f'{Decimal(amount):,.{precision}f}'.translate(_separators(locale))}{suffix}"


def decimal(value: Decimal | int, locale: Locale) -> str:
    """`value` to at most three decimals, none trailing, as `format_decimal` writes it."""
    if not _quick(value):
        return format_decimal(Decimal(value).normalize(), locale=locale)
    # Babel's "#,##0.###": rounded half to even, as Decimal's quantize is.
    text = f"{Decimal(value).quantize(Decimal('0.001')):,f}".rstrip("0").rstrip(".")
    return text.translate(_separators(locale))
