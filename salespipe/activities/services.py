"""Changes to actions (SPEC B20, S4): validated and scoped whatever the door.

Each service takes the acting user, ids and the values a door has read into their types
(`NewAction`), checks that every object is in the user's scope (`OutOfScope` otherwise) and
raises `InvalidInput` with messages per field when a value breaks a rule, changing nothing.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Protocol, cast

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.activities.models import Action, ActionKind
from salespipe.lib.errors import InvalidInput
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


_SUBJECT_MAX = Action._meta.get_field("subject").max_length or 200


@dataclass(frozen=True)
class NewAction:
    """A new action's values, as a door read them: the board's dialog and the sheet's
    *Activities* tab through their form, the API through its schema."""

    # One of `ActionKind`.
    kind: str
    subject: str
    # A naive one is read in the current time zone.
    due_at: dt.datetime
    # A collaborator of the opportunity's company; None: the user.
    assignee_id: int | None = None
    notes: str = ""


def action_text_errors(kind: str, subject: str) -> dict[str, list[str]]:
    """What is wrong with an action's kind and subject, by field; empty when nothing is.
    The service checks them, and a form says them at once with what it couldn't read."""
    errors: dict[str, list[str]] = {}
    if kind not in ActionKind.values:
        errors["kind"] = [_("Choose a type of action.")]
    subject = subject.strip()
    if not subject:
        errors["subject"] = [_("Give the action a subject.")]
    elif len(subject) > _SUBJECT_MAX:
        errors["subject"] = [_("At most %(count)d characters.") % {"count": _SUBJECT_MAX}]
    return errors


def _assignee(
    user: Collaborator,
    opportunity: OpportunityRef,
    assignee_id: int | None,
    errors: dict[str, list[str]],
) -> Collaborator | None:
    if assignee_id is None:
        return user
    # The assignee must work for the opportunity's company, or the action would be invisible to them.
    assignee = (
        access.scoped(user, Collaborator.objects.filter(is_active=True))
        .filter(pk=assignee_id, companies=opportunity.company_id)
        .first()
    )
    if assignee is None:
        errors["assignee"] = [_("Choose a collaborator of the opportunity's company.")]
    return assignee


@transaction.atomic
def action_create(*, user: Collaborator, opportunity_id: int, action: NewAction) -> Action:
    """A planned action on an opportunity the user may see (B20): of a kind of the list,
    with a subject, for a collaborator of the opportunity's company."""
    opportunity = cast(OpportunityRef, access.get(user, _opportunities(), opportunity_id))
    errors = action_text_errors(action.kind, action.subject)
    assignee = _assignee(user, opportunity, action.assignee_id, errors)
    if errors:
        raise InvalidInput(errors)
    assert assignee is not None
    due_at = action.due_at
    planned = Action.objects.create(
        company_id=opportunity.company_id,
        opportunity_id=opportunity.pk,
        account_id=opportunity.account_id,
        contact_id=opportunity.contact_id,
        kind=action.kind,
        subject=action.subject.strip(),
        due_at=timezone.make_aware(due_at) if timezone.is_naive(due_at) else due_at,
        assignee=assignee,
        notes=action.notes.strip(),
        created_by=user,
    )
    # The card shows its next action (B20).
    publish(opportunity)
    return planned


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
