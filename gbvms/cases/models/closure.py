"""A case worker's request to close a case, decided by a supervisor (approved or returned)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt đóng")
    RETURNED = "returned", _("Trả lại")
    WITHDRAWN = "withdrawn", _("Đã rút")


class ClosureRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    reason = models.CharField(_("lý do đóng"), max_length=20)
    explanation = EncryptedTextField(_("giải thích"), max_length=500, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=ClosureStatus.choices,
        default=ClosureStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_note = EncryptedTextField(_("lý do trả lại"), max_length=500, blank=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="closurerequest_one_pending",
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="closurerequest_status")]

    def __str__(self) -> str:
        return f"closure request {self.case.code} {self.status}"
