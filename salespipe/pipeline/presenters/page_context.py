"""What the board and the signature calendar pages share (SPEC B7-B10, C4): the header's
choices, the portfolio shown when none is asked, the create button's address, and the
header that names the fragment a view answers with.
"""

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from salespipe.live.hub import enabled as live_enabled
from salespipe.live.hub import latest_id
from salespipe.org import access
from salespipe.org.models import Collaborator, Currency, Department, Team
from salespipe.pipeline import selectors
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.models import Portfolio, Tag, TagKind
from salespipe.pipeline.selectors.filters import SORT_NAMES

# The board's script reads it to know whether it got the page's body or a dialog.
FRAGMENT_HEADER = "X-Fragment"


def sort_choices() -> list[tuple[str, str]]:
    labels = {
        "signature": _("Expected signature date"),
        "amount": _("Amount"),
        "name": _("Call name"),
        "account": _("Account"),
        "created": _("Creation date"),
        "updated": _("Last change"),
    }
    choices: list[tuple[str, str]] = []
    for name in SORT_NAMES:
        key = name.removeprefix("-")
        label = str(labels[key])
        choices.append(
            (name, label if name == key else _("%(sort)s, descending") % {"sort": label})
        )
    return choices


def first_portfolio(user: Collaborator) -> Portfolio | None:
    """The portfolio shown when none is asked: the first of the user's companies, by name."""
    return (
        access.held(user, Portfolio.objects.all()).order_by("name").first()
        or Portfolio.objects.order_by("name").first()
    )


def default_board_query(user: Collaborator, query: BoardQuery) -> BoardQuery:
    """With no portfolio or group asked, the first portfolio of the user's companies."""
    if query.portfolio_id is not None or query.group_id is not None:
        return query
    portfolio = first_portfolio(user)
    if portfolio is None:
        return query
    return BoardQuery(portfolio.pk, None, query.filters)


def default_calendar_query(user: Collaborator, query: CalendarQuery) -> CalendarQuery:
    """With no portfolio, group or *All portfolios* asked, the board's first portfolio."""
    if query.has_scope:
        return query
    portfolio = first_portfolio(user)
    return query if portfolio is None else query.for_portfolio(portfolio.pk)


def create_url(portfolio: Portfolio | None, can_create: bool) -> str:
    """The *+ Opportunity* button's address: one portfolio of the user's companies only (B7)."""
    if not can_create or portfolio is None:
        return ""
    return f"{reverse('pipeline:opportunity_create')}?portfolio={portfolio.pk}"


def header_context(user: Collaborator) -> dict[str, Any]:
    """The header's drop-downs: portfolios and groups, salespeople, tags, currencies, sorts."""
    choices = selectors.portfolio_choices(user, count_open=False)
    portfolios = [
        (f"portfolio:{c.portfolio.pk}", f"{c.portfolio.name} — {c.portfolio.company.name}")
        for c in choices.portfolios
    ]
    groups = [
        (
            f"group:{g.template.pk}",
            _("%(template)s (all portfolios)") % {"template": g.template.name},
        )
        for g in choices.groups
    ]
    scope_groups = [(_("Portfolios"), portfolios)]
    if groups:
        scope_groups.append((_("Portfolio groups"), groups))
    collaborators = access.scoped(user, Collaborator.objects.filter(is_active=True)).order_by(
        "first_name", "last_name", "username"
    )
    seller_groups = [
        (_("Collaborators"), [(f"salesperson:{c.pk}", str(c)) for c in collaborators]),
        (_("Teams"), [(f"team:{t.pk}", t.name) for t in Team.objects.all()]),
        (_("Departments"), [(f"department:{d.pk}", d.name) for d in Department.objects.all()]),
    ]
    return {
        "scope_groups": scope_groups,
        "seller_groups": seller_groups,
        "tags": list(Tag.objects.filter(kind=TagKind.OPPORTUNITY)),
        "currencies": list(Currency.objects.all()),
        "sort_choices": sort_choices(),
        "calendar_url": reverse("pipeline:calendar"),
    }


def live_url(query: str) -> str:
    """The live feed of a page whose address's query is `query` (B21), from the latest change
    on, so that a change made while the page was drawn is not missed; "" when off."""
    if not live_enabled():
        return ""
    separator = "&" if query else "?"
    return f"{reverse('pipeline:live_feed')}{query}{separator}since={latest_id()}"


def remember_weighted(user: Collaborator, data: QueryDict) -> None:
    """B5: weighted amounts shown or not, as the switch says, remembered for the user."""
    user.show_weighted = data.get("weighted") in {"on", "1", "true"}
    user.save(update_fields=["show_weighted"])
