"""What a signature calendar's address says (SPEC C1-C4): the portfolio, group or all
portfolios shown, the first month and how many months, and the board's filters.

`?portfolio=ID|group=ID|all=1&start=YYYY-MM&months=N` plus the board's parameters (see
`board_params`); the header form sends `scope=all` for *All portfolios*. Without `start` the
calendar opens on the current month; without `months` it shows `DEFAULT_MONTHS`, which the
page's script widens to what a wide screen holds. A value that can't be read is left out
and named in `errors`, so that the page still shows and says what it ignored.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from salespipe.lib.months import Month
from salespipe.lib.parse import integer
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import MAX_CALENDAR_MONTHS, ByMonth

DEFAULT_MONTHS = 4
# C3: quick-drop frames on the right, for the month before the first shown and these after
# the last; they must exist as dates too, so the months shown keep this margin.
FRAMES_AFTER = 3
ALL_SCOPE = "all"
_TRUE = {"1", "true", "yes", "on"}


def fits(start: Month, months: int) -> bool:
    """Whether the months shown and their frames are all real dates (years 1 to 9999)."""
    return start.shifted(-1).year >= dt.MINYEAR and (
        start.shifted(months + FRAMES_AFTER - 1).year <= dt.MAXYEAR
    )


def _since(text: str | None, errors: dict[str, str]) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors["since"] = _("A date written YYYY-MM-DD is expected.")
        return None


def _months(text: str | None, errors: dict[str, str]) -> int | None:
    if text is None or not text.strip():
        return None
    months = integer(text)
    if months is not None and 1 <= months <= MAX_CALENDAR_MONTHS:
        return months
    errors["months"] = _("Between 1 and %(max)s months.") % {"max": MAX_CALENDAR_MONTHS}
    return None


def _start(text: str | None, months: int, errors: dict[str, str]) -> Month | None:
    if text is None or not text.strip():
        return None
    try:
        start = Month.parse(text.strip())
    except ValueError:
        errors["start"] = _("A month written YYYY-MM is expected.")
        return None
    if not fits(start, months):
        errors["start"] = _("The months shown must lie between the years 1 and 9999.")
        return None
    return start


@dataclass(frozen=True)
class CalendarQuery:
    # The portfolio or group asked and the filters, read as on the board.
    scope: BoardQuery
    all_portfolios: bool = False
    # None: the current month.
    start: Month | None = None
    # None: DEFAULT_MONTHS, until the page asks for what the screen holds.
    months: int | None = None
    errors: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    # X2: each month tells what moved in and out of it since this day; None: it doesn't.
    since: dt.date | None = None

    @classmethod
    def from_params(cls, params: QueryDict) -> "CalendarQuery":
        errors: dict[str, str] = {}
        chosen = params.get("scope", "").strip()
        board = BoardQuery.from_params(params)
        if chosen == ALL_SCOPE:
            everything = True
        elif chosen:
            everything = False
        else:
            # An explicit portfolio or group wins over `all`, as in the header's one choice.
            nothing_else = board.portfolio_id is None and board.group_id is None
            everything = nothing_else and params.get("all", "").strip().lower() in _TRUE
        if everything:
            board = BoardQuery(None, None, board.filters)
        months = _months(params.get("months"), errors)
        start = _start(params.get("start"), months or DEFAULT_MONTHS, errors)
        return cls(board, everything, start, months, errors, _since(params.get("since"), errors))

    @property
    def portfolio_id(self) -> int | None:
        return self.scope.portfolio_id

    @property
    def group_id(self) -> int | None:
        return self.scope.group_id

    @property
    def filters(self) -> BoardFilters:
        return self.scope.filters

    @property
    def has_scope(self) -> bool:
        return self.all_portfolios or self.portfolio_id is not None or self.group_id is not None

    @property
    def scope_value(self) -> str:
        """The header's scope drop-down value: `all`, `portfolio:ID` or `group:ID`."""
        return ALL_SCOPE if self.all_portfolios else self.scope.scope_value

    @property
    def seller_value(self) -> str:
        return self.scope.seller_value

    @property
    def month_count(self) -> int:
        return self.months or DEFAULT_MONTHS

    def first_month(self, today: dt.date) -> Month:
        return self.start or Month.of(today)

    def layout(self, today: dt.date) -> ByMonth:
        """The calendar this address shows, for the selectors (months refused in the address
        are the default ones: see `errors`)."""
        return ByMonth(
            self.first_month(today),
            self.month_count,
            self.portfolio_id,
            self.group_id,
            self.all_portfolios,
            today,
        )

    def for_portfolio(self, portfolio_id: int) -> "CalendarQuery":
        return replace(self, scope=BoardQuery(portfolio_id, None, self.filters))

    def starting(self, start: Month) -> "CalendarQuery | None":
        """The same calendar from `start`, or None when its months are not all real dates."""
        if not fits(start, self.month_count):
            return None
        return replace(self, start=start, months=self.month_count, errors={})

    def params(self) -> dict[str, str]:
        result: dict[str, str] = {}
        if self.all_portfolios:
            result["all"] = "1"
        result.update(self.scope.params())
        if self.start is not None:
            result["start"] = str(self.start)
        if self.months is not None:
            result["months"] = str(self.months)
        if self.since is not None:
            result["since"] = self.since.isoformat()
        return result

    def canonical(self) -> str:
        """The query string, with its "?", that gives this calendar back."""
        params = self.params()
        return f"?{urlencode(params)}" if params else ""
