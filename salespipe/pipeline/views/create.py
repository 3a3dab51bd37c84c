"""Creating an opportunity (SPEC O1-O5): from the board's *+ Opportunity* or an account's sheet.

From the board the portfolio is the board's and can't be changed; from an account's sheet
the account is that account and the portfolio is chosen among its company's (O2). The
stage shows the portfolio's default stage, editable only with `change_default_stage` (O3).

Saving calls `services.opportunity_create`. Its answers, to the page's script:

- created: 204 with `HX-Redirect` to the board (or the account's sheet), where the card is;
- bad values: the form again (422, `X-Fragment: form`), each error next to its field and
  everything typed kept;
- mandatory fields of the stage, or of a stage before it, still empty (O4): the dialog of
  the board's moves (422, `X-Fragment: dialog`), one step per stage. *Save* posts the form
  again with the values given; *Create in the first stage* posts it with `fallback=1`,
  and the opportunity starts in the first stage instead.

A plain form post (no script) gets a redirect or the page drawn again.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from salespipe.customers.models import Account
from salespipe.customers.selectors import visible_accounts
from salespipe.lib.errors import InvalidInput
from salespipe.lib.parse import integer
from salespipe.org import access
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator, Company
from salespipe.org.rights import Right, has_right
from salespipe.pipeline import services
from salespipe.pipeline.forms import dialogs
from salespipe.pipeline.forms.dialogs import DialogBuilder, DialogStep
from salespipe.pipeline.forms.sheet import (
    CREATE_FIELDS,
    FieldsBuilder,
    FormField,
    create_values,
    stage_choices,
    unchosen_errors,
)
from salespipe.pipeline.forms.values import every_fault, read_values
from salespipe.pipeline.models import Opportunity, Portfolio, Stage
from salespipe.pipeline.services.errors import MissingFields
from salespipe.web.http import AuthedRequest
from salespipe.web.lookups import from_script

FRAGMENT_HEADER = "X-Fragment"
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", "dialog", "fallback"})


@dataclass
class Setup:
    """Where the form was opened from, and what that fixes."""

    origin: str
    portfolio: Portfolio
    portfolios: list[Portfolio]
    account: Account | None = None

    @property
    def company(self) -> Company:
        return self.portfolio.company

    def query(self) -> str:
        if self.account is not None:
            return f"?account={self.account.pk}&portfolio={self.portfolio.pk}"
        return f"?portfolio={self.portfolio.pk}"


def _portfolios() -> Any:
    return Portfolio.objects.select_related("company__currency", "template", "default_stage")


def _setup(user: Collaborator, query: QueryDict, posted: QueryDict | None = None) -> Setup:
    """The portfolio and account the form is for; 404 for what the user may not create in.

    Where the form comes from is in its address (`?portfolio=` or `?account=`); from an
    account, the portfolio chosen in the form wins over the one of the address.
    """
    wanted = query.get("portfolio", "")
    account_id = query.get("account", "")
    if account_id:
        account = access.get(user, visible_accounts(user).select_related("company"), account_id)
        choices = list(_portfolios().filter(company_id=account.company_id).order_by("name"))
        if not choices:
            raise Http404(_("%(company)s has no portfolio yet.") % {"company": account.company})
        if posted is not None and posted.get("portfolio"):
            wanted = posted.get("portfolio", "")
        chosen = next((p for p in choices if str(p.pk) == wanted), choices[0])
        return Setup("account", chosen, choices, account)
    key = integer(wanted)
    if key is None:
        raise OutOfScope(Portfolio, wanted)
    portfolio = access.held(user, _portfolios()).filter(pk=key).first()
    if portfolio is None:
        raise OutOfScope(Portfolio, wanted)
    return Setup("board", portfolio, [portfolio])


def _next_url(setup: Setup, opportunity: Opportunity) -> str:
    if setup.account is not None:
        return reverse("customers:account", args=[setup.account.pk]) + "?tab=opportunities"
    return reverse("pipeline:board") + f"?portfolio={opportunity.portfolio_id}"


# -- the form -------------------------------------------------------------------------------


@dataclass
class CreateForm:
    fields: list[FormField]
    portfolio: FormField
    stage: FormField
    errors: list[str] = field(default_factory=list)


def stage_field(user: Collaborator, portfolio: Portfolio, posted: str = "") -> FormField:
    """O3: the default stage shown; a choice only with `change_default_stage`."""
    stages, default = stage_choices(portfolio)
    item = FormField(name="stage", label=_("Stage"), widget="select", input_id="new-stage")
    item.choices = [(str(s.pk), s.name) for s in stages]
    item.value = posted or (str(default.pk) if default else "")
    if not has_right(user, Right.CHANGE_DEFAULT_STAGE):
        item.widget = "static"
        item.text = default.name if default else ""
        item.help = _("Choosing another stage needs the right 191421.")
    return item


def _portfolio_field(setup: Setup) -> FormField:
    item = FormField(
        name="portfolio",
        label=_("Portfolio"),
        widget="select" if setup.origin == "account" else "fixed",
        input_id="new-portfolio",
        value=str(setup.portfolio.pk),
        text=f"{setup.portfolio.name} — {setup.company.name}",
    )
    item.choices = [(str(p.pk), f"{p.name} ({p.template.name})") for p in setup.portfolios]
    if setup.origin == "account":
        item.attrs = {
            "hx-get": reverse("pipeline:opportunity_create") + "?fragment=stage",
            "hx-include": "[name=portfolio], [name=account]",
            "hx-target": "#new-stage-field",
            "hx-swap": "outerHTML",
        }
    return item


def build_form(
    user: Collaborator,
    setup: Setup,
    *,
    data: QueryDict | None = None,
    errors: dict[str, list[str]] | None = None,
) -> CreateForm:
    builder = FieldsBuilder(user, setup.company, prefix="new-", data=data, errors=errors)
    fields = []
    for name in CREATE_FIELDS:
        if name == "account" and setup.account is not None:
            item = builder.make("account", str(setup.account.pk), setup.account.name)
            item.widget = "fixed"
        elif data is not None:
            item = builder.posted(name)
        elif name == "currency":
            item = builder.make(name, setup.company.currency_id)
        elif name == "salesperson":
            item = builder.make(name, str(user.pk), str(user))
        else:
            item = builder.make(name, "")
        fields.append(item)
    stage = stage_field(user, setup.portfolio, data.get("stage", "") if data is not None else "")
    stage.errors = list((errors or {}).get("stage", []))
    shown = {f.name for f in fields} | {"stage", "portfolio"}
    leftover = [
        str(message)
        for name, messages_ in (errors or {}).items()
        if name not in shown
        for message in messages_
    ]
    portfolio = _portfolio_field(setup)
    portfolio.errors = list((errors or {}).get("portfolio", []))
    return CreateForm(fields=fields, portfolio=portfolio, stage=stage, errors=leftover)


def _context(setup: Setup, form: CreateForm) -> dict[str, Any]:
    back = (
        reverse("customers:account", args=[setup.account.pk]) + "?tab=opportunities"
        if setup.account is not None
        else reverse("pipeline:board") + f"?portfolio={setup.portfolio.pk}"
    )
    return {
        "setup": setup,
        "form": form,
        "action": reverse("pipeline:opportunity_create") + setup.query(),
        "back_url": back,
        "nav": "accounts" if setup.account is not None else "opportunities",
    }


def _form_response(
    request: AuthedRequest, setup: Setup, form: CreateForm, status: int
) -> HttpResponse:
    context = _context(setup, form)
    if from_script(request):
        response = render(request, "pipeline/_create_form.html", context, status=status)
        response[FRAGMENT_HEADER] = "form"
        return response
    return render(request, "pipeline/create.html", context, status=status)


# -- O4's dialog ----------------------------------------------------------------------------


@dataclass
class CreateDialog:
    title: str
    subtitle: str
    action: str
    steps: list[DialogStep]
    carried: list[tuple[str, str]]
    first_stage: Stage
    errors: list[str] = field(default_factory=list)


def _dialog(
    request: AuthedRequest, setup: Setup, missing: MissingFields, target: Stage | None
) -> CreateDialog:
    data = request.POST
    submitted = data.get("dialog") == "1"
    errors = dialogs.required_errors(missing.missing) if submitted else {}
    # Only what the contact choices need: the account chosen, if any.
    draft = Opportunity(company=setup.company)
    draft.account_id = setup.account.pk if setup.account else (integer(data.get("account")) or 0)
    builder = DialogBuilder(request.user, draft, data, errors)
    steps = dialogs.open_on_first_fault(builder.stage_steps(missing.missing), submitted)
    asked = {name for item in missing.missing for name in item.fields}
    carried = [
        (name, value)
        for name, values in data.lists()
        if name not in _NOT_CARRIED and name not in asked
        for value in values
    ]
    stages, _default = stage_choices(setup.portfolio)
    shown = target or missing.missing[-1].stage
    return CreateDialog(
        title=_("Create in %(stage)s") % {"stage": shown.name},
        subtitle=_(
            "These stages ask for fields still empty. Fill them in, or create the "
            "opportunity in the first stage, %(first)s."
        )
        % {"first": stages[0].name},
        action=reverse("pipeline:opportunity_create") + setup.query(),
        steps=steps,
        carried=carried,
        first_stage=stages[0],
    )


def _dialog_response(request: AuthedRequest, dialog: CreateDialog) -> HttpResponse:
    html = render_to_string(
        "pipeline/_create_steps_dialog.html", {"dialog": dialog}, request=request
    )
    response = HttpResponse(html, status=422)
    response[FRAGMENT_HEADER] = "dialog"
    return response


def _stage(stage_id: int | None) -> Stage | None:
    return Stage.objects.filter(pk=stage_id).first() if stage_id is not None else None


# -- the view -------------------------------------------------------------------------------


def _done(request: AuthedRequest, setup: Setup, opportunity: Opportunity) -> HttpResponse:
    messages.success(
        request,
        _("%(name)s was created in %(stage)s.")
        % {"name": opportunity.name, "stage": opportunity.stage.name},
    )
    url = _next_url(setup, opportunity)
    if from_script(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _create(request: AuthedRequest, setup: Setup) -> HttpResponse:
    data = request.POST
    user = request.user
    posted = create_values(data)
    if setup.account is not None:
        posted["account"] = str(setup.account.pk)
    values, unreadable = read_values(posted)
    # Without the right the stage field is not drawn; a stage posted all the same goes to the
    # service, which refuses any but the default (O3).
    stage_id = integer(data.get("stage"))
    unchosen = unchosen_errors(data)
    if setup.account is not None:
        unchosen.pop("account", None)
    if unreadable or unchosen:
        refused = every_fault(
            {**unreadable, **unchosen}, values, user=user, company=setup.company, creating=True
        )
        form = build_form(user, setup, data=data, errors=refused.errors)
        return _form_response(request, setup, form, 422)
    try:
        opportunity = services.opportunity_create(
            user=user,
            portfolio_id=setup.portfolio.pk,
            values=values,
            stage_id=stage_id,
            fallback_to_first_stage=data.get("fallback") == "1",
        )
    except MissingFields as exc:
        target = _stage(stage_id) or stage_choices(setup.portfolio)[1]
        return _dialog_response(request, _dialog(request, setup, exc, target))
    except InvalidInput as exc:
        form = build_form(user, setup, data=data, errors=exc.errors)
        return _form_response(request, setup, form, 422)
    return _done(request, setup, opportunity)


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthedRequest) -> HttpResponse:
    """O1-O5: the creation form; `?portfolio=` from the board, `?account=` from an account."""
    posted = request.POST if request.method == "POST" else None
    setup = _setup(request.user, request.GET, posted)
    if request.method == "POST":
        return _create(request, setup)
    if request.GET.get("fragment") == "stage":
        context = {"field": stage_field(request.user, setup.portfolio)}
        return render(request, "pipeline/_create_stage.html", context)
    return _form_response(request, setup, build_form(request.user, setup), 200)
