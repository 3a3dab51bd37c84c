from django.http import HttpRequest

from salespipe.org.models import Collaborator


class AuthedRequest(HttpRequest):
    """The request of a view behind login_required: its user is a Collaborator."""

    user: Collaborator
