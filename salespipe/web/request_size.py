"""Requests larger than the server accepts answer 413, never 500 (SPEC SEC5).

Two limits apply: the whole request (the largest document and a margin for the form
around it), checked from `Content-Length` before anything is read; and a body that is
not a file (`DATA_UPLOAD_MAX_MEMORY_SIZE`), which Django checks as it reads it and refuses
with `RequestDataTooBig`. Both answer 413, as JSON under /api/ and as a page elsewhere,
in the language of the request.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request

# Room for the form fields and multipart boundaries around the largest document.
FORM_MARGIN_BYTES = 1024 * 1024


def max_request_bytes() -> int:
    # The setting, not the documents' service: the request's cap sits below every app.
    return int(settings.DOCUMENT_MAX_BYTES) + FORM_MARGIN_BYTES


def too_large_message() -> str:
    return _("The request is too large (at most %(limit)s): nothing was saved.") % {
        "limit": filesizeformat(max_request_bytes())
    }


def too_large_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": too_large_message()}, status=413)
    context = {"title": _("Request too large"), "message": too_large_message()}
    return render(request, "web/error.html", context, status=413)


class RequestSizeMiddleware:
    """Refuses a request announcing more bytes than any form or upload may hold."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_request_bytes():
            return too_large_response(request)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400, except for a body too large to read: 413."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return too_large_response(request)
    return django_bad_request(request, exception)
