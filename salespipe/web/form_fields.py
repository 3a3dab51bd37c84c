"""Form fields for the values a page posts as text, each read by the one parser of its kind
(`lib.parse` for ids and numbers; days as a date input posts them), so that a page's form
accepts and refuses what every other door does; and a form's refusal in the services'
shape."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import decimal, integer


def refusal(form: forms.Form) -> InvalidInput:
    """What `form` couldn't read, as the services refuse a value: messages by field."""
    return InvalidInput(
        {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    )


class IdField(forms.Field):
    """An id: ASCII digits (`lib.parse.integer`); None when empty."""

    default_error_messages = {"invalid": _("An id is expected.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        found = integer(value)
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class NumberField(forms.Field):
    """A number as a user types it, in French or English writing (`lib.parse.decimal`);
    None when empty."""

    default_error_messages = {"invalid": _("A number is expected.")}

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        found = decimal(str(value))
        if found is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class IdListField(forms.Field):
    """Ids of a multiple choice, each read as `IdField` reads one; [] when none."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("A list of ids is expected.")}

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        found = [
            integer(item) for item in items if not (isinstance(item, str) and not item.strip())
        ]
        if None in found:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [key for key in found if key is not None]


class DayField(forms.DateField):
    """A day written YYYY-MM-DD, as a date input posts it whatever the page's language;
    None when empty."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("A date written YYYY-MM-DD is expected.")}


def posted_day(data: Mapping[str, Any], name: str) -> dt.date | None:
    """The day posted as `name` (see `DayField`), None if left empty; refused if unreadable."""
    field = DayField(required=False)
    try:
        day: dt.date | None = field.clean(field.widget.value_from_datadict(data, {}, name))
    except ValidationError as exc:
        raise InvalidInput({name: [str(message) for message in exc.messages]}) from exc
    return day
