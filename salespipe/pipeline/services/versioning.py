"""The one way an opportunity changes: a versioned, conditional update with its history (P7, S8).

A change is `UPDATE ... WHERE id = ... AND version = ...` that also increments the version,
then the history rows, inside the caller's transaction: if someone changed the opportunity
since it was read, zero rows match and `StaleVersion` is raised, so nothing is written.
Every service that changes an opportunity's own fields goes through `save`.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.lib.phones import phone_search_key
from salespipe.live.publish import publish
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity, name_sort_key
from salespipe.pipeline.services import history
from salespipe.pipeline.services.errors import StaleVersion

RELATED = (
    "company",
    "portfolio",
    "stage__template",
    "account",
    "currency",
    "salesperson",
    "contact",
    "loss_reason",
    "created_by",
)


def load(
    user: Collaborator,
    opportunity_id: int,
    *,
    related: Sequence[str] = RELATED,
    prefetch: Sequence[str | Prefetch[str]] = ("tags",),
) -> Opportunity:
    """The opportunity with what the services and their callers read of it.

    A service that reads less names what it reads: every relation joined costs SQL to build
    and a plan to make on each change; those not named load if read.
    """
    queryset = Opportunity.objects.select_related(*related).prefetch_related(*prefetch)
    return access.get(user, queryset, opportunity_id)


def check_version(opportunity: Opportunity, version: int | None) -> int:
    expected = integer(version)
    if expected is None:
        raise InvalidInput({"version": [_("The version last read is required.")]})
    if opportunity.version != expected:
        raise StaleVersion(opportunity)
    return expected


def _columns(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The column values of an UPDATE for `changes`, with the keys derived from them."""
    columns = dict(changes)
    columns.pop("tags", None)
    if "name" in columns:
        columns["name_key"] = name_sort_key(columns["name"])
    for name in ("phone", "mobile"):
        if name in columns:
            columns[f"{name}_key"] = phone_search_key(columns[name])
    return columns


def save(
    user: Collaborator, opportunity: Opportunity, version: int, changes: Mapping[str, Any]
) -> Opportunity:
    """The conditional update, the tags and the history rows; StaleVersion if raced.

    Runs inside the calling service's transaction, so that a failure leaves nothing written.
    """
    changed = history.tracked_changes(opportunity, changes)
    portfolio_before = opportunity.portfolio_id
    columns = {**_columns(changes), "version": version + 1, "updated_at": timezone.now()}
    updated = Opportunity.objects.filter(pk=opportunity.pk, version=version).update(**columns)
    if updated == 0:
        raise StaleVersion(load(user, opportunity.pk))
    _apply(opportunity, columns)
    if "tags" in changes:
        opportunity.tags.set(changes["tags"])
        prefetch_related_objects([opportunity], "tags")
    history.record_changes(opportunity, user, changed)
    publish(opportunity, left_portfolio_id=portfolio_before)
    return opportunity


def _apply(opportunity: Opportunity, columns: Mapping[str, Any]) -> None:
    """Gives the loaded opportunity the values just written, as reading it again would.

    The UPDATE matched its version, so nothing else changed the row in between: reloading
    it with its relations would only cost a second ten-table read per change.
    """
    for name, value in columns.items():
        field = Opportunity._meta.get_field(name)
        if value is not None and not field.is_relation:
            if isinstance(field, models.DecimalField):
                # The column keeps two places: "1500" reads back as 1500.00.
                value = value.quantize(Decimal(1).scaleb(-(field.decimal_places or 0)))
            elif isinstance(value, str):
                # A choice given as an enum member reads back as its plain value.
                value = str(value)
        setattr(opportunity, name, value)
