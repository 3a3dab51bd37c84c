"""`manage.py restore FILE`: a backup put back into an empty database (SPEC SEC6)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from salespipe.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restores a file written by `backup` into the configured database, which must be "
        "empty, and its documents into the storage. Run `migrate` afterwards."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            summary = restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the {summary.engine} database and {summary.documents} document(s) "
            f"from {file}. Run `manage.py migrate` if this version of Salespipe is newer "
            "than the backup."
        )
