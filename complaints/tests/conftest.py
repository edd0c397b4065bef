"""Fixtures for complaint tests: two families in two branches, their staff, and a private
attachment folder per test."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from core.factories import StaffUserFactory, UserFactory
from core.models import STAFF_GROUP_NAME
from tests.conftest import make_family

from ..models import BRANCH_HEAD_GROUP_NAME, Complaint
from ..services import complaint_file

JAKARTA = ZoneInfo("Asia/Jakarta")
# A fixed filing time, so durations in the tests are exact.
FILED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=JAKARTA)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_attachments(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_DIR = tmp_path / "private"


@pytest.fixture
def family_a():
    return make_family(3)


@pytest.fixture
def family_b():
    return make_family(2)


def staff_of(family, **kwargs):
    staff = StaffUserFactory(branch=family.branch, **kwargs)
    group = Group.objects.get(name=STAFF_GROUP_NAME)
    staff.groups.add(group)
    return staff


def head_of(family):
    head = staff_of(family)
    head.groups.add(Group.objects.get(name=BRANCH_HEAD_GROUP_NAME))
    return head


@pytest.fixture
def staff_a(family_a):
    return staff_of(family_a[0])


@pytest.fixture
def staff_b(family_b):
    return staff_of(family_b[0])


@pytest.fixture
def queued_family_syncs(monkeypatch):
    """The family syncs handed to Celery (the sync itself is dukcapil_sync's, tested there)."""
    sent: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        "dukcapil_sync.tasks.sync_family.apply_async",
        lambda args, queue=None: sent.append(tuple(args)),
    )
    return sent


def member_of(family, index: int = 0):
    """The family's `index`-th current member, main participant first."""
    return family.memberships.order_by("-is_main", "id")[index].participant


def file_complaint(family_and_head, *, member_index: int = 0, now=FILED_AT, **kwargs) -> Complaint:
    family, head = family_and_head
    member = member_of(family, member_index)
    values: dict[str, Any] = {
        "category": "KELUHAN",
        "subject": "Status tidak sesuai",
        "text": "Status anak saya tertulis tidak aktif padahal sudah bayar.",
    }
    values.update(kwargs)
    return complaint_file(filed_by=head.user, member=member, now=now, **values)


__all__ = ["PDF", "PNG", "UserFactory", "file_complaint", "head_of", "staff_of"]
