"""One parser for each kind of value a door receives as text: ids, versions and counts, and
the numbers a user types.

A page's address, a posted form, a script's request and the JSON API all hand over integers,
as text or as numbers. They are parsed here once, so that every door accepts and
refuses the same things. `str.isdigit` alone is not enough: it takes "²" for a digit,
which `int` then refuses with an error, and a crafted address must get a clear refusal,
never a server error.
"""

import re
from decimal import Decimal

# The most digits an integer may have: every 18-digit number fits the 64-bit integers
# of PostgreSQL and SQLite, so that a number that can't name a row is refused here.
MAX_DIGITS = 18
_LIMIT = 10**MAX_DIGITS


def integer(raw: object) -> int | None:
    """An integer of at most 18 digits: an int as it is (JSON's), or ASCII digits with
    spaces around; None for anything else: a bool, a sign or a decimal point in text,
    another script's digits, or nothing at all."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if -_LIMIT < raw < _LIMIT else None
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
            return int(text)
    return None


def number_text(raw: str) -> str:
    """A number as a user writes it, in French or in English, as Python reads it: "1 234,50"
    and "1234.50" alike. Every space goes, the narrow no-break ones of a French amount as the
    pages show it included, and a decimal comma becomes a point."""
    return "".join(raw.split()).replace(",", ".")


# Digits with a decimal point or not, signed or not: no exponent ("1e999999999" would be a
# number no column holds), no "NaN" nor "Infinity".
_WRITTEN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


def decimal(raw: str) -> Decimal | None:
    """The number `raw` writes in digits (see `number_text`); None for anything else."""
    text = number_text(raw)
    return Decimal(text) if _WRITTEN_NUMBER.fullmatch(text) else None
