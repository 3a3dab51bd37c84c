"""Company scoping in the configuration screens (SPEC SEC2).

The admin is one more door to the data, and it keeps the rules of `salespipe.org.access`
like every other door: what a staff user lists, opens, changes and picks in a choice is
what his companies hold; an id out of his scope is answered as a missing one. Superusers
configure the whole group.

Every model admin and inline of the project derives from `ScopedAdmin` or `ScopedInline`;
a test walks the admin site to keep it so. The decisions themselves are the access
module's; these classes only ask it.
"""

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin
from django.db import models
from django.db.models.fields.related import ForeignKey, ManyToManyField
from django.forms import (
    BaseFormSet,
    CheckboxSelectMultiple,
    ModelChoiceField,
    ModelMultipleChoiceField,
    RadioSelect,
)
from django.http import HttpRequest

from salespipe.org import access
from salespipe.org.models import Collaborator


def staff(request: HttpRequest) -> Collaborator:
    """The user of an admin page; anonymous on the login page, where every answer is no."""
    return cast(Collaborator, request.user)


def _choices(request: HttpRequest, related: Any) -> models.QuerySet[Any]:
    assert isinstance(related, type)
    assert issubclass(related, models.Model)
    return access.pickable(staff(request), related._default_manager.all())


class ScopedMixin[M: models.Model](BaseModelAdmin[M]):
    """Lists, pages, permissions and choices that follow the access module."""

    model: type[M]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        queryset = super().get_queryset(request)
        return access.configurable(staff(request), queryset)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        allowed = super().has_add_permission(request, *args)
        return bool(allowed) and access.may_create_or_remove(staff(request), self.model)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return bool(allowed) and access.may_change_configuration(staff(request), self.model)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return bool(allowed) and access.may_create_or_remove(staff(request), self.model)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if "queryset" not in kwargs:
            kwargs["queryset"] = _choices(request, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if "queryset" not in kwargs:
            kwargs["queryset"] = _choices(request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin[M: models.Model](ScopedMixin[M], admin.ModelAdmin[M]):
    pass


class ScopedInline[M: models.Model, P: models.Model](ScopedMixin[M], admin.TabularInline[M, P]):
    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        return labelled(super().get_formset(request, obj, **kwargs))


def labelled(formset: type[BaseFormSet[Any]]) -> type[BaseFormSet[Any]]:
    """`formset` whose every input is named for assistive technologies.

    A tabular inline shows its labels once, as column headers that no input refers to:
    each input and select gets its field's label as `aria-label`. A list of checkboxes or
    radios keeps the labels of its options.
    """

    # A class derived from one known only at run time: mypy cannot check such a base.
    class Labelled(formset):  # type: ignore[valid-type,misc]
        def add_fields(self, form: Any, index: int | None) -> None:
            super().add_fields(form, index)
            for name, form_field in form.fields.items():
                widget = form_field.widget
                if widget.is_hidden or isinstance(widget, CheckboxSelectMultiple | RadioSelect):
                    continue
                widget.attrs.setdefault("aria-label", form_field.label or name)

    Labelled.__name__ = formset.__name__
    return Labelled


class NoWrites:
    """Shown in the admin, never written there: what changes through the services alone."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperusersOnlyAdmin:
    """For what decides who may do what (permission groups): superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.configures_everything(staff(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.configures_everything(staff(request))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return access.configures_everything(staff(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.configures_everything(staff(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.configures_everything(staff(request))
