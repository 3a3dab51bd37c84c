"""The read side of the pipeline; a read's query count never grows with the data.

- `scope`: what a board or calendar covers; `totals`: its totals, summed or kept;
- `columns`: the board and the calendar; `changes`: what a change changed on them;
  `more`: a column's next cards; `closed`: the won and lost lists, and the sheet's read;
- `cards`: a card read as plain values; `filters`: the filters and sorts (B8-B12);
  `card_pages`: how many cards a column draws at once; `choices`: the header's portfolios.

What the doors call is re-exported here: `selectors.board(...)`.
"""

from salespipe.pipeline.selectors.cards import Card
from salespipe.pipeline.selectors.changes import (
    Changes,
    PlacedCard,
    board_changes,
    calendar_changes,
)
from salespipe.pipeline.selectors.choices import portfolio_choices
from salespipe.pipeline.selectors.closed import (
    ClosedList,
    ClosedOutcome,
    closed_list,
    opportunity_detail,
)
from salespipe.pipeline.selectors.columns import (
    MAX_CALENDAR_MONTHS,
    Board,
    Calendar,
    Column,
    MonthColumn,
    StageTotals,
    board,
    calendar,
)
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.more import MoreCards, board_more, calendar_more
from salespipe.pipeline.selectors.totals import Totals

__all__ = [
    "MAX_CALENDAR_MONTHS",
    "Board",
    "BoardFilters",
    "Calendar",
    "Card",
    "Changes",
    "ClosedList",
    "ClosedOutcome",
    "Column",
    "MonthColumn",
    "MoreCards",
    "PlacedCard",
    "StageTotals",
    "Totals",
    "board",
    "board_changes",
    "board_more",
    "calendar",
    "calendar_changes",
    "calendar_more",
    "closed_list",
    "opportunity_detail",
    "portfolio_choices",
]
