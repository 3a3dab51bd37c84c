"""Changes to actions (SPEC B20, S4): validated and scoped whatever the door.

Each service takes the acting user and ids, checks that every object is in the user's
scope (`OutOfScope` otherwise) and raises `InvalidInput` with messages per field when a
value breaks a rule, changing nothing.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol, cast

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.activities.models import Action, ActionKind
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.live.publish import Published, publish
from salespipe.org import access
from salespipe.org.models import Collaborator


class OpportunityRef(Published, Protocol):
    """What an action takes of the opportunity it hangs on, which this app doesn't import
    (`access.hung_on`): its ids, and its version for the live feed (B21)."""

    account_id: int
    contact_id: int | None


def _opportunities() -> QuerySet[Model]:
    """Every opportunity, of the model actions hang on."""
    return access.hung_on(Action, "opportunity")._default_manager.all()


ACTION_FIELDS = frozenset({"kind", "subject", "due_at", "assignee", "notes"})
_SUBJECT_MAX = Action._meta.get_field("subject").max_length or 200


def _clean_due_at(value: Any, errors: dict[str, list[str]]) -> dt.datetime | None:
    if isinstance(value, str) and value.strip():
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            errors["due_at"] = [_("Enter a date and a time.")]
            return None
    if not isinstance(value, dt.datetime):
        errors["due_at"] = [_("Enter a date and a time.")]
        return None
    moment: dt.datetime = value
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _clean_assignee(
    user: Collaborator, opportunity: OpportunityRef, value: Any, errors: dict[str, list[str]]
) -> Collaborator | None:
    if value is None or value == "":
        return user
    key = integer(value)
    if key is None:
        errors["assignee"] = [_("Choose a collaborator.")]
        return None
    # The assignee must work for the opportunity's company, or the action would be invisible to them.
    assignee = (
        access.scoped(user, Collaborator.objects.filter(is_active=True))
        .filter(pk=key, companies=opportunity.company_id)
        .first()
    )
    if assignee is None:
        errors["assignee"] = [_("Choose a collaborator of the opportunity's company.")]
    return assignee


@transaction.atomic
def action_create(*, user: Collaborator, opportunity_id: int, values: Mapping[str, Any]) -> Action:
    """A planned action on an opportunity the user may see (B20).

    `values`: kind (an `ActionKind`), subject, due_at (a datetime, or its ISO text; naive
    means the current time zone), assignee (a collaborator id; the user when absent), notes.
    """
    opportunity = cast(OpportunityRef, access.get(user, _opportunities(), opportunity_id))
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(values) - ACTION_FIELDS)
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}]
    kind = str(values.get("kind") or "")
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose a type of action.")]
    subject = str(values.get("subject") or "").strip()
    if not subject:
        errors["subject"] = [_("Give the action a subject.")]
    elif len(subject) > _SUBJECT_MAX:
        errors["subject"] = [
            _("At most %(count)d characters.") % {"count": _SUBJECT_MAX},
        ]
    due_at = _clean_due_at(values.get("due_at"), errors)
    assignee = _clean_assignee(user, opportunity, values.get("assignee"), errors)
    notes = str(values.get("notes") or "").strip()
    if errors:
        raise InvalidInput(errors)
    assert due_at is not None
    assert assignee is not None
    action = Action.objects.create(
        company_id=opportunity.company_id,
        opportunity_id=opportunity.pk,
        account_id=opportunity.account_id,
        contact_id=opportunity.contact_id,
        kind=kind,
        subject=subject,
        due_at=due_at,
        assignee=assignee,
        notes=notes,
        created_by=user,
    )
    # The card shows its next action (B20).
    publish(opportunity)
    return action


@transaction.atomic
def action_mark_done(*, user: Collaborator, action_id: int, done: bool = True) -> Action:
    """Marks an action the user may see as done (or planned again), with the time it was done."""
    action = access.get(user, Action, action_id, for_update=True)
    action.done = done
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done", "done_at"])
    if action.opportunity_id is not None:
        changed = _opportunities().only("company_id", "portfolio_id", "version")
        publish(cast(Published, changed.get(pk=action.opportunity_id)))
    return action
