"""Currency conversion at the configured exchange rates (SPEC B6, AD3).

The rate used for a pair is the latest one valid on or before the day asked (today by
default). When only the opposite direction is configured, its inverse is used; a direct
rate, when there is one, always wins. Nothing else is derived: no chaining through a third
currency, no rate from the future. When no rate applies, `convert` raises `MissingRate`,
and a `RateTable` reports the pair in `missing` and gives None, so that totals leave that
amount out and say so instead of guessing.

`MissingRate` is defined here, below the pipeline, and re-exported by
`salespipe.pipeline.services.errors` with the other domain errors.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.lib.errors import DomainError
from salespipe.lib.money import to_cents
from salespipe.lib.prepared import prepared_rows
from salespipe.org.models import Currency, ExchangeRate

type CurrencyLike = Currency | str


class MissingRate(DomainError):
    """No exchange rate converts `source` into `target` on day `on`; never guessed."""

    def __init__(self, source: str, target: str, on: dt.date | None = None) -> None:
        self.source = source
        self.target = target
        self.on = on
        if on is None:
            message = _("No exchange rate from %(source)s to %(target)s.")
        else:
            message = _("No exchange rate from %(source)s to %(target)s on or before %(on)s.")
        super().__init__(message % {"source": source, "target": target, "on": on})

    @property
    def pair(self) -> str:
        return f"{self.source}→{self.target}"


def _code(currency: CurrencyLike) -> str:
    return currency.code if isinstance(currency, Currency) else currency


def _latest_rates(on: dt.date, currency: str) -> list[tuple[str, str, Decimal]]:
    """(source, target, rate): the latest rate on or before `on` of every pair into or out of
    `currency`, in one query, compiled once per day and currency."""

    def build(_ids: list[int]) -> QuerySet[ExchangeRate, tuple[str, str, Decimal]]:
        latest_day = (
            ExchangeRate.objects.filter(
                source=OuterRef("source"), target=OuterRef("target"), valid_from__lte=on
            )
            .order_by("-valid_from")
            .values("valid_from")[:1]
        )
        return (
            ExchangeRate.objects.filter(Q(target_id=currency) | Q(source_id=currency))
            .filter(valid_from__lte=on, valid_from=Subquery(latest_day))
            .values_list("source_id", "target_id", "rate")
        )

    return prepared_rows((on, currency), [], build)


@dataclass
class RateTable:
    """The rates into one target currency, read once, at the first amount in another
    currency: a board whose amounts are all in its own currency reads none."""

    target: str
    on: dt.date
    direct: dict[str, Decimal] = field(default_factory=dict)
    inverse: dict[str, Decimal] = field(default_factory=dict)
    # The pairs asked for that no rate could convert, as "USD→GBP".
    missing: set[str] = field(default_factory=set)
    read: bool = False

    @classmethod
    def load(cls, target: CurrencyLike, on: dt.date | None = None) -> "RateTable":
        """The table of every latest rate into or out of `target`, read in one query when
        first needed."""
        return cls(target=_code(target), on=on or timezone.localdate())

    def _read(self) -> None:
        self.read = True
        for source, target, rate in _latest_rates(self.on, self.target):
            if target == self.target:
                self.direct[source] = rate
            else:
                self.inverse[target] = Decimal(1) / rate

    def known(self) -> dict[str, Decimal]:
        """Every currency a rate converts into the target, with that rate."""
        if not self.read:
            self._read()
        return {**self.inverse, **self.direct}

    def rate(self, source: CurrencyLike) -> Decimal | None:
        """What one unit of `source` is worth in the target currency, or None."""
        code = _code(source)
        if code == self.target:
            return Decimal(1)
        if not self.read:
            self._read()
        if code in self.direct:
            return self.direct[code]
        if code in self.inverse:
            return self.inverse[code]
        self.missing.add(f"{code}→{self.target}")
        return None

    def convert(self, amount: Decimal, source: CurrencyLike) -> Decimal | None:
        """`amount` of `source` in the target currency, to the cent; None when no rate."""
        rate = self.rate(source)
        if rate is None:
            return None
        return to_cents(amount * rate)

    def missing_pairs(self) -> list[str]:
        return sorted(self.missing)


def convert(
    amount: Decimal, source: CurrencyLike, target: CurrencyLike, on: dt.date | None = None
) -> Decimal:
    """`amount` of `source` in `target` on day `on` (today by default), to the cent.

    Raises `MissingRate` when no rate applies.
    """
    source_code, target_code = _code(source), _code(target)
    if source_code == target_code:
        return to_cents(amount)
    table = RateTable.load(target_code, on)
    converted = table.convert(amount, source_code)
    if converted is None:
        raise MissingRate(source_code, target_code, table.on)
    return converted
