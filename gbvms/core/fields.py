"""Model fields for identifying data: encrypted at rest, decrypted on load."""

from __future__ import annotations

import json
from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

from gbvms.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as AES-GCM ciphertext. Not searchable: pair it with a blind-index field."""

    description = "Encrypted text"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:  # a TextField only passes it to the form field
            self.validators.append(MaxLengthValidator(self.max_length))

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


class EncryptedJSONField(EncryptedTextField):
    """JSON (a dict or a list) stored as AES-GCM ciphertext of its serialisation."""

    description = "Encrypted JSON"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return self.get_default() if value == "" else None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
