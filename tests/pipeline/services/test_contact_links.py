"""Contacts linked to an opportunity from its Contacts tab (SPEC S6, A2)."""

import pytest

from salespipe.lib.errors import InvalidInput
from salespipe.org.access import OutOfScope
from salespipe.pipeline.models import OpportunityContact
from salespipe.pipeline.services import contact_links
from salespipe.test import World, make_account, make_contact, make_opportunity


def linked(deal) -> list[int]:
    return sorted(
        OpportunityContact.objects.filter(opportunity=deal).values_list("contact_id", flat=True)
    )


def test_a_contact_of_the_company_is_linked_listed_and_unlinked(world: World):
    """S6: link, list, remove the link; the contact itself stays."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    other_account = make_account(world.company_a, "Garage Lefèvre")
    other = make_contact(other_account, "Lefèvre", first_name="Paul")

    link = contact_links.contact_link(user=world.bob, opportunity_id=deal.pk, contact_id=other.pk)

    assert linked(deal) == [other.pk]
    assert [item.contact for item in contact_links.linked_contacts(world.bob, deal)] == [other]
    contact_links.contact_unlink(user=world.bob, opportunity_id=deal.pk, link_id=link.pk)
    assert linked(deal) == []
    assert other.__class__.objects.filter(pk=other.pk).exists()


def test_a_contact_is_linked_once(world: World):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    contact_links.contact_link(
        user=world.bob, opportunity_id=deal.pk, contact_id=world.contact_a.pk
    )

    with pytest.raises(InvalidInput) as error:
        contact_links.contact_link(
            user=world.bob, opportunity_id=deal.pk, contact_id=world.contact_a.pk
        )

    assert "already linked" in error.value.errors["contact"][0]
    assert linked(deal) == [world.contact_a.pk]


@pytest.mark.parametrize("contact_id", ["", "abc", 987654])
def test_no_contact_or_an_unknown_one_is_refused(world: World, contact_id):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    with pytest.raises(InvalidInput):
        contact_links.contact_link(user=world.bob, opportunity_id=deal.pk, contact_id=contact_id)

    assert linked(deal) == []


def test_a_contact_of_another_company_is_refused_as_unknown(world: World):
    """P8: bob can't link charlie's contact, nor learn that it exists."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)

    with pytest.raises(InvalidInput) as error:
        contact_links.contact_link(
            user=world.bob, opportunity_id=deal.pk, contact_id=world.contact_b.pk
        )

    assert "No contact with id" in error.value.errors["contact"][0]
    assert linked(deal) == []


def test_closed_contacts_need_the_show_closed_right_to_be_seen_linked_or_unlinked(world: World):
    """S6, A2: hidden from bob; alice (show_closed) sees and handles them."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    closed = make_contact(world.account_a, "Martin", first_name="Luc", is_closed=True)

    with pytest.raises(InvalidInput):
        contact_links.contact_link(user=world.bob, opportunity_id=deal.pk, contact_id=closed.pk)
    assert linked(deal) == []

    link = contact_links.contact_link(
        user=world.alice, opportunity_id=deal.pk, contact_id=closed.pk
    )
    assert contact_links.linked_contacts(world.bob, deal) == []
    assert contact_links.linked_contacts(world.alice, deal) == [link]
    with pytest.raises(OutOfScope):
        contact_links.contact_unlink(user=world.bob, opportunity_id=deal.pk, link_id=link.pk)
    assert linked(deal) == [closed.pk]


def test_charlie_cant_link_to_or_unlink_from_an_opportunity_of_company_a(world: World):
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    link = contact_links.contact_link(
        user=world.bob, opportunity_id=deal.pk, contact_id=world.contact_a.pk
    )

    with pytest.raises(OutOfScope):
        contact_links.contact_link(
            user=world.charlie, opportunity_id=deal.pk, contact_id=world.contact_b.pk
        )
    with pytest.raises(OutOfScope):
        contact_links.contact_unlink(user=world.charlie, opportunity_id=deal.pk, link_id=link.pk)

    assert linked(deal) == [world.contact_a.pk]


def test_a_link_is_removed_only_through_its_own_opportunity(world: World):
    """A link id given with another opportunity's id is one that does not exist there."""
    deal = make_opportunity(world.portfolio_a, account=world.account_a)
    other = make_opportunity(world.portfolio_a, account=world.account_a)
    link = contact_links.contact_link(
        user=world.bob, opportunity_id=deal.pk, contact_id=world.contact_a.pk
    )

    with pytest.raises(OutOfScope):
        contact_links.contact_unlink(user=world.bob, opportunity_id=other.pk, link_id=link.pk)

    assert linked(deal) == [world.contact_a.pk]
