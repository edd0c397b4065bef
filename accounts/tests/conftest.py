import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from rest_framework.test import APIClient

from participants.factories import ParticipantFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # django-ratelimit counts in the cache; each test starts with no prior checks.
    cache.clear()
    yield
    cache.clear()


def solve_captcha() -> tuple[str, str]:
    """A real challenge and its answer, as a person reading the picture would give it."""
    key = CaptchaStore.generate_key()
    return key, CaptchaStore.objects.get(hashkey=key).response


@pytest.fixture
def participant():
    """A participant with no login yet (the one who creates an account)."""
    return ParticipantFactory(phone="", email="")


@pytest.fixture
def anon() -> APIClient:
    return APIClient()
