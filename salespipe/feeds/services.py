"""Opening, replacing and stopping a user's calendar feed (SPEC X4), and finding whose
address a request names.

An address is a secret: only its hash is stored, and it is shown once, when it is made.
Making a new one replaces the old, which stops at once; stopping deletes it. An address
stops too when its user's password changes or he is deactivated, as his API tokens do.
"""

from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from salespipe.feeds.models import CalendarFeed, hash_secret, new_secret
from salespipe.org.credentials import credentials_withdrawn
from salespipe.org.models import Collaborator


def feed_of(user: Collaborator) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_open(*, user: Collaborator) -> tuple[CalendarFeed, str]:
    """A new address for `user`'s feed, replacing any he had; returns it with its secret,
    which is not kept."""
    secret = new_secret()
    # Two requests at once make one address each, in turn: the user's row is the lock.
    Collaborator.objects.select_for_update().filter(pk=user.pk).first()
    CalendarFeed.objects.filter(user=user).delete()
    feed = CalendarFeed.objects.create(user=user, key_hash=hash_secret(secret))
    return feed, secret


def feed_stop(*, user: Collaborator) -> bool:
    """Stops `user`'s feed: its address answers nothing any more. Whether he had one."""
    deleted, _by_model = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def feed_reader(secret: str) -> Collaborator | None:
    """The active user whose feed `secret` opens, or None: an unknown, stopped or malformed
    secret, or a user deactivated since."""
    if not secret or len(secret) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(key_hash=hash_secret(secret), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    return feed.user


@receiver(credentials_withdrawn)
def _stop_with_password_or_account(
    sender: type,  # noqa: ARG001 (signals pass their arguments by name)
    user: Collaborator,
    **_kwargs: Any,
) -> None:
    feed_stop(user=user)
