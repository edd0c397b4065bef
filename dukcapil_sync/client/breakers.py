"""Circuit breakers, one per registry URL and process, and the address of the embedded
registry (this very server)."""

from __future__ import annotations

import threading

import pybreaker
from django.conf import settings

from .errors import RegistryUnavailable

_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def _counts_as_failure(exc: BaseException) -> bool:
    return isinstance(exc, RegistryUnavailable)


# The embedded registry lives under this path of the portal's own server.
EMBEDDED_REGISTRY_PATH = "/registry/api/v1"
# The address this server was last reached at (recorded by ServerAddressMiddleware); before
# the first request (the embedded beat at start-up), the `make run` default.
_own_address = "http://127.0.0.1:8000"


def remember_own_address(address: str) -> None:
    global _own_address
    _own_address = address


def registry_url() -> str:
    """DUKCAPIL_URL, or, with the registry embedded and no URL configured, this very server:
    "Sinkronkan data keluarga" works whatever port `make run PORT=...` serves on."""
    if settings.DUKCAPIL_URL or not settings.REGISTRY_EMBEDDED:
        return str(settings.DUKCAPIL_URL)
    return _own_address + EMBEDDED_REGISTRY_PATH


def circuit_breaker(base_url: str) -> pybreaker.CircuitBreaker:
    fail_max = settings.DUKCAPIL_BREAKER_FAIL_MAX
    reset_timeout = settings.DUKCAPIL_BREAKER_RESET_SECONDS
    key = f"{base_url} {fail_max} {reset_timeout}"
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=fail_max,
                reset_timeout=reset_timeout,
                # Only outages count: a 404 or a rejected request says nothing about health.
                exclude=[lambda exc: not _counts_as_failure(exc)],
                throw_new_error_on_trip=False,
                name=f"dukcapil:{base_url}",
            )
            _breakers[key] = breaker
        return breaker


def reset_circuit_breakers() -> None:
    """Close every breaker (tests, and an operator after fixing the connection)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.close()
