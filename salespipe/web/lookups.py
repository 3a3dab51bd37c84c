"""What the pages' small JSON endpoints share: the autocompletes' answer and its errors.

An autocomplete answers `{"results": [{"id", "label", "detail", "data"}], "create": text or
null}`: `create` is the label of the *Create* choice, offered when what was typed matches
no suggestion exactly and the user may create it. Writes answer the created record in the
same shape, and a refusal as the API does (`salespipe.web.refusals`): 422 with `{"detail",
"errors"}` for bad input, 403 for a missing right.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, JsonResponse

from salespipe.lib.errors import InvalidInput
from salespipe.org.rights import MissingRight
from salespipe.web.refusals import refusal

SUGGESTIONS = 10


def from_script(request: HttpRequest) -> bool:
    """Whether the page's script sent the request (it names itself as htmx does)."""
    return bool(getattr(request, "htmx", False))


def suggestions(results: Iterable[dict[str, Any]], create: str | None = None) -> JsonResponse:
    return JsonResponse({"results": list(results), "create": create})


def refused(error: InvalidInput | MissingRight) -> JsonResponse:
    """A write refused, in the API's shape (`salespipe.web.refusals`)."""
    status, body = refusal(error)
    return JsonResponse(body, status=status)


def typed(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()


def everything(request: HttpRequest) -> bool:
    return request.GET.get("all") == "1"
