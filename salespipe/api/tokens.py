"""A user's API tokens (SPEC SEC4): listed, issued and revoked by their owner, revoked with
his password or his account.

A token acts as its user, so these services answer only for the user's own tokens: another
user's token id is out of scope, as a missing one.
"""

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from salespipe.api.models import ApiToken
from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.org.credentials import credentials_withdrawn
from salespipe.org.models import Collaborator

NAME_MAX = ApiToken._meta.get_field("name").max_length or 100


def tokens_of(user: Collaborator) -> list[ApiToken]:
    """The user's tokens, newest first, expired ones included (they say so)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


@transaction.atomic
def token_issue(*, user: Collaborator, name: str) -> tuple[ApiToken, str]:
    """A new token of `user`; with its clear text, shown once and never kept."""
    name = name.strip()
    if len(name) > NAME_MAX:
        raise InvalidInput({"name": [_("At most %(count)d characters.") % {"count": NAME_MAX}]})
    if not user.is_active:
        raise InvalidInput({"__all__": [_("An inactive user can't hold a token.")]})
    return ApiToken.objects.issue(user, name=name)


@transaction.atomic
def token_revoke(*, user: Collaborator, token_id: Any) -> None:
    """Revokes one of the user's own tokens: it answers 401 from now on."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=_key(token_id)).delete()
    if not deleted:
        raise OutOfScope(ApiToken, token_id)


def tokens_revoke_all(user: Collaborator) -> int:
    """Revokes every token of `user`; how many there were."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


def _key(token_id: Any) -> int:
    try:
        return int(token_id)
    except (TypeError, ValueError):
        raise OutOfScope(ApiToken, token_id) from None


# --- revoked with the password or the account ---------------------------------------------------


@receiver(credentials_withdrawn)
def _revoke_with_password_or_account(
    sender: type,  # noqa: ARG001 (signals pass their arguments by name)
    user: Collaborator,
    **_kwargs: Any,
) -> None:
    tokens_revoke_all(user)
