"""The opportunity sheet (SPEC S1-S8): thin views over the services.

The page holds the fields in its left column (one form, saved by the bottom banner) and
five tabs. The sheet's script sends its requests with `HX-Request`; every answer names
what it carries in `X-Fragment`, which the script swaps in place:

- `sheet`: header, fields and tabs drawn again, after the fields were saved;
- `fields`: the left column again, with errors next to fields (422) or, when someone else
  saved in between, with their values and both values where both changed (409);
- `amounts`, `activities`, `documents`, `contacts`, `history`: one tab again; a change of
  the estimate also tells the version before and after (`X-Version-Before`, `X-Version`),
  so the script keeps the left column's version and figures in step;
- `message`: a sentence to show (a refused deletion);
- 204 with `HX-Redirect`: go there (after a deletion).

A plain form post, without the script, is answered with a redirect to the sheet.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salespipe.activities import services as action_services
from salespipe.activities.models import Action
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.pipeline import selectors, services
from salespipe.pipeline.forms.actions import ActionForm
from salespipe.pipeline.forms.lines import posted_line
from salespipe.pipeline.forms.sheet import changed_values, sheet_fields, unchosen_errors
from salespipe.pipeline.forms.values import every_fault, read_values
from salespipe.pipeline.models import EstimateLine, Opportunity, TagKind
from salespipe.pipeline.presenters.sheet_tabs import (
    TABS,
    activities_context,
    amounts_context,
    contacts_context,
    tab_context,
    tab_labels,
)
from salespipe.pipeline.services import contact_links, estimate
from salespipe.pipeline.services.errors import InvalidTransition, NotDeletable, StaleVersion
from salespipe.web.http import AuthedRequest
from salespipe.web.lookups import from_script

FRAGMENT_HEADER = "X-Fragment"
_TAB_TEMPLATES = {
    "amounts": "pipeline/sheet_amounts.html",
    "activities": "pipeline/sheet_activities.html",
    "documents": "documents/_documents.html",
    "contacts": "pipeline/sheet_contacts.html",
    "history": "pipeline/sheet_history.html",
}


def _load(request: AuthedRequest, pk: int) -> Opportunity:
    return selectors.opportunity_detail(user=request.user, opportunity_id=pk)


def sheet_url(opportunity_id: int, tab: str = "") -> str:
    url = reverse("pipeline:opportunity", args=[opportunity_id])
    return f"{url}?tab={tab}" if tab else url


def _fragment(
    request: AuthedRequest,
    template: str,
    context: dict[str, Any],
    name: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response[FRAGMENT_HEADER] = name
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _back_to_sheet(
    request: AuthedRequest, opportunity_id: int, tab: str, error: str = ""
) -> HttpResponse:
    """A plain form post (no script): back to the sheet, with the error if any."""
    if error:
        messages.error(request, error)
    return redirect(sheet_url(opportunity_id, tab))


def _tab_response(
    request: AuthedRequest,
    opportunity: Opportunity,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    error: str = "",
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    if not from_script(request):
        return _back_to_sheet(request, opportunity.pk, name, error)
    if context is None:
        context = tab_context(name, opportunity, user=request.user)
    return _fragment(
        request, _TAB_TEMPLATES[name], {"t": context}, name, status=status, headers=headers
    )


# -- the page -------------------------------------------------------------------------------


def sheet_context(
    request: AuthedRequest, opportunity: Opportunity, tab: str = "amounts"
) -> dict[str, Any]:
    user = request.user
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "fields": sheet_fields(user, opportunity),
        "field_errors": [],
        "tab": tab if tab in TABS else "amounts",
        "tabs": list(tab_labels().items()),
        "board_url": reverse("pipeline:board") + f"?portfolio={opportunity.portfolio_id}",
        "tag_kind": TagKind.OPPORTUNITY,
        "nav": "opportunities",
    }
    for name in TABS:
        context[f"tab_{name}"] = tab_context(name, opportunity, user=user)
    return context


@login_required
@require_GET
def sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    """S1: the sheet; with `fragment=<tab>|fields|sheet`, only that part (for the script)."""
    opportunity = _load(request, pk)
    fragment = request.GET.get("fragment", "")
    if fragment in TABS:
        return _tab_response(request, opportunity, fragment)
    context = sheet_context(request, opportunity, request.GET.get("tab", "amounts"))
    if fragment == "fields":
        return _fragment(request, "pipeline/sheet_fields.html", context, "fields")
    if fragment == "sheet":
        return _fragment(request, "pipeline/sheet_body.html", context, "sheet")
    return render(request, "pipeline/sheet.html", context)


# -- the left column (S2) -------------------------------------------------------------------


def _fields_response(
    request: AuthedRequest,
    opportunity: Opportunity,
    *,
    status: int,
    errors: dict[str, list[str]] | None = None,
    current: Opportunity | None = None,
    message: str = "",
) -> HttpResponse:
    if not from_script(request):
        texts = [message] if message else [str(m) for msgs in (errors or {}).values() for m in msgs]
        return _back_to_sheet(request, opportunity.pk, "", " ".join(texts))
    fields = sheet_fields(
        request.user, opportunity, data=request.POST, errors=errors, current=current
    )
    shown = {f.name for f in fields}
    leftover = [str(m) for name, msgs in (errors or {}).items() if name not in shown for m in msgs]
    context = {
        "opportunity": current or opportunity,
        "fields": fields,
        "field_errors": [message, *leftover] if message else leftover,
        "tag_kind": TagKind.OPPORTUNITY,
    }
    return _fragment(request, "pipeline/sheet_fields.html", context, "fields", status=status)


@login_required
@require_POST
def save_fields(request: AuthedRequest, pk: int) -> HttpResponse:
    """S2: the fields changed since the sheet was drawn, saved with the version it read."""
    opportunity = _load(request, pk)
    values, unreadable = read_values(changed_values(request.POST))
    errors = unchosen_errors(request.POST)
    version = request.POST.get("version", "").strip()
    if integer(version) is None:
        errors["version"] = [_("The version last read is required.")]
    try:
        if unreadable and "version" not in errors:
            # A sheet someone else saved meanwhile is told so first, as the save would.
            services.opportunity_check_change(
                user=request.user, opportunity_id=pk, version=int(version), needs_open=False
            )
        if unreadable:
            refused = every_fault(
                unreadable,
                values,
                user=request.user,
                company=opportunity.company,
                opportunity=opportunity,
            )
            errors = {**refused.errors, **errors}
        if errors:
            return _fields_response(request, opportunity, status=422, errors=errors)
        if values:
            services.opportunity_update(
                user=request.user, opportunity_id=pk, version=int(version), values=values
            )
    except InvalidInput as exc:
        return _fields_response(request, opportunity, status=422, errors=exc.errors)
    except StaleVersion as exc:
        current = _load(request, exc.current.pk)
        return _fields_response(request, opportunity, status=409, current=current, message=str(exc))
    except InvalidTransition as exc:
        return _fields_response(request, opportunity, status=409, message=str(exc))
    fresh = _load(request, pk)
    if not from_script(request):
        messages.success(request, _("Saved."))
        return redirect(sheet_url(pk, request.POST.get("tab", "")))
    context = sheet_context(request, fresh, request.POST.get("tab", "amounts"))
    context["saved"] = True
    return _fragment(request, "pipeline/sheet_body.html", context, "sheet")


# -- Actions > Delete (S7) ------------------------------------------------------------------


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """S7, B18: deleted for good after the page's confirmation, unless a quote or order refers."""
    opportunity = _load(request, pk)
    version = request.POST.get("version", "").strip() or None
    try:
        services.opportunity_delete(
            user=request.user,
            opportunity_id=pk,
            version=integer(version),
        )
    except (NotDeletable, StaleVersion) as exc:
        if not from_script(request):
            return _back_to_sheet(request, pk, "", str(exc))
        response = HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        response[FRAGMENT_HEADER] = "message"
        return response
    messages.success(request, _("%(name)s was deleted.") % {"name": opportunity.name})
    url = reverse("pipeline:board") + f"?portfolio={opportunity.portfolio_id}"
    if from_script(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# -- Amounts (S3) ---------------------------------------------------------------------------


def _estimate(
    request: AuthedRequest,
    pk: int,
    change: Callable[[int | None], object],
    *,
    line_id: int | None = None,
) -> HttpResponse:
    """Runs one change of the estimate and draws the tab again, as it is now."""
    version = request.POST.get("version", "")
    try:
        change(integer(version))
    except InvalidInput as exc:
        opportunity = _load(request, pk)
        context = amounts_context(
            opportunity,
            user=request.user,
            line_id=line_id,
            data=request.POST,
            errors=exc.errors,
        )
        return _tab_response(request, opportunity, "amounts", context, status=422, error=str(exc))
    except (StaleVersion, InvalidTransition) as exc:
        opportunity = _load(request, pk)
        context = amounts_context(opportunity, user=request.user, message=str(exc))
        return _tab_response(request, opportunity, "amounts", context, status=409, error=str(exc))
    opportunity = _load(request, pk)
    context = amounts_context(opportunity, user=request.user, version_before=version)
    headers = {"X-Version": str(opportunity.version), "X-Version-Before": version}
    return _tab_response(request, opportunity, "amounts", context, headers=headers)


def _line(request: AuthedRequest, pk: int, line_id: int) -> EstimateLine:
    """A line of this opportunity; 404 for a line of another one."""
    return access.get(request.user, EstimateLine.objects.filter(opportunity_id=pk), line_id)


@login_required
@require_POST
def estimate_mode(request: AuthedRequest, pk: int) -> HttpResponse:
    """General or detailed estimate; back to general discards the lines (confirmed first)."""
    _load(request, pk)
    detailed = request.POST.get("mode") == "detailed"
    switch = estimate.estimate_use_detailed if detailed else estimate.estimate_use_general

    def change(version: int | None) -> object:
        return switch(user=request.user, opportunity_id=pk, version=version)

    return _estimate(request, pk, change)


@login_required
@require_POST
def estimate_currency(request: AuthedRequest, pk: int) -> HttpResponse:
    """The currency of the whole table, from its TOTAL row."""
    _load(request, pk)

    def change(version: int | None) -> object:
        return estimate.estimate_set_currency(
            user=request.user,
            opportunity_id=pk,
            version=version,
            currency=request.POST.get("currency", ""),
        )

    return _estimate(request, pk, change)


@login_required
@require_POST
def line_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """*+ Line*."""
    _load(request, pk)

    def change(version: int | None) -> object:
        return estimate.line_add(
            user=request.user,
            opportunity_id=pk,
            version=version,
            values=posted_line(request.POST),
        )

    return _estimate(request, pk, change)


@login_required
@require_POST
def line_update(request: AuthedRequest, pk: int, line_id: int) -> HttpResponse:
    """A line's fields, saved as soon as one changes."""
    _line(request, pk, line_id)

    def change(version: int | None) -> object:
        return estimate.line_update(
            user=request.user,
            line_id=line_id,
            version=version,
            values=posted_line(request.POST),
        )

    return _estimate(request, pk, change, line_id=line_id)


@login_required
@require_POST
def line_duplicate(request: AuthedRequest, pk: int, line_id: int) -> HttpResponse:
    _line(request, pk, line_id)

    def change(version: int | None) -> object:
        return estimate.line_duplicate(user=request.user, line_id=line_id, version=version)

    return _estimate(request, pk, change)


@login_required
@require_POST
def line_delete(request: AuthedRequest, pk: int, line_id: int) -> HttpResponse:
    """Deletes a line (confirmed first)."""
    _line(request, pk, line_id)

    def change(version: int | None) -> object:
        return estimate.line_delete(user=request.user, line_id=line_id, version=version)

    return _estimate(request, pk, change)


# -- Activities (S4) ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activities(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the tab. POST: a new action on the opportunity."""
    opportunity = _load(request, pk)
    if request.method == "GET":
        return _tab_response(request, opportunity, "activities")
    try:
        created = action_services.action_create(
            user=request.user, opportunity_id=pk, action=ActionForm(request.POST).new_action()
        )
    except InvalidInput as exc:
        context = activities_context(
            opportunity, user=request.user, data=request.POST, errors=exc.errors
        )
        return _tab_response(
            request, opportunity, "activities", context, status=422, error=str(exc)
        )
    return _activities_said(
        request, opportunity, _("%(subject)s is planned.") % {"subject": created.subject}
    )


def _activities_said(request: AuthedRequest, opportunity: Opportunity, said: str) -> HttpResponse:
    """The tab drawn again, with what changed said to a screen reader (U1)."""
    context = activities_context(opportunity, user=request.user)
    context["said"] = said
    return _tab_response(request, opportunity, "activities", context)


@login_required
@require_POST
def action_done(request: AuthedRequest, pk: int, action_id: int) -> HttpResponse:
    """S4: an action of this opportunity is done."""
    opportunity = _load(request, pk)
    action = access.get(request.user, Action.objects.filter(opportunity_id=pk), action_id)
    done = action_services.action_mark_done(user=request.user, action_id=action.pk)
    return _activities_said(
        request, opportunity, _("%(subject)s is done.") % {"subject": done.subject}
    )


# -- Contacts (S6) --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the tab. POST: links the contact chosen."""
    opportunity = _load(request, pk)
    if request.method == "GET":
        return _tab_response(request, opportunity, "contacts")
    try:
        contact_links.contact_link(
            user=request.user, opportunity_id=pk, contact_id=request.POST.get("contact", "")
        )
    except InvalidInput as exc:
        context = contacts_context(opportunity, user=request.user, errors=exc.errors)
        return _tab_response(request, opportunity, "contacts", context, status=422, error=str(exc))
    return _tab_response(request, opportunity, "contacts")


@login_required
@require_POST
def contact_unlink(request: AuthedRequest, pk: int, link_id: int) -> HttpResponse:
    """S6: removes the link; the contact stays."""
    opportunity = _load(request, pk)
    contact_links.contact_unlink(user=request.user, opportunity_id=pk, link_id=link_id)
    return _tab_response(request, opportunity, "contacts")


# -- History (S8) ---------------------------------------------------------------------------


@login_required
@require_GET
def history(request: AuthedRequest, pk: int) -> HttpResponse:
    return _tab_response(request, _load(request, pk), "history")
