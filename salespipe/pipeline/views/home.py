"""The home page: the portfolios and groups the user can open (SPEC B7)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from salespipe.pipeline.selectors import portfolio_choices
from salespipe.web.http import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The portfolios and portfolio groups the user can open (SPEC B7)."""
    return render(request, "web/home.html", {"choices": portfolio_choices(request.user)})
