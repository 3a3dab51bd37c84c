"""What moved in and out of each month of a calendar since a day (SPEC X2): the open
opportunities whose expected signature month is not the one it was that day, from the
history, counted and added up in the calendar's currency, weighted when it is."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from salespipe.lib.money import weighted as weighted_value
from salespipe.lib.months import Month, month_range
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import HistoryEntry, HistoryKind, StageStatus
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import ByMonth


@dataclass
class Moved:
    count: int = 0
    amount: Decimal = Decimal("0.00")


@dataclass
class MonthMoves:
    moved_in: Moved = field(default_factory=Moved)
    moved_out: Moved = field(default_factory=Moved)


def _month(text: str) -> Month | None:
    """A date as the history keeps it (ISO text, "" for none), as its month."""
    try:
        return Month.of(dt.date.fromisoformat(text)) if text else None
    except ValueError:
        return None


def signature_moves(
    *,
    user: Collaborator,
    layout: ByMonth,
    filters: BoardFilters = BoardFilters(),  # noqa: B008 (frozen, so shared safely)
    weighted: bool = False,
    since: dt.date,
) -> dict[Month, MonthMoves]:
    """X2: for each month shown, the open opportunities (of the calendar's scope and filters)
    expected in it now and not on `since`, and those expected in it then and not now. Their
    month then is the one before the first change of their date since; an amount without a
    rate into the calendar's currency is counted, not added."""
    frame = layout.frame(user, filters)
    shown = set(month_range(layout.start, layout.months))
    moves: dict[Month, MonthMoves] = defaultdict(MonthMoves)
    candidates = filters.apply(
        frame.scope.opportunities.filter(stage__status=StageStatus.OPEN), user
    )
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    then: dict[int, Month | None] = {}
    for opportunity_id, old in (
        HistoryEntry.objects.filter(
            opportunity__in=candidates.values("pk"),
            kind=HistoryKind.CHANGED,
            field="expected_signature_date",
            at__gte=start,
        )
        .order_by("opportunity_id", "at", "id")
        .values_list("opportunity_id", "old_value")
    ):
        then.setdefault(opportunity_id, _month(old))
    if not then:
        return {}
    rows = candidates.filter(pk__in=list(then)).values_list(
        "pk", "expected_signature_date", "amount", "currency_id", "stage__probability"
    )
    for pk, day, amount, currency, probability in rows:
        before, now = then[pk], Month.of(day) if day else None
        if before == now:
            continue
        if weighted:
            amount = weighted_value(amount, probability)
        converted = frame.scope.rates.convert(amount, currency) if amount is not None else None
        for month, side in ((now, "moved_in"), (before, "moved_out")):
            if month in shown:
                moved: Moved = getattr(moves[month], side)
                moved.count += 1
                if converted is not None:
                    moved.amount += converted
    return dict(moves)
