"""The configuration screens (SPEC AD1, AD2, AD3): real posts through the Django admin."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from salespipe.api.models import ApiToken, hash_token
from salespipe.customers.models import Account
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import (
    Opportunity,
    OpportunityStatus,
    Portfolio,
    Quote,
    Stage,
    StageStatus,
    StageTemplate,
    Tag,
)
from salespipe.test import World, make_account, make_opportunity, make_user


@pytest.fixture
def superuser(world: World) -> Collaborator:
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser: Collaborator) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def stage_rows(rows: list[dict[str, Any]], *, initial: int = 0) -> dict[str, Any]:
    """The inline formset of stages as the admin page posts it, management form included."""
    data: dict[str, Any] = {
        "stages-TOTAL_FORMS": str(len(rows)),
        "stages-INITIAL_FORMS": str(initial),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"stages-{index}-{name}"] = value
    return data


def empty_formset(prefix: str) -> dict[str, str]:
    """The management form of an inline that shows no row."""
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


SALES_CYCLE: list[dict[str, Any]] = [
    {"order": "10", "name": "Prospection", "probability": "10", "status": "open"},
    {
        "order": "20",
        "name": "Proposition",
        "probability": "50",
        "status": "open",
        "mandatory_fields": ["amount", "expected_signature_date"],
    },
    {
        "order": "30",
        "name": "Négociation",
        "probability": "80",
        "status": "open",
        "mandatory_fields": ["contact"],
    },
    {"order": "90", "name": "Signée", "probability": "100", "status": "won"},
]


def test_admin_creates_a_stage_template_with_stages_probabilities_and_mandatory_fields(
    admin_client: Client,
):
    """SPEC AD2: a template and its ordered stages in one page."""
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Cycle de vente", **stage_rows(SALES_CYCLE), "_save": "Save"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = StageTemplate.objects.get(name="Cycle de vente")
    stages = list(template.stages.order_by("order"))
    assert [(s.name, s.order, s.probability, s.status) for s in stages] == [
        ("Prospection", 10, 10, StageStatus.OPEN),
        ("Proposition", 20, 50, StageStatus.OPEN),
        ("Négociation", 30, 80, StageStatus.OPEN),
        ("Signée", 90, 100, StageStatus.WON),
    ]
    assert [s.mandatory_fields for s in stages] == [
        [],
        ["amount", "expected_signature_date"],
        ["contact"],
        [],
    ]


def test_mandatory_fields_are_stored_in_the_order_of_the_list_whatever_the_ticking_order(
    admin_client: Client,
):
    """SPEC AD2: the dialogs ask for them in a stable order."""
    rows = [
        {
            "order": "1",
            "name": "Devis",
            "probability": "40",
            "status": "open",
            "mandatory_fields": ["tags", "amount", "email"],
        }
    ]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Court", **stage_rows(rows), "_save": "Save"},
    )
    assert response.status_code == 302
    assert Stage.objects.get(name="Devis").mandatory_fields == ["amount", "email", "tags"]


def test_a_probability_of_150_is_refused_and_nothing_is_saved(admin_client: Client):
    """SPEC AD2: a probability is a percentage."""
    rows = [dict(SALES_CYCLE[0]), {**SALES_CYCLE[1], "probability": "150"}]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Cycle faux", **stage_rows(rows), "_save": "Save"},
    )
    assert response.status_code == 200
    assert "100" in response.context["inline_admin_formsets"][0].formset.errors[1]["probability"][0]
    assert not StageTemplate.objects.filter(name="Cycle faux").exists()
    assert not Stage.objects.filter(name="Prospection").exists()


def test_an_unknown_mandatory_field_is_refused(admin_client: Client):
    """SPEC AD2: only the fields of the list can be made mandatory."""
    rows = [{**SALES_CYCLE[0], "mandatory_fields": ["salary"]}]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Cycle faux", **stage_rows(rows), "_save": "Save"},
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["mandatory_fields"]
    assert not StageTemplate.objects.filter(name="Cycle faux").exists()


def test_two_stages_with_the_same_order_are_refused(admin_client: Client):
    """SPEC AD2: the order decides which stages a forward move crosses (B14)."""
    rows = [SALES_CYCLE[0], {**SALES_CYCLE[1], "order": "10"}]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Cycle ambigu", **stage_rows(rows), "_save": "Save"},
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert "10" in errors[0]
    assert not StageTemplate.objects.filter(name="Cycle ambigu").exists()


def test_a_template_without_an_open_stage_is_refused(admin_client: Client):
    """SPEC B1: the open stages are the board's columns."""
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_add"),
        {"name": "Sans colonne", **stage_rows([SALES_CYCLE[3]]), "_save": "Save"},
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert not StageTemplate.objects.filter(name="Sans colonne").exists()


def test_stages_are_reordered_by_changing_their_order_numbers(admin_client: Client, world: World):
    """SPEC AD2: a non-developer reorders stages from the template's page."""
    stages = list(world.licences.stages.order_by("order"))
    rows = [
        {
            "id": str(stage.pk),
            "template": str(world.licences.pk),
            "order": str(order),
            "name": stage.name,
            "probability": str(stage.probability),
            "status": stage.status,
            "mandatory_fields": stage.mandatory_fields,
        }
        for stage, order in zip(stages, [7, 3], strict=True)
    ]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_change", args=[world.licences.pk]),
        {"name": "Licences", **stage_rows(rows, initial=len(rows)), "_save": "Save"},
    )
    assert response.status_code == 302
    assert list(world.licences.stages.order_by("order").values_list("name", flat=True)) == [
        "Licence signed",
        "Lead",
    ]


def test_the_template_page_shows_mandatory_fields_as_ticked_checkboxes(
    admin_client: Client, world: World
):
    """SPEC AD2: chosen from a list, not typed as JSON."""
    response = admin_client.get(
        reverse("admin:pipeline_stagetemplate_change", args=[world.projects.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    index = [s.pk for s in world.projects.stages.order_by("order", "id")].index(world.proposal.pk)
    ticked = (
        f'type="checkbox" name="stages-{index}-mandatory_fields" value="expected_signature_date"'
    )
    assert ticked in page
    assert page.count(f'name="stages-{index}-mandatory_fields"') == 10
    assert "checked" in page.split(ticked, 1)[1].split(">", 1)[0]


def test_a_stage_holding_open_opportunities_cant_become_a_won_stage(
    admin_client: Client, world: World
):
    """SPEC AD2: an open opportunity always sits in an open stage."""
    make_opportunity(world.licences_a, stage=world.licence_lead)
    rows = [
        {
            "id": str(stage.pk),
            "template": str(world.licences.pk),
            "order": str(stage.order),
            "name": stage.name,
            "probability": str(stage.probability),
            "status": StageStatus.WON,
        }
        for stage in world.licences.stages.order_by("order")
    ]
    response = admin_client.post(
        reverse("admin:pipeline_stagetemplate_change", args=[world.licences.pk]),
        {"name": "Licences", **stage_rows(rows, initial=len(rows)), "_save": "Save"},
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors[0]["status"]
    world.licence_lead.refresh_from_db()
    assert world.licence_lead.status == StageStatus.OPEN


def test_admin_creates_a_portfolio_with_an_open_default_stage_of_its_template(
    admin_client: Client, world: World
):
    """SPEC AD2, O3."""
    response = admin_client.post(
        reverse("admin:pipeline_portfolio_add"),
        {
            "name": "Projets Sud",
            "company": str(world.company_a.pk),
            "template": str(world.projects.pk),
            "default_stage": str(world.discovery.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    portfolio = Portfolio.objects.get(name="Projets Sud")
    assert portfolio.default_stage == world.discovery
    assert portfolio.template == world.projects


def test_a_default_stage_of_another_template_is_refused_and_nothing_is_saved(
    admin_client: Client, world: World
):
    """SPEC AD2: the default stage is a stage of the portfolio's template."""
    response = admin_client.post(
        reverse("admin:pipeline_portfolio_add"),
        {
            "name": "Projets Sud",
            "company": str(world.company_a.pk),
            "template": str(world.projects.pk),
            "default_stage": str(world.licence_lead.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["default_stage"]
    assert not Portfolio.objects.filter(name="Projets Sud").exists()


def test_a_won_stage_is_not_offered_as_default_stage(admin_client: Client, world: World):
    """SPEC AD2, O3: new opportunities start open."""
    response = admin_client.post(
        reverse("admin:pipeline_portfolio_change", args=[world.portfolio_a.pk]),
        {
            "name": world.portfolio_a.name,
            "company": str(world.company_a.pk),
            "template": str(world.projects.pk),
            "default_stage": str(world.signed.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["default_stage"]
    world.portfolio_a.refresh_from_db()
    assert world.portfolio_a.default_stage is None


def test_the_template_of_a_portfolio_holding_opportunities_cant_change(
    admin_client: Client, world: World
):
    """SPEC AD2: its opportunities' stages belong to its template."""
    make_opportunity(world.portfolio_a)
    response = admin_client.post(
        reverse("admin:pipeline_portfolio_change", args=[world.portfolio_a.pk]),
        {
            "name": world.portfolio_a.name,
            "company": str(world.company_a.pk),
            "template": str(world.licences.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["template"]
    world.portfolio_a.refresh_from_db()
    assert world.portfolio_a.template == world.projects


def test_admin_creates_a_collaborator_with_team_department_scope_and_rights(
    admin_client: Client, world: World
):
    """SPEC AD1."""
    response = admin_client.post(
        reverse("admin:org_collaborator_add"),
        {
            "username": "denise",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "Denise",
            "last_name": "Roux",
            "email": "denise@example.com",
            "language": "fr",
            "team": str(world.sales_team.pk),
            "department": str(world.lyon.pk),
            "companies": [str(world.company_a.pk), str(world.company_b.pk)],
            "quick_account": "on",
            "show_closed": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    denise = Collaborator.objects.get(username="denise")
    assert denise.check_password("Un-mot-de-passe-solide-42")
    assert set(denise.companies.all()) == {world.company_a, world.company_b}
    assert (denise.team, denise.department) == (world.sales_team, world.lyon)
    assert (denise.quick_account, denise.change_default_stage, denise.show_closed) == (
        True,
        False,
        True,
    )


def test_the_collaborator_page_offers_companies_as_checkboxes(admin_client: Client, world: World):
    """SPEC AD1: the company scope is ticked."""
    response = admin_client.get(reverse("admin:org_collaborator_change", args=[world.alice.pk]))
    page = response.content.decode()
    assert f'type="checkbox" name="companies" value="{world.company_a.pk}"' in page
    assert 'name="change_default_stage"' in page


def test_a_tag_colour_must_be_written_as_hex(admin_client: Client):
    """SPEC AD3."""
    url = reverse("admin:pipeline_tag_add")
    refused = admin_client.post(url, {"name": "Chaud", "kind": "opportunity", "color": "red"})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["color"]
    accepted = admin_client.post(url, {"name": "Chaud", "kind": "opportunity", "color": "#DC2626"})
    assert accepted.status_code == 302
    assert admin_client.get(reverse("admin:pipeline_tag_changelist")).status_code == 200
    assert Tag.objects.get(name="Chaud").color == "#dc2626"


def test_the_admin_cant_change_an_opportunitys_stage_or_status_but_bumps_its_version(
    admin_client: Client, world: World
):
    """SPEC P7, S8: stage and status change only through the services."""
    opportunity = make_opportunity(world.portfolio_a, stage=world.qualification)
    response = admin_client.post(
        reverse("admin:pipeline_opportunity_change", args=[opportunity.pk]),
        {
            "name": "Renamed deal",
            "salesperson": str(world.bob.pk),
            "stage": str(world.negotiation.pk),
            "status": OpportunityStatus.WON,
            "version": "40",
            **empty_formset("estimate_lines") | empty_formset("history"),
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.name == "Renamed deal"
    assert opportunity.salesperson == world.bob
    assert opportunity.stage == world.qualification
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.version == 2


def test_opportunities_are_neither_added_nor_deleted_from_the_admin(
    admin_client: Client, world: World
):
    """SPEC O3, O4, B18: creation and deletion apply rules the admin would skip."""
    opportunity = make_opportunity(world.portfolio_a)
    assert admin_client.get(reverse("admin:pipeline_opportunity_add")).status_code == 403
    delete = reverse("admin:pipeline_opportunity_delete", args=[opportunity.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_a_quote_can_reference_only_an_opportunity_of_its_company(
    admin_client: Client, world: World
):
    """SPEC B18: a tester attaches a quote to make an opportunity undeletable."""
    theirs = make_opportunity(world.portfolio_b)
    mine = make_opportunity(world.portfolio_a)
    url = reverse("admin:pipeline_quote_add")
    refused = admin_client.post(
        url, {"company": str(world.company_a.pk), "number": "D-1", "opportunity": str(theirs.pk)}
    )
    assert refused.status_code == 200
    assert not Quote.objects.exists()
    accepted = admin_client.post(
        url, {"company": str(world.company_a.pk), "number": "D-1", "opportunity": str(mine.pk)}
    )
    assert accepted.status_code == 302
    assert Quote.objects.get().opportunity == mine


def test_an_api_token_issued_in_the_admin_is_shown_once_and_only_its_hash_is_kept(
    admin_client: Client, world: World
):
    """SPEC P1."""
    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"user": str(world.alice.pk), "name": "Script"}
    )
    assert response.status_code == 200
    clear = response.context["clear"]
    assert clear in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_hash) == (world.alice, "Script", hash_token(clear))
    listing = admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert clear not in listing
    assert token.hint in listing


def test_staff_without_superuser_status_see_only_their_companies_accounts(world: World):
    """The admin keeps the company scope of salespipe.org.access (SPEC P8)."""
    make_account(world.company_b, "Fromagerie Suisse")
    world.bob.is_staff = True
    world.bob.save()
    world.bob.user_permissions.add(Permission.objects.get(codename="view_account"))
    client = Client()
    client.force_login(world.bob)
    listing = client.get(reverse("admin:customers_account_changelist"))
    assert listing.status_code == 200
    names = {account.name for account in listing.context["cl"].result_list}
    assert "Boulangerie Dupont" in names
    assert "Fromagerie Suisse" not in names
    assert "Brasserie Martin" not in names
    other = client.get(reverse("admin:customers_account_change", args=[world.account_b.pk]))
    assert other.status_code == 302
    assert Account.objects.filter(pk=world.account_b.pk).exists()


def test_every_configuration_list_and_form_opens_for_the_administrator(
    admin_client: Client, world: World
):
    """SPEC AD1-AD3: each screen renders, with its search and filters."""
    make_opportunity(world.portfolio_a)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        listing = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(listing).status_code == 200, listing
        if model_admin.search_fields:
            assert admin_client.get(listing, {"q": "a"}).status_code == 200, listing
        first = model._default_manager.first()
        if first is not None:
            page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert admin_client.get(page).status_code == 200, page
        if model_admin.has_add_permission(admin_client.get("/").wsgi_request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert admin_client.get(add).status_code == 200, add


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", ['lang="fr"', "Enregistrer", "Ajouter"]), ("en", ['lang="en"', "Save", "Add"])],
)
def test_the_configuration_screens_answer_in_the_users_language(
    admin_client: Client, superuser: Collaborator, language: str, expected: list[str]
):
    """SPEC AD1-AD3, DESIGN: French and English; labels go through gettext, Django's own
    strings show the switch without depending on the project's catalogue."""
    superuser.language = language
    superuser.save()
    page = admin_client.get(reverse("admin:pipeline_stagetemplate_add")).content.decode()
    for text in expected:
        assert text in page
