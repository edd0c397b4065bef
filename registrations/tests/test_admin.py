"""Staff see their branch's registrations (drafts, awaiting payment, expired), never another
branch's; the list links to the counter registration."""

import datetime as dt

import pytest
from django.utils import timezone

from core.factories import BranchOfficeFactory, StaffUserFactory

from ..models import Registration

pytestmark = pytest.mark.django_db


def make(branch, kk: str, **kwargs) -> Registration:
    return Registration.objects.create(
        branch=branch,
        kk_number=kk,
        expires_at=timezone.now() + dt.timedelta(hours=1),
        **kwargs,
    )


def test_staff_see_only_their_branch_registrations(client):
    mine, other = BranchOfficeFactory(code="KC0901"), BranchOfficeFactory(code="KC0902")
    staff = StaffUserFactory(branch=mine)
    draft = make(mine, "3174050101200001")
    expired = make(mine, "3174050101200002", state=Registration.State.EXPIRED)
    foreign = make(other, "3201010101200003")
    client.force_login(staff)

    listing = client.get("/admin/registrations/registration/")

    assert listing.status_code == 200
    shown = {r.pk for r in listing.context["cl"].result_list}
    assert shown == {draft.pk, expired.pk}
    html = listing.content.decode()
    assert "3174********0001" in html and "3174050101200001" not in html
    assert 'href="/admin/registrations/registration/counter/"' in html
    detail = f"/admin/registrations/registration/{foreign.pk}/change/"
    assert client.get(detail).status_code == 302  # "does not exist" back to the index
    assert client.get(f"/admin/registrations/registration/{draft.pk}/change/").status_code == 200
