"""Model fields for identifying data: encrypted at rest, decrypted on load."""

from __future__ import annotations

from typing import Any

from django.db import models

from gbvms.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext. Not searchable: pair it with a blind-index field."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None  # ciphertext cannot be compared; search a blind index instead
        return super().get_lookup(lookup_name)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
