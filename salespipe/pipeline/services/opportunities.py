"""Every change of an opportunity, whatever the door: pages, dialogs and the JSON API.

Each service is one transaction, takes keyword arguments only (the acting `user`, ids,
and values as a door read them: `OpportunityValues`, dates) and returns the opportunity as
it is afterwards, with the relations its callers read loaded (any other loads when read).
A rule that says no raises a domain error (see `errors`) before anything is written;
`OutOfScope` when the opportunity or portfolio is not the user's to see.

Concurrency (P7): every change but creation takes the `version` the caller read. A change
is a conditional `UPDATE ... WHERE id = ... AND version = ...` that also increments the
version, then the history rows, in one transaction: if someone changed the opportunity in
between, zero rows match, `StaleVersion` is raised and nothing is written. Two people
moving the same card at the same time: exactly one succeeds.

What each service allows:

- `opportunity_create` (O2-O4): in the portfolio's default stage, or its first open stage;
  another stage only with the `change_default_stage` right.
- `opportunity_update` (S2): the sheet's fields, for any status (a signed deal's amount may
  still be corrected), but not the amount and days of a detailed estimate, which are the
  lines' totals (S3); the portfolio only while open (a closed one is reused instead), and
  only for another portfolio of the same company and template. A field that the current
  stage or an earlier one made mandatory can't be emptied while open.
- `opportunity_move` (B14): an open opportunity, to another open stage of its template;
  its portfolio stays the same (also on a group's board).
- `opportunity_schedule` (C3): an open opportunity's expected signature date, set to the
  last day of the month its card was dropped on.
- `opportunity_win` (B16), `opportunity_lose` (B17): an open opportunity only.
- `opportunity_reuse` (B19): a won, lost, abandoned or out-of-target opportunity, into a
  portfolio of its own company (its account belongs to that company), in the first open
  stage of that portfolio; no mandatory field is asked, as the reuse dialog asks only for
  a portfolio. The previous outcome stays in the history.
- `opportunity_delete` (B18): refused while a quote or an order refers to it.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, ProtectedError, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.lib.months import Month
from salespipe.lib.parse import integer
from salespipe.live.models import ChangeKind
from salespipe.live.publish import publish, publish_created
from salespipe.org import access
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator
from salespipe.org.rights import Right, has_right
from salespipe.pipeline.models import (
    MANDATORY_FIELD_NAMES,
    EstimateMode,
    LossReason,
    Opportunity,
    OpportunityStatus,
    Order,
    Portfolio,
    Quote,
    Stage,
    Tag,
)
from salespipe.pipeline.services import history, rules
from salespipe.pipeline.services.errors import (
    InvalidTransition,
    MissingFields,
    NotDeletable,
    StaleVersion,
)
from salespipe.pipeline.services.rules import is_empty
from salespipe.pipeline.services.values import (
    WRITABLE_FIELDS,
    Known,
    OpportunityChanges,
    OpportunityValues,
    clean_values,
    known_references,
)
from salespipe.pipeline.services.versioning import check_version, load, save

__all__ = [
    "NewOpportunity",
    "opportunity_check_change",
    "opportunity_create",
    "opportunity_create_many",
    "opportunity_delete",
    "opportunity_lose",
    "opportunity_move",
    "opportunity_reuse",
    "opportunity_schedule",
    "opportunity_update",
    "opportunity_win",
]


def _require_open(opportunity: Opportunity) -> None:
    if not opportunity.is_open:
        raise InvalidTransition(
            _("%(name)s is closed (%(status)s); reuse it to put it back in a portfolio.")
            % {"name": opportunity.name, "status": opportunity.get_status_display()}
        )


def opportunity_check_change(
    *, user: Collaborator, opportunity_id: int, version: int, needs_open: bool
) -> Opportunity:
    """Refuses a change of `opportunity_id` read at `version` as the change itself would,
    before reading its values: `OutOfScope`, then `StaleVersion`, then, when the change
    needs the opportunity open (a move, a win, a loss, a calendar drop), `InvalidTransition`.
    Writes nothing; returns the opportunity as stored.

    For a door that must tell these before the values it couldn't read, in the order the
    change would: a user who typed into a stale card learns first that it changed."""
    opportunity = load(user, opportunity_id)
    check_version(opportunity, version)
    if needs_open:
        _require_open(opportunity)
    return opportunity


def _portfolio_in_scope(user: Collaborator, portfolio_id: int | None) -> Portfolio:
    """A portfolio the user may create in: one of a company it is scoped on."""
    key = integer(portfolio_id)
    portfolio = (
        access.held(
            user,
            Portfolio.objects.select_related("company__currency", "template", "default_stage"),
        )
        .filter(pk=key)
        .first()
        if key is not None
        else None
    )
    if portfolio is None:
        raise OutOfScope(Portfolio, portfolio_id)
    return portfolio


def _stage(stage_id: int | None, field: str = "stage") -> Stage:
    key = integer(stage_id)
    stage = Stage.objects.select_related("template").filter(pk=key).first() if key else None
    if stage is None:
        if stage_id is None:
            raise InvalidInput({field: [_("The stage is required.")]})
        raise InvalidInput({field: [_("No stage with id %(id)s.") % {"id": stage_id}]})
    return stage


def _date(raw: dt.date | None, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if raw is None:
        errors[field] = [_("This date is required.")]
        return None
    if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
        errors[field] = [_("A date is expected.")]
        return None
    return raw


def _refuse_emptying(
    opportunity: Opportunity, required: Mapping[str, Stage], cleaned: Mapping[str, Any]
) -> None:
    """A filled field that a stage already entered made mandatory stays filled."""
    errors = {}
    for name, value in cleaned.items():
        stage = required.get(name)
        if stage is None or not is_empty(value):
            continue
        if not is_empty(rules.current_value(opportunity, name)):
            errors[name] = [
                _("This field is mandatory from the stage %(stage)s on.") % {"stage": stage.name}
            ]
    if errors:
        raise InvalidInput(errors)


def _creation_stage(
    user: Collaborator, portfolio: Portfolio, stages: Sequence[Stage], stage_id: int | None
) -> Stage:
    """The stage a new opportunity starts in (O3): `stage_id`, else the portfolio's default
    stage, else its first open stage; another than the default needs `change_default_stage`."""
    default = next((s for s in stages if s.pk == portfolio.default_stage_id), stages[0])
    if stage_id is None:
        return default
    key = integer(stage_id)
    chosen = next((s for s in stages if s.pk == key), None)
    if chosen is None:
        raise InvalidInput({"stage": [_("Choose an open stage of this portfolio.")]})
    if chosen != default and not has_right(user, Right.CHANGE_DEFAULT_STAGE):
        raise InvalidInput(
            {"stage": [_("You may not choose another stage than the portfolio's default.")]}
        )
    return chosen


def _open_stages_of(portfolio: Portfolio) -> list[Stage]:
    # Read once: the rules read the template's stages again for each new opportunity.
    prefetch_related_objects([portfolio.template], "stages")
    stages = rules.open_stages(portfolio.template)
    if not stages:
        raise InvalidInput({"portfolio": [_("This portfolio has no open stage.")]})
    return stages


def _new_opportunity(
    user: Collaborator,
    portfolio: Portfolio,
    stages: Sequence[Stage],
    values: OpportunityValues,
    stage_id: int | None,
    *,
    fallback_to_first_stage: bool = False,
    known: Known | None = None,
) -> tuple[Opportunity, list[Tag]]:
    """The opportunity `values` describe, checked and not saved yet, and its tags (O2-O4)."""
    target = _creation_stage(user, portfolio, stages, stage_id)
    cleaned = clean_values(values, user=user, company=portfolio.company, creating=True, known=known)
    missing = rules.missing_for_create(portfolio.template, target, cleaned)
    if missing and fallback_to_first_stage:
        target = stages[0]
        missing = rules.missing_for_create(portfolio.template, target, cleaned)
    if missing:
        raise MissingFields(missing)
    tags = cleaned.pop("tags", [])
    cleaned.setdefault("salesperson", user)
    cleaned.setdefault("currency", portfolio.company.currency)
    opportunity = Opportunity(
        company=portfolio.company,
        portfolio=portfolio,
        stage=target,
        status=OpportunityStatus.OPEN,
        created_by=user,
        **cleaned,
    )
    return opportunity, tags


@transaction.atomic
def opportunity_create(
    *,
    user: Collaborator,
    portfolio_id: int,
    values: OpportunityValues,
    stage_id: int | None = None,
    fallback_to_first_stage: bool = False,
) -> Opportunity:
    """A new open opportunity in `portfolio_id` (O2-O4).

    It starts in `stage_id`, else the portfolio's default stage, else the first open stage;
    only a user with `change_default_stage` may give another stage than the default. When
    that stage or an earlier one has mandatory fields that `values` leave empty,
    `MissingFields` names them per stage, unless `fallback_to_first_stage` asks to create
    in the first stage instead. The salesperson defaults to the user, the currency to the
    company's. `values` holds the keys of `values.WRITABLE_FIELDS`; name and account are
    required.
    """
    portfolio = _portfolio_in_scope(user, portfolio_id)
    opportunity, tags = _new_opportunity(
        user,
        portfolio,
        _open_stages_of(portfolio),
        values,
        stage_id,
        fallback_to_first_stage=fallback_to_first_stage,
    )
    opportunity.save()
    if tags:
        opportunity.tags.set(tags)
    history.record_created(opportunity, user)
    publish(opportunity, ChangeKind.CREATED)
    return load(user, opportunity.pk)


@dataclass(frozen=True)
class NewOpportunity:
    """One opportunity of `opportunity_create_many`: as `opportunity_create` takes it."""

    values: OpportunityValues
    stage_id: int | None = None


@transaction.atomic
def opportunity_create_many(
    *, user: Collaborator, portfolio_id: int, items: Sequence[NewOpportunity]
) -> list[Opportunity | DomainError]:
    """`opportunity_create` of many opportunities at once (an import's batch): each one
    checked as `opportunity_create` checks it, those that pass inserted together with their
    history; for each item, in order, the opportunity created or the `DomainError` that
    refused it. The references of all the items are read in four queries
    (`known_references`), so the queries don't grow with the items. A database refusal
    rolls the whole batch back and is raised."""
    portfolio = _portfolio_in_scope(user, portfolio_id)
    stages = _open_stages_of(portfolio)
    known = known_references([item.values for item in items], user=user, company=portfolio.company)
    results: list[Opportunity | DomainError] = []
    tagged: list[tuple[Opportunity, list[Tag]]] = []
    for item in items:
        try:
            opportunity, tags = _new_opportunity(
                user, portfolio, stages, item.values, item.stage_id, known=known
            )
        except DomainError as error:
            results.append(error)
            continue
        opportunity.refresh_keys()
        results.append(opportunity)
        tagged.append((opportunity, tags))
    created = Opportunity.objects.bulk_create([opportunity for opportunity, _tags in tagged])
    Opportunity.tags.through.objects.bulk_create(
        [
            Opportunity.tags.through(opportunity_id=opportunity.pk, tag_id=tag.pk)
            for opportunity, tags in tagged
            for tag in tags
        ]
    )
    history.record_created_many(created, user)
    publish_created(created)
    return results


@transaction.atomic
def opportunity_update(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    values: OpportunityChanges,
) -> Opportunity:
    """The sheet's fields (S2): the values given, and the portfolio of an open opportunity."""
    opportunity = load(user, opportunity_id)
    version = check_version(opportunity, version)
    if not isinstance(values, Mapping):
        raise InvalidInput({"__all__": [_("The fields must be given as names and values.")]})
    fields = values.copy()
    has_portfolio = "portfolio" in fields
    portfolio_id = fields.pop("portfolio", None)
    changes = clean_values(fields, user=user, company=opportunity.company, opportunity=opportunity)
    _refuse_totals_of_lines(opportunity, changes)
    if has_portfolio and integer(portfolio_id) != opportunity.portfolio_id:
        changes["portfolio"] = _other_portfolio(user, opportunity, portfolio_id)
    if opportunity.is_open:
        _refuse_emptying(opportunity, rules.fields_required_up_to(opportunity.stage), changes)
    if not changes:
        return opportunity
    return save(user, opportunity, version, changes)


def _refuse_totals_of_lines(opportunity: Opportunity, changes: Mapping[str, Any]) -> None:
    """S3: with a detailed estimate, the amount and days are the lines' totals."""
    if opportunity.estimate_mode != EstimateMode.DETAILED:
        return
    errors = {
        name: [_("With a detailed estimate, this is the total of the lines: edit the lines.")]
        for name in ("amount", "days")
        if name in changes and changes[name] != getattr(opportunity, name)
    }
    if errors:
        raise InvalidInput(errors)


def _other_portfolio(
    user: Collaborator, opportunity: Opportunity, portfolio_id: int | None
) -> Portfolio:
    if not opportunity.is_open:
        raise InvalidTransition(_("A closed opportunity changes portfolio by being reused."))
    portfolio = _portfolio_in_scope(user, portfolio_id)
    if portfolio.company_id != opportunity.company_id:
        raise InvalidInput(
            {
                "portfolio": [
                    _("Choose a portfolio of %(company)s.") % {"company": opportunity.company}
                ]
            }
        )
    if portfolio.template_id != opportunity.stage.template_id:
        raise InvalidInput(
            {
                "portfolio": [
                    _("Choose a portfolio with the same stages (%(template)s).")
                    % {"template": opportunity.stage.template}
                ]
            }
        )
    return portfolio


# What a move or a calendar drop reads with the opportunity: its company and its stages'
# template. Whoever shows the result reads the rest, as it needs.
_MOVE_RELATED = ("company", "stage__template")
_MOVE_PREFETCH = (
    # In board order without the template's name to sort on: the template is known. Tags
    # are read only if a stage entered asks for them, or by a caller that shows them.
    Prefetch("stage__template__stages", queryset=Stage.objects.order_by("order", "id")),
)


@transaction.atomic
def opportunity_schedule(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    month: Month | None,
) -> Opportunity:
    """C3: a card dropped on a calendar month is expected to sign on that month's last day.

    `month` is not yet over; None (the *No date* column) clears the date, unless the
    current stage or an earlier one made it mandatory.
    """
    opportunity = load(user, opportunity_id, related=_MOVE_RELATED, prefetch=())
    version = check_version(opportunity, version)
    _require_open(opportunity)
    if month is None:
        day = None
        _refuse_emptying(
            opportunity,
            rules.fields_required_up_to(opportunity.stage),
            {"expected_signature_date": None},
        )
    else:
        day = month.last_day
        # C3: a date in the past is typed on the sheet, never set by a drop.
        if day < timezone.localdate():
            raise InvalidInput(
                {"month": [_("That month is over: a card can't be planned to sign in the past.")]}
            )
    if opportunity.expected_signature_date == day:
        return opportunity
    return save(user, opportunity, version, {"expected_signature_date": day})


# What a move reads: the stages of its template (B14's rules, and the target among them),
# its tags (a stage may require some; the answer lists them) and its company (the values'
# checks). Its other relations load only if read, rather than joining ten tables on every
# move.
def _stage_of_its_template(opportunity: Opportunity, stage_id: int) -> Stage:
    """`stage_id` among the stages of the opportunity's template, loaded with it."""
    key = integer(stage_id)
    found = next((s for s in opportunity.stage.template.stages.all() if s.pk == key), None)
    if found is None:
        _stage(stage_id)  # No such stage at all: its own message.
        # A stage the board could not offer is a bad request (422), not a conflict.
        raise InvalidInput({"stage": [_("This stage belongs to another portfolio's stages.")]})
    return found


@transaction.atomic
def opportunity_move(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    stage_id: int,
    values: OpportunityValues | None = None,
) -> Opportunity:
    """B14: to another open stage of the template, with the mandatory fields it enters.

    `values` may fill any field a stage can make mandatory (`MANDATORY_FIELD_NAMES`).
    """
    opportunity = load(user, opportunity_id, related=_MOVE_RELATED, prefetch=_MOVE_PREFETCH)
    version = check_version(opportunity, version)
    _require_open(opportunity)
    target = _stage_of_its_template(opportunity, stage_id)
    if not target.is_open:
        raise InvalidInput({"stage": [_("A won stage is reached by marking the opportunity won.")]})
    if target.pk == opportunity.stage_id:
        raise InvalidTransition(_("The opportunity is already in this stage."))
    changes = clean_values(
        values,
        user=user,
        company=opportunity.company,
        opportunity=opportunity,
        allowed=MANDATORY_FIELD_NAMES,
    )
    missing = rules.missing_for_move(opportunity, target, changes)
    if missing:
        raise MissingFields(missing)
    _refuse_emptying(opportunity, rules.fields_required_up_to(target), changes)
    changes["stage"] = target
    return save(user, opportunity, version, changes)


@transaction.atomic
def opportunity_win(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    stage_id: int,
    signed_on: dt.date | None,
    values: OpportunityValues | None = None,
) -> Opportunity:
    """B16: into a won stage of the template, on `signed_on`.

    The mandatory fields of the open stages not yet passed and of the won stage come first
    (`MissingFields`); `values` may fill them.
    """
    opportunity = load(user, opportunity_id)
    version = check_version(opportunity, version)
    _require_open(opportunity)
    errors: dict[str, list[str]] = {}
    signed = _date(signed_on, "signed_on", errors)
    stage = None
    try:
        stage = _stage(stage_id)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if stage is not None and (
        not stage.is_won or stage.template_id != opportunity.stage.template_id
    ):
        errors["stage"] = [_("Choose one of the won stages of this opportunity's stages.")]
    if errors or stage is None:
        raise InvalidInput(errors)
    changes = clean_values(
        values,
        user=user,
        company=opportunity.company,
        opportunity=opportunity,
        allowed=MANDATORY_FIELD_NAMES,
    )
    missing = rules.missing_for_win(opportunity, stage, changes)
    if missing:
        raise MissingFields(missing)
    required = rules.fields_required_up_to(rules.open_stages(stage.template)[-1])
    for name in stage.mandatory_fields:
        required.setdefault(name, stage)
    _refuse_emptying(opportunity, required, changes)
    changes.update(stage=stage, status=OpportunityStatus.WON, signed_on=signed)
    return save(user, opportunity, version, changes)


@transaction.atomic
def opportunity_lose(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    reason_id: int,
    lost_on: dt.date | None,
) -> Opportunity:
    """B17: with a loss reason, whose status it takes, and the day it was lost. Nothing else."""
    opportunity = load(user, opportunity_id)
    version = check_version(opportunity, version)
    _require_open(opportunity)
    errors: dict[str, list[str]] = {}
    lost = _date(lost_on, "lost_on", errors)
    key = integer(reason_id)
    reason = LossReason.objects.filter(pk=key).first() if key is not None else None
    if reason is None:
        errors["reason"] = (
            [_("The reason is required.")]
            if reason_id is None
            else [_("No loss reason with id %(id)s.") % {"id": reason_id}]
        )
    if errors or reason is None:
        raise InvalidInput(errors)
    changes = {"status": reason.status, "loss_reason": reason, "lost_on": lost}
    return save(user, opportunity, version, changes)


@transaction.atomic
def opportunity_reuse(
    *,
    user: Collaborator,
    opportunity_id: int,
    version: int,
    portfolio_id: int,
) -> Opportunity:
    """B19: a closed opportunity, open again in the first stage of `portfolio_id`."""
    opportunity = load(user, opportunity_id)
    version = check_version(opportunity, version)
    if opportunity.is_open:
        raise InvalidTransition(_("Only a won or lost opportunity can be reused."))
    portfolio = _portfolio_in_scope(user, portfolio_id)
    if portfolio.company_id != opportunity.company_id:
        raise InvalidInput(
            {
                "portfolio": [
                    _("Choose a portfolio of %(company)s.") % {"company": opportunity.company}
                ]
            }
        )
    stages = rules.open_stages(portfolio.template)
    if not stages:
        raise InvalidInput({"portfolio": [_("This portfolio has no open stage.")]})
    changes = {
        "portfolio": portfolio,
        "stage": stages[0],
        "status": OpportunityStatus.OPEN,
        "signed_on": None,
        "lost_on": None,
        "loss_reason": None,
    }
    return save(user, opportunity, version, changes)


@transaction.atomic
def opportunity_delete(
    *, user: Collaborator, opportunity_id: int, version: int | None = None
) -> None:
    """B18: deleted for good (account and contacts stay), unless a quote or order refers to it.

    A last history entry keeps a snapshot of what was deleted. With `version`, a change made
    since that version refuses the deletion (`StaleVersion`).
    """
    opportunity = load(user, opportunity_id)
    if version is not None:
        check_version(opportunity, version)
    # The row lock keeps the opportunity as checked until it is gone: no change, no new quote.
    locked = (
        Opportunity.objects.select_for_update()
        .filter(pk=opportunity.pk)
        .values_list("version", flat=True)
        .first()
    )
    if locked is None:
        raise OutOfScope(Opportunity, opportunity_id)
    if version is not None and locked != integer(version):
        raise StaleVersion(load(user, opportunity.pk))
    _refuse_if_referenced(opportunity)
    history.record_deleted(opportunity, user)
    publish(opportunity, ChangeKind.DELETED)
    try:
        opportunity.delete()
    except ProtectedError:
        _refuse_if_referenced(opportunity)
        raise


def _refuse_if_referenced(opportunity: Opportunity) -> None:
    quotes = list(
        Quote.objects.filter(opportunity=opportunity)
        .order_by("number")
        .values_list("number", flat=True)
    )
    orders = list(
        Order.objects.filter(opportunity=opportunity)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if quotes or orders:
        raise NotDeletable(quotes=quotes, orders=orders)


# The keys a caller may give to `opportunity_update`, for the doors that build forms.
UPDATABLE_FIELDS: tuple[str, ...] = (*WRITABLE_FIELDS, "portfolio")
