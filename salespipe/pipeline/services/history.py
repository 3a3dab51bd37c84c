"""The history of an opportunity (SPEC S8): who changed what, when, from what, to what.

Values are written as stable text: related objects by their name at the time, decimals
with two places ("1500.00"), dates in ISO 8601 ("2026-03-31"), statuses by their code
("won"). Entries outlive the opportunity: deleting it writes a last entry holding a
snapshot of what was deleted, and `opportunity_ref` keeps its id.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import HistoryEntry, HistoryKind, Opportunity

# The fields whose every change is recorded: S8's list (stage, status, amount, signature
# date, portfolio), with the currency the amount is in and the outcome fields, so that a
# reused opportunity still shows how it ended before.
TRACKED_FIELDS: tuple[str, ...] = (
    "portfolio",
    "stage",
    "status",
    "amount",
    "currency",
    "expected_signature_date",
    "signed_on",
    "lost_on",
    "loss_reason",
)

_MAX_TEXT = HistoryEntry._meta.get_field("old_value").max_length or 255


def as_text(value: Any) -> str:
    """A value as the history shows it, the same today and in ten years."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:_MAX_TEXT]


@dataclass(frozen=True)
class Change:
    """A tracked field whose readable value a change replaces."""

    field: str
    old_value: str
    new_value: str
    # The stage entered, for a change of stage (X6).
    entered_stage_id: int | None = None


def tracked_changes(opportunity: Opportunity, changes: Mapping[str, Any]) -> list[Change]:
    """The tracked fields that `changes` give another readable value, in TRACKED_FIELDS order.

    Read before the change is applied. A relation is compared by id first: only one that
    changes has its name read, so a relation the caller did not load is not read for nothing.
    """
    found = []
    for name in TRACKED_FIELDS:
        if name not in changes:
            continue
        new = changes[name]
        field = Opportunity._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            new_id = new.pk if isinstance(new, models.Model) else new
            if getattr(opportunity, field.attname) == new_id:
                continue
        old_text, new_text = as_text(getattr(opportunity, name)), as_text(new)
        if old_text != new_text or name == "stage":
            entered = (
                (new.pk if isinstance(new, models.Model) else new) if name == "stage" else None
            )
            found.append(
                Change(field=name, old_value=old_text, new_value=new_text, entered_stage_id=entered)
            )
    return found


def _entry(
    opportunity: Opportunity, actor: Collaborator | None, kind: str, **fields: Any
) -> HistoryEntry:
    return HistoryEntry(
        opportunity=opportunity if kind != HistoryKind.DELETED else None,
        opportunity_ref=opportunity.pk,
        company_id=opportunity.company_id,
        actor=actor,
        kind=kind,
        **fields,
    )


def record_created(opportunity: Opportunity, actor: Collaborator) -> list[HistoryEntry]:
    """One entry for the creation, telling where the opportunity started."""
    return record_created_many([opportunity], actor)


def record_created_many(
    opportunities: Sequence[Opportunity], actor: Collaborator
) -> list[HistoryEntry]:
    """`record_created` of many opportunities, in one insert."""
    return HistoryEntry.objects.bulk_create(
        [
            _entry(
                opportunity,
                actor,
                HistoryKind.CREATED,
                field="stage",
                new_value=as_text(opportunity.stage),
                entered_stage_id=opportunity.stage_id,
            )
            for opportunity in opportunities
        ]
    )


def record_changes(
    opportunity: Opportunity, actor: Collaborator, changes: Sequence[Change]
) -> list[HistoryEntry]:
    """One entry per change of `tracked_changes`."""
    entries = [
        _entry(
            opportunity,
            actor,
            HistoryKind.CHANGED,
            field=change.field,
            old_value=change.old_value,
            new_value=change.new_value,
            entered_stage_id=change.entered_stage_id,
        )
        for change in changes
    ]
    return HistoryEntry.objects.bulk_create(entries) if entries else []


def snapshot(opportunity: Opportunity) -> dict[str, Any]:
    """What the opportunity held, as JSON: ids with names, so the trace reads on its own."""

    def ref(obj: models.Model | None) -> dict[str, Any] | None:
        return None if obj is None else {"id": obj.pk, "name": str(obj)}

    return {
        "id": opportunity.pk,
        "name": opportunity.name,
        "company": ref(opportunity.company),
        "portfolio": ref(opportunity.portfolio),
        "stage": ref(opportunity.stage),
        "status": opportunity.status,
        "account": ref(opportunity.account),
        "amount": as_text(opportunity.amount) or None,
        "currency": opportunity.currency_id,
        "days": as_text(opportunity.days) or None,
        "salesperson": ref(opportunity.salesperson),
        "contact": ref(opportunity.contact),
        "phone": opportunity.phone,
        "mobile": opportunity.mobile,
        "function": opportunity.function,
        "email": opportunity.email,
        "expected_signature_date": as_text(opportunity.expected_signature_date) or None,
        "tags": [ref(tag) for tag in opportunity.tags.all()],
        "description": opportunity.description,
        "signed_on": as_text(opportunity.signed_on) or None,
        "lost_on": as_text(opportunity.lost_on) or None,
        "loss_reason": ref(opportunity.loss_reason),
        "version": opportunity.version,
        "created_at": opportunity.created_at.isoformat(),
        "updated_at": opportunity.updated_at.isoformat(),
    }


def record_deleted(opportunity: Opportunity, actor: Collaborator) -> list[HistoryEntry]:
    """The last entry of an opportunity about to be deleted, with its snapshot."""
    entry = _entry(
        opportunity,
        actor,
        HistoryKind.DELETED,
        old_value=as_text(opportunity.name),
        snapshot=snapshot(opportunity),
    )
    return HistoryEntry.objects.bulk_create([entry])


def history_of(user: Collaborator, opportunity_id: int) -> models.QuerySet[HistoryEntry]:
    """The entries of one opportunity, newest first, if the user may see its company.

    Also serves deleted opportunities, through the id they had.
    """
    return (
        access.scoped(user, HistoryEntry.objects.all())
        .filter(opportunity_ref=opportunity_id)
        .select_related("actor")
        .order_by("-at", "-id")
    )
