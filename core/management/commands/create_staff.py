"""`manage.py create_staff USERNAME --branch KC0901 [--email ...] [--password-stdin]`: a
branch staff account with the right role, branch and group. Without --password-stdin a
password is generated and printed once. Running it again for the same account changes nothing.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ValidationFailed
from core.services import staff_user_create


class Command(BaseCommand):
    help = "Create a branch staff user (role, branch office and staff group)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--branch", required=True, help="branch office code, e.g. KC0901")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = sys.stdin.readline().rstrip("\n") if options["password_stdin"] else None
        try:
            user, generated = staff_user_create(
                username=options["username"],
                branch_code=options["branch"],
                email=options["email"],
                password=password,
            )
        except ValidationFailed as error:
            raise CommandError(str(error.message)) from error
        if generated is None and password is None:
            self.stdout.write(f"{user.username}: already staff of {user.branch}, unchanged")
            return
        self.stdout.write(self.style.SUCCESS(f"{user.username}: staff of {user.branch}"))
        if generated:
            self.stdout.write(f"password (shown once, change it at first login): {generated}")
