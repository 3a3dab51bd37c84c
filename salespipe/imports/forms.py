"""The import pages' forms (SPEC X5): parsed here, at the edge, into the typed values the
import's services take."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salespipe.imports.mapping import FIELDS, READY, Kind
from salespipe.imports.models import ImportedKind
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Portfolio

DATE_ORDERS = [
    ("dmy", _("Day before month (31/03/2026)")),
    ("mdy", _("Month before day (03/31/2026)")),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportedKind.choices)
    target = forms.ChoiceField(label=_("Into"))
    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, user: Collaborator, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = [(f"company:{c.pk}", c.name) for c in access.companies(user).order_by("name")]
        portfolios = [
            (f"portfolio:{p.pk}", f"{p.name} — {p.company.name}")
            for p in access.held(user, Portfolio.objects.select_related("company")).order_by(
                "name", "id"
            )
        ]
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [
            (_("Companies (accounts, contacts)"), companies),
            (_("Portfolios (opportunities)"), portfolios),
        ]
        target.help_text = _(
            "Accounts and contacts go into a company, opportunities into a portfolio."
        )

    def destination(self) -> tuple[int | None, int | None]:
        """(company id, portfolio id) of the target chosen."""
        kind, _sep, value = self.cleaned_data["target"].partition(":")
        return (int(value), None) if kind == "company" else (None, int(value))


class MappingForm(forms.Form):
    """One choice per column of the file: the field it fills, or none."""

    date_order = forms.ChoiceField(label=_("Dates written as text"), choices=DATE_ORDERS)

    def __init__(self, kind: Kind, headers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (field.name, field.label) for field in FIELDS[kind]
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)s") % {"number": index + 1},
                choices=choices,
                required=False,
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def columns(self) -> dict[int, str]:
        return {
            index: self.cleaned_data[f"column_{index}"]
            for index in range(len(self.headers))
            if self.cleaned_data.get(f"column_{index}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [value for name, value in data.items() if name.startswith("column_") and value]
        twice = sorted({value for value in chosen if chosen.count(value) > 1})
        if twice:
            raise forms.ValidationError(
                _("One column per field: %(fields)s is chosen twice.")
                % {"fields": ", ".join(twice)}
            )
        return data


def source_label(source: str) -> str:
    return READY[source].label if source in READY else ""
