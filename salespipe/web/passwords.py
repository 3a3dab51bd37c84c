"""Asking a logged-in user his password again before he makes a lasting credential (an API
token, a calendar address): a session left open can't be turned into one."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from salespipe.lib.errors import InvalidInput
from salespipe.web.http import AuthedRequest


def confirm_password(request: AuthedRequest) -> None:
    """`InvalidInput` unless the request posts the user's password as `password`. The check
    is a login like any other, throttled with them (SEC3)."""
    confirmed = authenticate(
        request, username=request.user.get_username(), password=request.POST.get("password", "")
    )
    if confirmed is None or confirmed.pk != request.user.pk:
        raise InvalidInput({"password": [_("This is not your password.")]})
