"""Form fields for the values a page posts as text, each read by the one parser of its kind
(`lib.parse`), so that a page's form accepts and refuses what every other door does; and a
form's refusal in the services' shape."""

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
