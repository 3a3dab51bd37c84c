"""The column totals are the database's to write (SPEC B4): its triggers keep them as the
opportunities change (`ColumnTotal`, migration 0004).

A fixture or a serialized database that carries them would be counted twice: once as
loaded, and once more by the triggers as each opportunity is loaded. Loading them is refused,
with how to load the rest; nothing of the fixture is written.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import pre_save
from django.dispatch import receiver

from salespipe.pipeline.models import ColumnTotal


@receiver(pre_save, sender=ColumnTotal)
def _refuse_loaded_totals(
    sender: type,  # noqa: ARG001 (signals pass their arguments by name)
    raw: bool = False,
    **_kwargs: Any,
) -> None:
    if raw:
        raise ImproperlyConfigured(
            "Column totals are kept by the database from the opportunities: load the data "
            "with `--exclude pipeline.columntotal`."
        )
