"""The case file's own writing: progress notes, and the history of the narrative and of the
survivor's details.

Every text here is about a survivor: encrypted at rest, never in the access log, never in a
notification or an export. Earlier texts are kept (encrypted) when a note, the narrative or the
survivor's details are corrected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case
from gbvms.core.fields import EncryptedJSONField, EncryptedTextField
from gbvms.core.scoping import ScopedManager


class CaseNote(models.Model):
    """A dated progress note. Its author may correct it for 24 hours (``revision`` counts the
    corrections; the texts before each are ``CaseNoteRevision`` rows)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("nội dung ghi chú"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("ghi chú tiến trình")
        verbose_name_plural = _("ghi chú tiến trình")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"  # never the text


class CaseNoteRevision(models.Model):
    """A note's text as it was before a correction."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    text = EncryptedTextField()
    written_at = models.DateTimeField()  # when this text was written
    replaced_at = models.DateTimeField(default=timezone.now)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.note_id} revision {self.pk}"


class CaseFileChange(models.Model):
    """One correction of the narrative or of the survivor's details: who, when, and the values
    before and after (encrypted: they identify the survivor). The access log has only the names
    of the fields changed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="file_changes")
    kind = models.CharField(
        max_length=10,
        choices=[("narrative", _("Lời kể")), ("survivor", _("Thông tin người bị bạo lực"))],
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    values = EncryptedJSONField(default=dict)  # field -> [before, after]

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["case", "kind", "-changed_at"], name="casefilechange_case")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind} change {self.pk}"
