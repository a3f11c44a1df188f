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

Key rotation (``rotation.rotate_files``, run by ``manage.py rotate_field_keys``) re-encrypts every
blob whose header names a key other than the primary one (:func:`rekey`): read with whichever
configured key its header names, written with the primary key under the same name, atomically, so
a crash at any point leaves each file either wholly old (readable while the old key is listed) or
wholly new.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings

from gbvms.core import crypto

MAGIC = b"GBVF1"
KEY_ID_BYTES = 8
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES
NONCE_BYTES = crypto.NONCE_BYTES
BLOB_NAME = re.compile(r"[0-9a-f]{32}")
TEMP_PREFIX = ".tmp-"


class StoredFileError(Exception):
    """A stored file could not be read (missing, unknown key, bad name)."""


class MissingFileError(StoredFileError):
    """A stored file does not exist (never written, or deleted)."""


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


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a power cut cannot bring the old file back)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(blob: str, sealed: bytes, *, replace_only: bool = False) -> bool:
    """Write ``sealed`` as ``blob`` atomically; with ``replace_only``, not if ``blob`` is gone.

    The bytes go to a temporary file in the same directory, are flushed to disk, then renamed over
    the blob: readers see the old file or the new one, never a part of either. Returns whether the
    blob was written (``replace_only`` and a blob deleted meanwhile: False, nothing is left).
    """
    directory = files_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        if replace_only and not (directory / blob).exists():
            Path(temp).unlink()
            return False
        os.replace(temp, directory / blob)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return True


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
        raise MissingFileError(f"stored file {blob} is missing") from exc
    return _open(sealed, blob)


def delete(blob: str) -> None:
    """Remove ``blob`` (no error if it is already gone)."""
    _path(blob).unlink(missing_ok=True)


def key_id_of(blob: str) -> str:
    """The id of the key ``blob`` was encrypted with (for key rotation)."""
    try:
        with _path(blob).open("rb") as handle:
            header = handle.read(HEADER_BYTES)
    except FileNotFoundError as exc:
        raise MissingFileError(f"stored file {blob} is missing") from exc
    if not header.startswith(MAGIC) or len(header) != HEADER_BYTES:
        raise TamperedFileError(f"stored file {blob} is not an encrypted file")
    return header[len(MAGIC) :].decode("ascii", errors="replace")


def rekey(blob: str) -> bool:
    """Re-encrypt ``blob`` with the primary key (same name, atomic); False if it already was.

    The old file is decrypted and authenticated first (:class:`StoredFileError` or
    :class:`TamperedFileError` otherwise, and the file is left as it was). A blob deleted before
    or while it is re-encrypted stays deleted (:class:`MissingFileError`).
    """
    if key_id_of(blob) == crypto.primary_key_id():
        return False
    if not _write(blob, _seal(load(blob), blob), replace_only=True):
        raise MissingFileError(f"stored file {blob} was deleted while it was re-encrypted")
    return True


def blobs() -> Iterator[str]:
    """The names of all stored blobs, in name order (temporary files are not blobs)."""
    try:
        names = sorted(entry.name for entry in os.scandir(files_dir()) if entry.is_file())
    except FileNotFoundError:
        return
    yield from (name for name in names if BLOB_NAME.fullmatch(name))


def remove_stale_temporaries(*, older_than: float = 3600.0) -> int:
    """Delete temporary files left by a killed writer (older than ``older_than`` seconds).

    A write in progress has a fresh temporary file, so it is not touched. Returns how many
    files were removed.
    """
    limit = time.time() - older_than
    removed = 0
    try:
        entries = list(os.scandir(files_dir()))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) and entry.is_file():
            try:
                if entry.stat().st_mtime < limit:
                    Path(entry.path).unlink()
                    removed += 1
            except FileNotFoundError:
                continue
    return removed
