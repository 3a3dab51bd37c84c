"""A user's feed written as iCalendar (RFC 5545), with the icalendar library: what Outlook,
Google and Apple calendars read when they subscribe to an address.

A signature is an all-day event on its expected day, free time; an action, a half-hour
event at its due time. Each keeps its UID across reads, so that a calendar updates the
event it holds instead of adding another, and its SEQUENCE grows with the opportunity's
version. Texts are in the user's language.
"""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from salespipe.activities.models import ActionKind
from salespipe.feeds.selectors import PlannedAction, Signature
from salespipe.org.models import Collaborator
from salespipe.web.templatetags.display import money

# How long an action lasts in a calendar: its due time has no end.
ACTION_MINUTES = 30
# How often a calendar application should read the address again.
REFRESH = dt.timedelta(hours=1)


def write_feed(
    user: Collaborator,
    signatures: list[Signature],
    actions: list[PlannedAction],
    *,
    host: str,
    link: Callable[[str, int], str],
) -> bytes:
    """The calendar of `user`'s feed. `host` makes the events' UIDs unique to this server;
    `link(kind, id)` is the absolute address of an opportunity's or an account's page."""
    calendar = Calendar()
    calendar.add("prodid", "-//Salespipe//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Salespipe: %(user)s") % {"user": user})
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    stamp = timezone.now()
    for signature in signatures:
        calendar.add_component(_signature_event(signature, stamp, host, link))
    for action in actions:
        calendar.add_component(_action_event(action, stamp, host, link))
    written: bytes = calendar.to_ical()
    return written


def _event(
    uid: str, stamp: dt.datetime, summary: str, start: dt.date, end: dt.date, url: str
) -> Event:
    """An event with what every one carries: its lasting UID, when it was written, its
    title, its span, and the page it links to (also in its description, which more
    applications show)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if url:
        event.add("url", url)
    return event


def _signature_event(
    signature: Signature, stamp: dt.datetime, host: str, link: Callable[[str, int], str]
) -> Event:
    url = link("opportunity", signature.opportunity_id)
    event = _event(
        f"opportunity-{signature.opportunity_id}@{host}",
        stamp,
        _("Expected signature: %(name)s, %(account)s")
        % {"name": signature.name, "account": signature.account},
        signature.day,
        signature.day + dt.timedelta(days=1),
        url,
    )
    event.add("last-modified", signature.updated_at)
    event.add("sequence", signature.version)
    event.add("transp", "TRANSPARENT")
    details = [_("Stage: %(stage)s") % {"stage": signature.stage}]
    if signature.amount is not None:
        details.append(
            _("Amount: %(amount)s") % {"amount": money(signature.amount, signature.currency)}
        )
    event.add("description", "\n".join([*details, url]))
    return event


def _action_event(
    action: PlannedAction, stamp: dt.datetime, host: str, link: Callable[[str, int], str]
) -> Event:
    kind = ActionKind(action.kind).label if action.kind in ActionKind.values else action.kind
    summary = _("%(kind)s: %(subject)s") % {"kind": kind, "subject": action.subject}
    if action.about:
        summary = f"{summary} ({action.about})"
    if action.opportunity_id is not None:
        url = link("opportunity", action.opportunity_id)
    elif action.account_id is not None:
        url = link("account", action.account_id)
    else:
        url = ""
    event = _event(
        f"action-{action.action_id}@{host}",
        stamp,
        summary,
        action.due_at,
        action.due_at + dt.timedelta(minutes=ACTION_MINUTES),
        url,
    )
    event.add("created", action.created_at)
    if url:
        event.add("description", url)
    return event
