"""Decimal arithmetic for amounts: rounding to the cent, weighting by a probability."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted(value: Decimal | None, probability: int) -> Decimal | None:
    """value x probability %, to the cent (SPEC glossary: weighted amount / days)."""
    if value is None:
        return None
    return to_cents(value * Decimal(probability) / Decimal(100))
