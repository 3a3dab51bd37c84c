"""Recomputing the search keys stored beside their values, after their definition changed.

A migration that changes what `search_key` or `phone_search_key` give calls this for each
model that stores them: rows are read in batches by id, and only those whose keys differ
are written, so that a database where nothing changes is only read.
"""

from collections.abc import Callable
from typing import Any

from django.db import models

BATCH = 1000


def refresh_stored_keys(
    model: type[models.Model],
    read: tuple[str, ...],
    keys_of: Callable[[Any], dict[str, str]],
) -> int:
    """Writes `keys_of(row)` into each row of `model` (read with the fields `read`) whose
    stored keys differ; returns how many rows changed."""
    changed_total = 0
    last = 0
    while True:
        batch = list(
            model._default_manager.filter(pk__gt=last).order_by("pk").only("pk", *read)[:BATCH]
        )
        if not batch:
            return changed_total
        changed = []
        fields: set[str] = set()
        for row in batch:
            keys = keys_of(row)
            if any(getattr(row, name) != value for name, value in keys.items()):
                for name, value in keys.items():
                    setattr(row, name, value)
                fields.update(keys)
                changed.append(row)
        if changed:
            model._default_manager.bulk_update(changed, sorted(fields))
        changed_total += len(changed)
        last = batch[-1].pk
