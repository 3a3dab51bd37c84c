"""The access module: the only door from an id to a company-scoped object (DESIGN, SPEC P8)."""

import pytest
from django.utils import timezone

from salespipe.activities.models import Action, ActionKind
from salespipe.activities.services import NewAction, action_create
from salespipe.customers.models import Account, Contact
from salespipe.documents.models import Document
from salespipe.documents.services import document_opportunity
from salespipe.org import access
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator
from salespipe.pipeline.models import Opportunity, OpportunityContact, Portfolio
from salespipe.test import World, make_opportunity


def test_alice_gets_an_opportunity_of_her_company(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    assert access.get(world.alice, Opportunity, opportunity.pk) == opportunity


def test_charlie_cant_reach_an_opportunity_of_company_a(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(OutOfScope):
        access.get(world.charlie, Opportunity, opportunity.pk)


def test_an_unknown_id_and_another_companys_id_raise_the_same_error(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(OutOfScope) as other_company:
        access.get(world.charlie, Opportunity, opportunity.pk)
    with pytest.raises(OutOfScope) as unknown:
        access.get(world.charlie, Opportunity, 987654)
    assert type(other_company.value) is type(unknown.value)


def test_getting_one_object_looks_up_the_scope_within_the_same_query(
    world: World, django_assert_num_queries
):
    """One query, rather than the user's companies first and the object after."""
    opportunity = make_opportunity(world.portfolio_a)
    alice, charlie = (Collaborator.objects.get(pk=user.pk) for user in (world.alice, world.charlie))
    with django_assert_num_queries(1):
        assert access.get(alice, Opportunity, opportunity.pk) == opportunity
    with django_assert_num_queries(1), pytest.raises(OutOfScope):
        access.get(charlie, Opportunity, opportunity.pk)


@pytest.mark.parametrize("bad_id", ["abc", None, "1; drop table", "", 1.5j])
def test_an_id_that_is_not_a_number_is_out_of_scope(world: World, bad_id):
    with pytest.raises(OutOfScope):
        access.get(world.alice, Opportunity, bad_id)


def test_charlie_cant_reach_accounts_contacts_or_actions_of_company_a(world: World):
    action = Action.objects.create(
        company=world.company_a,
        kind=ActionKind.CALL,
        subject="Call back",
        due_at="2030-01-01T10:00:00Z",
        assignee=world.alice,
        account=world.account_a,
    )
    for model, pk in [
        (Account, world.account_a.pk),
        (Contact, world.contact_a.pk),
        (Action, action.pk),
    ]:
        with pytest.raises(OutOfScope):
            access.get(world.charlie, model, pk)
        assert access.get(world.alice, model, pk).pk == pk


def test_linked_contacts_are_scoped_through_their_opportunity(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    link = OpportunityContact.objects.create(opportunity=opportunity, contact=world.contact_a)
    with pytest.raises(OutOfScope):
        access.get(world.charlie, OpportunityContact, link.pk)
    assert access.get(world.bob, OpportunityContact, link.pk) == link


def test_scoped_lists_hold_only_the_users_companies(world: World):
    mine = make_opportunity(world.portfolio_a)
    theirs = make_opportunity(world.portfolio_b)
    assert list(access.scoped(world.charlie, Opportunity.objects.all())) == [theirs]
    assert list(access.scoped(world.alice, Opportunity.objects.all())) == [mine]


def test_configuration_such_as_portfolios_is_readable_by_everyone(world: World):
    # SPEC B7: the selector lists every portfolio, of every company.
    assert access.get(world.charlie, Portfolio, world.portfolio_a.pk) == world.portfolio_a


def test_collaborators_are_visible_to_those_sharing_a_company(world: World):
    visible = set(access.scoped(world.alice, Collaborator.objects.all()))
    assert world.bob in visible
    assert world.charlie not in visible


def test_get_many_names_the_first_object_out_of_scope(world: World):
    with pytest.raises(OutOfScope) as error:
        access.get_many(world.alice, Account, [world.account_a.pk, world.account_b.pk])
    assert error.value.pk == world.account_b.pk


def test_a_user_without_any_company_sees_nothing(world: World):
    opportunity = make_opportunity(world.portfolio_a)
    world.alice.companies.clear()
    access.forget_scope(world.alice)
    with pytest.raises(OutOfScope):
        access.get(world.alice, Opportunity, opportunity.pk)


def test_a_page_of_another_company_answers_404(charlie_client, world: World):
    # The admin is for staff; ordinary pages map OutOfScope to 404 through the middleware.
    response = charlie_client.get("/does-not-exist/")
    assert response.status_code == 404


def test_an_app_reaches_the_model_its_rows_hang_on_through_their_foreign_key():
    """Actions and documents name the opportunity by its label, without importing it."""
    assert access.hung_on(Action, "opportunity") is Opportunity
    assert access.hung_on(Document, "opportunity") is Opportunity
    with pytest.raises(TypeError):
        access.hung_on(Action, "subject")


def test_charlie_cant_plan_an_action_or_attach_a_document_on_an_opportunity_of_company_a(
    world: World,
):
    """The opportunity reached through the foreign key is still fetched within the scope."""
    opportunity = make_opportunity(world.portfolio_a)
    with pytest.raises(OutOfScope):
        document_opportunity(world.charlie, opportunity.pk)
    with pytest.raises(OutOfScope):
        action_create(
            user=world.charlie,
            opportunity_id=opportunity.pk,
            action=NewAction(kind=ActionKind.CALL, subject="Call", due_at=timezone.now()),
        )
    assert not Action.objects.filter(opportunity=opportunity).exists()
