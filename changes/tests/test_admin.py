"""Staff in the admin: their branch's data changes only, and FKTP capacity for their branch's
facilities (a full FKTP is then not offered to participants)."""

import pytest
from django.contrib.auth.models import Group

from changes.models import FacilityCapacity
from core.factories import StaffUserFactory
from core.models import STAFF_GROUP_NAME
from participants.factories import FacilityFactory
from tests.conftest import bearer

from .conftest import family_with_login, scheduled_fktp

pytestmark = pytest.mark.django_db


def staff(**kw):  # type: ignore[no-untyped-def]
    user = StaffUserFactory(**kw)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    return user


def test_staff_mark_an_fktp_of_their_branch_full_and_it_is_no_longer_offered(client):
    family, head = family_with_login(1)
    mine = FacilityFactory(district=family.district, branch=family.branch, name="Klinik Penuh")
    other = FacilityFactory(district=family.district, name="Klinik Cabang Lain")
    client.force_login(staff(branch=family.branch))

    refused = client.post(
        "/admin/changes/facilitycapacity/add/", {"facility": other.pk, "is_full": "on"}
    )
    assert refused.status_code == 200  # not a choice for this branch: a form error
    assert not FacilityCapacity.objects.exists()

    added = client.post(
        "/admin/changes/facilitycapacity/add/",
        {"facility": mine.pk, "is_full": "on", "note": "Kuota penuh"},
    )
    assert added.status_code == 302
    capacity = FacilityCapacity.objects.get()
    assert (capacity.facility, capacity.is_full, capacity.note) == (mine, True, "Kuota penuh")
    codes = {o["code"] for o in bearer(head.user).get("/api/v1/me/changes/facilities/").json()}
    assert mine.code not in codes and other.code in codes


def test_staff_see_only_their_branchs_data_changes(client):
    family, head = family_with_login(1)
    scheduled_fktp(bearer(head.user), head, FacilityFactory(district=family.district))
    client.force_login(staff())
    assert head.name not in client.get("/admin/changes/datachange/").content.decode()
    client.force_login(staff(branch=family.branch))
    assert head.name in client.get("/admin/changes/datachange/").content.decode()
