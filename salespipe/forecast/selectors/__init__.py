"""What a forecast reads (SPEC X6): the opportunities of a portfolio, a group or every
portfolio that the user may see, whatever their outcome, narrowed by the board's filters,
over a period of whole months.

`forecast` (amounts by signature month and by stage, against the targets) and `funnel`
(conversion and time in each stage) each read in a fixed number of grouped queries, however
many opportunities and history entries there are.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.months import Month, month_range
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import MAX_CALENDAR_MONTHS
from salespipe.pipeline.selectors.scope import Scope, resolve_scope

# As many months as a calendar shows at most.
MAX_MONTHS = MAX_CALENDAR_MONTHS


@dataclass(frozen=True)
class Period:
    """Whole months, from the first day of `start` to the last day of its `months`th."""

    start: Month
    months: int

    def __post_init__(self) -> None:
        if not 1 <= self.months <= MAX_MONTHS:
            raise InvalidInput(
                {"months": [_("Between 1 and %(max)s months.") % {"max": MAX_MONTHS}]}
            )
        if self.start.shifted(self.months).year > dt.MAXYEAR:
            raise InvalidInput({"start": [_("The period must end by the year 9999.")]})
        if self.start.shifted(-1).year < dt.MINYEAR:
            # Its first instant, in any time zone, must still be a date.
            raise InvalidInput({"start": [_("The period must start after the year 1.")]})

    @classmethod
    def around(cls, today: dt.date) -> "Period":
        """The default period: the last six months and the six to come, this one included."""
        return cls(Month.of(today).shifted(-5), 12)

    @property
    def shown(self) -> list[Month]:
        return month_range(self.start, self.months)

    @property
    def end(self) -> Month:
        return self.start.shifted(self.months - 1)

    @property
    def first_day(self) -> dt.date:
        return self.start.first_day

    @property
    def last_day(self) -> dt.date:
        return self.end.last_day

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """Its first instant and the first instant after it, in the site's time zone."""
        after = self.end.shifted(1).first_day
        return (
            timezone.make_aware(dt.datetime.combine(self.first_day, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(after, dt.time.min)),
        )


@dataclass(frozen=True)
class Reach:
    """The scope a forecast is of, and the opportunities it counts."""

    scope: Scope
    # Every opportunity of the scope the user may see, open, won or lost, filtered.
    opportunities: QuerySet[Opportunity]


def reach(
    user: Collaborator,
    *,
    portfolio_id: int | None,
    group_id: int | None,
    all_portfolios: bool,
    filters: BoardFilters,
) -> Reach:
    """The scope as a board resolves it (`OutOfScope` for a portfolio not found), with its
    opportunities of every outcome: a forecast counts the won beside the open."""
    scope = resolve_scope(user, portfolio_id, group_id, all_portfolios)
    every = access.scoped(user, Opportunity.objects.all())
    if scope.portfolio is not None:
        every = every.filter(portfolio=scope.portfolio)
    elif scope.template is not None:
        every = every.filter(portfolio__template=scope.template)
    return Reach(scope=scope, opportunities=filters.apply(every, user))
