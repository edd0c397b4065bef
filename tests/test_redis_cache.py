"""The production cache is Redis (core.cache.FailSoftRedisCache); most tests run on the
embedded default's per-process cache. Here the answers that are cached and the rate limit that
counts in one round trip are checked against a real Redis."""

import os

import pytest
from django.core.cache import cache
from django.test import Client

from core.cache import kept
from core.factories import FacilityUserFactory
from participants.models import Participant

from .conftest import bearer, make_family

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": os.environ["TEST_CELERY_BROKER_URL"],
            "KEY_PREFIX": "test-redis-cache",
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_the_eligibility_limit_counts_in_redis(redis_cache, settings):
    settings.ELIGIBILITY_RATE_LIMIT = "1000/min,3/day"
    prober, other = bearer(FacilityUserFactory()), bearer(FacilityUserFactory())
    answers = [
        prober.get(f"/api/v1/eligibility/?card_number={1_000_000_000_000 + n:013d}").status_code
        for n in range(5)
    ]
    assert answers == [404, 404, 404, 429, 429]
    refused = prober.get("/api/v1/eligibility/?card_number=0001000000000")
    assert 1 <= int(refused["Retry-After"]) <= 86400
    assert other.get("/api/v1/eligibility/?card_number=0001000000000").status_code == 404


def test_cached_family_answers_come_back_whole_from_redis(redis_cache):
    family, head = make_family(3)
    api = bearer(head.user)
    first = api.get("/api/v1/me/family/").json()
    assert api.get("/api/v1/me/family/").json() == first

    page = Client()
    page.force_login(head.user)
    html = page.get("/info-peserta/").content.decode()
    again = page.get("/info-peserta/").content.decode()
    # The kept fragments are HTML, not escaped text, and name every member.
    assert 'data-testid="member"' in again and "&lt;article" not in again
    for membership in family.memberships.all():
        assert membership.participant.card_number in again
    assert html.count('data-testid="member"') == again.count('data-testid="member"') == 3

    # A write gives the next read a fresh answer from Redis too.
    Participant.objects.filter(pk=head.pk).update(name="NAMA DARI REDIS")
    assert "NAMA DARI REDIS" in page.get("/info-peserta/").content.decode()
    names = [m["name"] for m in api.get("/api/v1/me/family/").json()["members"]]
    assert "NAMA DARI REDIS" in names


# --- core.cache.kept: what a process keeps in front of Redis --------------------------------
# Bounded, expiring with the shared copy's lifetime, gone when the shared cache is cleared; a
# key that changed is computed afresh (which keeps them true: the key holds the fact tokens).


@pytest.fixture
def kept_here(redis_cache, settings):
    from core.cache import forget_kept_here

    settings.KEPT_HERE_ENTRIES = 2
    forget_kept_here()
    yield
    forget_kept_here()


def counting(value: str):
    calls: list[str] = []

    def compute() -> str:
        calls.append(value)
        return value

    return compute, calls


def test_an_answer_is_computed_once_and_a_new_key_computes_again(kept_here):
    compute, calls = counting("A")
    assert kept("facts:1", compute, 60) == "A"
    assert kept("facts:1", compute, 60) == "A"
    assert calls == ["A"]
    new_compute, new_calls = counting("B")
    assert kept("facts:2", new_compute, 60) == "B"  # a fact changed: another key
    assert new_calls == ["B"]


def test_the_process_keeps_at_most_its_limit_and_the_shared_cache_still_answers(kept_here):
    for n in range(3):
        kept(f"facts:{n}", counting(str(n))[0], 60)
    cache.delete("facts:0")  # only this process's copy could answer now, and it was evicted
    compute, calls = counting("0 again")
    assert kept("facts:0", compute, 60) == "0 again"
    assert calls == ["0 again"]


def test_a_kept_answer_expires_with_the_shared_copy(kept_here, monkeypatch):
    import core.cache

    now = [1000.0]
    monkeypatch.setattr(core.cache.time, "monotonic", lambda: now[0])
    kept("facts:1", counting("old")[0], 60)
    cache.delete("facts:1")
    now[0] += 61
    compute, calls = counting("new")
    assert kept("facts:1", compute, 60) == "new"
    assert calls == ["new"]


def test_clearing_the_shared_cache_empties_the_process_copies_too(kept_here):
    kept("facts:1", counting("A")[0], 60)
    cache.clear()
    compute, calls = counting("B")
    assert kept("facts:1", compute, 60) == "B"
    assert calls == ["B"]
