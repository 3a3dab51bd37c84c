"""What a page posted for an opportunity's fields, read into `OpportunityValues` (SPEC O2,
S2, B14, B16).

The creation form, the sheet and the board's dialogs each choose which of their inputs to
send (`sheet.create_values`, `sheet.changed_values`, `dialogs.posted_values`); this form
reads those, as text, into the types the services take: numbers written in French or in
English, days written YYYY-MM-DD, ids. A value it can't read is refused beside its input,
together with what the services refuse among the others, so that a user sees every fault
at once. The rules (lengths, references, mandatory fields) stay the services'.
"""

from collections.abc import Collection, Mapping
from typing import cast

from django import forms

from salespipe.lib.errors import InvalidInput
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import Opportunity
from salespipe.pipeline.services.values import (
    WRITABLE_FIELDS,
    OpportunityChanges,
    OpportunityValues,
    clean_values,
)
from salespipe.web.form_fields import DayField, IdField, IdListField, NumberField, refusal

type Posted = Mapping[str, str | list[str]]


def _text() -> forms.CharField:
    # Kept as typed: the services strip it and check its length, whatever the door.
    return forms.CharField(required=False, strip=False)


class OpportunityValuesForm(forms.Form):
    """Every field a page may post for an opportunity; blank is empty (None, or "")."""

    name = _text()
    account = IdField(required=False)
    portfolio = IdField(required=False)
    amount = NumberField(required=False)
    currency = forms.CharField(required=False)
    days = NumberField(required=False)
    salesperson = IdField(required=False)
    contact = IdField(required=False)
    phone = _text()
    mobile = _text()
    function = _text()
    email = _text()
    expected_signature_date = DayField(required=False)
    tags = IdListField(required=False)
    description = _text()


def read_values(posted: Posted) -> tuple[OpportunityChanges, dict[str, list[str]]]:
    """The values `posted` names that could be read, and the messages of those that couldn't."""
    if not posted:
        # A move with no field asked for, the board's most frequent change: no form to build.
        return {}, {}
    form = OpportunityValuesForm(data=posted)
    form.is_valid()
    read = {name: form.cleaned_data[name] for name in posted if name in form.cleaned_data}
    # The form's fields are `OpportunityChanges`' keys, each of the type it gives them.
    return cast(OpportunityChanges, read), refusal(form).errors


def every_fault(
    unreadable: Mapping[str, list[str]],
    values: OpportunityChanges,
    *,
    user: Collaborator,
    company: Company,
    opportunity: Opportunity | None = None,
    creating: bool = False,
    allowed: Collection[str] = WRITABLE_FIELDS,
) -> InvalidInput:
    """The values a page couldn't read (`unreadable`), with what the services refuse among
    the others: one refusal naming every field at fault. Reads only."""
    errors = dict(unreadable)
    # A value that couldn't be read counts as given, empty, so that the services check the
    # others (a required one missing would stop them); its own message stands.
    given: dict[str, object] = {**values, **{name: None for name in unreadable if name in allowed}}
    # The portfolio is checked apart, by the service that moves the opportunity to it.
    given.pop("portfolio", None)
    try:
        clean_values(
            cast(OpportunityValues, given),
            user=user,
            company=company,
            opportunity=opportunity,
            creating=creating,
            allowed=allowed,
        )
    except InvalidInput as refused:
        errors = {**refused.errors, **errors}
    return InvalidInput(errors)
