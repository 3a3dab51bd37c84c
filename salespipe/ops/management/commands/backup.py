"""`manage.py backup --output FILE`: the database and the documents in one file (SPEC SEC6)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from salespipe.ops.backup import BackupError, take_backup


class Command(BaseCommand):
    help = (
        "Writes one file holding the database (a consistent snapshot, taken while the app "
        "runs) and every document it names."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The file to write.")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        try:
            summary = take_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in summary.missing_documents:
            self.stderr.write(f"Missing in the storage, left out: {name}")
        self.stdout.write(
            f"Backup of the {summary.engine} database and {summary.documents} document(s) "
            f"written to {output} ({summary.size / 1_000_000:.1f} MB)."
        )
