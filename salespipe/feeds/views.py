"""The calendar feed's pages (SPEC X4): the user's own, in his profile, to make or stop his
address, and the address itself, which calendar applications read without a session. Thin:
the rules are the services'."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from salespipe.feeds import selectors, services
from salespipe.feeds.ical import write_feed
from salespipe.lib.errors import InvalidInput
from salespipe.web.http import AuthedRequest
from salespipe.web.passwords import confirm_password

_PAGES = {"opportunity": "pipeline:opportunity", "account": "customers:account"}


def _address(request: HttpRequest, secret: str) -> str:
    return request.build_absolute_uri(reverse("feeds:ics", args=[secret]))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request: AuthedRequest) -> HttpResponse:
    """X4: the user's calendar address: made (the password asked again) and shown once."""
    context: dict[str, object] = {"nav": "calendar_feed", "errors": []}
    status = 200
    if request.method == "POST":
        try:
            confirm_password(request)
            _feed, secret = services.feed_open(user=request.user)
        except InvalidInput as refused:
            context["errors"] = [m for messages_ in refused.errors.values() for m in messages_]
            status = 422
        else:
            address = _address(request, secret)
            context |= {
                "address": address,
                "webcal": "webcal://" + address.split("://", 1)[1],
            }
            status = 201
    context["feed"] = services.feed_of(request.user)
    return render(request, "feeds/calendar_feed.html", context, status=status)


@login_required
@require_POST
def calendar_feed_stop(request: AuthedRequest) -> HttpResponse:
    if services.feed_stop(user=request.user):
        messages.success(request, _("Your calendar address was stopped: it shows nothing now."))
    return redirect("feeds:calendar_feed")


@require_safe
def ics(request: HttpRequest, secret: str) -> HttpResponse:
    """X4: the feed at a secret address; an address unknown or stopped is not found."""
    user = services.feed_reader(secret)
    if user is None:
        raise Http404
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = write_feed(
            user,
            selectors.signatures_of(user),
            selectors.actions_of(user),
            host=request.get_host().split(":")[0],
            link=lambda kind, pk: request.build_absolute_uri(reverse(_PAGES[kind], args=[pk])),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="salespipe.ics"'
    # The address is a secret: no shared cache keeps what it answers, no robot lists it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
