"""Encrypted file storage outside the web root (evidence files of programme records).

Each file is one blob in ``FILES_DIR`` (``GBVMS_FILES_DIR``; default ``var/files`` in the
checkout), named by 32 random hex digits that say nothing about its content. A blob is::

    b"GBVF1" || key id (8 ASCII hex digits) || nonce (12 bytes) || AES-256-GCM(ciphertext+tag)

encrypted with the primary key of the field keyring (``crypto.keyring()``, ``GBVMS_FIELD_KEYS``),
so the keys and their rotation are the same as for encrypted fields. The header and the blob's
name are authenticated (associated data): a file that was changed, truncated, or copied under
another blob's name fails to load with :class:`TamperedFileError`. Writes are atomic (a temporary
file in the same directory, flushed, then ``os.replace``) and every file has mode 0600 in a
directory of mode 0700.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings

from gbvms.core import crypto

MAGIC = b"GBVF1"
KEY_ID_BYTES = 8
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES
NONCE_BYTES = crypto.NONCE_BYTES
BLOB_NAME = re.compile(r"[0-9a-f]{32}")


class StoredFileError(Exception):
    """A stored file could not be read (missing, unknown key, bad name)."""


class TamperedFileError(StoredFileError):
    """A stored file failed authentication: it was changed after it was written."""


def files_dir() -> Path:
    configured = getattr(settings, "FILES_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "files"


def _path(blob: str) -> Path:
    if not isinstance(blob, str) or not BLOB_NAME.fullmatch(blob):
        raise StoredFileError("not a blob name")
    return files_dir() / blob


def _aad(header: bytes, blob: str) -> bytes:
    return header + b"/" + blob.encode("ascii")


def _seal(data: bytes, blob: str) -> bytes:
    primary = crypto.keyring()[0]
    header = MAGIC + primary.key_id.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + primary.aead.encrypt(nonce, data, _aad(header, blob))


def _open(sealed: bytes, blob: str) -> bytes:
    if len(sealed) < HEADER_BYTES + NONCE_BYTES + 16 or not sealed.startswith(MAGIC):
        raise TamperedFileError(f"stored file {blob} is not an encrypted file")
    header = sealed[:HEADER_BYTES]
    kid = header[len(MAGIC) :].decode("ascii", errors="replace")
    nonce = sealed[HEADER_BYTES : HEADER_BYTES + NONCE_BYTES]
    body = sealed[HEADER_BYTES + NONCE_BYTES :]
    for key in crypto.keyring():
        if key.key_id == kid:
            try:
                return key.aead.decrypt(nonce, body, _aad(header, blob))
            except InvalidTag as exc:
                raise TamperedFileError(f"stored file {blob} failed authentication") from exc
    raise StoredFileError(f"stored file {blob} uses key {kid}, which is not configured")


def _write(blob: str, sealed: bytes) -> None:
    directory = files_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=directory)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, directory / blob)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def store(data: bytes) -> str:
    """Encrypt and write ``data``; returns the new blob's name."""
    blob = secrets.token_hex(16)
    _write(blob, _seal(bytes(data), blob))
    return blob


def load(blob: str) -> bytes:
    """The plaintext of ``blob``; :class:`TamperedFileError` if it changed since it was written."""
    try:
        sealed = _path(blob).read_bytes()
    except FileNotFoundError as exc:
        raise StoredFileError(f"stored file {blob} is missing") from exc
    return _open(sealed, blob)


def delete(blob: str) -> None:
    """Remove ``blob`` (no error if it is already gone)."""
    _path(blob).unlink(missing_ok=True)


def key_id_of(blob: str) -> str:
    """The id of the key ``blob`` was encrypted with (for key rotation)."""
    with _path(blob).open("rb") as handle:
        header = handle.read(HEADER_BYTES)
    if not header.startswith(MAGIC) or len(header) != HEADER_BYTES:
        raise TamperedFileError(f"stored file {blob} is not an encrypted file")
    return header[len(MAGIC) :].decode("ascii", errors="replace")


def rekey(blob: str) -> bool:
    """Re-encrypt ``blob`` with the primary key (same name, atomic); False if it already was."""
    if key_id_of(blob) == crypto.primary_key_id():
        return False
    _write(blob, _seal(load(blob), blob))
    return True
