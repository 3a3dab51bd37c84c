"""A new action as the board's dialog and the sheet's *Activities* tab post it (SPEC B20).

Both forms have the same fields: a kind, a subject, a due date and time (two inputs, read
as one local datetime), an assignee and notes. The activities service checks each value.
"""

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils import timezone


def due_default() -> dt.datetime:
    """Tomorrow at nine: when a new action is usually due."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9, 0)))


def posted_due_at(data: QueryDict) -> dt.datetime | str:
    """The date and time inputs as one local datetime, or "" for the service to refuse."""
    day = data.get("due_date", "").strip()
    time = data.get("due_time", "").strip() or "09:00"
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time))
    except ValueError:
        return ""


def posted_action(data: QueryDict) -> dict[str, Any]:
    """The values of a new action, for `action_services.action_create`."""
    return {
        "kind": data.get("kind", ""),
        "subject": data.get("subject", ""),
        "due_at": posted_due_at(data),
        "assignee": data.get("assignee", ""),
        "notes": data.get("notes", ""),
    }
