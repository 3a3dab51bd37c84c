"""`manage.py import_records {accounts,contacts,opportunities} FILE` (SPEC X5).

Imports the rows of a CSV or XLSX file as the user `--user` (every right and scope of his
applies), into `--company` (accounts, contacts) or `--portfolio` (opportunities), with the
columns guessed from the headers or from `--mapping pipedrive|hubspot|odoo|salesforce`.
`--dry-run` writes nothing to the database. The refused rows are written next to the file,
with their reasons, as FILE.rejected.csv (a dry run's too); the last line printed is `N created, N updated, N rejected`.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salespipe.imports.files import read_table
from salespipe.imports.mapping import KINDS, READY, guess
from salespipe.imports.rejected import rejected_csv
from salespipe.imports.services import Plan, import_records
from salespipe.lib.errors import InvalidInput
from salespipe.org.models import Collaborator


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The username the rows are typed by.")
        parser.add_argument("--company", type=int, help="The company of accounts and contacts.")
        parser.add_argument("--portfolio", type=int, help="The portfolio of opportunities.")
        parser.add_argument("--mapping", choices=sorted(READY), help="Another CRM's export.")
        parser.add_argument("--dry-run", action="store_true", help="Write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = Collaborator.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            table = read_table(path.name, path.read_bytes())
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        kind = options["kind"]
        source = options["mapping"]
        columns = {int(index): name for index, name in guess(kind, table.headers, source).items()}
        for index, name in sorted(columns.items()):
            self.stdout.write(f"{table.headers[index]} → {name}")
        plan = Plan(
            kind=kind,
            columns=columns,
            date_order=READY[source].date_order if source else "dmy",
            company_id=options["company"],
            portfolio_id=options["portfolio"],
        )
        try:
            report = import_records(user=user, table=table, plan=plan, dry_run=options["dry_run"])
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        rejected = [row for row in report.rows if row.action == "rejected"]
        if rejected:
            out = path.with_name(path.name + ".rejected.csv")
            out.write_text(
                rejected_csv(table, ((row.line, row.reason) for row in rejected)), encoding="utf-8"
            )
            self.stdout.write(f"Rejected rows, with their reasons: {out}")
        unchanged = report.count("unchanged")
        if unchanged:
            self.stdout.write(f"{unchanged} unchanged")
        self.stdout.write(report.summary)
