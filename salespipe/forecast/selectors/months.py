"""The forecast by signature month and by stage (SPEC X6), against the targets set.

A won opportunity counts in the month it was signed, at its full amount; an open one in its expected signature month, at its
amount and weighted by its stage's probability. Amounts are converted into the scope's
currency at today's rates (B6); one without a rate is counted, not added, and its pair named.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DateField, F, Sum, When
from django.db.models.functions import TruncMonth

from salespipe.forecast.models import SalesTarget
from salespipe.forecast.selectors import Period, Reach
from salespipe.lib.months import Month
from salespipe.org import access
from salespipe.org.models import Collaborator, Currency
from salespipe.pipeline.models import OpportunityStatus, Stage

ZERO = Decimal("0.00")


@dataclass
class Amounts:
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO

    def add(self, count: int, amount: Decimal | None, weighted: Decimal | None) -> None:
        self.count += count
        self.amount += amount or ZERO
        self.weighted += weighted or ZERO


@dataclass(frozen=True)
class MonthForecast:
    month: Month
    won: Amounts
    open: Amounts
    # The targets set for the month, added; None when none is, or when filters narrow.
    target: Decimal | None

    @property
    def expected(self) -> Decimal:
        """What the month should bring: the won, and the open weighted."""
        return self.won.amount + self.open.weighted


@dataclass(frozen=True)
class StageForecast:
    stage: Stage
    open: Amounts


@dataclass(frozen=True)
class Forecast:
    label: str
    currency: Currency
    period: Period
    months: list[MonthForecast]
    # The open opportunities expected in the period, by stage.
    stages: list[StageForecast]
    # Targets are a portfolio's whole: set against a salesperson's or a tag's share they
    # would mislead, so a narrowed forecast shows none.
    targets_shown: bool
    missing_rates: list[str] = field(default_factory=list)

    @property
    def won(self) -> Amounts:
        return _added(m.won for m in self.months)

    @property
    def open(self) -> Amounts:
        return _added(m.open for m in self.months)

    @property
    def expected(self) -> Decimal:
        return self.won.amount + self.open.weighted

    @property
    def target(self) -> Decimal | None:
        set_ = [m.target for m in self.months if m.target is not None]
        return sum(set_, ZERO) if set_ else None

    @property
    def has_targets(self) -> bool:
        return self.target is not None


def _added(parts: Iterable[Amounts]) -> Amounts:
    total = Amounts()
    for part in parts:
        total.add(part.count, part.amount, part.weighted)
    return total


def forecast(user: Collaborator, reach: Reach, period: Period, *, narrowed: bool) -> Forecast:
    """X6: the won and the open of each month of `period`, and the open by stage: one
    grouped query, and one for the targets."""
    scope = reach.scope
    rates = scope.rates
    day = Case(
        When(status=OpportunityStatus.WON, then=F("signed_on")),
        default=F("expected_signature_date"),
        output_field=DateField(),
    )
    rows = (
        reach.opportunities.annotate(day=day)
        .filter(
            status__in=[OpportunityStatus.WON, OpportunityStatus.OPEN],
            day__gte=period.first_day,
            day__lte=period.last_day,
        )
        .annotate(month=TruncMonth("day"))
        .order_by()
        .values("status", "month", "stage_id", "stage__probability", "currency_id")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    won: dict[Month, Amounts] = defaultdict(Amounts)
    expected: dict[Month, Amounts] = defaultdict(Amounts)
    by_stage: dict[int, Amounts] = defaultdict(Amounts)
    for row in rows:
        month = Month.of(row["month"])
        total: Decimal | None = row["total"]
        amount = None if total is None else rates.convert(total, row["currency_id"])
        if row["status"] == OpportunityStatus.WON:
            won[month].add(row["n"], amount, amount)
            continue
        share = Decimal(row["stage__probability"]) / Decimal(100)
        weighted = None if total is None else rates.convert(total * share, row["currency_id"])
        expected[month].add(row["n"], amount, weighted)
        by_stage[row["stage_id"]].add(row["n"], amount, weighted)
    targets = {} if narrowed else _targets(user, reach, period)
    return Forecast(
        label=scope.label,
        currency=scope.currency,
        period=period,
        months=[
            MonthForecast(
                month=month,
                won=won.get(month, Amounts()),
                open=expected.get(month, Amounts()),
                target=targets.get(month),
            )
            for month in period.shown
        ],
        stages=[
            StageForecast(stage=stage, open=by_stage.get(stage.pk, Amounts()))
            for stage in scope.stages
        ],
        targets_shown=not narrowed,
        missing_rates=rates.missing_pairs(),
    )


def _targets(user: Collaborator, reach: Reach, period: Period) -> dict[Month, Decimal]:
    """The targets of the scope's portfolios that the user's companies hold, by month, in
    the scope's currency; one without a rate is left out and its pair named."""
    scope = reach.scope
    targets = access.scoped(
        user,
        SalesTarget.objects.filter(month__gte=period.first_day, month__lte=period.last_day),
    )
    if scope.portfolio is not None:
        targets = targets.filter(portfolio=scope.portfolio)
    elif scope.template is not None:
        targets = targets.filter(portfolio__template=scope.template)
    found: dict[Month, Decimal] = {}
    for month, currency, total in (
        targets.order_by()
        .values_list("month", "portfolio__company__currency_id")
        .annotate(total=Sum("amount"))
    ):
        converted = scope.rates.convert(total, currency)
        if converted is not None:
            found[Month.of(month)] = found.get(Month.of(month), ZERO) + converted
    return found
