"""Writing the change feed (SPEC B21), inside the transaction of the change it tells of.

A change rolled back leaves no row, and a row is only seen once its change is committed. On
PostgreSQL a trigger on the feed sends a `NOTIFY` that wakes every server process's reader
the moment it commits (migration live 0002); SQLite has no such signal, and the readers
look for new rows a few times a second. The process that made the change wakes its own
reader at once either way.
"""

from collections.abc import Sequence
from contextvars import ContextVar
from typing import Protocol

from django.db import transaction

from salespipe.live.models import Change, ChangeKind

# The page a request comes from (the `X-Live-Origin` header its script sends), told to the
# readers so that the page that made a change does not ask again for what it drew.
origin: ContextVar[str] = ContextVar("live_origin", default="")


class Published(Protocol):
    """What the feed tells of an opportunity: ids and its version."""

    pk: int
    company_id: int
    portfolio_id: int
    version: int


def publish(
    opportunity: Published,
    kind: ChangeKind = ChangeKind.CHANGED,
    *,
    left_portfolio_id: int | None = None,
) -> Change:
    """Tells the open pages that `opportunity` was created, changed or deleted; inside the
    change's transaction. `left_portfolio_id`: the portfolio it was taken out of."""
    change = _change(opportunity, kind, left_portfolio_id, origin.get()[:40])
    change.save(force_insert=True)
    transaction.on_commit(_wake_local_reader)
    return change


def publish_created(opportunities: Sequence[Published]) -> None:
    """`publish` of many opportunities created together (an import's batch), in one insert."""
    if not opportunities:
        return
    said = origin.get()[:40]
    Change.objects.bulk_create(
        [_change(opportunity, ChangeKind.CREATED, None, said) for opportunity in opportunities]
    )
    transaction.on_commit(_wake_local_reader)


def _change(
    opportunity: Published, kind: ChangeKind, left_portfolio_id: int | None, said: str
) -> Change:
    """The feed's row telling of `opportunity`, not saved yet."""
    portfolio_id = opportunity.portfolio_id
    return Change(
        company_id=opportunity.company_id,
        opportunity_id=opportunity.pk,
        version=opportunity.version,
        kind=kind,
        portfolio_id=portfolio_id,
        left_portfolio_id=left_portfolio_id if left_portfolio_id != portfolio_id else None,
        origin=said,
    )


def _wake_local_reader() -> None:
    from salespipe.live.hub import hub

    hub.wake()
