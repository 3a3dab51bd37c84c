"""API tokens (SPEC P1, SEC4): only a hash is stored, the token itself is shown once.

A token expires after `API_TOKEN_LIFETIME_DAYS`, and its user's tokens are revoked when his
password changes or he is deactivated (see `salespipe.api.tokens`).
"""

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from salespipe.org.models import Collaborator

TOKEN_PREFIX = "sp_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def issue(self, user: "Collaborator", name: str = "") -> tuple["ApiToken", str]:
        """Creates a token for `user`; returns it with the clear text, which is not kept."""
        clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, key_hash=hash_token(clear), hint=clear[:7])
        return token, clear

    def valid(self) -> "ApiTokenQuerySet":
        return self.filter(expires_at__gt=timezone.now())


class ApiToken(models.Model):
    # A token is its user's: held by the companies the user works for, and configured by
    # whoever may manage that user.
    company_path = "user__companies"
    owner_path = "user"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    def has_expired(self) -> bool:
        return self.expires_at <= timezone.now()
