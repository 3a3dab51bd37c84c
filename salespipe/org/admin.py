"""Configuration screens of the organisation (SPEC AD1, AD3): companies, currencies and rates,
teams, departments, and collaborators with their company scope and rights."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, ManyToManyField, QuerySet
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from salespipe.org import access
from salespipe.org.admin_scope import ScopedAdmin, ScopedMixin, SuperusersOnlyAdmin, staff
from salespipe.org.models import Collaborator, Company, Currency, Department, ExchangeRate, Team

admin.site.site_header = _("Salespipe administration")
admin.site.site_title = _("Salespipe administration")
admin.site.index_title = _("Configuration")


@admin.register(Currency)
class CurrencyAdmin(ScopedAdmin[Currency]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Currency | None = None) -> Any:
        # The code is the key that amounts and rates point at: it is set once.
        return ["code"] if obj is not None else []


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ScopedAdmin[ExchangeRate]):
    list_display = ["source", "target", "rate", "valid_from"]
    list_filter = ["source", "target"]
    date_hierarchy = "valid_from"
    search_fields = ["source__code", "target__code"]


@admin.register(Company)
class CompanyAdmin(ScopedAdmin[Company]):
    list_display = ["name", "currency", "collaborator_count"]
    list_filter = ["currency"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Company]:
        return super().get_queryset(request).annotate(_collaborators=Count("collaborators"))

    @admin.display(description=_("collaborators"), ordering="_collaborators")
    def collaborator_count(self, company: Company) -> int:
        return getattr(company, "_collaborators", 0)


class _MembersAdmin[M: Team | Department](ScopedAdmin[M]):
    list_display = ["name", "member_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[M]:
        # The same rows, each with its count of members.
        counted: QuerySet[M] = super().get_queryset(request).annotate(_members=Count("members"))
        return counted

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, group: Team | Department) -> int:
        return getattr(group, "_members", 0)


@admin.register(Team)
class TeamAdmin(_MembersAdmin[Team]):
    pass


@admin.register(Department)
class DepartmentAdmin(_MembersAdmin[Department]):
    pass


RIGHTS = ("quick_account", "change_default_stage", "show_closed")
ORGANISATION = ("team", "department", "companies")
# What only a superuser grants (SPEC SEC2): a staff user sees them on the collaborators he
# manages, himself included, but can't widen anyone's scope, rights or powers.
GRANTED_BY_SUPERUSERS = (
    "companies",
    *RIGHTS,
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
)


class GroupAdmin(SuperusersOnlyAdmin, BaseGroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)


@admin.register(Collaborator)
class CollaboratorAdmin(ScopedMixin[Collaborator], UserAdmin[Collaborator]):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Organisation"), {"fields": ORGANISATION}),
        (
            _("Rights"),
            {
                "fields": RIGHTS,
                "description": _("Features this collaborator may use beyond the common ones."),
            },
        ),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ["collapse"],
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Organisation"), {"fields": ORGANISATION}),
        (_("Rights"), {"fields": RIGHTS}),
    )
    list_display = [
        "username",
        "first_name",
        "last_name",
        "team",
        "department",
        "company_names",
        "quick_account",
        "change_default_stage",
        "show_closed",
        "is_staff",
        "is_active",
    ]
    list_filter = [
        ("companies", admin.RelatedOnlyFieldListFilter),
        "team",
        "department",
        "quick_account",
        "change_default_stage",
        "show_closed",
        "is_staff",
        "is_superuser",
        "is_active",
    ]
    list_select_related = ["team", "department"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["last_name", "first_name", "username"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Collaborator]:
        return super().get_queryset(request).prefetch_related("companies")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if access.configures_everything(staff(request)):
            return super().get_readonly_fields(request, obj)
        return [
            *super().get_readonly_fields(request, obj),
            *GRANTED_BY_SUPERUSERS,
            "last_login",
            "date_joined",
        ]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Only a superuser sets another user's password; out of scope reads as missing."""
        user = staff(request)
        if self.get_object(request, id) is not None and not access.may_set_password(user, id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if db_field.name == "companies":
            # A group has a handful of companies: ticking them beats a two-pane selector.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("company scope"))
    def company_names(self, collaborator: Collaborator) -> str:
        return ", ".join(company.name for company in collaborator.companies.all())
