"""Actions in the configuration screens, filtered by planned, overdue or done."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salespipe.activities.admin_forms import ActionForm
from salespipe.activities.models import Action
from salespipe.org.admin_scope import ScopedAdmin


class ProgressFilter(admin.SimpleListFilter):
    title = _("progress")
    parameter_name = "progress"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("planned", _("Planned")), ("overdue", _("Overdue")), ("done", _("Done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "planned":
                return queryset.filter(done=False, due_at__gte=timezone.now())
            case "overdue":
                return queryset.filter(done=False, due_at__lt=timezone.now())
            case "done":
                return queryset.filter(done=True)
        return queryset


@admin.register(Action)
class ActionAdmin(ScopedAdmin[Action]):
    form = ActionForm
    list_display = ["subject", "kind", "due_at", "assignee", "done", "opportunity", "account"]
    list_filter = [ProgressFilter, "kind", ("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["assignee", "opportunity", "account"]
    search_fields = ["subject", "opportunity__name", "account__name", "assignee__last_name"]
    date_hierarchy = "due_at"
    autocomplete_fields = ["assignee", "opportunity", "account", "contact"]
    readonly_fields = ["company", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["kind", "subject", "notes", "due_at", "assignee"]}),
        (_("About"), {"fields": ["opportunity", "account", "contact", "company"]}),
        (_("Progress"), {"fields": ["done", "done_at", "created_by", "created_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)
