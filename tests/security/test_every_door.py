"""Every door, every method, every persona (SPEC SEC1, SEC2, P8).

The URL patterns are read from the resolver: pages, the API and the admin, including
routes added after this test was written. Each one is asked with every method, the ids in
its path (and in its body) set to one object of a company the persona may not reach, and
asked again with an id that exists nowhere. The two answers must be the same: an object
out of scope is a missing object. No answer may carry that company's data, no answer may
be a server error, and nothing of it may change.

The personas: an outsider (not logged in), charlie (a user of another company), a staff
user of another company holding every model permission, and bob, of the same company but
without `show_closed`, against a closed account and a closed contact.
"""

import datetime as dt
import hashlib
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.api.api import api
from salespipe.api.models import ApiToken, hash_token
from salespipe.customers.models import Account, Contact
from salespipe.documents.models import Document
from salespipe.org import access
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import (
    EstimateLine,
    HistoryEntry,
    HistoryKind,
    Opportunity,
    OpportunityContact,
    Order,
    Portfolio,
    Quote,
)
from salespipe.test import World, make_user

# The id of every object of the target company, in every table.
TARGET = 900_001
# The id of bob's closed account and closed contact.
CLOSED = 910_001
# An id that exists in no table.
MISSING = 970_001
# Written in every record of the target company that its own users alone may read.
MARKER = "Zqxtarget"
CLOSED_MARKER = "Zqyclosed"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --- the routes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    template: str  # the path with {} for each id
    slots: int
    name: str

    def url(self, key: int) -> str:
        return "/" + self.template.format(*[key] * self.slots)


_CONVERTER = re.compile(r"<(?:[^:>]+:)?[^>]+>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _expansions(pattern: str) -> Iterator[str]:
    """The paths a pattern stands for, with `{}` where an id goes.

    A path converter is an id; a regular expression's named group is one of its
    alternatives when it lists words, an id otherwise.
    """
    text = _CONVERTER.sub("{}", pattern)
    groups = list(_NAMED_GROUP.finditer(text))
    choices = []
    for group in groups:
        body = group["body"]
        words = body.split("|")
        choices.append(words if all(re.fullmatch(r"[\w-]+", w) for w in words) else ["{}"])
    for picked in itertools.product(*choices):
        path = text
        for group, value in zip(reversed(groups), reversed(picked), strict=True):
            path = path[: group.start()] + value + path[group.end() :]
        yield path.replace("^", "").replace("$", "")


def every_route() -> list[Route]:
    routes: dict[str, Route] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                for template in _expansions(prefix + str(pattern.pattern)):
                    routes.setdefault(
                        template, Route(template, template.count("{}"), pattern.name or "")
                    )

    walk(get_resolver().url_patterns, "")
    return sorted(routes.values(), key=lambda route: route.template)


# --- what each request sends --------------------------------------------------------------


def _openapi_bodies() -> dict[tuple[str, str], dict[str, Any]]:
    """For each API operation taking JSON, a body filled from its schema, ids set to `{}`."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema.get("components", {}).get("schemas", {})

    def resolved(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        if "anyOf" in node:
            return resolved(next(n for n in node["anyOf"] if n.get("type") != "null"))
        if "allOf" in node:
            return resolved(node["allOf"][0])
        return node

    def example(node: dict[str, Any]) -> Any:
        node = resolved(node)
        kind = node.get("type")
        if "enum" in node:
            return node["enum"][0]
        if kind == "integer":
            return "{id}"
        if kind == "number":
            return 1
        if kind == "boolean":
            return False
        if kind == "array":
            return [example(node.get("items", {}))]
        if kind == "object":
            props = node.get("properties", {})
            return {name: example(prop) for name, prop in props.items()}
        if node.get("format") == "date":
            return timezone.localdate().isoformat()
        if node.get("format") == "date-time":
            return dt.datetime.now(dt.UTC).isoformat()
        return "1"

    bodies = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                bodies[(path, method.upper())] = example(content["application/json"]["schema"])
    return bodies


def _form_fields() -> dict[str, str]:
    """A form post naming every relation of the project's models, as a page's form would."""
    data = {"version": "1", "name": "Probe", "last_name": "Probe", "subject": "Probe"}
    for model in access.project_models():
        for model_field in model._meta.get_fields():
            if model_field.is_relation and model_field.concrete:
                data[model_field.name] = "{id}"
    data["reason"] = data["opportunity"]
    return data


def _filled(value: Any, key: int) -> Any:
    if value == "{id}":
        return key
    if isinstance(value, dict):
        return {name: _filled(item, key) for name, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, key) for item in value]
    return value


# --- the world ----------------------------------------------------------------------------


@dataclass
class Target:
    """One object of every tenant model, all of company T, all with the id TARGET."""

    company: Company
    objects: list[models.Model] = field(default_factory=list)


def make_target(world: World) -> Target:
    # Every user may list every portfolio with its company (B7): their names are no secret,
    # so they bear no marker.
    company = Company.objects.create(pk=TARGET, name="Company T", currency=world.eur)
    tina = make_user(f"{MARKER.lower()}-tina", company, pk=TARGET, email=f"{MARKER}@t.example")
    portfolio = Portfolio.objects.create(
        pk=TARGET, name="Projects T", company=company, template=world.projects
    )
    account = Account.objects.create(pk=TARGET, company=company, name=f"{MARKER} account")
    contact = Contact.objects.create(pk=TARGET, account=account, last_name=f"{MARKER} contact")
    opportunity = Opportunity.objects.create(
        pk=TARGET,
        company=company,
        portfolio=portfolio,
        stage=world.qualification,
        account=account,
        contact=contact,
        salesperson=tina,
        currency=world.eur,
        name=f"{MARKER} deal",
        description=MARKER,
    )
    opportunity.tags.set([world.tag_hot])
    document = Document(
        pk=TARGET,
        company=company,
        opportunity=opportunity,
        original_name=f"{MARKER}.txt",
        size=len(MARKER),
        uploaded_by=tina,
    )
    document.file.save("target.txt", ContentFile(MARKER.encode()), save=False)
    document.save()
    objects: list[models.Model] = [
        company,
        tina,
        portfolio,
        account,
        contact,
        opportunity,
        document,
        EstimateLine.objects.create(
            pk=TARGET,
            opportunity=opportunity,
            sale_type=world.sale_type_amount,
            label=f"{MARKER} line",
            amount=100,
        ),
        OpportunityContact.objects.create(pk=TARGET, opportunity=opportunity, contact=contact),
        Action.objects.create(
            pk=TARGET,
            company=company,
            kind=ActionKind.CALL,
            subject=f"{MARKER} call",
            due_at=dt.datetime(2030, 1, 1, 10, tzinfo=dt.UTC),
            assignee=tina,
            opportunity=opportunity,
            created_by=tina,
        ),
        HistoryEntry.objects.create(
            pk=TARGET,
            opportunity=opportunity,
            opportunity_ref=TARGET,
            company=company,
            actor=tina,
            kind=HistoryKind.CREATED,
            new_value=MARKER,
        ),
        Quote.objects.create(pk=TARGET, company=company, number=f"{MARKER}-Q"),
        Order.objects.create(pk=TARGET, company=company, number=f"{MARKER}-O"),
        ApiToken.objects.create(
            pk=TARGET, user=tina, name=MARKER, key_hash=hash_token(MARKER), hint="sp_zqx"
        ),
    ]
    return Target(company, objects)


def _rows(querysets: list[models.QuerySet[Any]]) -> str:
    """A digest of every row of these querysets, to tell whether any of them changed."""
    text = json.dumps([sorted(map(repr, queryset.values())) for queryset in querysets], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _target_rows(company: Company) -> str:
    querysets = []
    for model in access.project_models():
        path = access.company_path(model)
        if path is not None:
            querysets.append(model._default_manager.filter(**{f"{path}__in": [company.pk]}))
    querysets.append(Opportunity.tags.through.objects.filter(opportunity__company=company))
    querysets.append(Collaborator.companies.through.objects.filter(company=company))
    return _rows(querysets)


def _closed_rows() -> str:
    return _rows(
        [
            Account.objects.filter(pk=CLOSED),
            Contact.objects.filter(pk=CLOSED),
            Opportunity.objects.filter(contact_id=CLOSED),
            Action.objects.filter(contact_id=CLOSED),
        ]
    )


# --- asking -------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    body: bytes
    is_json: bool


def _ask(client: Client, method: str, route: Route, key: int, extra: dict) -> Answer:
    """`method` on `route` with `key` for every id, in the path and in what is sent."""
    body = extra["bodies"].get((extra["openapi_paths"][route], method))
    data: str | None = None
    content_type = "application/octet-stream"
    if body is not None:
        data, content_type = json.dumps(_filled(body, key)), "application/json"
    elif method in {"POST", "PUT", "PATCH"}:
        data = urlencode(_filled(extra["form"], key), doseq=True)
        content_type = "application/x-www-form-urlencoded"
    response = client.generic(method, route.url(key), data or "", content_type=content_type)
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    return Answer(
        status=response.status_code,
        location=response.headers.get("Location", ""),
        body=content,
        is_json=response.headers.get("Content-Type", "").startswith("application/json"),
    )


def _openapi_path(route: Route) -> str:
    """The route as the OpenAPI document names it: /api/v1/opportunities/{id}/…"""
    try:
        match = resolve(route.url(MISSING))
    except Resolver404:
        return ""
    names = iter([name for name, value in match.kwargs.items() if str(value) == str(MISSING)])
    return "/" + re.sub(r"\{\}", lambda _m: "{" + next(names, "id") + "}", route.template)


def _same(first: Answer, second: Answer) -> bool:
    if first.status != second.status:
        return False
    if first.location.replace(str(TARGET), "ID").replace(str(CLOSED), "ID") != (
        second.location.replace(str(MISSING), "ID")
    ):
        return False
    if first.is_json and second.is_json:
        mine = first.body.decode().replace(str(TARGET), "ID").replace(str(CLOSED), "ID")
        return mine == second.body.decode().replace(str(MISSING), "ID")
    return True


def _listed_for_everyone(method: str, answer: Answer) -> bool:
    """A read of what every user may list (B7: portfolios), which bears no marker."""
    return method == "GET" and answer.status == 200


@dataclass
class Persona:
    name: str
    key: int
    marker: str


def _client(user: Collaborator | None) -> Client:
    client = Client(raise_request_exception=False, headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


PERSONAS = ["outsider", "charlie", "staff of company B", "bob"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_door_lets_a_persona_reach_what_is_out_of_its_scope(world: World, persona: str):
    target = make_target(world)
    Account.objects.create(
        pk=CLOSED, company=world.company_a, name=f"{CLOSED_MARKER} account", is_closed=True
    )
    Contact.objects.create(
        pk=CLOSED, account=world.account_a, last_name=f"{CLOSED_MARKER}", is_closed=True
    )
    user: Collaborator | None
    match persona:
        case "outsider":
            user, key, marker = None, TARGET, MARKER
        case "charlie":
            user, key, marker = world.charlie, TARGET, MARKER
        case "staff of company B":
            user = make_user("bertrand", world.company_b, is_staff=True)
            user.user_permissions.set(Permission.objects.all())
            key, marker = TARGET, MARKER
        case _:
            user, key, marker = world.bob, CLOSED, CLOSED_MARKER
    digest = _closed_rows if key == CLOSED else (lambda: _target_rows(target.company))
    before = digest()
    routes = every_route()
    extra = {
        "bodies": _openapi_bodies(),
        "form": _form_fields(),
        "openapi_paths": {route: _openapi_path(route) for route in routes},
    }
    client = _client(user)

    failures: list[str] = []
    statuses: Counter[int] = Counter()
    tried = 0
    for route in routes:
        for method in METHODS:
            out_of_scope = _ask(client, method, route, key, extra)
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)  # a logout route was asked
            missing = _ask(client, method, route, MISSING, extra)
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)
            tried += 1
            statuses[out_of_scope.status] += 1
            where = f"{method} /{route.template} ({route.name})"
            if out_of_scope.status >= 500:
                failures.append(f"{where}: {out_of_scope.status}")
            elif marker.encode() in out_of_scope.body or marker.lower().encode() in (
                out_of_scope.body
            ):
                failures.append(f"{where}: {out_of_scope.status} shows {marker}")
            elif (
                route.slots
                and not _same(out_of_scope, missing)
                and not _listed_for_everyone(method, out_of_scope)
            ):
                failures.append(
                    f"{where}: {out_of_scope.status} {out_of_scope.location} for an id out of "
                    f"scope, {missing.status} {missing.location} for a missing one"
                )
    changed = digest() != before
    print(
        f"{persona}: {tried} (route, method) pairs asked; answers {dict(sorted(statuses.items()))}"
    )
    assert not failures, "\n".join(failures)
    assert not changed, "the records out of scope changed"
    assert tried > 1000
