"""One helper per step of the registration API, shared by the tests."""

import re
from typing import Any

from captcha.models import CaptchaStore
from django.core import mail
from rest_framework.test import APIClient

BASE = "/api/v1/registrations/"


def step(client: APIClient, reg_id: str, name: str, body: dict[str, Any]) -> Any:
    if name == "kk" and "captcha_key" not in body:
        body = {**body, **solved_captcha()}
    return client.post(f"{BASE}{reg_id}/{name}/", body, format="json")


def solved_captcha() -> dict[str, str]:
    """A real bot-check challenge and its answer, as a person reading the picture gives it."""
    key = CaptchaStore.generate_key()
    return {"captcha_key": key, "captcha_value": CaptchaStore.objects.get(hashkey=key).response}


def delivered() -> None:
    """Send every queued message, as the worker does after commit."""
    from accounts.tests.helpers import deliver_all

    deliver_all()


def last_code(to: str) -> str:
    delivered()
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no message to {to}"
    found = re.search(r"\b(\d{6})\b", str(sent[-1].body))
    assert found
    return found.group(1)


def register_until_consent(
    client: APIClient,
    kk_number: str,
    fktp_id: int,
    *,
    capture: Any = None,
    email: str = "siti@contoh.id",
    care_class: int = 2,
) -> str:
    """Every step up to consent; returns the draft id. `capture` is pytest-django's
    django_capture_on_commit_callbacks (the code is e-mailed after commit); None in
    transactional tests, where commits are real."""
    created = client.post(BASE, {}, format="json")
    assert created.status_code == 201, created.content
    reg_id = created.json()["id"]
    assert step(client, reg_id, "terms", {"accepted": True}).status_code == 200
    pulled = step(client, reg_id, "kk", {"kk_number": kk_number})
    assert pulled.status_code == 200, pulled.content
    required = [m for m in pulled.json()["members"] if m["case"] == "REQUIRED"]
    niks = nik_list(client, reg_id)
    chosen = [{"nik": nik, "fktp_id": fktp_id, "phone": "", "email": ""} for nik in niks]
    assert len(chosen) == len(required)
    assert step(client, reg_id, "members", {"members": chosen}).status_code == 200
    assert step(client, reg_id, "class", {"care_class": care_class}).status_code == 200
    if capture is not None:
        with capture(execute=True):
            sent = step(client, reg_id, "contact", {"email": email, "phone": ""})
    else:
        sent = step(client, reg_id, "contact", {"email": email, "phone": ""})
    assert sent.status_code == 200, sent.content
    verified = step(client, reg_id, "verify", {"code": last_code(email)})
    assert verified.status_code == 200, verified.content
    return reg_id


def nik_list(client: APIClient, reg_id: str) -> list[str]:
    """The required members' NIKs, as the draft holds them (the API masks them)."""
    from registrations.models import Registration

    data = Registration.objects.get(public_id=reg_id).data
    return [m["nik"] for m in data["members"] if m["case"] == "REQUIRED"]
