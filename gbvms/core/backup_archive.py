"""The encrypted container of a backup: a stream of AES-256-GCM records (docs/backup.md).

Layout::

    b"GBVMSBAK" || version (1 byte) || salt (16 bytes) || key check (16 bytes)
    then records: length (4 bytes, big-endian) || AES-256-GCM(type (1 byte) || payload)

The archive key and the key check are derived from ``GBVMS_BACKUP_KEY`` and the archive's random
salt (HKDF-SHA256), so every archive has its own key. Record *i* is sealed with the nonce *i*
(96-bit counter: never reused under one key) and the associated data prefix || *i* || final
flag, so a record that was changed, moved, dropped, repeated, or an archive cut short or
lengthened fails to open (the "STREAM" construction). A wrong backup key is told apart from a
damaged archive by the key check, before any record is opened.

Records: ``H`` header (JSON, first), ``B`` an entry begins (its name), ``D`` a chunk of its
data (at most :data:`CHUNK` bytes), ``E`` the entry ends, ``M`` the manifest (JSON, last).
Writing and reading both stream: memory stays at one chunk whatever the size of the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"GBVMSBAK"
VERSION = 1
SALT_BYTES = 16
CHECK_BYTES = 16
PREFIX_BYTES = len(MAGIC) + 1 + SALT_BYTES
CHUNK = 1024 * 1024
MAX_RECORD = CHUNK + 4096  # a longer record length is damage, not a record to allocate
TAG_BYTES = 16

HEADER, BEGIN, DATA, END, MANIFEST = b"H", b"B", b"D", b"E", b"M"


class ArchiveError(Exception):
    """The archive cannot be used; the message says why (for the operator)."""


class NotAnArchiveError(ArchiveError):
    pass


class WrongKeyError(ArchiveError):
    pass


class DamagedArchiveError(ArchiveError):
    pass


def _derive(backup_key: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    material = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=salt, info=b"gbvms backup v1"
    ).derive(backup_key)
    return AESGCM(material[:32]), material[32:]


def _check(check_key: bytes, prefix: bytes) -> bytes:
    return hmac.new(check_key, b"key check " + prefix, hashlib.sha256).digest()[:CHECK_BYTES]


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


def _aad(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">QB", index, 1 if final else 0)


class ArchiveWriter:
    """Seals records into ``handle``. The last record is known only at :meth:`close`, so one
    record is held back until the next one (or the close) says whether it was the last."""

    def __init__(self, handle: BinaryIO, backup_key: bytes, salt: bytes) -> None:
        self._handle = handle
        self._prefix = MAGIC + bytes([VERSION]) + salt
        self._aead, check_key = _derive(backup_key, salt)
        handle.write(self._prefix + _check(check_key, self._prefix))
        self._index = 0
        self._pending: bytes | None = None

    def _seal(self, plaintext: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(
            _nonce(self._index), plaintext, _aad(self._prefix, self._index, final)
        )
        self._handle.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def record(self, kind: bytes, payload: bytes = b"") -> None:
        if len(payload) > CHUNK:
            raise ValueError("a record holds at most one chunk")
        if self._pending is not None:
            self._seal(self._pending, final=False)
        self._pending = kind + payload

    def json(self, kind: bytes, value: dict[str, Any]) -> None:
        self.record(kind, json.dumps(value, sort_keys=True).encode("utf-8"))

    def entry(self, name: str, stream: IO[bytes]) -> tuple[int, str]:
        """Copy ``stream`` as the entry ``name``; returns its size and SHA-256 (hex)."""
        digest, size = hashlib.sha256(), 0
        self.record(BEGIN, name.encode("utf-8"))
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            self.record(DATA, chunk)
        self.record(END)
        return size, digest.hexdigest()

    def close(self) -> None:
        if self._pending is None:
            raise ValueError("an archive holds at least one record")
        self._seal(self._pending, final=True)
        self._pending = None


def _read_exact(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise DamagedArchiveError("the archive is cut short (incomplete or damaged)")
    return data


def records(handle: BinaryIO, backup_key: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Open the records of the archive in ``handle`` one by one: (type, payload)."""
    prefix = handle.read(PREFIX_BYTES)
    if len(prefix) < PREFIX_BYTES or not prefix.startswith(MAGIC):
        raise NotAnArchiveError("this file is not a GBVMS backup")
    if prefix[len(MAGIC)] != VERSION:
        raise NotAnArchiveError(
            f"this backup has format version {prefix[len(MAGIC)]}, this GBVMS reads {VERSION}"
        )
    aead, check_key = _derive(backup_key, prefix[len(MAGIC) + 1 :])
    if not hmac.compare_digest(_read_exact(handle, CHECK_BYTES), _check(check_key, prefix)):
        raise WrongKeyError(
            "the backup key (GBVMS_BACKUP_KEY) is not the one this backup was made with"
        )
    index = 0
    length = handle.read(4)
    while length:
        if len(length) != 4:
            raise DamagedArchiveError("the archive is cut short (incomplete or damaged)")
        (size,) = struct.unpack(">I", length)
        if not TAG_BYTES < size <= MAX_RECORD + TAG_BYTES:
            raise DamagedArchiveError(f"record {index} of the archive is damaged")
        sealed = _read_exact(handle, size)
        length = handle.read(4)
        try:
            plain = aead.decrypt(_nonce(index), sealed, _aad(prefix, index, final=not length))
        except InvalidTag as exc:
            raise DamagedArchiveError(
                f"record {index} of the archive fails its check: the file was changed, cut "
                "short or damaged"
            ) from exc
        yield plain[:1], plain[1:]
        index += 1
    if index == 0:
        raise DamagedArchiveError("the archive holds no record")


@dataclass
class Entry:
    name: str
    size: int = 0
    sha256: str = ""


@dataclass
class Event:
    """What :func:`events` yields: the header, an entry's start, chunks and end, the manifest."""

    kind: bytes
    entry: Entry | None = None
    data: bytes = b""
    document: dict[str, Any] | None = None


def _document(payload: bytes) -> dict[str, Any]:
    try:
        value = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DamagedArchiveError("the archive's header or manifest is not readable") from exc
    if not isinstance(value, dict):
        raise DamagedArchiveError("the archive's header or manifest is not readable")
    return value


def events(handle: BinaryIO, backup_key: bytes) -> Iterator[Event]:
    """The archive's structure, checked: header first, entries, manifest last; SHA-256 and
    size of each entry computed as its data passes."""
    state = "start"
    current: Entry | None = None
    digest = hashlib.sha256()
    for kind, payload in records(handle, backup_key):
        if state == "start" and kind == HEADER:
            state = "body"
            yield Event(HEADER, document=_document(payload))
        elif state == "body" and kind == BEGIN:
            current, digest, state = (
                Entry(payload.decode("utf-8", "replace")),
                hashlib.sha256(),
                "entry",
            )
            yield Event(BEGIN, entry=current)
        elif state == "entry" and kind == DATA and current is not None:
            digest.update(payload)
            current.size += len(payload)
            yield Event(DATA, entry=current, data=payload)
        elif state == "entry" and kind == END and current is not None:
            current.sha256, state = digest.hexdigest(), "body"
            yield Event(END, entry=current)
        elif state == "body" and kind == MANIFEST:
            state = "done"
            yield Event(MANIFEST, document=_document(payload))
        else:
            raise DamagedArchiveError("the archive's records are out of order")
    if state != "done":
        raise DamagedArchiveError("the archive has no manifest (incomplete)")
