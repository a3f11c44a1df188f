"""Key rotation: re-encrypt values still under an older key, in batches, without loading models."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import connection, transaction

from gbvms.core import crypto
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
