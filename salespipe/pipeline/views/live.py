"""The live feed of the board or calendar at an address (SPEC B21): which changes it hears.

The feed itself (`salespipe.live`) streams the changes of the companies and portfolios a
subscription names, and knows nothing of pages; this view reads the page's address (the
calendar's parameters, which are the board's and more) and says which portfolios it shows.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.views.decorators.http import require_GET

from salespipe.live.feed import stream_response
from salespipe.live.hub import Subscription
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline.forms.calendar_params import CalendarQuery
from salespipe.pipeline.models import Portfolio, StageTemplate
from salespipe.pipeline.selectors.scope import in_template
from salespipe.web.http import AuthedRequest


def page_subscription(user: Collaborator, query: CalendarQuery) -> Subscription:
    """The changes the page at `query`'s address hears: of the user's companies, in the
    portfolio it shows, the portfolios of its group (even those added later), or all."""
    companies = access.company_ids(user)
    if query.portfolio_id is not None:
        if not Portfolio.objects.filter(pk=query.portfolio_id).exists():
            raise Http404
        return Subscription(companies, frozenset([query.portfolio_id]))
    if query.group_id is not None:
        if not StageTemplate.objects.filter(pk=query.group_id).exists():
            raise Http404
        members = Portfolio.objects.filter(template_id=query.group_id).values_list("pk", flat=True)
        return Subscription(companies, frozenset(members), also_shows=in_template(query.group_id))
    if query.all_portfolios:
        return Subscription(companies, None)
    raise Http404


@login_required
@require_GET
def live_feed(request: AuthedRequest) -> StreamingHttpResponse:
    """B21: the changes the page at this address shows, as server-sent events."""
    return stream_response(
        request, page_subscription(request.user, CalendarQuery.from_params(request.GET))
    )
