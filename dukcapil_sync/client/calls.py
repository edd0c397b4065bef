"""`RegistryClient`: one requests session with timeouts and retries behind the circuit
breaker, and the registry's endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pybreaker
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from core.observability import REQUEST_ID_HEADER, current_request_id

from .answers import (
    FamilyCardBatch,
    PersonBatch,
    RegistryFamilyCard,
    RegistryPerson,
    family_card_from_json,
    person_from_json,
)
from .breakers import circuit_breaker, registry_url
from .errors import (
    RegistryCircuitOpen,
    RegistryError,
    RegistryProtocolError,
    RegistryRejected,
    RegistryUnavailable,
)

T = TypeVar("T")

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RegistryClient:
    """One client per thread (a requests.Session is not shared across threads); the circuit
    breaker is shared by all clients of the same URL in the process.

    Defaults come from settings; interactive callers (a participant pressing a button) pass
    fewer retries and a shorter timeout so the page answers quickly."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        batch_limit: int | None = None,
    ) -> None:
        self.base_url = (base_url or registry_url()).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.DUKCAPIL_API_KEY
        read_timeout = timeout if timeout is not None else settings.DUKCAPIL_TIMEOUT_SECONDS
        self.timeout = (min(read_timeout, settings.DUKCAPIL_CONNECT_TIMEOUT_SECONDS), read_timeout)
        self.retries = retries if retries is not None else settings.DUKCAPIL_RETRIES
        backoff = backoff if backoff is not None else settings.DUKCAPIL_BACKOFF_SECONDS
        self.batch_limit = batch_limit or settings.DUKCAPIL_BATCH_SIZE
        self.breaker = circuit_breaker(self.base_url)
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            # Sleep backoff * 2^(n-1) (at most backoff_max), plus up to `backoff` at random
            # so that many workers do not retry in step.
            backoff_factor=backoff,
            backoff_jitter=backoff,
            backoff_max=settings.DUKCAPIL_BACKOFF_MAX_SECONDS,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "POST"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"X-Api-Key": self.api_key, "Accept": "application/json"})
        # Requests made (with retries) by this client: the sync reports them per run.
        self.calls = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport --

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        try:
            return self.breaker.call(self._send, method, path, json_body, headers)
        except pybreaker.CircuitBreakerError as exc:
            raise RegistryCircuitOpen(
                f"circuit open after repeated failures of {self.base_url}; "
                f"retry after {settings.DUKCAPIL_BREAKER_RESET_SECONDS:g} s"
            ) from exc

    def _send(
        self, method: str, path: str, json_body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        url = f"{self.base_url}/{path.lstrip('/')}"
        self.calls += 1
        # The registry's access log names the portal request (or task) that asked.
        headers = {REQUEST_ID_HEADER: current_request_id() or "-", **(headers or {})}
        try:
            response = self.session.request(
                method, url, json=json_body, timeout=self.timeout, headers=headers
            )
        except requests.RequestException as exc:
            # Connection refused/reset and timeouts, after urllib3 retried them.
            raise RegistryUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise RegistryUnavailable(
                f"{method} {path}: HTTP {response.status_code} after {self.retries} retries"
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryProtocolError(
                f"{method} {path}: HTTP {response.status_code}, body is not JSON"
            ) from exc
        if response.status_code == 404:
            return 404, body
        if response.status_code >= 400:
            code = body.get("error", "") if isinstance(body, dict) else ""
            raise RegistryRejected(response.status_code, code, str(body)[:200])
        return response.status_code, body

    # -- endpoints --

    def health(self) -> bool:
        try:
            status, body = self._request("GET", "health")
        except RegistryError:
            return False
        return status == 200 and isinstance(body, dict) and body.get("status") == "ok"

    def person(self, nik: str) -> RegistryPerson | None:
        status, body = self._request("GET", f"penduduk/{nik}")
        if status == 404:
            return None
        try:
            return person_from_json(body)
        except (KeyError, ValueError, TypeError) as exc:
            raise RegistryProtocolError(f"person {nik}: {exc}") from exc

    def family_card(self, kk_number: str) -> RegistryFamilyCard | None:
        status, body = self._request("GET", f"kk/{kk_number}")
        if status == 404:
            return None
        try:
            return family_card_from_json(body)
        except (KeyError, ValueError, TypeError) as exc:
            raise RegistryProtocolError(f"KK {kk_number}: {exc}") from exc

    def persons(self, niks: Iterable[str]) -> PersonBatch:
        """Many NIKs with as few requests as the registry's batch limit allows."""
        found, not_found, unreadable = self._batch(
            "penduduk/batch", "niks", niks, person_from_json, key="nik", what="record"
        )
        return PersonBatch(found=found, not_found=not_found, unreadable=unreadable)

    def family_cards(self, kk_numbers: Iterable[str]) -> FamilyCardBatch:
        found, not_found, unreadable = self._batch(
            "kk/batch", "kk_numbers", kk_numbers, family_card_from_json, key="kk_number", what="KK"
        )
        return FamilyCardBatch(found=found, not_found=not_found, unreadable=unreadable)

    def _batch(
        self,
        path: str,
        field_name: str,
        keys: Iterable[str],
        parse: Callable[[Any], T],
        *,
        key: str,
        what: str,
    ) -> tuple[dict[str, T], frozenset[str], dict[str, str]]:
        """The records for `keys`, asked in parts of the batch limit: (found by key, not found,
        unreadable with the reason). One unreadable record does not spoil the others."""
        wanted = list(dict.fromkeys(k for k in keys if k))
        found: dict[str, T] = {}
        not_found: set[str] = set()
        unreadable: dict[str, str] = {}
        for part in _parts(wanted, self.batch_limit):
            _, body = self._request("POST", path, json_body={field_name: part})
            found_rows, missing = _batch_body(body, "found", "not_found")
            for row in found_rows:
                row_key = row.get(key) if isinstance(row, dict) else None
                try:
                    record = parse(row)
                except (KeyError, ValueError, TypeError) as exc:
                    unreadable[str(row_key)] = f"unreadable registry {what}: {exc}"
                    continue
                found[getattr(record, key)] = record
            not_found.update(missing)
        return found, frozenset(not_found), unreadable

    def control(self, actions: list[dict[str, Any]], *, control_key: str) -> int:
        """Demos and tests only: apply seed/event/fault actions on the registry service
        through its control endpoint (off unless the registry has REGISTRY_CONTROL_KEY).
        Every action is an upsert or a switch, so a retried request changes nothing twice."""
        status, body = self._request(
            "POST",
            "_control",
            json_body={"actions": actions},
            headers={"X-Control-Key": control_key},
        )
        if status == 404:
            raise RegistryRejected(
                404,
                "control_disabled",
                f"{self.base_url} refused the control key: set REGISTRY_CONTROL_KEY on the "
                "registry service and the same value as DUKCAPIL_CONTROL_KEY here",
            )
        return int(body.get("applied", 0)) if isinstance(body, dict) else 0


def _parts(items: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _batch_body(body: Any, found_key: str, missing_key: str) -> tuple[list[Any], list[str]]:
    if not isinstance(body, dict) or not isinstance(body.get(found_key), list):
        raise RegistryProtocolError(f"batch answer without {found_key!r}")
    missing = body.get(missing_key) or []
    return body[found_key], [str(x) for x in missing]
