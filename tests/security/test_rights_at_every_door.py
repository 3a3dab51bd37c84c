"""Holes once found in rights and scope, replayed: these are the services', whatever the door
(SPEC SEC1, SEC2, A2, P1, P8)."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import reverse

from salespipe.api.models import ApiToken
from salespipe.customers.models import Account, Contact
from salespipe.org import access
from salespipe.org.admin_scope import ScopedInline, ScopedMixin, SuperusersOnlyAdmin
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import (
    HistoryEntry,
    Opportunity,
    Portfolio,
    Stage,
    StageTemplate,
    Tag,
)
from salespipe.test import PASSWORD, World, make_account, make_contact, make_opportunity, make_user
from tests.api.conftest import bearer_client


@pytest.fixture
def closed(world: World) -> Account:
    return make_account(world.company_a, "Closed Ltd", is_closed=True)


@pytest.fixture
def closed_contact(closed: Account) -> Contact:
    return make_contact(closed, "Shut")


@pytest.fixture
def bob_api(world: World) -> Client:
    return bearer_client(world.bob)


# --- the API asks what the pages ask ---------------------------------------------------------


def test_bob_cant_create_an_account_through_the_api_without_right_191420(
    bob_api: Client, world: World
):
    response = bob_api.post(
        "/api/v1/accounts",
        {"company": world.company_a.pk, "name": "Prospect", "kind": "prospect"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "191420" in response.json()["detail"]
    assert not Account.objects.filter(name="Prospect").exists()


def test_bob_gets_404_on_a_closed_account_and_contact_as_on_the_pages(
    bob_api: Client, bob_client: Client, closed: Account, closed_contact: Contact
):
    for url in (f"/api/v1/accounts/{closed.pk}", f"/api/v1/contacts/{closed_contact.pk}"):
        response = bob_api.get(url)
        assert response.status_code == 404, url
        # Exactly as for an id that exists nowhere.
        assert response.json() == bob_api.get(url.rsplit("/", 1)[0] + "/987654").json()
    assert bob_client.get(reverse("customers:account", args=[closed.pk])).status_code == 404
    assert bob_client.get(reverse("customers:contact", args=[closed_contact.pk])).status_code == 404


def test_bob_cant_rename_a_closed_account_or_contact(
    bob_api: Client, closed: Account, closed_contact: Contact
):
    for url, values in [
        (f"/api/v1/accounts/{closed.pk}", {"name": "x"}),
        (f"/api/v1/contacts/{closed_contact.pk}", {"last_name": "x"}),
    ]:
        assert bob_api.patch(url, values, content_type="application/json").status_code == 404
    closed.refresh_from_db()
    closed_contact.refresh_from_db()
    assert (closed.name, closed_contact.last_name) == ("Closed Ltd", "Shut")


def test_bob_cant_add_a_contact_to_a_closed_account_and_is_told_as_for_a_missing_one(
    bob_api: Client, closed: Account
):
    sent = {"account": closed.pk, "last_name": "x"}
    response = bob_api.post("/api/v1/contacts", sent, content_type="application/json")
    unknown = bob_api.post(
        "/api/v1/contacts", {**sent, "account": 987654}, content_type="application/json"
    )
    # A reference in a body out of scope is invalid input, worded as for an unknown id.
    assert response.status_code == unknown.status_code == 422
    assert response.json()["errors"][0]["msg"] == f"No account with id {closed.pk}."
    assert not Contact.objects.filter(account=closed).exists()


def test_alice_with_show_closed_still_reads_and_changes_closed_accounts(
    world: World, closed: Account
):
    alice = bearer_client(world.alice)
    assert alice.get(f"/api/v1/accounts/{closed.pk}").status_code == 200
    response = alice.patch(
        f"/api/v1/accounts/{closed.pk}", {"is_closed": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Account.objects.get(pk=closed.pk).is_closed is False


# --- the gate fails closed ---------------------------------------------------------------------


def test_every_model_of_the_project_declares_how_it_reaches_its_company():
    assert access.check_scopes() == []
    assert len(access.project_models()) > 15


@isolate_apps("salespipe.org")
def test_a_model_that_declares_no_scope_is_refused_rather_than_read_unfiltered(world: World):
    class Undeclared(models.Model):  # noqa: DJ008
        label = models.CharField(max_length=10)

        class Meta:
            app_label = "org"

    assert not access.declares_scope(Undeclared)
    with pytest.raises(ImproperlyConfigured):
        access.scoped(world.alice, Undeclared._default_manager.all())
    with pytest.raises(ImproperlyConfigured):
        access.get(world.alice, Undeclared, 1)


# --- the admin, scoped ---------------------------------------------------------------------------


@pytest.fixture
def staff_b(world: World) -> Collaborator:
    """A staff user of company B only, holding every model permission."""
    user = make_user("bertrand", world.company_b, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def staff_client(staff_b: Collaborator) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(staff_b)
    return client


def test_a_staff_user_cant_change_the_password_of_another_companys_user(
    staff_client: Client, world: World
):
    url = reverse("admin:auth_user_password_change", args=[world.alice.pk])
    response = staff_client.post(url, {"password1": "Hijacked-123!", "password2": "Hijacked-123!"})
    assert response.status_code == 404
    world.alice.refresh_from_db()
    assert world.alice.check_password(PASSWORD)


def test_nor_of_a_colleague_of_his_own_company(
    staff_client: Client, world: World, staff_b: Collaborator
):
    url = reverse("admin:auth_user_password_change", args=[world.charlie.pk])
    response = staff_client.post(url, {"password1": "Hijacked-123!", "password2": "Hijacked-123!"})
    assert response.status_code == 403
    world.charlie.refresh_from_db()
    assert world.charlie.check_password(PASSWORD)
    own = reverse("admin:auth_user_password_change", args=[staff_b.pk])
    assert staff_client.get(own).status_code == 200


def test_a_staff_user_cant_delete_another_companys_token_nor_see_its_companies(
    staff_client: Client, world: World
):
    token, _clear = ApiToken.objects.issue(world.alice, "alice's script")
    delete = reverse("admin:api_apitoken_delete", args=[token.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()
    for name, pk in [
        ("org_company_change", world.company_a.pk),
        ("pipeline_portfolio_change", world.portfolio_a.pk),
        ("org_collaborator_change", world.alice.pk),
        ("api_apitoken_change", token.pk),
    ]:
        response = staff_client.get(reverse(f"admin:{name}", args=[pk]))
        # As for a missing id: back to the index, saying it doesn't exist.
        assert response.status_code == 302, name
        assert response["Location"] == reverse("admin:index"), name


def test_a_staff_user_lists_only_collaborators_and_tokens_of_his_companies(
    staff_client: Client, world: World, staff_b: Collaborator
):
    both = make_user("dual", world.company_a, world.company_b)
    ApiToken.objects.issue(world.alice, "a")
    mine, _clear = ApiToken.objects.issue(world.charlie, "c")
    listing = staff_client.get(reverse("admin:org_collaborator_changelist"))
    shown = {user.username for user in listing.context["cl"].result_list}
    # dual also works for company A: managing him would reach beyond company B.
    assert shown == {"charlie", "bertrand"}
    assert both.username not in shown
    tokens = staff_client.get(reverse("admin:api_apitoken_changelist"))
    assert [token.pk for token in tokens.context["cl"].result_list] == [mine.pk]


def test_a_staff_user_cant_widen_his_own_scope_rights_or_powers(
    staff_client: Client, world: World, staff_b: Collaborator
):
    url = reverse("admin:org_collaborator_change", args=[staff_b.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    for granted in ("companies", "is_superuser", "is_staff", "quick_account", "user_permissions"):
        assert granted not in form.fields, granted
    response = staff_client.post(
        url,
        {
            "username": "bertrand",
            "first_name": "Bertrand",
            "last_name": "",
            "email": "",
            "language": "",
            "team": "",
            "department": "",
            "companies": [world.company_a.pk, world.company_b.pk],
            "is_superuser": "on",
            "quick_account": "on",
            "is_active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff_b.refresh_from_db()
    assert list(staff_b.companies.all()) == [world.company_b]
    assert not staff_b.is_superuser
    assert not staff_b.quick_account
    assert staff_client.get(reverse("admin:org_collaborator_add")).status_code == 403


def test_a_staff_user_may_issue_a_token_for_himself_only(
    staff_client: Client, world: World, staff_b: Collaborator
):
    add = reverse("admin:api_apitoken_add")
    refused = staff_client.post(add, {"user": world.charlie.pk, "name": "as charlie"})
    assert refused.status_code == 200  # the form: charlie is not a choice
    assert not ApiToken.objects.filter(user=world.charlie).exists()
    issued = staff_client.post(add, {"user": staff_b.pk, "name": "mine"})
    assert issued.status_code == 200
    assert ApiToken.objects.filter(user=staff_b, name="mine").exists()


def test_group_wide_configuration_is_shown_to_staff_and_changed_by_superusers_only(
    staff_client: Client, world: World
):
    for name, pk in [
        ("pipeline_tag_change", world.tag_hot.pk),
        ("pipeline_stagetemplate_change", world.projects.pk),
        ("org_team_change", world.sales_team.pk),
    ]:
        url = reverse(f"admin:{name}", args=[pk])
        assert staff_client.get(url).status_code == 200, name
        assert staff_client.post(url, {"name": "Renamed"}).status_code == 403, name
    assert Tag.objects.get(pk=world.tag_hot.pk).name == "Hot"
    assert StageTemplate.objects.get(pk=world.projects.pk).name == "Projects"
    assert staff_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_staff_user_configures_his_own_companys_portfolios(staff_client: Client, world: World):
    url = reverse("admin:pipeline_portfolio_change", args=[world.portfolio_b.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    offered = {company.pk for company in page.context["adminform"].form.fields["company"].queryset}
    assert offered == {world.company_b.pk}
    listing = staff_client.get(reverse("admin:pipeline_portfolio_changelist"))
    assert {p.pk for p in listing.context["cl"].result_list} == {world.portfolio_b.pk}


def test_every_admin_of_the_site_asks_the_access_module():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ScopedMixin | SuperusersOnlyAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedInline), inline


# --- admin changes to opportunities go through the services -------------------------------------


@pytest.fixture
def root(world: World) -> Collaborator:
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(root: Collaborator) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(root)
    return client


def _opportunity_form(opportunity: Opportunity, **values: Any) -> dict[str, Any]:
    data = {
        "name": opportunity.name,
        "amount": "",
        "days": "",
        "expected_signature_date": "",
        "salesperson": str(opportunity.salesperson_id),
        "contact": "",
        "phone": "",
        "mobile": "",
        "function": "",
        "email": "",
        "description": "",
        "loaded_version": str(opportunity.version),
        "estimate_lines-TOTAL_FORMS": "0",
        "estimate_lines-INITIAL_FORMS": "0",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    return data | values


def test_an_admin_change_of_amount_and_date_writes_history_like_the_sheet(
    superuser_client: Client, world: World, root: Collaborator
):
    opportunity = make_opportunity(world.portfolio_a)
    url = reverse("admin:pipeline_opportunity_change", args=[opportunity.pk])
    response = superuser_client.post(
        url, _opportunity_form(opportunity, amount="1500", expected_signature_date="2030-03-31")
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.version == 2
    entries = HistoryEntry.objects.filter(opportunity=opportunity).order_by("id")
    assert [(e.field, e.old_value, e.new_value, e.actor_id) for e in entries] == [
        ("amount", "", "1500.00", root.pk),
        ("expected_signature_date", "", "2030-03-31", root.pk),
    ]


def test_an_admin_change_refused_by_the_rules_shows_why_and_writes_nothing(
    superuser_client: Client, world: World
):
    # Discovery makes the amount mandatory: it can't be emptied while there (S2).
    opportunity = make_opportunity(world.portfolio_a, stage=world.discovery, amount=900)
    url = reverse("admin:pipeline_opportunity_change", args=[opportunity.pk])
    response = superuser_client.post(url, _opportunity_form(opportunity, amount=""))
    assert response.status_code == 200
    assert "mandatory from the stage Discovery" in response.content.decode()
    opportunity.refresh_from_db()
    assert (opportunity.amount, opportunity.version) == (900, 1)
    assert not HistoryEntry.objects.filter(opportunity=opportunity).exists()


def test_an_admin_change_over_a_colleagues_is_refused_and_says_so(
    superuser_client: Client, world: World
):
    opportunity = make_opportunity(world.portfolio_a)
    url = reverse("admin:pipeline_opportunity_change", args=[opportunity.pk])
    Opportunity.objects.filter(pk=opportunity.pk).update(version=2)
    response = superuser_client.post(url, _opportunity_form(opportunity, name="Mine"))
    assert response.status_code == 200
    assert "changed" in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).name != "Mine"


def test_a_staff_user_changes_only_his_companys_opportunities(staff_client: Client, world: World):
    theirs = make_opportunity(world.portfolio_a)
    mine = make_opportunity(world.portfolio_b, salesperson=world.charlie)
    refused = staff_client.post(
        reverse("admin:pipeline_opportunity_change", args=[theirs.pk]),
        _opportunity_form(theirs, name="Taken"),
    )
    assert refused.status_code == 302
    assert refused["Location"] == reverse("admin:index")
    assert Opportunity.objects.get(pk=theirs.pk).name != "Taken"
    accepted = staff_client.post(
        reverse("admin:pipeline_opportunity_change", args=[mine.pk]),
        _opportunity_form(mine, name="Renamed by staff"),
    )
    assert accepted.status_code == 302
    assert Opportunity.objects.get(pk=mine.pk).name == "Renamed by staff"


def test_superusers_are_scoped_on_every_company(world: World):
    root = make_user("root", is_staff=True, is_superuser=True)
    assert access.company_ids(root) == frozenset(Company.objects.values_list("pk", flat=True))
    portfolio = access.get(root, Portfolio, world.portfolio_b.pk)
    assert portfolio == world.portfolio_b
    assert Stage.objects.exists()


def test_the_admin_creates_accounts_through_the_service_and_its_right(
    staff_client: Client, world: World, staff_b: Collaborator
):
    add = reverse("admin:customers_account_add")
    sent = {
        "name": "Admin prospect",
        "kind": "prospect",
        "company": world.company_b.pk,
        "siren": "",
        "phone": "",
        "email": "",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    refused = staff_client.post(add, sent)
    assert refused.status_code == 200
    assert "191420" in refused.content.decode()
    assert not Account.objects.filter(name="Admin prospect").exists()
    staff_b.quick_account = True
    staff_b.save(update_fields=["quick_account"])
    created = staff_client.post(add, sent)
    assert created.status_code == 302, created.context["adminform"].form.errors
    account = Account.objects.get(name="Admin prospect")
    assert account.company == world.company_b
    # Its company is set once; a bad SIREN is refused as on every door.
    change = reverse("admin:customers_account_change", args=[account.pk])
    bad = staff_client.post(change, sent | {"siren": "123456789"})
    assert bad.status_code == 200
    assert Account.objects.get(pk=account.pk).siren == ""


def test_the_admin_changes_a_contact_through_the_service(staff_client: Client, world: World):
    change = reverse("admin:customers_contact_change", args=[world.contact_b.pk])
    sent = {
        "first_name": "Paul",
        "last_name": "Martin-Duval",
        "function": "",
        "phone": "not a phone",
        "mobile": "",
        "email": "",
    }
    refused = staff_client.post(change, sent)
    assert refused.status_code == 200
    assert Contact.objects.get(pk=world.contact_b.pk).last_name == "Martin"
    accepted = staff_client.post(change, sent | {"phone": "+41 22 000 00 00"})
    assert accepted.status_code == 302
    assert Contact.objects.get(pk=world.contact_b.pk).last_name == "Martin-Duval"


def test_accounts_and_contacts_are_closed_never_deleted_in_the_admin(
    superuser_client: Client, world: World
):
    for name, pk in [
        ("customers_account_delete", world.account_a.pk),
        ("customers_contact_delete", world.contact_a.pk),
    ]:
        url = reverse(f"admin:{name}", args=[pk])
        assert superuser_client.get(url).status_code == 403, name
        assert superuser_client.post(url, {"post": "yes"}).status_code == 403, name
    assert Contact.objects.filter(pk=world.contact_a.pk).exists()


def test_a_staff_user_manages_no_other_staff_user_of_his_company(
    staff_client: Client, world: World, staff_b: Collaborator
):
    peer = make_user("bea", world.company_b, is_staff=True, quick_account=True)
    token, _clear = ApiToken.objects.issue(peer, "bea's script")
    for name, pk in [
        ("org_collaborator_change", peer.pk),
        ("api_apitoken_change", token.pk),
        ("api_apitoken_delete", token.pk),
    ]:
        response = staff_client.post(reverse(f"admin:{name}", args=[pk]), {"post": "yes"})
        assert response.status_code == 302, name
        assert response["Location"] == reverse("admin:index"), name
    peer.refresh_from_db()
    assert peer.is_active
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_staff_user_revokes_but_does_not_rename_a_colleagues_token(
    staff_client: Client, world: World
):
    token, _clear = ApiToken.objects.issue(world.charlie, "charlie's script")
    change = reverse("admin:api_apitoken_change", args=[token.pk])
    staff_client.post(change, {"name": "renamed"})
    assert ApiToken.objects.get(pk=token.pk).name == "charlie's script"
    delete = reverse("admin:api_apitoken_delete", args=[token.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_admin_removes_a_document_with_its_file(
    superuser_client: Client, world: World, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from salespipe.documents.models import Document
    from salespipe.documents.services import document_upload

    settings.MEDIA_ROOT = tmp_path
    opportunity = make_opportunity(world.portfolio_a)
    document = document_upload(
        user=world.alice,
        opportunity_id=opportunity.pk,
        upload=SimpleUploadedFile("offer.txt", b"offer"),
    )
    storage, name = document.file.storage, document.file.name
    assert name
    url = reverse("admin:documents_document_delete", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)
