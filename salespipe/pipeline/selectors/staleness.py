"""When an opportunity went stale (SPEC X1), for the API's answers: one opportunity, or a page
of rows. The board's cards learn it with their next actions (`cards`); the rule is
`rules.stale_since`.

A stage's stale delay is a day at least, so an opportunity changed less than a day ago,
which every write answers with, is not stale: nothing more is read for it. Otherwise the
latest due time of its planned actions is read, in one query for a whole page.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Max

from salespipe.activities.models import Action
from salespipe.pipeline.models import Opportunity, OpportunityStatus
from salespipe.pipeline.services.rules import stale_since

_FRESH = dt.timedelta(days=1)


def _may_be_stale(status: str, updated_at: dt.datetime, days: int | None, now: dt.datetime) -> bool:
    return (
        status == OpportunityStatus.OPEN
        and days is not None
        and now - updated_at >= max(_FRESH, dt.timedelta(days=days))
    )


def _planned_until(ids: Iterable[int]) -> dict[int, dt.datetime]:
    rows = (
        Action.objects.filter(opportunity_id__in=list(ids), done=False)
        .values("opportunity_id")
        .annotate(latest=Max("due_at"))
        .values_list("opportunity_id", "latest")
    )
    return dict(rows)


def opportunity_stale_since(opportunity: Opportunity, now: dt.datetime) -> dt.datetime | None:
    """X1 for one opportunity (its stage read with it)."""
    if opportunity.status != OpportunityStatus.OPEN or now - opportunity.updated_at < _FRESH:
        return None
    days = opportunity.stage.stale_after_days
    if not _may_be_stale(opportunity.status, opportunity.updated_at, days, now):
        return None
    planned = _planned_until([opportunity.pk]).get(opportunity.pk)
    return stale_since(opportunity.updated_at, days, planned, now)


def rows_stale_since(rows: Iterable[Mapping[str, Any]], now: dt.datetime) -> dict[int, dt.datetime]:
    """X1 for rows holding `id`, `status`, `updated_at` and `stage__stale_after_days`: the
    stale ones' moment, by id."""
    candidates = [
        row
        for row in rows
        if _may_be_stale(row["status"], row["updated_at"], row["stage__stale_after_days"], now)
    ]
    if not candidates:
        return {}
    planned = _planned_until(row["id"] for row in candidates)
    found = {}
    for row in candidates:
        since = stale_since(
            row["updated_at"], row["stage__stale_after_days"], planned.get(row["id"]), now
        )
        if since is not None:
            found[row["id"]] = since
    return found
