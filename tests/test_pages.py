"""Logging in and the home page: the portfolios and groups a user can open (SPEC B7)."""

from django.test import Client
from django.urls import reverse

from salespipe.pipeline.models import OpportunityStatus
from salespipe.test import PASSWORD, World, make_opportunity


def log_in(client: Client, username: str, password: str):
    """Logs in through the form, as a browser does: the CSRF token of the page, then a post."""
    page = client.get(reverse("login"))
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    return client.post(
        reverse("login"),
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
    )


def test_an_anonymous_visitor_is_sent_to_the_login_page(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('login')}?next=/"


def test_alice_logs_in_through_the_form_and_sees_portfolios_and_groups(world: World):
    """SPEC B7: every portfolio of every company, and the groups of a shared template."""
    client = Client(enforce_csrf_checks=True)
    response = log_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(world.alice.pk)

    home = client.get(reverse("home"))
    assert home.status_code == 200
    page = home.content.decode()
    for portfolio in (world.portfolio_a, world.portfolio_a2, world.portfolio_b, world.licences_a):
        assert f'data-portfolio="{portfolio.pk}"' in page
        assert portfolio.name in page
    # "Projects" has three portfolios, hence a group; "Licences" has one, hence none.
    assert f'data-group="{world.projects.pk}"' in page
    assert f'data-group="{world.licences.pk}"' not in page


def test_the_home_page_counts_only_the_open_opportunities_of_the_users_companies(
    world: World, alice_client: Client
):
    """SPEC B7: company B's portfolio is listed, its opportunities are not counted for alice."""
    make_opportunity(world.portfolio_a)
    make_opportunity(world.portfolio_a)
    make_opportunity(world.portfolio_b)
    make_opportunity(
        world.portfolio_a,
        stage=world.signed,
        status=OpportunityStatus.WON,
        signed_on="2026-01-15",
    )
    choices = alice_client.get(reverse("home")).context["choices"]
    counts = {choice.portfolio.name: choice.open_count for choice in choices.portfolios}
    assert counts == {"Projects A": 2, "Projects A North": 0, "Projects B": 0, "Licences A": 0}
    (group,) = choices.groups
    assert group.template == world.projects
    assert group.open_count == 2


def test_a_wrong_password_shows_an_error_and_logs_nobody_in(world: World):
    client = Client(enforce_csrf_checks=True)
    response = log_in(client, "alice", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_logging_out_ends_the_session(world: World, alice_client: Client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session
    assert alice_client.get(reverse("home")).status_code == 302


def test_the_administration_link_shows_for_staff_only(world: World, alice_client: Client):
    """SPEC AD1: the configuration screens are reached from the top bar."""
    assert reverse("admin:index") not in alice_client.get(reverse("home")).content.decode()
    world.alice.is_staff = True
    world.alice.save()
    assert reverse("admin:index") in alice_client.get(reverse("home")).content.decode()
