"""The board (B1-B13) and the signature calendar (C1-C4): the cards of each column and every
total, in a fixed number of queries whatever the number of opportunities."""

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Final, Literal, Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.month_key import MonthKey
from salespipe.lib.months import Month, month_range
from salespipe.org import access
from salespipe.org.models import Collaborator, Currency
from salespipe.org.rates import RateTable
from salespipe.pipeline.models import (
    ColumnTotal,
    Opportunity,
    Portfolio,
    Stage,
    StageStatus,
    StageTemplate,
)
from salespipe.pipeline.selectors.cards import Card, read_cards
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.scope import Scope, resolve_scope
from salespipe.pipeline.selectors.totals import (
    Totals,
    aggregate,
    kept_aggregate,
)

# A calendar column's name in the page for *No date*, beside months written "2026-05".
NO_DATE_KEY = "none"
# The calendar's column of the signatures already past (C1): its key, in the page too.
OVERDUE: Final = "overdue"
# A calendar column: a month, *No date* (None) or *Overdue*.
MonthSlot = Month | Literal["overdue"] | None

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
class Column:
    stage: Stage
    cards: list[Card]
    totals: Totals
    # Matching cards not drawn because of `card_limit`.
    remaining: int

    @property
    def key(self) -> str:
        """Its name in the page: the stage's id."""
        return str(self.stage.pk)


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
    # None is the "No date" column, always first (C1), or the *Overdue* one after it.
    month: Month | None
    cards: list[Card]
    totals: Totals
    remaining: int
    # The signatures expected before the first month shown and already past (C1).
    overdue: bool = False

    @property
    def key(self) -> str:
        """Its name in the page: "2026-05", "none" for *No date*, "overdue"."""
        if self.overdue:
            return OVERDUE
        return NO_DATE_KEY if self.month is None else str(self.month)


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


def check_limit(card_limit: int | None) -> None:
    if card_limit is not None and (isinstance(card_limit, bool) or card_limit < 0):
        raise InvalidInput({"card_limit": [_("A number of zero or more is expected.")]})


MAX_CALENDAR_MONTHS = 36


def _check_months(months: int) -> None:
    if isinstance(months, bool) or not 1 <= months <= MAX_CALENDAR_MONTHS:
        raise InvalidInput(
            {"months": [_("Between 1 and %(max)s months.") % {"max": MAX_CALENDAR_MONTHS}]}
        )


@dataclass(frozen=True)
class Frame[K]:
    """A page before its cards are read: its scope, the open opportunities matching its
    filters, and the condition of each column, in the columns' order."""

    scope: Scope
    partitions: dict[K, Q]
    # Everything `matching` and `partitions` are built from, for reads prepared once per
    # shape (`salespipe.lib.prepared`); None when they read the time, and change each call.
    key: Hashable | None
    # Builds `matching` when a read first needs it: one prepared for this shape doesn't.
    narrowed: Callable[[], QuerySet[Opportunity]] = field(repr=False)

    @cached_property
    def matching(self) -> QuerySet[Opportunity]:
        """The open opportunities of the scope that match the page's filters."""
        return self.narrowed()


def frame_key(
    layout: Hashable, user: Collaborator, filters: BoardFilters, scope: Scope
) -> Hashable | None:
    """What a page's frame is built from: its layout, its filters, the user (a filter may
    name him) and what the access module narrows by, the stages shown, and for a sort by
    amount the currency it converts into (an admin may change a company's) and the rates."""
    if filters.stale_only:
        return None
    rates: tuple[tuple[str, Decimal], ...] = ()
    if filters.sort.removeprefix("-") == "amount":
        rates = tuple(sorted(scope.rates.known().items()))
    return (
        layout,
        filters,
        user.pk,
        access.scope_key(user, Opportunity),
        access.scope_key(user, ColumnTotal),
        tuple(stage.pk for stage in scope.stages),
        scope.currency.code,
        rates,
    )


class Layout[K, V](Protocol):
    """How a page lays its columns out: by stage (`ByStage`, the board) or by signature month
    (`ByMonth`, the calendar). What both pages do alike (draw their columns, answer a
    change, give a column's next cards) is written once, for any layout."""

    def frame(self, user: Collaborator, filters: BoardFilters) -> Frame[K]: ...

    def column_of(self, card: Card) -> K:
        """The column a card shown goes in."""
        ...

    def key(self, column: K) -> str:
        """A column's name in the page: in its addresses and its elements' ids."""
        ...

    def assemble(
        self, frame: Frame[K], filters: BoardFilters, weighted: bool, cards: list[Card]
    ) -> V:
        """The page with `cards` in their columns, and every total."""
        ...


@dataclass(frozen=True)
class ByStage:
    """The board of a portfolio, or of a group (its template's id): a column per open stage."""

    portfolio_id: int | None = None
    group_id: int | None = None

    def frame(self, user: Collaborator, filters: BoardFilters) -> Frame[int]:
        scope = resolve_scope(user, self.portfolio_id, self.group_id)
        assert scope.template is not None
        partitions = {stage.pk: Q(stage_id=stage.pk) for stage in scope.stages}
        return Frame(
            scope,
            partitions,
            frame_key(self, user, filters, scope),
            lambda: filters.apply(scope.opportunities.filter(stage_id__in=list(partitions)), user),
        )

    def column_of(self, card: Card) -> int:
        return card.stage_id

    def key(self, column: int) -> str:
        return str(column)

    def assemble(
        self, frame: Frame[int], filters: BoardFilters, weighted: bool, cards: list[Card]
    ) -> Board:
        scope = frame.scope
        assert scope.template is not None
        totals = (
            aggregate(frame.key, lambda: frame.matching, "stage_id", scope.rates, weighted)
            if filters.narrows
            else kept_aggregate(
                frame.key,
                lambda: scope.column_totals.filter(
                    stage_id__in=[stage.pk for stage in scope.stages]
                ),
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


def month_of(card: Card) -> Month | None:
    day = card.expected_signature_date
    return Month.of(day) if day else None


@dataclass(frozen=True)
class ByMonth:
    """The signature calendar: *No date*, *Overdue* when it starts this month or earlier,
    then `months` months from `start`, of a portfolio, a group, or every portfolio
    (`all_portfolios`). `today` says which signatures are past; without it, none is shown
    as overdue."""

    start: Month
    months: int
    portfolio_id: int | None = None
    group_id: int | None = None
    all_portfolios: bool = False
    today: dt.date | None = None

    @property
    def overdue_before(self) -> dt.date | None:
        """The day before which an open opportunity's expected signature is overdue and goes
        in *Overdue*: the first day shown, once that day has come. A calendar of months
        still to come has no such column: what it would hold is past none of its months."""
        if self.today is None or self.start.first_day > self.today:
            return None
        return self.start.first_day

    def frame(self, user: Collaborator, filters: BoardFilters) -> Frame[MonthSlot]:
        _check_months(self.months)
        scope = resolve_scope(user, self.portfolio_id, self.group_id, self.all_portfolios)
        shown = month_range(self.start, self.months)
        overdue_before = self.overdue_before
        dated = _in_months(shown)
        partitions: dict[MonthSlot, Q] = {None: Q(expected_signature_date__isnull=True)}
        if overdue_before is not None:
            partitions[OVERDUE] = Q(expected_signature_date__lt=overdue_before)
            dated |= partitions[OVERDUE]
        for month in shown:
            partitions[month] = Q(
                expected_signature_date__gte=month.first_day,
                expected_signature_date__lte=month.last_day,
            )
        return Frame(
            scope,
            partitions,
            frame_key(self, user, filters, scope),
            lambda: filters.apply(
                scope.opportunities.filter(dated, stage__status=StageStatus.OPEN), user
            ),
        )

    def column_of(self, card: Card) -> MonthSlot:
        day = card.expected_signature_date
        overdue_before = self.overdue_before
        if day is not None and overdue_before is not None and day < overdue_before:
            return OVERDUE
        return month_of(card)

    def key(self, column: MonthSlot) -> str:
        if column is None:
            return NO_DATE_KEY
        return column if column == OVERDUE else str(column)

    def assemble(
        self,
        frame: Frame[MonthSlot],
        filters: BoardFilters,
        weighted: bool,
        cards: list[Card],
    ) -> Calendar:
        scope = frame.scope
        shown = [month for month in frame.partitions if isinstance(month, Month)]
        totals = aggregate(
            frame.key,
            lambda: frame.matching.annotate(signature_month=MonthKey("expected_signature_date")),
            "signature_month",
            scope.rates,
            weighted,
        )
        by_slot: dict[MonthSlot, list[Card]] = {}
        for card in cards:
            by_slot.setdefault(self.column_of(card), []).append(card)
        # *Overdue* adds every month before the first shown: keys "YYYY-MM" sort as months.
        first = str(shown[0])
        columns = []
        for slot in frame.partitions:
            if slot == OVERDUE:
                slot_totals = totals.buckets(lambda key: key is not None and key < first)
            else:
                slot_totals = totals.bucket(str(slot) if slot is not None else None)
            drawn = by_slot.get(slot, [])
            columns.append(
                MonthColumn(
                    month=slot if isinstance(slot, Month) else None,
                    cards=drawn,
                    totals=slot_totals,
                    remaining=slot_totals.count - len(drawn),
                    overdue=slot == OVERDUE,
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


def columns[K, V](
    *,
    user: Collaborator,
    layout: Layout[K, V],
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    card_limit: int | None = None,
) -> V:
    """A board or a calendar, as `layout` lays it out (B1-B13, C1-C4).

    Its columns hold the open opportunities of the user's companies (B7) that match
    `filters`, sorted by `filters.sort` (B9). At most `card_limit` cards per column are
    drawn; `remaining` tells how many more match. Unknown portfolio or group: `OutOfScope`.
    """
    check_limit(card_limit)
    frame = layout.frame(user, filters)
    cards = read_cards(
        frame.matching,
        list(frame.partitions.values()),
        filters.ordering(frame.scope.rates),
        card_limit,
        weighted,
        frame.scope.stages,
    )
    return layout.assemble(frame, filters, weighted, cards)


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

    Columns are the template's open stages in order. A group's board has no create button
    (`can_create` False).
    """
    layout = ByStage(portfolio_id, group_id)
    return columns(
        user=user, layout=layout, filters=filters, weighted=weighted, card_limit=card_limit
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
    today: dt.date | None = None,
) -> Calendar:
    """The signature calendar (C1-C4): "No date", *Overdue* when `today` is given and the
    calendar starts this month or earlier, then `months` months from `start`.

    Shows the open opportunities, of every open stage, whose expected signature date falls
    in a month shown, is empty, or is overdue; same scope, filters, sort, weighting and
    totals as the board. With `all_portfolios`, every portfolio's, and no create button.
    """
    layout = ByMonth(start, months, portfolio_id, group_id, all_portfolios, today)
    return columns(
        user=user, layout=layout, filters=filters, weighted=weighted, card_limit=card_limit
    )


def _in_months(shown: list[Month]) -> Q:
    return Q(expected_signature_date__isnull=True) | Q(
        expected_signature_date__gte=shown[0].first_day,
        expected_signature_date__lte=shown[-1].last_day,
    )
