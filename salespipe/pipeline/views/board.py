"""The portfolio board in the browser (SPEC B1-B20, B22): thin views over the services.

Every view that changes something answers with one of two fragments, named by the
`X-Fragment` header so that the board's script knows what it got:

- `changes`: what the change changed on the page, as out-of-band swaps (200 done, 409
  refused: stale version, a transition not allowed, a refused delete, with the message and
  the card as it really is); see `views.changes`;
- `dialog`: a `<dialog>` asking for what is missing (422), or opened on request (200).
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salespipe.activities import services as action_services
from salespipe.activities.models import Action, ActionKind
from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.lib.months import Month
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.org.models import Collaborator
from salespipe.pipeline import selectors, services
from salespipe.pipeline.forms import dialogs
from salespipe.pipeline.forms.actions import ActionForm, action_inputs, page_errors
from salespipe.pipeline.forms.board_params import BoardQuery
from salespipe.pipeline.forms.dialogs import Dialog, DialogBuilder, DialogStep
from salespipe.pipeline.forms.values import every_fault, read_values
from salespipe.pipeline.models import MANDATORY_FIELD_NAMES, Opportunity, Portfolio, Stage
from salespipe.pipeline.presenters.board import present_columns
from salespipe.pipeline.presenters.calendar import month_label
from salespipe.pipeline.presenters.page_context import (
    FRAGMENT_HEADER,
    create_url,
    default_board_query,
    header_context,
    live_url,
    remember_weighted,
)
from salespipe.pipeline.selectors import card_pages
from salespipe.pipeline.services import rules
from salespipe.pipeline.services.errors import (
    InvalidTransition,
    MissingFields,
    NotDeletable,
    StaleVersion,
)
from salespipe.pipeline.services.tags import tag_stylesheet
from salespipe.pipeline.services.values import OpportunityValues
from salespipe.pipeline.views.changes import changes_response
from salespipe.pipeline.views.layout_pages import body_response, for_the_script
from salespipe.pipeline.views.more import board_more_url
from salespipe.web.form_fields import posted_day
from salespipe.web.http import AuthedRequest
from salespipe.web.late_fragments import CONTEXT_KEY as LATE_FRAGMENTS
from salespipe.web.late_fragments import LateFragments, render_with_late

_REFUSED = (StaleVersion, InvalidTransition, NotDeletable)


# -- the board ------------------------------------------------------------------------------


def board_context(
    request: AuthedRequest, query: BoardQuery, *, message: str = ""
) -> dict[str, Any]:
    """What `#board` draws: columns of cards, totals and summary, for `query`."""
    user = request.user
    board = selectors.columns(
        user=user,
        layout=query.layout(),
        filters=query.filters,
        weighted=user.show_weighted,
        card_limit=card_pages.FIRST_CARDS,
    )
    late = LateFragments()
    columns = [
        dataclasses.replace(
            view, more_url=board_more_url(query, view.column.stage.pk, view.cards.last_id)
        )
        if view.column.remaining
        else view
        for view in present_columns(board.columns, board.rates, late)
    ]
    return {
        LATE_FRAGMENTS: late,
        "board": board,
        "columns": columns,
        "query": query,
        "board_query": query.canonical(),
        "live_url": live_url(query.canonical()),
        "create_url": create_url(board.portfolio, board.can_create),
        "message": message,
        "today": timezone.localdate(),
        "now": timezone.now(),
        **redate_offer(),
    }


def redate_offer() -> dict[str, str]:
    """What a late card's menu offers (B2): its expected date moved to this month's end."""
    month = Month.of(timezone.localdate())
    label = _("Expected by the end of %(month)s") % {"month": month_label(month, heading=False)}
    return {"redate_month": str(month), "redate_label": label}


def _board_response(
    request: AuthedRequest,
    query: BoardQuery,
    *,
    status: int = 200,
    message: str = "",
) -> HttpResponse:
    query = default_board_query(request.user, query)
    context = board_context(request, query, message=message)
    return body_response(request, "pipeline/board.html", context, "board", status=status)


@login_required
@require_GET
def board_page(request: AuthedRequest) -> HttpResponse:
    """The board of a portfolio or group (B1-B13); with htmx, only its `#board` body."""
    asked = BoardQuery.from_params(request.GET)
    query = default_board_query(request.user, asked)
    if query != asked and not request.htmx:
        # The address names the portfolio shown, so that a link or a reload keeps it.
        return redirect(reverse("pipeline:board") + query.canonical())
    if request.htmx:
        address = reverse("pipeline:board") + query.canonical()
        return for_the_script(request, _board_response(request, query), address)
    if query.portfolio_id is None and query.group_id is None:
        return render(request, "pipeline/no_portfolio.html", status=200)
    context = board_context(request, query)
    context.update(header_context(request.user))
    context["nav"] = "opportunities"
    return render_with_late(request, "pipeline/board.html", context)


@login_required
@require_POST
def weighted(request: AuthedRequest) -> HttpResponse:
    """B5: shows weighted amounts or not, remembered for the user."""
    user = request.user
    remember_weighted(user, request.POST)
    # The header form's fields come with the switch, so the board drawn is the one shown.
    return _board_response(request, default_board_query(user, BoardQuery.from_params(request.POST)))


@login_required
@require_GET
def tag_styles(request: AuthedRequest) -> HttpResponse:  # noqa: ARG001 (a view is given its request)
    """The tags' colours as a stylesheet: the page's policy allows no inline style."""
    response = HttpResponse(tag_stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response


# -- transitions ----------------------------------------------------------------------------


def _dialog_response(request: AuthedRequest, dialog: Dialog, status: int = 422) -> HttpResponse:
    html = render_to_string("pipeline/_steps_dialog.html", {"dialog": dialog}, request=request)
    response = HttpResponse(html, status=status)
    response[FRAGMENT_HEADER] = "dialog"
    return response


def _load(request: AuthedRequest, pk: int) -> Opportunity:
    queryset = Opportunity.objects.select_related("stage__template", "account", "contact")
    return access.get(request.user, queryset, pk)


def _action_url(name: str, pk: int, query: BoardQuery) -> str:
    return reverse(f"pipeline:{name}", args=[pk]) + query.canonical()


def _submitted(request: AuthedRequest) -> bool:
    return request.POST.get("dialog") == "1"


# The dialog a refused change opens: built from the errors, and from what the service
# reported missing when it reported it (a move's dialog asks exactly for that).
DialogFor = Callable[[dict[str, list[str]], MissingFields | None], Dialog | None]


def _same_dialog(dialog: Callable[[dict[str, list[str]]], Dialog]) -> DialogFor:
    """For a change whose dialog always asks the same steps, whatever is reported missing."""
    return lambda errors, _missing: dialog(errors)


def _run(
    request: AuthedRequest,
    pk: int,
    change: Callable[[], str],
    dialog: DialogFor | None,
) -> HttpResponse:
    """Applies `change` and answers with what it changed and the sentence that says it; a
    missing or bad value opens the dialog (built from what the service reports missing), a
    refusal shows the card as it is, with the reason."""
    try:
        done = change()
    except MissingFields as exc:
        errors = dialogs.required_errors(exc.missing) if _submitted(request) else {}
        shown = dialog(errors, exc) if dialog is not None else None
        if shown is not None:
            return _dialog_response(request, shown)
        return changes_response(request, [pk], status=409, message=str(exc))
    except InvalidInput as exc:
        shown = dialog(exc.errors, None) if dialog is not None else None
        if shown is not None and not shown.errors:
            return _dialog_response(request, shown)
        return changes_response(request, [pk], status=409, message=str(exc))
    except _REFUSED as exc:
        return changes_response(request, [pk], status=409, message=str(exc))
    return changes_response(request, [pk], message=done)


def _version(request: AuthedRequest) -> str:
    return request.POST.get("version", "")


def _posted_ids(request: AuthedRequest, *names: str) -> dict[str, int]:
    """The ids a dialog posts, each required; `InvalidInput` names those not given."""
    found: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for name in names:
        value = integer(request.POST.get(name))
        if value is None:
            errors[name] = [_("This field is required.")]
        else:
            found[name] = value
    if errors:
        raise InvalidInput(errors)
    return found


def _dialog_values(
    request: AuthedRequest,
    pk: int,
    version: int,
    unread: Mapping[str, list[str]] | None = None,
) -> OpportunityValues:
    """The mandatory fields a dialog posted, read; one it can't read (or another input of
    the dialog `unread` names) is refused together with what the services refuse among
    the others, once the change is known not to be refused for itself (stale, closed)."""
    values, unreadable = read_values(dialogs.posted_values(request.POST))
    unreadable.update(unread or {})
    if unreadable:
        opportunity = services.opportunity_check_change(
            user=request.user, opportunity_id=pk, version=version, needs_open=True
        )
        raise every_fault(
            unreadable,
            values,
            user=request.user,
            company=opportunity.company,
            opportunity=opportunity,
            allowed=MANDATORY_FIELD_NAMES,
        )
    return values


def _posted_day(request: AuthedRequest, pk: int, version: int, name: str) -> dt.date | None:
    """The day a dialog posted as `name`; one it can't read is refused once the change is
    known not to be refused for itself (stale, closed)."""
    try:
        return posted_day(request.POST, name)
    except InvalidInput:
        services.opportunity_check_change(
            user=request.user, opportunity_id=pk, version=version, needs_open=True
        )
        raise


def _subtitle(opportunity: Opportunity) -> str:
    return f"{opportunity.name} · {opportunity.account.name}"


@login_required
@require_POST
def move(request: AuthedRequest, pk: int) -> HttpResponse:
    """B14: to another open stage; the stages entered ask for their empty mandatory fields."""
    query = BoardQuery.from_params(request.GET)
    stage_id = request.POST.get("stage", "")

    def change() -> str:
        ids = _posted_ids(request, "version", "stage")
        moved = services.opportunity_move(
            user=request.user,
            opportunity_id=pk,
            version=ids["version"],
            stage_id=ids["stage"],
            values=_dialog_values(request, pk, ids["version"]),
        )
        return _("%(name)s moved to %(stage)s.") % {"name": moved.name, "stage": moved.stage.name}

    def dialog(errors: dict[str, list[str]], missing: MissingFields | None) -> Dialog | None:
        # Read only when a dialog is shown: a move that succeeds reads it once, in the service.
        opportunity = _load(request, pk)
        target = Stage.objects.filter(pk=integer(stage_id) or 0).first()
        if target is None or target.template_id != opportunity.stage.template_id:
            return None
        builder = DialogBuilder(request.user, opportunity, request.POST, errors)
        # A value refused in the dialog comes without the list: the stages' fields asked again.
        asked = (
            missing.missing if missing is not None else rules.missing_for_move(opportunity, target)
        )
        steps = builder.stage_steps(asked)
        if not steps:
            return None
        return Dialog(
            title=_("Move to %(stage)s") % {"stage": target.name},
            subtitle=_subtitle(opportunity),
            action=_action_url("move", pk, query),
            steps=dialogs.open_on_first_fault(steps, _submitted(request)),
            submit_label=_("Save"),
            hidden={"version": _version(request), "stage": stage_id, "dialog": "1"},
            errors=builder.leftover_errors(),
        )

    return _run(request, pk, change, dialog)


@login_required
@require_POST
def win(request: AuthedRequest, pk: int) -> HttpResponse:
    """B16: the open stages not yet passed, then the won stage and the signed date."""
    opportunity = _load(request, pk)
    query = BoardQuery.from_params(request.GET)

    def dialog(errors: dict[str, list[str]]) -> Dialog:
        builder = DialogBuilder(request.user, opportunity, request.POST, errors)
        steps = builder.stage_steps(dialogs.open_steps_before_win(opportunity))
        asked = {f.name for step in steps for f in step.fields}
        steps.append(builder.won_step(dialogs.won_stages(opportunity), asked))
        return Dialog(
            title=_("Mark as won"),
            subtitle=_subtitle(opportunity),
            action=_action_url("win", pk, query),
            steps=dialogs.open_on_first_fault(steps, _submitted(request)),
            submit_label=_("Mark as won"),
            hidden={"version": _version(request), "dialog": "1"},
            errors=builder.leftover_errors(),
        )

    if not _submitted(request):
        return _dialog_response(request, dialog({}))

    def change() -> str:
        ids = _posted_ids(request, "version", "stage")
        signed_on, unread = None, {}
        try:
            signed_on = posted_day(request.POST, "signed_on")
        except InvalidInput as exc:
            unread = exc.errors
        won = services.opportunity_win(
            user=request.user,
            opportunity_id=pk,
            version=ids["version"],
            stage_id=ids["stage"],
            signed_on=signed_on,
            values=_dialog_values(request, pk, ids["version"], unread),
        )
        return _("%(name)s marked as won.") % {"name": won.name}

    return _run(request, pk, change, _same_dialog(dialog))


@login_required
@require_POST
def lose(request: AuthedRequest, pk: int) -> HttpResponse:
    """B17: one dialog, a reason and the day it was lost."""
    opportunity = _load(request, pk)
    query = BoardQuery.from_params(request.GET)

    def dialog(errors: dict[str, list[str]]) -> Dialog:
        builder = DialogBuilder(request.user, opportunity, request.POST, errors)
        step = builder.lose_step()
        step.current = True
        return Dialog(
            title=_("Mark as lost"),
            subtitle=_subtitle(opportunity),
            action=_action_url("lose", pk, query),
            steps=[step],
            submit_label=_("Mark as lost"),
            hidden={"version": _version(request), "dialog": "1"},
            errors=builder.leftover_errors(),
        )

    if not _submitted(request):
        return _dialog_response(request, dialog({}))

    def change() -> str:
        ids = _posted_ids(request, "version", "reason")
        lost = services.opportunity_lose(
            user=request.user,
            opportunity_id=pk,
            version=ids["version"],
            reason_id=ids["reason"],
            lost_on=_posted_day(request, pk, ids["version"], "lost_on"),
        )
        return _("%(name)s marked as lost.") % {"name": lost.name}

    return _run(request, pk, change, _same_dialog(dialog))


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """B18: a confirmation, then deleted for good, or the reason it is kept."""
    opportunity = _load(request, pk)
    query = BoardQuery.from_params(request.GET)
    if request.POST.get("confirm") != "1":
        step = DialogStep(
            key="confirm",
            title=_("Delete for good"),
            text=_(
                "%(name)s will be deleted for good. Its account %(account)s and its contacts stay."
            )
            % {"name": opportunity.name, "account": opportunity.account.name},
            current=True,
        )
        dialog = Dialog(
            title=_("Delete this opportunity?"),
            subtitle=_subtitle(opportunity),
            action=_action_url("delete", pk, query),
            steps=[step],
            submit_label=_("Delete"),
            hidden={"version": _version(request), "confirm": "1", "dialog": "1"},
            danger=True,
        )
        return _dialog_response(request, dialog)

    def change() -> str:
        services.opportunity_delete(
            user=request.user, opportunity_id=pk, version=integer(_version(request))
        )
        return _("%(name)s deleted.") % {"name": opportunity.name}

    return _run(request, pk, change, None)


def _reuse_portfolios(opportunity: Opportunity) -> list[Portfolio]:
    """The portfolios a closed opportunity may go back to: those of its own company."""
    same_template = Q(template_id=opportunity.stage.template_id)
    portfolios = Portfolio.objects.filter(company_id=opportunity.company_id).select_related(
        "template"
    )
    first = list(portfolios.filter(same_template).order_by("name"))
    others = list(portfolios.exclude(same_template).order_by("name"))
    return first + others


@login_required
@require_http_methods(["GET", "POST"])
def reuse(request: AuthedRequest, pk: int) -> HttpResponse:
    """B19: a won or lost opportunity back on a board, in the first stage of a portfolio."""
    opportunity = _load(request, pk)
    query = BoardQuery.from_params(request.GET)
    data = request.POST if request.method == "POST" else QueryDict()

    def dialog(errors: dict[str, list[str]]) -> Dialog:
        builder = DialogBuilder(request.user, opportunity, data, errors)
        account = dialogs.DialogField(
            name="account_name",
            label=_("Account"),
            widget="text",
            input_id="dlg-account-name",
            value=opportunity.account.name,
            readonly=True,
            required=False,
        )
        name = dialogs.DialogField(
            name="call_name",
            label=_("Call name"),
            widget="text",
            input_id="dlg-call-name",
            value=opportunity.name,
            readonly=True,
            required=False,
        )
        portfolio = builder.input_field("portfolio", _("Portfolio"), "select")
        choices = _reuse_portfolios(opportunity)
        portfolio.groups = [
            dialogs.ChoiceGroup(
                "",
                [dialogs.Choice(str(p.pk), f"{p.name} ({p.template.name})") for p in choices],
            )
        ]
        if not portfolio.value:
            preferred = query.portfolio_id if query.portfolio_id else opportunity.portfolio_id
            portfolio.value = str(preferred)
        step = DialogStep(
            key="reuse", title=_("Reuse"), fields=[account, name, portfolio], current=True
        )
        return Dialog(
            title=_("Reuse this opportunity"),
            subtitle=_subtitle(opportunity),
            action=_action_url("reuse", pk, query),
            steps=[step],
            submit_label=_("Save"),
            hidden={"version": str(opportunity.version), "dialog": "1"},
            errors=builder.leftover_errors(),
        )

    if request.method == "GET":
        return _dialog_response(request, dialog({}), status=200)

    def change() -> str:
        ids = _posted_ids(request, "version", "portfolio")
        reused = services.opportunity_reuse(
            user=request.user,
            opportunity_id=pk,
            version=ids["version"],
            portfolio_id=ids["portfolio"],
        )
        return _("%(name)s is back in %(stage)s.") % {
            "name": reused.name,
            "stage": reused.stage.name,
        }

    return _run(request, pk, change, _same_dialog(dialog))


# -- actions (B20) --------------------------------------------------------------------------


def _action_dialog(
    request: AuthedRequest,
    opportunity: Opportunity,
    query: BoardQuery,
    *,
    data: QueryDict,
    errors: dict[str, list[str]],
    status: int,
) -> HttpResponse:
    planned = (
        Action.objects.filter(opportunity=opportunity, done=False)
        .select_related("assignee")
        .order_by("due_at", "id")
        .first()
    )
    assignees = access.scoped(request.user, Collaborator.objects.filter(is_active=True)).filter(
        companies=opportunity.company_id
    )
    context = {
        "opportunity": opportunity,
        "planned": planned,
        "now": timezone.now(),
        "show_form": planned is None or bool(errors),
        "kinds": ActionKind.choices,
        "assignees": list(assignees.order_by("first_name", "last_name")),
        "values": action_inputs(data, request.user),
        "errors": errors,
        "action_url": _action_url("actions", opportunity.pk, query),
        "done_url": (
            reverse("pipeline:action_done", args=[planned.pk]) + query.canonical()
            if planned is not None
            else ""
        ),
    }
    html = render_to_string("pipeline/_action_dialog.html", context, request=request)
    response = HttpResponse(html, status=status)
    response[FRAGMENT_HEADER] = "dialog"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def actions(request: AuthedRequest, pk: int) -> HttpResponse:
    """B20: the next planned action and *New action*, or the new-action form."""
    opportunity = _load(request, pk)
    query = BoardQuery.from_params(request.GET)
    if request.method == "GET":
        return _action_dialog(request, opportunity, query, data=QueryDict(), errors={}, status=200)
    try:
        planned = action_services.action_create(
            user=request.user, opportunity_id=pk, action=ActionForm(request.POST).new_action()
        )
    except InvalidInput as exc:
        return _action_dialog(
            request,
            opportunity,
            query,
            data=request.POST,
            errors=page_errors(exc.errors),
            status=422,
        )
    return changes_response(
        request, [pk], message=_("Action planned: %(subject)s.") % {"subject": planned.subject}
    )


@login_required
@require_POST
def action_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """B20, S4: the planned action is done; the card shows the next one, if any."""
    action = action_services.action_mark_done(user=request.user, action_id=pk)
    return changes_response(
        request,
        [action.opportunity_id] if action.opportunity_id else [],
        message=_("Action done: %(subject)s.") % {"subject": action.subject},
    )


# -- won and lost lists (B19) ---------------------------------------------------------------


@login_required
@require_GET
def closed(request: AuthedRequest) -> HttpResponse:
    """The won or lost opportunities of the board's portfolio or group, searched and filtered."""
    query = default_board_query(request.user, BoardQuery.from_params(request.GET))
    outcome: selectors.ClosedOutcome = "won" if request.GET.get("outcome") == "won" else "lost"
    search = request.GET.get("search", "").strip()
    rows: list[Opportunity] = []
    total, error = 0, ""
    try:
        found = selectors.closed_list(
            user=request.user,
            portfolio_id=query.portfolio_id,
            group_id=query.group_id,
            outcome=outcome,
            search=search,
            filters=query.filters,
        )
    except DomainError as exc:
        error = str(exc)
    else:
        rows, total = found.rows, found.total
    context = {
        "rows": rows,
        "total": total,
        "outcome": outcome,
        "search": search,
        "error": error,
        "query": query,
        "board_query": query.canonical(),
        "list_url": reverse("pipeline:closed"),
    }
    template = "pipeline/_closed_list.html"
    if request.GET.get("rows") == "1":
        template += "#closed-rows"
    response = render(request, template, context)
    response[FRAGMENT_HEADER] = "dialog"
    return response
