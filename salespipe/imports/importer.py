"""One import's rows, matched to what they already became and written through the services
(SPEC X5), with what it reads kept for the next rows.

A row is matched to the record it already became: its id in the other system (kept in
`ExternalKey`), else an account of the same SIREN or name, a contact of the same email or
name, an opportunity of the same name and account in the portfolio; importing a file twice
creates nothing the second time.

What the importer reads once and keeps (the portfolio's stages, the company's salespeople,
accounts by name, an account's contacts, the keys and the opportunities already imported) is
what makes an import of many rows cost a few queries per hundred rows. What it keeps is never
wider than the database: a record a row wrote is learned only once that row is through
(`learned`), and `forget` drops it all when a dry run's batch is rolled back.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siren

from salespipe.customers import services as customers
from salespipe.customers.models import Account, AccountKind, Contact
from salespipe.customers.services import AccountValues, ContactValues
from salespipe.imports import cells
from salespipe.imports.models import ExternalKey
from salespipe.imports.rows import Action, MappedRow, Plan, RowOutcome
from salespipe.lib.errors import InvalidInput
from salespipe.lib.text import search_key
from salespipe.org import access
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import (
    LossReason,
    LossStatus,
    Opportunity,
    Portfolio,
    Stage,
    StageStatus,
)
from salespipe.pipeline.services import opportunities
from salespipe.pipeline.services.rules import open_stages, stage_position
from salespipe.pipeline.services.values import OpportunityChanges, OpportunityValues


class NeedsWriting(Exception):
    """The row needs another record written before its own (an account, a contact, an
    existing opportunity changed): it is imported alone, not with a batch."""


@dataclass(frozen=True)
class Ready:
    """An opportunity row that needs nothing written but itself: created with others."""

    row: MappedRow
    name: str
    account_id: int
    key: str
    new: opportunities.NewOpportunity


@dataclass(frozen=True)
class _Stages:
    open: list[Stage]
    won: list[Stage]


def _changes[V: Mapping[str, object]](record: object, values: V) -> V:
    """The values that differ from what `record` holds: an update writes only those."""
    differ = {name: value for name, value in values.items() if getattr(record, name, None) != value}
    # A part of `values`: of its type.
    return cast(V, differ)


class Importer:
    """The rows of one import, for one user and one company (or portfolio)."""

    def __init__(self, user: Collaborator, plan: Plan, company: Company) -> None:
        self.user = user
        self.plan = plan
        self.company = company
        # What a row has written, kept once the row is through (see `learned`).
        self._unlearned: list[Callable[[], None]] = []
        self.forget()

    def forget(self) -> None:
        """Drops what was read: a rolled-back batch may have written what it names."""
        self._keys: dict[str, int] | None = None
        self._named: dict[str, Account] = {}
        self._contacts: dict[int, list[Contact]] = {}
        self._people: list[tuple[set[str], Collaborator]] | None = None
        self._stages: _Stages | None = None
        self._reasons: list[LossReason] | None = None
        self._imported: set[tuple[str, int]] | None = None
        self._unlearned = []

    def learned(self, through: bool) -> None:
        """The row is over: what it wrote is kept if it went through, else dropped, with the
        contacts read meanwhile (an account it created and that is gone may have been read)."""
        if through:
            for learn in self._unlearned:
                learn()
        else:
            self._contacts.clear()
        self._unlearned = []

    # Matching ---------------------------------------------------------------------------

    def _known_keys(self) -> dict[str, int]:
        if self._keys is None:
            self._keys = dict(
                ExternalKey.objects.filter(company=self.company, kind=self.plan.kind).values_list(
                    "key", "record_id"
                )
            )
        return self._keys

    def _keyed(self, key: str) -> int | None:
        return self._known_keys().get(key) if key else None

    def _remember(self, key: str, record_id: int) -> None:
        if not key or self._keyed(key) == record_id:
            return
        ExternalKey.objects.update_or_create(
            company=self.company, kind=self.plan.kind, key=key, defaults={"record_id": record_id}
        )
        self._unlearned.append(lambda: self._known_keys().__setitem__(key, record_id))

    def remember_many(self, keys: dict[str, int]) -> None:
        """The keys of records a batch created, in one insert, inside the batch's
        transaction: `learn_keys` once it is through."""
        ExternalKey.objects.bulk_create(
            [
                ExternalKey(company=self.company, kind=self.plan.kind, key=key, record_id=record)
                for key, record in keys.items()
            ],
            update_conflicts=True,
            unique_fields=["company", "kind", "key"],
            update_fields=["record_id"],
        )

    def learn_keys(self, keys: dict[str, int]) -> None:
        self._known_keys().update(keys)

    def _accounts(self) -> QuerySet[Account]:
        return access.scoped(self.user, Account.objects.filter(company=self.company))

    def _account_named(self, name: str) -> Account | None:
        key = search_key(name)
        if not key:
            return None
        if key not in self._named:
            found = self._accounts().filter(name_key=key).order_by("id").first()
            if found is None:
                return None
            self._named[key] = found
        return self._named[key]

    def _refuse_hidden_namesake(self, name: str) -> None:
        """Before an account is created: one of that name the user's rights hide (a closed
        account, A2) would be created twice; the row is refused and says why."""
        hidden = access.hidden_rows(self.user, Account)
        if hidden is None:
            return
        namesakes = Account.objects.filter(company=self.company, name_key=search_key(name))
        if namesakes.filter(hidden).exists():
            raise InvalidInput(
                {
                    "account": [
                        _(
                            "An account named %(name)s exists but is closed; someone who may "
                            "see closed accounts can import this row."
                        )
                        % {"name": name}
                    ]
                }
            )

    def _contacts_of(self, account: Account) -> list[Contact]:
        if account.pk not in self._contacts:
            self._contacts[account.pk] = list(
                access.scoped(self.user, Contact.objects.filter(account=account)).order_by("id")
            )
        return self._contacts[account.pk]

    # Accounts ---------------------------------------------------------------------------

    def account(self, row: MappedRow) -> RowOutcome:
        name = row.text("name")
        values: AccountValues = {"name": name}
        if row.given("phone"):
            values["phone"] = row.text("phone")
        if row.given("email"):
            values["email"] = row.text("email")
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
            # Read again: an account this import renamed is not found under its old name.
            account = self._accounts().filter(name_key=search_key(name)).order_by("id").first()
        if account is None:
            self._refuse_hidden_namesake(name)
            values.setdefault("kind", AccountKind.CLIENT)
            account = customers.account_create(
                user=self.user, company_id=self.company.pk, values=values
            )
            self._remember(key, account.pk)
            return RowOutcome(row.line, "created", account.name)
        self._remember(key, account.pk)
        changes = _changes(account, values)
        if not changes:
            return RowOutcome(row.line, "unchanged", account.name)
        customers.account_update(user=self.user, account_id=account.pk, values=changes)
        self._named.clear()
        return RowOutcome(row.line, "updated", account.name)

    # Contacts ---------------------------------------------------------------------------

    def _contact_values(self, row: MappedRow) -> ContactValues:
        first, last = row.text("first_name"), row.text("last_name")
        if not last and row.given("full_name"):
            first, last = customers.split_name(row.text("full_name"))
        values: ContactValues = {"first_name": first, "last_name": last}
        if row.given("phone"):
            values["phone"] = row.text("phone")
        if row.given("mobile"):
            values["mobile"] = row.text("mobile")
        if row.given("function"):
            values["function"] = row.text("function")
        if row.given("email"):
            values["email"] = row.text("email")
        return values

    def _account_of(self, row: MappedRow, *, write: bool = True) -> Account:
        name = row.text("account")
        account = self._account_named(name)
        if account is None:
            if not name:
                raise InvalidInput({"account": [_("The account is required.")]})
            if not write:
                raise NeedsWriting
            self._refuse_hidden_namesake(name)
            account = customers.account_create(
                user=self.user,
                company_id=self.company.pk,
                values={"name": name, "kind": AccountKind.PROSPECT},
            )
        return account

    def contact(self, row: MappedRow) -> RowOutcome:
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
        self._contacts.pop(account.pk, None)
        if contact is None:
            contact = customers.contact_create(user=self.user, account_id=account.pk, values=values)
            self._remember(key, contact.pk)
            return RowOutcome(row.line, "created", label)
        self._remember(key, contact.pk)
        changes = _changes(contact, values)
        if not changes:
            return RowOutcome(row.line, "unchanged", label)
        customers.contact_update(user=self.user, contact_id=contact.pk, values=changes)
        return RowOutcome(row.line, "updated", label)

    def _contact_of(
        self, row: MappedRow, account: Account, *, write: bool = True
    ) -> Contact | None:
        contacts = self._contacts_of(account)
        email = row.text("contact_email")
        if email:
            found = next((c for c in contacts if c.email.lower() == email.lower()), None)
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
        if not write:
            raise NeedsWriting
        first, last = customers.split_name(typed)
        values: ContactValues = {"first_name": first, "last_name": last}
        if email:
            values["email"] = email
        self._contacts.pop(account.pk, None)
        return customers.contact_create(user=self.user, account_id=account.pk, values=values)

    # Opportunities ----------------------------------------------------------------------

    def _opportunity_values(
        self, row: MappedRow, *, write: bool = True
    ) -> tuple[Account, OpportunityValues]:
        account = self._account_of(row, write=write)
        values: OpportunityValues = {"name": row.text("name"), "account": account.pk}
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
        contact = self._contact_of(row, account, write=write)
        if contact is not None:
            values["contact"] = contact.pk
        return account, values

    def _imported_names(self, portfolio: Portfolio) -> set[tuple[str, int]]:
        """The (name, account) of the portfolio's opportunities the user sees: a row with
        none of these is a new opportunity."""
        if self._imported is None:
            self._imported = set(
                access.scoped(self.user, Opportunity.objects.filter(portfolio=portfolio))
                .values_list("name", "account_id")
                .iterator(chunk_size=5000)
            )
        return self._imported

    def learn_created(self, name: str, account_id: int, portfolio: Portfolio) -> None:
        """An opportunity of this name and account is in the portfolio now."""
        self._imported_names(portfolio).add((name, account_id))

    def ready(self, row: MappedRow, portfolio: Portfolio) -> Ready:
        """The row as a new opportunity to create with others; `NeedsWriting` when it needs
        more (a record to create first, an existing one to update, an outcome), and the
        row's refusal (`DomainError`) when what it says is wrong whatever else is written."""
        account, values = self._opportunity_values(row, write=False)
        outcome, stage = self._outcome_and_stage(row, portfolio)
        key = row.text("external_id")
        if outcome != "open" or (key and self._keyed(key) is not None):
            raise NeedsWriting
        if (values["name"], account.pk) in self._imported_names(portfolio):
            raise NeedsWriting
        return Ready(
            row=row,
            name=values["name"],
            account_id=account.pk,
            key=key,
            new=opportunities.NewOpportunity(
                values=values, stage_id=stage.pk if stage is not None else None
            ),
        )

    def opportunity(self, row: MappedRow, portfolio: Portfolio) -> RowOutcome:
        account, values = self._opportunity_values(row)
        name = values["name"]
        outcome, stage = self._outcome_and_stage(row, portfolio)
        key = row.text("external_id")
        found_id = self._keyed(key)
        mine = access.scoped(self.user, Opportunity.objects.filter(portfolio=portfolio))
        existing = mine.filter(pk=found_id).first() if found_id else None
        if existing is None:
            existing = mine.filter(name=name, account=account).order_by("id").first()
        if existing is not None:
            self._remember(key, existing.pk)
            return self._update(existing, values, row, outcome, stage, portfolio)
        created = opportunities.opportunity_create(
            user=self.user,
            portfolio_id=portfolio.pk,
            values=values,
            stage_id=stage.pk if stage is not None else None,
        )
        self._remember(key, created.pk)
        self._unlearned.append(lambda: self.learn_created(name, account.pk, portfolio))
        if outcome == "won":
            self._win(created, row, portfolio)
        elif outcome == "lost":
            self._lose(created, row)
        return RowOutcome(row.line, "created", name)

    def _update(
        self,
        existing: Opportunity,
        values: OpportunityValues,
        row: MappedRow,
        outcome: cells.Status,
        stage: Stage | None,
        portfolio: Portfolio,
    ) -> RowOutcome:
        """The existing opportunity's values, then its stage or its outcome, as the row
        says them: an open deal the other system has moved on moves on here too."""
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
        # Those of the row's values that differ: a part of `values`, of its types.
        changes = cast(
            OpportunityChanges,
            {name_of: value for name_of, value in values.items() if current.get(name_of) != value},
        )
        updated = existing
        if changes:
            updated = opportunities.opportunity_update(
                user=self.user, opportunity_id=existing.pk, version=existing.version, values=changes
            )
            # Renamed, or given to another account: a later row may name it so.
            renamed = (updated.name, updated.account_id)
            self._unlearned.append(lambda: self.learn_created(*renamed, portfolio))
        moved = False
        if updated.is_open:
            if outcome == "won":
                self._win(updated, row, portfolio)
                moved = True
            elif outcome == "lost":
                self._lose(updated, row)
                moved = True
            elif stage is not None and stage.pk != updated.stage_id:
                opportunities.opportunity_move(
                    user=self.user,
                    opportunity_id=updated.pk,
                    version=updated.version,
                    stage_id=stage.pk,
                )
                moved = True
        action: Action = "updated" if changes or moved else "unchanged"
        return RowOutcome(row.line, action, values["name"])

    def _salesperson(self, typed: str) -> Collaborator:
        if self._people is None:
            self._people = [
                (
                    {
                        search_key(person.username),
                        search_key(person.email or ""),
                        search_key(f"{person.first_name} {person.last_name}"),
                    },
                    person,
                )
                for person in access.scoped(
                    self.user, Collaborator.objects.filter(companies=self.company, is_active=True)
                )
            ]
        key = search_key(typed)
        for names, person in self._people:
            if key in names:
                return person
        raise InvalidInput(
            {
                "salesperson": [
                    _("No collaborator of this company is called %(name)s.") % {"name": typed}
                ]
            }
        )

    def _stages_of(self, portfolio: Portfolio) -> _Stages:
        if self._stages is None:
            self._stages = _Stages(
                open=open_stages(portfolio.template),
                won=sorted(
                    portfolio.template.stages.filter(status=StageStatus.WON), key=stage_position
                ),
            )
        return self._stages

    def _outcome_and_stage(
        self, row: MappedRow, portfolio: Portfolio
    ) -> tuple[cells.Status, Stage | None]:
        """Won, lost or open, from the status column or a stage that says it (HubSpot's and
        Salesforce's "Closed Won"); and the open stage it is in, if the file names one."""
        status = cells.status(row.cells.get("status")) if row.given("status") else None
        if row.given("status") and status is None:
            raise InvalidInput({"status": [_("Open, won or lost is expected.")]})
        stage_name = row.text("stage")
        if not stage_name:
            return status or "open", None
        stages = self._stages_of(portfolio)
        key = search_key(stage_name)
        stage = next((s for s in stages.open if search_key(s.name) == key), None)
        if stage is None:
            said = cells.status(stage_name)
            if said is not None and said != "open":
                return status or said, None
            if any(s.name.lower() == stage_name.lower() for s in stages.won):
                return "won", None
            raise InvalidInput(
                {
                    "stage": [
                        _("No stage %(stage)s in this portfolio; its stages: %(stages)s.")
                        % {"stage": stage_name, "stages": ", ".join(s.name for s in stages.open)}
                    ]
                }
            )
        return status or "open", stage

    def _win(self, opportunity: Opportunity, row: MappedRow, portfolio: Portfolio) -> None:
        won_stages = self._stages_of(portfolio).won
        if not won_stages:
            raise InvalidInput({"status": [_("This portfolio has no won stage.")]})
        signed = (
            row.date("signed_on") or opportunity.expected_signature_date or timezone.localdate()
        )
        opportunities.opportunity_win(
            user=self.user,
            opportunity_id=opportunity.pk,
            version=opportunity.version,
            stage_id=won_stages[0].pk,
            signed_on=signed,
        )

    def _lose(self, opportunity: Opportunity, row: MappedRow) -> None:
        if self._reasons is None:
            self._reasons = list(LossReason.objects.filter(status=LossStatus.LOST).order_by("id"))
        typed = row.text("loss_reason").lower()
        reason = next((r for r in self._reasons if typed and r.name.lower() == typed), None)
        reason = reason or (self._reasons[0] if self._reasons else None)
        if reason is None:
            raise InvalidInput({"loss_reason": [_("No loss reason is configured.")]})
        opportunities.opportunity_lose(
            user=self.user,
            opportunity_id=opportunity.pk,
            version=opportunity.version,
            reason_id=reason.pk,
            lost_on=row.date("lost_on") or timezone.localdate(),
        )


def _account_kind(typed: str) -> str:
    key = search_key(typed)
    for value, label in AccountKind.choices:
        if key in (search_key(value), search_key(str(label))):
            return value
    raise InvalidInput({"kind": [_("Client or prospect is expected.")]})
