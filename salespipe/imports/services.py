"""Importing a file's rows (SPEC X5), each through the services a user typing it would go
through: the same scope, rights, stage rules and checks.

Each row is one transaction: a refused row is rolled back whole, never half-written, and never
stops the others. A dry run imports the rows the same way, a batch at a time, and rolls each
batch back, so that its report is the real run's (see `DRY_RUN_BATCH`). A row is matched to the record it
already became (its id in the other system, kept in `ExternalKey`), else to an account of
the same SIREN or name, a contact of the same email, an opportunity of the same name and
account in the portfolio: importing a file twice creates nothing the second time.
"""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siren

from salespipe.customers import services as customers
from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.imports import cells
from salespipe.imports.files import Cell, Row, Table
from salespipe.imports.mapping import FIELDS, DateOrder, Kind, known_fields
from salespipe.imports.models import ExternalKey
from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import (
    LossReason,
    LossStatus,
    Opportunity,
    Portfolio,
    StageStatus,
)
from salespipe.pipeline.services import opportunities
from salespipe.pipeline.services.rules import open_stages, stage_position

Action = Literal["created", "updated", "unchanged", "rejected"]
# The rows a dry run writes and rolls back at once. A record a batch creates is not there for
# the next: a file naming one new account in rows far apart has it reported created twice.
DRY_RUN_BATCH = 200


@dataclass(frozen=True)
class RowOutcome:
    line: int
    action: Action
    # What the row is ("Boulangerie Dupont"), and why it was refused.
    label: str = ""
    reason: str = ""


@dataclass
class Report:
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(rejected)s rejected") % {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "rejected": self.count("rejected"),
        }


@dataclass(frozen=True)
class Plan:
    """What an import does with a file: which column fills which field, where the records go."""

    kind: Kind
    # The field each column fills, by column index.
    columns: Mapping[int, str]
    date_order: DateOrder = "dmy"
    company_id: int | None = None
    portfolio_id: int | None = None


def _reason(error: Exception, kind: Kind) -> str:
    """Why a row was refused, in the user's language, fields named as the mapping names them."""
    if isinstance(error, InvalidInput):
        labels = {field.name: str(field.label) for field in FIELDS[kind]}
        return " ".join(
            " ".join(messages)
            if name == "__all__"
            else _("%(field)s: %(problem)s")
            % {"field": labels.get(name, name), "problem": " ".join(messages)}
            for name, messages in error.errors.items()
        )
    if isinstance(error, cells.Unreadable):
        return _("This value can't be read: %(value)s") % {"value": error}
    if isinstance(error, OutOfScope):
        return _("This record is not one you may change.")
    return str(error)


class _Row:
    """One row's mapped cells."""

    def __init__(self, cells_by_field: Mapping[str, Cell], date_order: DateOrder) -> None:
        self.cells = cells_by_field
        self.date_order = date_order

    def text(self, name: str) -> str:
        return cells.text(self.cells.get(name))

    def given(self, name: str) -> bool:
        return self.text(name) != ""

    def amount(self, name: str) -> Decimal | None:
        try:
            return cells.amount(self.cells.get(name))
        except cells.Unreadable as exc:
            raise InvalidInput({name: [_("An amount is expected.")]}) from exc

    def date(self, name: str) -> dt.date | None:
        try:
            return cells.date(self.cells.get(name), self.date_order)
        except cells.Unreadable as exc:
            raise InvalidInput({name: [_("A date is expected.")]}) from exc


def _changes(record: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from what `record` holds: an update writes only those."""
    return {name: value for name, value in values.items() if getattr(record, name, None) != value}


class _Importer:
    """The rows of one import, for one user and one company (or portfolio)."""

    def __init__(self, user: Collaborator, plan: Plan, company: Company) -> None:
        self.user = user
        self.plan = plan
        self.company = company

    # Matching ---------------------------------------------------------------------------

    def _keyed(self, key: str) -> int | None:
        if not key:
            return None
        return (
            ExternalKey.objects.filter(company=self.company, kind=self.plan.kind, key=key)
            .values_list("record_id", flat=True)
            .first()
        )

    def _remember(self, key: str, record_id: int) -> None:
        if key:
            ExternalKey.objects.update_or_create(
                company=self.company,
                kind=self.plan.kind,
                key=key,
                defaults={"record_id": record_id},
            )

    def _accounts(self) -> QuerySet[Account]:
        return access.scoped(self.user, Account.objects.filter(company=self.company))

    def _account_named(self, name: str) -> Account | None:
        key = search_key(name)
        if not key:
            return None
        return self._accounts().filter(name_key=key).order_by("id").first()

    # Accounts ---------------------------------------------------------------------------

    def account(self, row: _Row) -> RowOutcome:
        name = row.text("name")
        values: dict[str, Any] = {"name": name}
        for name_of in ("phone", "email"):
            if row.given(name_of):
                values[name_of] = row.text(name_of)
        if row.given("siren"):
            # As the account keeps it: "552 100 554" is the SIREN 552100554.
            values["siren"] = siren.compact(row.text("siren"))
        if row.given("kind"):
            values["kind"] = _account_kind(row.text("kind"))
        key = row.text("external_id")
        found_id = self._keyed(key)
        account = self._accounts().filter(pk=found_id).first() if found_id else None
        if account is None and values.get("siren"):
            account = self._accounts().filter(siren=values["siren"]).first()
        if account is None:
            account = self._account_named(name)
        if account is None:
            values.setdefault("kind", AccountKind.CLIENT)
            account = customers.account_create(
                user=self.user, company_id=self.company.pk, values=values
            )
            self._remember(key, account.pk)
            return RowOutcome(0, "created", account.name)
        self._remember(key, account.pk)
        changes = _changes(account, values)
        if not changes:
            return RowOutcome(0, "unchanged", account.name)
        customers.account_update(user=self.user, account_id=account.pk, values=changes)
        return RowOutcome(0, "updated", account.name)

    # Contacts ---------------------------------------------------------------------------

    def _contact_values(self, row: _Row) -> dict[str, Any]:
        first, last = row.text("first_name"), row.text("last_name")
        if not last and row.given("full_name"):
            first, last = _split_name(row.text("full_name"))
        values: dict[str, Any] = {"first_name": first, "last_name": last}
        for name in ("phone", "mobile", "function", "email"):
            if row.given(name):
                values[name] = row.text(name)
        return values

    def _account_of(self, row: _Row) -> Account:
        name = row.text("account")
        account = self._account_named(name)
        if account is None:
            if not name:
                raise InvalidInput({"account": [_("The account is required.")]})
            account = customers.account_create(
                user=self.user,
                company_id=self.company.pk,
                values={"name": name, "kind": AccountKind.PROSPECT},
            )
        return account

    def contact(self, row: _Row) -> RowOutcome:
        values = self._contact_values(row)
        account = self._account_of(row)
        key = row.text("external_id")
        found_id = self._keyed(key)
        contacts = access.scoped(self.user, Contact.objects.filter(account=account))
        contact = contacts.filter(pk=found_id).first() if found_id else None
        if contact is None and values.get("email"):
            contact = contacts.filter(email__iexact=values["email"]).first()
        if contact is None and values["last_name"]:
            contact = contacts.filter(
                first_name__iexact=values["first_name"], last_name__iexact=values["last_name"]
            ).first()
        label = " ".join(part for part in (values["first_name"], values["last_name"]) if part)
        if contact is None:
            contact = customers.contact_create(user=self.user, account_id=account.pk, values=values)
            self._remember(key, contact.pk)
            return RowOutcome(0, "created", label)
        self._remember(key, contact.pk)
        changes = _changes(contact, values)
        if not changes:
            return RowOutcome(0, "unchanged", label)
        customers.contact_update(user=self.user, contact_id=contact.pk, values=changes)
        return RowOutcome(0, "updated", label)

    # Opportunities ----------------------------------------------------------------------

    def opportunity(self, row: _Row, portfolio: Portfolio) -> RowOutcome:
        name = row.text("name")
        account = self._account_of(row)
        values: dict[str, Any] = {"name": name, "account": account.pk}
        if row.given("amount"):
            values["amount"] = row.amount("amount")
        if row.given("currency"):
            values["currency"] = row.text("currency").upper()
        if row.given("expected_signature_date"):
            values["expected_signature_date"] = row.date("expected_signature_date")
        if row.given("description"):
            values["description"] = row.text("description")
        if row.given("salesperson"):
            values["salesperson"] = self._salesperson(row.text("salesperson")).pk
        contact = self._contact_of(row, account)
        if contact is not None:
            values["contact"] = contact.pk
        outcome, stage = self._outcome_and_stage(row, portfolio)

        key = row.text("external_id")
        found_id = self._keyed(key)
        mine = access.scoped(self.user, Opportunity.objects.filter(portfolio=portfolio))
        existing = mine.filter(pk=found_id).first() if found_id else None
        if existing is None:
            existing = mine.filter(name=name, account=account).order_by("id").first()
        if existing is not None:
            self._remember(key, existing.pk)
            return self._update(existing, values, name)
        created = opportunities.opportunity_create(
            user=self.user,
            portfolio_id=portfolio.pk,
            values=values,
            stage_id=stage.pk if stage is not None else None,
        )
        self._remember(key, created.pk)
        if outcome == "won":
            self._win(created, row, portfolio)
        elif outcome == "lost":
            self._lose(created, row)
        return RowOutcome(0, "created", name)

    def _update(self, existing: Opportunity, values: dict[str, Any], name: str) -> RowOutcome:
        current = {
            "name": existing.name,
            "account": existing.account_id,
            "amount": existing.amount,
            "currency": existing.currency_id,
            "expected_signature_date": existing.expected_signature_date,
            "description": existing.description,
            "salesperson": existing.salesperson_id,
            "contact": existing.contact_id,
        }
        changes = {
            name_of: value for name_of, value in values.items() if current.get(name_of) != value
        }
        if not changes:
            return RowOutcome(0, "unchanged", name)
        opportunities.opportunity_update(
            user=self.user, opportunity_id=existing.pk, version=existing.version, values=changes
        )
        return RowOutcome(0, "updated", name)

    def _salesperson(self, typed: str) -> Collaborator:
        key = search_key(typed)
        for person in access.scoped(
            self.user, Collaborator.objects.filter(companies=self.company, is_active=True)
        ):
            names = {
                search_key(person.username),
                search_key(person.email or ""),
                search_key(f"{person.first_name} {person.last_name}"),
            }
            if key in names:
                return person
        raise InvalidInput(
            {
                "salesperson": [
                    _("No collaborator of this company is called %(name)s.") % {"name": typed}
                ]
            }
        )

    def _contact_of(self, row: _Row, account: Account) -> Contact | None:
        contacts = access.scoped(self.user, Contact.objects.filter(account=account))
        email = row.text("contact_email")
        if email:
            found = contacts.filter(email__iexact=email).first()
            if found is not None:
                return found
        typed = row.text("contact")
        if not typed:
            return None
        key = search_key(typed)
        for contact in contacts:
            if key in (
                search_key(f"{contact.first_name} {contact.last_name}"),
                search_key(f"{contact.last_name} {contact.first_name}"),
            ):
                return contact
        first, last = _split_name(typed)
        values: dict[str, Any] = {"first_name": first, "last_name": last}
        if email:
            values["email"] = email
        return customers.contact_create(user=self.user, account_id=account.pk, values=values)

    def _outcome_and_stage(self, row: _Row, portfolio: Portfolio) -> tuple[cells.Status, Any]:
        """Won, lost or open, from the status column or a stage that says it (HubSpot's and
        Salesforce's "Closed Won"); and the open stage it is in, if the file names one."""
        status = cells.status(row.cells.get("status")) if row.given("status") else None
        if row.given("status") and status is None:
            raise InvalidInput({"status": [_("Open, won or lost is expected.")]})
        stage_name = row.text("stage")
        if not stage_name:
            return status or "open", None
        stages = open_stages(portfolio.template)
        key = search_key(stage_name)
        stage = next((s for s in stages if search_key(s.name) == key), None)
        if stage is None:
            said = cells.status(stage_name)
            if said is not None and said != "open":
                return status or said, None
            won = portfolio.template.stages.filter(status=StageStatus.WON, name__iexact=stage_name)
            if won.exists():
                return "won", None
            raise InvalidInput(
                {
                    "stage": [
                        _("No stage %(stage)s in this portfolio; its stages: %(stages)s.")
                        % {"stage": stage_name, "stages": ", ".join(s.name for s in stages)}
                    ]
                }
            )
        return status or "open", stage

    def _win(self, created: Opportunity, row: _Row, portfolio: Portfolio) -> None:
        won_stages = sorted(
            portfolio.template.stages.filter(status=StageStatus.WON), key=stage_position
        )
        if not won_stages:
            raise InvalidInput({"status": [_("This portfolio has no won stage.")]})
        signed = row.date("signed_on") or created.expected_signature_date or timezone.localdate()
        opportunities.opportunity_win(
            user=self.user,
            opportunity_id=created.pk,
            version=created.version,
            stage_id=won_stages[0].pk,
            signed_on=signed,
        )

    def _lose(self, created: Opportunity, row: _Row) -> None:
        reasons = LossReason.objects.filter(status=LossStatus.LOST)
        typed = row.text("loss_reason")
        reason = reasons.filter(name__iexact=typed).first() if typed else None
        reason = reason or reasons.order_by("id").first()
        if reason is None:
            raise InvalidInput({"loss_reason": [_("No loss reason is configured.")]})
        opportunities.opportunity_lose(
            user=self.user,
            opportunity_id=created.pk,
            version=created.version,
            reason_id=reason.pk,
            lost_on=row.date("lost_on") or timezone.localdate(),
        )


def _split_name(full: str) -> tuple[str, str]:
    """ "Marie Dupont" -> ("Marie", "Dupont"); "Jean Pierre Dupont" -> ("Jean", "Pierre
    Dupont"); a single word is a last name."""
    first, _space, last = full.strip().partition(" ")
    return (first, last.strip()) if last.strip() else ("", first)


def _account_kind(typed: str) -> str:
    key = search_key(typed)
    for value, label in AccountKind.choices:
        if key in (search_key(value), search_key(str(label))):
            return value
    raise InvalidInput({"kind": [_("Client or prospect is expected.")]})


def check_plan(user: Collaborator, plan: Plan, table: Table) -> tuple[Company, Portfolio | None]:
    """The company (and portfolio) the plan imports into; `InvalidInput` when it can't be
    followed: unknown fields, a column the file lacks, a required field no column gives."""
    unknown = set(plan.columns.values()) - known_fields(plan.kind)
    if unknown:
        raise InvalidInput(
            {"columns": [_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}]}
        )
    if any(not 0 <= index < len(table.headers) for index in plan.columns):
        raise InvalidInput({"columns": [_("A column that the file doesn't have.")]})
    mapped = set(plan.columns.values())
    required = [f for f in FIELDS[plan.kind] if f.required and f.name not in mapped]
    if plan.kind == "contacts" and not mapped & {"last_name", "full_name"}:
        required.append(next(f for f in FIELDS["contacts"] if f.name == "last_name"))
    if required:
        raise InvalidInput(
            {
                "columns": [
                    _("No column gives: %(fields)s.")
                    % {"fields": ", ".join(str(f.label) for f in required)}
                ]
            }
        )
    return destination(user, plan.kind, plan.company_id, plan.portfolio_id)


def destination(
    user: Collaborator, kind: Kind, company_id: int | None, portfolio_id: int | None
) -> tuple[Company, Portfolio | None]:
    """The company (and, for opportunities, the portfolio) of the user's that an import of
    `kind` writes into: `InvalidInput` for one he doesn't hold."""
    if kind == "opportunities":
        if portfolio_id is None:
            raise InvalidInput({"portfolio": [_("Choose the portfolio to import into.")]})
        portfolio = (
            access.held(user, Portfolio.objects.select_related("company", "template"))
            .filter(pk=portfolio_id)
            .first()
        )
        if portfolio is None:
            raise InvalidInput({"portfolio": [_("Choose a portfolio of your companies.")]})
        return portfolio.company, portfolio
    companies = list(access.companies(user))
    if company_id is None:
        if len(companies) != 1:
            raise InvalidInput({"company": [_("Choose the company to import into.")]})
        return companies[0], None
    company = next((c for c in companies if c.pk == company_id), None)
    if company is None:
        raise InvalidInput({"company": [_("Choose one of your companies.")]})
    return company, None


def import_records(
    *,
    user: Collaborator,
    table: Table,
    plan: Plan,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """X5: every row of `table` imported as `plan` says, each through the services; a dry
    run writes nothing. `InvalidInput` when the plan itself can't be followed."""
    company, portfolio = check_plan(user, plan, table)
    importer = _Importer(user, plan, company)
    report = Report(dry_run=dry_run)
    if not dry_run:
        # Row by row, each committed: its progress shows and what it wrote survives a stop.
        for done, row in enumerate(table.rows, start=1):
            report.rows.append(_one(importer, plan, portfolio, row))
            if progress is not None:
                progress(done)
        return report
    # A dry run writes each batch of rows as the import would, then rolls it back: it never
    # holds the tables long enough to keep colleagues waiting.
    for start in range(0, len(table.rows), DRY_RUN_BATCH):
        with transaction.atomic():
            for row in table.rows[start : start + DRY_RUN_BATCH]:
                report.rows.append(_one(importer, plan, portfolio, row))
            transaction.set_rollback(True)
        if progress is not None:
            progress(len(report.rows))
    return report


def _one(importer: _Importer, plan: Plan, portfolio: Portfolio | None, row: Row) -> RowOutcome:
    mapped = _Row({name: row.cells[index] for index, name in plan.columns.items()}, plan.date_order)
    try:
        with transaction.atomic():
            if plan.kind == "accounts":
                outcome = importer.account(mapped)
            elif plan.kind == "contacts":
                outcome = importer.contact(mapped)
            else:
                assert portfolio is not None
                outcome = importer.opportunity(mapped, portfolio)
    except (DomainError, OutOfScope, cells.Unreadable, DatabaseError) as error:
        # A value the database itself refuses (a text it can't store) is the row's refusal
        # too: its savepoint is rolled back, the next rows go on.
        label = mapped.text("name") or mapped.text("last_name") or mapped.text("full_name")
        reason = (
            _("The database refused this row's values.")
            if isinstance(error, DatabaseError)
            else _reason(error, plan.kind)
        )
        return RowOutcome(row.line, "rejected", label, reason)
    return RowOutcome(row.line, outcome.action, outcome.label)
