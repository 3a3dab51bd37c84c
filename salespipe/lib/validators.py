"""Field validators built on well-kept libraries rather than hand-written checks."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren

from salespipe.lib.phones import is_valid_phone


def validate_siren(value: str) -> None:
    try:
        siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("%(value)s is not a valid SIREN (9 digits with a valid check digit)."),
            code="invalid_siren",
            params={"value": value},
        ) from exc


def validate_phone(value: str) -> None:
    if value and not is_valid_phone(value):
        raise ValidationError(
            _("%(value)s is not a valid phone number."),
            code="invalid_phone",
            params={"value": value},
        )
