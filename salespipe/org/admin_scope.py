"""Company scoping in the configuration screens.

Superusers configure the whole group. Other staff members see, and may pick, only the
records of the companies they are scoped on: the admin is one more door to the data, and
it keeps the rule of `salespipe.org.access` like every other door.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.fields.related import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from salespipe.org import access
from salespipe.org.models import Collaborator, Company


def sees_every_company(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


def _staff(request: HttpRequest) -> Collaborator:
    user = request.user
    assert isinstance(user, Collaborator)
    return user


class CompanyScopedAdmin(admin.ModelAdmin):
    """A model admin whose lists, pages and foreign-key choices follow the user's scope."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        if sees_every_company(request):
            return queryset
        return access.scoped(_staff(request), queryset)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if not sees_every_company(request) and "queryset" not in kwargs:
            related = db_field.related_model
            assert isinstance(related, type)
            assert issubclass(related, models.Model)
            if related is Company:
                kwargs["queryset"] = access.companies(_staff(request))
            else:
                kwargs["queryset"] = access.scoped(_staff(request), related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
