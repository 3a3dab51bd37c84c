"""The JSON body of a refusal, the same from the API and from the pages' lookups (SPEC P8).

A refusal is JSON with a readable `detail`: a missing right answers 403; invalid values
answer 422 with each one in `errors`, as `{"loc": ["body", field], "msg", "type"}`. The API's
error handlers and the autocompletes' endpoints both build it here, so that a client (or
the pages' script) reads one shape whatever the door.
"""

from typing import Any

from salespipe.lib.errors import InvalidInput
from salespipe.org.rights import MissingRight


def invalid_values(exc: InvalidInput) -> list[dict[str, Any]]:
    """Each invalid value of `exc`, located in the request's body."""
    return [
        {
            "loc": ["body"] if field == "__all__" else ["body", field],
            "msg": message,
            "type": "invalid",
        }
        for field, messages in exc.errors.items()
        for message in messages
    ]


def refusal(exc: InvalidInput | MissingRight) -> tuple[int, dict[str, Any]]:
    """The status and body that refuse a request for `exc`."""
    if isinstance(exc, MissingRight):
        return 403, {"detail": str(exc)}
    return 422, {"detail": str(exc), "errors": invalid_values(exc)}
