"""Search keys: what a prefix search compares, stored beside the value it comes from.

The board's live search computes the same keys in the browser (`pipeline/search_keys.js`),
from what the user types, and matches them against the cards' keys made here: the two
must agree character for character, so the definition uses only what both languages
have, and a browser test compares them on a corpus of names from many scripts. (Python and
the browser may know different Unicode versions: characters added since the older one can
key differently; names in use are older than that.)
"""

import re
import unicodedata

# Marks that sit on a letter (accents, cedillas, tildes: Unicode's Mn and Me) are dropped;
# spacing marks (Mc), such as the vowel signs of Indian scripts, are part of the word.
_DROPPED_MARKS = frozenset({"Mn", "Me"})
# What lower case leaves apart that a search should not: Unicode's case folding for these.
_FOLDS = str.maketrans({"ß": "ss", "ς": "σ"})
# Python's white space and JavaScript's `\s` together (the browser adds U+001C-U+001F, U+0085).
_SPACES = re.compile(r"[\s\ufeff]+")


def search_key(value: str | None) -> str:
    """Lower case, without accents or surrounding spaces: "  Élodie " -> "elodie"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _DROPPED_MARKS)
    return " ".join(part for part in _SPACES.split(stripped.lower().translate(_FOLDS)) if part)
