"""What the pipeline services raise when a rule says no (DESIGN: where logic lives).

Every error is a `DomainError` whose `str()` is a sentence a user can read, in the active
language. The doors map them: the API answers 409 for `StaleVersion`, `NotDeletable`
and `InvalidTransition`, 422 for `MissingFields` and `InvalidInput`; the pages open the
dialog or show the message a user needs. `OutOfScope` (404) lives in `salespipe.org.access`.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.org.rates import MissingRate
from salespipe.pipeline.models import MANDATORY_FIELD_CHOICES
from salespipe.pipeline.services.rules import StageFields

if TYPE_CHECKING:
    from salespipe.pipeline.models import Opportunity

__all__ = [
    "DomainError",
    "InvalidInput",
    "InvalidTransition",
    "MissingFields",
    "MissingRate",
    "NotDeletable",
    "StageFields",
    "StaleVersion",
]

_FIELD_LABELS = dict(MANDATORY_FIELD_CHOICES)


def field_label(name: str) -> str:
    return str(_FIELD_LABELS.get(name, name))


class MissingFields(DomainError):
    """Stages entered by the change have mandatory fields still empty (B14, B16, O4, P5)."""

    def __init__(self, missing: Sequence[StageFields]) -> None:
        self.missing: list[StageFields] = list(missing)
        parts = [
            _("%(stage)s: %(fields)s")
            % {
                "stage": item.stage.name,
                "fields": ", ".join(field_label(name) for name in item.fields),
            }
            for item in self.missing
        ]
        super().__init__(
            _("Fill in the mandatory fields first. %(list)s.") % {"list": "; ".join(parts)}
        )


class StaleVersion(DomainError):
    """Someone changed the opportunity since it was read (P7); `current` is the row as it is."""

    def __init__(self, current: "Opportunity") -> None:
        self.current = current
        super().__init__(
            _(
                "%(name)s was changed by someone else in the meantime. Nothing was saved; "
                "here it is as it is now."
            )
            % {"name": current.name}
        )


class NotDeletable(DomainError):
    """Quotes or orders refer to the opportunity, so it is kept (B18)."""

    def __init__(self, quotes: Sequence[str] = (), orders: Sequence[str] = ()) -> None:
        self.quotes = list(quotes)
        self.orders = list(orders)
        references = []
        if self.quotes:
            references.append(_("quotes %(numbers)s") % {"numbers": ", ".join(self.quotes)})
        if self.orders:
            references.append(_("orders %(numbers)s") % {"numbers": ", ".join(self.orders)})
        super().__init__(
            _("This opportunity can't be deleted: %(references)s refer to it.")
            % {"references": _(" and ").join(references)}
        )


class InvalidTransition(DomainError):
    """The change is not one the pipeline allows from where the opportunity is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
