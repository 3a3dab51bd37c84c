"""How the API answers when something goes wrong: always JSON with a readable `detail`.

Services raise domain errors and never know about HTTP; this is the one place that turns
them into status codes (SPEC P5, P8):

- `OutOfScope` and unknown ids: 404 with the same body, so ids of other companies can't be probed;
- invalid values, from the request's shape or from a rule: 422, with each invalid value in `errors`;
- a missing right: 403;
- a stale version, a refused transition or a refused delete: 409, with the current `version`
  when the opportunity changed since it was read (P7);
- mandatory fields left empty: 422 with `missing`, per stage entered (P5);
- anything unexpected: 500 with a generic sentence (the details go to the log, not the client).
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from salespipe.api.auth import TooManyFailures
from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.org.rights import MissingRight
from salespipe.pipeline.services.errors import (
    InvalidTransition,
    MissingFields,
    NotDeletable,
    StaleVersion,
)
from salespipe.web import throttling
from salespipe.web.refusals import refusal
from salespipe.web.request_size import too_large_response

logger = logging.getLogger(__name__)

NOT_FOUND = gettext_lazy("Not found.")

# What each status means, as the OpenAPI document tells it for every operation.
STATUS_DESCRIPTIONS: dict[int, str] = {
    200: "OK.",
    201: "Created.",
    204: "Done; no content.",
    400: "The body could not be read (for example malformed JSON).",
    401: (
        "Not authenticated: no session and no `Authorization: Bearer <token>` header, "
        "or a token that is unknown, revoked or of an inactive user."
    ),
    403: (
        "Refused: a session write without a valid `X-CSRFToken` header, "
        "or an operation that needs a right the user lacks."
    ),
    404: (
        "No such object, or one of a company the user isn't scoped on: "
        "both answer the same, so that ids of other companies can't be probed."
    ),
    413: "The request is larger than the server accepts. Nothing was changed.",
    429: (
        "Too many failed logins or wrong tokens from this address: wait `Retry-After` "
        "seconds (SEC3)."
    ),
    409: (
        "The object changed since it was read (then `version` is its current version), or the "
        "change is refused in its current state. Nothing was changed."
    ),
    422: (
        "Invalid input; `errors` lists each invalid value, or, when stages entered have "
        "mandatory fields left empty, `missing` lists them per stage. Nothing was changed."
    ),
}

# Domain errors that are not about the values sent, with their status; any other is a 422.
_DOMAIN_STATUS: list[tuple[type[DomainError], int]] = [
    (MissingRight, 403),
    (StaleVersion, 409),
    (NotDeletable, 409),
    (InvalidTransition, 409),
]


@contextmanager
def query_errors() -> Iterator[None]:
    """A selector's refusal is about the query string here, and says so."""
    try:
        yield
    except InvalidInput as exc:
        raise ValidationError(
            [
                {
                    "loc": ("query",) if name == "__all__" else ("query", name),
                    "msg": message,
                    "type": "invalid",
                }
                for name, messages in exc.errors.items()
                for message in messages
            ]
        ) from exc


def _json(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _location(loc: Any) -> list[str | int]:
    parts: list[str | int] = [part if isinstance(part, int) else str(part) for part in loc]
    # ninja names the body parameter ("payload") in the path; a client only knows the field.
    if parts[:2] == ["body", "payload"]:
        del parts[1]
    return parts


def drop_schema_names(errors: list[dict[str, Any]], schema_params: set[str]) -> None:
    """Takes the name of a query schema's parameter out of its fields' error locations.

    ninja flattens `Query[Filters]` into plain parameters (`?status=open`) and maps an error
    back for a field itself, but not for an item of a list field: `["query", "filters",
    "status", 0]` names a parameter no client sends. It becomes `["query", "status", 0]`.
    """
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if len(loc) >= 3 and loc[0] != "body" and loc[1] in schema_params:
            error["loc"] = (loc[0], *loc[2:])


def _readable(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else error["msg"])
    return _("Invalid input. %(errors)s.") % {"errors": "; ".join(parts)}


def validation_error(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    # Pydantic's raw errors may hold the input and Python objects: keep what a client can use.
    errors = [
        {
            "loc": _location(error.get("loc", ())),
            "msg": str(error.get("msg", _("Invalid value."))),
            "type": str(error.get("type", "invalid")),
        }
        for error in exc.errors
    ]
    return _json(api, request, 422, {"detail": _readable(errors), "errors": errors})


def invalid_input(request: HttpRequest, exc: InvalidInput, *, api: NinjaAPI) -> HttpResponse:
    status, body = refusal(exc)
    return _json(api, request, status, body)


def domain_error(request: HttpRequest, exc: DomainError, *, api: NinjaAPI) -> HttpResponse:
    status = next((code for kind, code in _DOMAIN_STATUS if isinstance(exc, kind)), 422)
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, StaleVersion):
        # The client can show the opportunity as it is now, or retry with this version.
        body["version"] = exc.current.version
    return _json(api, request, status, body)


def missing_fields(request: HttpRequest, exc: MissingFields, *, api: NinjaAPI) -> HttpResponse:
    missing = [{"stage": item.stage.pk, "fields": list(item.fields)} for item in exc.missing]
    return _json(api, request, 422, {"detail": str(exc), "missing": missing})


def not_found(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return _json(api, request, 404, {"detail": str(NOT_FOUND)})


def unauthenticated(
    request: HttpRequest, exc: AuthenticationError, *, api: NinjaAPI
) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else None
    response = _json(
        api,
        request,
        401,
        {
            "detail": message
            or _("Authentication required: log in, or send `Authorization: Bearer <token>`.")
        },
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    return _json(api, request, exc.status_code, {"detail": str(exc)})


def unreadable_multipart(
    request: HttpRequest, exc: MultiPartParserError, *, api: NinjaAPI
) -> HttpResponse:
    # Django raises it on reading a malformed upload; it is the client's body, not our fault.
    return _json(api, request, 400, {"detail": _("The multipart body could not be read.")})


def too_many_failures(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return throttling.lockout_response(request)


def too_large(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return too_large_response(request)


def server_error(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    # Error reporting and the test client listen to this signal, as for any Django view.
    got_request_exception.send(sender=None, request=request)
    return _json(api, request, 500, {"detail": _("Server error; it has been logged.")})


def install(api: NinjaAPI) -> None:
    """Registers every handler on `api`; the most specific exception class wins."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, server_error),
        (HttpError, http_error),
        (AuthenticationError, unauthenticated),
        (ValidationError, validation_error),
        (OutOfScope, not_found),
        (Http404, not_found),
        (DomainError, domain_error),
        (InvalidInput, invalid_input),
        (MissingFields, missing_fields),
        (MultiPartParserError, unreadable_multipart),
        (TooManyFailures, too_many_failures),
        (RequestDataTooBig, too_large),
        (TooManyFieldsSent, too_large),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, partial(handler, api=api))
