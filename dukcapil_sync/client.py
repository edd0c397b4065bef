"""The only code that talks HTTP to the Dukcapil registry (STYLE.md 8).

- Every call has a timeout (connect, read).
- Network errors, timeouts and 5xx answers are retried with exponential backoff and jitter
  (urllib3's `Retry`); a 4xx answer is never retried: asking again gives the same answer.
- A circuit breaker (pybreaker) per registry URL and process: after `fail_max` calls that
  failed even after their retries, calls fail at once for `reset_timeout` seconds, so an
  outage does not pile up work (a full sync stops cleanly and resumes later).
- Answers come out as frozen dataclasses; the registry's own JSON never leaves this module.

The registry's batch endpoints are reads, so POST is retried like GET.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pybreaker
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from core.observability import REQUEST_ID_HEADER, current_request_id

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RegistryError(Exception):
    """Base class: the registry could not give an answer we can use."""


class RegistryUnavailable(RegistryError):
    """Network error, timeout or 5xx, still failing after the retries. Try again later."""


class RegistryCircuitOpen(RegistryUnavailable):
    """The circuit breaker is open: recent calls failed, so this one was not even tried."""


class RegistryRejected(RegistryError):
    """A 4xx answer (bad key, bad request): a bug or a configuration error, never retried."""

    def __init__(self, status: int, code: str, detail: str = "") -> None:
        super().__init__(f"registry answered {status} {code} {detail}".strip())
        self.status = status
        self.code = code


class RegistryProtocolError(RegistryError):
    """The answer was not the JSON we expect."""


# --- what the registry says, as dataclasses -------------------------------------------------


@dataclass(frozen=True)
class RegistryPerson:
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    address: str
    is_alive: bool
    date_of_death: dt.date | None
    kk_number: str | None
    relationship: str | None
    marital_status: str = ""


@dataclass(frozen=True)
class RegistryMember:
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    relationship: str
    valid_from: dt.date


@dataclass(frozen=True)
class RegistryFamilyCard:
    kk_number: str
    address: str
    district_code: str
    members: tuple[RegistryMember, ...]


@dataclass(frozen=True)
class PersonBatch:
    found: dict[str, RegistryPerson] = field(default_factory=dict)
    not_found: frozenset[str] = frozenset()
    # NIK -> why its record could not be read (kept per record, so one bad row does not
    # fail the others).
    unreadable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FamilyCardBatch:
    found: dict[str, RegistryFamilyCard] = field(default_factory=dict)
    not_found: frozenset[str] = frozenset()
    unreadable: dict[str, str] = field(default_factory=dict)


def _date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date, got {value!r}")
    return dt.date.fromisoformat(value)


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected text, got {value!r}")
    return value


def person_from_json(data: dict[str, Any]) -> RegistryPerson:
    death = data.get("date_of_death")
    return RegistryPerson(
        nik=_text(data, "nik"),
        name=_text(data, "name"),
        birth_place=data.get("birth_place") or "",
        birth_date=_date(data["birth_date"]),
        sex=_text(data, "sex"),
        address=data.get("address") or "",
        is_alive=bool(data["is_alive"]),
        date_of_death=_date(death) if death else None,
        kk_number=data.get("kk_number") or None,
        relationship=data.get("relationship") or None,
        marital_status=data.get("marital_status") or "",
    )


def family_card_from_json(data: dict[str, Any]) -> RegistryFamilyCard:
    return RegistryFamilyCard(
        kk_number=_text(data, "kk_number"),
        address=data.get("address") or "",
        district_code=data.get("district_code") or "",
        members=tuple(
            RegistryMember(
                nik=_text(m, "nik"),
                name=_text(m, "name"),
                birth_date=_date(m["birth_date"]),
                sex=_text(m, "sex"),
                relationship=_text(m, "relationship"),
                valid_from=_date(m["valid_from"]),
            )
            for m in data["members"]
        ),
    )


# --- circuit breakers, one per registry URL and process ----------------------------------------

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


# --- the client -------------------------------------------------------------------------------


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
        wanted = list(dict.fromkeys(n for n in niks if n))
        found: dict[str, RegistryPerson] = {}
        not_found: set[str] = set()
        unreadable: dict[str, str] = {}
        for part in _parts(wanted, self.batch_limit):
            _, body = self._request("POST", "penduduk/batch", json_body={"niks": part})
            found_rows, missing = _batch_body(body, "found", "not_found")
            for row in found_rows:
                nik = row.get("nik") if isinstance(row, dict) else None
                try:
                    person = person_from_json(row)
                except (KeyError, ValueError, TypeError) as exc:
                    unreadable[str(nik)] = f"unreadable registry record: {exc}"
                    continue
                found[person.nik] = person
            not_found.update(missing)
        return PersonBatch(found=found, not_found=frozenset(not_found), unreadable=unreadable)

    def family_cards(self, kk_numbers: Iterable[str]) -> FamilyCardBatch:
        wanted = list(dict.fromkeys(k for k in kk_numbers if k))
        found: dict[str, RegistryFamilyCard] = {}
        not_found: set[str] = set()
        unreadable: dict[str, str] = {}
        for part in _parts(wanted, self.batch_limit):
            _, body = self._request("POST", "kk/batch", json_body={"kk_numbers": part})
            found_rows, missing = _batch_body(body, "found", "not_found")
            for row in found_rows:
                number = row.get("kk_number") if isinstance(row, dict) else None
                try:
                    card = family_card_from_json(row)
                except (KeyError, ValueError, TypeError) as exc:
                    unreadable[str(number)] = f"unreadable registry KK: {exc}"
                    continue
                found[card.kk_number] = card
            not_found.update(missing)
        return FamilyCardBatch(found=found, not_found=frozenset(not_found), unreadable=unreadable)

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
