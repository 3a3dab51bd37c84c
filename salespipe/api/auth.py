"""Who is calling (SPEC P1): a bearer token, or the browser's session with its CSRF token.

A token is looked up by its hash only; a wrong one answers 401 at once rather than falling
back to the session, so that a script with a revoked token fails loudly. The session needs the
CSRF token for writes, as any form of the site does; a token does not, since a browser never
sends it on its own.
"""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from salespipe.api.models import ApiToken, hash_token
from salespipe.org.models import Collaborator
from salespipe.web import throttling

# Recording each use would write on every request; a minute's precision is enough to tell
# which tokens are still in use.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class TooManyFailures(Exception):
    """Too many wrong tokens from this address: 429 with Retry-After (SEC3)."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, a token from `manage.py create_token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> Collaborator:
        try:
            found = ApiToken.objects.select_related("user").get(key_hash=hash_token(token.strip()))
        except ApiToken.DoesNotExist:
            found = None
        if found is None or not found.user.is_active or found.has_expired():
            # Counted and checked on failure only, so that a valid token costs no more
            # queries: an address that has guessed too often is told to wait (SEC3).
            if not throttling.token_allowed(request):
                raise TooManyFailures()
            throttling.token_failed(request)
            raise AuthenticationError(message="Unknown, expired or revoked token.")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's login session; writes need the `X-CSRFToken` header."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a logged-in session there is nothing to protect: answer 401, not a CSRF 403.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403,
                "CSRF check failed: a write through the session needs the X-CSRFToken header "
                "(or use a bearer token).",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Collaborator | None:
        user = getattr(request, "user", None)
        if key is None or not isinstance(user, Collaborator) or not user.is_active:
            return None
        return user


def user_of(request: HttpRequest) -> Collaborator:
    """The collaborator an operation runs for, set by one of the auth classes above."""
    user = getattr(request, "auth", None)
    if not isinstance(user, Collaborator):
        raise AuthenticationError()
    return user
