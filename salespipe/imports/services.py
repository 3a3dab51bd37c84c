"""Importing a file's rows (SPEC X5), each through the services a user typing it would go
through: the same scope, rights, stage rules and checks.

A bad row never stops the others and is never half-written. A row that needs only itself
written (a new opportunity of a known account and contact) waits with others like it and
they are created together by `opportunity_create_many`, which checks each as one typed
would be, in one transaction. Any other row (an account or a contact to create first, a
record to update, a deal won or lost) is its own transaction, through the same services one
at a time; the rows waiting are created first, so that the rows keep the file's order. When
the database refuses a batch, its rows are imported again one at a time, so that only the
faulty one is refused.

A dry run imports the rows the same way, `DRY_RUN_BATCH` at a time, and rolls each batch
back, so that its report is the real run's: a record created in one batch is not there for
the next, so a file naming one new account in rows far apart has it reported created twice.
"""

from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from salespipe.imports import cells
from salespipe.imports.files import Row, Table
from salespipe.imports.importer import Importer, NeedsWriting, Ready
from salespipe.imports.mapping import FIELDS, Kind, known_fields
from salespipe.imports.rows import MappedRow, Plan, Report, RowOutcome, refusal
from salespipe.lib.errors import DomainError, InvalidInput
from salespipe.org import access
from salespipe.org.access import OutOfScope
from salespipe.org.models import Collaborator, Company
from salespipe.pipeline.models import Opportunity, Portfolio
from salespipe.pipeline.services import opportunities

__all__ = ["Plan", "Report", "RowOutcome", "check_plan", "destination", "import_records"]

# The rows a dry run writes and rolls back at once: it never holds the tables long.
DRY_RUN_BATCH = 200
# The new opportunities created together at most (one transaction each time).
CREATE_TOGETHER = 500
_REFUSED = (DomainError, OutOfScope, cells.Unreadable)


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
    """X5: every row of `table` imported as `plan` says, through the services; a dry run
    writes nothing. `InvalidInput` when the plan itself can't be followed."""
    company, portfolio = check_plan(user, plan, table)
    importer = Importer(user, plan, company)
    if not dry_run:
        # Each row, or batch of new ones, committed: its progress shows and what it wrote
        # survives a stop.
        run = _Run(importer, plan, portfolio, progress)
        for row in table.rows:
            run.add(row)
        run.flush()
        return run.report(dry_run=False)
    run = _Run(importer, plan, portfolio, progress=None)
    for start in range(0, len(table.rows), DRY_RUN_BATCH):
        with transaction.atomic():
            for row in table.rows[start : start + DRY_RUN_BATCH]:
                run.add(row)
            run.flush()
            transaction.set_rollback(True)
        importer.forget()
        if progress is not None:
            progress(len(run.outcomes))
    return run.report(dry_run=True)


class _Run:
    """The rows of one import in the file's order, the new opportunities waiting to be
    created together."""

    def __init__(
        self,
        importer: Importer,
        plan: Plan,
        portfolio: Portfolio | None,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.importer = importer
        self.plan = plan
        self.portfolio = portfolio
        self.progress = progress
        self.outcomes: list[RowOutcome] = []
        self.waiting: list[Ready] = []
        # What the waiting rows are: the same deal again must wait for them to be created.
        self.waiting_deals: set[tuple[str, int]] = set()
        self.waiting_keys: set[str] = set()

    def report(self, *, dry_run: bool) -> Report:
        # In the file's order: a new opportunity's outcome is known when its batch is created.
        return Report(dry_run=dry_run, rows=sorted(self.outcomes, key=lambda o: o.line))

    def _mapped(self, row: Row) -> MappedRow:
        return MappedRow(
            row.line,
            {name: row.cells[index] for index, name in self.plan.columns.items()},
            self.plan.date_order,
        )

    def add(self, row: Row) -> None:
        mapped = self._mapped(row)
        if self.portfolio is not None:
            try:
                ready = self.importer.ready(mapped, self.portfolio)
            except NeedsWriting:
                pass
            except _REFUSED as error:
                self._done(_refused(mapped, error, self.plan.kind))
                return
            else:
                if (ready.name, ready.account_id) in self.waiting_deals or (
                    ready.key and ready.key in self.waiting_keys
                ):
                    # The same deal twice in the file: the second finds the first.
                    self.flush()
                    self.add(row)
                    return
                self.waiting.append(ready)
                self.waiting_deals.add((ready.name, ready.account_id))
                self.waiting_keys.add(ready.key)
                if len(self.waiting) >= CREATE_TOGETHER:
                    self.flush()
                return
        self.flush()
        self._done(self._alone(mapped))

    def _alone(self, mapped: MappedRow) -> RowOutcome:
        """One row, its own transaction: refused whole, or written whole."""
        try:
            with transaction.atomic():
                if self.plan.kind == "accounts":
                    outcome = self.importer.account(mapped)
                elif self.plan.kind == "contacts":
                    outcome = self.importer.contact(mapped)
                else:
                    assert self.portfolio is not None
                    outcome = self.importer.opportunity(mapped, self.portfolio)
        except (*_REFUSED, DatabaseError) as error:
            self.importer.learned(through=False)
            return _refused(mapped, error, self.plan.kind)
        self.importer.learned(through=True)
        return outcome

    def flush(self) -> None:
        """The waiting new opportunities, created together; one at a time if the database
        refuses them together."""
        waiting, self.waiting = self.waiting, []
        self.waiting_deals.clear()
        self.waiting_keys.clear()
        if not waiting:
            return
        assert self.portfolio is not None
        try:
            with transaction.atomic():
                results = opportunities.opportunity_create_many(
                    user=self.importer.user,
                    portfolio_id=self.portfolio.pk,
                    items=[ready.new for ready in waiting],
                )
                keys = {
                    ready.key: result.pk
                    for ready, result in zip(waiting, results, strict=True)
                    if ready.key and isinstance(result, Opportunity)
                }
                self.importer.remember_many(keys)
        except (*_REFUSED, DatabaseError):
            # The database, or the portfolio itself (gone, no open stage left), refused
            # them together: each row alone says which and why.
            for ready in waiting:
                self._done(self._alone(ready.row))
            return
        self.importer.learn_keys(keys)
        for ready, result in zip(waiting, results, strict=True):
            if isinstance(result, Opportunity):
                self.importer.learn_created(ready.name, ready.account_id, self.portfolio)
                self.outcomes.append(RowOutcome(ready.row.line, "created", ready.row.label))
            else:
                self.outcomes.append(
                    RowOutcome(
                        ready.row.line, "rejected", ready.row.label, refusal(result, self.plan.kind)
                    )
                )
        if self.progress is not None:
            self.progress(len(self.outcomes))

    def _done(self, outcome: RowOutcome) -> None:
        self.outcomes.append(outcome)
        if self.progress is not None:
            self.progress(len(self.outcomes))


def _refused(mapped: MappedRow, error: Exception, kind: Kind) -> RowOutcome:
    # A value the database itself refuses (a text it can't store) is the row's refusal too:
    # its savepoint is rolled back, the next rows go on.
    reason = (
        _("The database refused this row's values.")
        if isinstance(error, DatabaseError)
        else refusal(error, kind)
    )
    return RowOutcome(mapped.line, "rejected", mapped.label, reason)
