"""A line of the detailed estimate as the sheet's *Amounts* tab posts it (SPEC S3).

The table saves each input as soon as it changes: only the inputs posted are read, into the
typed values the estimate service takes (`LineValues`). A number is read in French or English
writing, a sale type by its id; the service checks what each line takes whatever the door.
"""

from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from salespipe.pipeline.services.estimate import LINE_FIELDS, LineValues
from salespipe.web.form_fields import IdField, NumberField, refusal


class LineForm(forms.Form):
    sale_type = IdField(required=False, error_messages={"invalid": _("Choose a sale type.")})
    label = forms.CharField(required=False)
    quantity = NumberField(required=False)
    unit_price = NumberField(required=False)
    days = NumberField(required=False)
    amount = NumberField(required=False)
    recurrence = forms.CharField(required=False)
    custom_1 = forms.CharField(required=False)
    custom_2 = forms.CharField(required=False)
    custom_3 = forms.CharField(required=False)
    custom_4 = forms.CharField(required=False)

    def clean_sale_type(self) -> int | None:
        chosen: int | None = self.cleaned_data["sale_type"]
        if chosen is None and "sale_type" in self.data:
            raise forms.ValidationError(_("Choose a sale type."), code="required")
        return chosen


def posted_line(data: QueryDict) -> LineValues:
    """The inputs posted, typed; `InvalidInput` naming each one that can't be read."""
    form = LineForm(data)
    if not form.is_valid():
        raise refusal(form)
    return cast(LineValues, {name: form.cleaned_data[name] for name in LINE_FIELDS if name in data})
