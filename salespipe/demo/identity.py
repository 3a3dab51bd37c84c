"""Identifiers that look real and pass the checks: SIRENs, phone numbers, e-mail addresses."""

import random
import re

from salespipe.demo.vocabulary import FEMALE_FIRST_NAMES, FUNCTIONS, MALE_FIRST_NAMES
from salespipe.lib.text import search_key

_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def luhn_check_digit(body: str) -> str:
    """The digit that makes `body` + digit pass the Luhn check (the SIREN's last digit)."""
    total = 0
    # From the right of the final number, every second digit is doubled; the check digit
    # itself is not, so the body's last digit is.
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def siren(rng: random.Random) -> str:
    body = f"{rng.randint(1, 9)}{rng.randrange(10**7):07d}"
    return body + luhn_check_digit(body)


def _pairs(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def french_landline(rng: random.Random, area: int) -> str:
    """A number of the region `area` (1 Paris, 2 north-west, 3 north-east, 4 south-east, 5
    south-west), written as people do: mostly "04 78 …", sometimes "+33 4 78 …"."""
    national = f"{area}{rng.randrange(10**8):08d}"
    return _written(rng, national)


def french_mobile(rng: random.Random) -> str:
    national = f"{rng.choice('67')}{rng.randrange(10**8):08d}"
    return _written(rng, national)


def _written(rng: random.Random, national: str) -> str:
    style = rng.random()
    if style < 0.7:
        return _pairs("0" + national)
    if style < 0.9:
        return f"+33 {national[0]} {_pairs(national[1:])}"
    return "0" + national


def swiss_landline(rng: random.Random) -> str:
    area = rng.choice(("21", "22", "24", "26", "27", "32"))
    rest = f"{rng.randrange(10**7):07d}"
    return f"+41 {area} {rest[:3]} {rest[3:5]} {rest[5:]}"


def swiss_mobile(rng: random.Random) -> str:
    prefix = rng.choice(("76", "78", "79"))
    rest = f"{rng.randrange(10**7):07d}"
    return f"+41 {prefix} {rest[:3]} {rest[3:5]} {rest[5:]}"


def slug(text: str, separator: str = "-") -> str:
    """ "Boulangerie Lefèvre & Fils" -> "boulangerie-lefevre-fils"."""
    return _NOT_ALPHANUMERIC.sub(separator, search_key(text)).strip(separator)


# Legal forms and little words make poor domain names: "hotel-gare-bayonne.fr", not
# "hotel-de-la.fr".
_LEFT_OUT_OF_DOMAINS = frozenset(
    {"sarl", "sas", "sa", "eurl", "de", "la", "le", "les", "du", "des", "et", "l", "d"}
)


def domain_of(name: str, top_level: str) -> str:
    words = [word for word in slug(name).split("-") if word not in _LEFT_OUT_OF_DOMAINS]
    return "-".join(words[:3]) + "." + top_level


def person_email(first_name: str, last_name: str, domain: str) -> str:
    return f"{slug(first_name, '.')}.{slug(last_name, '.')}@{domain}"


def first_name(rng: random.Random) -> tuple[str, bool]:
    """A first name, and whether it is a woman's (for the function that goes with it)."""
    female = rng.random() < 0.5
    return rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES), female


def function_of(rng: random.Random, female: bool) -> str:
    masculine, feminine = rng.choice(FUNCTIONS)
    return feminine if female else masculine
