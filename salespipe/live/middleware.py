from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from salespipe.live.publish import origin


class LiveOriginMiddleware:
    """Names, for the change feed, the page a change comes from (its `X-Live-Origin`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = origin.set(request.headers.get("X-Live-Origin", "")[:40])
        try:
            return self.get_response(request)
        finally:
            origin.reset(token)
