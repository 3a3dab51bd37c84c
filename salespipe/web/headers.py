"""Headers every answer carries for a logged-in user or a token (SPEC SEC5).

An authenticated answer holds a company's customers: no shared proxy may keep it, and the
browser's back button must not show it to the next person at the screen once logged out,
so it is `Cache-Control: no-store`. Every answer also says which browser features the
product never uses (`Permissions-Policy`), so that an injected script could not ask for
them either.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated)
        or getattr(request, "auth", None) is not None
        or "HTTP_AUTHORIZATION" in request.META
    )


class PrivateAnswersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # A view that chose its own caching (a download, a stylesheet) keeps it.
        if is_authenticated(request) and "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response
