"""Field encryption (AES-256-GCM with key rotation) and HMAC blind indexes.

Keys come from settings (``GBVMS_FIELD_KEYS``: comma-separated URL-safe base64 256-bit keys, the
first one encrypts, all of them decrypt; ``GBVMS_BLIND_INDEX_KEY``). A ciphertext is
``v1$<key id>$<base64(nonce || ciphertext+tag)>``; the key id is the first 8 hex digits of the
SHA-256 of the key, so rotation can tell which values still use an old key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gbvms.core.text import fold, normalise_phone

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A value could not be decrypted with any configured key."""


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    aead: AESGCM


def _decode_key(raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("GBVMS_FIELD_KEYS holds a key that is not base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("each key in GBVMS_FIELD_KEYS must be 32 bytes (256 bits)")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(raw_keys: tuple[str, ...]) -> tuple[FieldKey, ...]:
    if not raw_keys:
        raise ImproperlyConfigured("GBVMS_FIELD_KEYS is empty")
    keys = [_decode_key(raw) for raw in raw_keys]
    return tuple(FieldKey(key_id(k), AESGCM(k)) for k in keys)


def keyring() -> tuple[FieldKey, ...]:
    return _keyring(tuple(settings.FIELD_KEYS))


def primary_key_id() -> str:
    return keyring()[0].key_id


def encrypt(plaintext: str) -> str:
    primary = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = primary.aead.encrypt(nonce, plaintext.encode("utf-8"), PREFIX.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}${primary.key_id}${body}"


def token_key_id(token: str) -> str | None:
    parts = token.split("$")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(token: str) -> str:
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    _, kid, body = parts
    try:
        blob = base64.urlsafe_b64decode(body)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("corrupt ciphertext") from exc
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    for key in keyring():
        if key.key_id != kid:
            continue
        try:
            return key.aead.decrypt(nonce, sealed, PREFIX.encode()).decode("utf-8")
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc
    raise DecryptionError(f"no configured key with id {kid}")


def reencrypt(token: str) -> str:
    """Re-encrypt with the primary key; returns the token unchanged if it already uses it."""
    if token_key_id(token) == primary_key_id():
        return token
    return encrypt(decrypt(token))


def _blind_key() -> bytes:
    return hashlib.sha256(b"gbvms-blind-index:" + settings.BLIND_INDEX_KEY.encode()).digest()


def blind_index(value: str, *, kind: str = "text") -> str:
    """HMAC-SHA256 of the normalised value; equal for 'Nguyễn Văn A' and 'nguyen van a'.

    ``kind`` separates namespaces ("name", "phone", ...) so equal strings of different kinds
    never share an index value. Empty values give an empty index.
    """
    normalised = normalise_phone(value) if kind == "phone" else fold(value)
    if not normalised:
        return ""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()
