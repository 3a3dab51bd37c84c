"""Configuration screens of the pipeline (SPEC AD2, AD3) and read-mostly views of its data.

Stage templates are edited with their stages inline; opportunities are shown for support, but
their stage, status and outcome change only through the services that apply the rules.
"""

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from salespipe.lib.parse import integer
from salespipe.org.admin_scope import NoWrites, ScopedAdmin, ScopedInline
from salespipe.org.admin_services import ServiceSavedAdmin
from salespipe.pipeline.admin.model_forms import (
    HEX_COLOUR,
    OpportunityAdminForm,
    PortfolioForm,
    SalesDocumentForm,
    StageForm,
    StageInlineFormSet,
    TagForm,
)
from salespipe.pipeline.models import (
    EstimateLine,
    EstimateLineField,
    HistoryEntry,
    LossReason,
    Opportunity,
    Order,
    Portfolio,
    Quote,
    SaleType,
    Stage,
    StageTemplate,
    Tag,
    TagKind,
)
from salespipe.web.templatetags.display import percent


class StageInline(ScopedInline[Stage, StageTemplate]):
    model = Stage
    form = StageForm
    formset = StageInlineFormSet
    fields = ["order", "name", "probability", "status", "mandatory_fields", "stale_after_days"]
    ordering = ["order", "id"]

    def get_extra(
        self, request: HttpRequest, obj: StageTemplate | None = None, **kwargs: Any
    ) -> int:
        return 5 if obj is None else 1


@admin.register(StageTemplate)
class StageTemplateAdmin(ScopedAdmin[StageTemplate]):
    list_display = ["name", "stage_path", "portfolio_names"]
    search_fields = ["name", "stages__name"]
    inlines = [StageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StageTemplate]:
        return super().get_queryset(request).prefetch_related("stages", "portfolios")

    @admin.display(description=_("stages"))
    def stage_path(self, template: StageTemplate) -> str:
        stages = sorted(template.stages.all(), key=lambda stage: (stage.order, stage.pk))
        return " → ".join(f"{stage.name} ({percent(stage.probability)})" for stage in stages)

    @admin.display(description=_("portfolios"))
    def portfolio_names(self, template: StageTemplate) -> str:
        return ", ".join(portfolio.name for portfolio in template.portfolios.all())


@admin.register(Portfolio)
class PortfolioAdmin(ScopedAdmin[Portfolio]):
    form = PortfolioForm
    list_display = ["name", "company", "template", "default_stage", "opportunity_count"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter), "template"]
    list_select_related = ["company", "template", "default_stage"]
    search_fields = ["name", "company__name", "template__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Portfolio]:
        return super().get_queryset(request).annotate(_opportunities=Count("opportunities"))

    @admin.display(description=_("opportunities"), ordering="_opportunities")
    def opportunity_count(self, portfolio: Portfolio) -> int:
        return getattr(portfolio, "_opportunities", 0)


@admin.register(LossReason)
class LossReasonAdmin(ScopedAdmin[LossReason]):
    list_display = ["name", "status"]
    list_filter = ["status"]
    search_fields = ["name"]


@admin.register(SaleType)
class SaleTypeAdmin(ScopedAdmin[SaleType]):
    list_display = ["name", "mode"]
    list_filter = ["mode"]
    search_fields = ["name"]


def colour_swatch(colour: str) -> SafeString:
    """A small square of `colour`, as an image: the CSP forbids inline style attributes."""
    if not HEX_COLOUR.match(colour):
        return format_html("{}", colour)
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='14' height='14'>"
        f"<rect width='14' height='14' rx='3' fill='{colour}'/></svg>"
    )
    return format_html(
        '<img src="data:image/svg+xml,{}" width="14" height="14" alt=""> {}', quote(svg), colour
    )


@admin.register(Tag)
class TagAdmin(ScopedAdmin[Tag]):
    form = TagForm
    list_display = ["name", "kind", "swatch"]
    list_filter = ["kind"]
    search_fields = ["name"]

    @admin.display(description=_("colour"), ordering="color")
    def swatch(self, tag: Tag) -> SafeString:
        return colour_swatch(tag.color)


@admin.register(EstimateLineField)
class EstimateLineFieldAdmin(ScopedAdmin[EstimateLineField]):
    list_display = ["label", "position"]
    list_editable = ["position"]
    search_fields = ["label"]


class ReadOnlyInline[M: models.Model, P: models.Model](NoWrites, ScopedInline[M, P]):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields


class EstimateLineInline(ReadOnlyInline[EstimateLine, Opportunity]):
    model = EstimateLine
    fields = ["position", "sale_type", "label", "quantity", "unit_price", "days", "amount"]


class HistoryInline(ReadOnlyInline[HistoryEntry, Opportunity]):
    model = HistoryEntry
    fields = ["at", "actor", "kind", "field", "old_value", "new_value"]
    verbose_name_plural = _("history")


class StageFilter(admin.SimpleListFilter):
    """Stages named with their template: two templates often both have a "Qualification"."""

    title = _("stage")
    parameter_name = "stage"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        stages = Stage.objects.select_related("template").order_by("template__name", "order", "id")
        return [(str(stage.pk), f"{stage.template} · {stage.name}") for stage in stages]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        stage_id = integer(value)
        if stage_id is not None:
            return queryset.filter(stage_id=stage_id)
        return queryset


# What the admin never changes on an opportunity. Stage, status and outcome change by the
# board's moves (mandatory fields, B14-B19); company, portfolio and account hold the
# opportunity in its company; the currency and estimate mode change on the sheet with the
# estimate lines (S3). The other fields are saved by `opportunity_update`, with history.
OPPORTUNITY_READ_ONLY = [
    "company",
    "portfolio",
    "account",
    "stage",
    "status",
    "currency",
    "estimate_mode",
    "signed_on",
    "lost_on",
    "loss_reason",
    "version",
    "created_by",
    "created_at",
    "updated_at",
]


@admin.register(Opportunity)
class OpportunityAdmin(ServiceSavedAdmin[Opportunity]):
    form = OpportunityAdminForm
    list_display = [
        "name",
        "account",
        "portfolio",
        "stage",
        "status",
        "amount",
        "currency",
        "expected_signature_date",
        "salesperson",
        "updated_at",
    ]
    list_filter = [
        "portfolio",
        "status",
        StageFilter,
        ("company", admin.RelatedOnlyFieldListFilter),
        "currency",
    ]
    list_select_related = ["account", "portfolio", "stage", "currency", "salesperson"]
    search_fields = ["name", "account__name", "account__siren", "email", "contact__last_name"]
    date_hierarchy = "expected_signature_date"
    autocomplete_fields = ["salesperson", "contact"]
    readonly_fields = OPPORTUNITY_READ_ONLY
    fieldsets = [
        (None, {"fields": ["name", "company", "portfolio", "stage", "status", "account"]}),
        (
            _("Amounts"),
            {"fields": ["amount", "currency", "days", "estimate_mode", "expected_signature_date"]},
        ),
        (_("Contact"), {"fields": ["contact", "phone", "mobile", "function", "email"]}),
        (_("Follow-up"), {"fields": ["salesperson", "tags", "description"]}),
        (_("Outcome"), {"fields": ["signed_on", "lost_on", "loss_reason"]}),
        (_("Record"), {"fields": ["version", "created_by", "created_at", "updated_at"]}),
    ]
    inlines = [EstimateLineInline, HistoryInline]

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "tags":
            kwargs["queryset"] = Tag.objects.filter(kind=TagKind.OPPORTUNITY)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Creating and deleting go through the board and the sheet: creation applies the stage
    # rules (SPEC O3, O4), deletion the quote and order rule (B18) and leaves a history row.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Opportunity | None = None) -> bool:
        return False


class ReadOnlyAdmin[M: models.Model](NoWrites, ScopedAdmin[M]):
    pass


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin[HistoryEntry]):
    list_display = ["at", "opportunity_ref", "opportunity", "actor", "kind", "field", "change"]
    list_filter = ["kind", ("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["opportunity", "actor"]
    search_fields = ["=opportunity_ref", "opportunity__name", "field"]
    date_hierarchy = "at"

    @admin.display(description=_("change"))
    def change(self, entry: HistoryEntry) -> str:
        if not entry.old_value and not entry.new_value:
            return ""
        return f"{entry.old_value or '∅'} → {entry.new_value or '∅'}"


class SalesDocumentAdmin(ScopedAdmin[Quote | Order]):
    form = SalesDocumentForm
    fields = ["company", "number", "opportunity", "created_at"]
    readonly_fields = ["created_at"]
    list_display = ["number", "company", "opportunity", "created_at"]
    list_filter = [("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["company", "opportunity"]
    search_fields = ["number", "opportunity__name"]
    autocomplete_fields = ["opportunity"]


@admin.register(Quote)
class QuoteAdmin(SalesDocumentAdmin):
    pass


@admin.register(Order)
class OrderAdmin(SalesDocumentAdmin):
    pass
