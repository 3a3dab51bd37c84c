"""The demo's collaborators: four personas who log in, and about thirty colleagues."""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from salespipe.demo.configuration import Configuration
from salespipe.demo.identity import first_name, person_email, slug
from salespipe.demo.vocabulary import LAST_NAMES, SWISS_LAST_NAMES
from salespipe.org.models import Collaborator

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    companies: tuple[str, ...]
    team: str | None
    department: str | None
    rights: bool = False
    superuser: bool = False

    def describe(self) -> str:
        if self.superuser:
            return "superuser: every company, the Administration screens"
        scope = ", ".join(self.companies)
        rights = "every right" if self.rights else "no special right"
        return f"{scope}; {rights}"


PERSONAS = (
    Persona(
        "alice",
        "Alice",
        "Lefèvre",
        ("Dupont Informatique",),
        "Grands comptes",
        "Agence Lyon",
        rights=True,
    ),
    Persona("bob", "Bob", "Girard", ("Dupont Informatique",), "PME et ETI", "Agence Paris"),
    Persona(
        "charlie", "Charlie", "Favre", ("Helvetia Conseil",), "Grands comptes", "Agence Genève"
    ),
    Persona(
        "admin",
        "Administrateur",
        "Salespipe",
        ("Dupont Informatique", "Dupont Formation", "Helvetia Conseil"),
        None,
        "Direction commerciale",
        rights=True,
        superuser=True,
    ),
)

# How many colleagues each company has, and where they work.
COLLEAGUES = (
    ("Dupont Informatique", 15, ("Agence Lyon", "Agence Paris", "Agence Nantes")),
    ("Dupont Formation", 8, ("Agence Lyon", "Agence Paris")),
    ("Helvetia Conseil", 7, ("Agence Genève",)),
)


@dataclass
class People:
    personas: dict[str, Collaborator]
    # The collaborators who sell for each company, personas included, by company id.
    sellers: dict[int, list[Collaborator]]


def create_people(rng: random.Random, config: Configuration) -> People:
    companies = config.companies_by_name
    # One hash for everyone who logs in: hashing is slow on purpose, and it is the same word.
    password = make_password(DEMO_PASSWORD)
    personas = {}
    for persona in PERSONAS:
        user = Collaborator.objects.create(
            username=persona.username,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=f"{persona.username}@{config.company_domains[companies[persona.companies[0]].pk]}",
            password=password,
            team=config.teams.get(persona.team or ""),
            department=config.departments.get(persona.department or ""),
            quick_account=persona.rights,
            change_default_stage=persona.rights,
            show_closed=persona.rights,
            is_staff=persona.superuser,
            is_superuser=persona.superuser,
        )
        user.companies.set(companies[name] for name in persona.companies)
        personas[persona.username] = user
    sellers: dict[int, list[Collaborator]] = {company.pk: [] for company in config.companies}
    for persona in PERSONAS:
        if not persona.superuser:
            for name in persona.companies:
                sellers[companies[name].pk].append(personas[persona.username])
    usernames = set(personas)
    team_names = [name for name in config.teams if name != "Avant-vente"]
    for company_name, count, departments in COLLEAGUES:
        company = companies[company_name]
        for _ in range(count):
            first, _female = first_name(rng)
            family = SWISS_LAST_NAMES if company_name == "Helvetia Conseil" else LAST_NAMES
            last = rng.choice(family)
            username = _unique(f"{slug(first)[0]}.{slug(last, '')}", usernames)
            in_presales = rng.random() < 0.15
            colleague = Collaborator(
                username=username,
                first_name=first,
                last_name=last,
                email=person_email(first, last, config.company_domains[company.pk]),
                team=config.teams["Avant-vente" if in_presales else rng.choice(team_names)],
                department=config.departments[rng.choice(departments)],
                quick_account=rng.random() < 0.3,
                change_default_stage=rng.random() < 0.2,
                show_closed=rng.random() < 0.2,
            )
            colleague.set_unusable_password()
            colleague.save()
            scope = [company]
            # A few work for both French companies of the group.
            if company_name.startswith("Dupont") and rng.random() < 0.2:
                scope = [companies["Dupont Informatique"], companies["Dupont Formation"]]
            colleague.companies.set(scope)
            for member_of in scope:
                sellers[member_of.pk].append(colleague)
    return People(personas=personas, sellers=sellers)


def _unique(candidate: str, taken: set[str]) -> str:
    name, number = candidate, 2
    while name in taken:
        name = f"{candidate}{number}"
        number += 1
    taken.add(name)
    return name
