"""The user's API tokens in his profile (SPEC SEC4): list, issue, revoke. Thin: the rules
are `salespipe.api.tokens`'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from salespipe.api import tokens
from salespipe.lib.errors import InvalidInput
from salespipe.web.http import AuthedRequest
from salespipe.web.passwords import confirm_password


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthedRequest) -> HttpResponse:
    context: dict[str, object] = {"nav": "profile", "errors": []}
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            confirm_password(request)
            issued, clear = tokens.token_issue(user=request.user, name=name)
        except InvalidInput as refused:
            context["errors"] = [m for messages_ in refused.errors.values() for m in messages_]
            context["name"] = name
            status = 422
        else:
            context |= {"issued": issued, "clear": clear}
            status = 201
    context["tokens"] = tokens.tokens_of(request.user)
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    tokens.token_revoke(user=request.user, token_id=pk)
    messages.success(request, _("The token was revoked: it is refused from now on."))
    return redirect("profile:tokens")
