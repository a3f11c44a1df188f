"""A model used only by the tests of the encryption helpers (no migrations: created by syncdb)."""

from django.db import models

from gbvms.core.fields import EncryptedTextField


class Secret(models.Model):
    name = EncryptedTextField(blank=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"secret {self.pk}"
