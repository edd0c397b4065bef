"""The VClaim 2.0 wire protocol: request signature and response encryption (issue 13).

- X-signature = base64(HMAC-SHA256(key=secret, message="{cons_id}&{timestamp}")).
- Response key = SHA-256(cons_id + secret + timestamp), the request's X-timestamp;
  AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 padding, base64. The plaintext is the
  JSON document compressed with LZ-string's compressToEncodedURIComponent.

The JSON is written with ASCII escapes only: LZ-string works on UTF-16 code units in
JavaScript and on code points in Python, which differ outside the Basic Multilingual Plane;
with ASCII input every port gives the same bytes (tests/test_protocol.py checks the library
against vectors from the JavaScript original)."""

import base64
import hashlib
import hmac
import json
from typing import Any

import lzstring
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def signature(*, consumer_id: str, secret: str, timestamp: str) -> str:
    digest = hmac.new(
        secret.encode(), f"{consumer_id}&{timestamp}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def signature_matches(*, consumer_id: str, secret: str, timestamp: str, given: str) -> bool:
    expected = signature(consumer_id=consumer_id, secret=secret, timestamp=timestamp)
    return hmac.compare_digest(expected.encode(), given.encode())


def response_key(*, consumer_id: str, secret: str, timestamp: str) -> bytes:
    return hashlib.sha256(f"{consumer_id}{secret}{timestamp}".encode()).digest()


def compress(document: dict[str, Any]) -> str:
    text = json.dumps(document, ensure_ascii=True, separators=(",", ":"))
    return lzstring.compress_to_encoded_uri_component(text)


def encrypt(plaintext: str, *, key: bytes) -> str:
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    data = padder.update(plaintext.encode("ascii")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def encrypt_document(document: dict[str, Any], *, key: bytes) -> str:
    return encrypt(compress(document), key=key)
