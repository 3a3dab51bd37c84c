"""The non-trivial reads of the pipeline; their query count never grows with the data."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from django.db import models
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.money import to_cents
from salespipe.lib.month_key import MonthKey
from salespipe.lib.months import Month, month_range
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.access import OutOfScope, company_ids
from salespipe.org.models import Collaborator, Company, Currency
from salespipe.org.rates import RateTable
from salespipe.pipeline.cards import Card, read_cards
from salespipe.pipeline.filters import BoardFilters
from salespipe.pipeline.models import (
    ColumnTotal,
    Opportunity,
    OpportunityStatus,
    Portfolio,
    Stage,
    StageStatus,
    StageTemplate,
)
from salespipe.pipeline.rules import stage_position

__all__ = [
    "Board",
    "BoardFilters",
    "Calendar",
    "Card",
    "ClosedList",
    "Column",
    "MonthColumn",
    "MoreCards",
    "StageTotals",
    "Totals",
    "board",
    "board_more",
    "calendar",
    "calendar_more",
    "closed_list",
    "opportunity_detail",
    "portfolio_choices",
]


@dataclass(frozen=True)
class PortfolioChoice:
    portfolio: Portfolio
    open_count: int


@dataclass(frozen=True)
class GroupChoice:
    template: StageTemplate
    portfolios: list[Portfolio]
    open_count: int


@dataclass(frozen=True)
class PortfolioChoices:
    portfolios: list[PortfolioChoice]
    groups: list[GroupChoice]


def portfolio_choices(user: Collaborator, *, count_open: bool = True) -> PortfolioChoices:
    """Every portfolio of every company, and every group of two portfolios or more (SPEC B7).

    The counts are of the open opportunities the user may see: those of its companies. A
    page that shows only the names asks for none (`count_open=False`, every count 0): they
    would read every open opportunity of every portfolio on each page.
    """
    rows = Portfolio.objects.select_related("company", "template").order_by(
        "template__name", "name", "company__name"
    )
    if count_open:
        visible_open = Q(
            opportunities__status=OpportunityStatus.OPEN,
            opportunities__company_id__in=company_ids(user),
        )
        rows = rows.annotate(open_count=Count("opportunities", filter=visible_open))
    choices = [PortfolioChoice(row, getattr(row, "open_count", 0)) for row in rows]
    by_template: dict[int, list[PortfolioChoice]] = {}
    for choice in choices:
        by_template.setdefault(choice.portfolio.template_id, []).append(choice)
    groups = [
        GroupChoice(
            template=members[0].portfolio.template,
            portfolios=[member.portfolio for member in members],
            open_count=sum(member.open_count for member in members),
        )
        for members in by_template.values()
        if len(members) > 1
    ]
    return PortfolioChoices(portfolios=choices, groups=groups)


# --- Board and calendar (B1-B13, C1-C4, P6) -------------------------------------------------
#
# Both reads run a fixed number of queries whatever the number of opportunities: the scope
# (portfolio or group, the user's companies, the stages, the display currency), one grouped
# aggregate for every total, the rates, the cards with their relations, their tags, and
# their next planned actions. Totals come from the aggregate, never from the cards drawn,
# so they cover every matching opportunity even when `card_limit` cuts the cards.
#
# Money (B6): an amount total adds, per stage and currency, the SQL sum of the amounts
# (weighted: times the stage's probability), converted into the display currency at the
# latest rate on or before today (see `salespipe.org.rates`), each group rounded to the
# cent. A currency without a rate is left out of the amount totals and named in
# `missing_rates` ("USD→GBP"); its cards are still counted and their days added. The
# display currency is the portfolio company's; for a group or all portfolios, the currency
# of the user's first company in scope, by name (else the first portfolio's company's).


@dataclass(frozen=True)
class Totals:
    count: int
    amount: Decimal
    days: Decimal


NO_TOTALS = Totals(count=0, amount=Decimal("0.00"), days=Decimal("0.00"))


@dataclass(frozen=True)
class Column:
    stage: Stage
    cards: list[Card]
    totals: Totals
    # Matching cards not drawn because of `card_limit`.
    remaining: int


@dataclass(frozen=True)
class StageTotals:
    stage: Stage
    totals: Totals


@dataclass(frozen=True)
class Board:
    scope_label: str
    portfolio: Portfolio | None
    template: StageTemplate
    columns: list[Column]
    summary: Totals
    currency: Currency
    # The rates the totals were converted at, for the cards' figures.
    rates: RateTable
    weighted: bool
    can_create: bool
    missing_rates: list[str]
    filters: BoardFilters = field(default_factory=BoardFilters)

    @property
    def by_stage(self) -> list[StageTotals]:
        """B4: the summary per stage, which on a board is each column's totals."""
        return [StageTotals(column.stage, column.totals) for column in self.columns]


@dataclass(frozen=True)
class MonthColumn:
    # None is the "No date" column, always first (C1).
    month: Month | None
    cards: list[Card]
    totals: Totals
    remaining: int


@dataclass(frozen=True)
class Calendar:
    scope_label: str
    columns: list[MonthColumn]
    summary: Totals
    currency: Currency
    # The rates the totals were converted at, for the cards' figures.
    rates: RateTable
    weighted: bool
    can_create: bool
    missing_rates: list[str]
    start: Month
    months: int
    portfolio: Portfolio | None = None
    # None when showing all portfolios, which may mix templates.
    template: StageTemplate | None = None
    # B4: the summary per stage of the opportunities shown, in stage order.
    by_stage: list[StageTotals] = field(default_factory=list)
    filters: BoardFilters = field(default_factory=BoardFilters)


@dataclass(frozen=True)
class _Scope:
    label: str
    portfolio: Portfolio | None
    template: StageTemplate | None
    # The open stages shown, in order (of every template shown when several).
    stages: list[Stage]
    # The open opportunities in this scope that the user may see, before any filter.
    opportunities: QuerySet[Opportunity]
    # Their totals as the database keeps them, per column and currency.
    column_totals: QuerySet[ColumnTotal]
    currency: Currency
    can_create: bool

    @cached_property
    def rates(self) -> RateTable:
        """The rates into the scope's currency, for its totals and its sort by amount: one
        table, read at most once."""
        return RateTable.load(self.currency)


def _first_company_currency(user: Collaborator, fallback: Company | None) -> Currency:
    first = access.companies(user).select_related("currency").order_by("name", "id").first()
    if first is not None:
        return first.currency
    if fallback is not None:
        return fallback.currency
    currency = Currency.objects.order_by("code").first()
    if currency is None:
        raise InvalidInput({"__all__": [_("No currency is configured.")]})
    return currency


def _resolve_scope(
    user: Collaborator,
    portfolio_id: Any,
    group_id: Any,
    all_portfolios: bool = False,
) -> _Scope:
    chosen = [portfolio_id is not None, group_id is not None, all_portfolios]
    if sum(chosen) != 1:
        raise InvalidInput({"__all__": [_("Choose one portfolio, one group or all portfolios.")]})
    visible = access.scoped(user, Opportunity.objects.filter(status=OpportunityStatus.OPEN))
    kept = access.scoped(user, ColumnTotal.objects.all())
    if portfolio_id is not None:
        portfolio = (
            Portfolio.objects.select_related("company__currency", "template")
            .filter(pk=_as_id(portfolio_id, Portfolio))
            .first()
        )
        if portfolio is None:
            raise OutOfScope(Portfolio, portfolio_id)
        stages = list(portfolio.template.stages.filter(status=StageStatus.OPEN))
        return _Scope(
            label=portfolio.name,
            portfolio=portfolio,
            template=portfolio.template,
            stages=sorted(stages, key=stage_position),
            opportunities=visible.filter(portfolio=portfolio),
            column_totals=kept.filter(portfolio=portfolio),
            currency=portfolio.company.currency,
            can_create=portfolio.company_id in company_ids(user),
        )
    if group_id is not None:
        template = StageTemplate.objects.filter(pk=_as_id(group_id, StageTemplate)).first()
        if template is None:
            raise OutOfScope(StageTemplate, group_id)
        stages = list(template.stages.filter(status=StageStatus.OPEN))
        return _Scope(
            label=_("%(template)s: all portfolios") % {"template": template.name},
            portfolio=None,
            template=template,
            stages=sorted(stages, key=stage_position),
            opportunities=visible.filter(portfolio__template=template),
            column_totals=kept.filter(portfolio__template=template),
            currency=_first_company_currency(user, None),
            can_create=False,
        )
    stages = list(
        Stage.objects.filter(status=StageStatus.OPEN, template__portfolios__isnull=False)
        .select_related("template")
        .distinct()
        .order_by("template__name", "template_id", "order", "id")
    )
    return _Scope(
        label=_("All portfolios"),
        portfolio=None,
        template=None,
        stages=stages,
        opportunities=visible,
        column_totals=kept,
        currency=_first_company_currency(user, None),
        can_create=False,
    )


def _as_id(raw: Any, model: type[models.Model]) -> int:
    """An id from an int or digits; anything else can't name an object: `OutOfScope`."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise OutOfScope(model, raw)


class _Sum:
    def __init__(self) -> None:
        self.count = 0
        self.amount = Decimal("0.00")
        self.days = Decimal("0.00")

    def add(self, count: int, amount: Decimal | None, days: Decimal) -> None:
        self.count += count
        if amount is not None:
            self.amount += amount
        self.days += days

    def totals(self) -> Totals:
        return Totals(count=self.count, amount=self.amount, days=self.days)


@dataclass
class _Aggregate:
    by_bucket: dict[Any, _Sum]
    by_stage: dict[int, _Sum]
    overall: _Sum
    rates: RateTable
    missing_rates: list[str]

    def bucket(self, key: Any) -> Totals:
        found = self.by_bucket.get(key)
        return found.totals() if found is not None else NO_TOTALS

    def stage(self, stage_id: int) -> Totals:
        found = self.by_stage.get(stage_id)
        return found.totals() if found is not None else NO_TOTALS


def _aggregate(
    queryset: QuerySet[Opportunity],
    bucket: str,
    table: RateTable,
    weighted: bool,
) -> _Aggregate:
    """Every total in one grouped query: count, amount and days per bucket and stage."""
    rows = (
        queryset.order_by()
        .values(bucket, "stage_id", "stage__probability", "currency_id")
        .annotate(n=Count("id"), amount_sum=Sum("amount"), days_sum=Sum("days"))
    )
    return _summed(rows, bucket, table, weighted)


def _kept_aggregate(
    column_totals: QuerySet[ColumnTotal], table: RateTable, weighted: bool
) -> _Aggregate:
    """As `_aggregate` by stage for opportunities no filter narrows, from the totals the
    database keeps: a few rows per column, however many opportunities it holds."""
    rows = (
        column_totals.order_by()
        .values("stage_id", "stage__probability", "currency_id")
        .annotate(
            n=Sum("count"),
            amounts=Sum("amounts"),
            amount_cents=Sum("amount_cents"),
            days_cents=Sum("days_cents"),
        )
        .filter(n__gt=0)
    )
    return _summed(
        (
            {
                **row,
                "amount_sum": Decimal(row["amount_cents"]).scaleb(-2) if row["amounts"] else None,
                "days_sum": Decimal(row["days_cents"]).scaleb(-2),
            }
            for row in rows
        ),
        "stage_id",
        table,
        weighted,
    )


def _summed(
    rows: Iterable[dict[str, Any]], bucket: str, table: RateTable, weighted: bool
) -> _Aggregate:
    """The totals of grouped rows, each of one stage and currency: converted into the
    table's currency, and weighted by the stage's probability when asked."""
    result = _Aggregate(by_bucket={}, by_stage={}, overall=_Sum(), rates=table, missing_rates=[])
    for row in rows:
        amount: Decimal | None = row["amount_sum"]
        days: Decimal = row["days_sum"] or Decimal(0)
        if weighted:
            share = Decimal(row["stage__probability"]) / Decimal(100)
            amount = amount * share if amount is not None else None
            days = days * share
        converted = Decimal(0) if amount is None else table.convert(amount, row["currency_id"])
        days = to_cents(days)
        for target in (
            result.by_bucket.setdefault(row[bucket], _Sum()),
            result.by_stage.setdefault(row["stage_id"], _Sum()),
            result.overall,
        ):
            target.add(row["n"], converted, days)
    result.missing_rates = table.missing_pairs()
    return result


_CARD_RELATIONS = ("account", "salesperson", "currency", "stage", "contact", "portfolio")


def _check_limit(card_limit: int | None) -> None:
    if card_limit is not None and (isinstance(card_limit, bool) or card_limit < 0):
        raise InvalidInput({"card_limit": [_("A number of zero or more is expected.")]})


def _board_frame(
    user: Collaborator, portfolio_id: Any, group_id: Any, filters: BoardFilters
) -> tuple[_Scope, QuerySet[Opportunity], dict[int, Q]]:
    """The board's scope, the open opportunities it shows, and a condition per column."""
    scope = _resolve_scope(user, portfolio_id, group_id)
    assert scope.template is not None
    matching = filters.apply(
        scope.opportunities.filter(stage_id__in=[stage.pk for stage in scope.stages]), user
    )
    return scope, matching, {stage.pk: Q(stage_id=stage.pk) for stage in scope.stages}


def _board_of(
    scope: _Scope,
    matching: QuerySet[Opportunity],
    filters: BoardFilters,
    weighted: bool,
    cards: list[Card],
) -> Board:
    """The board of `scope` with `cards` in their columns and every total."""
    assert scope.template is not None
    totals = (
        _aggregate(matching, "stage_id", scope.rates, weighted)
        if filters.narrows
        else _kept_aggregate(
            scope.column_totals.filter(stage_id__in=[stage.pk for stage in scope.stages]),
            scope.rates,
            weighted,
        )
    )
    by_stage: dict[int, list[Card]] = {}
    for card in cards:
        by_stage.setdefault(card.stage_id, []).append(card)
    columns = []
    for stage in scope.stages:
        stage_totals = totals.stage(stage.pk)
        drawn = by_stage.get(stage.pk, [])
        columns.append(
            Column(
                stage=stage,
                cards=drawn,
                totals=stage_totals,
                remaining=stage_totals.count - len(drawn),
            )
        )
    return Board(
        scope_label=scope.label,
        portfolio=scope.portfolio,
        template=scope.template,
        columns=columns,
        summary=totals.overall.totals(),
        currency=scope.currency,
        rates=totals.rates,
        weighted=weighted,
        can_create=scope.can_create,
        missing_rates=totals.missing_rates,
        filters=filters,
    )


def board(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    card_limit: int | None = None,
) -> Board:
    """The board of a portfolio, or of a group (its template's id): B1-B13.

    Columns are the template's open stages in order, with the open opportunities of the
    user's companies (B7) that match `filters`, sorted by `filters.sort` (B9). At most
    `card_limit` cards per column are drawn; `remaining` tells how many more match.
    A group's board has no create button (`can_create` False). Unknown portfolio or group:
    `OutOfScope`.
    """
    _check_limit(card_limit)
    scope, matching, partitions = _board_frame(user, portfolio_id, group_id, filters)
    cards = read_cards(
        matching, list(partitions.values()), filters.ordering(scope.rates), card_limit, weighted
    )
    return _board_of(scope, matching, filters, weighted, cards)


MAX_CALENDAR_MONTHS = 36


def _check_months(months: int) -> None:
    if isinstance(months, bool) or not 1 <= months <= MAX_CALENDAR_MONTHS:
        raise InvalidInput(
            {"months": [_("Between 1 and %(max)s months.") % {"max": MAX_CALENDAR_MONTHS}]}
        )


def _calendar_frame(
    user: Collaborator,
    portfolio_id: Any,
    group_id: Any,
    all_portfolios: bool,
    start: Month,
    months: int,
    filters: BoardFilters,
) -> tuple[_Scope, list[Month], QuerySet[Opportunity], dict[Month | None, Q]]:
    """The calendar's scope, months, open opportunities shown, and a condition per column."""
    _check_months(months)
    scope = _resolve_scope(user, portfolio_id, group_id, all_portfolios)
    shown = month_range(start, months)
    matching = filters.apply(
        scope.opportunities.filter(_in_months(shown), stage__status=StageStatus.OPEN), user
    )
    partitions: dict[Month | None, Q] = {None: Q(expected_signature_date__isnull=True)}
    for month in shown:
        partitions[month] = Q(
            expected_signature_date__gte=month.first_day,
            expected_signature_date__lte=month.last_day,
        )
    return scope, shown, matching, partitions


def _month_of(card: Card) -> Month | None:
    day = card.expected_signature_date
    return Month.of(day) if day else None


def _calendar_of(
    scope: _Scope,
    shown: list[Month],
    matching: QuerySet[Opportunity],
    filters: BoardFilters,
    weighted: bool,
    cards: list[Card],
) -> Calendar:
    """The calendar of `scope` over `shown` with `cards` in their months and every total."""
    totals = _aggregate(
        matching.annotate(signature_month=MonthKey("expected_signature_date")),
        "signature_month",
        scope.rates,
        weighted,
    )
    by_month: dict[Month | None, list[Card]] = {}
    for card in cards:
        by_month.setdefault(_month_of(card), []).append(card)
    columns = []
    for month in [None, *shown]:
        month_totals = totals.bucket(str(month) if month is not None else None)
        drawn = by_month.get(month, [])
        columns.append(
            MonthColumn(
                month=month,
                cards=drawn,
                totals=month_totals,
                remaining=month_totals.count - len(drawn),
            )
        )
    return Calendar(
        scope_label=scope.label,
        columns=columns,
        summary=totals.overall.totals(),
        currency=scope.currency,
        rates=totals.rates,
        weighted=weighted,
        can_create=scope.can_create,
        missing_rates=totals.missing_rates,
        start=shown[0],
        months=len(shown),
        portfolio=scope.portfolio,
        template=scope.template,
        by_stage=[StageTotals(stage, totals.stage(stage.pk)) for stage in scope.stages],
        filters=filters,
    )


def calendar(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    all_portfolios: bool = False,
    start: Month,
    months: int,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    card_limit: int | None = None,
) -> Calendar:
    """The signature calendar (C1-C4): "No date", then `months` months from `start`.

    Shows the open opportunities, of every open stage, whose expected signature date falls
    in a month shown or is empty; same scope, filters, sort, weighting and totals as the
    board. With `all_portfolios`, every portfolio's, and no create button.
    """
    _check_limit(card_limit)
    scope, shown, matching, partitions = _calendar_frame(
        user, portfolio_id, group_id, all_portfolios, start, months, filters
    )
    cards = read_cards(
        matching, list(partitions.values()), filters.ordering(scope.rates), card_limit, weighted
    )
    return _calendar_of(scope, shown, matching, filters, weighted, cards)


# --- What changed on a board or calendar (B21, and the answer to a change) -------------------
#
# A change answers with what it changed, and a colleague's change reaches the other open pages
# the same way: the cards named, each with the card drawn just before it in its column (where
# the page puts it), the ids no longer shown, and every total. A fixed number of queries, plus
# one per card named to find its place.


@dataclass(frozen=True)
class PlacedCard:
    card: Card
    # The column's key: a stage id on the board, a month (None: *No date*) on the calendar.
    column: int | Month | None
    # The id of the card just before it in its column's order; None when it comes first.
    after: int | None


@dataclass(frozen=True)
class Changes[V]:
    # The page's totals and summary; its columns hold no cards.
    view: V
    # The cards named that the page shows, in an order where each one's `after` comes first.
    placed: list[PlacedCard]
    # The ids named that the page no longer shows (moved out, closed, deleted, filtered out).
    gone: list[int]


def _before_anchor(value: Any, pk: int, descending: bool) -> Q:
    """The cards before (value, pk) in the column's order; empty values always come last."""
    if value is None:
        return Q(**{f"{_SORT_ALIAS}__isnull": False}) | Q(
            **{f"{_SORT_ALIAS}__isnull": True}, pk__lt=pk
        )
    before, bound = ("gt", "gte") if descending else ("lt", "lte")
    # The bound says again what the two branches say, as a range the database can walk an
    # index back from (`opp_column_signature`); an OR alone makes it scan from the end.
    return Q(**{f"{_SORT_ALIAS}__{bound}": value}) & (
        Q(**{f"{_SORT_ALIAS}__{before}": value}) | Q(**{_SORT_ALIAS: value}, pk__lt=pk)
    )


def _placed[K: int | Month | None](
    scope: _Scope,
    matching: QuerySet[Opportunity],
    partitions: Mapping[K, Q],
    ids: list[int],
    filters: BoardFilters,
    weighted: bool,
    column_of: Callable[[Card], K],
) -> list[PlacedCard]:
    if not ids:
        return []
    descending = filters.sort.startswith("-")
    keyed = matching.annotate(**{_SORT_ALIAS: filters.sort_key(scope.rates)})
    ordering = filters.ordering(scope.rates)
    named = keyed.filter(pk__in=ids)
    values = dict(named.values_list("pk", _SORT_ALIAS))
    cards = read_cards(named, [], ordering, None, weighted)
    placed = []
    # Read in the columns' order: a card named comes before any other named card it precedes.
    for card in cards:
        column = column_of(card)
        before = (
            keyed.filter(partitions[column], _before_anchor(values[card.id], card.id, descending))
            .order_by(*ordering)
            .reverse()
            .values_list("pk", flat=True)[:1]
        )
        placed.append(PlacedCard(card=card, column=column, after=next(iter(before), None)))
    return placed


def board_changes(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    ids: list[int],
) -> Changes[Board]:
    """What the board of `portfolio_id` or `group_id` now shows of the opportunities `ids`."""
    scope, matching, partitions = _board_frame(user, portfolio_id, group_id, filters)
    placed = _placed(
        scope, matching, partitions, ids, filters, weighted, lambda card: card.stage_id
    )
    shown = {item.card.id for item in placed}
    return Changes(
        view=_board_of(scope, matching, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in shown],
    )


def calendar_changes(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    all_portfolios: bool = False,
    start: Month,
    months: int,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    ids: list[int],
) -> Changes[Calendar]:
    """As `board_changes`, for the calendar of `months` months from `start`."""
    scope, shown, matching, partitions = _calendar_frame(
        user, portfolio_id, group_id, all_portfolios, start, months, filters
    )
    placed = _placed(scope, matching, partitions, ids, filters, weighted, _month_of)
    found = {item.card.id for item in placed}
    return Changes(
        view=_calendar_of(scope, shown, matching, filters, weighted, []),
        placed=placed,
        gone=[pk for pk in ids if pk not in found],
    )


# --- More cards of a column: Show more, and live search beyond the cards drawn ------------------
#
# A column draws its first cards (`card_limit`); *Show more* asks for the next ones, and live
# search asks for the matching cards not drawn yet. Both read "the cards after the last one
# drawn", by key rather than by offset: the last card's sort value and id (ties are broken by
# id, see `BoardFilters.ordering`), so that a card moved meanwhile shifts nothing. An anchor
# that is gone (deleted, closed, out of scope) starts the column from its first card; the
# page skips the cards it already has.

_SORT_ALIAS = "more_sort_value"


@dataclass(frozen=True)
class MoreCards:
    cards: list[Card]
    # Matching cards of the column still after these.
    remaining: int
    # The board's display currency, which the page's figures are converted into.
    currency: Currency


def _after_anchor(value: Any, pk: int, descending: bool) -> Q:
    """The cards after (value, pk) in the column's order; empty values always come last."""
    if value is None:
        return Q(**{f"{_SORT_ALIAS}__isnull": True}) & Q(pk__gt=pk)
    beyond = "lt" if descending else "gt"
    return (
        Q(**{f"{_SORT_ALIAS}__{beyond}": value})
        | Q(**{_SORT_ALIAS: value}, pk__gt=pk)
        | Q(**{f"{_SORT_ALIAS}__isnull": True})
    )


def _more[K](
    scope: _Scope,
    matching: QuerySet[Opportunity],
    partitions: Mapping[K, Q],
    after: Mapping[K, int | None],
    filters: BoardFilters,
    weighted: bool,
    limit: int,
    column_of: Callable[[Card], K],
) -> dict[K, MoreCards]:
    if isinstance(limit, bool) or not 1 <= limit <= MAX_MORE_CARDS:
        raise InvalidInput({"limit": [_("Between 1 and %(max)s cards.") % {"max": MAX_MORE_CARDS}]})
    unknown = [key for key in after if key not in partitions]
    if unknown:
        raise InvalidInput({"after": [_("This column is not shown.")]})
    if not after:
        return {}
    descending = filters.sort.startswith("-")
    sort_key = filters.sort_key(scope.rates)
    # Anchors are looked up among every open card in scope, not only those matching: the
    # last card drawn before a search began needn't match the search.
    anchor_ids = [pk for pk in after.values() if pk is not None]
    anchors = dict(
        scope.opportunities.filter(pk__in=anchor_ids)
        .annotate(**{_SORT_ALIAS: sort_key})
        .values_list("pk", _SORT_ALIAS)
    )
    conditions: dict[K, Q] = {}
    for key, anchor in after.items():
        condition = partitions[key]
        if anchor is not None and anchor in anchors:
            condition &= _after_anchor(anchors[anchor], anchor, descending)
        conditions[key] = condition
    keyed = matching.annotate(**{_SORT_ALIAS: sort_key})
    counts = keyed.aggregate(
        **{f"column_{index}": Count("pk", filter=c) for index, c in enumerate(conditions.values())}
    )
    cards = read_cards(
        keyed, list(conditions.values()), filters.ordering(scope.rates), limit, weighted
    )
    by_column: dict[K, list[Card]] = {}
    for card in cards:
        by_column.setdefault(column_of(card), []).append(card)
    return {
        key: MoreCards(
            cards=by_column.get(key, []),
            remaining=counts[f"column_{index}"] - len(by_column.get(key, [])),
            currency=scope.currency,
        )
        for index, key in enumerate(conditions)
    }


MAX_MORE_CARDS = 500


def board_more(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    after: Mapping[int, int | None],
    limit: int,
) -> dict[int, MoreCards]:
    """The next cards of board columns: `after` maps a stage id to the id of the last card
    drawn in it (None: from the first), and `limit` caps each column. `filters` may hold a
    live search (`search`, `reach`): then only the matching cards not drawn yet come."""
    scope, matching, partitions = _board_frame(user, portfolio_id, group_id, filters)
    return _more(
        scope, matching, partitions, after, filters, weighted, limit, lambda card: card.stage_id
    )


def calendar_more(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    all_portfolios: bool = False,
    start: Month,
    months: int,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    after: Mapping[Month | None, int | None],
    limit: int,
) -> dict[Month | None, MoreCards]:
    """As `board_more`, for calendar columns: a month shown, or None for *No date*."""
    scope, _shown, matching, partitions = _calendar_frame(
        user, portfolio_id, group_id, all_portfolios, start, months, filters
    )
    return _more(scope, matching, partitions, after, filters, weighted, limit, _month_of)


def _in_months(shown: list[Month]) -> Q:
    return Q(expected_signature_date__isnull=True) | Q(
        expected_signature_date__gte=shown[0].first_day,
        expected_signature_date__lte=shown[-1].last_day,
    )


# --- Won and lost lists (B19) ---------------------------------------------------------------

ClosedOutcome = Literal["won", "lost"]
_OUTCOME_STATUSES: dict[str, list[str]] = {
    "won": [OpportunityStatus.WON],
    "lost": [
        OpportunityStatus.LOST,
        OpportunityStatus.ABANDONED,
        OpportunityStatus.OUT_OF_TARGET,
    ],
}


@dataclass(frozen=True)
class ClosedList:
    outcome: ClosedOutcome
    rows: list[Opportunity]
    # How many match, of which at most `limit` are in `rows`.
    total: int
    limit: int


def closed_list(
    *,
    user: Collaborator,
    portfolio_id: int | None = None,
    group_id: int | None = None,
    outcome: ClosedOutcome,
    search: str = "",
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    limit: int = 200,
) -> ClosedList:
    """B19: the won, or the lost (lost, abandoned, out of target), opportunities.

    Of a portfolio, a group, or (neither given) every portfolio; only the user's companies.
    `search` matches the start of the call name, the account's name or the contact's name.
    Newest outcome first; `filters` narrow as on the board, their sort is not used.
    """
    if outcome not in _OUTCOME_STATUSES:
        raise InvalidInput({"outcome": [_("Won or lost is expected.")]})
    if isinstance(limit, bool) or limit < 1:
        raise InvalidInput({"limit": [_("A number of one or more is expected.")]})
    queryset = access.scoped(
        user, Opportunity.objects.filter(status__in=_OUTCOME_STATUSES[outcome])
    )
    if portfolio_id is not None:
        queryset = queryset.filter(portfolio_id=_as_id(portfolio_id, Portfolio))
    elif group_id is not None:
        queryset = queryset.filter(portfolio__template_id=_as_id(group_id, StageTemplate))
    key = search_key(search)
    if key:
        queryset = queryset.filter(
            Q(name__istartswith=search.strip())
            | Q(account__name_key__startswith=key)
            | Q(contact__name_key__startswith=key)
        )
    queryset = filters.apply(queryset, user)
    outcome_day = "signed_on" if outcome == "won" else "lost_on"
    rows = list(
        queryset.select_related(*_CARD_RELATIONS, "loss_reason")
        .prefetch_related("tags")
        .order_by(F(outcome_day).desc(nulls_last=True), "-updated_at", "-id")[:limit]
    )
    total = len(rows) if len(rows) < limit else queryset.count()
    return ClosedList(outcome=outcome, rows=rows, total=total, limit=limit)


def opportunity_detail(*, user: Collaborator, opportunity_id: Any) -> Opportunity:
    """One opportunity with what its sheet shows loaded; `OutOfScope` if not the user's."""
    queryset = Opportunity.objects.select_related(
        *_CARD_RELATIONS, "company", "loss_reason", "created_by", "stage__template"
    ).prefetch_related("tags")
    return access.get(user, queryset, opportunity_id)
