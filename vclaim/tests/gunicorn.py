"""The portal behind a real gunicorn server on a free loopback port, against the test
database: the production shape, where gunicorn (by default) drops headers such as user_key."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.servers import database_url_for_servers, serve

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def gunicorn_server(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Yields the base URL; `args` go to gunicorn (e.g. "--header-map", "dangerous")."""
    server_env = {
        **{k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}},
        "DATABASE_URL": database_url_for_servers(),
        "DJANGO_DEBUG": "0",
        # The same key as this process: the facility secrets are sealed with it.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "REGISTRY_EMBEDDED": "0",
        # The server outlives each test's rows (made again under new ids for every test): it
        # must not keep a credential it read (vclaim.selectors) from one test to the next.
        "VCLAIM_CREDENTIAL_CACHE_SECONDS": "0",
        **(env or {}),
    }
    with serve(
        lambda port: [
            sys.executable,
            "-m",
            "gunicorn",
            "jkn_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            *args,
        ],
        server_env,
        ready_path="/vclaim-rest/",
    ) as url:
        yield url
