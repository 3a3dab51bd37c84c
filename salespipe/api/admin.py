"""API tokens in the configuration screens (SPEC P1): issued here or by `create_token`.

Only a hash is stored, so the token is shown once, on the page that answers its creation.
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from salespipe.api.models import ApiToken
from salespipe.org import access
from salespipe.org.admin_scope import ScopedAdmin, staff
from salespipe.org.models import Collaborator


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin[ApiToken]):
    list_display = ["hint_text", "name", "user", "created_at", "last_used_at"]
    list_filter = ["created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "hint", "user__username", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_autocomplete_fields(self, request: HttpRequest) -> Any:
        # A staff user issues tokens for himself only: no one else to look up.
        return ["user"] if access.configures_everything(staff(request)) else []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        user = staff(request)
        if db_field.name == "user" and not access.configures_everything(user):
            kwargs["queryset"] = Collaborator.objects.filter(pk=user.pk)
            kwargs["initial"] = user.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.may_act_as(staff(request), obj.user))

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "hint_text", "key_hash", "created_at", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return []
        return ["user", "hint_text", "key_hash", "created_at", "last_used_at"]

    @admin.display(description=_("starts with"), ordering="hint")
    def hint_text(self, token: ApiToken) -> str:
        return f"{token.hint}…"

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        if not access.may_act_as(staff(request), obj.user):
            raise PermissionDenied
        issued, clear = ApiToken.objects.issue(obj.user, obj.name)
        # The admin goes on with `obj` (log entry, answer page): make it the issued token.
        obj.pk = issued.pk
        obj.key_hash, obj.hint, obj.created_at = issued.key_hash, issued.hint, issued.created_at
        obj._state.adding = False
        obj._state.db = issued._state.db
        request._issued_token = clear  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        clear = getattr(request, "_issued_token", None)
        if clear is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "clear": clear,
            "title": _("API token issued"),
        }
        return TemplateResponse(request, "admin/api/apitoken/issued.html", context)
