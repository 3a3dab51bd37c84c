from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from salespipe.org.models import Collaborator


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a Collaborator."""

    user: Collaborator
    # Set by django-htmx's middleware: whether, and how, a script of ours sent the request.
    htmx: HtmxDetails
