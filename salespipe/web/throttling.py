"""Failed logins are throttled per account and per address, for every door (SPEC SEC3).

django-axes counts the failures in the database, which every server process shares, and
refuses a locked-out login before any password is hashed. This module says what it counts
(an API token names no account: its failures count against the address only) and how a
refusal reads: a page or a JSON error in the user's language, 429 with `Retry-After`.
"""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The credentials a failed API token reports: no account, only the address it came from.
TOKEN_CREDENTIALS: dict[str, Any] = {"username": None, "api_token": True}


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, as the proxies of `PROXY_COUNT` saw it.

    Each trusted proxy appends the address it received from to X-Forwarded-For, so the
    client's is the PROXY_COUNT-th from the right; whatever stands left of it was written
    by the client and could be anything. Without proxies, the socket's address.
    """
    proxies = int(settings.PROXY_COUNT)
    forwarded_for: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if proxies > 0 and len(forwarded) >= proxies:
        return forwarded[-proxies]
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None) -> list[str]:
    """What a failure counts against: the account and the address, or for a token the
    address alone (every token failure sharing one empty account would lock everyone out)."""
    if credentials is not None and credentials.get("api_token"):
        return ["ip_address"]
    if credentials is None and getattr(request_or_attempt, "username", "") is None:
        return ["ip_address"]
    return ["username", "ip_address"]


def retry_after_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def refusal_message() -> str:
    minutes = max(1, retry_after_seconds() // 60)
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute, or ask an administrator "
        "to lift the lock.",
        "Too many failed logins. Try again in %(minutes)d minutes, or ask an administrator "
        "to lift the lock.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    # django-axes calls its lockout answer with these too.
    original_response: Any = None,  # noqa: ARG001
    credentials: Any = None,  # noqa: ARG001
) -> HttpResponse:
    """429, with `Retry-After`: JSON for the API, a page for the login forms."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": refusal_message()}, status=429)
    else:
        context = {"message": refusal_message(), "title": _("Login locked")}
        response = render(request, "web/error.html", context, status=429)
    response["Retry-After"] = str(retry_after_seconds())
    return response


def token_allowed(request: HttpRequest) -> bool:
    """Whether this address may still try a token."""
    return bool(AxesProxyHandler.is_allowed(request, TOKEN_CREDENTIALS))


def token_failed(request: HttpRequest) -> None:
    """Counts a wrong token against the address it came from."""
    user_login_failed.send(sender=__name__, credentials=TOKEN_CREDENTIALS, request=request)


@receiver(user_logged_in)
def clear_the_accounts_failures(
    sender: Any,  # noqa: ARG001 (signals pass their arguments by name)
    request: Any,  # noqa: ARG001
    user: Any,
    **_kwargs: Any,
) -> None:
    """A success clears the failures counted against that account, and only those.

    (django-axes' own reset on success also clears every failure of the address, so that
    whoever holds one account could go on guessing another's password from there.)
    """
    reset(username=user.get_username())
