"""The one way code turns an id and a user into a company-scoped object.

A user sees only the objects of the companies it is scoped on, and among them only those
its rights open (a closed account needs `show_closed`). Anything else raises `OutOfScope`,
which every door shows exactly as an id that does not exist (404), so that ids of other
companies can't even be probed.

Every model of the project says how it reaches its company (SPEC SEC1): a `company` foreign
key, or a `company_path` naming the lookup to it; `company_path = None` declares
configuration shared by the whole group (currencies, templates, tags…). A model that says
neither is an error, found at start-up by `check_scopes`, and refused by every function
here rather than read unfiltered: the gate fails closed.
"""

from collections.abc import Hashable, Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from salespipe.lib.prepared import prepared_rows
from salespipe.org.models import Collaborator, Company
from salespipe.org.rights import Right, has_right

# The apps whose models must declare their scope: the project's own.
PROJECT_PREFIX = "salespipe."


class OutOfScope(Exception):
    """The object does not exist, or belongs to a company the user isn't scoped on."""

    def __init__(self, model: type[models.Model] | None = None, pk: Any = None) -> None:
        self.model = model
        self.pk = pk
        name = model._meta.verbose_name if model is not None else "object"
        super().__init__(f"No {name} with id {pk}.")


def company_ids(user: Collaborator) -> frozenset[int]:
    """The ids of the companies `user` is scoped on, read once per request.

    A superuser configures the whole group, and so is scoped on every company.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = user._scope_company_ids
    if cached is None:
        if user.is_superuser:
            rows = prepared_rows(
                "every company", [], lambda _ids: Company.objects.values_list("id")
            )
        else:
            rows = prepared_rows(
                "member of",
                [user.pk],
                lambda member: Company.objects.filter(**{_MEMBERS: member[0]}).values_list("id"),
            )
        cached = frozenset(pk for (pk,) in rows)
        user._scope_company_ids = cached
    return cached


def forget_scope(user: Collaborator) -> None:
    """Drops the cached scope, after the user's companies changed."""
    user._scope_company_ids = None


def companies(user: Collaborator) -> models.QuerySet[Company]:
    return Company.objects.filter(id__in=company_ids(user))


# --- what each model declares ----------------------------------------------------------------


def declares_scope(model: type[models.Model]) -> bool:
    return hasattr(model, "company_path") or any(
        getattr(field, "name", None) == "company" and field.is_relation
        for field in model._meta.get_fields()
    )


def company_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its company; None for group-wide configuration.

    Raises `ImproperlyConfigured` for a model that declares nothing: never an unfiltered read.
    """
    if hasattr(model, "company_path"):
        path: str | None = model.company_path
        return path
    if declares_scope(model):
        return "company"
    raise ImproperlyConfigured(
        f"{model._meta.label} says neither how it reaches its company (a company field or "
        "company_path) nor that it is group-wide (company_path = None)."
    )


def is_group_wide(model: type[models.Model]) -> bool:
    return company_path(model) is None


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether following `path` from `model` may give several rows per object."""
    current = model
    for name in path.split("__"):
        if name == "pk":
            return False
        field = current._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        related = field.related_model
        if related is None or isinstance(related, str):
            return False
        current = related
    return False


def hidden_rows(user: Collaborator, model: type[models.Model]) -> Q | None:
    """The rows of `model` that a right must open for `user`, or None when nothing is hidden.

    A model names them with `hidden_without_right = (right, Q(...))` (SPEC A2, SEC1).
    """
    rule: tuple[str, Q] | None = getattr(model, "hidden_without_right", None)
    if rule is None:
        return None
    right, rows = rule
    return None if has_right(user, Right(right)) else rows


def without_hidden[M: models.Model](
    user: Collaborator, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """`queryset` less the rows the user's rights don't open; its callers have narrowed it
    to the user's companies already."""
    hidden = hidden_rows(user, queryset.model)
    return queryset.exclude(hidden) if hidden is not None else queryset


def scope_key(user: Collaborator, model: type[models.Model]) -> Hashable:
    """What `scoped(user, …)` narrows `model`'s rows by: the user's companies, and whether
    its rights hide some rows. Two users with the same key are narrowed by the same SQL."""
    return company_ids(user), hidden_rows(user, model) is not None


def held[M: models.Model](user: Collaborator, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """`queryset` narrowed to what the user's companies hold and its rights open.

    Group-wide configuration is held by no company: the answer is empty. Writes into a
    company (a portfolio to create in, a company to configure) are checked against this.
    """
    model = queryset.model
    path = company_path(model)
    if path is None:
        return queryset.none()
    ids = company_ids(user)
    narrowed = queryset.filter(**{f"{path}__in": ids})
    if _crosses_many(model, path):
        narrowed = queryset.filter(pk__in=narrowed.values("pk"))
    return without_hidden(user, narrowed)


def scoped[M: models.Model](user: Collaborator, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """`queryset` narrowed to what `user` may see.

    That is what its companies hold, except for group-wide configuration and for models
    listed to everyone (`listed_for_everyone`: portfolios, SPEC B7), which every user reads.
    """
    model = queryset.model
    if company_path(model) is None or getattr(model, "listed_for_everyone", False):
        return queryset
    return held(user, queryset)


# How a company reaches the collaborators scoped on it.
_MEMBERS = Collaborator._meta.get_field("companies").related_query_name()


def _scoped_in_one_query[M: models.Model](
    user: Collaborator, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """`queryset` narrowed to the user's companies through their memberships, in its own query.

    Reading one object, that saves the round trip of reading the companies first.
    The path to the company is made of foreign keys and a membership is unique, so the join
    adds no row. Once the request has read the companies, for a path through a many-to-many
    relation, or for a user who sees none, the plain `scoped` does.
    """
    model = queryset.model
    path = company_path(model)
    if (
        path is None
        or getattr(model, "listed_for_everyone", False)
        or _crosses_many(model, path)
        or not user.is_authenticated
        or not user.is_active
        or user.is_superuser
        or user._scope_company_ids is not None
    ):
        return scoped(user, queryset)
    members = _MEMBERS if path == "pk" else f"{path}__{_MEMBERS}"
    return without_hidden(user, queryset.filter(**{members: user.pk}))


def _as_key(model: type[models.Model], pk: Any) -> Any:
    try:
        return int(pk)
    except (TypeError, ValueError):
        if model._meta.pk is not None and not isinstance(
            model._meta.pk, models.AutoField | models.BigAutoField
        ):
            return pk
        raise OutOfScope(model, pk) from None


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
    key = _as_key(model, pk)
    if for_update:
        # The lock takes the object's row alone, not the memberships a join would add.
        queryset = scoped(user, queryset).select_for_update()
    else:
        queryset = _scoped_in_one_query(user, queryset)
    try:
        return queryset.get(pk=key)
    except ObjectDoesNotExist:
        raise OutOfScope(model, pk) from None


def hung_on(model: type[models.Model], field: str) -> type[models.Model]:
    """The model that `model`'s foreign key `field` points at.

    An app whose rows hang on another app's (an action or a document on an opportunity)
    names that model by its label in the foreign key, as Django's own apps name the user
    model, and reaches it here: the app it hangs on reads those rows back, and the two must
    not import each other.
    """
    related = model._meta.get_field(field).related_model
    if not isinstance(related, type) or not issubclass(related, models.Model):
        raise TypeError(f"{model.__name__}.{field} is not a foreign key to a model.")
    return related


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


# --- configuration (the admin door, SPEC SEC2) -------------------------------------------------


def configures_everything(user: Collaborator) -> bool:
    """Superusers configure the whole group: every company, and who may do what."""
    return bool(user.is_active and user.is_superuser)


def manageable_collaborators(user: Collaborator) -> models.QuerySet[Collaborator]:
    """The collaborators a staff user may manage: himself, and the users who are not staff
    and all of whose companies are his.

    A collaborator who also works for a company out of his scope, or who has no company
    yet, is managed by a superuser only: managing him would reach beyond those companies.
    So is every other staff user: a peer, maybe with more rights, is no one's to deactivate
    or rename but a superuser's.
    """
    everyone = Collaborator.objects.all()
    if configures_everything(user):
        return everyone
    ids = company_ids(user)
    members = Collaborator.companies.through.objects.filter(company_id__in=ids)
    others = everyone.filter(
        is_superuser=False, is_staff=False, pk__in=members.values("collaborator_id")
    ).exclude(companies__in=Company.objects.exclude(pk__in=ids))
    return everyone.filter(Q(pk=user.pk) | Q(pk__in=others.values("pk")))


def configurable[M: models.Model](
    user: Collaborator, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """What a configuration screen shows `user`: what its companies hold.

    Group-wide configuration is shown to every staff user (every user reads it in the app
    anyway) but changed by superusers only (`may_change_configuration`).
    """
    if configures_everything(user):
        return queryset
    model = queryset.model
    if model is Collaborator:
        return queryset.filter(pk__in=manageable_collaborators(user).values("pk"))
    if company_path(model) is None:
        return queryset
    owner: str | None = getattr(model, "owner_path", None)
    if owner is not None:
        # A collaborator's own record (API tokens): configured by whoever may manage him.
        return queryset.filter(**{f"{owner}__in": manageable_collaborators(user).values("pk")})
    return held(user, queryset)


def pickable[M: models.Model](
    user: Collaborator, queryset: models.QuerySet[M]
) -> models.QuerySet[M]:
    """What a staff user may pick in a relation of a configuration screen: what his
    companies hold (a collaborator: one who shares one of them), or group-wide
    configuration."""
    if configures_everything(user) or is_group_wide(queryset.model):
        return queryset
    return held(user, queryset)


def may_set_password(user: Collaborator, collaborator_id: Any) -> bool:
    """Only a superuser sets another user's password; anyone may set his own."""
    return configures_everything(user) or str(user.pk) == str(collaborator_id)


def may_act_as(user: Collaborator, owner: Collaborator) -> bool:
    """A token acts as its owner: issuing or changing one of someone else's is a superuser's
    act (revoking one is not: see `manageable_collaborators`)."""
    return configures_everything(user) or user.pk == owner.pk


def may_change_configuration(user: Collaborator, model: type[models.Model]) -> bool:
    """Whether `user` may change records of `model` at all, before looking at which ones.

    Group-wide configuration changes every company's board: superusers only.
    """
    return configures_everything(user) or not is_group_wide(model)


def may_create_or_remove(user: Collaborator, model: type[models.Model]) -> bool:
    """Companies and collaborators are added and removed by superusers only: a new company
    or user is outside every staff user's scope until a superuser grants it."""
    if model in (Company, Collaborator):
        return configures_everything(user)
    return may_change_configuration(user, model)


# --- the start-up check ------------------------------------------------------------------------


def project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=False)
        if model.__module__.startswith(PROJECT_PREFIX)
    ]


@checks.register(checks.Tags.security)
def check_scopes(**_kwargs: Any) -> list[checks.CheckMessage]:
    """Every model of the project says how it reaches its company, or that it is group-wide."""
    errors: list[checks.CheckMessage] = []
    for model in project_models():
        if not declares_scope(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label} does not declare its company scope.",
                    hint="Give it a company field, a company_path, or company_path = None "
                    "for configuration shared by the whole group.",
                    obj=model,
                    id="salespipe.E001",
                )
            )
            continue
        path = company_path(model)
        if path is not None and path != "pk":
            try:
                _crosses_many(model, path)
            except Exception as exc:  # a lookup that names no field
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.company_path {path!r} is not a lookup: {exc}",
                        obj=model,
                        id="salespipe.E002",
                    )
                )
    return errors
