"""The write side of the pipeline: every change of an opportunity, and the rules it obeys.

- `opportunities`: the services a door calls (create, create many at once, update, move,
  schedule, win, lose, reuse, delete), re-exported here, so that a door reads
  `services.opportunity_move(...)`;
- `estimate`: the detailed estimate's lines (S3); `tags`: tags and their colours;
- `rules`: what a stage asks for, and what a change allows, as pure functions;
- `values`: the sheet's and the API's values, parsed and checked; `errors`: what a refusal
  raises; `versioning`: the conditional save (P7); `history`: the rows a change writes;
- `column_totals`: the totals the database keeps per column (B4).
"""

from salespipe.pipeline.services.opportunities import (
    NewOpportunity,
    opportunity_check_change,
    opportunity_create,
    opportunity_create_many,
    opportunity_delete,
    opportunity_lose,
    opportunity_move,
    opportunity_reuse,
    opportunity_schedule,
    opportunity_update,
    opportunity_win,
)

__all__ = [
    "NewOpportunity",
    "opportunity_check_change",
    "opportunity_create",
    "opportunity_create_many",
    "opportunity_delete",
    "opportunity_lose",
    "opportunity_move",
    "opportunity_reuse",
    "opportunity_schedule",
    "opportunity_update",
    "opportunity_win",
]
