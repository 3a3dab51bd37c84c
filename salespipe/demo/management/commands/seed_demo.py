"""`python manage.py seed_demo [--opportunities N] [--seed S] [--if-empty | --flush]`."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salespipe.demo.clock import reference_day
from salespipe.demo.loader import DemoSummary, database_is_empty, flush_demo, load_demo
from salespipe.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Loads demo data: three companies, collaborators, accounts, contacts, opportunities. "
        "The same seed gives the same data; dates are placed relative to the first day of "
        "the current month."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--opportunities", type=int, default=600, help="How many (default 600)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into an empty database; otherwise do nothing.",
        )
        mode.add_argument(
            "--flush",
            action="store_true",
            help="Delete all existing data first, users included.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["opportunities"]
        if count < 0:
            raise CommandError("--opportunities must be 0 or more.")
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already holds data: demo data not loaded.")
                return
            if not options["flush"]:
                raise CommandError(
                    "The database already holds data. Use --flush to replace it, "
                    "or --if-empty to load only into an empty database."
                )
            self.stdout.write("Deleting the existing data…")
            flush_demo()
        started = time.monotonic()
        reference = reference_day(timezone.localdate())
        summary = load_demo(opportunities=count, seed=options["seed"], reference=reference)
        elapsed = time.monotonic() - started
        self._report(summary, elapsed, options["seed"], reference.isoformat())

    def _report(self, summary: DemoSummary, elapsed: float, seed: int, reference: str) -> None:
        deals = summary.deals
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {elapsed:.1f} s (seed {seed}, dates relative to {reference}): "
                f"{summary.companies} companies, {summary.collaborators} collaborators, "
                f"{summary.accounts} accounts, {summary.contacts} contacts, "
                f"{deals.opportunities} opportunities, {deals.actions} actions, "
                f"{deals.history} history entries."
            )
        )
        self.stdout.write(f"Logins (password: {DEMO_PASSWORD}):")
        for persona in summary.personas:
            self.stdout.write(f"  {persona.username:<8} {persona.describe()}")
