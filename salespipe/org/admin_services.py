"""Configuration screens that save through the services (SPEC SEC1, SEC2).

The admin is one more door: a record it changes goes through the very service the pages
and the API call, with the same rights, rules and history. The form runs that service
rolled back while it validates, so that a refusal shows on its fields and nothing is
written; the admin then runs it for real.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from salespipe.lib.dry_run import dry_run
from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.org.admin_scope import ScopedAdmin, staff
from salespipe.org.models import Collaborator


class ServiceForm[M: models.Model](forms.ModelForm[M]):
    """A model form whose `save_through_services` is the one way its record is written.

    `user` is the staff user, set by `ServiceSavedAdmin` for each request.
    """

    user: Collaborator

    def save_through_services(self) -> models.Model:
        raise NotImplementedError

    def changed_values[V](self, shape: type[V]) -> V:
        """The changed fields among the keys of `shape` (the `TypedDict` a service takes),
        as it takes them: relations by id, the rest as the model form cleaned them."""
        names = shape.__annotations__
        values: dict[str, Any] = {}
        for name in self.changed_data:
            if name not in names:
                continue
            value = self.cleaned_data[name]
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, models.QuerySet):
                value = [item.pk for item in value]
            values[name] = value
        # A model field cleans to the type the service's values give it.
        return cast(V, values)

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            dry_run(self.save_through_services)
        except InvalidInput as refused:
            for name, messages in refused.errors.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        except (DomainError, OutOfScope) as refused:
            self.add_error(None, str(refused))
        return cleaned


class ServiceSavedAdmin[M: models.Model](ScopedAdmin[M]):
    """A model admin whose form is a `ServiceForm`: saves and relations through it."""

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        assert issubclass(form, ServiceForm)
        form.user = staff(request)
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = form.save_through_services()
        # The admin goes on with `obj` (its log entry, the next page): make it the saved one.
        obj.__dict__.update(
            {field.attname: getattr(saved, field.attname) for field in saved._meta.concrete_fields}
        )
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many values were saved by the service with the rest.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refused:
            # A colleague changed the record between the check and the save: the page's
            # transaction wrote nothing; say why and show the record as it now is.
            messages.error(request, str(refused))
            return HttpResponseRedirect(request.path)
