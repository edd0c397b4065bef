"""Delivery channels: Django's mail backend for e-mail, a small SMS gateway interface for SMS.

SMS gateways: `OutboxSmsGateway` (development: the Message row is the outbox, staff read it on
the outbox page) and `HttpSmsGateway` (a provider's HTTP API, configured by settings). Chosen by
MESSAGING_SMS_GATEWAY. Errors say whether a retry may help."""

from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class DeliveryError(Exception):
    """A send failed. `retryable`: network trouble or a 5xx/429, worth another attempt later;
    otherwise the provider refused the message itself (bad number) and retrying cannot help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Sms:
    to: str  # E.164
    text: str
    reference: str  # our event key: lets the provider drop a duplicate of a retried request


class SmsGateway(Protocol):
    def send(self, sms: Sms) -> str:
        """Send one SMS; return the provider's message id or raise DeliveryError."""


class OutboxSmsGateway:
    """Development: nothing leaves the machine; the message is read on the outbox page."""

    def send(self, sms: Sms) -> str:
        return f"outbox:{sms.reference}"


class HttpSmsGateway:
    """A provider's JSON API: POST {to, text, reference} with a Bearer key; answers {id}.

    Timeouts on every call; urllib3 retries connection errors and 502/503/504 with backoff
    inside one attempt, and the Celery task retries the whole attempt later."""

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAY_URL
        self.timeout = (settings.SMS_GATEWAY_CONNECT_TIMEOUT, settings.SMS_GATEWAY_TIMEOUT)
        self.session = requests.Session()
        retry = Retry(
            total=settings.SMS_GATEWAY_RETRIES,
            backoff_factor=settings.SMS_GATEWAY_BACKOFF_SECONDS,
            status_forcelist=(502, 503, 504),
            allowed_methods=None,  # POST too: the reference makes the request idempotent
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        if settings.SMS_GATEWAY_API_KEY:
            self.session.headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_API_KEY}"

    def send(self, sms: Sms) -> str:
        if not self.url:
            raise DeliveryError("SMS_GATEWAY_URL is not set", retryable=False)
        try:
            response = self.session.post(
                self.url,
                json={"to": sms.to, "text": sms.text, "reference": sms.reference},
                headers={"Idempotency-Key": sms.reference},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise DeliveryError(
                f"gateway unreachable: {exc.__class__.__name__}", retryable=True
            ) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DeliveryError(f"gateway answered {response.status_code}", retryable=True)
        if response.status_code >= 400:
            raise DeliveryError(
                f"gateway refused: {response.status_code} {response.text[:200]}", retryable=False
            )
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryError("gateway answered without a message id", retryable=True) from exc


def sms_gateway() -> SmsGateway:
    return import_string(settings.MESSAGING_SMS_GATEWAY)()


def send_email(*, to: str, subject: str, text: str, html: str, reference: str) -> str:
    """Through Django's mail backend (file/console on the embedded default, SMTP in
    production). The Message-ID carries our event key, so a mail catcher shows duplicates."""
    message_id = f"<{reference.replace(':', '.')}@{settings.MESSAGING_MAIL_DOMAIN}>"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    )
    if html:
        email.attach_alternative(html, "text/html")
    try:
        email.send(fail_silently=False)
    except OSError as exc:  # smtplib errors and socket errors are OSErrors
        detail = f"mail backend: {exc.__class__.__name__}: {exc}"[:300]
        raise DeliveryError(detail, retryable=True) from exc
    return message_id
