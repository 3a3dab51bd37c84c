"""Which column of a file fills which field (SPEC X5): the fields each kind of record takes,
the ready mappings of other CRMs' exports, and a guess from a file's headers.

A header is compared by its search key (no case, no accents, no punctuation), so that
"Nom du compte", "NOM DU COMPTE" and "nom-du-compte" are one header.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salespipe.lib.text import search_key

Kind = Literal["accounts", "contacts", "opportunities"]
KINDS: tuple[Kind, ...] = ("accounts", "contacts", "opportunities")
# How the file writes its dates when they are text: ISO 8601 first, then day before month
# (as in France) or month before day (as in the United States).
DateOrder = Literal["dmy", "mdy"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str | Promise
    required: bool = False


EXTERNAL_ID = Field("external_id", _("ID in the other system"))

FIELDS: dict[Kind, tuple[Field, ...]] = {
    "accounts": (
        EXTERNAL_ID,
        Field("name", _("Account name"), required=True),
        Field("kind", _("Kind")),
        Field("siren", _("SIREN")),
        Field("phone", _("Phone")),
        Field("email", _("Email")),
    ),
    "contacts": (
        EXTERNAL_ID,
        Field("account", _("Account name"), required=True),
        Field("first_name", _("First name")),
        Field("last_name", _("Last name")),
        Field("full_name", _("Full name (first and last)")),
        Field("phone", _("Phone")),
        Field("mobile", _("Mobile")),
        Field("function", _("Function")),
        Field("email", _("Email")),
    ),
    "opportunities": (
        EXTERNAL_ID,
        Field("name", _("Call name"), required=True),
        Field("account", _("Account name"), required=True),
        Field("contact", _("Contact name")),
        Field("contact_email", _("Contact email")),
        Field("amount", _("Amount")),
        Field("currency", _("Currency")),
        Field("stage", _("Stage")),
        Field("status", _("Status (open, won, lost)")),
        Field("expected_signature_date", _("Expected signature date")),
        Field("signed_on", _("Signed on")),
        Field("lost_on", _("Lost on")),
        Field("loss_reason", _("Loss reason")),
        Field("salesperson", _("Salesperson")),
        Field("description", _("Description")),
    ),
}

# Headers written in French or English by a person, for a file of no known CRM.
_SYNONYMS: dict[Kind, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "external_id": ("id", "external id", "identifiant", "id externe", "reference"),
        "name": (
            "name",
            "nom",
            "account",
            "account name",
            "compte",
            "nom du compte",
            "company",
            "company name",
            "societe",
            "raison sociale",
            "entreprise",
            "organization",
            "organisation",
        ),
        "kind": ("kind", "type", "nature"),
        "siren": ("siren", "numero siren", "company registry"),
        "phone": ("phone", "telephone", "tel", "phone number"),
        "email": ("email", "e mail", "courriel", "mail", "adresse email"),
    },
    "contacts": {
        "external_id": ("id", "external id", "identifiant", "id externe", "reference"),
        "account": (
            "account",
            "account name",
            "compte",
            "nom du compte",
            "company",
            "company name",
            "societe",
            "entreprise",
            "organization",
            "organisation",
        ),
        "first_name": ("first name", "firstname", "prenom"),
        "last_name": ("last name", "lastname", "surname", "nom", "nom de famille"),
        "full_name": ("name", "full name", "contact", "nom complet", "contact name"),
        "phone": ("phone", "telephone", "tel", "phone number", "telephone fixe"),
        "mobile": ("mobile", "portable", "mobile phone", "telephone mobile", "gsm"),
        "function": ("function", "fonction", "title", "job title", "poste", "job position"),
        "email": ("email", "e mail", "courriel", "mail", "adresse email"),
    },
    "opportunities": {
        "external_id": ("id", "external id", "identifiant", "id externe", "reference"),
        "name": (
            "name",
            "nom",
            "title",
            "titre",
            "opportunity",
            "opportunite",
            "deal",
            "deal name",
            "nom d appel",
            "call name",
            "affaire",
            "intitule",
        ),
        "account": (
            "account",
            "account name",
            "compte",
            "company",
            "societe",
            "client",
            "customer",
            "organization",
            "organisation",
            "entreprise",
        ),
        "contact": ("contact", "contact name", "interlocuteur", "contact person"),
        "contact_email": ("email", "e mail", "courriel", "contact email"),
        "amount": ("amount", "montant", "value", "valeur", "revenue", "chiffre d affaires"),
        "currency": ("currency", "devise", "monnaie"),
        "stage": ("stage", "stade", "etape", "phase", "deal stage"),
        "status": ("status", "statut", "etat"),
        "expected_signature_date": (
            "expected signature date",
            "signature prevue",
            "date de signature prevue",
            "close date",
            "expected close date",
            "date de cloture",
        ),
        "signed_on": ("signed on", "signe le", "date de signature", "won time", "won date"),
        "lost_on": ("lost on", "perdu le", "lost time", "lost date"),
        "loss_reason": (
            "loss reason",
            "lost reason",
            "motif",
            "motif de perte",
            "motif d archivage",
        ),
        "salesperson": (
            "salesperson",
            "commercial",
            "owner",
            "proprietaire",
            "vendeur",
            "responsable",
        ),
        "description": ("description", "notes", "note", "commentaire"),
    },
}


@dataclass(frozen=True)
class ReadyMapping:
    """The export of another CRM: its real column names, by kind, and how it writes dates."""

    name: str
    label: str
    columns: Mapping[Kind, Mapping[str, str]]
    date_order: DateOrder = "dmy"


READY: dict[str, ReadyMapping] = {
    "pipedrive": ReadyMapping(
        "pipedrive",
        "Pipedrive",
        {
            "accounts": {
                "Organization - ID": "external_id",
                "Organization - Name": "name",
                "Organization - Phone": "phone",
                "Organization - Email": "email",
            },
            "contacts": {
                "Person - ID": "external_id",
                "Person - Name": "full_name",
                "Person - First name": "first_name",
                "Person - Last name": "last_name",
                "Person - Organization": "account",
                "Person - Email": "email",
                "Person - Email - Work": "email",
                "Person - Phone": "phone",
                "Person - Phone - Work": "phone",
                "Person - Phone - Mobile": "mobile",
                "Person - Job title": "function",
            },
            "opportunities": {
                "Deal - ID": "external_id",
                "Deal - Title": "name",
                "Deal - Organization": "account",
                "Deal - Contact person": "contact",
                "Deal - Value": "amount",
                "Deal - Currency": "currency",
                "Deal - Stage": "stage",
                "Deal - Status": "status",
                "Deal - Expected close date": "expected_signature_date",
                "Deal - Won time": "signed_on",
                "Deal - Lost time": "lost_on",
                "Deal - Lost reason": "loss_reason",
                "Deal - Owner": "salesperson",
            },
        },
    ),
    "hubspot": ReadyMapping(
        "hubspot",
        "HubSpot",
        {
            "accounts": {
                "Record ID": "external_id",
                "Company name": "name",
                "Phone Number": "phone",
            },
            "contacts": {
                "Record ID": "external_id",
                "First Name": "first_name",
                "Last Name": "last_name",
                "Email": "email",
                "Phone Number": "phone",
                "Mobile Phone Number": "mobile",
                "Job Title": "function",
                "Associated Company": "account",
                "Company Name": "account",
            },
            "opportunities": {
                "Record ID": "external_id",
                "Deal Name": "name",
                "Associated Company": "account",
                "Associated Contact": "contact",
                "Amount": "amount",
                "Deal Stage": "stage",
                "Close Date": "expected_signature_date",
                "Deal owner": "salesperson",
                "Deal Description": "description",
            },
        },
    ),
    "odoo": ReadyMapping(
        "odoo",
        "Odoo",
        {
            "accounts": {
                "ID": "external_id",
                "Name": "name",
                "Company Registry": "siren",
                "Phone": "phone",
                "Email": "email",
            },
            "contacts": {
                "ID": "external_id",
                "Name": "full_name",
                "Related Company": "account",
                "Company Name": "account",
                "Job Position": "function",
                "Phone": "phone",
                "Mobile": "mobile",
                "Email": "email",
            },
            "opportunities": {
                "ID": "external_id",
                "Opportunity": "name",
                "Customer": "account",
                "Contact Name": "contact",
                "Email": "contact_email",
                "Expected Revenue": "amount",
                "Currency": "currency",
                "Stage": "stage",
                "Expected Closing": "expected_signature_date",
                "Lost Reason": "loss_reason",
                "Salesperson": "salesperson",
                "Notes": "description",
            },
        },
    ),
    "salesforce": ReadyMapping(
        "salesforce",
        "Salesforce",
        {
            "accounts": {
                "Account ID": "external_id",
                "Account Name": "name",
                "Phone": "phone",
            },
            "contacts": {
                "Contact ID": "external_id",
                "First Name": "first_name",
                "Last Name": "last_name",
                "Account Name": "account",
                "Title": "function",
                "Phone": "phone",
                "Mobile": "mobile",
                "Email": "email",
            },
            "opportunities": {
                "Opportunity ID": "external_id",
                "Opportunity Name": "name",
                "Account Name": "account",
                "Amount": "amount",
                "Opportunity Currency": "currency",
                "Stage": "stage",
                "Close Date": "expected_signature_date",
                "Opportunity Owner": "salesperson",
                "Description": "description",
            },
        },
        date_order="mdy",
    ),
}


def known_fields(kind: Kind) -> set[str]:
    return {field.name for field in FIELDS[kind]}


def guess(kind: Kind, headers: Sequence[str], source: str | None = None) -> dict[str, str]:
    """Which field each header fills, by column index as text: from the named ready mapping,
    else from the one that knows the most headers, else from the usual names."""
    keys = [search_key(header) for header in headers]
    candidates = [READY[source]] if source in READY else list(READY.values())
    best: dict[str, str] = {}
    for ready in candidates:
        by_key = {search_key(column): field for column, field in ready.columns[kind].items()}
        found = {str(index): by_key[key] for index, key in enumerate(keys) if key in by_key}
        if len(found) > len(best):
            best = found
    if source in READY or len(best) >= 2:
        return _first_of_each(best)
    usual = {search_key(word): field for field, words in _SYNONYMS[kind].items() for word in words}
    return _first_of_each(
        {str(index): usual[key] for index, key in enumerate(keys) if key in usual}
    )


def _first_of_each(found: dict[str, str]) -> dict[str, str]:
    """One column per field: the first that claims it."""
    taken: set[str] = set()
    kept = {}
    for index in sorted(found, key=int):
        if found[index] not in taken:
            taken.add(found[index])
            kept[index] = found[index]
    return kept


def source_of(kind: Kind, headers: Sequence[str]) -> str | None:
    """The CRM whose export these headers most look like, if any."""
    keys = {search_key(header) for header in headers}
    scores = {
        name: len(keys & {search_key(column) for column in ready.columns[kind]})
        for name, ready in READY.items()
    }
    name, score = max(scores.items(), key=lambda item: item[1])
    return name if score >= 2 else None
