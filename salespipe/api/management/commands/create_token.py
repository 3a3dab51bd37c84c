"""`python manage.py create_token USERNAME [--name NAME]`: prints a new API token (SPEC P1)."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from salespipe.api.tokens import token_issue


class Command(BaseCommand):
    help = "Creates an API token for a user and prints it; only its hash is kept."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, to tell it apart.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive: a token of it would be refused.")
        token, clear = token_issue(user=user, name=name[:100])
        # The clear token alone on stdout, so that scripts can capture it.
        self.stdout.write(clear)
        self.stderr.write(
            f"Token for {username}: send it as 'Authorization: Bearer <token>'. "
            f"It is shown only now, and expires on {token.expires_at:%Y-%m-%d %H:%M %Z}."
        )
