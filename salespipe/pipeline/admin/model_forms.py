"""Forms of the pipeline's configuration screens (SPEC AD2, AD3).

They turn what the models store in a developer's shape (a JSON list, a free colour string)
into widgets an administrator can use, and refuse configurations that would break the board.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from salespipe.org.admin_services import ServiceForm
from salespipe.pipeline import services
from salespipe.pipeline.models import (
    MANDATORY_FIELD_CHOICES,
    Opportunity,
    OpportunityStatus,
    Order,
    Portfolio,
    Quote,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
)
from salespipe.pipeline.services.values import OpportunityChanges
from salespipe.web.templatetags.display import percent

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class MandatoryFieldsField(forms.MultipleChoiceField):
    """The fields a stage makes mandatory, ticked from a list instead of typed as JSON."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", MANDATORY_FIELD_CHOICES)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        chosen = set(super().clean(value))
        # Stored in the order of the list, so that dialogs ask for them in a stable order.
        return [name for name, _label in MANDATORY_FIELD_CHOICES if name in chosen]


class StageForm(forms.ModelForm[Stage]):
    mandatory_fields = MandatoryFieldsField(
        label=_("mandatory fields"),
        help_text=_("The opportunity fields that must be filled to enter this stage."),
    )

    class Meta:
        model = Stage
        fields = ["order", "name", "probability", "status", "mandatory_fields", "stale_after_days"]
        widgets = {"order": forms.NumberInput(attrs={"min": 0, "step": 1, "class": "vSmallField"})}
        help_texts = {
            "order": _(
                "Stages are shown in this order. Leave gaps (10, 20, 30) to insert one later."
            ),
        }

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        stage = self.instance
        if stage.pk is None or status == stage.status:
            return status
        # An opportunity's status and its stage's status go together (open stage while open,
        # won stage once won), so a stage that holds opportunities keeps its status.
        held = Opportunity.objects.filter(stage=stage)
        if status == StageStatus.WON and held.filter(status=OpportunityStatus.OPEN).exists():
            raise ValidationError(
                _("Open opportunities are in this stage: it can't become a won stage.")
            )
        if status == StageStatus.OPEN and held.filter(status=OpportunityStatus.WON).exists():
            raise ValidationError(
                _("Won opportunities are in this stage: it can't become an open stage.")
            )
        if status == StageStatus.WON and Portfolio.objects.filter(default_stage=stage).exists():
            raise ValidationError(
                _("This stage is the default stage of a portfolio: it must stay open.")
            )
        return status


class StageInlineFormSet(forms.BaseInlineFormSet[Stage, StageTemplate, forms.ModelForm[Stage]]):
    """The stages of one template, checked together: distinct orders, at least one open stage."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        orders = [data["order"] for data in kept]
        repeated = sorted({order for order in orders if orders.count(order) > 1})
        if repeated:
            raise ValidationError(
                _("Two stages have the same order (%(orders)s): give each stage its own number."),
                params={"orders": ", ".join(str(order) for order in repeated)},
            )
        if not any(data["status"] == StageStatus.OPEN for data in kept):
            raise ValidationError(
                _("A template needs at least one open stage: its board has no column otherwise.")
            )


class StageChoiceField(forms.ModelChoiceField[Stage]):
    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.template} · {obj.name} ({percent(obj.probability)})"


class PortfolioForm(forms.ModelForm[Portfolio]):
    default_stage = StageChoiceField(
        queryset=Stage.objects.none(),
        required=False,
        label=_("default stage"),
        help_text=_(
            "The stage new opportunities start in; empty: the first stage. "
            "An open stage of the portfolio's template."
        ),
    )

    class Meta:
        model = Portfolio
        fields = ["name", "company", "template", "default_stage"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        open_stages = Stage.objects.filter(status=StageStatus.OPEN).select_related("template")
        if self.instance.template_id is not None:
            open_stages = open_stages.filter(template_id=self.instance.template_id)
        field = self.fields["default_stage"]
        assert isinstance(field, forms.ModelChoiceField)
        # On a new portfolio the template is not chosen yet: every open stage is offered and
        # the model's clean() refuses one of another template.
        field.queryset = open_stages.order_by("template__name", "order", "id")

    def clean_template(self) -> Any:
        template = self.cleaned_data["template"]
        portfolio = self.instance
        if (
            portfolio.pk is not None
            and template is not None
            and template.pk != portfolio.template_id
            and portfolio.opportunities.exists()
        ):
            raise ValidationError(
                _(
                    "This portfolio holds opportunities whose stages belong to its template: "
                    "the template can't be changed."
                )
            )
        return template

    def clean_company(self) -> Any:
        company = self.cleaned_data["company"]
        portfolio = self.instance
        if (
            portfolio.pk is not None
            and company is not None
            and company.pk != portfolio.company_id
            and portfolio.opportunities.exists()
        ):
            raise ValidationError(
                _(
                    "This portfolio holds opportunities of its company: the company can't be "
                    "changed."
                )
            )
        return company


class TagForm(forms.ModelForm[Tag]):
    color = forms.CharField(
        label=_("colour"),
        max_length=7,
        initial="#64748b",
        validators=[RegexValidator(HEX_COLOUR, _("A colour written #rrggbb."))],
        widget=forms.TextInput(attrs={"type": "color"}),
    )

    class Meta:
        model = Tag
        fields = ["name", "kind", "color"]

    def clean_color(self) -> str:
        color: str = self.cleaned_data["color"]
        return color.lower()


class OpportunityAdminForm(ServiceForm[Opportunity]):
    """The fields of an opportunity the admin may change, saved by `opportunity_update`,
    with the same rules and history as the sheet (SPEC S2, S8)."""

    # The version the page was drawn from: a colleague's change in between is told (P7).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "amount",
            "days",
            "expected_signature_date",
            "salesperson",
            "contact",
            "phone",
            "mobile",
            "function",
            "email",
            "tags",
            "description",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def save_through_services(self) -> Opportunity:
        version = self.cleaned_data.get("loaded_version")
        return services.opportunity_update(
            user=self.user,
            opportunity_id=self.instance.pk,
            version=self.instance.version if version is None else version,
            values=self.changed_values(OpportunityChanges),
        )


class SalesDocumentForm(forms.ModelForm[Quote | Order]):
    """A quote or an order, which may reference an opportunity of its own company (SPEC B18)."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        company = cleaned.get("company")
        opportunity = cleaned.get("opportunity")
        if company is not None and opportunity is not None and opportunity.company_id != company.pk:
            self.add_error(
                "opportunity", _("The opportunity must belong to the document's company.")
            )
        return cleaned
