"""What the board's and the calendar's pages answer alike (SPEC B1, C1): their body for the
page's script, and the script's request for a page of other filters."""

from typing import Any

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from salespipe.pipeline.presenters.page_context import FRAGMENT_HEADER
from salespipe.web.http import AuthedRequest
from salespipe.web.late_fragments import render_with_late


def body_response(
    request: AuthedRequest, template: str, context: dict[str, Any], name: str, *, status: int
) -> HttpResponse:
    """The page's body alone (`template`'s `<name>-body` part), named for its script."""
    response = render_with_late(request, f"{template}#{name}-body", context, status=status)
    response[FRAGMENT_HEADER] = name
    return response


def for_the_script(request: AuthedRequest, body: HttpResponse, address: str) -> HttpResponse:
    """`body` as the page's script gets it; `address` names what it shows."""
    if "scope" in request.GET or "seller" in request.GET:
        # The header form's compound choices, written back as the plain address.
        body["HX-Push-Url"] = address
    # The same address gives a page or a fragment: caches must keep them apart.
    patch_vary_headers(body, ("HX-Request",))
    return body
