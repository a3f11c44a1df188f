"""Key rotation: re-encrypt values still under an older key, in batches, without loading models.

:func:`rotate_all` does the encrypted fields, :func:`rotate_files` the encrypted files of
``core.files`` (the same keyring, ``GBVMS_FIELD_KEYS``: read with any listed key, written with the
first). Both are resumable: whatever is already under the primary key is skipped, so an
interrupted run is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.apps import apps
from django.db import connection, transaction

from gbvms.core import crypto, files
from gbvms.core.fields import EncryptedTextField


def _encrypted_columns() -> Iterator[tuple[str, str, str, str]]:
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model._meta.label, model._meta.db_table, model._meta.pk.column, field.column


def _rotate_column(table: str, pk: str, column: str, batch_size: int) -> int:
    qn = connection.ops.quote_name
    current = f"{crypto.PREFIX}${crypto.primary_key_id()}$%"
    select = (
        f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} "  # noqa: S608 (identifiers quoted)
        f"WHERE {qn(column)} IS NOT NULL AND {qn(column)} <> '' AND {qn(column)} NOT LIKE %s "
        f"AND {qn(pk)} > %s ORDER BY {qn(pk)} LIMIT %s"
    )
    update = f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s"  # noqa: S608
    rotated, last = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select, [current, last, batch_size])
            rows = cursor.fetchall()
            for row_pk, token in rows:
                cursor.execute(update, [crypto.reencrypt(token), row_pk])
        if not rows:
            return rotated
        rotated += len(rows)
        last = rows[-1][0]


def rotate_all(*, batch_size: int = 500) -> Iterator[tuple[str, str, int]]:
    for label, table, pk, column in _encrypted_columns():
        yield label, column, _rotate_column(table, pk, column, batch_size)


@dataclass(frozen=True)
class FileRotation:
    """Progress of :func:`rotate_files`: blobs seen so far out of ``total``, and their outcome.

    ``failed`` holds the names of blobs that could not be read (tampered with, or under a key that
    is no longer listed); blob names are random and say nothing about their content.
    """

    total: int
    seen: int = 0
    rotated: int = 0
    current: int = 0  # already under the primary key
    missing: int = 0  # deleted while the rotation ran
    failed: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.seen == self.total


def rotate_files(*, progress_every: int = 100) -> Iterator[FileRotation]:
    """Re-encrypt every stored file still under an old key with the primary key, one at a time.

    Yields the tally every ``progress_every`` files and once at the end (``done``). Each file is
    replaced atomically, so stopping at any point leaves every file readable with the keys listed.
    A file that cannot be read is left as it is and reported in ``failed``.
    """
    files.remove_stale_temporaries()
    names = list(files.blobs())
    state = FileRotation(total=len(names))
    for index, blob in enumerate(names, start=1):
        state = _rotate_one(state, blob)
        if index % progress_every == 0 and index != len(names):
            yield state
    yield state


def _rotate_one(state: FileRotation, blob: str) -> FileRotation:
    seen = state.seen + 1
    try:
        rotated = files.rekey(blob)
    except files.MissingFileError:
        return replace(state, seen=seen, missing=state.missing + 1)
    except files.StoredFileError:
        return replace(state, seen=seen, failed=(*state.failed, blob))
    if rotated:
        return replace(state, seen=seen, rotated=state.rotated + 1)
    return replace(state, seen=seen, current=state.current + 1)
