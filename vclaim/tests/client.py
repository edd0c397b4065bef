"""A VClaim client written from issue 13's description of the protocol, as a hospital system
(SIMRS) would write it: it shares no code with the server (vclaim.protocol), so a mistake on
one side is not repeated on the other."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import lzstring
import requests
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def _over_http(url: str, headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
    r = requests.get(url, headers=headers, timeout=30)
    return r.status_code, r.json(), dict(r.headers)


@dataclass
class Answer:
    http_status: int
    code: str
    message: str
    document: Any  # the decrypted, decompressed JSON (None when `response` is null)
    headers: dict[str, str]


@dataclass
class VClaimClient:
    base_url: str  # e.g. http://127.0.0.1:8000/vclaim-rest/
    consumer_id: str
    secret: str
    user_key: str | None
    # "user_key" as the protocol says; "user-key" passes proxies that drop underscores.
    user_key_header: str = "user_key"
    # (url, headers) -> (HTTP status, JSON body, headers); over HTTP by default.
    transport: Callable[[str, dict[str, str]], tuple[int, Any, dict[str, str]]] = field(
        default=lambda url, headers: _over_http(url, headers)
    )

    def headers(self, timestamp: str, *, signature: str | None = None) -> dict[str, str]:
        message = f"{self.consumer_id}&{timestamp}".encode()
        digest = hmac.new(self.secret.encode(), message, hashlib.sha256).digest()
        headers = {
            "X-cons-id": self.consumer_id,
            "X-timestamp": timestamp,
            "X-signature": signature or base64.b64encode(digest).decode(),
        }
        if self.user_key is not None:
            headers[self.user_key_header] = self.user_key
        return headers

    def decrypt(self, payload: str, timestamp: str) -> Any:
        key = hashlib.sha256(f"{self.consumer_id}{self.secret}{timestamp}".encode()).digest()
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        padded = decryptor.update(base64.b64decode(payload)) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        compressed = (unpadder.update(padded) + unpadder.finalize()).decode()
        return json.loads(lzstring.decompress_from_encoded_uri_component(compressed))

    def get(
        self, path: str, *, timestamp: str | None = None, signature: str | None = None
    ) -> Answer:
        timestamp = timestamp or str(int(time.time()))
        status, body, headers = self.transport(
            self.base_url + path, self.headers(timestamp, signature=signature)
        )
        payload = body["response"]
        document = self.decrypt(payload, timestamp) if payload else None
        return Answer(
            status, body["metaData"]["code"], body["metaData"]["message"], document, headers
        )

    def peserta_by_card(self, card_number: str, service_date: str, **kw: Any) -> Answer:
        return self.get(f"Peserta/nokartu/{card_number}/tglSEP/{service_date}", **kw)

    def peserta_by_nik(self, nik: str, service_date: str, **kw: Any) -> Answer:
        return self.get(f"Peserta/nik/{nik}/tglSEP/{service_date}", **kw)
