"""`python manage.py revoke_tokens USERNAME`: revokes every API token of a user (SPEC SEC4)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from salespipe.api.tokens import tokens_revoke_all
from salespipe.org.models import Collaborator


class Command(BaseCommand):
    help = "Revokes every API token of a user: they answer 401 from now on."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = Collaborator.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        count = tokens_revoke_all(user)
        self.stdout.write(f"{count} token(s) of {username} revoked.")
