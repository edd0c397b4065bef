"""Service detection for the whole suite (also used by tests beside the apps).

Tests marked `postgres` need the database to be PostgreSQL, `worker` a Redis broker and a real
Celery worker, `browser` Debian's Chromium. Missing locally: skipped, by name. With CI=true:
the run fails at once."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.factories import FacilityUserFactory, UserFactory
from families.factories import family_with_members
from participants.factories import months_ago


def make_family(size: int = 3, **participant_kwargs):
    """A family whose head has a participant login (username = NIK)."""
    family = family_with_members(size=size, **participant_kwargs)
    head = family.memberships.get(is_main=True).participant
    head.user = UserFactory.create(username=head.nik)
    head.save(update_fields=["user"])
    return family, head


@pytest.fixture
def family_a():
    return make_family(3, paid_through=months_ago(0))


@pytest.fixture
def family_b():
    return make_family(2, paid_through=months_ago(0))


def bearer(user) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Rate limits and login counters live in the cache: each test starts and ends empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def facility_client():
    return bearer(FacilityUserFactory())
