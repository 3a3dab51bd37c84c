"""Domain errors: what a service raises when a rule says no. Never an HTTP response.

Each door maps them: the API to 404/409/422 JSON, the pages to the dialog or message a user needs.
"""

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A rule refused the change; `str(error)` is a sentence a user can read."""


class InvalidInput(DomainError):
    """Values that break a rule, with the messages per field name."""

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        if message is None:
            message = "; ".join(
                f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
                for field, msgs in self.errors.items()
            )
        super().__init__(message)
