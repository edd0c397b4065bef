"""The maintained libraries behind the protocol, held to references outside Python:

- LZ-string: `lzstring_vectors.json` holds compressToEncodedURIComponent outputs of the
  JavaScript original (npm lz-string 1.5.0, run by node: `LZ.compressToEncodedURIComponent`
  over each `input`), among them a whole peserta document;
- AES-256-CBC: a known answer computed with `openssl enc -aes-256-cbc -K <key> -iv <iv>`."""

import json
from pathlib import Path

import lzstring
import pytest

from vclaim.protocol import compress, encrypt, response_key, signature

VECTORS = json.loads((Path(__file__).parent / "lzstring_vectors.json").read_text())


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{len(v['input'])}chars")
def test_lzstring_matches_the_javascript_original(vector):
    assert (
        lzstring.compress_to_encoded_uri_component(vector["input"])
        == vector["compressToEncodedURIComponent"]
    )
    if vector["input"]:
        assert (
            lzstring.decompress_from_encoded_uri_component(vector["compressToEncodedURIComponent"])
            == vector["input"]
        )


def test_documents_are_compressed_as_ascii_json():
    # Outside the Basic Multilingual Plane JavaScript counts UTF-16 units and Python code
    # points, so the ports differ there; ASCII escapes keep every client byte-compatible.
    compressed = compress({"nama": "Ni Luh 😀 Ayu"})
    assert (
        lzstring.decompress_from_encoded_uri_component(compressed)
        == '{"nama":"Ni Luh \\ud83d\\ude00 Ayu"}'
    )


def test_aes_matches_openssl():
    key = response_key(consumer_id="10001", secret="jkn-demo-secret", timestamp="1764670000")
    assert encrypt("N4IgDgpgzhBOAuBDEAuUA7RBbZKQCEBVAEQEkACAZQEEA5AFQHlLGQBfNoA", key=key) == (
        "ljz6Pes8sP5E1JMK2bOIgJ0M8BqQusv4ebRFndye0+W3PhkEiBk6CoWfwHw0RSdIu8jzvTyr6J54NovtHDklew=="
    )


def test_signature_is_base64_hmac_sha256_of_consumer_and_timestamp():
    # printf '10001&1764670000' | openssl dgst -sha256 -hmac jkn-demo-secret -binary | base64
    assert signature(consumer_id="10001", secret="jkn-demo-secret", timestamp="1764670000") == (
        "DVMdVGvmDaF2TG1uwgsuVkMAz6ctdIicGveerxijh0g="
    )


def test_a_secret_opened_once_does_not_stay_open_once_its_storage_key_is_gone(settings):
    # vclaim.sealing keeps what it opened, per storage keys: taking a key out of
    # VCLAIM_SECRET_KEYS must still lock out what only that key sealed.
    from cryptography.fernet import Fernet, InvalidToken

    from vclaim.sealing import seal, unseal

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VCLAIM_SECRET_KEYS = [old_key]
    sealed = seal("rahasia-rs")
    assert unseal(sealed) == unseal(sealed) == "rahasia-rs"

    settings.VCLAIM_SECRET_KEYS = [new_key]
    with pytest.raises(InvalidToken):
        unseal(sealed)
    settings.VCLAIM_SECRET_KEYS = [new_key, old_key]
    assert unseal(sealed) == "rahasia-rs"
