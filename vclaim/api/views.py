"""The VClaim-compatible facade: `GET Peserta/nokartu/{card}/tglSEP/{date}`,
`GET Peserta/nik/{nik}/tglSEP/{date}` and `GET referensi/faskes/{code or name}/{1|2}` under
`/vclaim-rest/`, answered in VClaim's envelope so that a hospital system (SIMRS) calls it
unmodified (issue 13).

Always HTTP 200 with `{"metaData": {"code", "message"}, "response"}`; codes are strings,
messages Indonesian, `response` the encrypted document (vclaim.protocol) or null. Codes:
200 OK, 201 not found, 400 bad input, 401 credentials (headers, consumer id, timestamp,
signature, user key), 404 unknown service, 405 not GET, 429 rate limited (with Retry-After).
Peserta lookups share the rate limit and the lookup log of the REST eligibility API
(participants.eligibility)."""

import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from core.cache import kept
from core.nik import validate_nik
from participants.eligibility import eligibility_lookup_record, eligibility_rate_limit_hit
from participants.models import EligibilityLookup
from participants.selectors import fact_rows, participant_status

from ..documents import faskes_document, peserta_document
from ..models import FacilityCredential
from ..protocol import compress, encrypt, encrypt_document, response_key, signature_matches
from ..sealing import unseal, user_key_digest
from ..selectors import credential_for_consumer, facilities_matching, participant_for_lookup

PESERTA_PATH = re.compile(
    r"^peserta/(?P<by>nokartu|nik)/(?P<number>[^/]*)/tglsep/(?P<day>[^/]*)/?$", re.IGNORECASE
)
FASKES_PATH = re.compile(r"^referensi/faskes/(?P<term>[^/]+)/(?P<level>[^/]*)/?$", re.IGNORECASE)
CARD_NUMBER = re.compile(r"^[0-9]{13}$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# JKN began on 1 January 2014 (Perpres 12/2013); a year ahead at most, as the eligibility API.
EARLIEST_SERVICE_DATE = date(2014, 1, 1)
SERVICE_DAYS_AHEAD = 366


class Refusal(Exception):
    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Caller:
    credential: FacilityCredential
    secret: str  # the one the signature verified with (the previous one during a rotation)
    timestamp: str

    def key(self) -> bytes:
        return response_key(
            consumer_id=self.credential.consumer_id, secret=self.secret, timestamp=self.timestamp
        )


def envelope(
    code: str, message: str, response: str | None = None, headers: dict[str, str] | None = None
) -> JsonResponse:
    answer = JsonResponse({"metaData": {"code": code, "message": message}, "response": response})
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def _verified_secret(credential: FacilityCredential, *, timestamp: str, given: str) -> str | None:
    candidates = [credential.secret_encrypted]
    if credential.previous_secret_encrypted and (
        credential.previous_valid_until and credential.previous_valid_until > timezone.now()
    ):
        candidates.append(credential.previous_secret_encrypted)
    for sealed in candidates:
        try:
            secret = unseal(sealed)
        except InvalidToken:  # sealed with a storage key this process no longer has
            continue
        if signature_matches(
            consumer_id=credential.consumer_id, secret=secret, timestamp=timestamp, given=given
        ):
            return secret
    return None


def authenticate(request: HttpRequest) -> Caller:
    consumer_id = request.META.get("HTTP_X_CONS_ID", "").strip()
    timestamp = request.META.get("HTTP_X_TIMESTAMP", "").strip()
    given = request.META.get("HTTP_X_SIGNATURE", "").strip()
    if not (consumer_id and timestamp and given):
        raise Refusal("401", "Header X-cons-id, X-timestamp dan X-signature wajib diisi.")
    if not (consumer_id.isdigit() and len(consumer_id) <= 16):
        raise Refusal("401", "Consumer id tidak terdaftar atau tidak aktif.")
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise Refusal("401", "X-timestamp harus berupa detik Unix (UTC).")
    tolerance = settings.VCLAIM_TIMESTAMP_TOLERANCE_SECONDS
    if abs(time.time() - int(timestamp)) > tolerance:
        raise Refusal(
            "401",
            f"X-timestamp berselisih lebih dari {tolerance // 60} menit dari waktu server.",
        )
    # gunicorn, runserver and many proxies drop `user_key` (an underscore): see settings.
    user_key = request.META.get("HTTP_USER_KEY")
    if user_key is None and settings.VCLAIM_REQUIRE_USER_KEY:
        raise Refusal("401", "Header user_key wajib diisi.")
    given_key = user_key_digest(user_key.strip()) if user_key is not None else None
    # A kept credential first (vclaim.selectors); what does not verify against it is checked
    # again against the database, so a secret or user key rotated elsewhere works at once.
    for fresh in (False, True):
        credential = credential_for_consumer(consumer_id=consumer_id, fresh=fresh)
        if credential is None:
            raise Refusal("401", "Consumer id tidak terdaftar atau tidak aktif.")
        secret = _verified_secret(credential, timestamp=timestamp, given=given)
        key_ok = given_key is None or given_key == credential.user_key_sha256
        if secret is not None and key_ok:
            return Caller(credential, secret, timestamp)
    if secret is None:
        raise Refusal("401", "Signature tidak valid.")
    raise Refusal("401", "user_key tidak valid.")


def _service_date(value: str) -> date:
    try:
        if not ISO_DATE.match(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise Refusal("400", "Format tglSEP salah; gunakan yyyy-MM-dd.") from None
    latest = timezone.localdate() + timedelta(days=SERVICE_DAYS_AHEAD)
    if not EARLIEST_SERVICE_DATE <= day <= latest:
        raise Refusal(
            "400", f"tglSEP harus antara {EARLIEST_SERVICE_DATE.isoformat()} dan {latest}."
        )
    return day


def _peserta(request: HttpRequest, caller: Caller, *, by: str, number: str, day: str) -> Any:
    by_nik = by.lower() == "nik"
    if by_nik:
        try:
            validate_nik(number)
        except ValidationError as exc:
            raise Refusal("400", "NIK tidak valid: " + " ".join(exc.messages)) from None
    elif not CARD_NUMBER.match(number):
        raise Refusal("400", "Nomor kartu harus 13 digit angka.")
    service_date = _service_date(day)
    account = caller.credential.account
    wait = eligibility_rate_limit_hit(account=account)
    if wait is not None:
        raise Refusal(
            "429",
            f"Terlalu banyak permintaan; coba lagi dalam {wait} detik.",
            headers={"Retry-After": str(wait)},
        )
    today = timezone.localdate()
    # The compressed document is cached under the fact tokens of the participant's family
    # (participants.selectors.fact_rows): any payment, sync result or correction gives the
    # next lookup a new key. Only the encryption, with this request's key, is done each time.
    facts = fact_rows(by="nik" if by_nik else "card_number", value=number)
    answer = None
    if facts is not None:
        key = facts.key("vclaim", service_date.isoformat(), today.isoformat(), by_nik)
        answer = kept(
            key,
            lambda: _peserta_answer(number, by_nik=by_nik, service_date=service_date, today=today),
            settings.FAMILY_READ_CACHE_SECONDS,
        )
    eligibility_lookup_record(
        account=account,
        channel=EligibilityLookup.Channel.VCLAIM,
        kind=EligibilityLookup.Kind.NIK if by_nik else EligibilityLookup.Kind.CARD,
        asked_number=number,
        service_date=service_date,
        participant_id=answer.participant_id if answer else None,
        result_status=answer.status if answer else None,
        client_address=request.META.get("REMOTE_ADDR"),
    )
    if answer is None:
        raise Refusal("201", "Peserta tidak ditemukan.")
    return envelope("200", "OK", encrypt(answer.compressed, key=caller.key()))


@dataclass(frozen=True)
class PesertaAnswer:
    participant_id: int
    status: str
    compressed: str  # the document, LZ-string compressed: the same for every facility


def _peserta_answer(
    number: str, *, by_nik: bool, service_date: date, today: date
) -> PesertaAnswer | None:
    match = (
        participant_for_lookup(nik=number) if by_nik else participant_for_lookup(card_number=number)
    )
    if match is None:
        return None
    result = participant_status(participant=match.participant, on=service_date)
    document = peserta_document(
        match.participant,
        result=result,
        service_date=service_date,
        today=today,
        asked_by_nik=by_nik,
        relationship=match.relationship,
        is_main=match.is_main,
    )
    return PesertaAnswer(match.participant.pk, result.status, compress(document))


def _faskes(caller: Caller, *, term: str, level: str) -> Any:
    if level not in ("1", "2"):
        raise Refusal("400", "Jenis faskes harus 1 (FKTP) atau 2 (FKTL).")
    facilities = facilities_matching(term=term, level=level)
    if not facilities:
        raise Refusal("201", "Faskes tidak ditemukan.")
    return envelope("200", "OK", encrypt_document(faskes_document(facilities), key=caller.key()))


@never_cache
def facade(request: HttpRequest, rest: str) -> JsonResponse:
    # The protocol's messages are Indonesian whatever the client's Accept-Language.
    with translation.override("id"):
        try:
            if request.method != "GET":
                raise Refusal("405", "Metode tidak didukung; gunakan GET.")
            caller = authenticate(request)
            if match := PESERTA_PATH.match(rest):
                return _peserta(request, caller, **match.groupdict())
            if match := FASKES_PATH.match(rest):
                return _faskes(caller, **match.groupdict())
            raise Refusal("404", "Layanan tidak ditemukan.")
        except Refusal as refusal:
            return envelope(refusal.code, refusal.message, headers=refusal.headers)
