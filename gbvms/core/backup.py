"""Backups that restore: ``manage.py backup PATH`` and ``manage.py restore PATH`` (docs/backup.md).

One encrypted archive (:mod:`gbvms.core.backup_archive`, key ``GBVMS_BACKUP_KEY``) holds a
consistent snapshot of the database (:mod:`gbvms.core.backup_db`) and every stored file of
``core.files`` (evidence files, report attachments: already encrypted with the field keys, copied
as they are), then a manifest: format version, creation time, database vendor, the migrations
applied, the app version, the installation id, the field keys in use, and each entry's size and
SHA-256.

A restore reads the whole archive once to check it (every record authenticated, every checksum
and size against the manifest, the installation, the vendor, the migrations and the field keys)
before it changes anything; only then does it read it again to load it: the database in one
transaction, then the files, moved into place from a folder beside them. A refused restore
leaves the database and the files as they were.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from gbvms.core import backup_archive as archive
from gbvms.core import backup_db, crypto, files

FORMAT = "gbvms-backup"
FORMAT_VERSION = 1
DATABASE_ENTRY = "database"
FILE_PREFIX = "files/"


class BackupError(Exception):
    """A backup or a restore was refused or failed; the message is for the operator."""


def backup_key() -> bytes:
    raw = (settings.BACKUP_KEY or "").strip()
    if not raw:
        raise BackupError(
            'GBVMS_BACKUP_KEY is not set: generate one with `python -c "import base64, os; '
            'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"` and keep it apart from '
            "the backups (docs/backup.md)"
        )
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BackupError("GBVMS_BACKUP_KEY is not base64") from exc
    if len(key) != 32:
        raise BackupError("GBVMS_BACKUP_KEY must be 32 bytes (256 bits), base64-encoded")
    return key


def installation_id() -> str:
    """Who this installation is: derived from its blind-index key, which every restored row's
    blind indexes were computed with (another installation's rows would not be found again)."""
    key = str(settings.BLIND_INDEX_KEY).encode("utf-8")
    return hmac.new(key, b"gbvms installation id", hashlib.sha256).hexdigest()[:16]


def app_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


@contextmanager
def _workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="gbvms-backup-"))  # mode 0700
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _header(using: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "installation_id": installation_id(),
        "database_vendor": backup_db.vendor(using),
        "app_version": app_version(),
    }


def _copy_files(writer: archive.ArchiveWriter) -> tuple[list[dict[str, Any]], list[str]]:
    """Every stored blob as it is on disk (already encrypted); blobs deleted meanwhile are
    named in the manifest's ``files_gone``."""
    listed, gone = [], []
    for blob in files.blobs():
        try:
            handle = (files.files_dir() / blob).open("rb")
        except FileNotFoundError:
            gone.append(blob)
            continue
        with handle:
            key_id = handle.read(files.HEADER_BYTES)[len(files.MAGIC) :].decode("ascii", "replace")
            handle.seek(0)
            size, digest = writer.entry(FILE_PREFIX + blob, handle)
        listed.append({"name": FILE_PREFIX + blob, "size": size, "sha256": digest, "key": key_id})
    return listed, gone


def backup_create(path: Path, *, using: str = "default") -> dict[str, Any]:
    """Write the archive to ``path`` (refused if it exists); returns the manifest."""
    key = backup_key()
    path = Path(path)
    if path.exists():
        raise BackupError(
            f"{path} already exists: choose a new name (backups are never overwritten)"
        )
    partial = path.with_name(path.name + ".partial")
    header = _header(using)
    try:
        with _workdir() as work, partial.open("xb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            writer = archive.ArchiveWriter(handle, key, os.urandom(archive.SALT_BYTES))
            writer.json(archive.HEADER, header)
            migrations = backup_db.migration_state(using)
            with backup_db.snapshot(using, work) as stream:
                size, digest = writer.entry(DATABASE_ENTRY, stream)
            entries = [{"name": DATABASE_ENTRY, "size": size, "sha256": digest}]
            file_entries, gone = _copy_files(writer)
            manifest = {
                **header,
                "migrations": migrations,
                "field_key_ids": [k.key_id for k in crypto.keyring()],
                "entries": entries + file_entries,
                "files_gone": gone,
            }
            writer.json(archive.MANIFEST, manifest)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


@dataclass
class Checked:
    """What a full read of an archive found (nothing changed yet)."""

    header: dict[str, Any]
    manifest: dict[str, Any]
    pending_migrations: list[str] = field(default_factory=list)


def _entries_match(seen: list[archive.Entry], manifest: dict[str, Any]) -> None:
    listed = manifest.get("entries")
    if not isinstance(listed, list):
        raise BackupError("the archive's manifest has no list of entries: not a GBVMS backup")
    found = [{"name": e.name, "size": e.size, "sha256": e.sha256} for e in seen]
    wanted = [{k: item.get(k) for k in ("name", "size", "sha256")} for item in listed]
    if found != wanted:
        raise BackupError(
            "the archive's contents do not match its manifest (sizes or SHA-256 checksums): "
            "it is damaged"
        )
    if not found or found[0]["name"] != DATABASE_ENTRY:
        raise BackupError("the archive holds no database")
    for item in found[1:]:
        blob = str(item["name"]).removeprefix(FILE_PREFIX)
        if not item["name"].startswith(FILE_PREFIX) or not files.BLOB_NAME.fullmatch(blob):
            raise BackupError("the archive holds an entry that is not a stored file: damaged")


def _read(path: Path, key: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    header: dict[str, Any] = {}
    manifest: dict[str, Any] = {}
    seen: list[archive.Entry] = []
    with Path(path).open("rb") as handle:
        for event in archive.events(handle, key):
            if event.kind == archive.HEADER:
                header = event.document or {}
                _check_origin(header)
            elif event.kind == archive.END and event.entry is not None:
                seen.append(event.entry)
            elif event.kind == archive.MANIFEST:
                manifest = event.document or {}
    _entries_match(seen, manifest)
    if {k: manifest.get(k) for k in header} != header:
        raise BackupError("the archive's manifest contradicts its header: it is damaged")
    return header, manifest


def _check_origin(header: dict[str, Any]) -> None:
    if header.get("format") != FORMAT or header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"not a GBVMS backup of format {FORMAT_VERSION} "
            f"(format {header.get('format')!r}, version {header.get('format_version')!r})"
        )
    if header.get("installation_id") != installation_id():
        raise BackupError(
            "this backup belongs to another installation (installation id "
            f"{header.get('installation_id')}, this one is {installation_id()}): its blind "
            "indexes and keys are not this installation's. Nothing was changed."
        )


def _check_target(manifest: dict[str, Any], using: str, *, force: bool) -> list[str]:
    here = backup_db.vendor(using)
    if manifest.get("database_vendor") != here:
        raise BackupError(
            f"this backup is of a {manifest.get('database_vendor')} database; the target is {here}"
        )
    configured = {k.key_id for k in crypto.keyring()}
    missing_keys = [k for k in manifest.get("field_key_ids", []) if k not in configured]
    if missing_keys:
        raise BackupError(
            "this backup holds values encrypted with field keys that are not configured now "
            f"(key ids {', '.join(missing_keys)}): add those keys back to GBVMS_FIELD_KEYS, after "
            "the primary key, restore, then run rotate_field_keys (docs/backup.md)"
        )
    migrations = set(manifest.get("migrations", []))
    known = backup_db.known_migrations()
    unknown = sorted(migrations - known)
    if unknown:
        raise BackupError(
            "this backup was made by a newer version of GBVMS (migrations unknown here: "
            f"{', '.join(unknown[:5])}): install that version, then restore"
        )
    if not force and not (backup_db.is_empty(using) and next(files.blobs(), None) is None):
        raise BackupError(
            "the target is not empty (the database has tables or the files folder has files): "
            "restore into a new, empty database, or give --force to replace what is there"
        )
    return sorted(known - migrations)


def backup_check(path: Path, *, using: str = "default", force: bool = False) -> Checked:
    """Read the whole archive and check it against this installation; changes nothing."""
    try:
        header, manifest = _read(path, backup_key())
    except archive.ArchiveError as exc:
        raise BackupError(f"{exc}. Nothing was changed.") from exc
    except FileNotFoundError as exc:
        raise BackupError(f"{path}: no such file") from exc
    pending = _check_target(manifest, using, force=force)
    return Checked(header, manifest, pending)


def _unpack(path: Path, key: bytes, work: Path, staging: Path) -> Path:
    """Second read: the database dump to ``work``, the files to ``staging``."""
    dump = work / "database"
    out = None
    with Path(path).open("rb") as handle:
        for event in archive.events(handle, key):
            if event.kind == archive.BEGIN and event.entry is not None:
                name = event.entry.name
                blob = name.removeprefix(FILE_PREFIX)
                if name != DATABASE_ENTRY and not files.BLOB_NAME.fullmatch(blob):
                    raise archive.DamagedArchiveError(f"unexpected entry {name[:80]!r}")
                out = (dump if name == DATABASE_ENTRY else staging / blob).open("xb")
            elif event.kind == archive.DATA and out is not None:
                out.write(event.data)
            elif event.kind == archive.END and out is not None:
                out.close()
                out = None
    return dump


def backup_restore(path: Path, *, using: str = "default", force: bool = False) -> Checked:
    """Check the archive (:func:`backup_check`), then load it: database, then files."""
    checked = backup_check(path, using=using, force=force)
    key = backup_key()
    directory = files.files_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=directory))
    try:
        with _workdir() as work:
            try:
                dump = _unpack(path, key, work, staging)
            except archive.ArchiveError as exc:
                raise BackupError(f"{exc} (on the second read). Nothing was changed.") from exc
            try:
                backup_db.restore(using, dump, replace=force)
            except backup_db.DatabaseBackupError as exc:
                raise BackupError(str(exc)) from exc
        for entry in sorted(os.listdir(staging)):
            os.replace(staging / entry, directory / entry)
        files._fsync_directory(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return checked
