"""Accounts and contacts in the configuration screens: searched by name, SIREN or email,
filtered by company and by open or closed (SPEC A1, A2)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from salespipe.customers.models import Account, Contact
from salespipe.org.admin_scope import ScopedAdmin, ScopedInline


class OpenOrClosedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.filter(is_closed=False)
        if self.value() == "closed":
            return queryset.filter(is_closed=True)
        return queryset


class ContactInline(ScopedInline):
    model = Contact
    fields = ["first_name", "last_name", "function", "phone", "mobile", "email", "is_closed"]
    extra = 0
    show_change_link = True


@admin.register(Account)
class AccountAdmin(ScopedAdmin):
    list_display = ["name", "kind", "company", "siren", "phone", "email", "is_closed"]
    list_filter = [OpenOrClosedFilter, "kind", ("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["company"]
    search_fields = ["name", "siren", "email", "phone"]
    fields = ["name", "kind", "company", "siren", "phone", "email", "is_closed", "created_at"]
    readonly_fields = ["created_at"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(ScopedAdmin):
    list_display = ["full_name", "account", "function", "phone", "mobile", "email", "is_closed"]
    list_filter = [OpenOrClosedFilter, ("account__company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["account"]
    search_fields = ["last_name", "first_name", "email", "account__name"]
    autocomplete_fields = ["account"]
    fields = [
        "account",
        "first_name",
        "last_name",
        "function",
        "phone",
        "mobile",
        "email",
        "is_closed",
        "created_at",
    ]
    readonly_fields = ["created_at"]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, contact: Contact) -> str:
        return contact.full_name
