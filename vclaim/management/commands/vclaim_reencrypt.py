"""Re-encrypt every stored facility secret with the newest key of VCLAIM_SECRET_KEYS, after a
new key was put first in the list; afterwards the old key can be removed from it."""

from django.core.management.base import BaseCommand

from vclaim.services import facility_credentials_reseal


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        count = facility_credentials_reseal()
        self.stdout.write(f"{count} credentials re-encrypted with the newest key")
