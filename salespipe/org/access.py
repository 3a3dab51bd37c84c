"""The one way code turns an id and a user into a company-scoped object.

A user sees only the objects of the companies it is scoped on. Anything else raises
`OutOfScope`, which every door shows exactly as an id that does not exist (404), so that
ids of other companies can't even be probed.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from salespipe.org.models import Collaborator, Company


class OutOfScope(Exception):
    """The object does not exist, or belongs to a company the user isn't scoped on."""

    def __init__(self, model: type[models.Model] | None = None, pk: Any = None) -> None:
        self.model = model
        self.pk = pk
        name = model._meta.verbose_name if model is not None else "object"
        super().__init__(f"No {name} with id {pk}.")


def company_ids(user: Collaborator) -> frozenset[int]:
    """The ids of the companies `user` is scoped on, read once per request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = user._scope_company_ids
    if cached is None:
        cached = frozenset(user.companies.values_list("id", flat=True))
        user._scope_company_ids = cached
    return cached


def forget_scope(user: Collaborator) -> None:
    """Drops the cached scope, after the user's companies changed."""
    user._scope_company_ids = None


def companies(user: Collaborator) -> models.QuerySet[Company]:
    return Company.objects.filter(id__in=company_ids(user))


def _company_path(model: type[models.Model]) -> str | None:
    """How a model reaches its company: a `company` field, or the path its Meta names.

    Returns None for configuration (templates, tags, portfolios…), which every user may read.
    """
    if hasattr(model, "company_path"):
        return model.company_path
    field_names = {f.name for f in model._meta.get_fields()}
    return "company" if "company" in field_names else None


def scoped[M: models.Model](user: Collaborator, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """`queryset` narrowed to the companies `user` is scoped on."""
    model = queryset.model
    if model is Collaborator:
        return queryset.filter(companies__in=company_ids(user)).distinct()
    path = _company_path(model)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}__in": company_ids(user)})


# How a company reaches the collaborators scoped on it.
_MEMBERS = Collaborator._meta.get_field("companies").related_query_name()


def _scoped_in_one_query[M: models.Model](
    user: Collaborator, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """`queryset` narrowed to the user's companies through their memberships, in its own query.

    Reading one object, that saves the round trip of reading the companies first (issue 8).
    The path to the company is made of foreign keys and a membership is unique, so the join
    adds no row. Once the request has read the companies, or for a user who sees none, the
    plain `scoped` does.
    """
    path = _company_path(queryset.model)
    if (
        path is None
        or queryset.model is Collaborator
        or not user.is_authenticated
        or not user.is_active
        or user._scope_company_ids is not None
    ):
        return scoped(user, queryset)
    return queryset.filter(**{f"{path}__{_MEMBERS}": user.pk})


def get[M: models.Model](
    user: Collaborator,
    model_or_queryset: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    for_update: bool = False,
) -> M:
    """The object of id `pk` if `user` may see it; otherwise `OutOfScope`."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    model = queryset.model
    try:
        key = int(pk)
    except (TypeError, ValueError):
        if model._meta.pk is not None and not isinstance(
            model._meta.pk, models.AutoField | models.BigAutoField
        ):
            key = pk
        else:
            raise OutOfScope(model, pk) from None
    if for_update:
        # The lock takes the object's row alone, not the memberships a join would add.
        queryset = scoped(user, queryset).select_for_update()
    else:
        queryset = _scoped_in_one_query(user, queryset)
    try:
        return queryset.get(pk=key)
    except ObjectDoesNotExist:
        raise OutOfScope(model, pk) from None


def get_many[M: models.Model](user: Collaborator, model: type[M], pks: Iterable[Any]) -> list[M]:
    """Every object of `pks`, in that order, or `OutOfScope` naming the first one missing."""
    wanted = list(dict.fromkeys(pks))
    try:
        keys = [int(pk) for pk in wanted]
    except (TypeError, ValueError):
        raise OutOfScope(model, wanted) from None
    found = {obj.pk: obj for obj in scoped(user, model._default_manager.filter(pk__in=keys))}
    for key in keys:
        if key not in found:
            raise OutOfScope(model, key)
    return [found[key] for key in keys]


def ensure_company(user: Collaborator, company_id: int) -> None:
    """Raises `OutOfScope` unless `user` may act on company `company_id`."""
    if company_id not in company_ids(user):
        raise OutOfScope(Company, company_id)
