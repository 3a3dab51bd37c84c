"""Demo rows carry the dates of a past they pretend to have: creations months ago, changes
since. `auto_now` and `auto_now_add` would stamp them all with the time of loading, which
makes sorting by creation date or reading the history meaningless, so the loader turns them
off for the time it writes, and sets every such field itself."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    fields = [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    try:
        for field in fields:
            field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
