"""Encryption at rest of facility secrets (Fernet from `cryptography`).

`VCLAIM_SECRET_KEYS` lists Fernet keys, newest first: the first encrypts, every one decrypts,
so the storage key can be rotated (`manage.py vclaim_reencrypt` re-encrypts with the newest,
after which an old key can leave the list). Without it the key is derived from SECRET_KEY
(the embedded default)."""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    # The key derived from SECRET_KEY comes last: it encrypts only when no key is configured,
    # and still decrypts what it encrypted until `vclaim_reencrypt` has moved it.
    derived = hashlib.sha256(b"jkn-vclaim-secrets:" + secret_key.encode()).digest()
    return MultiFernet([Fernet(k) for k in (*keys, base64.urlsafe_b64encode(derived).decode())])


def _storage_keys() -> tuple[tuple[str, ...], str]:
    return tuple(settings.VCLAIM_SECRET_KEYS), settings.SECRET_KEY


def fernet() -> MultiFernet:
    return _fernet(*_storage_keys())


def seal(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    return _unsealed(token, *_storage_keys())


# Kept per sealed value and storage keys: a VClaim lookup then decrypts no secret (a Fernet
# decryption, HMAC and AES: authenticate() took 87 us in-process with it, 35 us without,
# bench/vclaim's database). The plain secret stays in this process's memory, beside the
# sealed one and the keys that open it. A key taken out of the list is another cache key, so
# what only that key could open fails again (vclaim/tests/test_protocol.py).
@lru_cache(maxsize=256)
def _unsealed(token: str, keys: tuple[str, ...], secret_key: str) -> str:
    return _fernet(keys, secret_key).decrypt(token.encode()).decode()


def reseal(token: str) -> str:
    """The same value encrypted with the newest key."""
    return fernet().rotate(token.encode()).decode()


def user_key_digest(user_key: str) -> str:
    return hashlib.sha256(user_key.encode()).hexdigest()
