"""The read side of the pipeline; a read's query count never grows with the data.

- `scope`: what a board or calendar covers; `totals`: its totals, summed or kept;
- `layouts`: the board and the calendar, each a layout of columns (`ByStage`, `ByMonth`);
  `changed`: what a change changed on them; `next_cards`: a column's next cards;
- `closed`: the won and lost lists, and the sheet's read;
- `cards`: a card read as plain values; `filters`: the filters and sorts (B8-B12);
  `card_pages`: how many cards a column draws at once; `choices`: the header's portfolios.

What the doors call is re-exported here: `selectors.board(...)`, or for either page,
`selectors.changes(layout=query.layout(...), ...)`.
"""

from salespipe.pipeline.selectors.cards import Card
from salespipe.pipeline.selectors.changed import Changes, PlacedCard, changes
from salespipe.pipeline.selectors.choices import portfolio_choices
from salespipe.pipeline.selectors.closed import (
    ClosedList,
    ClosedOutcome,
    closed_list,
    opportunity_detail,
)
from salespipe.pipeline.selectors.filters import BoardFilters
from salespipe.pipeline.selectors.layouts import (
    MAX_CALENDAR_MONTHS,
    NO_DATE_KEY,
    Board,
    ByMonth,
    ByStage,
    Calendar,
    Column,
    Layout,
    MonthColumn,
    StageTotals,
    board,
    calendar,
    columns,
)
from salespipe.pipeline.selectors.next_cards import MoreCards, more
from salespipe.pipeline.selectors.totals import Totals

__all__ = [
    "MAX_CALENDAR_MONTHS",
    "NO_DATE_KEY",
    "Board",
    "BoardFilters",
    "ByMonth",
    "ByStage",
    "Calendar",
    "Card",
    "Changes",
    "ClosedList",
    "ClosedOutcome",
    "Column",
    "Layout",
    "MonthColumn",
    "MoreCards",
    "PlacedCard",
    "StageTotals",
    "Totals",
    "board",
    "calendar",
    "changes",
    "closed_list",
    "columns",
    "more",
    "opportunity_detail",
    "portfolio_choices",
]
