"""Phone numbers as searched (SPEC B12): digits only, French prefixes ignored."""

import re

import phonenumbers

# ASCII digits only, as the browser's `\D` reads them (`pipeline/search_keys.js`).
_NON_DIGITS = re.compile(r"[^0-9]+")


def phone_search_key(value: str | None) -> str:
    """The national digits a user types first: "+33 6 12 34 56 78" and "06 12 34 56 78" -> "612345678".

    Spaces, dots and dashes are ignored, and so are a leading +33, 0033 or 0, so that
    whatever form was stored, typing "06 12" or "612" finds it.
    """
    if not value:
        return ""
    digits = _NON_DIGITS.sub("", value)
    if value.strip().startswith("+"):
        if digits.startswith("33"):
            return digits[2:]
        return digits
    if digits.startswith("0033"):
        return digits[4:]
    if digits.startswith("0"):
        return digits[1:]
    return digits


def query_phone_key(typed: str) -> str:
    """The same key for what a user typed in the search field, which may be partial."""
    return phone_search_key(typed)


def is_valid_phone(value: str) -> bool:
    """A number that libphonenumber accepts, read as French when it has no country code."""
    try:
        parsed = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(parsed)
