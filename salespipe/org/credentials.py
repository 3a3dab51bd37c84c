"""A user's lasting credentials (API tokens, calendar addresses) end with his password or
his account: `credentials_withdrawn` is sent after a save that changes his password or
leaves him deactivated, and each kind of credential ends its own."""

from typing import Any

from django.contrib.auth.hashers import check_password
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from salespipe.org.models import Collaborator

# Sent with `user` (a Collaborator), after the save.
credentials_withdrawn = Signal()


@receiver(pre_save, sender=Collaborator)
def _note_password_change(
    sender: type,  # noqa: ARG001 (signals pass their arguments by name)
    instance: Collaborator,
    update_fields: Any = None,
    **_kwargs: Any,
) -> None:
    """Before a save, whether it changes the password: a new one, or none usable any more;
    not the same password stored with a stronger hash, as logging in may do."""
    instance._password_changed = False  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = Collaborator.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    raw = getattr(instance, "_password", None)
    if raw is not None:
        changed = stored is None or not check_password(raw, stored)
    else:
        changed = stored is not None and stored != instance.password
    instance._password_changed = changed  # type: ignore[attr-defined]


@receiver(post_save, sender=Collaborator)
def _withdraw_with_password_or_account(
    sender: type,  # noqa: ARG001 (signals pass their arguments by name)
    instance: Collaborator,
    created: bool,
    **_kwargs: Any,
) -> None:
    if created:
        return
    if getattr(instance, "_password_changed", False) or not instance.is_active:
        credentials_withdrawn.send(sender=Collaborator, user=instance)
