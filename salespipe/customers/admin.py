"""Accounts and contacts in the configuration screens: searched by name, SIREN or email,
filtered by company and by open or closed (SPEC A1, A2)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from salespipe.customers import services
from salespipe.customers.models import Account, Contact
from salespipe.org.admin_scope import NoWrites, ScopedInline
from salespipe.org.admin_services import ServiceForm, ServiceSavedAdmin


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


class ContactInline(NoWrites, ScopedInline[Contact, Account]):
    """The account's contacts, each changed on its own page, through the services."""

    model = Contact
    fields = ["first_name", "last_name", "function", "phone", "mobile", "email", "is_closed"]
    extra = 0
    show_change_link = True


class AccountForm(ServiceForm[Account]):
    """Saved by `account_create` (right 191420, SEC1) or `account_update`."""

    class Meta:
        model = Account
        fields = ["name", "kind", "company", "siren", "phone", "email", "is_closed"]

    def save_through_services(self) -> Account:
        values = self.changed_values(services.AccountValues)
        if self.instance.pk is None:
            company = self.cleaned_data["company"]
            return services.account_create(user=self.user, company_id=company.pk, values=values)
        return services.account_update(user=self.user, account_id=self.instance.pk, values=values)


class ContactForm(ServiceForm[Contact]):
    """Saved by `contact_create` or `contact_update`."""

    class Meta:
        model = Contact
        fields = [
            "account",
            "first_name",
            "last_name",
            "function",
            "phone",
            "mobile",
            "email",
            "is_closed",
        ]

    def save_through_services(self) -> Contact:
        values = self.changed_values(services.ContactValues)
        if self.instance.pk is None:
            account = self.cleaned_data["account"]
            return services.contact_create(user=self.user, account_id=account.pk, values=values)
        return services.contact_update(user=self.user, contact_id=self.instance.pk, values=values)


class NeverDeleted:
    """Accounts and contacts are closed, never deleted, whatever the door (SPEC A2, P3):
    opportunities and history keep pointing at them."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(NeverDeleted, ServiceSavedAdmin[Account]):
    list_display = ["name", "kind", "company", "siren", "phone", "email", "is_closed"]
    list_filter = [OpenOrClosedFilter, "kind", ("company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["company"]
    search_fields = ["name", "siren", "email", "phone"]
    form = AccountForm
    fields = [*AccountForm.Meta.fields, "created_at"]
    inlines = [ContactInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Account | None = None) -> Any:
        # An account never changes company (its opportunities and contacts are that company's).
        return ["created_at"] if obj is None else ["company", "created_at"]


@admin.register(Contact)
class ContactAdmin(NeverDeleted, ServiceSavedAdmin[Contact]):
    list_display = ["full_name", "account", "function", "phone", "mobile", "email", "is_closed"]
    list_filter = [OpenOrClosedFilter, ("account__company", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["account"]
    search_fields = ["last_name", "first_name", "email", "account__name"]
    autocomplete_fields = ["account"]
    form = ContactForm
    fields = [*ContactForm.Meta.fields, "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        # A contact never changes account.
        return ["created_at"] if obj is None else ["account", "created_at"]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, contact: Contact) -> str:
        return contact.full_name
