"""`manage.py forget_imports`: the imports older than `IMPORTS_KEPT_DAYS` deleted with their
files (SPEC X5), for a daily cron; the worker also does it after each import."""

from typing import Any

from django.core.management.base import BaseCommand

from salespipe.imports.jobs import forget_old_imports


class Command(BaseCommand):
    help = "Deletes the imports, and their files, older than IMPORTS_KEPT_DAYS days."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{forget_old_imports()} imports forgotten")
