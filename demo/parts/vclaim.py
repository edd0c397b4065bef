"""vclaim's part of the demo (demos only, never production): the facility credential that
the README's integrator section uses against `make run`. Its values are documented on
purpose (issue 13); production issues credentials in the admin, with random secrets.
Idempotent: an existing credential 10001 is left as it is (even if rotated)."""

from collections.abc import Callable

from core.models import BranchOffice
from vclaim.models import FacilityCredential
from vclaim.services import facility_credential_create

DEMO_CONSUMER_ID = "10001"
DEMO_SECRET = "jkn-demo-secret"  # noqa: S105 - documented demo credential, seeded data only
DEMO_USER_KEY = "jkn-demo-userkey"


def seed_demo_vclaim(*, branches: dict[str, BranchOffice], log: Callable[[str], None]) -> None:
    if not FacilityCredential.objects.filter(consumer_id=DEMO_CONSUMER_ID).exists():
        facility_credential_create(
            name="RS Demo Jakarta Selatan (SIMRS)",
            provider_code="0901R001",
            branch=branches["KC0901"],
            actor=None,
            consumer_id=DEMO_CONSUMER_ID,
            secret=DEMO_SECRET,
            user_key=DEMO_USER_KEY,
        )
    log(f"vclaim: facility credential {DEMO_CONSUMER_ID} (README, facility integrators)")
