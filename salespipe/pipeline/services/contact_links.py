"""The *Contacts* tab of the sheet (SPEC S6): contacts linked to an opportunity.

A user links a contact of the opportunity's company (chosen through one of its accounts),
opens it, or removes the link. Closed contacts, and contacts of closed accounts, are seen,
linked and unlinked only with the `show_closed` right (A2): without it they are hidden, as
if they did not exist. Links are not among the tracked fields of the history and don't
change the opportunity's version.
"""

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from salespipe.customers.models import Contact
from salespipe.customers.selectors import visible_contacts
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.org.rights import Right, has_right
from salespipe.pipeline.models import Opportunity, OpportunityContact

__all__ = ["contact_link", "contact_unlink", "linked_contacts"]


def _visible_links(user: Collaborator) -> QuerySet[OpportunityContact]:
    links = access.scoped(user, OpportunityContact.objects.all())
    if not has_right(user, Right.SHOW_CLOSED):
        links = links.filter(contact__is_closed=False, contact__account__is_closed=False)
    return links


def linked_contacts(user: Collaborator, opportunity: Opportunity) -> list[OpportunityContact]:
    """The links of one opportunity the user may see, by contact name."""
    return list(
        _visible_links(user)
        .filter(opportunity=opportunity)
        .select_related("contact__account")
        .order_by("contact__last_name", "contact__first_name", "id")
    )


@transaction.atomic
def contact_link(
    *, user: Collaborator, opportunity_id: int, contact_id: int | str | None
) -> OpportunityContact:
    """Links a contact of the opportunity's company; InvalidInput if it can't be, or already is.
    `contact_id`: an id, or the text a page received."""
    opportunity = access.get(user, Opportunity, opportunity_id)
    key = integer(contact_id)
    contact = (
        visible_contacts(user)
        .filter(pk=key, account__company_id=opportunity.company_id)
        .select_related("account")
        .first()
        if key is not None
        else None
    )
    if contact is None:
        if contact_id in (None, ""):
            raise InvalidInput({"contact": [_("Choose a contact.")]})
        raise InvalidInput(
            {
                "contact": [
                    _("No contact with id %(id)s among those of %(company)s.")
                    % {"id": contact_id, "company": opportunity.company}
                ]
            }
        )
    already = _already_linked(opportunity, contact)
    if already:
        raise InvalidInput({"contact": [already]})
    try:
        with transaction.atomic():
            return OpportunityContact.objects.create(opportunity=opportunity, contact=contact)
    except IntegrityError:
        # Someone linked it at the same moment: the same answer as if it had come first.
        raise InvalidInput({"contact": [_already_text(contact)]}) from None


def _already_linked(opportunity: Opportunity, contact: Contact) -> str:
    if OpportunityContact.objects.filter(opportunity=opportunity, contact=contact).exists():
        return _already_text(contact)
    return ""


def _already_text(contact: Contact) -> str:
    return _("%(name)s is already linked to this opportunity.") % {"name": contact.full_name}


@transaction.atomic
def contact_unlink(*, user: Collaborator, opportunity_id: int, link_id: int) -> None:
    """Removes a link of this opportunity; the contact itself stays."""
    opportunity = access.get(user, Opportunity, opportunity_id)
    link = access.get(user, _visible_links(user).filter(opportunity=opportunity), link_id)
    link.delete()
