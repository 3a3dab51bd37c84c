"""Search keys: what a prefix search compares, stored beside the value it comes from."""

import unicodedata


def search_key(value: str | None) -> str:
    """Lower case, without accents or surrounding spaces: "  Élodie " -> "elodie"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
