"""Feature rights of a collaborator (SPEC glossary: Right [DMF]), checked by services."""

from enum import StrEnum

from salespipe.lib.errors import DomainError
from salespipe.org.models import Collaborator


class Right(StrEnum):
    """Each right is a boolean field of `Collaborator` of the same name."""

    QUICK_ACCOUNT = "quick_account"  # DMF 191420
    CHANGE_DEFAULT_STAGE = "change_default_stage"  # DMF 191421
    SHOW_CLOSED = "show_closed"  # DMF 191516


_SENTENCES = {
    Right.QUICK_ACCOUNT: "You may not create a prospect from here (right 191420 needed).",
    Right.CHANGE_DEFAULT_STAGE: "You may not choose the starting stage (right 191421 needed).",
    Right.SHOW_CLOSED: "You may not see closed accounts and contacts (right 191516 needed).",
}


class MissingRight(DomainError):
    """The operation needs a right the user lacks."""

    def __init__(self, right: Right) -> None:
        self.right = right
        super().__init__(_SENTENCES[right])


def has_right(user: Collaborator, right: Right) -> bool:
    """Whether `user` holds `right`; a superuser holds every right."""
    return user.is_active and (user.is_superuser or bool(getattr(user, right.value)))


def require(user: Collaborator, right: Right) -> None:
    """Raises `MissingRight` unless `user` holds `right`."""
    if not has_right(user, right):
        raise MissingRight(right)
