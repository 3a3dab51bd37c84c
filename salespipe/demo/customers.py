"""The demo's accounts and contacts: French and Swiss clients and prospects of each company."""

import datetime as dt
import random
from dataclasses import dataclass

from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.demo.clock import moment
from salespipe.demo.configuration import Configuration
from salespipe.demo.identity import (
    domain_of,
    first_name,
    french_landline,
    french_mobile,
    function_of,
    person_email,
    siren,
    swiss_landline,
    swiss_mobile,
)
from salespipe.demo.vocabulary import (
    ACCOUNT_PATTERNS,
    BRAND_WORDS,
    FRENCH_TOWNS,
    LAST_NAMES,
    SWISS_LAST_NAMES,
    SWISS_PATTERNS,
    SWISS_TOWNS,
)

BATCH = 1000
# Each company's share of the accounts, in the order of the configuration's companies.
ACCOUNT_SHARES = (0.55, 0.2, 0.25)


@dataclass
class Customers:
    # Accounts by company id, each with its contacts (never empty).
    accounts: dict[int, list[Account]]
    contacts: dict[int, list[Contact]]


def create_customers(
    rng: random.Random, config: Configuration, count: int, reference: dt.date
) -> Customers:
    accounts: dict[int, list[Account]] = {}
    for company, share in zip(config.companies, ACCOUNT_SHARES, strict=True):
        swiss = config.company_countries[company.pk] == "ch"
        names: set[str] = set()
        sirens: set[str] = set()
        rows = []
        for _ in range(max(1, round(count * share))):
            # Swiss clients have no SIREN; some French clients buy from the Swiss company.
            local = swiss and rng.random() < 0.7
            name = _unique_name(rng, names, local)
            number = ""
            if not local:
                number = siren(rng)
                while number in sirens:
                    number = siren(rng)
                sirens.add(number)
            phone = swiss_landline(rng) if local else french_landline(rng, rng.randint(1, 5))
            domain = domain_of(name, "ch" if local else "fr")
            account = Account(
                company=company,
                name=name,
                kind=AccountKind.CLIENT if rng.random() < 0.55 else AccountKind.PROSPECT,
                siren=number,
                phone=phone if rng.random() < 0.95 else "",
                email=f"{rng.choice(('contact', 'accueil', 'info'))}@{domain}"
                if rng.random() < 0.85
                else "",
                is_closed=rng.random() < 0.06,
                created_at=moment(rng, reference - dt.timedelta(days=rng.randint(200, 1500))),
            )
            account.refresh_keys()
            rows.append(account)
        accounts[company.pk] = Account.objects.bulk_create(rows, batch_size=BATCH)
    contacts = _create_contacts(rng, accounts)
    return Customers(accounts=accounts, contacts=contacts)


def _unique_name(rng: random.Random, taken: set[str], swiss: bool) -> str:
    patterns = SWISS_PATTERNS if swiss else ACCOUNT_PATTERNS
    families = SWISS_LAST_NAMES if swiss else LAST_NAMES
    towns = SWISS_TOWNS if swiss else FRENCH_TOWNS
    name = rng.choice(patterns).format(
        name=rng.choice(families), town=rng.choice(towns), word=rng.choice(BRAND_WORDS)
    )
    if name in taken:
        name = f"{name} ({rng.choice(towns)})"
    base, number = name, 2
    while name in taken:
        name = f"{base} {number}"
        number += 1
    taken.add(name)
    return name


def _create_contacts(
    rng: random.Random, accounts: dict[int, list[Account]]
) -> dict[int, list[Contact]]:
    rows = []
    for company_accounts in accounts.values():
        for account in company_accounts:
            swiss = not account.siren
            domain = account.email.split("@", 1)[1] if account.email else None
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
                first, female = first_name(rng)
                last = rng.choice(SWISS_LAST_NAMES if swiss else LAST_NAMES)
                contact = Contact(
                    account=account,
                    first_name=first,
                    last_name=last,
                    phone=account.phone if rng.random() < 0.6 else "",
                    mobile=(swiss_mobile(rng) if swiss else french_mobile(rng))
                    if rng.random() < 0.75
                    else "",
                    function=function_of(rng, female) if rng.random() < 0.85 else "",
                    email=person_email(first, last, domain) if domain else "",
                    is_closed=account.is_closed or rng.random() < 0.05,
                    created_at=moment(rng, account.created_at.date() + dt.timedelta(days=1)),
                )
                contact.refresh_keys()
                rows.append(contact)
    created = Contact.objects.bulk_create(rows, batch_size=BATCH)
    by_account: dict[int, list[Contact]] = {}
    for contact in created:
        by_account.setdefault(contact.account_id, []).append(contact)
    return by_account
