"""How amounts, days and dates read in the user's language (SPEC B2, B3, B6), via Babel.

`{% load display %}` then `{{ amount|money:currency_code }}`, `{{ days|days }}` and
`{{ day|short_date }}`.
"""

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_currency_name
from django import template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salespipe.lib.phones import phone_search_key
from salespipe.web import number_formats

register = template.Library()


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (ValueError, TypeError):
        return Locale.parse("en")


def current_locale() -> Locale:
    return _locale(translation.get_language() or "en")


@register.filter
def money(amount: Decimal | int | None, currency_code: str) -> str:
    """12500, "EUR" -> "12 500,00 €" in French, "€12,500.00" in English; "" for no amount."""
    if amount is None or amount == "":
        return ""
    return number_formats.money(amount, str(currency_code), current_locale())


@register.filter
def days(value: Decimal | int | None) -> str:
    """12.5 -> "12,5 d" in French, "12.5 d" in English; "" for no value."""
    if value is None or value == "":
        return ""
    number = number_formats.decimal(Decimal(value), current_locale())
    return _("%(days)s d") % {"days": number}


@register.filter
def currency_name(currency: Any) -> str:
    """A currency's name in the user's language ("Swiss franc", "franc suisse"); the name
    configured for it when the language has none (a code outside ISO 4217)."""
    code = str(getattr(currency, "code", currency))
    name = get_currency_name(code, locale=current_locale())
    return name if name != code else str(getattr(currency, "name", code))


def plain_amount(value: Decimal) -> str:
    """An amount without its currency, in the user's language: "2 500,00", "2,500.00"."""
    return format_decimal(value, format="#,##0.00", locale=current_locale())


@register.filter
def percent(value: int | Decimal | None) -> str:
    """5 -> "5 %" in French (with a no-break space), "5%" in English."""
    if value is None or value == "":
        return ""
    return format_percent(Decimal(value) / 100, locale=current_locale())


@register.filter
def tenth_days(value: Decimal | None) -> str:
    """12.8 -> "12,8 j" in French, "12.8 d" in English, always to a tenth; "—" for none."""
    if value is None or value == "":
        return "—"
    number = format_decimal(Decimal(value), format="#,##0.0", locale=current_locale())
    return _("%(days)s d") % {"days": number}


@register.filter
def share(value: Decimal | None) -> str:
    """62.5 -> "62,5 %" in French, "62.5%" in English, to a tenth; "—" for none (X6)."""
    if value is None or value == "":
        return "—"
    return format_percent(Decimal(value) / 100, format="#,##0.0%", locale=current_locale())


@register.filter
def short_date(day: dt.date | None) -> str:
    """A date as "5 mars 2026" or "5 Mar 2026"; "" for no date."""
    if not day:
        return ""
    if isinstance(day, dt.datetime):
        # The day as the user lives it, not the UTC one (an 00:30 action is today, not yesterday).
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return format_date(day, "medium", locale=current_locale())


@register.filter
def phone_key(value: str | None) -> str:
    """The digits a phone search compares (SPEC B12), for numbers stored without a key."""
    return phone_search_key(value)


@register.filter
def plain_number(value: Decimal | None) -> str:
    """A decimal as a machine reads it ("1234.50"), for data attributes read by scripts."""
    if value is None:
        return ""
    return format(value, "f")
