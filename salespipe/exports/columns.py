"""The columns of an export: a header in the user's language, a kind that says how a
spreadsheet should hold the value (text, number, date), and the row field it comes from."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

Kind = Literal["text", "number", "date"]
Value = str | Decimal | int | dt.date | None


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: Kind
    # The name of the row's field, as the selectors' `values` give it.
    field: str


OPPORTUNITY_COLUMNS = (
    Column(_("ID"), "number", "id"),
    Column(_("Call name"), "text", "name"),
    Column(_("Account"), "text", "account__name"),
    Column(_("Contact"), "text", "contact_name"),
    Column(_("Portfolio"), "text", "portfolio__name"),
    Column(_("Stage"), "text", "stage__name"),
    Column(_("Status"), "text", "status_label"),
    Column(_("Amount"), "number", "amount"),
    Column(_("Currency"), "text", "currency_id"),
    Column(_("Probability (%)"), "number", "stage__probability"),
    Column(pgettext_lazy("amount", "Weighted amount"), "number", "weighted_amount"),
    Column(_("Days"), "number", "days"),
    Column(_("Expected signature date"), "date", "expected_signature_date"),
    Column(_("Signed on"), "date", "signed_on"),
    Column(_("Lost on"), "date", "lost_on"),
    Column(_("Loss reason"), "text", "loss_reason__name"),
    Column(_("Salesperson"), "text", "salesperson_name"),
    Column(_("Tags"), "text", "tag_names"),
    Column(_("Created on"), "date", "created_on"),
    Column(_("Last change"), "date", "changed_on"),
)

ACCOUNT_COLUMNS = (
    Column(_("ID"), "number", "id"),
    Column(_("Name"), "text", "name"),
    Column(_("Kind"), "text", "kind_label"),
    Column(_("SIREN"), "text", "siren"),
    Column(_("Phone"), "text", "phone"),
    Column(_("Email"), "text", "email"),
    Column(_("Closed"), "text", "closed_label"),
    Column(_("Created on"), "date", "created_on"),
)
