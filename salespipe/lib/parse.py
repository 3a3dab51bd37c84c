"""One parser for each kind of value a door receives as text: ids, versions and counts.

A page's address, a posted form, a script's request and the JSON API all hand over integers,
as text or as numbers. They are parsed here once, so that every door accepts and
refuses the same things. `str.isdigit` alone is not enough: it takes "²" for a digit,
which `int` then refuses with an error, and a crafted address must get a clear refusal,
never a server error.
"""

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
