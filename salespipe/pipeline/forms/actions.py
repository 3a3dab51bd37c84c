"""A new action as the board's dialog and the sheet's *Activities* tab post it (SPEC B20, S4).

Both forms have the same fields: a kind, a subject, a due date and time (two inputs, read
as one local datetime), an assignee and notes. `ActionForm` reads them into the typed values
the activities service takes (`NewAction`); the service checks the rules whatever the door
(a kind of the list, a subject, an assignee of the opportunity's company), and the form says
the first two at once with what it couldn't read. Both pages show the inputs and their
errors alike (`action_inputs`, `page_errors`).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespipe.activities.models import ActionKind
from salespipe.activities.services import NewAction, action_text_errors
from salespipe.org.models import Collaborator
from salespipe.web.form_fields import IdField, refusal

# When a new action is due unless the form says otherwise: tomorrow, at nine.
_NINE = dt.time(9, 0)


def due_default() -> dt.datetime:
    """Tomorrow at nine: when a new action is usually due."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, _NINE))


class ActionForm(forms.Form):
    """The posted inputs, read as text and typed in `clean`: the due date and time are
    one moment, and a date or time that can't be read is said on the date's input."""

    kind = forms.CharField(required=False)
    subject = forms.CharField(required=False)
    due_date = forms.CharField(required=False)
    due_time = forms.CharField(required=False)
    assignee = IdField(
        required=False, error_messages={"invalid": gettext_lazy("Choose a collaborator.")}
    )
    notes = forms.CharField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The service's own checks, said at once with any input it couldn't read.
        for name, messages in action_text_errors(
            cleaned.get("kind", ""), cleaned.get("subject", "")
        ).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        try:
            day = dt.date.fromisoformat(cleaned.get("due_date", ""))
            time = dt.time.fromisoformat(cleaned.get("due_time") or _NINE.isoformat("minutes"))
        except ValueError:
            self.add_error("due_date", _("Enter a date and a time."))
        else:
            cleaned["due_at"] = dt.datetime.combine(day, time)
        return cleaned

    def new_action(self) -> NewAction:
        """The action posted, typed; `InvalidInput` naming each input that can't be read."""
        if not self.is_valid():
            raise refusal(self)
        data = self.cleaned_data
        return NewAction(
            kind=data["kind"],
            subject=data["subject"],
            due_at=data["due_at"],
            assignee_id=data["assignee"],
            notes=data["notes"],
        )


def action_inputs(data: QueryDict, user: Collaborator) -> dict[str, str]:
    """What the form's inputs hold: what was posted, or else a call due tomorrow at nine,
    for the user."""
    due = timezone.localtime(due_default())
    return {
        "kind": data.get("kind", ActionKind.CALL),
        "subject": data.get("subject", ""),
        "due_date": data.get("due_date", due.date().isoformat()),
        "due_time": data.get("due_time", due.strftime("%H:%M")),
        "assignee": data.get("assignee", str(user.pk)),
        "notes": data.get("notes", ""),
    }


# The inputs that show their own errors; any other error is said above the form.
_SHOWN_BESIDE = ("kind", "subject", "due_date", "assignee")


def page_errors(errors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The errors by the input that shows them; those of no such input (the notes, or the
    form as a whole) under `all`, said above the form (a template can't read `__all__`)."""
    shown: dict[str, list[str]] = {}
    for name, messages in errors.items():
        shown.setdefault(name if name in _SHOWN_BESIDE else "all", []).extend(messages)
    return shown
