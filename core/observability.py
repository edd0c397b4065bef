"""What operators read: one request id per request (kept by the tasks it queues), JSON log
lines, an access log, and operator times in one convention.

The request id comes from the caller's `X-Request-ID` header when it looks sane (a load
balancer or the TLS proxy sets one), else a new one; it is echoed in the response, written on
every log line of the request, sent to the Dukcapil registry, and carried in the headers of
every Celery task the request queues (jkn_portal/celery.py), so one id follows a payment from
the bank's notification to the worker that made the family AKTIF.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .formatting import mask_number

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# NIK, KK and card numbers in a path are personal data: logs show only their ends.
_LONG_NUMBER = re.compile(r"\d{10,}")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

access_logger = logging.getLogger("jkn.access")


def current_request_id() -> str:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def masked_path(path: str) -> str:
    return _LONG_NUMBER.sub(lambda m: mask_number(m.group()), path)


def operator_time(value: datetime | None = None) -> str:
    """The one convention for times shown to operators (commands, logs, reports): local time
    of TIME_ZONE (Asia/Jakarta, WIB) with its UTC offset, e.g. 2026-12-02 16:43:17+07:00."""
    local = timezone.localtime(value) if value is not None else timezone.localtime()
    return local.isoformat(sep=" ", timespec="seconds")


# --- logging ----------------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or the queuing request's, inside a task) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get() or "-"
        return True


class ExpectedRefusalFilter(logging.Filter):
    """A 403, a 404 or a bad Host header is a refusal we meant, not a fault: log one line,
    without the traceback that Django attaches (tracebacks are kept for 5xx)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.security") or (status is not None and status < 500):
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = None
            record.exc_text = None
        if record.name.startswith("django.request") and isinstance(record.args, tuple):
            record.args = tuple(masked_path(a) if isinstance(a, str) else a for a in record.args)
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (operator convention), level, logger, message,
    request_id and any `extra=` fields. Django's `request` object becomes its method and
    path (the object itself is not data)."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["time"] = operator_time(datetime.fromtimestamp(record.created, tz=UTC))
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        request = log_data.pop("request", None)
        if isinstance(request, HttpRequest):
            log_data.setdefault("method", request.method)
            log_data.setdefault("path", masked_path(request.path))
        for noise in ("taskName", "color_message"):
            log_data.pop(noise, None)


class TextFormatter(logging.Formatter):
    """The same fields for a person at a terminal (the embedded default)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return operator_time(datetime.fromtimestamp(record.created, tz=UTC))


# --- middleware -------------------------------------------------------------------------------


class RequestIdMiddleware:
    """First in the chain: every later log line of the request carries the id, and the access
    log line is written last, with the status and the time taken."""

    # Load balancers ask these every few seconds: logged at DEBUG, not in the access log.
    QUIET_PATHS = ("/healthz", "/metrics")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SANE_ID.match(given) else new_request_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._access_log(request, response, time.perf_counter() - started)
            return response
        finally:
            request_id_var.reset(token)

    def _access_log(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        quiet = request.path.startswith(self.QUIET_PATHS) and response.status_code < 500
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        access_logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %.1f ms",
            request.method,
            masked_path(request.path),
            response.status_code,
            seconds * 1000,
            extra={
                "method": request.method,
                "path": masked_path(request.path),
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "view": match.view_name if match else None,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
