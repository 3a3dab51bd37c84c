from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.defaults import page_not_found

from salespipe.org.access import OutOfScope


class OutOfScopeMiddleware:
    """Pages show an object of another company exactly as one that does not exist."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OutOfScope):
            return page_not_found(request, Http404(str(exception)))
        return None


class UserLanguageMiddleware:
    """A user's chosen language wins over the browser's (which LocaleMiddleware applied)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
