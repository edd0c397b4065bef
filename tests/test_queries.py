"""The family page and API cost the same number of queries for 2 or 8 members."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .conftest import bearer, make_family

pytestmark = pytest.mark.django_db


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_family_api_query_count_does_not_grow_with_family_size():
    _, small_head = make_family(2, paid_through=date(2026, 9, 1))
    _, big_head = make_family(8, paid_through=date(2026, 9, 1))
    small_client, big_client = bearer(small_head.user), bearer(big_head.user)
    small = count_queries(lambda: small_client.get("/api/v1/me/family/"))
    big = count_queries(lambda: big_client.get("/api/v1/me/family/"))
    assert len(big_client.get("/api/v1/me/family/").json()["members"]) == 8
    assert small == big
    # the token with its user and the fact tokens (the cache key) in one statement
    # (families.api.auth), the family through the caller, rates
    assert big == 3
    # Again: the answer is cached under the same tokens, so only the token's statement.
    assert count_queries(lambda: big_client.get("/api/v1/me/family/")) == 1


def test_info_peserta_page_query_count_does_not_grow_with_family_size():
    _, small_head = make_family(2)
    _, big_head = make_family(8)
    small_client, big_client = Client(), Client()
    small_client.force_login(small_head.user)
    big_client.force_login(big_head.user)
    small = count_queries(lambda: small_client.get("/info-peserta/"))
    big = count_queries(lambda: big_client.get("/info-peserta/"))
    assert small == big
