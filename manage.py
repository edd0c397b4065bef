#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkn_portal.settings")
    if sys.argv[1:2] == ["makemigrations"]:
        # Migrations come from the model definitions alone: no secret key is needed to write
        # or check them, so the development settings serve (production refuses to start
        # without SECRET_KEY, and debug stays opt-in for every other command).
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
