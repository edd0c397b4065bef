"""The registry's HTTP API: plain Django JSON views, deliberately independent of the portal's
DRF stack so that the mock behaves like a separate system.

The error shape `{"error": "<code>"}` is the registry's own, not the portal's API convention:
the portal's client (dukcapil_sync/client/) translates it."""

import datetime as dt
import hmac
import json
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import services
from .models import Person, RegistryFamilyCard, Relationship
from .selectors import (
    family_card_get,
    family_cards_get,
    person_queryset,
    registry_fault_config,
)

View = Callable[..., JsonResponse]

PAGE_LIMIT_DEFAULT = 100
PAGE_LIMIT_MAX = 1000
# Order KK members the way the printed card lists them.
_RELATIONSHIP_RANK = {value: rank for rank, value in enumerate(Relationship.values)}


def _error(code: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, **extra}, status=status)


def _key_is_valid(provided: str) -> bool:
    # Compare against every key without stopping early, so timing does not reveal which
    # key (or how much of one) matched.
    matched = False
    for key in getattr(settings, "REGISTRY_API_KEYS", []):
        matched |= hmac.compare_digest(provided.encode(), key.encode())
    return matched and bool(provided)


def registry_endpoint(view: View) -> View:
    """API key first, then the injected faults, so that tests of the portal's retries see
    the same outages a flaky real registry would give an authenticated caller."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not _key_is_valid(request.headers.get("X-Api-Key", "")):
            return _error("unauthorized", 401)
        faults = registry_fault_config()
        if faults.outage:
            return _error("outage", 503)
        if faults.latency_ms > 0:
            time.sleep(faults.latency_ms / 1000)
        if faults.error_rate > 0 and random.random() < faults.error_rate:
            return _error("injected_failure", 503)
        return view(request, *args, **kwargs)

    return wrapper


def _person_json(person: Person) -> dict[str, Any]:
    # `current_memberships` comes from selectors.person_queryset (zero or one row).
    current = person.current_memberships[0] if person.current_memberships else None  # type: ignore[attr-defined]
    return {
        "nik": person.nik,
        "name": person.name,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "address": person.address,
        "marital_status": person.marital_status,
        "is_alive": person.is_alive,
        "date_of_death": person.date_of_death.isoformat() if person.date_of_death else None,
        "kk_number": current.family_card.kk_number if current else None,
        "relationship": current.relationship if current else None,
    }


def _family_card_json(card: RegistryFamilyCard) -> dict[str, Any]:
    memberships = sorted(
        card.current_memberships,  # type: ignore[attr-defined]
        key=lambda m: (_RELATIONSHIP_RANK[m.relationship], m.person.birth_date, m.person_id),
    )
    return {
        "kk_number": card.kk_number,
        "address": card.address,
        "district_code": card.district_code,
        "members": [
            {
                "nik": m.person.nik,
                "name": m.person.name,
                "birth_date": m.person.birth_date.isoformat(),
                "sex": m.person.sex,
                "relationship": m.relationship,
                "valid_from": m.valid_from.isoformat(),
            }
            for m in memberships
        ],
    }


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@registry_endpoint
def person_detail(request: HttpRequest, nik: str) -> JsonResponse:
    person = person_queryset().filter(nik=nik).first()
    if person is None:
        return _error("not_found", 404)
    return JsonResponse(_person_json(person))


@require_GET
@registry_endpoint
def person_list(request: HttpRequest) -> JsonResponse:
    """Keyset paging by NIK, so a full sync can walk millions of rows at a steady cost."""
    after = request.GET.get("after", "")
    try:
        limit = int(request.GET.get("limit", PAGE_LIMIT_DEFAULT))
    except ValueError:
        return _error("bad_request", 400, detail="limit must be an integer")
    if limit < 1:
        return _error("bad_request", 400, detail="limit must be at least 1")
    limit = min(limit, PAGE_LIMIT_MAX)
    queryset = person_queryset().order_by("nik")
    if after:
        queryset = queryset.filter(nik__gt=after)
    # One row more than asked tells whether another page exists without a count query.
    rows = list(queryset[: limit + 1])
    page = rows[:limit]
    return JsonResponse(
        {
            "results": [_person_json(p) for p in page],
            "next_after": page[-1].nik if len(rows) > limit else None,
        }
    )


@csrf_exempt
@require_POST
@registry_endpoint
def person_batch(request: HttpRequest) -> JsonResponse:
    limit = int(getattr(settings, "REGISTRY_BATCH_LIMIT", 500))
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error("bad_request", 400, detail="body must be JSON")
    niks = body.get("niks") if isinstance(body, dict) else None
    if not isinstance(niks, list) or not all(isinstance(n, str) for n in niks):
        return _error("bad_request", 400, detail='expected {"niks": [string, ...]}')
    if len(niks) > limit:
        return _error("batch_too_large", 400, limit=limit)
    unique_niks = list(dict.fromkeys(niks))  # de-duplicate, keep the caller's order
    persons = {p.nik: p for p in person_queryset().filter(nik__in=unique_niks)}
    return JsonResponse(
        {
            "found": [_person_json(persons[n]) for n in unique_niks if n in persons],
            "not_found": [n for n in unique_niks if n not in persons],
        }
    )


@require_GET
@registry_endpoint
def family_card_detail(request: HttpRequest, kk_number: str) -> JsonResponse:
    card = family_card_get(kk_number=kk_number)
    if card is None:
        return _error("not_found", 404)
    return JsonResponse(_family_card_json(card))


@csrf_exempt
@require_POST
@registry_endpoint
def family_card_batch(request: HttpRequest) -> JsonResponse:
    """Many KKs in one request (the portal's full sync asks for a chunk's families at once)."""
    limit = int(getattr(settings, "REGISTRY_BATCH_LIMIT", 500))
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error("bad_request", 400, detail="body must be JSON")
    numbers = body.get("kk_numbers") if isinstance(body, dict) else None
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        return _error("bad_request", 400, detail='expected {"kk_numbers": [string, ...]}')
    if len(numbers) > limit:
        return _error("batch_too_large", 400, limit=limit)
    unique = list(dict.fromkeys(numbers))
    cards = {c.kk_number: c for c in family_cards_get(kk_numbers=unique)}
    return JsonResponse(
        {
            "found": [_family_card_json(cards[n]) for n in unique if n in cards],
            "not_found": [n for n in unique if n not in cards],
        }
    )


# --- control: for demos and tests only ------------------------------------------------------
# Off unless REGISTRY_CONTROL_KEY is set. Lets a test drive the registry running as its own
# process (seed, life events, faults) through the registry's own services, without a
# management command per step. Never enabled in production.

_EVENT_DATES = ("birth_date", "date", "on", "valid_from", "date_of_death")


def _control_args(action: dict[str, Any]) -> dict[str, Any]:
    args = {k: v for k, v in action.items() if k != "action"}
    for key in _EVENT_DATES:
        if isinstance(args.get(key), str):
            args[key] = dt.date.fromisoformat(args[key])
    if "members" in args:
        args["members"] = [tuple(m) for m in args["members"]]
    return args


_CONTROL_ACTIONS: dict[str, Callable[..., Any]] = {
    "reset": services.registry_reset,
    "faults": services.registry_set_faults,
    "upsert_person": services.registry_upsert_person,
    "upsert_family": services.registry_upsert_family,
    "birth": services.registry_birth,
    "death": services.registry_death,
    "move": services.registry_move,
    "correct_name": services.registry_correct_name,
    "split_kk": services.registry_split_kk,
}


@csrf_exempt
@require_POST
def control(request: HttpRequest) -> JsonResponse:
    key = getattr(settings, "REGISTRY_CONTROL_KEY", "")
    provided = request.headers.get("X-Control-Key", "")
    if not key or not hmac.compare_digest(provided.encode(), key.encode()):
        return _error("not_found", 404)
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error("bad_request", 400, detail="body must be JSON")
    actions = body.get("actions") if isinstance(body, dict) else None
    if not isinstance(actions, list):
        return _error("bad_request", 400, detail='expected {"actions": [{"action": ...}, ...]}')
    for index, action in enumerate(actions):
        name = action.get("action") if isinstance(action, dict) else None
        function = _CONTROL_ACTIONS.get(str(name))
        if function is None:
            return _error("bad_request", 400, detail=f"unknown action {name!r}", index=index)
        try:
            function(**_control_args(action))
        except services.RegistryError as error:
            return _error(error.code, 409, detail=error.message, index=index)
        except (TypeError, ValueError) as error:
            return _error("bad_request", 400, detail=str(error), index=index)
    return JsonResponse({"applied": len(actions)})
