"""core's part of the demo: branch offices and the staff, facility and admin accounts."""

from django.contrib.auth.models import Group

from core.factories import DEMO_PASSWORD
from core.models import STAFF_GROUP_NAME, BranchOffice, User

from ..identities import BRANCHES


def demo_user(
    username: str, *, role: str, branch: BranchOffice | None = None, **extra: bool
) -> User:
    """The demo account `username`, created with the demo password if it does not exist."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, branch=branch, **extra)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def seed_branches() -> dict[str, BranchOffice]:
    branches = {}
    for code, name, regency in BRANCHES:
        branches[code], _ = BranchOffice.objects.get_or_create(
            code=code, defaults={"name": name, "regency_id": regency}
        )
    return branches


def seed_accounts(*, branches: dict[str, BranchOffice]) -> None:
    staff_group = Group.objects.filter(name=STAFF_GROUP_NAME).first()
    for username, branch in (("staff_jaksel", "KC0901"), ("staff_bogor", "KC1001")):
        staff = demo_user(username, role=User.Role.STAFF, branch=branches[branch], is_staff=True)
        if staff_group:
            staff.groups.add(staff_group)
    demo_user("faskes_demo", role=User.Role.FACILITY)
    demo_user("admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True)
